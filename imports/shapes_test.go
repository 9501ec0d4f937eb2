package imports

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/xuri/excelize/v2"

	"sanlv/fixtures"
	"sanlv/fixtures/fixturetest"
	"sanlv/scoring"
)

// workedRows returns the English header and the rows of the worked example's tickets.csv.
func workedRows(t *testing.T) ([]string, [][]string) {
	t.Helper()
	recs, err := csv.NewReader(worked(t, "tickets.csv")).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return recs[0], recs[1:]
}

// chineseHeader returns the first Chinese header of each English field name.
func chineseHeader(t *testing.T, header []string) []string {
	t.Helper()
	out := make([]string, len(header))
	for i, h := range header {
		f, ok := fieldByName(h)
		if !ok {
			t.Fatalf("no field %s", h)
		}
		out[i] = ticketFields[f].chinese[0]
	}
	return out
}

// isTimeColumn reports whether the English header names a datetime field.
func isTimeColumn(h string) bool { f, ok := fieldByName(h); return ok && f.isTime() }

var shanghai = func() *time.Location { l, _ := time.LoadLocation("Asia/Shanghai"); return l }()

// parseWorked reads a datetime of the worked example's CSV.
func parseWorked(t *testing.T, s string) time.Time {
	t.Helper()
	for _, l := range []string{"2006-01-02 15:04:05", "2006-01-02 15:04", "2006/1/2 15:04"} {
		if tm, err := time.ParseInLocation(l, s, shanghai); err == nil {
			return tm
		}
	}
	t.Fatalf("cannot read worked datetime %q", s)
	return time.Time{}
}

// excelSerial is the Excel serial number of tm (1900 date system), written as XLSX stores it.
func excelSerial(tm time.Time) string {
	y, m, d := tm.Date()
	days := float64(daysFrom(y, int(m), d) + excelEpoch1900)
	secs := float64(tm.Hour()*3600 + tm.Minute()*60 + tm.Second())
	return fmt.Sprint(days + secs/86400)
}

// sheetSpec is one sheet of a generated workbook.
type sheetSpec struct {
	name  string
	rows  [][]any
	merge string // a range to merge, e.g. A1:V1
	// hidden hides the sheet (the last sheet is then the active one: Excel never hides the active sheet).
	hidden bool
}

// book writes a workbook of the sheets.
func book(t *testing.T, sheets []sheetSpec) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for i, s := range sheets {
		if i == 0 {
			if err := f.SetSheetName("Sheet1", s.name); err != nil {
				t.Fatal(err)
			}
		} else if _, err := f.NewSheet(s.name); err != nil {
			t.Fatal(err)
		}
		for r, row := range s.rows {
			cell, _ := excelize.CoordinatesToCellName(1, r+1)
			if err := f.SetSheetRow(s.name, cell, &row); err != nil {
				t.Fatal(err)
			}
		}
		if s.merge != "" {
			a, b, _ := strings.Cut(s.merge, ":")
			if err := f.MergeCell(s.name, a, b); err != nil {
				t.Fatal(err)
			}
		}
	}
	f.SetActiveSheet(len(sheets) - 1)
	for _, s := range sheets {
		if s.hidden {
			if err := f.SetSheetVisible(s.name, false); err != nil {
				t.Fatal(err)
			}
			if v, _ := f.GetSheetVisible(s.name); v {
				t.Fatalf("sheet %s not hidden", s.name)
			}
		}
	}
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func anyRow(cells []string) []any {
	out := make([]any, len(cells))
	for i, c := range cells {
		out[i] = c
	}
	return out
}

