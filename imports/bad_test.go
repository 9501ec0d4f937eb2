package imports

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"sanlv/scoring"
)

func TestBadRowsAreReported(t *testing.T) {
	tests := []struct {
		name   string
		rows   []string
		want   []RowError // File is filled in
		assign int        // valid rows passed to fn
	}{
		{"unknown unit", []string{with(map[string]string{"unit": "X99"})},
			[]RowError{{Row: 2, Column: "unit", Reason: `unknown unit "X99"`}}, 0},
		{"unit by exact name is known", []string{with(map[string]string{"unit": "区城市管理委员会"})}, nil, 1},
		{"duplicate key in one file", []string{good, with(map[string]string{"role": "co", "unit": "S02"}), good},
			[]RowError{{Row: 4, Column: "ticket_id", Reason: "duplicate of row 2 (same ticket_id and unit)"}}, 3},
		{"closed before dispatched", []string{with(map[string]string{"closed_at": "2025-10-01 08:30"})},
			[]RowError{{Row: 2, Column: "closed_at", Reason: "before dispatched_at (2025-10-01 08:30 < 2025-10-01 09:00)"}}, 0},
		{"contacted before dispatched", []string{with(map[string]string{"contacted_at": "2025-10-01 08:59:30"})},
			[]RowError{{Row: 2, Column: "contacted_at", Reason: "before dispatched_at (2025-10-01 08:59:30 < 2025-10-01 09:00)"}}, 0},
		{"dispatched before received", []string{with(map[string]string{"received_at": "2025-10-01 09:01"})},
			[]RowError{{Row: 2, Column: "dispatched_at", Reason: "before received_at (2025-10-01 09:00 < 2025-10-01 09:01)"}}, 0},
		{"unparsable date", []string{with(map[string]string{"received_at": "2025-13-01 08:00"})},
			[]RowError{{Row: 2, Column: "received_at", Reason: `cannot read datetime "2025-13-01 08:00" (use 2025-06-03 14:05, 2025/6/3 14:05:09, 2025年6月3日 14:05 or RFC 3339)`}}, 0},
		{"date without a year", []string{with(map[string]string{"due_at": "10-09 08:00"})},
			[]RowError{{Row: 2, Column: "due_at", Reason: `cannot read datetime "10-09 08:00" (use 2025-06-03 14:05, 2025/6/3 14:05:09, 2025年6月3日 14:05 or RFC 3339)`}}, 0},
		{"unknown kind", []string{with(map[string]string{"kind": "gripe"})},
			[]RowError{{Row: 2, Column: "kind", Reason: `unknown kind "gripe" (accepted: consult, help, complaint, report, suggestion, praise)`}}, 0},
		{"unknown urgency", []string{with(map[string]string{"urgency": "asap"})},
			[]RowError{{Row: 2, Column: "urgency", Reason: `unknown urgency "asap" (accepted: normal, emergency, priority, complex)`}}, 0},
		{"unknown satisfaction word", []string{with(map[string]string{"satisfaction": "meh"})},
			[]RowError{{Row: 2, Column: "satisfaction", Reason: `unknown satisfaction "meh" (accepted: unrated, very_satisfied, satisfied, basically_satisfied, dissatisfied, very_dissatisfied)`}}, 0},
		{"bad boolean", []string{with(map[string]string{"supervised": "maybe"})},
			[]RowError{{Row: 2, Column: "supervised", Reason: `unknown boolean "maybe" (accepted: , true, false)`}}, 0},
		{"negative redispatches", []string{with(map[string]string{"redispatches": "-1"})},
			[]RowError{{Row: 2, Column: "redispatches", Reason: `not a whole number ≥ 0: "-1"`}}, 0},
		{"excluded without reason", []string{with(map[string]string{"excluded": "是"})},
			[]RowError{{Row: 2, Column: "exclude_reason", Reason: "required when excluded is true"}}, 0},
		{"excluded with reason", []string{with(map[string]string{"excluded": "是", "exclude_reason": "不属实"})}, nil, 1},
		{"ragged row", []string{good, "T2,S01,lead"},
			[]RowError{{Row: 3, Reason: "row has 3 fields, the header has 22"}}, 1},
		{"missing required values", []string{with(map[string]string{"ticket_id": "", "kind": " ", "dispatched_at": ""})},
			[]RowError{{Row: 2, Column: "ticket_id", Reason: "missing (required)"},
				{Row: 2, Column: "dispatched_at", Reason: "missing (required)"},
				{Row: 2, Column: "kind", Reason: "missing (required)"}}, 0},
		{"every problem of a row", []string{with(map[string]string{"unit": "X", "kind": "x", "closed_at": "2025-09-01 00:00"})},
			[]RowError{{Row: 2, Column: "unit", Reason: `unknown unit "X"`},
				{Row: 2, Column: "closed_at", Reason: "before dispatched_at (2025-09-01 00:00 < 2025-10-01 09:00)"},
				{Row: 2, Column: "kind", Reason: `unknown kind "x" (accepted: consult, help, complaint, report, suggestion, praise)`}}, 0},
		{"malformed quote", []string{strings.Replace(good, "城建/道路", `"城建"/道路`, 1)},
			[]RowError{{Row: 2, Column: "category", Reason: `text after the closing quote (a quote inside a quoted field is written "")`}}, 0},
		{"blank rows are skipped", []string{"", good, ",,,,,,,,,,,,,,,,,,,,,", ""}, nil, 1},
		{"invalid UTF-8 after the first 64 KB", append(padding(700), with(map[string]string{"category": "\xff\xfe", "kind": "\xff"})),
			[]RowError{{Row: 702, Column: "kind", Reason: `unknown kind "\xff" (accepted: consult, help, complaint, report, suggestion, praise)`},
				{Row: 702, Column: "category", Reason: "invalid UTF-8 text (is the file in another encoding?)"}}, 700},
	}
	dir := testDir(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := []byte(lines(append([]string{header}, tt.rows...)...))
			got, _, rep, err := collect(t, "tickets.csv", data, dir, Options{})
			if err != nil {
				t.Fatal(err)
			}
			for i := range tt.want {
				tt.want[i].File = "tickets.csv"
			}
			if !equalErrors(rep.Errors, tt.want) {
				t.Errorf("errors:\n%s\nwant:\n%s", show(rep.Errors), show(tt.want))
			}
			if len(got) != tt.assign {
				t.Errorf("%d rows passed to fn, want %d", len(got), tt.assign)
			}
			invalid := map[int]bool{}
			for _, e := range tt.want {
				invalid[e.Row] = true
			}
			if rep.Invalid != len(invalid) || rep.Valid+rep.Invalid != rep.Rows {
				t.Errorf("report %d rows, %d valid, %d invalid; want %d invalid", rep.Rows, rep.Valid, rep.Invalid, len(invalid))
			}
			err = rep.Err()
			if (err != nil) != (len(tt.want) > 0) {
				t.Fatalf("Err() = %v", err)
			}
			var se *scoring.Error
			if err != nil && (!errors.As(err, &se) || se.Code != scoring.Invalid || len(se.Fields) != len(tt.want) ||
				!strings.Contains(se.Message, tt.want[0].String())) {
				t.Errorf("Err() = %#v", err)
			}
		})
	}
}

