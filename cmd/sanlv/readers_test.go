package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sanlv/fixtures/fixturetest"
)

func TestScoreReadsALegacyXLSWithTitleRows(t *testing.T) {
	needWorked(t)
	out, stderr, err := run(t, "score", "--units", filepath.Join(worked, "units.csv"), "--tickets", "../../imports/testdata/tickets-titled.xls",
		"--policy", "district-2025", "--period", "2025-10", "--format", "json")
	if err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	var got any
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err)
	}
	fixturetest.SameJSON(t, "", fixturetest.Expected(t, "district-2025", "2025-10"), got)
	if !strings.Contains(stderr, "表头在第 3 行") || !strings.Contains(stderr, "合计行") {
		t.Errorf("stderr lacks the notes:\n%s", stderr)
	}
	// Choosing another header row reads the title row as the header, and fails.
	_, stderr, err = run(t, "score", "--units", filepath.Join(worked, "units.csv"), "--tickets", "../../imports/testdata/tickets-titled.xls",
		"--policy", "district-2025", "--period", "2025-10", "--header-row", "1")
	if err == nil || !strings.Contains(stderr, "missing required column") {
		t.Errorf("--header-row 1: err %v\n%s", err, stderr)
	}
}

func TestImportPrintsEachProblemOnce(t *testing.T) {
	needWorked(t)
	dir := t.TempDir()
	db := filepath.Join(dir, "t.db")
	bad := filepath.Join(dir, "bad.csv")
	data, err := os.ReadFile(filepath.Join(worked, "tickets.csv"))
	if err != nil {
		t.Fatal(err)
	}
	rows := strings.SplitN(string(data), "\n", 3)
	body := rows[0] + "\n" + rows[1] + "\nT9,S01,lead,2025-10-01 08:00,2025-10-01 07:00,,,,complaint,normal,,0,,,,,,,,,,\n"
	if err := os.WriteFile(bad, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, stderr, err := run(t, "import", "units", filepath.Join(worked, "units.csv"), "--db", db); err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	_, stderr, err := run(t, "import", "tickets", bad, "--db", db)
	if err == nil {
		t.Fatal("invalid row accepted")
	}
	if n := strings.Count(stderr, "before received_at"); n != 1 {
		t.Errorf("the problem is printed %d times:\n%s", n, stderr)
	}
	if !strings.Contains(stderr, bad+":3: dispatched_at: before received_at") {
		t.Errorf("stderr:\n%s", stderr)
	}
}
