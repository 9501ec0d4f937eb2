package scoring

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// Calendar is one year's statutory holidays and make-up working days (调休上班).
type Calendar struct {
	Name     string
	Year     int
	Holidays map[civil]bool
	Workdays map[civil]bool
}

// civil is a calendar date without a zone.
type civil struct {
	Y int
	M time.Month
	D int
}

func (c civil) String() string { return fmt.Sprintf("%04d-%02d-%02d", c.Y, c.M, c.D) }

func parseCivil(s string) (civil, error) {
	t, err := time.Parse("2006-01-02", strings.TrimSpace(s))
	if err != nil {
		return civil{}, fmt.Errorf("date %q: want YYYY-MM-DD", s)
	}
	return civil{t.Year(), t.Month(), t.Day()}, nil
}

// calendarKeys are the keys of a calendar file, in the order the file gives them.
var calendarKeys = []string{"name", "year", "holidays", "workdays"}

// calendarParse collects the problems of one calendar file, each with its key path and line.
type calendarParse struct {
	errs []FieldError
}

func (p *calendarParse) fail(field string, line int, format string, args ...any) {
	p.errs = append(p.errs, FieldError{Field: field, Reason: fmt.Sprintf("line %d: ", line) + fmt.Sprintf(format, args...)})
}

// ParseCalendar reads a calendar YAML file: name, year, holidays (dates or ranges a..b) and workdays
// (make-up working days, 调休上班, each a Saturday or Sunday). Every problem is reported with its key
// path and line in one *Error: a file that is not UTF-8, an unknown or repeated key, a value of the
// wrong shape, a date outside the year or given twice (also by overlapping ranges), a reversed range,
// a make-up day that is a weekday or a holiday, and a name whose year (cn-2027) is not the year.
func ParseCalendar(data []byte) (*Calendar, error) {
	if !utf8.Valid(data) {
		return nil, &Error{Code: Invalid, Message: "calendar: the file is not UTF-8 (it may be GBK or GB18030): save it as UTF-8",
			Fields: []FieldError{{Field: "(file)", Reason: "not UTF-8: save it as UTF-8"}}}
	}
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		fe := syntaxError(data, err)
		return nil, &Error{Code: Invalid, Message: "calendar: " + fe.Field + ": " + fe.Reason, Fields: []FieldError{fe}}
	}
	if root.Kind == 0 || len(root.Content) == 0 {
		return nil, errorf(Invalid, "calendar: empty file (want the keys %s)", strings.Join(calendarKeys, ", "))
	}
	doc := root.Content[0]
	if doc.Kind != yaml.MappingNode {
		fe := FieldError{Field: "(top level)", Reason: fmt.Sprintf("line %d: want a mapping of the keys %s", doc.Line, strings.Join(calendarKeys, ", "))}
		return nil, &Error{Code: Invalid, Message: "calendar: " + fe.Field + ": " + fe.Reason, Fields: []FieldError{fe}}
	}
	var p calendarParse
	c := &Calendar{Holidays: map[civil]bool{}, Workdays: map[civil]bool{}}
	var holidays, workdays *yaml.Node
	yearLine := 0
	seen := map[string]int{}
	for i := 0; i+1 < len(doc.Content); i += 2 {
		k, v := doc.Content[i], doc.Content[i+1]
		if first, dup := seen[k.Value]; dup {
			p.fail(k.Value, k.Line, "key given twice (first at line %d)", first)
			continue
		}
		seen[k.Value] = k.Line
		switch k.Value {
		case "name":
			if v.Kind != yaml.ScalarNode || strings.TrimSpace(v.Value) == "" {
				p.fail("name", v.Line, "want a name such as cn-2027")
			}
			c.Name = strings.TrimSpace(v.Value)
		case "year":
			y, err := strconv.Atoi(v.Value)
			if v.Kind != yaml.ScalarNode || err != nil || y < 1900 || y > 2200 {
				p.fail("year", v.Line, "want a year such as 2027, got %q", v.Value)
			}
			c.Year, yearLine = y, v.Line
		case "holidays":
			holidays = v
		case "workdays":
			workdays = v
		default:
			p.fail(k.Value, k.Line, "unknown key (known: %s)", strings.Join(calendarKeys, ", "))
		}
	}
	if _, ok := seen["name"]; !ok {
		p.fail("name", doc.Line, "required")
	}
	if _, ok := seen["year"]; !ok {
		p.fail("year", doc.Line, "required")
	}
	if c.Name != "" && c.Year != 0 {
		if i := strings.LastIndex(c.Name, "-"); i >= 0 {
			if y, err := strconv.Atoi(c.Name[i+1:]); err == nil && len(c.Name[i+1:]) == 4 && y != c.Year {
				p.fail("year", yearLine, "the name %s is of year %d, the file says year %d", c.Name, y, c.Year)
			}
		}
	}
	from := map[civil]string{} // the entry that first named each date
	for i, n := range p.list(holidays, "holidays") {
		field := fmt.Sprintf("holidays[%d]", i)
		a, b, err := parseRange(n.Value)
		if err != nil {
			p.fail(field, n.Line, "%v", err)
			continue
		}
		if after(a, b) {
			p.fail(field, n.Line, "range %s ends before it starts", n.Value)
			continue
		}
		for d := a; !after(d, b); d = next(d) { // a range is reported at its first wrong day
			if c.Year != 0 && d.Y != c.Year {
				p.fail(field, n.Line, "%s is outside year %d", d, c.Year)
				break
			}
			if from[d] != "" {
				p.fail(field, n.Line, "%s is also in %s", d, from[d])
				break
			}
			c.Holidays[d], from[d] = true, field
		}
	}
	for i, n := range p.list(workdays, "workdays") {
		field := fmt.Sprintf("workdays[%d]", i)
		d, err := parseCivil(n.Value)
		switch {
		case err != nil:
			p.fail(field, n.Line, "%v", err)
		case c.Year != 0 && d.Y != c.Year:
			p.fail(field, n.Line, "%s is outside year %d", d, c.Year)
		case from[d] != "":
			p.fail(field, n.Line, "%s is also in %s", d, from[d])
		case !weekend(d):
			p.fail(field, n.Line, "%s is a %s: a make-up working day (调休上班) is a Saturday or Sunday that is worked; a weekday is a working day already",
				d, time.Date(d.Y, d.M, d.D, 0, 0, 0, 0, time.UTC).Weekday())
		default:
			c.Workdays[d], from[d] = true, field
		}
	}
	if len(p.errs) > 0 {
		msgs := make([]string, len(p.errs))
		for i, e := range p.errs {
			msgs[i] = e.Field + ": " + e.Reason
		}
		name := "calendar"
		if c.Name != "" {
			name += " " + c.Name
		}
		return nil, &Error{Code: Invalid, Message: name + ": " + strings.Join(msgs, "; "), Fields: p.errs}
	}
	return c, nil
}

