package imports

import (
	"encoding/binary"
	"math"
	"testing"
	"unicode/utf16"
)

// biff appends a BIFF record.
func biff(out []byte, typ uint16, data ...[]byte) []byte {
	var body []byte
	for _, d := range data {
		body = append(body, d...)
	}
	out = binary.LittleEndian.AppendUint16(out, typ)
	out = binary.LittleEndian.AppendUint16(out, uint16(len(body)))
	return append(out, body...)
}

func u16(v ...int) []byte {
	var out []byte
	for _, x := range v {
		out = binary.LittleEndian.AppendUint16(out, uint16(x))
	}
	return out
}

// xlStr is an XLUnicodeString of ASCII or CJK text (two bytes a character) with a 2-byte length.
func xlStr(s string) []byte {
	r := utf16.Encode([]rune(s))
	out := append(u16(len(r)), 1)
	for _, c := range r {
		out = binary.LittleEndian.AppendUint16(out, c)
	}
	return out
}

// xlsCell is a cell of a generated .xls sheet: text (a LABEL record) or a number with a cell format.
type xlsCell struct {
	text string
	num  float64
	xf   int
	rk   bool // write the number as an RK record
}

// xlsSheetSpec is a sheet of a generated .xls workbook.
type xlsSheetSpec struct {
	name   string
	hidden bool
	rows   [][]xlsCell
}

// xlsWorkbook builds a BIFF8 workbook in a compound file: the custom number formats (id → code),
// one cell format (XF) per number format id in xfFormats, and the sheets.
func xlsWorkbook(t *testing.T, formats map[int]string, xfFormats []int, sheets []xlsSheetSpec) []byte {
	t.Helper()
	bof := func(out []byte, kind int) []byte { return biff(out, bofRecord, u16(0x0600, kind, 0, 0, 0, 0, 0, 0)) }
	// Sheet streams first, to know their lengths; positions are fixed up once the globals' size is known.
	var bodies [][]byte
	for _, sh := range sheets {
		b := bof(nil, 0x10)
		for r, row := range sh.rows {
			for c, cell := range row {
				switch {
				case cell.text != "":
					b = biff(b, labelRecord, u16(r, c, 0), xlStr(cell.text))
				case cell.rk:
					b = biff(b, rkRecord, u16(r, c, cell.xf), binary.LittleEndian.AppendUint32(nil, uint32(int32(cell.num))<<2|2))
				default:
					b = biff(b, numberRecord, u16(r, c, cell.xf), binary.LittleEndian.AppendUint64(nil, math.Float64bits(cell.num)))
				}
			}
		}
		bodies = append(bodies, biff(b, eofRecord))
	}
	globals := func(pos []int) []byte {
		g := bof(nil, 0x05)
		for id, code := range formats {
			g = biff(g, formatRecord, u16(id), xlStr(code))
		}
		for _, f := range xfFormats {
			g = biff(g, xfRecord, u16(0, f), make([]byte, 16))
		}
		for i, sh := range sheets {
			state := 0
			if sh.hidden {
				state = 1
			}
			name := utf16.Encode([]rune(sh.name))
			d := binary.LittleEndian.AppendUint32(nil, uint32(pos[i]))
			d = append(d, byte(state), 0, byte(len(name)), 1)
			for _, c := range name {
				d = binary.LittleEndian.AppendUint16(d, c)
			}
			g = biff(g, boundSheetRecord, d)
		}
		return biff(g, eofRecord)
	}
	pos := make([]int, len(sheets))
	n := len(globals(pos))
	for i, b := range bodies {
		pos[i] = n
		n += len(b)
	}
	stream := globals(pos)
	for _, b := range bodies {
		stream = append(stream, b...)
	}
	// At least 4096 bytes, so that the stream lives in regular sectors, not the mini stream.
	for len(stream) < 4096 {
		stream = append(stream, 0)
	}
	return compoundFile(stream)
}

