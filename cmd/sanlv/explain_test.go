package main

import (
	"encoding/json"
	"math"
	"os"
	"testing"

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
			for _, name := range scoring.RateNames {
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
