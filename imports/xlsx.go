package imports

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
)

// Limits on a workbook, so that a small file that decompresses to gigabytes (a zip bomb) is refused
// at once instead of after minutes and gigabytes of memory.
const (
	// maxWorkbook bounds the size of a workbook file itself.
	maxWorkbook = 512 << 20
	// maxSheetXML and maxStringsXML bound the decompressed size of one sheet and of the shared strings.
	maxSheetXML   = 2 << 30
	maxStringsXML = 512 << 20
	// maxRatio bounds the compression ratio of a part larger than ratioFloor: real sheets compress
	// 5–20 times, bombs a thousand times.
	maxRatio   = 200
	ratioFloor = 32 << 20
	// maxCellChars is Excel's own limit on the text of one cell.
	maxCellChars = 32767
	// maxTextRun bounds the bytes between two '<' of a part: a cell of 32,767 characters written
	// with character references (&#x4E2D; is 8 bytes a character).
	maxTextRun = 8 * maxCellChars
)

// checkZip refuses a workbook whose sheets or shared strings exceed the limits, reading each
// such part once as a stream (so the check costs time, not memory). The shared strings may list
// at most sstSlack more strings than the sheets have shared-string cells: a table of millions of
// strings behind a tiny sheet is a bomb however well it compresses.
func checkZip(name string, data []byte) error {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return fileError(name, "not a readable XLSX workbook (%v)", err)
	}
	var sst *zip.File
	cells := 0
	for _, f := range zr.File {
		limit := uint64(0)
		switch {
		case f.Name == "xl/sharedStrings.xml":
			limit = maxStringsXML
		case strings.HasPrefix(f.Name, "xl/worksheets/") && strings.HasSuffix(f.Name, ".xml"):
			limit = maxSheetXML
		default:
			continue
		}
		size := f.UncompressedSize64
		if size > limit {
			return fileError(name, "%s decompresses to %d MB, more than the %d MB allowed (a damaged file or a zip bomb)", f.Name, size>>20, limit>>20)
		}
		if size > ratioFloor && size > maxRatio*max(f.CompressedSize64, 1) {
			return fileError(name, "%s decompresses %d times its size (%d MB): refused as a zip bomb", f.Name, size/max(f.CompressedSize64, 1), size>>20)
		}
		if f.Name == "xl/sharedStrings.xml" {
			sst = f
			continue
		}
		n, err := scanPart(f, []byte(`t="s"`), -1)
		if err != nil {
			return fileError(name, "%s: %v", f.Name, err)
		}
		cells += n
	}
	if sst != nil {
		if _, err := scanPart(sst, []byte("<si>"), cells+sstSlack); err != nil {
			return fileError(name, "%s: %v", sst.Name, err)
		}
	}
	return nil
}

// sstSlack is how many more shared strings than shared-string cells a workbook may have (strings
// left over from deleted cells).
const sstSlack = 100000

// errTooMany reports a part with more occurrences of its pattern than allowed.
var errTooMany = errors.New("more shared strings than the sheets use (a zip bomb)")

// scanPart reads a part, fails on a text run longer than a cell may be, and counts the
// occurrences of pat, failing as soon as they exceed limit (when limit ≥ 0).
func scanPart(f *zip.File, pat []byte, limit int) (int, error) {
	rc, err := f.Open()
	if err != nil {
		return 0, err
	}
	defer rc.Close()
	keep := len(pat) - 1
	buf := make([]byte, keep+256<<10)
	carry := 0 // bytes of the previous chunk's end kept in front of buf
	run, count := 0, 0
	for {
		n, err := rc.Read(buf[carry:])
		b := buf[carry : carry+n]
		count += bytes.Count(buf[:carry+n], pat)
		if limit >= 0 && count > limit {
			return count, errTooMany
		}
		for len(b) > 0 {
			i := bytes.IndexByte(b, '<')
			if i < 0 {
				run += len(b)
				break
			}
			run += i
			if run > maxTextRun {
				break
			}
			run, b = 0, b[i+1:]
		}
		if run > maxTextRun {
			return count, fmt.Errorf("a cell longer than Excel's %d characters (a damaged file or a zip bomb)", maxCellChars)
		}
		// Keep the last bytes, so that a pattern across two reads is counted once.
		if carry+n >= keep {
			copy(buf, buf[carry+n-keep:carry+n])
			carry = keep
		}
		if err == io.EOF {
			return count, nil
		}
		if err != nil {
			return count, err
		}
	}
}

