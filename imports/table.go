package imports

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/transform"
)

// table is an opened input file: its header row and a source of data rows.
type table struct {
	name   string
	header []string
	// next returns the next row, or io.EOF after the last; the line is reused.
	next func() (*line, error)
	// csv is true for CSV input, where a row must have as many fields as the header.
	csv bool
	// xlsx and date1904 tell that datetime cells may be Excel serial numbers, in which date system.
	xlsx, date1904 bool
	// skipped lists what the table did not read (other sheets of a workbook).
	skipped []string
	close   func()
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
)

// openTable recognises the format and encoding of r and reads its header row.
func openTable(name string, r io.Reader) (*table, error) {
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
		return openXLSX(name, br)
	case bytes.HasPrefix(head, oleMagic):
		return nil, fileError(name, "an old .xls workbook or an encrypted one: save it as .xlsx or CSV")
	}
	enc, bom, err := detectEncoding(name, head, atEOF)
	if err != nil {
		return nil, err
	}
	if bom > 0 {
		br.Discard(bom)
	}
	var in io.Reader = br
	if enc == encGB18030 {
		in = transform.NewReader(br, &strictGB{t: simplifiedchinese.GB18030.NewDecoder()})
	}
	return openCSV(name, in, enc)
}

// detectEncoding tells UTF-8 (with the length of a byte-order mark to skip) from GB18030 by the head of a file.
func detectEncoding(name string, head []byte, atEOF bool) (encoding, int, error) {
	if bytes.HasPrefix(head, utf8BOM) {
		return encUTF8, len(utf8BOM), nil
	}
	if bytes.HasPrefix(head, []byte{0xFF, 0xFE}) || bytes.HasPrefix(head, []byte{0xFE, 0xFF}) {
		return 0, 0, fileError(name, "not UTF-8 or GB18030 (looks like UTF-16): save it as CSV UTF-8")
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

// strictGB decodes GB18030 and fails on an invalid byte sequence instead of writing U+FFFD.
type strictGB struct {
	t   transform.Transformer
	off int64
}

func (s *strictGB) Transform(dst, src []byte, atEOF bool) (int, int, error) {
	nDst, nSrc, err := s.t.Transform(dst, src, atEOF)
	if i := bytes.Index(dst[:nDst], []byte("\uFFFD")); i >= 0 {
		return 0, 0, fmt.Errorf("%w after byte %d", errNotGB18030, s.off)
	}
	s.off += int64(nSrc)
	return nDst, nSrc, err
}

func (s *strictGB) Reset() { s.t.Reset(); s.off = 0 }

// openCSV reads the header record of a CSV input.
func openCSV(name string, in io.Reader, enc encoding) (*table, error) {
	cr := newCSVReader(in)
	t := &table{name: name, csv: true, close: func() {}}
	readErr := func(err error, row int) error {
		switch {
		case errors.Is(err, errNotGB18030):
			return fileError(name, "not UTF-8 or GB18030 (%v)", err)
		case errors.Is(err, errUnterminated), errors.Is(err, errRecordTooLong):
			return fileError(name, "row %d: %v", row, err)
		}
		return fmt.Errorf("%s: read: %w", name, err)
	}
	cells, err := cr.next()
	if err == io.EOF {
		return nil, fileError(name, "empty file (no header row)")
	}
	if err != nil {
		return nil, readErr(err, 1)
	}
	if enc == encUTF8 && !utf8.Valid(cr.raw) {
		return nil, fileError(name, "header row is not valid UTF-8")
	}
	for _, c := range cells {
		t.header = append(t.header, string(c))
	}
	ln := &line{row: 1}
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
	return t, nil
}

// openXLSX opens the first sheet of a workbook and reads its header row.
func openXLSX(name string, r io.Reader) (*table, error) {
	f, err := excelize.OpenReader(r)
	if err != nil {
		return nil, fileError(name, "not a readable XLSX workbook (%v)", err)
	}
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		f.Close()
		return nil, fileError(name, "workbook has no sheet")
	}
	rows, err := f.Rows(sheets[0])
	if err != nil {
		f.Close()
		return nil, fileError(name, "sheet %s: %v", sheets[0], err)
	}
	t := &table{name: name, xlsx: true, close: func() { rows.Close(); f.Close() }}
	if props, err := f.GetWorkbookProps(); err == nil && props.Date1904 != nil {
		t.date1904 = *props.Date1904
	}
	for _, s := range sheets[1:] {
		t.skipped = append(t.skipped, "sheet "+s)
	}
	opts := excelize.Options{RawCellValue: true}
	if !rows.Next() {
		t.close()
		if err := rows.Error(); err != nil {
			return nil, fileError(name, "sheet %s: %v", sheets[0], err)
		}
		return nil, fileError(name, "sheet %s is empty (no header row)", sheets[0])
	}
	if t.header, err = rows.Columns(opts); err != nil {
		t.close()
		return nil, fileError(name, "sheet %s row 1: %v", sheets[0], err)
	}
	ln := &line{row: 1}
	var buf []byte
	t.next = func() (*line, error) {
		if !rows.Next() {
			if err := rows.Error(); err != nil {
				return nil, fileError(name, "sheet %s after row %d: %v", sheets[0], ln.row, err)
			}
			return nil, io.EOF
		}
		ln.row++
		cols, err := rows.Columns(opts)
		if err != nil {
			return nil, fileError(name, "sheet %s row %d: %v", sheets[0], ln.row, err)
		}
		buf, ln.cells = buf[:0], ln.cells[:0]
		for _, c := range cols {
			buf = append(buf, c...)
		}
		at := 0
		for _, c := range cols {
			ln.cells = append(ln.cells, buf[at:at+len(c):at+len(c)])
			at += len(c)
		}
		return ln, nil
	}
	return t, nil
}
