package imports

import (
	"encoding/binary"
	"math"
	"strconv"
	"time"
)

// clock converts civil datetimes in one zone to Unix seconds. It caches each day's local
// midnight, so a conversion is arithmetic except on the first use of a day. Not safe for
// concurrent use: every worker has its own.
type clock struct {
	loc  *time.Location
	day  [512]int64 // day number + 1; 0 = empty slot
	mid  [512]int64 // Unix time of local midnight
	flat [512]bool  // the day has no zone transition
	// civil caches the day number of a civil date, keyed by y<<9|m<<5|d.
	civilKey  [512]int32
	civilDays [512]int64
	// dates caches, by the text of a canonical date (`2025-06-03`), its local midnight, for days
	// without a zone transition; slot dateIndex(b) holds the date of b.
	dates [1024]dateSlot
}

// dateSlot is one entry of clock.dates: the first 8 bytes of the date, its last 2, and its midnight.
type dateSlot struct {
	w0, w1 uint64
	mid    int64
}

func newClock(loc *time.Location) *clock { return &clock{loc: loc} }

// date returns the day number of y-m-d, cached.
func (c *clock) date(y, m, d int) int64 {
	k := int32(y<<9 | m<<5 | d)
	i := (y*372 + m*31 + d) & 511
	if c.civilKey[i] != k {
		c.civilKey[i], c.civilDays[i] = k, daysFrom(y, m, d)
	}
	return c.civilDays[i]
}

// unix returns the Unix time of second sec (0..86399) of day days (days since 1970-01-01) in the clock's zone.
func (c *clock) unix(days, sec int64) int64 {
	i := days & 511
	if c.day[i] != days+1 {
		y, m, d := civil(days)
		t0 := time.Date(y, time.Month(m), d, 0, 0, 0, 0, c.loc)
		t1 := time.Date(y, time.Month(m), d+1, 0, 0, 0, 0, c.loc)
		_, o0 := t0.Zone()
		_, o1 := t1.Zone()
		c.day[i], c.mid[i] = days+1, t0.Unix()
		c.flat[i] = o0 == o1 && t1.Unix()-t0.Unix() == 86400 && t0.Hour() == 0
	}
	if c.flat[i] {
		return c.mid[i] + sec
	}
	y, m, d := civil(days)
	return time.Date(y, time.Month(m), d, 0, 0, int(sec), 0, c.loc).Unix()
}

// daysFrom returns the number of days from 1970-01-01 to the civil date y-m-d (proleptic Gregorian).
func daysFrom(y, m, d int) int64 {
	if m <= 2 {
		y--
	}
	era := y / 400
	if y < 0 && y%400 != 0 {
		era--
	}
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return int64(era)*146097 + int64(doe) - 719468
}

// civil is the inverse of daysFrom.
func civil(days int64) (y, m, d int) {
	z := days + 719468
	era := z / 146097
	if z < 0 && z%146097 != 0 {
		era--
	}
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d = int(doy - (153*mp+2)/5 + 1)
	m = int(mp + 3)
	if m > 12 {
		m -= 12
	}
	y = int(yoe + era*400)
	if m <= 2 {
		y++
	}
	return y, m, d
}

var monthDays = [13]int{0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}

func validDate(y, m, d int) bool {
	if m < 1 || m > 12 || d < 1 || d > monthDays[m] {
		return false
	}
	return m != 2 || d < 29 || (y%4 == 0 && (y%100 != 0 || y%400 == 0))
}

// digits reads 1..max decimal digits of b from i; n is how many were read.
func digits(b []byte, i, max int) (v, n int) {
	for n < max && i+n < len(b) {
		c := b[i+n]
		if c < '0' || c > '9' {
			break
		}
		v = v*10 + int(c-'0')
		n++
	}
	return v, n
}

