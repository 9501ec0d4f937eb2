package imports

import (
	"errors"
	"strings"
	"testing"
	"time"

	"sanlv/scoring"
)

const nyc311 = `
columns:
  ticket_id: Unique Key
  received_at: Created Date
  dispatched_at: Created Date
  closed_at: Closed Date
  due_at: Due Date
  unit: Agency
  kind: Complaint Type
values:
  kind: {Noise - Residential: complaint, Illegal Parking: report, "*": help}
  unit: {NYPD: D01, DSNY: S02}
defaults: {callback_valid: "false", urgency: normal}
datetime_layouts: ["01/02/2006 03:04:05 PM"]
timezone: America/New_York
`

func TestMappingReadsA311Export(t *testing.T) {
	m, err := ParseMapping("nyc.yaml", []byte(nyc311))
	if err != nil {
		t.Fatal(err)
	}
	data := lines(
		"Unique Key,Created Date,Closed Date,Due Date,Agency,Status,Complaint Type",
		"59893817,03/14/2025 09:05:00 PM,03/15/2025 01:30:10 AM,03/21/2025 09:05:00 PM,NYPD,Closed,Noise - Residential",
		"59893818,03/09/2025 01:30:00 AM,03/09/2025 03:30:00 AM,,DSNY,Closed,Illegal Parking",
		"59893819,11/02/2025 01:30:00 AM,,,D01,Open,Rodent",
		"59893820,2025-11-03 08:00,,,NYPD,Open,Noise - Residential",
		"59893821,13/40/2025 01:00:00 AM,,,Parks,Open,Noise - Residential",
	)
	got, rows, rep, err := collect(t, "311.csv", []byte(data), testDir(t), Options{Mapping: m})
	if err != nil {
		t.Fatal(err)
	}
	ny, _ := time.LoadLocation("America/New_York")
	want := []scoring.Assignment{
		{TicketID: "59893817", Unit: 2, Kind: scoring.Complaint,
			Received: time.Date(2025, 3, 14, 21, 5, 0, 0, ny).Unix(), Dispatched: time.Date(2025, 3, 14, 21, 5, 0, 0, ny).Unix(),
			Closed: time.Date(2025, 3, 15, 1, 30, 10, 0, ny).Unix(), Due: time.Date(2025, 3, 21, 21, 5, 0, 0, ny).Unix()},
		// 02:00 on 2025-03-09 does not exist in New York: 01:30 EST is 06:30 UTC, 03:30 EDT is 07:30 UTC.
		{TicketID: "59893818", Unit: 1, Kind: scoring.Report,
			Received: time.Date(2025, 3, 9, 6, 30, 0, 0, time.UTC).Unix(), Dispatched: time.Date(2025, 3, 9, 6, 30, 0, 0, time.UTC).Unix(),
			Closed: time.Date(2025, 3, 9, 7, 30, 0, 0, time.UTC).Unix()},
		{TicketID: "59893819", Unit: 2, Kind: scoring.Help,
			Received: time.Date(2025, 11, 2, 5, 30, 0, 0, time.UTC).Unix(), Dispatched: time.Date(2025, 11, 2, 5, 30, 0, 0, time.UTC).Unix()},
		{TicketID: "59893820", Unit: 2, Kind: scoring.Complaint,
			Received: time.Date(2025, 11, 3, 13, 0, 0, 0, time.UTC).Unix(), Dispatched: time.Date(2025, 11, 3, 13, 0, 0, 0, time.UTC).Unix()},
	}
	if len(got) != len(want) {
		t.Fatalf("%d rows, want %d; report %+v", len(got), len(want), rep)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("row %d:\n got %+v\nwant %+v", rows[i], got[i], want[i])
		}
	}
	wantErrs := []RowError{
		{File: "311.csv", Row: 6, Column: "Created Date", Reason: `cannot read datetime "13/40/2025 01:00:00 AM" (use 2025-06-03 14:05, 2025/6/3 14:05:09, 2025年6月3日 14:05 or RFC 3339, or layout 01/02/2006 03:04:05 PM)`},
		{File: "311.csv", Row: 6, Column: "Agency", Reason: `unknown unit "Parks"`},
	}
	if !equalErrors(rep.Errors, wantErrs) {
		t.Errorf("errors:\n%s\nwant:\n%s", show(rep.Errors), show(wantErrs))
	}
	if strings.Join(rep.Ignored, "|") != "Status" {
		t.Errorf("ignored %q, want [Status]", rep.Ignored)
	}
}

