package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sanlv/store/storetest"
)

// yearEndUnits and yearEndTickets are a December 2026 whose working-day deadlines reach 2027.
const yearEndUnits = "code,name,group,parent,population\nS01,城关街道,street,,52000\nS02,东湖街道,street,,38000\n"

const yearEndTickets = "ticket_id,unit,role,received_at,dispatched_at,contacted_at,closed_at,due_at,kind,urgency,category,redispatches,callback_valid,contacted,resolved,satisfaction\n" +
	// 7 working days from Monday 2026-12-28 end on 2027-01-07 when 1–3 January are holidays, else on 2027-01-06.
	"K1,S01,lead,2026-12-28 09:00,2026-12-28 10:00,2026-12-28 11:00,2027-01-07 12:00,,complaint,normal,供水/停水,0,true,1,resolved,satisfied\n" +
	"K2,S02,lead,2026-12-28 09:00,2026-12-28 10:00,2026-12-28 11:00,2026-12-31 10:00,,complaint,normal,供水/停水,0,true,1,resolved,satisfied\n"

const cn2027 = "name: cn-2027\nyear: 2027\nholidays:\n  - 2027-01-01..2027-01-03   # 元旦\nworkdays: []\n"

// yearEndFiles writes the units, the tickets, cn-2027.yaml in its own directory, and two policies:
// one naming cn-2026 only, one naming cn-2026 and cn-2027, both with calendar-month periods.
func yearEndFiles(t *testing.T) (dir string) {
	t.Helper()
	dir = t.TempDir()
	policy, err := os.ReadFile("../../fixtures/policies/district-2025.yaml")
	if err != nil {
		t.Fatal(err)
	}
	p := strings.Replace(string(policy), "start_day: 19", "start_day: 1", 1)
	files := map[string]string{
		"units.csv":         yearEndUnits,
		"tickets.csv":       yearEndTickets,
		"cals/cn-2027.yaml": cn2027,
		"only-2026.yaml":    strings.Replace(p, "calendar: [cn-2025, cn-2026]", "calendar: [cn-2026]", 1),
		"with-2027.yaml":    strings.Replace(p, "calendar: [cn-2025, cn-2026]", "calendar: [cn-2026, cn-2027]", 1),
	}
	os.Mkdir(filepath.Join(dir, "cals"), 0o755)
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// onTime returns the on-time rate's numerator and denominator of a unit in score's JSON.
func onTime(t *testing.T, out, unit string) (num, den float64) {
	t.Helper()
	return rate(t, out, unit, "on_time")
}

// rate returns a rate's numerator and denominator of a unit in score's JSON.
func rate(t *testing.T, out, unit, name string) (num, den float64) {
	t.Helper()
	var got struct {
		Units []struct {
			Code  string `json:"code"`
			Rates map[string]struct {
				Num float64 `json:"num"`
				Den float64 `json:"den"`
			} `json:"rates"`
		} `json:"units"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("%v: %.300s", err, out)
	}
	for _, u := range got.Units {
		if u.Code == unit {
			return u.Rates[name].Num, u.Rates[name].Den
		}
	}
	t.Fatalf("no unit %s in %.300s", unit, out)
	return 0, 0
}

func TestADeadlineReachingAYearWithoutCalendarNamesTheTicketRowAndCommand(t *testing.T) {
	dir := yearEndFiles(t)
	_, stderr, err := run(t, "score", "--units", dir+"/units.csv", "--tickets", dir+"/tickets.csv", "--policy", dir+"/only-2026.yaml", "--period", "2026-12")
	for _, want := range []string{"tickets.csv:3", "ticket K2", "reaches 2027", "sanlv calendar import cn-2027.yaml", "--calendars DIR"} {
		if err == nil || !strings.Contains(stderr+err.Error(), want) {
			t.Errorf("error %v, stderr %q: want %q", err, stderr, want)
		}
	}
	_, stderr, err = run(t, "score", "--units", dir+"/units.csv", "--tickets", dir+"/tickets.csv", "--policy", dir+"/with-2027.yaml", "--period", "2027-01")
	if err == nil || !strings.Contains(err.Error(), "calendar import cn-2027.yaml") || strings.Count(stderr+err.Error(), "cn-2027\" not found") != 1 {
		t.Errorf("a policy naming a calendar nobody has: error %v, stderr %q; want it once, with the command that adds it", err, stderr)
	}
}

func TestCalendarsDirectoryAddsACalendarWhenScoringFiles(t *testing.T) {
	dir := yearEndFiles(t)
	out, stderr, err := run(t, "score", "--units", dir+"/units.csv", "--tickets", dir+"/tickets.csv", "--policy", dir+"/with-2027.yaml",
		"--calendars", dir+"/cals", "--period", "2027-01", "--format", "json")
	if err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	if num, den := onTime(t, out, "S01"); num != 1 || den != 1 {
		t.Errorf("K1 closed on 2027-01-07, its deadline under cn-2027: on time %v/%v, want 1/1", num, den)
	}
}

func TestScoringTheDatabaseWithAPolicyFileUsesTheImportedCalendars(t *testing.T) {
	dir := yearEndFiles(t)
	storetest.EachDatabase(t, func(t *testing.T, dsn string) {
		for _, step := range [][]string{
			{"import", "units", dir + "/units.csv", "--db", dsn},
			{"import", "tickets", dir + "/tickets.csv", "--db", dsn},
		} {
			if out, stderr, err := run(t, step...); err != nil {
				t.Fatalf("%v: %v\n%s%s", step, err, out, stderr)
			}
		}
		_, stderr, err := run(t, "score", "--db", dsn, "--policy", dir+"/only-2026.yaml", "--period", "2026-12")
		if err == nil || !strings.Contains(stderr+err.Error(), "ticket K2") || !strings.Contains(stderr+err.Error(), "sanlv calendar import cn-2027.yaml") {
			t.Errorf("no 2027 calendar: error %v, stderr %q; want the ticket and the command", err, stderr)
		}
		if _, stderr, err := run(t, "calendar", "import", dir+"/cals/cn-2027.yaml", "--db", dsn); err != nil {
			t.Fatalf("%v\n%s", err, stderr)
		}
		for _, policy := range []string{dir + "/with-2027.yaml"} {
			out, stderr, err := run(t, "score", "--db", dsn, "--policy", policy, "--period", "2027-01", "--format", "json")
			if err != nil {
				t.Fatalf("%s: %v\n%s", policy, err, stderr)
			}
			if num, den := onTime(t, out, "S01"); num != 1 || den != 1 {
				t.Errorf("%s: K1 closed on 2027-01-07, its deadline under the imported cn-2027: on time %v/%v, want 1/1", policy, num, den)
			}
		}
	})
}

func TestAUSCalendarCountsWeekendsAndListedHolidays(t *testing.T) {
	dir := t.TempDir()
	policy, err := os.ReadFile("../../fixtures/policies/district-2025.yaml")
	if err != nil {
		t.Fatal(err)
	}
	p := strings.NewReplacer("start_day: 19", "start_day: 1", "calendar: [cn-2025, cn-2026]", "calendar: [us-2026]",
		"timezone: Asia/Shanghai", "timezone: America/New_York", "normal: 7wd", "normal: 2wd").Replace(string(policy))
	tickets := "ticket_id,unit,role,received_at,dispatched_at,contacted_at,closed_at,due_at,kind,urgency,category,redispatches,callback_valid,contacted,resolved,satisfaction\n" +
		// From Wednesday 2026-11-25: Thanksgiving (26th) is a holiday, then Friday and Monday: due at the end of the 30th.
		"U1,S01,lead,2026-11-25 09:00,2026-11-25 10:00,2026-11-25 11:00,2026-11-30 16:00,,complaint,normal,noise,0,true,1,resolved,satisfied\n" +
		// From Wednesday 2026-11-18: Thursday and Friday: due at the end of the 20th, closed on Monday the 23rd.
		"U2,S01,lead,2026-11-18 09:00,2026-11-18 10:00,2026-11-18 11:00,2026-11-23 09:00,,complaint,normal,noise,0,true,1,resolved,satisfied\n"
	for name, text := range map[string]string{"units.csv": yearEndUnits, "tickets.csv": tickets, "us.yaml": p} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out, stderr, err := run(t, "score", "--units", dir+"/units.csv", "--tickets", dir+"/tickets.csv", "--policy", dir+"/us.yaml", "--period", "2026-11", "--format", "json")
	if err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	if num, den := onTime(t, out, "S01"); num != 1 || den != 2 {
		t.Errorf("on time %v/%v, want 1/2 (U1 on time over Thanksgiving, U2 late)", num, den)
	}
}

func TestPolicyCheckFindsTheCalendarsOfADirectoryOrADatabase(t *testing.T) {
	dir := yearEndFiles(t)
	storetest.EachDatabase(t, func(t *testing.T, dsn string) {
		if _, stderr, err := run(t, "calendar", "import", dir+"/cals/cn-2027.yaml", "--db", dsn); err != nil {
			t.Fatalf("%v\n%s", err, stderr)
		}
		for _, c := range []struct {
			name  string
			args  []string
			valid bool
		}{
			{"shipped calendars only", nil, false},
			{"a calendars directory", []string{"--calendars", dir + "/cals"}, true},
			{"the calendars stored in the database", []string{"--db", dsn}, true},
		} {
			out, stderr, err := run(t, append([]string{"policy", "check", dir + "/with-2027.yaml"}, c.args...)...)
			if valid := err == nil && strings.Contains(out, "ok"); valid != c.valid {
				t.Errorf("%s: valid %v, want %v (%v, %s%s)", c.name, valid, c.valid, err, out, stderr)
			}
		}
	})
}