func equalErrors(a, b []RowError) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func show(es []RowError) string {
	var b strings.Builder
	for _, e := range es {
		b.WriteString("  " + e.String() + "\n")
	}
	return b.String()
}

func TestUnreadableFilesFail(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	random := make([]byte, 4096)
	for i := range random {
		random[i] = byte(rng.Uint32())
	}
	xlsx := workbook(t, [][]any{cellsOf(header), cellsOf(good)})
	badGB := append(gb18030(t, lines(append([]string{"工单编号,承办单位,受理时间,派单时间,诉求类型"}, padding(5000)...)...)),
		"T1,S01,2025-10-01 08:00,2025-10-01 09:00,\x81\xFF\n"...)
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"zero bytes", nil, "tickets: empty file (0 bytes)"},
		{"header only", []byte(header + "\n"), "tickets: no data rows below the header"},
		{"byte-order mark only", []byte("\xEF\xBB\xBF"), "tickets: empty file (no header row)"},
		{"random bytes", random, "tickets: not UTF-8 or GB18030"},
		{"UTF-16 with an unpaired surrogate", []byte("\xFF\xFEt\x00\x00\xD8i\x00"), "tickets: not UTF-8, GB18030 or UTF-16 (invalid UTF-16 sequence"},
		{"truncated XLSX", xlsx[:len(xlsx)/2], "tickets: not a readable XLSX workbook"},
		{"old XLS", []byte("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1rest"), "tickets: not a readable .xls workbook (damaged: not a complete Office compound file)"},
		{"missing required column", []byte(lines("ticket_id,unit,received_at,dispatched_at", "T1,S01,2025-10-01 08:00,2025-10-01 09:00")),
			"tickets: missing required column kind (诉求类型)"},
		{"semicolons", []byte(lines(strings.ReplaceAll(header, ",", ";"), strings.ReplaceAll(good, ",", ";"))),
			"tickets: the header is one column: is \";\" the separator? Save the file as CSV with commas"},
		{"two columns for one field", []byte(lines(header+",受理时间", good+",2025-10-01 08:00")),
			"tickets: columns received_at, 受理时间 all give received_at: choose one with a column mapping"},
		{"unterminated quote", []byte(lines(header, strings.Replace(good, "城建/道路", `"城建/道路`, 1))),
			"tickets: row 2: quoted field not closed before the end of the file"},
		{"GB18030 with a bad byte later", badGB, "tickets: not UTF-8, GB18030 or UTF-16 (invalid GB18030 byte sequence"},
	}
	dir := testDir(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, _, err := collect(t, "tickets", tt.data, dir, Options{})
			var se *scoring.Error
			if !errors.As(err, &se) || se.Code != scoring.Invalid || !strings.HasPrefix(se.Message, tt.want) {
				t.Fatalf("err = %v, want an Invalid error starting %q", err, tt.want)
			}
		})
	}
}

// padding returns n valid rows with distinct ticket ids, to push a later row past the head of a file.
func padding(n int) []string {
	rows := make([]string, n)
	for i := range rows {
		rows[i] = with(map[string]string{"ticket_id": fmt.Sprintf("P%06d", i)})
	}
	return rows
}
