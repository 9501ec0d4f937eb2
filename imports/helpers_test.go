package imports

import (
	"bytes"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"sanlv/scoring"
)

// header is the English header of a tickets file, in SPEC order.
const header = "ticket_id,unit,role,received_at,dispatched_at,contacted_at,closed_at,due_at,kind,urgency,category," +
	"redispatches,callback_valid,contacted,resolved,satisfaction,supervised,incomplete_materials,opinion_incident," +
	"excluded,exclude_reason,caller_phone"

// good is a valid row for header.
const good = "T1,S01,lead,2025-10-01 08:00,2025-10-01 09:00,2025-10-01 10:00,2025-10-02 09:00,2025-10-09 09:00," +
	"complaint,normal,城建/道路,0,true,true,resolved,satisfied,false,false,false,false,,13800001111"

// testDir is a directory of three units.
func testDir(t testing.TB) *scoring.Directory {
	t.Helper()
	dir, err := scoring.NewDirectory([]scoring.Unit{
		{Code: "S01", Name: "城关街道", Group: "street"},
		{Code: "S02", Name: "东湖街道", Group: "street"},
		{Code: "D01", Name: "区城市管理委员会", Group: "department"},
	})
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

// lines joins rows into a file.
func lines(rows ...string) string { return strings.Join(rows, "\n") + "\n" }

// with returns the good row with the cells of the named columns replaced.
func with(cells map[string]string) string {
	names := strings.Split(header, ",")
	vals := strings.Split(good, ",")
	for k, v := range cells {
		found := false
		for i, n := range names {
			if n == k {
				vals[i], found = v, true
			}
		}
		if !found {
			panic("no column " + k)
		}
	}
	return strings.Join(vals, ",")
}

// collect reads a tickets file with Tickets and keeps copies of the assignments.
func collect(t testing.TB, name string, data []byte, dir *scoring.Directory, opt Options) ([]scoring.Assignment, []int, *Report, error) {
	t.Helper()
	var out []scoring.Assignment
	var rows []int
	rep, err := Tickets(name, bytes.NewReader(data), dir, opt, func(row int, a *scoring.Assignment) error {
		out = append(out, *a)
		rows = append(rows, row)
		return nil
	})
	return out, rows, rep, err
}

// workbook builds an XLSX file from rows of cells.
func workbook(t testing.TB, rows [][]any) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("Sheet1", cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// cellsOf splits a CSV line (without quotes) into workbook cells.
func cellsOf(line string) []any {
	var out []any
	for _, c := range strings.Split(line, ",") {
		out = append(out, c)
	}
	return out
}

// gb18030 encodes UTF-8 text as GB18030.
func gb18030(t testing.TB, s string) []byte {
	t.Helper()
	b, err := simplifiedchinese.GB18030.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return b
}
