package imports

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"unicode/utf16"

	"github.com/richardlehane/mscfb"
)

// The legacy .xls workbook (BIFF8, as older platforms and WPS export) is read by a small reader of
// its cell records on top of mscfb, the compound-file reader excelize uses. The Go module proxy
// serves no maintained pure-Go .xls reader: github.com/extrame/xls only as v0.0.1 (2017), and
// github.com/shakinm/xlsReader v0.9.12 (2022) leaves formula cells out and returns no error for a
// damaged stream, which would silently empty cells. This reader gives every cell its value as
// text: strings as written, numbers in their shortest decimal form (a date is its serial number,
// read by the datetime fields like an XLSX serial), formula cells their cached result; a cell
// type it does not know is an error, never an empty cell.

// BIFF8 record types.
const (
	bofRecord        = 0x0809
	eofRecord        = 0x000A
	boundSheetRecord = 0x0085
	sstRecord        = 0x00FC
	continueRecord   = 0x003C
	dateModeRecord   = 0x0022
	filePassRecord   = 0x002F
	labelSSTRecord   = 0x00FD
	labelRecord      = 0x0204
	numberRecord     = 0x0203
	rkRecord         = 0x027E
	mulRKRecord      = 0x00BD
	formulaRecord    = 0x0006
	stringRecord     = 0x0207
	boolErrRecord    = 0x0205
	rStringRecord    = 0x00D6
	formatRecord     = 0x041E
	xfRecord         = 0x00E0
)

// xlsSheet is one worksheet of a .xls workbook.
type xlsSheet struct {
	name string
	pos  uint32
	kind byte // 0: worksheet
	// hidden is true for a hidden or very hidden sheet.
	hidden bool
}

// openXLS opens a .xls workbook, chooses its sheet and finds the header row. A damaged file that
// makes the compound-file reader panic is reported as damaged.
func openXLS(name string, r io.Reader, pk pick, pr probe) (t *table, err error) {
	defer func() {
		if p := recover(); p != nil {
			t, err = nil, fileError(name, "not a readable .xls workbook (damaged): save it as .xlsx or CSV")
		}
	}()
	return readXLS(name, r, pk, pr)
}

// readXLS is openXLS without the recovery.
func readXLS(name string, r io.Reader, pk pick, pr probe) (*table, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxWorkbook+1))
	if err != nil {
		return nil, fmt.Errorf("%s: read: %w", name, err)
	}
	if len(data) > maxWorkbook {
		return nil, fileError(name, "workbook larger than %d MB: save it as CSV", maxWorkbook>>20)
	}
	stream, err := workbookStream(data)
	if err != nil {
		return nil, fileError(name, "not a readable .xls workbook (%v): save it as .xlsx or CSV", err)
	}
	wb, err := readXLSGlobals(stream)
	if err != nil {
		return nil, fileError(name, "not a readable .xls workbook (%v): save it as .xlsx or CSV", err)
	}
	var sheets []string
	var idx []int
	var hidden []bool
	for i, s := range wb.sheets {
		if s.kind == 0 {
			sheets = append(sheets, s.name)
			idx = append(idx, i)
			hidden = append(hidden, s.hidden)
		}
	}
	if len(sheets) == 0 {
		return nil, fileError(name, "workbook has no sheet")
	}
	cands, err := chooseSheets(name, sheets, hidden, pk.sheet)
	if err != nil {
		return nil, err
	}
	var tried []string
	var firstMiss *noHeader
	for _, si := range cands {
		sheet := sheets[si]
		rows, dates, err := wb.readSheet(stream, wb.sheets[idx[si]].pos)
		if err != nil {
			return nil, fileError(name, "sheet %s: %v", sheet, err)
		}
		t := &table{name: name, sheet: sheet, xlsx: true, date1904: wb.date1904, close: func() {}}
		t.next = xlsRows(rows)
		header, row, err := locate(t.next, pk.headerRow, pr, "sheet "+sheet)
		var nh *noHeader
		if errors.As(err, &nh) && pk.sheet == "" {
			if firstMiss == nil {
				firstMiss = nh
			}
			tried = append(tried, "sheet "+sheet+": no header row")
			continue
		}
		if err != nil {
			if nh != nil {
				return nil, nh
			}
			return nil, fileError(name, "sheet %s: %v", sheet, err)
		}
		t.header, t.headerRow = header, row
		if dates != nil {
			t.dateOnlyCell = func(row, col int) bool { return dates[[2]int{row - 1, col}] }
		}
		t.sheetNotes(sheets, si, tried, hidden)
		return t, nil
	}
	firstMiss.tried = append(tried, hiddenTried(sheets, hidden, pk.sheet)...)
	return nil, firstMiss
}

