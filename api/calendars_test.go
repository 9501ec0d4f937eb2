package api_test

import (
	"bytes"
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"

	"sanlv/store"
	"sanlv/store/storetest"
)

func TestCalendarUploadRefusesABadFileNamingTheProblem(t *testing.T) {
	gbk, err := simplifiedchinese.GBK.NewEncoder().String("name: cn-2027\nyear: 2027\nholidays:\n  - 2027-01-01  # 元旦\n")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, body, field, reason string
	}{
		{"a date given twice", "name: cn-2027\nyear: 2027\nholidays: [2027-01-01, 2027-01-01]\n", "holidays[1]", "also in holidays[0]"},
		{"overlapping ranges", "name: cn-2027\nyear: 2027\nholidays:\n  - 2027-02-06..2027-02-13\n  - 2027-02-12..2027-02-14\n", "holidays[1]", "2027-02-12 is also in holidays[0]"},
		{"a make-up day on a weekday", "name: cn-2027\nyear: 2027\nholidays: []\nworkdays: [2027-02-10]\n", "workdays[0]", "Wednesday"},
		{"a holiday of another year", "name: cn-2027\nyear: 2027\nholidays: [2026-12-31]\n", "holidays[0]", "outside year 2027"},
		{"a name of another year", "name: cn-2028\nyear: 2027\nholidays: []\n", "year", "of year 2028"},
		{"an unknown key", "name: cn-2027\nyear: 2027\nholiday: [2027-01-01]\n", "holiday", "unknown key"},
		{"a list, not a mapping", "- 2027-01-01\n", "(top level)", "want a mapping"},
		{"a GBK file", gbk, "", "UTF-8"},
	}
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				r := e.do("POST", "/api/v1/calendars", "admin", strings.NewReader(c.body), "application/yaml").want(t, 400)
				body := string(r.body)
				if !strings.Contains(body, c.reason) || (c.field != "" && !strings.Contains(body, `"field":"`+c.field+`"`)) {
					t.Errorf("answer %s: want field %q and %q", body, c.field, c.reason)
				}
				if strings.Contains(body, "scoring.") || strings.Contains(body, "calendarFile") {
					t.Errorf("answer names a Go type: %s", body)
				}
			})
		}
	})
}

func TestAPolicyNamingAnUploadedCalendarIsAcceptedOnceItIsStored(t *testing.T) {
	policy := readFile(t, "../fixtures/policies/district-2025.yaml")
	policy = bytes.Replace(policy, []byte("calendar: [cn-2025, cn-2026]"), []byte("calendar: [cn-2026, cn-2027]"), 1)
	policy = bytes.Replace(policy, []byte(`version: "2025.1"`), []byte(`version: "2027.1"`), 1)
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		r := e.do("POST", "/api/v1/policies", "admin", bytes.NewReader(policy), "application/yaml").want(t, 400)
		if !strings.Contains(string(r.body), "calendar import cn-2027.yaml") || !strings.Contains(string(r.body), "POST /api/v1/calendars") {
			t.Errorf("the refusal does not say how to add the calendar: %s", r.body)
		}
		cal := "name: cn-2027\nyear: 2027\nholidays: [2027-01-01..2027-01-03]\nworkdays: []\n"
		e.do("POST", "/api/v1/calendars", "admin", strings.NewReader(cal), "application/yaml").want(t, 201)
		e.do("POST", "/api/v1/policies", "admin", bytes.NewReader(policy), "application/yaml").want(t, 201)
	})
}
