package main

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sanlv/store/storetest"
)

// finals reads each unit's final score from a scorecard JSON (score's output or an expected file).
func finals(t *testing.T, data []byte) map[string]float64 {
	t.Helper()
	var card struct {
		Units []struct {
			Code  string  `json:"code"`
			Final float64 `json:"final"`
		} `json:"units"`
	}
	if err := json.Unmarshal(data, &card); err != nil {
		t.Fatalf("%v: %.300s", err, data)
	}
	out := map[string]float64{}
	for _, u := range card.Units {
		out[u.Code] = u.Final
	}
	return out
}

func TestPoliciesSavedAndActivatedFromTheCommandLineScoreTheDatabase(t *testing.T) {
	needWorked(t)
	storetest.EachDatabase(t, func(t *testing.T, dsn string) {
		if _, stderr, err := run(t, "policy", "list", "--db", dsn); !strings.HasPrefix(dsn, "postgres") && (err == nil || !strings.Contains(stderr+err.Error(), "does not exist")) {
			t.Errorf("policy list on a database that does not exist: %v %q", err, stderr)
		}
		for _, step := range [][]string{
			{"import", "units", filepath.Join(worked, "units.csv"), "--db", dsn},
			{"import", "tickets", filepath.Join(worked, "tickets.csv"), "--db", dsn},
		} {
			if out, stderr, err := run(t, step...); err != nil {
				t.Fatalf("%v: %v\n%s%s", step, err, out, stderr)
			}
		}
		if _, stderr, err := run(t, "score", "--db", dsn, "--period", "2025-10"); err == nil || !strings.Contains(stderr+err.Error(), "sanlv policy save FILE --activate") {
			t.Errorf("no active policy: %v %q, want the command that stores one", err, stderr)
		}
		steps := []struct {
			args []string
			says string
		}{
			{[]string{"policy", "save", "county-threshold"}, "stored (id 1)"},
			{[]string{"policy", "save", "county-threshold"}, "already stored with this content"},
			{[]string{"policy", "save", "district-2025", "--activate"}, "is now active"},
		}
		for _, s := range steps {
			_, stderr, err := run(t, append(s.args, "--db", dsn)...)
			if err != nil || !strings.Contains(stderr, s.says) {
				t.Fatalf("%v: %v, stderr %q, want %q", s.args, err, stderr, s.says)
			}
		}
		want := map[string]string{"district-2025": "expected-district-2025-2025-10.json", "county-threshold": "expected-county-threshold-2025-10.json"}
		check := func(policy string) {
			t.Helper()
			out, stderr, err := run(t, "score", "--db", dsn, "--period", "2025-10", "--format", "json")
			if err != nil {
				t.Fatalf("score with the active policy: %v\n%s", err, stderr)
			}
			data, err := os.ReadFile(filepath.Join(worked, want[policy]))
			if err != nil {
				t.Fatal(err)
			}
			got, exp := finals(t, []byte(out)), finals(t, data)
			if len(got) != len(exp) {
				t.Fatalf("active %s: %d units, want %d", policy, len(got), len(exp))
			}
			for code, f := range exp {
				if math.Abs(got[code]-f) > 1e-9 {
					t.Errorf("active %s: unit %s final %v, want %v", policy, code, got[code], f)
				}
			}
		}
		check("district-2025")

		out, _, err := run(t, "policy", "list", "--db", dsn, "--format", "json")
		if err != nil {
			t.Fatal(err)
		}
		var list []struct {
			ID      int64  `json:"id"`
			Name    string `json:"name"`
			Version string `json:"version"`
			Active  bool   `json:"active"`
		}
		if err := json.Unmarshal([]byte(out), &list); err != nil || len(list) != 2 {
			t.Fatalf("policy list: %v %s", err, out)
		}
		var county struct{ name, version string }
		for _, p := range list {
			if p.ID == 1 {
				county.name, county.version = p.Name, p.Version
				if p.Active {
					t.Errorf("county-threshold was saved without --activate but is active")
				}
			}
		}
		if _, stderr, err := run(t, "policy", "activate", county.name, county.version, "--db", dsn); err != nil || !strings.Contains(stderr, "is now active") {
			t.Fatalf("activate %s %s: %v %q", county.name, county.version, err, stderr)
		}
		check("county-threshold")
		if _, stderr, err := run(t, "policy", "activate", county.name, "no-such-version", "--db", dsn); err == nil {
			t.Errorf("activating a version that is not stored succeeded: %q", stderr)
		}
	})
}
