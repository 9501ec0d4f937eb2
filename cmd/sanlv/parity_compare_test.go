package main

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// maxDiffs is how many differences a comparison names before it only counts the rest.
const maxDiffs = 6

// diffs collects the differences of one comparison, the first few in full and the rest counted.
type diffs struct {
	lines []string
	more  int
}

func (d *diffs) add(format string, args ...any) {
	if len(d.lines) < maxDiffs {
		d.lines = append(d.lines, fmt.Sprintf(format, args...))
		return
	}
	d.more++
}

func (d *diffs) String() string {
	s := strings.Join(d.lines, "\n")
	if d.more > 0 {
		s += fmt.Sprintf("\n… and %d more differences", d.more)
	}
	return s
}

func (d *diffs) empty() bool { return len(d.lines) == 0 }

// sameJSON fails the test unless the two documents are byte-identical once decoded and re-encoded
// (which sorts the keys), naming the first differing paths with both values.
func sameJSON(t *testing.T, cli, api []byte) {
	t.Helper()
	var a, b any
	if err := json.Unmarshal(cli, &a); err != nil {
		t.Fatalf("command line output is not JSON: %v: %.300s", err, cli)
	}
	if err := json.Unmarshal(api, &b); err != nil {
		t.Fatalf("API answer is not JSON: %v: %.300s", err, api)
	}
	ca, _ := json.Marshal(a)
	cb, _ := json.Marshal(b)
	if bytes.Equal(ca, cb) {
		return
	}
	var d diffs
	jsonDiff(&d, "$", a, b)
	if d.empty() {
		d.add("the re-encoded documents differ (%d and %d bytes) with no differing path found", len(ca), len(cb))
	}
	t.Errorf("JSON differs (command line vs API):\n%s", d.String())
}

// jsonDiff walks two decoded documents in key order and records every differing path.
func jsonDiff(d *diffs, path string, a, b any) {
	switch x := a.(type) {
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok {
			d.add("%s: command line %s, API %s", path, short(a), short(b))
			return
		}
		keys := map[string]bool{}
		for k := range x {
			keys[k] = true
		}
		for k := range y {
			keys[k] = true
		}
		sorted := make([]string, 0, len(keys))
		for k := range keys {
			sorted = append(sorted, k)
		}
		sort.Strings(sorted)
		for _, k := range sorted {
			va, ina := x[k]
			vb, inb := y[k]
			switch {
			case !ina:
				d.add("%s.%s: only in the API: %s", path, k, short(vb))
			case !inb:
				d.add("%s.%s: only on the command line: %s", path, k, short(va))
			default:
				jsonDiff(d, path+"."+k, va, vb)
			}
		}
	case []any:
		y, ok := b.([]any)
		if !ok {
			d.add("%s: command line %s, API %s", path, short(a), short(b))
			return
		}
		if len(x) != len(y) {
			d.add("%s: command line has %d items, API %d", path, len(x), len(y))
		}
		for i := range min(len(x), len(y)) {
			jsonDiff(d, fmt.Sprintf("%s[%d]", path, i), x[i], y[i])
		}
	default:
		if !reflect.DeepEqual(a, b) {
			d.add("%s: command line %s, API %s", path, short(a), short(b))
		}
	}
}

// short is a value as JSON, cut to a readable length.
func short(v any) string {
	b, _ := json.Marshal(v)
	s := string(b)
	if r := []rune(s); len(r) > 120 {
		s = string(r[:120]) + "…"
	}
	return s
}

// sameWorkbook fails the test unless the two workbooks have the same sheets, in order, the same merged
// cells and the same contents in every cell (stored values, and the values as displayed), naming the
// first differing cells with both values.
func sameWorkbook(t *testing.T, cli, api []byte) {
	t.Helper()
	a, err := excelize.OpenReader(bytes.NewReader(cli))
	if err != nil {
		t.Fatalf("command line workbook: %v", err)
	}
	defer a.Close()
	b, err := excelize.OpenReader(bytes.NewReader(api))
	if err != nil {
		t.Fatalf("API workbook: %v", err)
	}
	defer b.Close()
	var d diffs
	sa, sb := a.GetSheetList(), b.GetSheetList()
	if !reflect.DeepEqual(sa, sb) {
		d.add("sheets: command line %q, API %q", sa, sb)
	}
	inB := map[string]bool{}
	for _, s := range sb {
		inB[s] = true
	}
	for _, sheet := range sa {
		if !inB[sheet] {
			continue
		}
		sameMerges(t, &d, sheet, a, b)
		for _, raw := range []bool{true, false} {
			ra, err := a.GetRows(sheet, excelize.Options{RawCellValue: raw})
			if err != nil {
				t.Fatalf("command line workbook, sheet %s: %v", sheet, err)
			}
			rb, err := b.GetRows(sheet, excelize.Options{RawCellValue: raw})
			if err != nil {
				t.Fatalf("API workbook, sheet %s: %v", sheet, err)
			}
			what := "value"
			if !raw {
				what = "displayed value"
			}
			before := len(d.lines) + d.more
			sameCells(&d, sheet, what, ra, rb)
			if raw && len(d.lines)+d.more > before {
				break // the stored values differ: the displayed ones would repeat them
			}
		}
	}
	if !d.empty() {
		t.Errorf("workbooks differ (command line vs API):\n%s", d.String())
	}
}