// xlsRows returns the row source of a sheet read into memory.
func xlsRows(rows [][]string) func() (*line, error) {
	ln := &line{}
	return func() (*line, error) {
		if ln.row >= len(rows) {
			return nil, io.EOF
		}
		cells := rows[ln.row]
		ln.row++
		ln.cells = ln.cells[:0]
		for _, c := range cells {
			ln.cells = append(ln.cells, []byte(c))
		}
		return ln, nil
	}
}

// workbookStream returns the Workbook stream of a compound file.
func workbookStream(data []byte) ([]byte, error) {
	doc, err := mscfb.New(bytes.NewReader(data))
	if err != nil {
		return nil, errors.New("damaged: not a complete Office compound file")
	}
	for {
		e, err := doc.Next()
		if err == io.EOF {
			return nil, errors.New("no Workbook stream (an encrypted file, or not an Excel workbook)")
		}
		if err != nil {
			return nil, err
		}
		if e.Name == "Workbook" || e.Name == "Book" {
			if e.Name == "Book" {
				return nil, errors.New("an Excel 5.0/95 workbook (BIFF5)")
			}
			if e.Size > maxWorkbook {
				return nil, errors.New("Workbook stream too large")
			}
			buf := make([]byte, e.Size)
			if _, err := io.ReadFull(e, buf); err != nil {
				return nil, err
			}
			return buf, nil
		}
	}
}

// xlsBook holds what the globals substream says.
type xlsBook struct {
	sheets   []xlsSheet
	sst      []string
	date1904 bool
	// formats holds the custom number formats by id; xfFormat the number format of each cell format (XF).
	formats  map[uint16]string
	xfFormat []uint16
}

// dateOnlyXF tells whether cell format ixfe shows a date without a time (see dateOnlyFormat).
func (wb *xlsBook) dateOnlyXF(ixfe uint16) bool {
	if int(ixfe) >= len(wb.xfFormat) {
		return false
	}
	id := wb.xfFormat[ixfe]
	if code, ok := wb.formats[id]; ok {
		return dateOnlyFormat(int(id), &code)
	}
	return dateOnlyFormat(int(id), nil)
}

// record returns the record at off: its type, data and the offset of the next record.
func biffRecord(stream []byte, off int) (typ uint16, data []byte, next int, err error) {
	if off+4 > len(stream) {
		return 0, nil, 0, errors.New("stream ends inside a record header")
	}
	typ = binary.LittleEndian.Uint16(stream[off:])
	n := int(binary.LittleEndian.Uint16(stream[off+2:]))
	if off+4+n > len(stream) {
		return 0, nil, 0, fmt.Errorf("record 0x%04X runs past the end of the stream", typ)
	}
	return typ, stream[off+4 : off+4+n], off + 4 + n, nil
}