// csvBytes writes records as CSV.
func csvBytes(t *testing.T, recs [][]string) []byte {
	t.Helper()
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	if err := w.WriteAll(recs); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// titledRows is the worked example as a platform exports it: a merged title, an export-time row,
// the Chinese header on row 3, the data, and a 合计 row.
func titledRows(t *testing.T) sheetSpec {
	header, rows := workedRows(t)
	out := [][]any{{"XX区12345热线工单明细表(2025年10月)"}, {"导出时间：2025-11-01 09:00:00", "", "导出人：管理员"}, anyRow(chineseHeader(t, header))}
	for _, r := range rows {
		out = append(out, anyRow(r))
	}
	out = append(out, []any{"合计", fmt.Sprintf("%d 条", len(rows))})
	return sheetSpec{name: "工单明细", rows: out, merge: "A1:V1"}
}

// exportShapes builds each export shape of the worked example's tickets.
func exportShapes(t *testing.T) map[string][]byte {
	header, rows := workedRows(t)
	zh := chineseHeader(t, header)
	shapes := map[string][]byte{}

	shapes["title rows, merged title and 合计 row.xlsx"] = book(t, []sheetSpec{titledRows(t)})

	data := [][]any{anyRow(zh)}
	for _, r := range rows {
		data = append(data, anyRow(r))
	}
	// Excel's Unicode text (UTF-16 with its byte-order mark, tabs, CRLF) and a tab-separated UTF-8
	// file, each with a title line and a remark column whose cells hold commas, quotes and a tab.
	var tsv bytes.Buffer
	tsv.WriteString("XX区12345热线工单明细表\r\n" + strings.Join(append(chineseHeader(t, header), "备注"), "\t") + "\r\n")
	for i, r := range rows {
		remark := [...]string{"已回访,满意", `称"已解决"`, "\"含\t制表符\"", ""}[i%4]
		tsv.WriteString(strings.Join(append(append([]string(nil), r...), remark), "\t") + "\r\n")
	}
	shapes["tab-separated.tsv"] = tsv.Bytes()
	u16 := []byte{0xFF, 0xFE}
	for _, c := range utf16.Encode([]rune(tsv.String())) {
		u16 = append(u16, byte(c), byte(c>>8))
	}
	shapes["Unicode text, UTF-16 with tabs.txt"] = u16

	shapes["data on sheet 2 behind a cover sheet.xlsx"] = book(t, []sheetSpec{
		{name: "封面", rows: [][]any{{"12345热线工单导出"}, {"区政务服务中心"}, {"2025年10月"}}},
		{name: "工单明细", rows: data},
	})

	// Chinese text datetimes, in three spellings, and a 合计 line.
	recs := [][]string{zh}
	for i, r := range rows {
		r = append([]string(nil), r...)
		for j, h := range header {
			if isTimeColumn(h) && r[j] != "" {
				tm := parseWorked(t, r[j])
				switch (i + j) % 3 {
				case 0:
					r[j] = tm.Format("2006年1月2日 15:04")
				case 1:
					r[j] = tm.Format("2006年1月2日15时04分")
				default:
					r[j] = tm.Format("2006年01月02日 15时04分05秒")
				}
			}
		}
		recs = append(recs, r)
	}
	recs = append(recs, append([]string{"合计："}, make([]string, len(zh)-1)...))
	shapes["Chinese text datetimes.csv"] = csvBytes(t, recs)

	// 12-hour times with 上午/下午 (Excel's and WPS's Chinese format saved as CSV), Java timestamps
	// with a fraction, and digits-only stamps.
	recs = [][]string{zh}
	for i, r := range rows {
		r = append([]string(nil), r...)
		for j, h := range header {
			if isTimeColumn(h) && r[j] != "" {
				tm := parseWorked(t, r[j])
				switch (i + j) % 3 {
				case 0:
					half := "上午"
					if tm.Hour() >= 12 {
						half = "下午"
					}
					r[j] = tm.Format("2006/1/2 ") + half + " " + tm.Format("3:04:05")
				case 1:
					r[j] = tm.Format("2006-01-02 15:04:05") + ".0"
				default:
					r[j] = tm.Format("20060102150405")
				}
			}
		}
		recs = append(recs, r)
	}
	shapes["12-hour, fractional and digits-only datetimes.csv"] = csvBytes(t, recs)

	// Headers with line breaks, full-width spaces and surrounding spaces; unit names instead of codes,
	// with full-width spaces inside.
	dir := workedUnits(t, "units.csv")
	odd := make([]string, len(zh))
	for i, h := range zh {
		r := []rune(h)
		switch i % 3 {
		case 0:
			odd[i] = string(r[:len(r)/2]) + "\n" + string(r[len(r)/2:])
		case 1:
			odd[i] = string(r[:1]) + "\u3000" + string(r[1:])
		default:
			odd[i] = " " + h + "\u3000"
		}
	}
	recs = [][]string{odd}
	unitCol := indexOf(header, "unit")
	for _, r := range rows {
		r = append([]string(nil), r...)
		u, ok := dir.Lookup(r[unitCol])
		if !ok {
			t.Fatalf("unit %s", r[unitCol])
		}
		name := []rune(dir.Unit(u).Name)
		r[unitCol] = string(name[:2]) + "\u3000" + string(name[2:])
		recs = append(recs, r)
	}
	shapes["headers with breaks and full-width spaces, unit names with spaces.csv"] = csvBytes(t, recs)

	// Numbers stored as text: datetimes as serial numbers in text cells, counts as text; and
	// datetimes as numeric cells.
	textNums := [][]any{anyRow(zh)}
	numeric := [][]any{anyRow(zh)}
	for _, r := range rows {
		a, b := anyRow(r), anyRow(r)
		for j, h := range header {
			if isTimeColumn(h) && r[j] != "" {
				s := excelSerial(parseWorked(t, r[j]))
				a[j] = s
				var v float64
				fmt.Sscan(s, &v)
				b[j] = v
			}
		}
		textNums = append(textNums, a)
		numeric = append(numeric, b)
	}
	shapes["numbers stored as text.xlsx"] = book(t, []sheetSpec{{name: "Sheet1", rows: textNums}})
	shapes["datetimes as numbers.xlsx"] = book(t, []sheetSpec{{name: "Sheet1", rows: numeric}})

	// A platform's template: required-field asterisks (half- and full-width) and colons on headers.
	marked := append([]string(nil), zh...)
	for i := range marked {
		switch i % 4 {
		case 0:
			marked[i] = "*" + marked[i]
		case 1:
			marked[i] += "："
		case 2:
			marked[i] = "＊" + marked[i] + ":"
		}
	}
	shapes["required-field asterisks and colons on headers.xlsx"] = book(t, []sheetSpec{{name: "Sheet1", rows: append([][]any{anyRow(marked)}, data[1:]...)}})

	// A hidden sheet with an old copy of part of the data before the data sheet: it is not read.
	shapes["hidden sheet with an old copy before the data.xlsx"] = book(t, []sheetSpec{
		{name: "旧数据", rows: data[:10], hidden: true},
		{name: "工单明细", rows: data},
	})

	// A cover sheet, then title rows, the header on row 3 and a 合计 row, together.
	shapes["cover sheet, title rows and 合计 row.xlsx"] = book(t, []sheetSpec{
		{name: "封面", rows: [][]any{{"12345热线工单导出"}, {"区政务服务中心"}}},
		titledRows(t),
	})

	// Datetimes as dates with dots (2025.10.3 14:05), as some platforms write them, and as real
	// Excel date cells with a date number format.
	dotted := [][]string{zh}
	dated := [][]any{anyRow(zh)}
	for i, r := range rows {
		a, b := append([]string(nil), r...), anyRow(r)
		for j, h := range header {
			if isTimeColumn(h) && r[j] != "" {
				tm := parseWorked(t, r[j])
				a[j] = tm.Format([]string{"2006.1.2 15:04", "2006.01.02 15:04:05"}[(i+j)%2])
				b[j] = tm
			}
		}
		dotted = append(dotted, a)
		dated = append(dated, b)
	}
	shapes["datetimes with dots.csv"] = csvBytes(t, dotted)
	shapes["datetimes as Excel date cells.xlsx"] = book(t, []sheetSpec{{name: "Sheet1", rows: dated}})

	xls, err := os.ReadFile(filepath.Join("testdata", "tickets-titled.xls"))
	if err != nil {
		t.Fatal(err)
	}
	shapes["legacy .xls with title rows and 合计 row.xls"] = xls
	return shapes
}

func indexOf(list []string, s string) int {
	for i, x := range list {
		if x == s {
			return i
		}
	}
	return -1
}

// TestWriteShapeWorkbook writes the titled workbook from which testdata/tickets-titled.xls was
// converted (soffice --headless --convert-to xls); it runs only when SANLV_WRITE_SHAPES names a directory.
func TestWriteShapeWorkbook(t *testing.T) {
	dir := os.Getenv("SANLV_WRITE_SHAPES")
	if dir == "" {
		t.Skip("set SANLV_WRITE_SHAPES to write the workbook")
	}
	if err := os.WriteFile(filepath.Join(dir, "tickets-titled.xlsx"), book(t, []sheetSpec{titledRows(t)}), 0o644); err != nil {
		t.Fatal(err)
	}
}

// scoreJSON scores assignments for 2025-10 under a shipped policy and returns the card as generic JSON.
func scoreJSON(t *testing.T, policy string, dir *scoring.Directory, as []scoring.Assignment) any {
	t.Helper()
	p, err := fixtures.LoadPolicy(policy)
	if err != nil {
		t.Fatal(err)
	}
	per, err := scoring.ParsePeriod("2025-10", p.StartDay, p.Loc)
	if err != nil {
		t.Fatal(err)
	}
	b, err := scoring.NewBook(p, dir, []scoring.Period{per})
	if err != nil {
		t.Fatal(err)
	}
	for i := range as {
		if err := b.Add(&as[i]); err != nil {
			t.Fatal(err)
		}
	}
	data, err := json.Marshal(b.Card(0))
	if err != nil {
		t.Fatal(err)
	}
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatal(err)
	}
	return v
}

func TestEveryExportShapeScoresLikeTheWorkedExample(t *testing.T) {
	fixturetest.Need(t)
	dir := workedUnits(t, "units.csv")
	for name, data := range exportShapes(t) {
		t.Run(name, func(t *testing.T) {
			as, _, rep, err := collect(t, name, data, dir, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if rep.Invalid != 0 || rep.Rows != 133 || len(as) != 133 {
				t.Fatalf("%d rows, %d invalid, %d read: %v", rep.Rows, rep.Invalid, len(as), rep.Err())
			}
			for _, policy := range []string{"district-2025", "county-threshold"} {
				fixturetest.SameJSON(t, policy, fixturetest.Expected(t, policy, "2025-10"), scoreJSON(t, policy, dir, as))
			}
			t.Logf("sheet %q header row %d, notes %q, ignored %q, totals %v", rep.Sheet, rep.HeaderRow, rep.Notes, rep.Ignored, rep.Totals)
		})
	}
}