// sameMerges records the merged cells of a sheet found in one workbook and not the other.
func sameMerges(t *testing.T, d *diffs, sheet string, a, b *excelize.File) {
	t.Helper()
	merged := func(f *excelize.File) map[string]string {
		ms, err := f.GetMergeCells(sheet)
		if err != nil {
			t.Fatalf("merged cells of %s: %v", sheet, err)
		}
		out := map[string]string{}
		for _, m := range ms {
			out[m.GetStartAxis()+":"+m.GetEndAxis()] = m.GetCellValue()
		}
		return out
	}
	ma, mb := merged(a), merged(b)
	var keys []string
	for k := range ma {
		keys = append(keys, k)
	}
	for k := range mb {
		if _, ok := ma[k]; !ok {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		va, ina := ma[k]
		vb, inb := mb[k]
		switch {
		case !ina:
			d.add("%s!%s: merged only in the API (%q)", sheet, k, vb)
		case !inb:
			d.add("%s!%s: merged only on the command line (%q)", sheet, k, va)
		case va != vb:
			d.add("%s!%s: merged cell: command line %q, API %q", sheet, k, va, vb)
		}
	}
}

// sameCells records every cell of a sheet whose content differs between the two grids.
func sameCells(d *diffs, sheet, what string, a, b [][]string) {
	if len(a) != len(b) {
		d.add("%s: command line has %d rows, API %d", sheet, len(a), len(b))
	}
	for r := range max(len(a), len(b)) {
		ra, rb := cellsOf(a, r), cellsOf(b, r)
		for c := range max(len(ra), len(rb)) {
			va, vb := cellOf(ra, c), cellOf(rb, c)
			if va != vb {
				cell, _ := excelize.CoordinatesToCellName(c+1, r+1)
				d.add("%s!%s %s: command line %q, API %q", sheet, cell, what, va, vb)
			}
		}
	}
}

func cellsOf(rows [][]string, r int) []string {
	if r < len(rows) {
		return rows[r]
	}
	return nil
}

func cellOf(row []string, c int) string {
	if c < len(row) {
		return row[c]
	}
	return ""
}

// sameDocument fails the test unless the two Word documents have the same text, paragraph by
// paragraph, in word/document.xml.
func sameDocument(t *testing.T, cli, api []byte) {
	t.Helper()
	pa, err := paragraphs(cli)
	if err != nil {
		t.Fatalf("command line document: %v", err)
	}
	pb, err := paragraphs(api)
	if err != nil {
		t.Fatalf("API document: %v", err)
	}
	var d diffs
	if len(pa) != len(pb) {
		d.add("command line has %d paragraphs, API %d", len(pa), len(pb))
	}
	for i := range max(len(pa), len(pb)) {
		va, vb := cellOf(pa, i), cellOf(pb, i)
		if va != vb {
			d.add("paragraph %d: command line %q, API %q", i+1, va, vb)
		}
	}
	if !d.empty() {
		t.Errorf("documents differ (command line vs API):\n%s", d.String())
	}
}

// paragraphs returns the text of every paragraph (w:p) of a .docx's word/document.xml, tabs and breaks kept.
func paragraphs(docx []byte) ([]string, error) {
	zr, err := zip.NewReader(bytes.NewReader(docx), int64(len(docx)))
	if err != nil {
		return nil, err
	}
	f, err := zr.Open("word/document.xml")
	if err != nil {
		return nil, err
	}
	defer f.Close()
	dec := xml.NewDecoder(f)
	var out []string
	var cur strings.Builder
	inText := false
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("word/document.xml: %w", err)
		}
		switch x := tok.(type) {
		case xml.StartElement:
			switch x.Name.Local {
			case "p":
				cur.Reset()
			case "t":
				inText = true
			case "tab":
				cur.WriteString("\t")
			case "br":
				cur.WriteString("\n")
			}
		case xml.EndElement:
			switch x.Name.Local {
			case "p":
				out = append(out, cur.String())
			case "t":
				inText = false
			}
		case xml.CharData:
			if inText {
				cur.Write(x)
			}
		}
	}
}
