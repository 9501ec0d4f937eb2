package imports

import (
	"bufio"
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"

	"sanlv/scoring"
)

// table is an opened input file: its header row and a source of data rows.
type table struct {
	name   string
	header []string
	// sheet is the sheet read (workbooks only); headerRow is the header's row number (1-based).
	sheet     string
	headerRow int
	// next returns the next row, or io.EOF after the last; the line is reused.
	next func() (*line, error)
	// csv is true for CSV input, where a row must have as many fields as the header.
	csv bool
	// xlsx and date1904 tell that datetime cells may be Excel serial numbers, in which date system.
	xlsx, date1904 bool
	// skipped lists what the table did not read (other sheets of a workbook).
	skipped []string
	// off is, for CSV, the byte offset just past the header record (from where the reader started).
	off int64
	// notes are remarks for the report: title rows above the header, sheets skipped and why.
	notes []string
	// dateOnlyCell tells whether the cell at a row and 0-based column is formatted as a date without
	// a time (XLSX only; nil otherwise).
	dateOnlyCell func(row, col int) bool
	close        func()
}

// maxHeaderRow is how far down a sheet the header row is looked for.
const maxHeaderRow = 30

// pick chooses the sheet and the header row; the zero value finds both.
type pick struct {
	// sheet is a sheet name or its 1-based number; "" means the first sheet with a header row.
	sheet string
	// headerRow is the row of the header (1-based); 0 means the first of the first 30 rows
	// in which the required columns resolve.
	headerRow int
}

// probe returns how many required columns a candidate header row lacks (0: it is the header).
type probe func(header []string) int

// noHeader is the failure to find a header row: best is the candidate that lacked the fewest
// required columns, for the caller's message.
type noHeader struct {
	where   string // "sheet 工单明细" or ""
	best    []string
	bestRow int
	tried   []string // sheets tried, with why they were skipped
}

func (e *noHeader) Error() string { return "no header row with the required columns" }

// explain turns the caller's error for the best candidate header into the final message.
func (e *noHeader) explain(name string, err error) error {
	switch {
	case len(e.tried) > 1:
		msg := fmt.Sprintf("no sheet has a header row with the required columns in its first %d rows (%s)", maxHeaderRow, strings.Join(e.tried, "; "))
		if e.best != nil {
			msg += fmt.Sprintf("; the closest is %s row %d: %v", e.where, e.bestRow, err)
		}
		return fileError(name, "%s (--sheet NAME|N and --header-row N choose them)", msg)
	case e.best == nil:
		return fileError(name, "%s has no header row in its first %d rows", cmp.Or(e.where, "the file"), maxHeaderRow)
	case e.bestRow == 1:
		return fileError(name, "%v", err)
	}
	where := ""
	if e.where != "" {
		where = e.where + " "
	}
	return fileError(name, "%sno row among the first %d has the required columns; the closest is row %d: %v (--header-row N chooses the header row)", where, maxHeaderRow, e.bestRow, err)
}

// locate reads rows until the header row: the given one, else the first of the first 30 rows
// that pr accepts. It returns the header; rows before it are discarded.
func locate(next func() (*line, error), want int, pr probe, where string) ([]string, int, error) {
	nh := &noHeader{where: where}
	bestMissing := -1
	for {
		ln, err := next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, 0, err
		}
		if want > 0 {
			if ln.row == want {
				return cellStrings(ln.cells), ln.row, nil
			}
			continue
		}
		if ln.row > maxHeaderRow {
			break
		}
		if blank(ln.cells) {
			continue
		}
		h := cellStrings(ln.cells)
		m := pr(h)
		if m == 0 {
			return h, ln.row, nil
		}
		if bestMissing < 0 || m < bestMissing {
			bestMissing, nh.best, nh.bestRow = m, h, ln.row
		}
	}
	if want > 0 {
		return nil, 0, fmt.Errorf("%w: --header-row %d is beyond the last row", errNoRow, want)
	}
	return nil, 0, nh
}

var errNoRow = errors.New("no such row")

func cellStrings(cells [][]byte) []string {
	out := make([]string, len(cells))
	for i, c := range cells {
		out[i] = string(c)
	}
	// Trailing empty cells of a title or header row are not columns.
	for len(out) > 0 && strings.TrimSpace(out[len(out)-1]) == "" {
		out = out[:len(out)-1]
	}
	return out
}

// titleNote tells the report about rows above the header.
func (t *table) titleNote() {
	switch {
	case t.headerRow == 2:
		t.notes = append(t.notes, "表头在第 2 行，第 1 行（标题）已跳过")
	case t.headerRow > 2:
		t.notes = append(t.notes, fmt.Sprintf("表头在第 %d 行，第 1–%d 行（标题）已跳过", t.headerRow, t.headerRow-1))
	}
}

