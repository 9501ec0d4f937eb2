package scoring_test

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"sanlv/fixtures"
	"sanlv/fixtures/fixturetest"
	"sanlv/scoring"
)

// readCSV reads a CSV file with a header into maps by column name.
func readCSV(t *testing.T, path string) []map[string]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var out []map[string]string
	for _, r := range recs[1:] {
		m := map[string]string{}
		for i, h := range recs[0] {
			m[h] = strings.TrimSpace(r[i])
		}
		out = append(out, m)
	}
	return out
}

// v2 is the second edition's worked example, read by a small test-only loader.
type v2 struct {
	dir  *scoring.Directory
	rows []scoring.Assignment
	adjs []scoring.Adjustment
	path string
}

func loadV2(t *testing.T) *v2 {
	t.Helper()
	path := fixturetest.NeedV2(t)
	w := &v2{path: path}
	var us []scoring.Unit
	for _, r := range readCSV(t, filepath.Join(path, "units.csv")) {
		pop, _ := strconv.ParseInt(r["population"], 10, 64)
		us = append(us, scoring.Unit{Code: r["code"], Name: r["name"], Group: r["group"], Parent: r["parent"], Population: pop})
	}
	var err error
	if w.dir, err = scoring.NewDirectory(us); err != nil {
		t.Fatal(err)
	}
	loc, _ := time.LoadLocation("Asia/Shanghai")
	for i, r := range readCSV(t, filepath.Join(path, "tickets.csv")) {
		fail := func(col string, err error) {
			t.Fatalf("tickets.csv row %d, %s: %v", i+2, col, err)
		}
		stamp := func(col string) int64 {
			v := r[col]
			if v == "" {
				return 0
			}
			for _, layout := range []string{"2006-01-02 15:04:05", "2006-01-02 15:04", "2006/1/2 15:04", "2006/1/2 15:04:05"} {
				if tm, err := time.ParseInLocation(layout, v, loc); err == nil {
					return tm.Unix()
				}
			}
			fail(col, strconv.ErrSyntax)
			return 0
		}
		tri := func(col string) scoring.Tri {
			v, err := scoring.ParseTri(r[col])
			if err != nil {
				fail(col, err)
			}
			return v
		}
		a := scoring.Assignment{TicketID: r["ticket_id"], Received: stamp("received_at"), Dispatched: stamp("dispatched_at"),
			Accepted: stamp("accepted_at"), ContactAt: stamp("contacted_at"), Closed: stamp("closed_at"), Due: stamp("due_at"),
			ExtendedDue: stamp("extended_due_at"), Returned: stamp("returned_at"), Category: r["category"],
			CallbackValid: tri("callback_valid") == scoring.Yes, Contacted: tri("contacted"), Supervised: tri("supervised") == scoring.Yes,
			IncompleteMaterials: tri("incomplete_materials") == scoring.Yes, OpinionIncident: tri("opinion_incident") == scoring.Yes,
			Excluded: tri("excluded") == scoring.Yes, ExcludeReason: r["exclude_reason"], DuplicateOf: r["duplicate_of"],
			Channel: r["channel"], Hotline: r["hotline"], CallerPhone: r["caller_phone"]}
		u, ok := w.dir.Lookup(r["unit"])
		if !ok {
			fail("unit", os.ErrNotExist)
		}
		a.Unit = u
		if a.Role, err = scoring.ParseRole(r["role"]); err != nil {
			fail("role", err)
		}
		if a.Kind, err = scoring.ParseKind(r["kind"]); err != nil {
			fail("kind", err)
		}
		if a.Urgency, err = scoring.ParseUrgency(r["urgency"]); err != nil {
			fail("urgency", err)
		}
		if a.Resolution, err = scoring.ParseResolution(r["resolved"]); err != nil {
			fail("resolved", err)
		}
		if a.Satisfaction, err = scoring.ParseSatisfaction(r["satisfaction"]); err != nil {
			fail("satisfaction", err)
		}
		if a.Return, err = scoring.ParseReturnStatus(r["return_status"]); err != nil {
			fail("return_status", err)
		}
		if n, err := strconv.Atoi(r["redispatches"]); err == nil {
			a.Redispatches = int32(n)
		}
		w.rows = append(w.rows, a)
	}
	for _, r := range readCSV(t, filepath.Join(path, "adjustments.csv")) {
		pts, err := strconv.ParseFloat(r["points"], 64)
		if err != nil {
			t.Fatal(err)
		}
		w.adjs = append(w.adjs, scoring.Adjustment{Unit: r["unit"], Period: r["period"], Label: r["label"], Points: pts, Reason: r["reason"]})
	}
	return w
}

func (w *v2) policy(t *testing.T, name string) *scoring.Policy {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(w.path, name+".yaml"))
	if err != nil {
		t.Fatal(err)
	}
	p, err := scoring.ParsePolicy(data, fixtures.Calendar)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// book scores the rows split over parts merged books, each fed every parts-th row.