// readXLSGlobals reads the sheet list, the shared strings and the date system.
func readXLSGlobals(stream []byte) (*xlsBook, error) {
	wb := &xlsBook{}
	typ, data, off, err := biffRecord(stream, 0)
	if err != nil {
		return nil, err
	}
	if typ != bofRecord || len(data) < 4 || binary.LittleEndian.Uint16(data) != 0x0600 {
		return nil, errors.New("not a BIFF8 workbook (Excel 97 or later)")
	}
	for off < len(stream) {
		typ, data, next, err := biffRecord(stream, off)
		if err != nil {
			return nil, err
		}
		switch typ {
		case eofRecord:
			return wb, nil
		case filePassRecord:
			return nil, errors.New("the workbook is encrypted (password protected)")
		case dateModeRecord:
			wb.date1904 = len(data) >= 2 && binary.LittleEndian.Uint16(data) == 1
		case boundSheetRecord:
			if len(data) < 8 {
				return nil, errors.New("short sheet record")
			}
			s := xlsSheet{pos: binary.LittleEndian.Uint32(data), kind: data[5], hidden: data[4]&3 != 0}
			cch := int(data[6])
			sr := &segReader{segs: [][]byte{data[7:]}}
			if s.name, err = sr.chars(cch); err != nil {
				return nil, fmt.Errorf("sheet name: %w", err)
			}
			wb.sheets = append(wb.sheets, s)
		case formatRecord:
			if len(data) >= 5 {
				sr := &segReader{segs: [][]byte{data[4:]}}
				if code, err := sr.chars(int(binary.LittleEndian.Uint16(data[2:]))); err == nil {
					if wb.formats == nil {
						wb.formats = map[uint16]string{}
					}
					wb.formats[binary.LittleEndian.Uint16(data)] = code
				}
			}
		case xfRecord:
			if len(data) >= 4 {
				wb.xfFormat = append(wb.xfFormat, binary.LittleEndian.Uint16(data[2:]))
			}
		case sstRecord:
			segs := [][]byte{data}
			for next < len(stream) {
				t2, d2, n2, err := biffRecord(stream, next)
				if err != nil || t2 != continueRecord {
					break
				}
				segs = append(segs, d2)
				next = n2
			}
			if wb.sst, err = readSST(segs); err != nil {
				return nil, fmt.Errorf("shared strings: %w", err)
			}
		}
		off = next
	}
	return nil, errors.New("no end of the workbook globals")
}

// segReader reads a record's data continued over CONTINUE records.
type segReader struct {
	segs [][]byte
	i    int // current segment
	at   int // offset in it
}

var errShort = errors.New("data ends early")

func (r *segReader) bytes(n int) ([]byte, error) {
	var out []byte
	for n > 0 {
		if r.i >= len(r.segs) {
			return nil, errShort
		}
		seg := r.segs[r.i][r.at:]
		if len(seg) == 0 {
			r.i, r.at = r.i+1, 0
			continue
		}
		k := min(n, len(seg))
		out = append(out, seg[:k]...)
		r.at += k
		n -= k
	}
	return out, nil
}

// chars reads cch characters of an XLUnicodeString after its length: a flags byte (bit 0: two
// bytes a character), then the characters.
func (r *segReader) chars(cch int) (string, error) {
	fl, err := r.bytes(1)
	if err != nil {
		return "", err
	}
	return r.charsWith(cch, fl[0]&1 != 0)
}

// charsWith reads cch characters; where they cross into a CONTINUE record, that record starts
// with a new flags byte.
func (r *segReader) charsWith(cch int, high bool) (string, error) {
	var u []uint16
	for cch > 0 {
		if r.i < len(r.segs) && r.at == len(r.segs[r.i]) {
			r.i, r.at = r.i+1, 0
			f, err := r.bytes(1)
			if err != nil {
				return "", err
			}
			high = f[0]&1 != 0
		}
		if r.i >= len(r.segs) {
			return "", errShort
		}
		seg := r.segs[r.i][r.at:]
		w := 1
		if high {
			w = 2
		}
		k := min(cch, len(seg)/w)
		if k == 0 {
			return "", errShort
		}
		for j := 0; j < k; j++ {
			if high {
				u = append(u, binary.LittleEndian.Uint16(seg[2*j:]))
			} else {
				u = append(u, uint16(seg[j]))
			}
		}
		r.at += k * w
		cch -= k
	}
	return string(utf16.Decode(u)), nil
}

