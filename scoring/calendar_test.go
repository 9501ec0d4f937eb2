package scoring_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"sanlv/fixtures"
	"sanlv/scoring"
)

var shanghai, _ = time.LoadLocation("Asia/Shanghai")

func at(s string) int64 {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, shanghai)
	if err != nil {
		panic(err)
	}
	return t.Unix()
}

func workdays(t *testing.T, names ...string) *scoring.Workdays {
	t.Helper()
	var cals []*scoring.Calendar
	for _, n := range names {
		c, err := fixtures.Calendar(n)
		if err != nil {
			t.Fatal(err)
		}
		cals = append(cals, c)
	}
	w, err := scoring.NewWorkdays(shanghai, cals)
	if err != nil {
		t.Fatal(err)
	}
	return w
}

func TestWorkingDayDeadlines(t *testing.T) {
	w := workdays(t, "cn-2024", "cn-2025", "cn-2026")
	tests := []struct {
		name  string
		start string
		n     int
		want  string
	}{
		{"spec example crosses National Day with two make-up days", "2025-09-26 10:00", 7, "2025-10-14 00:00"},
		{"make-up Sunday 09-28 is the first working day", "2025-09-26 10:00", 1, "2025-09-29 00:00"},
		{"make-up Saturday 10-11 counts", "2025-10-10 09:00", 1, "2025-10-12 00:00"},
		{"start on a holiday counts from the next working day", "2025-10-03 12:00", 1, "2025-10-10 00:00"},
		{"start day itself is never counted", "2025-10-13 00:00", 1, "2025-10-15 00:00"},
		{"crosses 2025 into 2026 over New Year", "2025-12-30 15:00", 3, "2026-01-06 00:00"},
		{"2026-02-14 make-up Saturday before Spring Festival", "2026-02-13 09:00", 1, "2026-02-15 00:00"},
		{"Spring Festival 2026 is skipped whole", "2026-02-14 09:00", 1, "2026-02-25 00:00"},
		{"weekend is skipped", "2025-11-14 18:00", 1, "2025-11-18 00:00"},
		{"crosses 2024 into 2025", "2024-12-31 10:00", 1, "2025-01-03 00:00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := w.AddWorkdays(at(tt.start), tt.n)
			if err != nil {
				t.Fatal(err)
			}
			if want := at(tt.want); got != want {
				t.Errorf("got %s, want %s", time.Unix(got, 0).In(shanghai).Format("2006-01-02 15:04"), tt.want)
			}
		})
	}
}

func TestWorkingDayDeadlineWithoutCalendarIsAnError(t *testing.T) {
	w := workdays(t, "cn-2025")
	tests := []struct {
		name, start, wantErr string
		n                    int
	}{
		{"deadline reaches 2026", "2025-12-30 10:00", "reaches 2026", 5},
		{"start in 2024", "2024-06-03 10:00", "no working-day calendar for 2024", 1},
		{"start two days before the first calendar day", "2024-12-30 10:00", "no working-day calendar for 2024", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := w.AddWorkdays(at(tt.start), tt.n)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("err = %v, want %q", err, tt.wantErr)
			}
		})
	}
}

func TestDeadlineStartingOnTheEveOfTheFirstCalendarNeedsNoEarlierCalendar(t *testing.T) {
	w := workdays(t, "cn-2025", "cn-2026")
	// 2025-01-01 is a holiday; 01-02 and 01-03 are the two working days after the start day.
	got, err := w.AddWorkdays(at("2024-12-31 16:00"), 2)
	if err != nil {
		t.Fatal(err)
	}
	if want := at("2025-01-04 00:00"); got != want {
		t.Errorf("got %s, want 2025-01-04 00:00", time.Unix(got, 0).In(shanghai).Format("2006-01-02 15:04"))
	}
}

func TestCalendarsMustBeConsecutiveYears(t *testing.T) {
	a, _ := fixtures.Calendar("cn-2024")
	b, _ := fixtures.Calendar("cn-2026")
	if _, err := scoring.NewWorkdays(shanghai, []*scoring.Calendar{a, b}); err == nil || !strings.Contains(err.Error(), "no calendar for 2025") {
		t.Fatalf("err = %v", err)
	}
}

