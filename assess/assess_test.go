package assess_test

import (
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"testing"

	"sanlv/assess"
	"sanlv/fixtures"
	"sanlv/fixtures/fixturetest"
	"sanlv/imports"
	"sanlv/scoring"
)

// expectedUnits reads the worked example's expected scorecards of a policy: final score and points by unit code.
func expectedUnits(t *testing.T, dir, policy string) map[string]struct{ final, points float64 } {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, "expected-"+policy+"-2025-10.json"))
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Units []struct {
			Code   string   `json:"code"`
			Final  *float64 `json:"final"`
			Points struct {
				Total float64 `json:"total"`
			} `json:"points"`
		} `json:"units"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	out := map[string]struct{ final, points float64 }{}
	for _, u := range doc.Units {
		f := math.NaN()
		if u.Final != nil {
			f = *u.Final
		}
		out[u.Code] = struct{ final, points float64 }{f, u.Points.Total}
	}
	return out
}

// workedFiles is the worked example as a Files source that counts its reads of the tickets file.
func workedFiles(t *testing.T) (*assess.Files, *int) {
	dir := fixturetest.Need(t)
	reads := 0
	f := &assess.Files{Units: filepath.Join(dir, "units.csv"), Tickets: filepath.Join(dir, "tickets.csv"), Workers: 2,
		Notes: func(rep *imports.Report) {
			if rep.File == filepath.Join(dir, "tickets.csv") {
				reads++
			}
		}}
	return f, &reads
}

func policy(t *testing.T, name string) *scoring.Policy {
	t.Helper()
	p, err := fixtures.LoadPolicy(name)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestWhatIfScoresBothPoliciesInOneReadOfTheFiles(t *testing.T) {
	f, reads := workedFiles(t)
	w, sides, err := assess.WhatIf(context.Background(), f, policy(t, "district-2025"), policy(t, "county-threshold"), "2025-10")
	if err != nil {
		t.Fatal(err)
	}
	if *reads != 1 {
		t.Errorf("the tickets file was read %d times, want once", *reads)
	}
	if sides.AWindow.ID != "2025-10" || sides.BWindow.ID != "2025-10" {
		t.Errorf("windows %s and %s, want 2025-10", sides.AWindow.ID, sides.BWindow.ID)
	}
	a := expectedUnits(t, fixturetest.WorkedDir(), "district-2025")
	b := expectedUnits(t, fixturetest.WorkedDir(), "county-threshold")
	if len(w.Units) != len(a) {
		t.Fatalf("%d units, want %d", len(w.Units), len(a))
	}
	for _, u := range w.Units {
		for _, side := range []struct {
			got  *float64
			want float64
		}{{u.A.Final, a[u.Code].final}, {u.B.Final, b[u.Code].final}} {
			switch {
			case side.got == nil && !math.IsNaN(side.want), side.got != nil && math.Abs(*side.got-side.want) > 1e-9:
				t.Errorf("%s: final %v, want %v", u.Code, side.got, side.want)
			}
		}
	}
}

func TestDraftPointLinesAddUpToEachUnitsPoints(t *testing.T) {
	f, _ := workedFiles(t)
	bl, err := assess.Draft(context.Background(), f, policy(t, "district-2025"), "2025-10", "")
	if err != nil {
		t.Fatal(err)
	}
	want := expectedUnits(t, fixturetest.WorkedDir(), "district-2025")
	got := map[string]float64{}
	for _, l := range bl.Points {
		got[l.Unit] += l.Points
	}
	for code, w := range want {
		if math.Abs(got[code]-w.points) > 1e-9 {
			t.Errorf("%s: 扣分明细 adds up to %v, want %v", code, got[code], w.points)
		}
	}
	if bl.Previous == nil || bl.Reference != "2025年9月（按所给数据计算）" {
		t.Errorf("previous %v named %q, want September scored from the files", bl.Previous != nil, bl.Reference)
	}
	if len(bl.Categories) == 0 {
		t.Error("no category counts")
	}
}

func TestExplainAddsUpToTheUnitsPoints(t *testing.T) {
	f, _ := workedFiles(t)
	p := policy(t, "district-2025")
	per, err := scoring.ParsePeriod("2025-10", p.StartDay, p.Loc)
	if err != nil {
		t.Fatal(err)
	}
	b, err := assess.Book(context.Background(), f, p, []scoring.Period{per})
	if err != nil {
		t.Fatal(err)
	}
	for code, w := range expectedUnits(t, fixturetest.WorkedDir(), "district-2025") {
		e, err := assess.Explain(context.Background(), f, b, code)
		if err != nil {
			t.Fatal(err)
		}
		sum := 0.0
		for _, l := range append(e.Lines, e.Others...) {
			sum += l.PointsTotal
		}
		if math.Abs(sum-w.points) > 1e-9 {
			t.Errorf("%s: lines add up to %v, want %v", code, sum, w.points)
		}
	}
	if _, err := assess.Explain(context.Background(), f, b, "NOPE"); scoring.ErrorCode(err) != scoring.NotFound {
		t.Errorf("unknown unit: %v, want not found", err)
	}
}

func TestPickPrefersTheAskedThenTheLatestEditionUnlessAPolicyIsNamed(t *testing.T) {
	latest := func(context.Context, string) (int, error) { return 3, nil }
	none := func(context.Context, string) (int, error) { return 0, nil }
	for _, c := range []struct {
		name    string
		edition int
		named   bool
		latest  func(context.Context, string) (int, error)
		want    int
	}{
		{"the edition asked for", 2, false, latest, 2},
		{"the latest edition by default", 0, false, latest, 3},
		{"scored now under a named policy", 0, true, latest, 0},
		{"scored now when nothing is published", 0, false, none, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := assess.Pick(context.Background(), "2025-10", c.edition, c.named, c.latest)
			if err != nil || got != c.want {
				t.Errorf("Pick = %d, %v; want %d", got, err, c.want)
			}
		})
	}
}
