package scoring

import (
	"fmt"
	"sort"
	"strings"
	"time"

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

type calendarFile struct {
	Name     string   `yaml:"name"`
	Year     int      `yaml:"year"`
	Holidays []string `yaml:"holidays"`
	Workdays []string `yaml:"workdays"`
}

// ParseCalendar reads a calendar YAML file: name, year, holidays (dates or ranges a..b) and workdays.
func ParseCalendar(data []byte) (*Calendar, error) {
	var f calendarFile
	dec := yaml.NewDecoder(strings.NewReader(string(data)))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil {
		return nil, errorf(Invalid, "calendar: %v", err)
	}
	if f.Name == "" || f.Year < 1900 || f.Year > 2200 {
		return nil, errorf(Invalid, "calendar %q: needs a name and a year", f.Name)
	}
	c := &Calendar{Name: f.Name, Year: f.Year, Holidays: map[civil]bool{}, Workdays: map[civil]bool{}}
	for i, h := range f.Holidays {
		from, to, ok := strings.Cut(h, "..")
		if !ok {
			to = from
		}
		a, err := parseCivil(from)
		if err == nil {
			var b civil
			b, err = parseCivil(to)
			if err == nil {
				for d := a; !after(d, b); d = next(d) {
					c.Holidays[d] = true
				}
			}
		}
		if err != nil {
			return nil, errorf(Invalid, "calendar %s: holidays[%d]: %v", f.Name, i, err)
		}
	}
	for i, w := range f.Workdays {
		d, err := parseCivil(w)
		if err != nil {
			return nil, errorf(Invalid, "calendar %s: workdays[%d]: %v", f.Name, i, err)
		}
		if c.Holidays[d] {
			return nil, errorf(Invalid, "calendar %s: workdays[%d]: %s is also a holiday", f.Name, i, d)
		}
		c.Workdays[d] = true
	}
	for d := range c.Holidays {
		if d.Y != f.Year {
			return nil, errorf(Invalid, "calendar %s: holiday %s is outside year %d", f.Name, d, f.Year)
		}
	}
	return c, nil
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