// list returns the items of a list of dates, reporting a value that is not one; an empty value is no dates.
func (p *calendarParse) list(n *yaml.Node, key string) []*yaml.Node {
	if n == nil || (n.Kind == yaml.ScalarNode && n.Tag == "!!null") {
		return nil
	}
	if n.Kind != yaml.SequenceNode {
		p.fail(key, n.Line, "want a list of dates (YYYY-MM-DD, or YYYY-MM-DD..YYYY-MM-DD for a range)")
		return nil
	}
	var out []*yaml.Node
	for i, item := range n.Content {
		if item.Kind != yaml.ScalarNode {
			p.fail(fmt.Sprintf("%s[%d]", key, i), item.Line, "want a date (YYYY-MM-DD) or a range (YYYY-MM-DD..YYYY-MM-DD)")
			continue
		}
		out = append(out, item)
	}
	return out
}

// parseRange reads a date or a range of dates a..b.
func parseRange(s string) (civil, civil, error) {
	from, to, ok := strings.Cut(s, "..")
	if !ok {
		to = from
	}
	a, err := parseCivil(from)
	if err != nil {
		return civil{}, civil{}, err
	}
	b, err := parseCivil(to)
	return a, b, err
}

func weekend(d civil) bool {
	wd := time.Date(d.Y, d.M, d.D, 0, 0, 0, 0, time.UTC).Weekday()
	return wd == time.Saturday || wd == time.Sunday
}

func after(a, b civil) bool {
	return time.Date(a.Y, a.M, a.D, 0, 0, 0, 0, time.UTC).After(time.Date(b.Y, b.M, b.D, 0, 0, 0, 0, time.UTC))
}

func next(d civil) civil {
	t := time.Date(d.Y, d.M, d.D+1, 0, 0, 0, 0, time.UTC)
	return civil{t.Year(), t.Month(), t.Day()}
}

