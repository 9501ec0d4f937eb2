package scoring

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Period is a half-open interval of time [Start, End) in Unix seconds with its id (2025-06, 2025-Q2, 2025).
type Period struct {
	ID    string
	Start int64
	End   int64
}

// Info returns the period as shown in results, in the zone loc.
func (p Period) Info(loc *time.Location) PeriodInfo {
	return PeriodInfo{ID: p.ID,
		Start: time.Unix(p.Start, 0).In(loc).Format(time.RFC3339),
		End:   time.Unix(p.End, 0).In(loc).Format(time.RFC3339)}
}

// Contains reports whether t falls in the period.
func (p Period) Contains(t int64) bool { return t >= p.Start && t < p.End }

// monthStart returns the instant month (y, m) of the given start day begins.
func monthStart(y int, m time.Month, startDay int, loc *time.Location) int64 {
	if startDay <= 1 {
		return time.Date(y, m, 1, 0, 0, 0, 0, loc).Unix()
	}
	return time.Date(y, m-1, startDay, 0, 0, 0, 0, loc).Unix()
}

// monthPeriod returns the period of month (y, m).
func monthPeriod(y int, m time.Month, startDay int, loc *time.Location) Period {
	return Period{ID: fmt.Sprintf("%04d-%02d", y, int(m)),
		Start: monthStart(y, m, startDay, loc), End: monthStart(y, m+1, startDay, loc)}
}

// ParsePeriod parses a period id — YYYY-MM, YYYY-Qn or YYYY — under a start day and zone.
func ParsePeriod(id string, startDay int, loc *time.Location) (Period, error) {
	bad := func(why string) (Period, error) {
		return Period{}, errorf(Invalid, "period %q: %s (want YYYY-MM, YYYY-Qn or YYYY)", id, why)
	}
	ys, rest, hasRest := strings.Cut(strings.TrimSpace(id), "-")
	y, err := strconv.Atoi(ys)
	if err != nil || len(ys) != 4 || y < 1990 || y > 2200 {
		return bad("bad year")
	}
	switch {
	case !hasRest:
		a, b := monthPeriod(y, 1, startDay, loc), monthPeriod(y, 12, startDay, loc)
		return Period{ID: ys, Start: a.Start, End: b.End}, nil
	case strings.HasPrefix(rest, "Q") || strings.HasPrefix(rest, "q"):
		q, err := strconv.Atoi(rest[1:])
		if err != nil || q < 1 || q > 4 || len(rest) != 2 {
			return bad("quarter must be Q1..Q4")
		}
		a, b := monthPeriod(y, time.Month(3*q-2), startDay, loc), monthPeriod(y, time.Month(3*q), startDay, loc)
		return Period{ID: fmt.Sprintf("%04d-Q%d", y, q), Start: a.Start, End: b.End}, nil
	default:
		m, err := strconv.Atoi(rest)
		if err != nil || m < 1 || m > 12 || len(rest) != 2 {
			return bad("month must be 01..12")
		}
		return monthPeriod(y, time.Month(m), startDay, loc), nil
	}
}

// Months returns the monthly periods a period id spans (one for a month, three for a quarter, twelve for a year).
func Months(id string, startDay int, loc *time.Location) ([]Period, error) {
	if _, err := ParsePeriod(id, startDay, loc); err != nil {
		return nil, err
	}
	ys, rest, _ := strings.Cut(strings.TrimSpace(id), "-")
	y, _ := strconv.Atoi(ys)
	first, last := 1, 12
	switch {
	case strings.HasPrefix(rest, "Q") || strings.HasPrefix(rest, "q"):
		q, _ := strconv.Atoi(rest[1:])
		first, last = 3*q-2, 3*q
	case rest != "":
		first, _ = strconv.Atoi(rest)
		last = first
	}
	var out []Period
	for m := first; m <= last; m++ {
		out = append(out, monthPeriod(y, time.Month(m), startDay, loc))
	}
	return out, nil
}

// Previous returns the id of the period before id: the previous month, quarter or year.
func Previous(id string) (string, error) {
	ys, rest, hasRest := strings.Cut(id, "-")
	y, err := strconv.Atoi(ys)
	if err != nil {
		return "", errorf(Invalid, "period %q: bad year", id)
	}
	switch {
	case !hasRest:
		return strconv.Itoa(y - 1), nil
	case strings.HasPrefix(rest, "Q"):
		q, _ := strconv.Atoi(rest[1:])
		if q == 1 {
			return fmt.Sprintf("%04d-Q4", y-1), nil
		}
		return fmt.Sprintf("%04d-Q%d", y, q-1), nil
	default:
		m, _ := strconv.Atoi(rest)
		if m == 1 {
			return fmt.Sprintf("%04d-12", y-1), nil
		}
		return fmt.Sprintf("%04d-%02d", y, m-1), nil
	}
}
