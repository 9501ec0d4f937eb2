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

func TestScoringAYearEndThroughTheAPIAsksForTheMissingCalendarThenUsesTheUploadedOne(t *testing.T) {
	units := "code,name,group,parent,population\nS01,城关街道,street,,52000\n"
	// 7 working days from Monday 2026-12-28 reach 2027; with 1–3 January as holidays they end on 2027-01-07.
	tickets := "ticket_id,unit,role,received_at,dispatched_at,contacted_at,closed_at,due_at,kind,urgency,category,redispatches,callback_valid,contacted,resolved,satisfaction\n" +
		"K2,S01,lead,2026-12-28 09:00,2026-12-28 10:00,2026-12-28 11:00,2026-12-31 10:00,,complaint,normal,供水/停水,0,true,1,resolved,satisfied\n" +
		"K3,S01,lead,2026-12-28 09:00,2026-12-28 10:00,2026-12-28 11:00,2027-01-07 12:00,,complaint,normal,供水/停水,0,true,1,resolved,satisfied\n"
	base := strings.Replace(string(readFile(t, "../fixtures/policies/district-2025.yaml")), "start_day: 19", "start_day: 1", 1)
	only2026 := strings.Replace(base, "calendar: [cn-2025, cn-2026]", "calendar: [cn-2026]", 1)
	with2027 := strings.NewReplacer("calendar: [cn-2025, cn-2026]", "calendar: [cn-2026, cn-2027]", `version: "2025.1"`, `version: "2027.1"`).Replace(base)
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		e.upload("/api/v1/imports/units", "admin", [3]string{"file", "units.csv", units}).want(t, 201)
		e.upload("/api/v1/imports/tickets", "admin", [3]string{"file", "tickets.csv", tickets}).want(t, 201)
		activate := func(yaml string) {
			rec := e.do("POST", "/api/v1/policies", "admin", strings.NewReader(yaml), "application/yaml").want(t, 201).json(t)
			e.do("POST", "/api/v1/policies/"+jsonNum(rec["id"])+"/activate", "admin", nil, "").want(t, 200)
		}
		activate(only2026)
		r := e.get("/api/v1/periods/2026-12/scorecards", "admin")
		if r.status < 400 || r.status >= 500 || !strings.Contains(string(r.body), "K2") || !strings.Contains(string(r.body), "POST /api/v1/calendars") {
			t.Errorf("a deadline in 2027 without its calendar: %d %s; want a 4xx naming the ticket and how to add the calendar", r.status, r.body)
		}
		e.do("POST", "/api/v1/calendars", "admin", strings.NewReader(cn2027), "application/yaml").want(t, 201)
		activate(with2027)
		for _, c := range []struct {
			period string
			num    float64
		}{{"2026-12", 1}, {"2027-01", 1}} {
			card := e.get("/api/v1/periods/"+c.period+"/scorecards/S01", "admin").want(t, 200).json(t)
			onTime := card["unit"].(map[string]any)["rates"].(map[string]any)["on_time"].(map[string]any)
			if onTime["num"] != c.num || onTime["den"] != 1.0 {
				t.Errorf("%s: on time %v/%v, want %v/1", c.period, onTime["num"], onTime["den"], c.num)
			}
		}
	})
}

const cn2027 = "name: cn-2027\nyear: 2027\nholidays:\n  - 2027-01-01..2027-01-03\nworkdays: []\n"