// parseDatetime parses `2025-06-03 14:05`, `2025-06-03 14:05:09`, `2025/6/3 14:05[:09]` and RFC 3339
// (`T` separator, fractional seconds truncated, `Z` or ±hh:mm, ±hhmm, ±hh zone). Without a zone the
// datetime is in the clock's zone.
func (c *clock) parseDatetime(b []byte) (int64, bool) {
	if t, ok := c.cachedDay(b); ok {
		return t, true
	}
	if y, mo, d, sec, ok := canonical(b); ok {
		days := c.date(y, mo, d)
		t := c.unix(days, sec)
		if i := days & 511; c.flat[i] {
			c.dates[dateIndex(b)] = dateSlot{w0: binary.LittleEndian.Uint64(b), w1: uint64(b[8]) | uint64(b[9])<<8, mid: c.mid[i]}
		}
		return t, true
	}
	y, n := digits(b, 0, 4)
	if n != 4 || len(b) < 10 {
		return 0, false
	}
	sep := b[4]
	if sep != '-' && sep != '/' {
		return 0, false
	}
	i := 5
	mo, n := digits(b, i, 2)
	if n == 0 || i+n >= len(b) || b[i+n] != sep {
		return 0, false
	}
	i += n + 1
	d, n := digits(b, i, 2)
	if n == 0 || i+n >= len(b) || (b[i+n] != ' ' && b[i+n] != 'T') {
		return 0, false
	}
	i += n + 1
	for i < len(b) && b[i] == ' ' {
		i++
	}
	h, n := digits(b, i, 2)
	if n == 0 || i+n >= len(b) || b[i+n] != ':' {
		return 0, false
	}
	i += n + 1
	mi, n := digits(b, i, 2)
	if n != 2 {
		return 0, false
	}
	i += 2
	s := 0
	if i < len(b) && b[i] == ':' {
		if s, n = digits(b, i+1, 2); n != 2 {
			return 0, false
		}
		i += 3
		if i < len(b) && (b[i] == '.' || b[i] == ',') {
			_, n = digits(b, i+1, 9)
			if n == 0 {
				return 0, false
			}
			i += 1 + n
		}
	}
	if !validDate(y, mo, d) || h > 23 || mi > 59 || s > 59 {
		return 0, false
	}
	days, sec := daysFrom(y, mo, d), int64(h*3600+mi*60+s)
	if i == len(b) {
		return c.unix(days, sec), true
	}
	off, ok := zoneOffset(b[i:])
	if !ok {
		return 0, false
	}
	return days*86400 + sec - off, true
}

// canonical parses the common `2025-06-03 14:05:09` and `2025-06-03 14:05` quickly: it checks and
// converts the first 16 bytes as two 64-bit words.
func canonical(b []byte) (y, mo, d int, sec int64, ok bool) {
	if len(b) != 19 && len(b) != 16 {
		return 0, 0, 0, 0, false
	}
	const (
		// Separators: bytes 4 and 7 of the first word, bytes 2 and 5 of the second.
		sepMask0 = 0xFF0000FF00000000
		sep0     = 0x2D00002D00000000 // '-' '-'
		sepMask1 = 0x0000FF0000FF0000
		sep1     = 0x00003A0000200000 // ' ' ':'
		zeros    = 0x3030303030303030
	)
	w0 := binary.LittleEndian.Uint64(b)
	w1 := binary.LittleEndian.Uint64(b[8:])
	if w0&sepMask0 != sep0 || w1&sepMask1 != sep1 {
		return 0, 0, 0, 0, false
	}
	// With the separators replaced by '0', every byte must be a digit.
	w0 = w0&^sepMask0 | zeros&sepMask0
	w1 = w1&^sepMask1 | zeros&sepMask1
	if ((w0+0x4646464646464646)|(w0-zeros)|(w1+0x4646464646464646)|(w1-zeros))&0x8080808080808080 != 0 {
		return 0, 0, 0, 0, false
	}
	w0 -= zeros
	w1 -= zeros
	digit := func(w uint64, i int) int { return int(w >> (8 * i) & 0xFF) }
	y = digit(w0, 0)*1000 + digit(w0, 1)*100 + digit(w0, 2)*10 + digit(w0, 3)
	mo = digit(w0, 5)*10 + digit(w0, 6)
	d = digit(w1, 0)*10 + digit(w1, 1)
	h := digit(w1, 3)*10 + digit(w1, 4)
	mi := digit(w1, 6)*10 + digit(w1, 7)
	s := 0
	if len(b) == 19 {
		if b[16] != ':' || b[17]-'0' > 9 || b[18]-'0' > 9 {
			return 0, 0, 0, 0, false
		}
		s = int(b[17]-'0')*10 + int(b[18]-'0')
	}
	if !validDate(y, mo, d) || h > 23 || mi > 59 || s > 59 {
		return 0, 0, 0, 0, false
	}
	return y, mo, d, int64(h*3600 + mi*60 + s), true
}

// dateIndex picks the slot of clock.dates for the date of b (at least 10 bytes) from its month and
// day digits, so that the days of one year do not collide.
func dateIndex(b []byte) int {
	return ((int(b[5]&1)*10+int(b[6]&15))*32 + int(b[8]&3)*10 + int(b[9]&15)) & 1023
}