// richString reads an XLUnicodeRichExtendedString (the SST's strings), dropping runs and phonetics.
func (r *segReader) richString() (string, error) {
	h, err := r.bytes(3)
	if err != nil {
		return "", err
	}
	cch, flags := int(binary.LittleEndian.Uint16(h)), h[2]
	runs, ext := 0, 0
	if flags&0x08 != 0 {
		b, err := r.bytes(2)
		if err != nil {
			return "", err
		}
		runs = int(binary.LittleEndian.Uint16(b))
	}
	if flags&0x04 != 0 {
		b, err := r.bytes(4)
		if err != nil {
			return "", err
		}
		ext = int(binary.LittleEndian.Uint32(b))
	}
	s, err := r.charsWith(cch, flags&1 != 0)
	if err != nil {
		return "", err
	}
	if _, err := r.bytes(4*runs + ext); err != nil {
		return "", err
	}
	return s, nil
}

// readSST reads the shared string table.
func readSST(segs [][]byte) ([]string, error) {
	r := &segReader{segs: segs}
	h, err := r.bytes(8)
	if err != nil {
		return nil, err
	}
	n := int(binary.LittleEndian.Uint32(h[4:]))
	if n > 1<<24 {
		return nil, fmt.Errorf("%d strings", n)
	}
	out := make([]string, 0, min(n, 1<<16))
	for range n {
		s, err := r.richString()
		if err != nil {
			return nil, err
		}
		if len(s) > 4*maxCellChars {
			return nil, fmt.Errorf("a string longer than Excel's %d characters", maxCellChars)
		}
		out = append(out, s)
	}
	return out, nil
}

