package imports

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
)

// scientific reports (and records as a problem) an id cell that Excel turned into a number in
// scientific notation such as 2.0251E+12: its last digits are lost, so no reading of it is right.
func (p *rowParser) scientific(c *collector, row int, f field, b []byte) bool {
	if !isScientific(b) {
		return false
	}
	c.add(row, p.label[f], fmt.Sprintf("%q is a number in scientific notation: Excel 把编号存成了数字，末几位已丢失；"+
		"请在原系统重新导出，或在 Excel 中把该列设为文本格式后再导出", b))
	return true
}

// isScientific reports whether b reads as d[.ddd]E[+-]dd.
func isScientific(b []byte) bool {
	if len(b) < 3 || b[0] < '0' || b[0] > '9' {
		return false
	}
	i := 1
	for i < len(b) && b[i] >= '0' && b[i] <= '9' {
		i++
	}
	if i < len(b) && b[i] == '.' {
		i++
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
	}
	if i >= len(b) || (b[i] != 'E' && b[i] != 'e') {
		return false
	}
	i++
	if i < len(b) && (b[i] == '+' || b[i] == '-') {
		i++
	}
	n := 0
	for i < len(b) && b[i] >= '0' && b[i] <= '9' {
		i++
		n++
	}
	return n > 0 && i == len(b)
}

// lenientUnit finds a unit whose code or name matches b only after normalisation (full-width and
// half-width brackets, spaces, line breaks); the report notes each such spelling once.
func (p *rowParser) lenientUnit(c *collector, b []byte) (int32, bool) {
	if p.units == nil {
		p.units = map[string]int32{}
		idx := map[string]int32{}
		for i, u := range p.dir.Units() {
			for _, k := range []string{nameKey(u.Code), nameKey(u.Name)} {
				if j, dup := idx[k]; dup && j != int32(i) {
					idx[k] = -2 // ambiguous: no lenient match
					continue
				}
				idx[k] = int32(i)
			}
		}
		p.normUnits = idx
	}
	if u, ok := p.units[string(b)]; ok {
		return u, u >= 0
	}
	u, ok := p.normUnits[nameKey(string(b))]
	if !ok || u < 0 {
		u = -1
	}
	if len(p.units) < 4096 {
		p.units[string(b)] = u
	}
	if u < 0 {
		return 0, false
	}
	unit := p.dir.Unit(u)
	c.note(fmt.Sprintf("单位「%s」按 %s %s 读取（仅在统一全角/半角括号和空格后相同）", b, unit.Code, unit.Name))
	return u, true
}

// lenientTime reads the datetime forms outside the fast path: Chinese text (2025年10月3日 14:05,
// 2025年10月3日14时05分), dotted dates (2025.10.3 14:05) and dates without a time. A date alone is the start of that day, except in a
// deadline field (due_at, extended_due_at), where it is the end of that day (the next day 00:00), so
// that a closure on that day is on time; the report counts such cells per column.
func (p *rowParser) lenientTime(c *collector, row int, f field, b []byte) (int64, bool) {
	days, sec, dateOnly, ok := parseCompact(b)
	if !ok && !p.xlsx && isNumber(b) {
		// An Excel serial in a CSV saved from a workbook: only within 1954–2119, so that a year or a
		// yyyymmdd number is not taken for one.
		if v, err := strconv.ParseFloat(string(b), 64); err == nil && v >= 20000 && v < 80000 {
			return p.clock.parseSerial(b, false)
		}
		return 0, false
	}
	if !ok {
		days, sec, dateOnly, ok = parseLenient(b)
	}
	if !ok {
		return 0, false
	}
	if !dateOnly {
		return p.clock.unix(days, sec), true
	}
	c.dateOnly(f, row)
	if f.isDeadline() {
		return p.clock.unix(days+1, 0), true
	}
	return p.clock.unix(days, 0), true
}

// dateCell reads an XLSX datetime cell t (from b) as a date without a time when it is a whole
// serial number in a cell formatted as a date only (2025-10-09, not 2025-10-09 00:00): the end of
// that day in a deadline field, as a text date is read, else its start; the report counts such cells.
func (p *rowParser) dateCell(c *collector, row, col int, f field, b []byte, t int64) int64 {
	if !isNumber(b) || bytes.IndexByte(b, '.') >= 0 || !p.dateOnlyCell(row, col) {
		return t
	}
	c.dateOnly(f, row)
	if !f.isDeadline() {
		return t
	}
	days, err := strconv.ParseInt(string(b), 10, 64)
	if err != nil {
		return t
	}
	if p.date1904 {
		days -= excelEpoch1904
	} else {
		days -= excelEpoch1900
	}
	return p.clock.unix(days+1, 0)
}