// line is one row of a table.
type line struct {
	row   int
	cells [][]byte
	// raw is the row's text to check for valid UTF-8; nil when it is known to be valid.
	raw []byte
	// malformed is 1 + the index of a cell with text after its closing quote, 0 when none.
	malformed int
}

// headSize is how much of a file is examined to recognise its format and encoding.
const headSize = 64 << 10

var (
	zipMagic = []byte("PK\x03\x04")
	oleMagic = []byte("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1")
	utf8BOM  = []byte("\xEF\xBB\xBF")
)

// encoding is the text encoding of a CSV input.
type encoding uint8

const (
	encUTF8 encoding = iota
	encGB18030
	encUTF16LE // with its byte-order mark, as Excel saves Unicode text
	encUTF16BE
)

// openTable recognises the format and encoding of r and reads the header on row 1 of its first sheet
// (for files without title rows, such as an adjustments file).
func openTable(name string, r io.Reader) (*table, error) {
	return openTableAt(name, r, pick{sheet: "1", headerRow: 1}, nil)
}

// openTableAt recognises the format and encoding of r, chooses the sheet and finds its header row.
func openTableAt(name string, r io.Reader, pk pick, pr probe) (*table, error) {
	br := bufio.NewReaderSize(r, headSize)
	head, err := br.Peek(headSize)
	if err != nil && err != io.EOF && !errors.Is(err, bufio.ErrBufferFull) {
		return nil, fmt.Errorf("%s: read: %w", name, err)
	}
	atEOF := err == io.EOF
	switch {
	case len(head) == 0:
		return nil, fileError(name, "empty file (0 bytes)")
	case bytes.HasPrefix(head, zipMagic):
		return openXLSX(name, br, pk, pr)
	case bytes.HasPrefix(head, oleMagic):
		return openXLS(name, br, pk, pr)
	}
	enc, bom, err := detectEncoding(name, head, atEOF)
	if err != nil {
		return nil, err
	}
	if bom > 0 {
		br.Discard(bom)
	}
	var in io.Reader = br
	switch enc {
	case encGB18030:
		in = transform.NewReader(br, &strictText{t: simplifiedchinese.GB18030.NewDecoder(), bad: errNotGB18030})
	case encUTF16LE, encUTF16BE:
		order := unicode.LittleEndian
		if enc == encUTF16BE {
			order = unicode.BigEndian
		}
		in = transform.NewReader(br, &strictText{t: unicode.UTF16(order, unicode.ExpectBOM).NewDecoder(), bad: errNotUTF16})
	}
	var tabs bool
	if enc == encUTF8 {
		tabs = tabSeparated(head[bom:])
	} else {
		pb := bufio.NewReaderSize(in, headSize)
		h, _ := pb.Peek(headSize) // a decoding error comes again from the read
		tabs, in = tabSeparated(h), pb
	}
	if tabs {
		in = newTabsToCommas(in)
	}
	t, err := openCSV(name, in, enc, pk, pr)
	if err == nil && tabs {
		t.notes = append(t.notes, "制表符分隔的文本：按制表符分列读取")
	}
	if err == nil && (enc == encUTF16LE || enc == encUTF16BE) {
		t.notes = append(t.notes, "UTF-16 编码（Unicode 文本）：已按 UTF-16 读取")
	}
	return t, err
}

// errNotUTF16 reports an invalid sequence (an unpaired surrogate) in a file read as UTF-16.
var errNotUTF16 = errors.New("invalid UTF-16 sequence")

// detectEncoding tells UTF-8 (with the length of a byte-order mark to skip) from GB18030 by the head of a file.
func detectEncoding(name string, head []byte, atEOF bool) (encoding, int, error) {
	if bytes.HasPrefix(head, utf8BOM) {
		return encUTF8, len(utf8BOM), nil
	}
	if bytes.HasPrefix(head, []byte{0xFF, 0xFE}) {
		return encUTF16LE, 0, nil // the decoder reads its byte-order mark
	}
	if bytes.HasPrefix(head, []byte{0xFE, 0xFF}) {
		return encUTF16BE, 0, nil
	}
	if bytes.IndexByte(head, 0) >= 0 {
		return 0, 0, fileError(name, "not UTF-8 or GB18030 (binary data, not a text file)")
	}
	chunk := head
	if !atEOF {
		for k := 1; k <= 3 && k <= len(head); k++ {
			if utf8.RuneStart(head[len(head)-k]) {
				if !utf8.FullRune(head[len(head)-k:]) {
					chunk = head[:len(head)-k]
				}
				break
			}
		}
	}
	if utf8.Valid(chunk) {
		return encUTF8, 0, nil
	}
	dst := make([]byte, 3*len(head)+16)
	nDst, _, err := simplifiedchinese.GB18030.NewDecoder().Transform(dst, head, atEOF)
	if (err == nil || err == transform.ErrShortSrc) && !bytes.Contains(dst[:nDst], []byte("\uFFFD")) {
		return encGB18030, 0, nil
	}
	return 0, 0, fileError(name, "not UTF-8 or GB18030: save it as CSV UTF-8 or as .xlsx")
}