// Workdays is a working-day calendar over a contiguous range of whole years in one time zone.
type Workdays struct {
	loc       *time.Location
	firstYear int
	lastYear  int
	// dayStart[i] is the instant local day i begins; dayStart[len-1] ends the range.
	dayStart []int64
	// cum[i] is the number of working days among days 0..i.
	cum []int32
	// work lists the indices of working days.
	work []int32
	// eveStart is when the day before the first calendar day begins: a deadline may start on it.
	eveStart int64
}

// NewWorkdays combines calendars of consecutive years into one working-day calendar in loc.
func NewWorkdays(loc *time.Location, cals []*Calendar) (*Workdays, error) {
	if len(cals) == 0 {
		return nil, errorf(Invalid, "no calendar")
	}
	sorted := append([]*Calendar(nil), cals...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].Year < sorted[j].Year })
	for i := 1; i < len(sorted); i++ {
		if sorted[i].Year == sorted[i-1].Year {
			return nil, errorf(Invalid, "calendars %s and %s are both for %d", sorted[i-1].Name, sorted[i].Name, sorted[i].Year)
		}
		if sorted[i].Year != sorted[i-1].Year+1 {
			return nil, errorf(Invalid, "no calendar for %d between %s and %s", sorted[i-1].Year+1, sorted[i-1].Name, sorted[i].Name)
		}
	}
	w := &Workdays{loc: loc, firstYear: sorted[0].Year, lastYear: sorted[len(sorted)-1].Year,
		eveStart: time.Date(sorted[0].Year-1, time.December, 31, 0, 0, 0, 0, loc).Unix()}
	var n int32
	for _, c := range sorted {
		for d := (civil{c.Year, time.January, 1}); d.Y == c.Year; d = next(d) {
			t := time.Date(d.Y, d.M, d.D, 0, 0, 0, 0, loc)
			i := int32(len(w.dayStart))
			w.dayStart = append(w.dayStart, t.Unix())
			wd := t.Weekday()
			working := wd != time.Saturday && wd != time.Sunday
			if c.Holidays[d] {
				working = false
			}
			if c.Workdays[d] {
				working = true
			}
			if working {
				n++
				w.work = append(w.work, i)
			}
			w.cum = append(w.cum, n)
		}
	}
	w.dayStart = append(w.dayStart, time.Date(w.lastYear+1, time.January, 1, 0, 0, 0, 0, loc).Unix())
	return w, nil
}

// day returns the index of the local day containing instant t, or -1 outside the range.
func (w *Workdays) day(t int64) int {
	last := len(w.dayStart) - 1
	if t < w.dayStart[0] || t >= w.dayStart[last] {
		return -1
	}
	i := int((t - w.dayStart[0]) / 86400)
	if i >= last {
		i = last - 1
	}
	for w.dayStart[i] > t {
		i--
	}
	for w.dayStart[i+1] <= t {
		i++
	}
	return i
}

// AddWorkdays returns the end (24:00) of the n-th working day after the local day of start; the start day is not counted.
func (w *Workdays) AddWorkdays(start int64, n int) (int64, error) {
	d := w.day(start)
	k := 0
	switch {
	case d >= 0:
		k = int(w.cum[d]) + n - 1
	case start < w.dayStart[0] && start >= w.eveStart:
		// The start day is the eve of the first calendar day: only the days after it are counted.
		k = n - 1
	default:
		return 0, errorf(Invalid, "no working-day calendar for %d (calendars cover %d–%d)", time.Unix(start, 0).In(w.loc).Year(), w.firstYear, w.lastYear)
	}
	if k >= len(w.work) {
		return 0, errorf(Invalid, "deadline of %d working days from %s reaches %d, which has no calendar (calendars cover %d–%d)",
			n, time.Unix(start, 0).In(w.loc).Format("2006-01-02"), w.lastYear+1, w.firstYear, w.lastYear)
	}
	return w.dayStart[w.work[k]+1], nil
}

// IsWorkday reports whether the local day containing t is a working day; ok is false outside the calendar.
func (w *Workdays) IsWorkday(t int64) (working, ok bool) {
	d := w.day(t)
	if d < 0 {
		return false, false
	}
	prev := int32(0)
	if d > 0 {
		prev = w.cum[d-1]
	}
	return w.cum[d] > prev, true
}