// readSheet reads the cells of the worksheet whose BOF is at pos, as text by row and column.
func (wb *xlsBook) readSheet(stream []byte, pos uint32) ([][]string, map[[2]int]bool, error) {
	off := int(pos)
	typ, _, off, err := biffRecord(stream, off)
	if err != nil {
		return nil, nil, err
	}
	if typ != bofRecord {
		return nil, nil, errors.New("sheet does not start where the workbook says")
	}
	var rows [][]string
	// dates marks the numeric cells (0-based row, column) formatted as a date without a time.
	var dates map[[2]int]bool
	date := func(row, col int, ixfe uint16) {
		if wb.dateOnlyXF(ixfe) {
			if dates == nil {
				dates = map[[2]int]bool{}
			}
			dates[[2]int{row, col}] = true
		}
	}
	set := func(row, col int, v string) error {
		if row >= 65536 || col >= 256 {
			return fmt.Errorf("cell outside a .xls sheet (row %d, column %d)", row+1, col+1)
		}
		for len(rows) <= row {
			rows = append(rows, nil)
		}
		for len(rows[row]) <= col {
			rows[row] = append(rows[row], "")
		}
		rows[row][col] = v
		return nil
	}
	pending := [2]int{-1, -1} // the formula cell whose string result follows
	for off < len(stream) {
		typ, data, next, err := biffRecord(stream, off)
		if err != nil {
			return nil, nil, err
		}
		off = next
		if typ == eofRecord {
			return rows, dates, nil
		}
		var row, col int
		if len(data) >= 6 {
			row, col = int(binary.LittleEndian.Uint16(data)), int(binary.LittleEndian.Uint16(data[2:]))
		}
		var v string
		switch typ {
		case labelSSTRecord:
			if len(data) < 10 {
				return nil, nil, errShort
			}
			i := int(binary.LittleEndian.Uint32(data[6:]))
			if i >= len(wb.sst) {
				return nil, nil, fmt.Errorf("row %d: string %d not in the shared strings", row+1, i)
			}
			v = wb.sst[i]
		case labelRecord, rStringRecord:
			if len(data) < 9 {
				return nil, nil, errShort
			}
			sr := &segReader{segs: [][]byte{data[8:]}}
			if v, err = sr.chars(int(binary.LittleEndian.Uint16(data[6:]))); err != nil {
				return nil, nil, fmt.Errorf("row %d: %w", row+1, err)
			}
		case numberRecord:
			if len(data) < 14 {
				return nil, nil, errShort
			}
			v = formatNumber(math.Float64frombits(binary.LittleEndian.Uint64(data[6:])))
			date(row, col, binary.LittleEndian.Uint16(data[4:]))
		case rkRecord:
			if len(data) < 10 {
				return nil, nil, errShort
			}
			v = formatNumber(rkValue(binary.LittleEndian.Uint32(data[6:])))
			date(row, col, binary.LittleEndian.Uint16(data[4:]))
		case mulRKRecord:
			if len(data) < 6 {
				return nil, nil, errShort
			}
			for k := 4; k+6 <= len(data)-2; k += 6 {
				if err := set(row, col, formatNumber(rkValue(binary.LittleEndian.Uint32(data[k+2:])))); err != nil {
					return nil, nil, err
				}
				date(row, col, binary.LittleEndian.Uint16(data[k:]))
				col++
			}
			continue
		case formulaRecord:
			if len(data) < 14 {
				return nil, nil, errShort
			}
			res := data[6:14]
			if res[6] != 0xFF || res[7] != 0xFF {
				v = formatNumber(math.Float64frombits(binary.LittleEndian.Uint64(res)))
				date(row, col, binary.LittleEndian.Uint16(data[4:]))
				break
			}
			switch res[0] {
			case 0: // a string, in the STRING record that follows
				pending = [2]int{row, col}
				continue
			case 1:
				v = strconv.FormatBool(res[2] != 0)
			case 2:
				v = xlsError(res[2])
			case 3:
				v = ""
			}
		case stringRecord:
			if pending[0] < 0 || len(data) < 3 {
				continue
			}
			sr := &segReader{segs: [][]byte{data[2:]}}
			if v, err = sr.chars(int(binary.LittleEndian.Uint16(data))); err != nil {
				return nil, nil, fmt.Errorf("row %d: %w", pending[0]+1, err)
			}
			row, col, pending = pending[0], pending[1], [2]int{-1, -1}
		case boolErrRecord:
			if len(data) < 8 {
				return nil, nil, errShort
			}
			if data[7] == 0 {
				v = strconv.FormatBool(data[6] != 0)
			} else {
				v = xlsError(data[6])
			}
		default:
			continue
		}
		if err := set(row, col, v); err != nil {
			return nil, nil, err
		}
	}
	return nil, nil, errors.New("sheet has no end record")
}

// rkValue decodes an RK number: a 30-bit integer or the high bits of a float, maybe divided by 100.
func rkValue(rk uint32) float64 {
	var v float64
	if rk&2 != 0 {
		v = float64(int32(rk) >> 2)
	} else {
		v = math.Float64frombits(uint64(rk&0xFFFFFFFC) << 32)
	}
	if rk&1 != 0 {
		v /= 100
	}
	return v
}

// formatNumber writes a number cell as XLSX stores it: the shortest decimal that reads back the same.
func formatNumber(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// xlsError names an error value of a cell.
func xlsError(code byte) string {
	switch code {
	case 0x00:
		return "#NULL!"
	case 0x07:
		return "#DIV/0!"
	case 0x0F:
		return "#VALUE!"
	case 0x17:
		return "#REF!"
	case 0x1D:
		return "#NAME?"
	case 0x24:
		return "#NUM!"
	case 0x2A:
		return "#N/A"
	}
	return "#ERROR"
}
