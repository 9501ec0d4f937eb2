package synth_test

import (
	"bytes"
	"encoding/csv"
	"sort"
	"testing"

	"sanlv/synth"
)

func TestGeneratedCityHasTheAdvertisedShape(t *testing.T) {
	cfg := synth.Config{Units: 50, Assignments: 20000, Seed: 3, Year: 2025}
	var buf bytes.Buffer
	if err := synth.WriteTickets(&buf, cfg); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	rows = rows[1:]
	if len(rows) != cfg.Assignments {
		t.Fatalf("%d rows, want %d", len(rows), cfg.Assignments)
	}
	perUnit := map[string]int{}
	co, open, excluded := 0, 0, 0
	for _, r := range rows {
		perUnit[r[1]]++
		if r[2] == "co" {
			co++
		}
		if r[6] == "" {
			open++
		}
		if r[19] == "true" {
			excluded++
			if r[20] == "" {
				t.Fatalf("excluded row without a reason: %v", r)
			}
		}
	}
	share := func(n int) float64 { return float64(n) / float64(len(rows)) }
	if s := share(co); s < 0.07 || s > 0.11 {
		t.Errorf("co-handler share %.3f, want about 0.09", s)
	}
	if s := share(open); s < 0.01 || s > 0.04 {
		t.Errorf("open share %.3f, want about 0.02", s)
	}
	if excluded == 0 {
		t.Error("no excluded rows")
	}
	sizes := []int{}
	for _, n := range perUnit {
		sizes = append(sizes, n)
	}
	sort.Ints(sizes)
	if biggest, smallest := sizes[len(sizes)-1], sizes[0]; biggest < 5*smallest {
		t.Errorf("unit sizes %d..%d: want a long tail", smallest, biggest)
	}
	units := synth.Units(cfg)
	groups := map[string]int{}
	for _, u := range units {
		groups[u.Group]++
	}
	if groups["street"] == 0 || groups["department"] == 0 || groups["enterprise"] == 0 {
		t.Errorf("groups %v", groups)
	}
}