func TestPeriods(t *testing.T) {
	tests := []struct {
		id         string
		startDay   int
		start, end string
	}{
		{"2025-06", 19, "2025-05-19 00:00", "2025-06-19 00:00"},
		{"2025-01", 19, "2024-12-19 00:00", "2025-01-19 00:00"},
		{"2025-10", 1, "2025-10-01 00:00", "2025-11-01 00:00"},
		{"2025-12", 1, "2025-12-01 00:00", "2026-01-01 00:00"},
		{"2025-Q2", 1, "2025-04-01 00:00", "2025-07-01 00:00"},
		{"2025-Q1", 19, "2024-12-19 00:00", "2025-03-19 00:00"},
		{"2025", 1, "2025-01-01 00:00", "2026-01-01 00:00"},
		{"2025", 19, "2024-12-19 00:00", "2025-12-19 00:00"},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s from day %d", tt.id, tt.startDay), func(t *testing.T) {
			p, err := scoring.ParsePeriod(tt.id, tt.startDay, shanghai)
			if err != nil {
				t.Fatal(err)
			}
			if p.Start != at(tt.start) || p.End != at(tt.end) {
				t.Errorf("got [%s, %s)", time.Unix(p.Start, 0).In(shanghai), time.Unix(p.End, 0).In(shanghai))
			}
		})
	}
	for _, bad := range []string{"2025-13", "2025-00", "2025-Q5", "25-01", "2025-1", "", "abcd"} {
		if _, err := scoring.ParsePeriod(bad, 1, shanghai); err == nil {
			t.Errorf("period %q: want an error", bad)
		}
	}
	ms, _ := scoring.Months("2025", 19, shanghai)
	if len(ms) != 12 || ms[0].ID != "2025-01" || ms[11].ID != "2025-12" || ms[0].End != ms[1].Start {
		t.Errorf("months of 2025: %+v", ms)
	}
}

func TestParseCalendarReportsEveryProblemWithKeyPathAndLine(t *testing.T) {
	for _, c := range []struct {
		name, text string
		want       []string // substrings of the error; none: the calendar is valid
	}{
		{"a US calendar: holidays, no make-up days key", "name: us-2027\nyear: 2027\nholidays:\n  - 2027-01-01\n  - 2027-11-25\n", nil},
		{"a make-up day on a Sunday", "name: cn-2027\nyear: 2027\nholidays: [2027-02-06..2027-02-12]\nworkdays: [2027-02-14]\n", nil},
		{"a reversed range", "name: cn-2027\nyear: 2027\nholidays: [2027-02-12..2027-02-06]\n", []string{"holidays[0]", "line 3", "ends before it starts"}},
		{"a range crossing the year", "name: cn-2027\nyear: 2027\nholidays:\n  - 2027-12-31..2028-01-01\n", []string{"holidays[0]", "line 4", "2028-01-01 is outside year 2027"}},
		{"a make-up day that is a holiday", "name: cn-2027\nyear: 2027\nholidays: [2027-01-02]\nworkdays: [2027-01-02]\n", []string{"workdays[0]", "also in holidays[0]"}},
		{"a make-up day given twice", "name: cn-2027\nyear: 2027\nworkdays:\n  - 2027-02-14\n  - 2027-02-14\n", []string{"workdays[1]", "line 5", "also in workdays[0]"}},
		{"a repeated key", "name: cn-2027\nyear: 2027\nyear: 2028\n", []string{"year: line 3", "first at line 2"}},
		{"a year that is not a number", "name: cn-2027\nyear: twenty\n", []string{"year: line 2", `"twenty"`}},
		{"holidays that are a mapping", "name: cn-2027\nyear: 2027\nholidays: {a: 1}\n", []string{"holidays: line 3", "list of dates"}},
		{"no name", "year: 2027\nholidays: []\n", []string{"name: line 1", "required"}},
		{"a tab", "name: cn-2027\nyear: 2027\nholidays:\n\t- 2027-01-01\n", []string{"line 4", "tab"}},
		{"an empty file", "# nothing yet\n", []string{"empty file"}},
		{"several problems at once", "name: cn-2027\nyear: 2027\nholidays: [2027-01-01, 2027-01-01]\nworkdays: [2027-01-05]\n", []string{"holidays[1]", "workdays[0]", "Tuesday"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := scoring.ParseCalendar([]byte(c.text))
			if len(c.want) == 0 {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil {
				t.Fatal("accepted")
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("%q: want %q", err, w)
				}
			}
			if strings.Contains(err.Error(), "calendarFile") || strings.Contains(err.Error(), "!!") {
				t.Errorf("names a Go or YAML type: %q", err)
			}
		})
	}
}
