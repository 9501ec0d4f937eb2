package store_test

import (
	"sanlv/fixtures/fixturetest"

	"bytes"
	"context"
	"os"
	"testing"

	"sanlv/fixtures"
	"sanlv/scoring"
	"sanlv/store"
)

// worked is the directory of the worked example.
var worked = fixturetest.WorkedDir()

func readFile(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// importWorked imports the worked example's units and tickets.
func importWorked(t testing.TB, db *store.DB) {
	t.Helper()
	ctx := context.Background()
	if _, err := db.ImportUnits(ctx, "units.csv", bytes.NewReader(readFile(t, worked+"/units.csv")), store.ImportOptions{Actor: "test"}); err != nil {
		t.Fatal(err)
	}
	res, err := db.ImportTickets(ctx, "tickets.csv", bytes.NewReader(readFile(t, worked+"/tickets.csv")), store.ImportOptions{Actor: "test"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Inserted != 133 {
		t.Fatalf("inserted %d rows, want 133", res.Inserted)
	}
}

func policy(t testing.TB, name string) *scoring.Policy {
	t.Helper()
	p, err := fixtures.Policy(name)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// month returns the period of a month id under the policy.
func month(t testing.TB, p *scoring.Policy, id string) []scoring.Period {
	t.Helper()
	per, err := scoring.ParsePeriod(id, p.StartDay, p.Loc)
	if err != nil {
		t.Fatal(err)
	}
	return []scoring.Period{per}
}

// count returns the number of stored assignments.
func count(t testing.TB, db *store.DB) int64 {
	t.Helper()
	n, err := db.Count(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// batches returns the number of import batches.
func batches(t testing.TB, db *store.DB) int {
	t.Helper()
	n, err := db.Bun().NewSelect().Table("import_batches").Count(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return int(n)
}
