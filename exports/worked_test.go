package exports

import (
	"sanlv/fixtures/fixturetest"

	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"sanlv/fixtures"
	"sanlv/scoring"
)

var workedDir = fixturetest.WorkedDir()

// worked is the worked example read under one policy.
type worked struct {
	policy *scoring.Policy
	dir    *scoring.Directory
	rows   []scoring.Assignment
	phones []string // raw caller phones, to check that no export shows one
}

// loadWorked reads units.csv and tickets.csv of the worked example with encoding/csv.
func loadWorked(t testing.TB, policy string) *worked {
	t.Helper()
	p, err := fixtures.Policy(policy)
	if err != nil {
		t.Fatal(err)
	}
	w := &worked{policy: p}
	var units []scoring.Unit
	for _, r := range readCSV(t, "units.csv") {
		pop, _ := strconv.ParseInt(r["population"], 10, 64)
		units = append(units, scoring.Unit{Code: r["code"], Name: r["name"], Group: r["group"], Parent: r["parent"], Population: pop})
	}
	if w.dir, err = scoring.NewDirectory(units); err != nil {
		t.Fatal(err)
	}
	for i, r := range readCSV(t, "tickets.csv") {
		w.rows = append(w.rows, parseTicket(t, i+2, r, w.dir, p.Loc))
		if r["caller_phone"] != "" {
			w.phones = append(w.phones, r["caller_phone"])
		}
	}
	return w
}

func readCSV(t testing.TB, name string) []map[string]string {
	t.Helper()
	f, err := os.Open(filepath.Join(workedDir, name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var out []map[string]string
	for _, rec := range recs[1:] {
		m := map[string]string{}
		for i, h := range recs[0] {
			m[h] = rec[i]
		}
		out = append(out, m)
	}
	return out
}

// parseTicket turns one tickets.csv row into an assignment; any bad cell fails the test.
func parseTicket(t testing.TB, line int, r map[string]string, dir *scoring.Directory, loc *time.Location) scoring.Assignment {
	t.Helper()
	must := func(col string, err error) {
		if err != nil {
			t.Fatalf("tickets.csv line %d, %s: %v", line, col, err)
		}
	}
	stamp := func(col string) int64 {
		s := r[col]
		if s == "" {
			return 0
		}
		for _, layout := range []string{"2006-01-02 15:04:05", "2006-01-02 15:04", "2006/1/2 15:04"} {
			if tm, err := time.ParseInLocation(layout, s, loc); err == nil {
				return tm.Unix()
			}
		}
		t.Fatalf("tickets.csv line %d, %s: bad datetime %q", line, col, s)
		return 0
	}
	flag := func(col string) bool {
		v, err := scoring.ParseTri(r[col])
		must(col, err)
		return v == scoring.Yes
	}
	unit, ok := dir.Lookup(r["unit"])
	if !ok {
		t.Fatalf("tickets.csv line %d: unknown unit %q", line, r["unit"])
	}
	a := scoring.Assignment{TicketID: r["ticket_id"], Unit: unit, Category: r["category"], ExcludeReason: r["exclude_reason"],
		CallerPhone: r["caller_phone"], Received: stamp("received_at"), Dispatched: stamp("dispatched_at"),
		ContactAt: stamp("contacted_at"), Closed: stamp("closed_at"), Due: stamp("due_at"),
		CallbackValid: flag("callback_valid"), Supervised: flag("supervised"), IncompleteMaterials: flag("incomplete_materials"),
		OpinionIncident: flag("opinion_incident"), Excluded: flag("excluded")}
	var err error
	a.Role, err = scoring.ParseRole(r["role"])
	must("role", err)
	a.Kind, err = scoring.ParseKind(r["kind"])
	must("kind", err)
	a.Urgency, err = scoring.ParseUrgency(r["urgency"])
	must("urgency", err)
	a.Resolution, err = scoring.ParseResolution(r["resolved"])
	must("resolved", err)
	a.Satisfaction, err = scoring.ParseSatisfaction(r["satisfaction"])
	must("satisfaction", err)
	a.Contacted, err = scoring.ParseTri(r["contacted"])
	must("contacted", err)
	if s := r["redispatches"]; s != "" {
		n, err := strconv.Atoi(s)
		must("redispatches", err)
		a.Redispatches = int32(n)
	}
	return a
}

// book scores the worked rows over the given periods.
func (w *worked) book(t testing.TB, ids ...string) *scoring.Book {
	t.Helper()
	var ps []scoring.Period
	for _, id := range ids {
		p, err := scoring.ParsePeriod(id, w.policy.StartDay, w.policy.Loc)
		if err != nil {
			t.Fatal(err)
		}
		ps = append(ps, p)
	}
	b, err := scoring.NewBook(w.policy, w.dir, ps)
	if err != nil {
		t.Fatal(err)
	}
	for i := range w.rows {
		if err := b.Add(&w.rows[i]); err != nil {
			t.Fatal(err)
		}
	}
	return b
}

// expected reads the worked example's expected scorecards for a policy.
func expected(t testing.TB, policy string) scoring.Card {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(workedDir, "expected-"+policy+"-2025-10.json"))
	if err != nil {
		t.Fatal(err)
	}
	var c scoring.Card
	if err := json.Unmarshal(data, &c); err != nil {
		t.Fatal(err)
	}
	return c
}