func (w *v2) book(t *testing.T, p *scoring.Policy, rows []scoring.Assignment, parts int) *scoring.Book {
	t.Helper()
	per, err := scoring.ParsePeriod("2025-10", p.StartDay, p.Loc)
	if err != nil {
		t.Fatal(err)
	}
	books := make([]*scoring.Book, parts)
	for i := range books {
		if books[i], err = scoring.NewBook(p, w.dir, []scoring.Period{per}); err != nil {
			t.Fatal(err)
		}
	}
	for i := range rows {
		if err := books[i%parts].Add(&rows[i]); err != nil {
			t.Fatal(err)
		}
	}
	if err := books[0].AddAdjustments(w.adjs); err != nil {
		t.Fatal(err)
	}
	for _, b := range books[1:] {
		if err := books[0].Merge(b); err != nil {
			t.Fatal(err)
		}
	}
	if err := books[0].Finish(); err != nil {
		t.Fatal(err)
	}
	return books[0]
}

func asJSON(t *testing.T, v any) any {
	t.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var out any
	if err := json.Unmarshal(data, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

func expectedV2(t *testing.T, path, policy string) any {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(path, "expected-"+policy+"-2025-10.json"))
	if err != nil {
		t.Fatal(err)
	}
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatal(err)
	}
	return v
}

func TestWorkedV2ReproducesTheExpectedCards(t *testing.T) {
	w := loadV2(t)
	for _, name := range []string{"policy-a", "policy-b"} {
		t.Run(name, func(t *testing.T) {
			p := w.policy(t, name)
			want := expectedV2(t, w.path, name)
			fixturetest.SameJSON(t, name, want, asJSON(t, w.book(t, p, w.rows, 1).Card(0)))
		})
	}
}

func TestWorkedV2IsTheSameShuffledAndSplit(t *testing.T) {
	w := loadV2(t)
	for _, name := range []string{"policy-a", "policy-b"} {
		p := w.policy(t, name)
		want := expectedV2(t, w.path, name)
		for seed := uint64(1); seed <= 3; seed++ {
			rows := append([]scoring.Assignment(nil), w.rows...)
			r := rand.New(rand.NewPCG(seed, 7))
			r.Shuffle(len(rows), func(i, j int) { rows[i], rows[j] = rows[j], rows[i] })
			fixturetest.SameJSON(t, fmt.Sprintf("%s shuffled %d, split %d", name, seed, seed), want, asJSON(t, w.book(t, p, rows, int(seed)).Card(0)))
		}
	}
}

// TestWorkedV2ExplanationsSumToTheScorecards checks, for every unit under both policies, that the
// lines' counts sum to every rate, their points to the points total, and that items, deductions and
// adjustments complete the final.
func TestWorkedV2ExplanationsSumToTheScorecards(t *testing.T) {
	w := loadV2(t)
	for _, name := range []string{"policy-a", "policy-b"} {
		p := w.policy(t, name)
		b := w.book(t, p, w.rows, 1)
		overdueOthers := 0
		defer func() {
			if name == "policy-a" && overdueOthers == 0 {
				t.Errorf("policy-a: no overdue-open row of another period is explained")
			}
		}()
		for u := int32(0); u < int32(w.dir.Len()); u++ {
			e, err := b.Explain(0, u, w.rows)
			if err != nil {
				t.Fatal(err)
			}
			s := e.Scorecard
			num, den, points := explanationSums(e)
			for _, l := range e.Others {
				if l.OverdueOpen {
					overdueOthers++
				}
			}
			if int64(len(e.Lines)) != s.Counts.Assignments {
				t.Errorf("%s %s: %d lines, %d assignments", name, s.Code, len(e.Lines), s.Counts.Assignments)
			}
			for n, r := range scorecardRates(s) {
				if math.Abs(num[n]-r.Num) > 1e-9 || math.Abs(den[n]-r.Den) > 1e-9 {
					t.Errorf("%s %s %s: lines sum to %v/%v, scorecard %v/%v", name, s.Code, n, num[n], den[n], r.Num, r.Den)
				}
			}
			if math.Abs(points-s.Points.Total) > 1e-9 {
				t.Errorf("%s %s: line points %v, scorecard %v", name, s.Code, points, s.Points.Total)
			}
			if s.Final == nil {
				continue
			}
			sc := p.SchemeOf(s.Group)
			final := sc.Base - 0
			if s.Composite != nil {
				final += *s.Composite
			}
			for _, it := range s.Items {
				final += *it.Points
			}
			for _, d := range s.Deductions {
				final -= d.Points
			}
			if sc.PointsFactor != 0 {
				final += sc.PointsFactor * points / s.Counts.Eligible
			}
			final = math.Max(sc.Min, math.Min(sc.Max, final+e.AdjustmentTotal))
			if math.Abs(final-*s.Final) > 1e-9 {
				t.Errorf("%s %s: explanation gives %v, final %v", name, s.Code, final, *s.Final)
			}
		}
	}
}
