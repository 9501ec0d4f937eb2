package imports

import (
	"testing"
	"time"
)

func TestDatetimesParse(t *testing.T) {
	sh, _ := time.LoadLocation("Asia/Shanghai")
	ny, _ := time.LoadLocation("America/New_York")
	tests := []struct {
		in   string
		loc  *time.Location
		want time.Time
	}{
		{"2025-06-03 14:05", sh, time.Date(2025, 6, 3, 14, 5, 0, 0, sh)},
		{"2025-06-03 14:05:09", sh, time.Date(2025, 6, 3, 14, 5, 9, 0, sh)},
		{"2025/6/3 14:05", sh, time.Date(2025, 6, 3, 14, 5, 0, 0, sh)},
		{"2025/6/3 9:05:59", sh, time.Date(2025, 6, 3, 9, 5, 59, 0, sh)},
		{"2025/06/30 23:59", sh, time.Date(2025, 6, 30, 23, 59, 0, 0, sh)},
		{"2024-02-29 00:00", sh, time.Date(2024, 2, 29, 0, 0, 0, 0, sh)},
		{"2025-06-03T14:05:09+08:00", ny, time.Date(2025, 6, 3, 6, 5, 9, 0, time.UTC)},
		{"2025-06-03T14:05:09.999Z", sh, time.Date(2025, 6, 3, 14, 5, 9, 0, time.UTC)},
		{"2025-06-03T14:05:09-0500", sh, time.Date(2025, 6, 3, 19, 5, 9, 0, time.UTC)},
		{"2025-06-03T14:05", sh, time.Date(2025, 6, 3, 14, 5, 0, 0, sh)},
		{"2025-03-09 01:59:59", ny, time.Date(2025, 3, 9, 6, 59, 59, 0, time.UTC)}, // last second of EST
		{"2025-03-09 03:00", ny, time.Date(2025, 3, 9, 7, 0, 0, 0, time.UTC)},      // first minute of EDT
		{"2025-11-02 00:30", ny, time.Date(2025, 11, 2, 4, 30, 0, 0, time.UTC)},
		{"1999-12-31 23:59:59", sh, time.Date(1999, 12, 31, 23, 59, 59, 0, sh)},
	}
	for _, tt := range tests {
		c := newClock(tt.loc)
		for range 2 { // the second time from the day cache
			got, ok := c.parseDatetime([]byte(tt.in))
			if !ok || got != tt.want.Unix() {
				t.Errorf("%s in %s = %v, %v; want %v", tt.in, tt.loc, time.Unix(got, 0).In(tt.loc), ok, tt.want)
			}
		}
	}
	for _, bad := range []string{"", "2025-06-03", "2025-6-3", "2025-06-31 10:00", "2025-02-29 10:00", "2025-06-03 24:00",
		"2025-06-03 14:60", "2025-06-03 14:05:60", "2025-06-03 14:5", "2025-06/03 14:05", "25-06-03 14:05", "2025-06-03 14:05 ",
		"2025-06-03T14:05:09+8", "2025-06-03T14:05:09+08:00x", "2025-06-03 14:05:09.", "03/14/2025 09:05:00 PM", "45935.5"} {
		if got, ok := newClock(sh).parseDatetime([]byte(bad)); ok {
			t.Errorf("%q parsed as %v", bad, time.Unix(got, 0).In(sh))
		}
	}
}

func TestExcelSerialsRoundToTheSecond(t *testing.T) {
	sh, _ := time.LoadLocation("Asia/Shanghai")
	tests := []struct {
		in       string
		date1904 bool
		want     time.Time
	}{
		{"45935.00972222222", false, time.Date(2025, 10, 5, 0, 14, 0, 0, sh)}, // from tickets-zh.xlsx
		{"45934.91666666666", false, time.Date(2025, 10, 4, 22, 0, 0, 0, sh)},
		{"45935", false, time.Date(2025, 10, 5, 0, 0, 0, 0, sh)},
		{"45935.500005", false, time.Date(2025, 10, 5, 12, 0, 0, 0, sh)},     // 0.43 s rounds down
		{"45935.500006", false, time.Date(2025, 10, 5, 12, 0, 1, 0, sh)},     // 0.52 s rounds up
		{"45935.99999999", false, time.Date(2025, 10, 6, 0, 0, 0, 0, sh)},    // rounds into the next day
		{"61", false, time.Date(1900, 3, 1, 0, 0, 0, 0, sh)},                 // after the 1900 leap-year bug
		{"44473.00972222222", true, time.Date(2025, 10, 5, 0, 14, 0, 0, sh)}, // 1904 date system
	}
	c := newClock(sh)
	for _, tt := range tests {
		got, ok := c.parseSerial([]byte(tt.in), tt.date1904)
		if !ok || got != tt.want.Unix() {
			t.Errorf("%s = %v, %v; want %v", tt.in, time.Unix(got, 0).In(sh), ok, tt.want)
		}
	}
	for _, bad := range []string{"60", "0", "2958466", "1e5"} {
		if _, ok := c.parseSerial([]byte(bad), false); ok && bad != "1e5" {
			t.Errorf("%s accepted", bad)
		}
	}
}

func TestCivilDaysRoundTrip(t *testing.T) {
	for d := int64(-800000); d < 800000; d += 7 {
		y, m, dd := civil(d)
		if daysFrom(y, m, dd) != d {
			t.Fatalf("civil(%d) = %d-%d-%d, back %d", d, y, m, dd, daysFrom(y, m, dd))
		}
		want := time.Unix(d*86400, 0).UTC()
		if want.Year() != y || int(want.Month()) != m || want.Day() != dd {
			t.Fatalf("civil(%d) = %d-%d-%d, want %v", d, y, m, dd, want)
		}
	}
}

// TestCanonicalAgreesWithTheGeneralParser checks the word-at-a-time parser on mutations of a datetime.
func TestCanonicalAgreesWithTheGeneralParser(t *testing.T) {
	sh, _ := time.LoadLocation("Asia/Shanghai")
	alphabet := []byte("0123456789-/: T\x00\x7F\x80\xFF/9")
	for _, base := range []string{"2025-06-03 14:05:09", "2024-02-29 23:59", "1999-12-31 00:00:00"} {
		if _, _, _, _, ok := canonical([]byte(base)); !ok {
			t.Errorf("canonical(%q) failed", base)
		}
		for i := range len(base) {
			for _, c := range alphabet {
				in := []byte(base)
				in[i] = c
				y, mo, d, sec, ok := canonical(in)
				if !ok {
					continue
				}
				want, err := time.ParseInLocation("2006-01-02 15:04:05", string(in)+":00"[:max(0, 19-len(in))], sh)
				got := time.Date(y, time.Month(mo), d, 0, 0, int(sec), 0, sh)
				if err != nil || !got.Equal(want) {
					t.Errorf("canonical(%q) = %v, time.Parse says %v, %v", in, got, want, err)
				}
			}
		}
	}
}
