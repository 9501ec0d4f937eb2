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

func TestSecondEditionCityHasReturnsRepeatsAndTwoHotlines(t *testing.T) {
	cfg := synth.Config{Units: 40, Assignments: 50000, Seed: 5, Year: 2025, SecondEdition: true}
	var buf bytes.Buffer
	if err := synth.WriteTickets(&buf, cfg); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	rows = rows[1:]
	if len(rows) != cfg.Assignments {
		t.Fatalf("%d rows, want %d", len(rows), cfg.Assignments)
	}
	ids := map[string]bool{}
	for _, r := range rows {
		ids[r[col["ticket_id"]]] = true
	}
	var approved, rejected, noAccept, extended, marked, hot12319 int
	channels := map[string]bool{}
	for _, r := range rows {
		switch r[col["return_status"]] {
		case "approved":
			approved++
			if r[col["closed_at"]] != "" || r[col["returned_at"]] == "" {
				t.Fatalf("approved return closed or without returned_at: %v", r)
			}
		case "rejected":
			rejected++
		case "":
		default:
			t.Fatalf("return_status %q", r[col["return_status"]])
		}
		if r[col["accepted_at"]] == "" {
			noAccept++
		}
		if r[col["extended_due_at"]] != "" {
			extended++
		}
		if d := r[col["duplicate_of"]]; d != "" {
			marked++
			if !ids[d] || d == r[col["ticket_id"]] {
				t.Fatalf("duplicate_of %q names no other ticket of the file", d)
			}
		}
		if r[col["hotline"]] == "12319" {
			hot12319++
		}
		channels[r[col["channel"]]] = true
	}
	share := func(n int) float64 { return float64(n) / float64(len(rows)) }
	if s := share(approved + rejected); s < 0.02 || s > 0.04 {
		t.Errorf("return share %.3f, want about 0.03", s)
	}
	if s := share(marked); s < 0.01 || s > 0.03 {
		t.Errorf("duplicate_of share %.3f, want about a third of 5%%", s)
	}
	if s := share(noAccept); s < 0.005 || s > 0.02 {
		t.Errorf("missing acceptance share %.3f, want about 0.01", s)
	}
	if extended == 0 {
		t.Error("no extensions")
	}
	if s := share(hot12319); s < 0.07 || s > 0.13 {
		t.Errorf("12319 share %.3f, want about 0.1", s)
	}
	if len(channels) != 5 {
		t.Errorf("channels %v, want 5", channels)
	}
}