const platform = `
columns:
  ticket_id: 工单号
  unit: 承办部门
  received_at: 来电日期
  dispatched_at: 转派时间
  closed_at: 完结时间
  kind: 工单类别
  callback_valid: 回访状态
  resolved: 回访结果
  satisfaction: 满意情况
values:
  callback_valid: {已回访: "true", 未回访: "false", 无法联系: "false"}
  resolved: {已解决: resolved, 解决中: partial, 未解决: unresolved}
  satisfaction: {满意: satisfied, 一般: basically_satisfied, 不满意: dissatisfied, "": unrated}
  kind: {求助类: help, 投诉类: complaint}
`

func TestMappingReadsAChinesePlatformExport(t *testing.T) {
	m, err := ParseMapping("platform.yaml", []byte(platform))
	if err != nil {
		t.Fatal(err)
	}
	data := lines(
		"工单号,承办部门,来电日期,转派时间,完结时间,工单类别,回访状态,回访结果,满意情况,紧急程度,备注",
		"GD-001,城关街道,2025/10/1 8:00,2025/10/1 8:30,2025/10/3 17:00,投诉类,已回访,解决中,一般,紧急,无",
		"GD-002,S02,2025-10-02 09:00:00,2025-10-02 09:10:00,,求助类,未回访,,,,",
		"GD-003,S02,2025-10-02 09:00:00,2025-10-02 09:10:00,,咨询类,已回访,已解决,满意,,",
	)
	got, _, rep, err := collect(t, "export.csv", gb18030(t, data), testDir(t), Options{Mapping: m})
	if err != nil {
		t.Fatal(err)
	}
	sh, _ := time.LoadLocation("Asia/Shanghai")
	want := []scoring.Assignment{
		{TicketID: "GD-001", Unit: 0, Kind: scoring.Complaint, Urgency: scoring.Emergency, CallbackValid: true,
			Resolution: scoring.Partial, Satisfaction: scoring.BasicallySatisfied,
			Received: time.Date(2025, 10, 1, 8, 0, 0, 0, sh).Unix(), Dispatched: time.Date(2025, 10, 1, 8, 30, 0, 0, sh).Unix(),
			Closed: time.Date(2025, 10, 3, 17, 0, 0, 0, sh).Unix()},
		{TicketID: "GD-002", Unit: 1, Kind: scoring.Help,
			Received: time.Date(2025, 10, 2, 9, 0, 0, 0, sh).Unix(), Dispatched: time.Date(2025, 10, 2, 9, 10, 0, 0, sh).Unix()},
	}
	if len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
		t.Fatalf("got\n%+v\nwant\n%+v", got, want)
	}
	wantErrs := []RowError{{File: "export.csv", Row: 4, Column: "工单类别",
		Reason: `unknown kind "咨询类" (accepted: consult, help, complaint, report, suggestion, praise)`}}
	if !equalErrors(rep.Errors, wantErrs) {
		t.Errorf("errors:\n%s\nwant:\n%s", show(rep.Errors), show(wantErrs))
	}
	if strings.Join(rep.Ignored, "|") != "备注" {
		t.Errorf("ignored %q, want [备注]", rep.Ignored)
	}
}