// openXLSX opens a workbook, chooses its sheet and finds the header row.
func openXLSX(name string, r io.Reader, pk pick, pr probe) (*table, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxWorkbook+1))
	if err != nil {
		return nil, fmt.Errorf("%s: read: %w", name, err)
	}
	if len(data) > maxWorkbook {
		return nil, fileError(name, "workbook larger than %d MB: save it as CSV", maxWorkbook>>20)
	}
	if err := checkZip(name, data); err != nil {
		return nil, err
	}
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{UnzipSizeLimit: 4 << 30})
	if err != nil {
		return nil, fileError(name, "not a readable XLSX workbook (%v)", err)
	}
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		f.Close()
		return nil, fileError(name, "workbook has no sheet")
	}
	date1904 := false
	if props, err := f.GetWorkbookProps(); err == nil && props.Date1904 != nil {
		date1904 = *props.Date1904
	}
	hidden := make([]bool, len(sheets))
	for i, s := range sheets {
		visible, err := f.GetSheetVisible(s)
		hidden[i] = err == nil && !visible
	}
	cands, err := chooseSheets(name, sheets, hidden, pk.sheet)
	if err != nil {
		f.Close()
		return nil, err
	}
	var tried []string
	var firstMiss *noHeader
	for _, si := range cands {
		sheet := sheets[si]
		rows, err := f.Rows(sheet)
		if err != nil {
			f.Close()
			return nil, fileError(name, "sheet %s: %v", sheet, err)
		}
		t := &table{name: name, sheet: sheet, xlsx: true, date1904: date1904, close: func() { rows.Close(); f.Close() }}
		t.next = xlsxRows(name, sheet, rows)
		header, row, err := locate(t.next, pk.headerRow, pr, "sheet "+sheet)
		var nh *noHeader
		if errors.As(err, &nh) && pk.sheet == "" {
			rows.Close()
			if firstMiss == nil {
				firstMiss = nh
			}
			tried = append(tried, "sheet "+sheet+": no header row")
			continue
		}
		if err != nil {
			t.close()
			if nh != nil {
				return nil, nh
			}
			if errors.Is(err, errNoRow) {
				return nil, fileError(name, "sheet %s: %v", sheet, err)
			}
			return nil, err
		}
		t.header, t.headerRow = header, row
		t.dateOnlyCell = dateOnlyCells(f, data, sheet)
		t.sheetNotes(sheets, si, tried, hidden)
		return t, nil
	}
	f.Close()
	firstMiss.tried = append(tried, hiddenTried(sheets, hidden, pk.sheet)...)
	return nil, firstMiss
}

// chooseSheets returns the indexes of the sheets to try: the one named or numbered, else all the
// visible ones in order (a hidden sheet is often an old copy or a lookup list; --sheet reads it).
func chooseSheets(name string, sheets []string, hidden []bool, want string) ([]int, error) {
	if want == "" {
		var out []int
		for i := range sheets {
			if !hidden[i] {
				out = append(out, i)
			}
		}
		if len(out) == 0 {
			return nil, fileError(name, "every sheet is hidden (%s): unhide the sheet to read, or choose it with --sheet NAME|N", strings.Join(sheets, ", "))
		}
		return out, nil
	}
	for i, s := range sheets {
		if s == want || strings.TrimSpace(s) == strings.TrimSpace(want) {
			return []int{i}, nil
		}
	}
	if n, err := strconv.Atoi(want); err == nil && n >= 1 && n <= len(sheets) {
		return []int{n - 1}, nil
	}
	return nil, fileError(name, "no sheet %q (the sheets are %s)", want, strings.Join(sheets, ", "))
}