// cachedDay converts a canonical datetime whose date is in c.dates (so already checked, and
// without a zone transition) by reading only its time of day; ok is false otherwise.
func (c *clock) cachedDay(b []byte) (int64, bool) {
	if len(b) != 19 && len(b) != 16 {
		return 0, false
	}
	e := &c.dates[dateIndex(b)]
	if e.w0 != binary.LittleEndian.Uint64(b) || e.w1 != uint64(b[8])|uint64(b[9])<<8 || e.mid == 0 && e.w0 == 0 {
		return 0, false
	}
	if len(b) == 19 {
		// hh:mm:ss as one word: separators at bytes 2 and 5, digits elsewhere.
		const (
			sepMask = 0x0000FF0000FF0000
			seps    = 0x00003A00003A0000 // ':' ':'
			zeros   = 0x3030303030303030
		)
		w := binary.LittleEndian.Uint64(b[11:])
		if b[10] != ' ' || w&sepMask != seps {
			return 0, false
		}
		w = w&^sepMask | zeros&sepMask
		if ((w+0x4646464646464646)|(w-zeros))&0x8080808080808080 != 0 {
			return 0, false
		}
		w -= zeros
		h := int(w&0xFF)*10 + int(w>>8&0xFF)
		mi := int(w>>24&0xFF)*10 + int(w>>32&0xFF)
		s := int(w>>48&0xFF)*10 + int(w>>56)
		if h > 23 || mi > 59 || s > 59 {
			return 0, false
		}
		return e.mid + int64(h*3600+mi*60+s), true
	}
	if b[10] != ' ' || b[13] != ':' || b[11]-'0' > 9 || b[12]-'0' > 9 || b[14]-'0' > 9 || b[15]-'0' > 9 {
		return 0, false
	}
	h, mi := int(b[11]-'0')*10+int(b[12]-'0'), int(b[14]-'0')*10+int(b[15]-'0')
	if h > 23 || mi > 59 {
		return 0, false
	}
	return e.mid + int64(h*3600+mi*60), true
}

// zoneOffset parses Z, ±hh:mm, ±hhmm or ±hh into seconds east of UTC.
func zoneOffset(b []byte) (int64, bool) {
	if len(b) == 1 && (b[0] == 'Z' || b[0] == 'z') {
		return 0, true
	}
	if len(b) < 3 || (b[0] != '+' && b[0] != '-') {
		return 0, false
	}
	h, n := digits(b, 1, 2)
	if n != 2 {
		return 0, false
	}
	i, m := 3, 0
	if i < len(b) && b[i] == ':' {
		i++
	}
	if i < len(b) {
		if m, n = digits(b, i, 2); n != 2 {
			return 0, false
		}
		i += 2
	}
	if i != len(b) || h > 23 || m > 59 {
		return 0, false
	}
	off := int64(h*3600 + m*60)
	if b[0] == '-' {
		off = -off
	}
	return off, true
}

// Excel serial day numbers of 1970-01-01.
const (
	excelEpoch1900 = 25569
	excelEpoch1904 = 24107
)

// isNumber reports whether b looks like an unsigned decimal number, as XLSX stores a date cell.
func isNumber(b []byte) bool {
	if len(b) == 0 {
		return false
	}
	dot := false
	for _, c := range b {
		switch {
		case c >= '0' && c <= '9':
		case c == '.' && !dot:
			dot = true
		default:
			return false
		}
	}
	return true
}

// parseSerial converts an Excel serial date number (in the workbook's date system) to Unix
// seconds in the clock's zone, rounded to the nearest second.
func (c *clock) parseSerial(b []byte, date1904 bool) (int64, bool) {
	v, err := strconv.ParseFloat(string(b), 64)
	if err != nil || v < 61 || v >= 2958466 {
		return 0, false // before 1900-03-01 (the 1900 leap-year bug) or after 9999
	}
	total := int64(math.Round(v * 86400))
	days, sec := total/86400, total%86400
	if date1904 {
		days -= excelEpoch1904
	} else {
		days -= excelEpoch1900
	}
	return c.unix(days, sec), true
}

// formatTime shows a Unix time in loc for messages: minutes, or seconds when it has them.
func formatTime(t int64, loc *time.Location) string {
	tm := time.Unix(t, 0).In(loc)
	if tm.Second() != 0 {
		return tm.Format("2006-01-02 15:04:05")
	}
	return tm.Format("2006-01-02 15:04")
}
