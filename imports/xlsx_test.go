package imports

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"sanlv/scoring"
)

func TestXLSXTickets(t *testing.T) {
	sh, _ := time.LoadLocation("Asia/Shanghai")
	f := excelize.NewFile()
	defer f.Close()
	hdr := []any{"工单编号", "承办单位", "受理时间", "派单时间", "办结时间", "诉求类型", "是否有效回访", "二次交办次数", "备注"}
	f.SetSheetRow("Sheet1", "A1", &hdr)
	// Row 2: datetimes as Excel numbers and as text, a real boolean, a number.
	f.SetSheetRow("Sheet1", "A2", &[]any{"T1", "S01", 45935.00972222222, "2025-10-05 00:20", time.Date(2025, 10, 6, 8, 30, 0, 0, time.UTC), "投诉", true, 2, "x"})
	// Row 3 is empty; row 4 has a bad date number.
	f.SetSheetRow("Sheet1", "A4", &[]any{"T2", "S02", 12.5, 45935.1, nil, "求助"})
	f.NewSheet("说明")
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	got, rows, rep, err := collect(t, "t.xlsx", buf.Bytes(), testDir(t), Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := scoring.Assignment{TicketID: "T1", Unit: 0, Kind: scoring.Complaint, CallbackValid: true, Redispatches: 2,
		Received: time.Date(2025, 10, 5, 0, 14, 0, 0, sh).Unix(), Dispatched: time.Date(2025, 10, 5, 0, 20, 0, 0, sh).Unix(),
		Closed: time.Date(2025, 10, 6, 8, 30, 0, 0, sh).Unix()}
	if len(got) != 1 || got[0] != want || rows[0] != 2 {
		t.Fatalf("got %+v at %v\nwant %+v", got, rows, want)
	}
	wantErrs := []RowError{{File: "t.xlsx", Row: 4, Column: "受理时间", Reason: "Excel date number 12.5 is before 1900-03-01 or after 9999"}}
	if !equalErrors(rep.Errors, wantErrs) || rep.Rows != 2 {
		t.Errorf("report %+v\nwant errors %s", rep, show(wantErrs))
	}
	if strings.Join(rep.Ignored, "|") != "备注|sheet 说明" {
		t.Errorf("ignored %q", rep.Ignored)
	}
}

func TestUnitsFiles(t *testing.T) {
	tests := []struct {
		name  string
		data  []byte
		codes string
		want  []RowError
	}{
		{"English CSV", []byte(lines("code,name,group,parent,population", "S01,城关街道,street,,52000", "D01,区城管委,department,S01,")),
			"S01 D01", nil},
		{"Chinese XLSX", workbook(t, [][]any{{"单位编码", "单位名称", "分组", "常住人口", "备注"}, {"S01", "城关街道", "street", 52000, "x"}}),
			"S01", nil},
		{"bad rows", []byte(lines("code,name,group,population", "S01,城关街道,street,abc", ",无编码,street,", "S02,东湖,,",
			"S01,重复,street,", "S03,S04,street,", "S04,某,street,", "S05,x")),
			"S04", []RowError{
				{Row: 2, Column: "population", Reason: `not a whole number ≥ 0: "abc"`},
				{Row: 3, Column: "code", Reason: "missing (required)"},
				{Row: 4, Column: "group", Reason: "missing (required)"},
				{Row: 5, Column: "code", Reason: "duplicate of row 2"},
				{Row: 6, Column: "name", Reason: "is the code of the unit in row 7"},
				{Row: 8, Reason: "row has 2 fields, the header has 4"},
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			units, rep, err := ReadUnits("units", bytes.NewReader(tt.data))
			if err != nil {
				t.Fatal(err)
			}
			var codes []string
			for _, u := range units {
				codes = append(codes, u.Code)
			}
			if strings.Join(codes, " ") != tt.codes {
				t.Errorf("codes %q, want %q", codes, tt.codes)
			}
			for i := range tt.want {
				tt.want[i].File = "units"
			}
			if !equalErrors(rep.Errors, tt.want) {
				t.Errorf("errors:\n%s\nwant\n%s", show(rep.Errors), show(tt.want))
			}
			if _, err := scoring.NewDirectory(units); err != nil {
				t.Errorf("NewDirectory: %v", err)
			}
		})
	}
	_, _, err := ReadUnits("units.csv", strings.NewReader(lines("code,名称", "S01,x")))
	if err == nil || err.Error() != "units.csv: missing required column name (单位名称), group (分组)" {
		t.Errorf("missing columns: %v", err)
	}
}

func TestUnitsChineseGroupNamesMapToTheStandardCodes(t *testing.T) {
	units, rep, err := ReadUnits("units.csv", strings.NewReader(lines("单位编码,单位名称,分组",
		"S01,城关街道,街乡镇", "D01,区城管委,区级部门", "E01,自来水公司,公共服务企业", "X01,开发区管委会,功能区")))
	if err != nil || rep.Invalid > 0 {
		t.Fatalf("%v %v", err, rep.Errors)
	}
	var got []string
	for _, u := range units {
		got = append(got, u.Group)
	}
	if want := "street department enterprise 功能区"; strings.Join(got, " ") != want {
		t.Errorf("groups %q, want %q", got, want)
	}
}

// dateFormats are number formats of Excel date cells, each with whether it shows a date only.
var dateFormats = []struct {
	name     string
	numFmt   int
	custom   string
	dateOnly bool
}{
	{"built-in date m/d/yyyy (14)", 14, "", true},
	{"custom yyyy年m月d日", 0, `yyyy"年"m"月"d"日"`, true},
	{"custom yyyy-mm-dd", 0, "yyyy-mm-dd", true},
	{"built-in datetime m/d/yy h:mm (22)", 22, "", false},
	{"custom yyyy/m/d h:mm", 0, "yyyy/m/d h:mm", false},
}

// dateCellsBook is a workbook of one ticket per date format: received on 2025-10-01 and due on
// 2025-10-09 (serial numbers 45931 and 45939, both at 00:00), in cells of that format.
func dateCellsBook(t *testing.T) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	f.SetSheetRow("Sheet1", "A1", &[]any{"工单编号", "承办单位", "受理时间", "派单时间", "诉求类型", "办理时限"})
	for i, df := range dateFormats {
		row := i + 2
		f.SetSheetRow("Sheet1", fmt.Sprintf("A%d", row), &[]any{fmt.Sprintf("T%d", i+1), "S01", 45931, "2025-10-01 09:00", "投诉", 45939})
		style := &excelize.Style{NumFmt: df.numFmt}
		if df.custom != "" {
			style.CustomNumFmt = &df.custom
		}
		st, err := f.NewStyle(style)
		if err != nil {
			t.Fatal(err)
		}
		if err := f.SetCellStyle("Sheet1", fmt.Sprintf("C%d", row), fmt.Sprintf("F%d", row), st); err != nil {
			t.Fatal(err)
		}
	}
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestExcelDateCellsWithoutATimeAreReadLikeTextDates(t *testing.T) {
	at := func(d int) int64 { return time.Date(2025, 10, d, 0, 0, 0, 0, shanghai).Unix() }
	for name, data := range map[string][]byte{"d.xlsx": dateCellsBook(t), "d.xls": dateCellsXLS(t)} {
		t.Run(name, func(t *testing.T) {
			as, _, rep, err := collect(t, name, data, testDir(t), Options{})
			if err != nil || len(as) != len(dateFormats) {
				t.Fatalf("err %v, report %+v", err, rep)
			}
			n := 0
			for i, df := range dateFormats {
				// A date alone is due at the end of that day (as the text 2025-10-09 is); a datetime at 00:00 is due then.
				due := at(9)
				if df.dateOnly {
					due, n = at(10), n+1
				}
				if as[i].Due != due || as[i].Received != at(1) {
					t.Errorf("%s: due %v, received %v; want %v, %v", df.name, time.Unix(as[i].Due, 0).In(shanghai),
						time.Unix(as[i].Received, 0).In(shanghai), time.Unix(due, 0).In(shanghai), time.Unix(at(1), 0).In(shanghai))
				}
			}
			want := fmt.Sprintf("办理时限：%d 个单元格只有日期没有时间", n)
			if !strings.Contains(strings.Join(rep.Notes, "\n"), want) {
				t.Errorf("notes %q, want %q", rep.Notes, want)
			}
		})
	}
}

func TestDateCellSetKeepsRunsOfRowsPerColumn(t *testing.T) {
	var c cellSpans
	for r := 2; r <= 100000; r++ {
		c.add(r, 7) // a due-date column formatted as dates from top to bottom
	}
	for _, r := range []int{3, 5, 9} {
		c.add(r, 2)
	}
	c.add(9, 2) // a cell met twice
	cases := []struct {
		row, col int
		want     bool
	}{
		{1, 7, false}, {2, 7, true}, {50000, 7, true}, {100000, 7, true}, {100001, 7, false},
		{3, 2, true}, {4, 2, false}, {5, 2, true}, {9, 2, true}, {10, 2, false}, {3, 3, false},
	}
	for _, tc := range cases {
		if got := c.has(tc.row, tc.col); got != tc.want {
			t.Errorf("has(%d, %d) = %v, want %v", tc.row, tc.col, got, tc.want)
		}
	}
	if n := len(c.cols[7]); n != 1 {
		t.Errorf("a column of dates top to bottom is kept as %d runs, want 1", n)
	}
}