// hiddenTried lists the hidden sheets for the message of a workbook without a header row.
func hiddenTried(sheets []string, hidden []bool, want string) []string {
	var out []string
	for i, s := range sheets {
		if hidden[i] && want == "" {
			out = append(out, "sheet "+s+": hidden, not read (--sheet "+s+" reads it)")
		}
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// xlsxRows returns the row source of a sheet: every row from row 1, cells as raw values.
func xlsxRows(name, sheet string, rows *excelize.Rows) func() (*line, error) {
	opts := excelize.Options{RawCellValue: true}
	ln := &line{}
	var buf []byte
	return func() (*line, error) {
		if !rows.Next() {
			if err := rows.Error(); err != nil {
				return nil, fileError(name, "sheet %s after row %d: %v", sheet, ln.row, err)
			}
			return nil, io.EOF
		}
		ln.row++
		cols, err := rows.Columns(opts)
		if err != nil {
			return nil, fileError(name, "sheet %s row %d: %v", sheet, ln.row, err)
		}
		buf, ln.cells = buf[:0], ln.cells[:0]
		for i, c := range cols {
			if len(c) > maxCellChars && utf8.RuneCountInString(c) > maxCellChars {
				return nil, fileError(name, "sheet %s row %d column %d: a cell longer than Excel's %d characters", sheet, ln.row, i+1, maxCellChars)
			}
			buf = append(buf, c...)
		}
		at := 0
		for _, c := range cols {
			ln.cells = append(ln.cells, buf[at:at+len(c):at+len(c)])
			at += len(c)
		}
		return ln, nil
	}
}

// dateOnlyCells returns whether the cell of a sheet at a row and 0-based column has a number
// format that shows a date without a time (m/d/yyyy, yyyy"年"m"月"d"日", yyyy-mm-dd): an Excel
// date cell, whose serial number has no time of day. It is asked only of whole serial numbers in
// datetime columns; the first question scans the sheet's XML once for the cells of such formats
// (a stream, like the read itself, keeping only those cells).
func dateOnlyCells(f *excelize.File, data []byte, sheet string) func(row, col int) bool {
	var cells *cellSpans
	return func(row, col int) bool {
		if cells == nil {
			cells = &cellSpans{}
			if err := scanDateCells(f, data, sheet, cells); err != nil {
				cells = &cellSpans{} // unreadable styles: every serial keeps its time of day
			}
		}
		return cells.has(row, col)
	}
}

// cellSpans is a set of cells kept as runs of consecutive rows per column, so that a column
// formatted as dates from top to bottom costs one run, not one entry a row.
type cellSpans struct {
	cols map[int][][2]int // column → sorted runs of rows [first, last]
}

// add adds a cell; rows of a column must come in increasing order, as a sheet lists them.
func (c *cellSpans) add(row, col int) {
	if c.cols == nil {
		c.cols = map[int][][2]int{}
	}
	runs := c.cols[col]
	if n := len(runs); n > 0 && runs[n-1][1]+1 >= row {
		runs[n-1][1] = max(runs[n-1][1], row)
		return
	}
	c.cols[col] = append(runs, [2]int{row, row})
}

// has tells whether the cell is in the set.
func (c *cellSpans) has(row, col int) bool {
	runs := c.cols[col]
	i := sort.Search(len(runs), func(i int) bool { return runs[i][1] >= row })
	return i < len(runs) && runs[i][0] <= row
}

// scanDateCells adds to cells every cell (1-based row, 0-based column) of the sheet whose style has
// a date-only number format.
func scanDateCells(f *excelize.File, data []byte, sheet string, cells *cellSpans) error {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return err
	}
	part, err := sheetPart(zr, sheet)
	if err != nil {
		return err
	}
	rc, err := zr.Open(part)
	if err != nil {
		return err
	}
	defer rc.Close()
	styles := map[int]bool{}
	dateStyle := func(id int) bool {
		d, ok := styles[id]
		if !ok {
			if st, err := f.GetStyle(id); err == nil {
				d = dateOnlyFormat(st.NumFmt, st.CustomNumFmt)
			}
			styles[id] = d
		}
		return d
	}
	dec := xml.NewDecoder(io.LimitReader(rc, maxSheetXML))
	for {
		tok, err := dec.RawToken()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		se, ok := tok.(xml.StartElement)
		if !ok || se.Name.Local != "c" {
			continue
		}
		ref, style := "", 0
		for _, a := range se.Attr {
			switch a.Name.Local {
			case "r":
				ref = a.Value
			case "s":
				style, _ = strconv.Atoi(a.Value)
			}
		}
		if style == 0 || ref == "" || !dateStyle(style) {
			continue
		}
		if c, r, err := excelize.CellNameToCoordinates(ref); err == nil {
			cells.add(r, c-1)
		}
	}
}

// sheetPart finds the part of a workbook that holds the named sheet, through xl/workbook.xml and its relationships.
func sheetPart(zr *zip.Reader, sheet string) (string, error) {
	var wb struct {
		Sheets []struct {
			Name string `xml:"name,attr"`
			ID   string `xml:"http://schemas.openxmlformats.org/officeDocument/2006/relationships id,attr"`
		} `xml:"sheets>sheet"`
	}
	var rels struct {
		Rels []struct {
			ID     string `xml:"Id,attr"`
			Target string `xml:"Target,attr"`
		} `xml:"Relationship"`
	}
	for name, v := range map[string]any{"xl/workbook.xml": &wb, "xl/_rels/workbook.xml.rels": &rels} {
		rc, err := zr.Open(name)
		if err != nil {
			return "", err
		}
		err = xml.NewDecoder(io.LimitReader(rc, 16<<20)).Decode(v)
		rc.Close()
		if err != nil {
			return "", fmt.Errorf("%s: %w", name, err)
		}
	}
	for _, s := range wb.Sheets {
		if s.Name != sheet {
			continue
		}
		for _, r := range rels.Rels {
			if r.ID == s.ID {
				if strings.HasPrefix(r.Target, "/") {
					return strings.TrimPrefix(r.Target, "/"), nil
				}
				return "xl/" + r.Target, nil
			}
		}
	}
	return "", fmt.Errorf("no part for sheet %s", sheet)
}

// dateOnlyFormat tells whether a number format shows a date without a time: a built-in date
// format (14–17 and the Chinese 27–31, 36, 50–54, 57, 58), or a custom code with a year or a day
// and no hour or second, once quoted text, escaped characters and [sections] are removed.
func dateOnlyFormat(id int, custom *string) bool {
	if custom == nil || *custom == "" {
		switch id {
		case 14, 15, 16, 17, 27, 28, 29, 30, 31, 36, 50, 51, 52, 53, 54, 57, 58:
			return true
		}
		return false
	}
	var b strings.Builder
	quoted, bracket := false, false
	code := []rune(*custom)
	for i := 0; i < len(code); i++ {
		r := code[i]
		switch {
		case r == '"':
			quoted = !quoted
		case quoted:
		case r == '[':
			bracket = true
		case r == ']':
			bracket = false
		case bracket:
		case r == '\\' || r == '_' || r == '*':
			i++ // the next character is literal or padding
		default:
			b.WriteRune(r)
		}
	}
	k := strings.ToLower(b.String())
	return strings.ContainsAny(k, "yd") && !strings.ContainsAny(k, "hs")
}

// sheetNotes records the sheet read, the sheets skipped for want of a header, the hidden ones,
// the others, and title rows.
func (t *table) sheetNotes(sheets []string, si int, tried []string, hidden []bool) {
	for _, s := range tried {
		s = strings.TrimSuffix(s, ": no header row")
		t.notes = append(t.notes, "工作表 "+strings.TrimPrefix(s, "sheet ")+" 没有含必需列的表头，已跳过")
		t.skipped = append(t.skipped, s)
	}
	for j, s := range sheets {
		if j != si && hidden[j] {
			t.notes = append(t.notes, "工作表 "+s+" 是隐藏的，未读取（--sheet "+s+" 可读取）")
		}
	}
	for j, s := range sheets {
		if j != si && !contains(t.skipped, "sheet "+s) {
			t.skipped = append(t.skipped, "sheet "+s)
		}
	}
	if len(sheets) > 1 {
		t.notes = append(t.notes, fmt.Sprintf("读取工作表 %s（共 %d 个工作表）", sheets[si], len(sheets)))
	}
	t.titleNote()
}
