package main

import (
	"encoding/json"
	"math"
	"os"
	"strings"
	"testing"

	"sanlv/fixtures/fixturetest"
	"sanlv/scoring"
)

func TestExplanationLinesSumToTheExpectedScorecards(t *testing.T) {
	needWorked(t)
	for _, policy := range []string{"district-2025", "county-threshold"} {
		data, err := os.ReadFile(worked + "/expected-" + policy + "-2025-10.json")
		if err != nil {
			t.Fatal(err)
		}
		var want scoring.Card
		if err := json.Unmarshal(data, &want); err != nil {
			t.Fatal(err)
		}
		for _, u := range want.Units {
			out, stderr, err := run(t, "explain", "--unit", u.Code, "--units", worked+"/units.csv", "--tickets", worked+"/tickets.csv",
				"--policy", policy, "--period", "2025-10", "--format", "json")
			if err != nil {
				t.Fatalf("%s %s: %v\n%s", policy, u.Code, err, stderr)
			}
			var e scoring.Explanation
			if err := json.Unmarshal([]byte(out), &e); err != nil {
				t.Fatal(err)
			}
			if int64(len(e.Lines)) != u.Counts.Assignments {
				t.Errorf("%s %s: %d lines, want %d assignments", policy, u.Code, len(e.Lines), u.Counts.Assignments)
			}
			num, den := map[string]float64{}, map[string]float64{}
			points := 0.0
			for _, l := range e.Lines {
				for _, c := range l.Counts {
					num[c.Rate] += c.Num
					den[c.Rate] += c.Den
				}
				points += l.PointsTotal
			}
			names := scoring.RateNames()
			for _, name := range names[:6] { // the rates of the first-edition expected files
				r, _ := u.Rates.ByName(name)
				if math.Abs(num[name]-r.Num) > 1e-9 || math.Abs(den[name]-r.Den) > 1e-9 {
					t.Errorf("%s %s %s: lines sum to %v/%v, expected scorecard %v/%v", policy, u.Code, name, num[name], den[name], r.Num, r.Den)
				}
			}
			if math.Abs(points-u.Points.Total) > 1e-9 {
				t.Errorf("%s %s: points %v, want %v", policy, u.Code, points, u.Points.Total)
			}
		}
	}
}

func TestWhatIfComparesTheTwoShippedPolicies(t *testing.T) {
	needWorked(t)
	load := func(policy string) scoring.Card {
		data, err := os.ReadFile(worked + "/expected-" + policy + "-2025-10.json")
		if err != nil {
			t.Fatal(err)
		}
		var c scoring.Card
		json.Unmarshal(data, &c)
		return c
	}
	a, b := load("district-2025"), load("county-threshold")
	out, stderr, err := run(t, "whatif", "--policy", "district-2025", "--against", "county-threshold", "--period", "2025-10",
		"--units", worked+"/units.csv", "--tickets", worked+"/tickets.csv", "--format", "json")
	if err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	var w scoring.WhatIf
	if err := json.Unmarshal([]byte(out), &w); err != nil {
		t.Fatal(err)
	}
	if len(w.Units) != len(a.Units) {
		t.Fatalf("%d units, want %d", len(w.Units), len(a.Units))
	}
	for _, u := range w.Units {
		sa, sb := a.Unit(u.Code), b.Unit(u.Code)
		if math.Abs(*u.A.Final-*sa.Final) > 1e-9 || math.Abs(*u.B.Final-*sb.Final) > 1e-9 ||
			math.Abs(*u.ScoreChange-(*sb.Final-*sa.Final)) > 1e-9 {
			t.Errorf("%s: finals %v → %v (change %v), want %v → %v", u.Code, *u.A.Final, *u.B.Final, *u.ScoreChange, *sa.Final, *sb.Final)
		}
		if (sa.Rank == nil) != (u.A.Rank == nil) || (sa.Rank != nil && *sa.Rank != *u.A.Rank) || (sb.Rank != nil && *sb.Rank != *u.B.Rank) {
			t.Errorf("%s: ranks %v/%v, want %v/%v", u.Code, u.A.Rank, u.B.Rank, sa.Rank, sb.Rank)
		}
	}
}

func TestExplainTableSaysWhatTheSecondEditionDidToEachRow(t *testing.T) {
	dir := fixturetest.NeedV2(t)
	out, stderr, err := run(t, "explain", "--unit", "D02", "--units", dir+"/units.csv", "--tickets", dir+"/tickets.csv",
		"--adjustments", dir+"/adjustments.csv", "--policy", dir+"/policy-a.yaml", "--period", "2025-10")
	if err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	// D02 under policy-a (expected-policy-a-2025-10.json): returns, a merged repeat, an adjustment and
	// its revocation, items, final 77.53.
	for _, want := range []string{"退单通过", "重复诉求（并单），重复T0100136", "超期未办结", "加减分 质量抽检：-1.5", "加减分 撤销：+1.5",
		"加分项 按时办结（按时办结率）：6.67", "最终得分 77.53"} {
		if !strings.Contains(out, want) {
			t.Errorf("explanation lacks %q:\n%s", want, out)
		}
	}
}