// parseCompact parses the digits-only forms some platforms export: yyyymmddhhmmss, yyyymmddhhmm and
// yyyymmdd (a date only).
func parseCompact(b []byte) (days, sec int64, dateOnly, ok bool) {
	n := len(b)
	if n != 8 && n != 12 && n != 14 {
		return 0, 0, false, false
	}
	v := make([]int, 0, 7)
	for i := 0; i < n; i += 2 {
		if b[i]-'0' > 9 || b[i+1]-'0' > 9 {
			return 0, 0, false, false
		}
		v = append(v, int(b[i]-'0')*10+int(b[i+1]-'0'))
	}
	y, mo, d := v[0]*100+v[1], v[2], v[3]
	if y < 1900 || !validDate(y, mo, d) {
		return 0, 0, false, false
	}
	days = daysFrom(y, mo, d)
	if n == 8 {
		return days, 0, true, true
	}
	h, mi, sc := v[4], v[5], 0
	if n == 14 {
		sc = v[6]
	}
	if h > 23 || mi > 59 || sc > 59 {
		return 0, 0, false, false
	}
	return days, int64(h*3600 + mi*60 + sc), false, true
}

// parseLenient parses y年m月d日 [h时mm分[ss秒]] or [h:mm[:ss]], y.m.d [h:mm[:ss]] (and y-m-d or y/m/d
// that the fast path did not read, such as one with an ideographic space), and dates without a time.
// White space (also ideographic) may stand between the parts; 点 may stand for 时 and 号 for 日; a
// 12-hour time says 上午/下午 before it or AM/PM after it.
func parseLenient(b []byte) (days, sec int64, dateOnly, ok bool) {
	s := []rune(string(b))
	i := 0
	num := func(max int) (int, bool) {
		v, n := 0, 0
		for i < len(s) && n < max && s[i] >= '0' && s[i] <= '9' {
			v = v*10 + int(s[i]-'0')
			i++
			n++
		}
		return v, n > 0
	}
	space := func() {
		for i < len(s) && (s[i] == ' ' || s[i] == '\u3000' || s[i] == '\t' || s[i] == '\u00a0') {
			i++
		}
	}
	is := func(rs ...rune) bool {
		if i < len(s) {
			for _, r := range rs {
				if s[i] == r {
					i++
					return true
				}
			}
		}
		return false
	}
	y, ok1 := num(4)
	if !ok1 || i != 4 {
		return 0, 0, false, false
	}
	space()
	chinese := is('年')
	if !chinese && !is('-', '/', '.') {
		return 0, 0, false, false
	}
	space()
	mo, ok2 := num(2)
	space()
	if !ok2 || (chinese && !is('月')) || (!chinese && !is(s[4])) {
		return 0, 0, false, false
	}
	space()
	d, ok3 := num(2)
	space()
	if !ok3 || (chinese && !is('日', '号')) || !validDate(y, mo, d) {
		return 0, 0, false, false
	}
	days = daysFrom(y, mo, d)
	space()
	if i == len(s) {
		return days, 0, true, true
	}
	// 上午/下午 before the hour (Excel's and WPS's Chinese 12-hour format), or AM/PM after the time
	// (a year-first date only: 10/04/2025 is month-first or day-first by locale and stays refused).
	half := 0 // 1 morning, 2 afternoon
	if i+1 < len(s) && (s[i] == '上' || s[i] == '下') && s[i+1] == '午' {
		half = 1
		if s[i] == '下' {
			half = 2
		}
		i += 2
		space()
	}
	h, okh := num(2)
	if !okh || !is(':', '时', '点') {
		return 0, 0, false, false
	}
	at := i
	mi, okm := num(2)
	if !okm || !chinese && i-at != 2 {
		return 0, 0, false, false // 2025.10.3 14:5 is not a time
	}
	sc := 0
	if is(':') {
		if sc, ok = num(2); !ok {
			return 0, 0, false, false
		}
	} else if is('分') {
		space()
		if i < len(s) {
			if sc, ok = num(2); !ok || !is('秒') {
				return 0, 0, false, false
			}
		}
	}
	space()
	if half == 0 && i+1 < len(s) && (s[i]|0x20 == 'a' || s[i]|0x20 == 'p') && s[i+1]|0x20 == 'm' {
		half = 1
		if s[i]|0x20 == 'p' {
			half = 2
		}
		i += 2
	}
	if i != len(s) || h > 23 || mi > 59 || sc > 59 {
		return 0, 0, false, false
	}
	if half != 0 {
		if h < 1 || h > 12 {
			return 0, 0, false, false // 下午 14:05 or 0:30 PM says two things
		}
		h %= 12
		if half == 2 {
			h += 12
		}
	}
	return days, int64(h*3600 + mi*60 + sc), false, true
}

// totalsRow reports whether the first non-empty cell of a row says 合计, 总计 or 小计 (a sum line
// under the data, as platforms add to exports).
func totalsRow(cells [][]byte) bool {
	for _, c := range cells {
		if t := trim(c); len(t) > 0 {
			k := strings.TrimRight(nameKey(string(t)), ":：")
			return k == "合计" || k == "总计" || k == "小计"
		}
	}
	return false
}