func TestMappingErrorsNameTheKey(t *testing.T) {
	tests := []struct {
		name, yaml string
		want       []string // fields
	}{
		{"unknown top-level key", "colums: {ticket_id: Key}", []string{"colums"}},
		{"unknown field", "columns: {tikcet_id: Key}", []string{"columns.tikcet_id"}},
		{"empty source", "columns: {ticket_id: }", []string{"columns.ticket_id"}},
		{"bad value target", "values: {kind: {Noise: noisy}}", []string{"values.kind.Noise"}},
		{"bad default", "defaults: {urgency: soon, callback_valid: perhaps}", []string{"defaults.urgency", "defaults.callback_valid"}},
		{"default and column", "columns: {urgency: Priority}\ndefaults: {urgency: normal}", []string{"defaults.urgency"}},
		{"bad layout", `datetime_layouts: ["dd/mm/yyyy"]`, []string{"datetime_layouts[0]"}},
		{"bad timezone", "timezone: Mars/Olympus", []string{"timezone"}},
		{"values not a map", "values: {kind: complaint}", []string{"values.kind"}},
		{"duplicate key", "columns:\n  ticket_id: A\n  unit: B\n  ticket_id: C", []string{"columns.ticket_id"}},
		{"duplicate top-level key", "timezone: Asia/Shanghai\ntimezone: UTC", []string{"timezone"}},
		{"list for a column", "columns: {ticket_id: [A, B]}", []string{"columns.ticket_id"}},
		{"ignore not a list", "ignore: 备注", []string{"ignore"}},
		{"bad header row", "header_row: 0", []string{"header_row"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseMapping("m.yaml", []byte(tt.yaml))
			var se *scoring.Error
			if !errors.As(err, &se) || se.Code != scoring.Invalid {
				t.Fatalf("err = %v", err)
			}
			var fields []string
			for _, f := range se.Fields {
				fields = append(fields, f.Field)
			}
			if strings.Join(fields, " ") != strings.Join(tt.want, " ") {
				t.Errorf("fields %q, want %q (%s)", fields, tt.want, se.Message)
			}
			for _, f := range se.Fields {
				if !strings.HasPrefix(f.Reason, "line ") || strings.Contains(f.Reason, "!!") || strings.Contains(f.Reason, "yaml.") {
					t.Errorf("%s: %q lacks its line or shows YAML internals", f.Field, f.Reason)
				}
			}
		})
	}
}

func TestMappedColumnMissingFromFile(t *testing.T) {
	m, err := ParseMapping("nyc.yaml", []byte(nyc311))
	if err != nil {
		t.Fatal(err)
	}
	_, _, _, err = collect(t, "311.csv", []byte(lines("Unique Key,Created Date,Agency", "1,03/14/2025 09:05:00 PM,NYPD")), testDir(t), Options{Mapping: m})
	want := `311.csv: column "Closed Date" of the mapping (for closed_at) is not in the file`
	if err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Fatalf("err = %v, want %s", err, want)
	}
}

func TestMappingFilesThatAreNotYAMLSayWhy(t *testing.T) {
	gbk := gb18030(t, "columns:\n  ticket_id: 工单号\n")
	if _, err := ParseMapping("m.yaml", gbk); err == nil || !strings.Contains(err.Error(), "请另存为 UTF-8") {
		t.Errorf("GBK mapping: %v", err)
	}
	if _, err := ParseMapping("m.yaml", []byte("columns:\n  ticket_id: A\n unit: B\n")); err == nil || !strings.Contains(err.Error(), "not valid YAML: line ") {
		t.Errorf("bad indentation: %v", err)
	}
}

func TestCROnlyCSVGetsAShortMessage(t *testing.T) {
	data := strings.ReplaceAll(lines(header, good), "\n", "\r")
	_, _, _, err := collect(t, "tickets.csv", []byte(data), testDir(t), Options{})
	if err == nil || !strings.Contains(err.Error(), "CR only") || len(err.Error()) > 200 {
		t.Errorf("err = %v", err)
	}
}
