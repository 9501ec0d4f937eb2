package exports

import (
	"archive/zip"
	"bytes"
	"io"
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"sanlv/scoring"
)

// open reads a written workbook back.
func open(t testing.TB, data []byte) *excelize.File {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("read workbook back: %v", err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// ref names the cell at column col (1-based) and row.
func ref(col, row int) string {
	r, _ := excelize.CoordinatesToCellName(col, row)
	return r
}

// raw returns a cell's stored value, unformatted.
func raw(t testing.TB, f *excelize.File, sheet, cell string) string {
	t.Helper()
	v, err := f.GetCellValue(sheet, cell, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatalf("%s!%s: %v", sheet, cell, err)
	}
	return v
}

// shown returns a cell's value as its number format shows it.
func shown(t testing.TB, f *excelize.File, sheet, cell string) string {
	t.Helper()
	v, err := f.GetCellValue(sheet, cell)
	if err != nil {
		t.Fatalf("%s!%s: %v", sheet, cell, err)
	}
	return v
}

// number returns a numeric cell's value; a text cell fails the test.
func number(t testing.TB, f *excelize.File, sheet, cell string) float64 {
	t.Helper()
	typ, err := f.GetCellType(sheet, cell)
	if err != nil {
		t.Fatal(err)
	}
	s := raw(t, f, sheet, cell)
	x, err := strconv.ParseFloat(s, 64)
	if err != nil || typ == excelize.CellTypeInlineString || typ == excelize.CellTypeSharedString {
		t.Fatalf("%s!%s = %q (type %v), want a number", sheet, cell, s, typ)
	}
	return x
}

// style returns a cell's number format (built-in id, or the custom code) and fill colour ("" for none).
func style(t testing.TB, f *excelize.File, sheet, cell string) (numFmt string, fill string) {
	t.Helper()
	id, err := f.GetCellStyle(sheet, cell)
	if err != nil {
		t.Fatal(err)
	}
	s, err := f.GetStyle(id)
	if err != nil {
		t.Fatal(err)
	}
	numFmt = strconv.Itoa(s.NumFmt)
	if s.CustomNumFmt != nil {
		numFmt = *s.CustomNumFmt
	}
	if s.Fill.Pattern == 1 && len(s.Fill.Color) > 0 {
		fill = strings.TrimPrefix(strings.ToUpper(s.Fill.Color[0]), "#")
	}
	return numFmt, fill
}

// near reports whether a and b agree to 1e-9.
func near(a, b float64) bool { return math.Abs(a-b) <= 1e-9 }

// round2 rounds to 2 decimals, the worked policies' round (no worked value lies on a tie).
func round2(x float64) float64 { return math.Round(x*100) / 100 }

// entries returns the uncompressed parts of a workbook by name.
func entries(t testing.TB, data []byte) map[string]string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatalf("workbook is not a zip: %v", err)
	}
	out := map[string]string{}
	for _, zf := range zr.File {
		rc, err := zf.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatalf("%s: %v", zf.Name, err)
		}
		out[zf.Name] = string(b)
	}
	return out
}

// checkPrint checks a sheet prints A4 landscape, one page wide, with the first titleRows rows repeated.
func checkPrint(t *testing.T, f *excelize.File, sheet string, titleRows int) {
	t.Helper()
	pl, err := f.GetPageLayout(sheet)
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := f.GetRows(sheet)
	// A table of up to 50 rows fits one page; a longer one runs over as many as it needs.
	tall := 0
	if len(rows) <= 52 {
		tall = 1
	}
	if *pl.Size != 9 || *pl.Orientation != "landscape" || pl.FitToWidth == nil || *pl.FitToWidth != 1 ||
		pl.FitToHeight == nil || (titleRows > 0 && *pl.FitToHeight != tall) {
		t.Errorf("%s page layout: size %v orientation %v fit %v×%v, want A4 (9) landscape 1 page wide, %d high", sheet,
			*pl.Size, *pl.Orientation, *pl.FitToWidth, *pl.FitToHeight, tall)
	}
	props, err := f.GetSheetProps(sheet)
	if err != nil {
		t.Fatal(err)
	}
	if props.FitToPage == nil || !*props.FitToPage {
		t.Errorf("%s: fitToPage not set, so the fit-to-width setting would be ignored", sheet)
	}
	if titleRows == 0 {
		return
	}
	want := "'" + sheet + "'!$1:$" + strconv.Itoa(titleRows)
	found := false
	for _, dn := range f.GetDefinedName() {
		if dn.Name == "_xlnm.Print_Titles" && dn.Scope == sheet {
			found = true
			if dn.RefersTo != want {
				t.Errorf("%s print titles = %q, want %q", sheet, dn.RefersTo, want)
			}
		}
	}
	if !found {
		t.Errorf("%s: no print titles", sheet)
	}
	panes, err := f.GetPanes(sheet)
	if err != nil {
		t.Fatal(err)
	}
	if !panes.Freeze || panes.YSplit != titleRows || panes.XSplit != 0 {
		t.Errorf("%s panes = %+v, want the first %d rows frozen", sheet, panes, titleRows)
	}
}

// labels maps column A to column B of a notes sheet.
func labels(t testing.TB, f *excelize.File, sheet string) map[string]string {
	t.Helper()
	rows, err := f.GetRows(sheet, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]string{}
	for _, r := range rows {
		if len(r) >= 2 {
			m[r[0]] = r[1]
		}
	}
	return m
}

// cells returns every cell of every sheet with its style, to compare two writes.
func cells(t testing.TB, data []byte) map[string]string {
	t.Helper()
	f := open(t, data)
	out := map[string]string{}
	for _, sheet := range f.GetSheetList() {
		rows, err := f.GetRows(sheet, excelize.Options{RawCellValue: true})
		if err != nil {
			t.Fatal(err)
		}
		for r, row := range rows {
			for c, v := range row {
				n, fill := style(t, f, sheet, ref(c+1, r+1))
				out[sheet+"!"+ref(c+1, r+1)] = v + "|" + n + "|" + fill
			}
		}
	}
	return out
}

// checkHeader checks that row n of a sheet holds the headers.
func checkHeader(t *testing.T, f *excelize.File, sheet string, n int, head []string) {
	t.Helper()
	for i, h := range head {
		if got := raw(t, f, sheet, ref(i+1, n)); got != h {
			t.Fatalf("%s header %d = %q, want %q", sheet, i+1, got, h)
		}
	}
}

// rows counts the units placed on each group's sheet, whose data starts on row 3.
type rows map[string]int

// next returns the sheet of a group and the row of its next unit there.
func (r rows) next(group string) (string, int) {
	sheet := scoring.GroupLabel(group)
	r[sheet]++
	return sheet, r[sheet] + 2
}