// compoundFile wraps a Workbook stream in a version 3 compound file: sector 0 the FAT, sector 1
// the directory, the stream from sector 2.
func compoundFile(stream []byte) []byte {
	const sector = 512
	const endOfChain, free, fatSect, noStream = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD, 0xFFFFFFFF
	nStream := (len(stream) + sector - 1) / sector
	le32 := binary.LittleEndian.AppendUint32
	h := append([]byte(nil), oleMagic...)
	h = append(h, make([]byte, 16)...)                    // CLSID
	h = append(h, u16(0x3E, 3, 0xFFFE, 9, 6)...)          // versions, byte order, sector shifts
	h = append(h, make([]byte, 6)...)                     // reserved
	h = le32(le32(le32(h, 0), 1), 1)                      // directory sectors (0 for v3), FAT sectors, first directory sector
	h = le32(le32(le32(le32(h, 0), 4096), endOfChain), 0) // transaction, mini cutoff, first mini FAT, mini FAT sectors
	h = le32(le32(h, endOfChain), 0)                      // first DIFAT sector, DIFAT sectors
	h = le32(h, 0)                                        // DIFAT[0]: the FAT is sector 0
	for len(h) < sector {
		h = le32(h, free)
	}
	fat := le32(le32(nil, fatSect), endOfChain)
	for i := 0; i < nStream; i++ {
		next := uint32(endOfChain)
		if i < nStream-1 {
			next = uint32(3 + i)
		}
		fat = le32(fat, next)
	}
	for len(fat) < sector {
		fat = le32(fat, free)
	}
	entry := func(name string, typ byte, child, start uint32, size int) []byte {
		e := make([]byte, 128)
		u := utf16.Encode([]rune(name))
		for i, c := range u {
			binary.LittleEndian.PutUint16(e[2*i:], c)
		}
		if name != "" {
			binary.LittleEndian.PutUint16(e[64:], uint16(2*len(u)+2))
		}
		e[66], e[67] = typ, 1
		binary.LittleEndian.PutUint32(e[68:], noStream)
		binary.LittleEndian.PutUint32(e[72:], noStream)
		binary.LittleEndian.PutUint32(e[76:], child)
		binary.LittleEndian.PutUint32(e[116:], start)
		binary.LittleEndian.PutUint32(e[120:], uint32(size))
		return e
	}
	dir := entry("Root Entry", 5, 1, endOfChain, 0)
	dir = append(dir, entry("Workbook", 2, noStream, 2, len(stream))...)
	dir = append(dir, make([]byte, 256)...)
	out := append(append(h, fat...), dir...)
	out = append(out, stream...)
	for len(out)%sector != 0 {
		out = append(out, 0)
	}
	return out
}

// dateCellsXLS is dateCellsBook as a .xls workbook: numbers as NUMBER and RK records.
func dateCellsXLS(t *testing.T) []byte {
	t.Helper()
	formats := map[int]string{}
	var xfs []int
	rows := [][]xlsCell{{{text: "工单编号"}, {text: "承办单位"}, {text: "受理时间"}, {text: "派单时间"}, {text: "诉求类型"}, {text: "办理时限"}}}
	for i, df := range dateFormats {
		id := df.numFmt
		if df.custom != "" {
			id = 164 + i
			formats[id] = df.custom
		}
		xfs = append(xfs, id)
		rows = append(rows, []xlsCell{{text: "T" + string(rune('1'+i))}, {text: "S01"}, {num: 45931, xf: i}, {text: "2025-10-01 09:00"}, {text: "投诉"}, {num: 45939, xf: i, rk: i%2 == 0}})
	}
	return xlsWorkbook(t, formats, xfs, []xlsSheetSpec{{name: "Sheet1", rows: rows}})
}

func TestHiddenSheetsOfALegacyWorkbookAreNotRead(t *testing.T) {
	row := func(cells ...string) []xlsCell {
		out := make([]xlsCell, len(cells))
		for i, c := range cells {
			out[i] = xlsCell{text: c}
		}
		return out
	}
	head := row("工单编号", "承办单位", "受理时间", "派单时间", "诉求类型")
	data := xlsWorkbook(t, nil, []int{0}, []xlsSheetSpec{
		{name: "旧数据", hidden: true, rows: [][]xlsCell{head, row("T0", "S02", "2025-09-01 08:00", "2025-09-01 09:00", "投诉")}},
		{name: "明细", rows: [][]xlsCell{head, row("T1", "S01", "2025-10-01 08:00", "2025-10-01 09:00", "投诉")}},
	})
	for _, tt := range []struct {
		opt        Options
		sheet, tid string
	}{{Options{}, "明细", "T1"}, {Options{Sheet: "旧数据"}, "旧数据", "T0"}} {
		as, _, rep, err := collect(t, "t.xls", data, testDir(t), tt.opt)
		if err != nil || len(as) != 1 || as[0].TicketID != tt.tid || rep.Sheet != tt.sheet {
			t.Errorf("%+v: err %v, %d rows, report %+v", tt.opt, err, len(as), rep)
		}
	}
}
