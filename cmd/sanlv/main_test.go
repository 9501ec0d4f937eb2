package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sanlv/fixtures/fixturetest"
)

var worked = fixturetest.WorkedDir()

func needWorked(t *testing.T) { t.Helper(); fixturetest.Need(t) }

// run runs the command in-process and returns its stdout and stderr.
func run(t *testing.T, args ...string) (string, string, error) {
	t.Helper()
	var out, errb bytes.Buffer
	m := NewMain()
	m.Stdout, m.Stderr, m.Stdin = &out, &errb, strings.NewReader("")
	m.Getenv = func(string) string { return "" }
	err := m.Run(context.Background(), args)
	m.Close()
	return out.String(), errb.String(), err
}

func TestScoreReproducesTheWorkedExample(t *testing.T) {
	needWorked(t)
	ticketFiles := []string{"tickets.csv", "tickets-zh.xlsx", "tickets-zh-gb18030.csv"}
	unitFiles := []string{"units.csv", "units-zh.xlsx", "units.csv"}
	for _, policy := range []string{"district-2025", "county-threshold"} {
		data, err := os.ReadFile(filepath.Join(worked, "expected-"+policy+"-2025-10.json"))
		if err != nil {
			t.Fatal(err)
		}
		var want any
		json.Unmarshal(data, &want)
		for i, tf := range ticketFiles {
			t.Run(policy+"/"+tf, func(t *testing.T) {
				out, stderr, err := run(t, "score", "--units", filepath.Join(worked, unitFiles[i]), "--tickets", filepath.Join(worked, tf),
					"--policy", "../../fixtures/policies/"+policy+".yaml", "--period", "2025-10", "--format", "json")
				if err != nil {
					t.Fatalf("%v\n%s", err, stderr)
				}
				var got any
				if err := json.Unmarshal([]byte(out), &got); err != nil {
					t.Fatal(err)
				}
				fixturetest.SameJSON(t, "", want, got)
			})
		}
	}
}

func TestScoreTablePrintsARankingPerGroup(t *testing.T) {
	needWorked(t)
	out, _, err := run(t, "score", "--units", worked+"/units.csv", "--tickets", worked+"/tickets.csv", "--policy", "district-2025", "--period", "2025-10")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"== 街乡镇 (street) ==", "S01 城关街道", "90.67", "样本不足", "== 区级部门 (department) =="} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
	// No group of the sample city ranks more than top + bottom (3 + 3) units: nothing is marked.
	if strings.Contains(out, "红榜") || strings.Contains(out, "末位") {
		t.Errorf("small groups marked:\n%s", out)
	}
}

func TestScoreTableMarksTopAndBottomInLargeGroups(t *testing.T) {
	dir := t.TempDir()
	if _, stderr, err := run(t, "gen", "--units", "40", "--assignments", "30000", "--seed", "2", "--year", "2025", "--out", dir); err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	out, _, err := run(t, "score", "--units", dir+"/units.csv", "--tickets", dir+"/tickets.csv", "--policy", "district-2025", "--period", "2025-06")
	if err != nil {
		t.Fatal(err)
	}
	// 14 streets, 20 departments: each group ranks more than 6 units, so 3 are 红榜 and 3 末位 in each.
	if n := strings.Count(out, "红榜"); n < 6 {
		t.Errorf("%d 红榜, want 3 per large group:\n%s", n, out)
	}
	if n := strings.Count(out, "末位"); n < 6 {
		t.Errorf("%d 末位, want 3 per large group:\n%s", n, out)
	}
}

func TestScoreRefusesInvalidRowsUnlessAskedToSkip(t *testing.T) {
	needWorked(t)
	dir := t.TempDir()
	src, _ := os.ReadFile(worked + "/tickets.csv")
	lines := strings.Split(string(src), "\n")
	lines[3] = strings.Replace(lines[3], ",E01,", ",NOPE,", 1)
	bad := filepath.Join(dir, "bad.csv")
	os.WriteFile(bad, []byte(strings.Join(lines, "\n")), 0o644)
	args := []string{"score", "--units", worked + "/units.csv", "--tickets", bad, "--policy", "district-2025", "--period", "2025-10", "--format", "json"}
	out, stderr, err := run(t, args...)
	if err == nil || out != "" || !strings.Contains(stderr, "bad.csv:4") {
		t.Fatalf("err %v, out %q, stderr %q: want a refusal naming bad.csv:4", err, out, stderr)
	}
	out, stderr, err = run(t, append(args, "--skip-invalid")...)
	if err != nil || !strings.Contains(stderr, "skipped 1 invalid row") || !strings.Contains(out, `"units"`) {
		t.Fatalf("with --skip-invalid: err %v, stderr %q", err, stderr)
	}
}

func TestPolicyCheck(t *testing.T) {
	out, _, err := run(t, "policy", "check", "../../fixtures/policies/county-threshold.yaml")
	if err != nil || !strings.Contains(out, "ok") {
		t.Fatalf("%v %s", err, out)
	}
	bad := filepath.Join(t.TempDir(), "bad.yaml")
	os.WriteFile(bad, []byte("name: x\nversion: '1'\nweightz: {}\n"), 0o644)
	_, stderr, err := run(t, "policy", "check", bad)
	if err == nil || !strings.Contains(stderr, "weightz: line 3: unknown key") {
		t.Fatalf("err %v stderr %q", err, stderr)
	}
}

func TestGenIsDeterministic(t *testing.T) {
	a, b := t.TempDir(), t.TempDir()
	for _, d := range []string{a, b} {
		if _, _, err := run(t, "gen", "--units", "20", "--assignments", "500", "--seed", "7", "--out", d); err != nil {
			t.Fatal(err)
		}
	}
	x, _ := os.ReadFile(a + "/tickets.csv")
	y, _ := os.ReadFile(b + "/tickets.csv")
	if !bytes.Equal(x, y) || bytes.Count(x, []byte("\n")) != 501 {
		t.Fatalf("gen differs between runs or has the wrong row count (%d lines)", bytes.Count(x, []byte("\n")))
	}
	// The generated city scores without invalid rows under both shipped policies.
	for _, p := range []string{"district-2025", "county-threshold"} {
		if _, stderr, err := run(t, "annual", "--year", "2025", "--units", a+"/units.csv", "--tickets", a+"/tickets.csv", "--policy", p, "--format", "json"); err != nil {
			t.Fatalf("%s: %v\n%s", p, err, stderr)
		}
	}
}