// errNotGB18030 reports an invalid byte sequence in a file read as GB18030.
var errNotGB18030 = errors.New("invalid GB18030 byte sequence")

// strictText decodes a text and fails on an invalid byte sequence (bad) instead of writing U+FFFD.
type strictText struct {
	t   transform.Transformer
	bad error
	off int64
}

func (s *strictText) Transform(dst, src []byte, atEOF bool) (int, int, error) {
	nDst, nSrc, err := s.t.Transform(dst, src, atEOF)
	if i := bytes.Index(dst[:nDst], []byte("\uFFFD")); i >= 0 {
		return 0, 0, fmt.Errorf("%w after byte %d", s.bad, s.off)
	}
	s.off += int64(nSrc)
	return nDst, nSrc, err
}

func (s *strictText) Reset() { s.t.Reset(); s.off = 0 }

// openCSV finds the header record of a CSV input; off is set to the byte offset just past it.
func openCSV(name string, in io.Reader, enc encoding, pk pick, pr probe) (*table, error) {
	cr := newCSVReader(in)
	t := &table{name: name, csv: true, close: func() {}}
	readErr := func(err error, row int) error {
		switch {
		case errors.Is(err, errNotGB18030), errors.Is(err, errNotUTF16):
			return fileError(name, "not UTF-8, GB18030 or UTF-16 (%v)", err)
		case errors.Is(err, errUnterminated), errors.Is(err, errRecordTooLong):
			return fileError(name, "row %d: %v", row, err)
		}
		return fmt.Errorf("%s: read: %w", name, err)
	}
	if pk.sheet != "" && pk.sheet != "1" {
		return nil, fileError(name, "--sheet %s: a CSV file has no sheets", pk.sheet)
	}
	ln := &line{}
	t.next = func() (*line, error) {
		cells, err := cr.next()
		if err == io.EOF {
			return nil, io.EOF
		}
		ln.row++
		if err != nil {
			return nil, readErr(err, ln.row)
		}
		ln.cells, ln.raw, ln.malformed = cells, nil, cr.rec.malformed
		if enc == encUTF8 {
			ln.raw = cr.raw
		}
		return ln, nil
	}
	if err := cr.crOnly(); err != nil {
		return nil, fileError(name, "%v", err)
	}
	header, row, err := locate(t.next, pk.headerRow, pr, "")
	if row == 0 && ln.row == 0 && (err == nil || errors.As(err, new(*noHeader))) {
		return nil, fileError(name, "empty file (no header row)")
	}
	if err != nil {
		return nil, t.locateErr(err)
	}
	if enc == encUTF8 && !utf8.Valid(cr.raw) {
		return nil, fileError(name, "header row %d is not valid UTF-8", row)
	}
	t.header, t.headerRow, t.off = header, row, cr.off
	t.titleNote()
	return t, nil
}

// locateErr passes a read error on, and wraps the others with the file name.
func (t *table) locateErr(err error) error {
	var nh *noHeader
	var se *scoring.Error
	switch {
	case errors.As(err, &nh):
		return err
	case errors.As(err, &se):
		return err
	case errors.Is(err, errNoRow):
		return fileError(t.name, "%v", err)
	}
	return err
}

// shapeProblem reports the first problem of a row's shape (field count, encoding, quoting) to c; it
// returns false when the row's shape is sound and its cells can be read.
func (t *table) shapeProblem(c *collector, ln *line) bool {
	switch {
	case t.csv && len(ln.cells) != len(t.header):
		c.add(ln.row, "", fmt.Sprintf("row has %d fields, the header has %d", len(ln.cells), len(t.header)))
	case ln.raw != nil && !utf8.Valid(ln.raw):
		c.add(ln.row, "", "invalid UTF-8 text (is the file in another encoding?)")
	case ln.malformed > 0:
		c.add(ln.row, ignoredName(ln.malformed-1, t.header[ln.malformed-1]), "text after the closing quote")
	default:
		return false
	}
	return true
}
