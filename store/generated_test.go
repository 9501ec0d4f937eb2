package store_test

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"

	"sanlv/imports"
	"sanlv/scoring"
	"sanlv/store"
	"sanlv/store/storetest"
	"sanlv/synth"
)

// city writes a synthetic city's units and tickets files.
func city(t testing.TB, cfg synth.Config) (units, tickets []byte) {
	t.Helper()
	var u, k bytes.Buffer
	if err := synth.WriteUnits(&u, synth.Units(cfg)); err != nil {
		t.Fatal(err)
	}
	if err := synth.WriteTickets(&k, cfg); err != nil {
		t.Fatal(err)
	}
	return u.Bytes(), k.Bytes()
}

// fileBook scores a tickets file directly, without the database.
func fileBook(t testing.TB, dir *scoring.Directory, p *scoring.Policy, periods []scoring.Period, tickets []byte) *scoring.Book {
	t.Helper()
	b, err := scoring.NewBook(p, dir, periods)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := imports.Tickets("tickets.csv", bytes.NewReader(tickets), dir, imports.Options{Loc: p.Loc},
		func(_ int, a *scoring.Assignment) error { return b.Add(a) })
	if err != nil {
		t.Fatal(err)
	}
	if err := rep.Err(); err != nil {
		t.Fatal(err)
	}
	return b
}

// TestGeneratedYearScoresAsTheFiles imports a generated city and checks that every monthly card and
// the annual appraisal built from the database are byte for byte the JSON built from the files.
func TestGeneratedYearScoresAsTheFiles(t *testing.T) {
	cfg := synth.Config{Units: 30, Assignments: 20000, Seed: 7, Year: 2025, Mixed: true}
	units, tickets := city(t, cfg)
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if _, err := db.ImportUnits(ctx, "units.csv", bytes.NewReader(units), store.ImportOptions{}); err != nil {
			t.Fatal(err)
		}
		res, err := db.ImportTickets(ctx, "tickets.csv", bytes.NewReader(tickets), store.ImportOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if res.Inserted != cfg.Assignments {
			t.Fatalf("inserted %d, want %d", res.Inserted, cfg.Assignments)
		}
		dir, err := db.Directory(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range []string{"district-2025", "county-threshold"} {
			p := policy(t, name)
			periods, err := p.AnnualPeriods("2025")
			if err != nil {
				t.Fatal(err)
			}
			fromFile := fileBook(t, dir, p, periods, tickets)
			fromDB, err := db.Book(ctx, p, periods)
			if err != nil {
				t.Fatal(err)
			}
			for i := range periods {
				same(t, name+" "+periods[i].ID, fromDB.Card(i), fromFile.Card(i))
			}
			same(t, name+" annual", fromDB.Annual("2025"), fromFile.Annual("2025"))
			// One month alone, as `sanlv score --period` asks.
			m := month(t, p, "2025-06")
			b, err := db.Book(ctx, p, m)
			if err != nil {
				t.Fatal(err)
			}
			same(t, name+" 2025-06 alone", b.Card(0), fileBook(t, dir, p, m, tickets).Card(0))
		}
	})
}

func same(t *testing.T, what string, got, want any) {
	t.Helper()
	g, err := json.Marshal(got)
	if err != nil {
		t.Fatal(err)
	}
	w, err := json.Marshal(want)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(g, w) {
		t.Errorf("%s: the database gives other JSON than the files", what)
	}
}

// TestParallelScanGivesTheSameBooks reads a generated year from PostgreSQL with three connections in
// parallel and with one, and compares the books with the files'.
func TestParallelScanGivesTheSameBooks(t *testing.T) {
	dsn := storetest.PostgresDSN(t)
	cfg := synth.Config{Units: 20, Assignments: 15000, Seed: 11, Year: 2025, Mixed: true}
	units, tickets := city(t, cfg)
	ctx := context.Background()
	par, err := store.OpenConfig(ctx, store.Config{DSN: dsn, ScanWorkers: 3})
	if err != nil {
		t.Fatal(err)
	}
	defer par.Close()
	if _, err := par.ImportUnits(ctx, "units.csv", bytes.NewReader(units), store.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := par.ImportTickets(ctx, "tickets.csv", bytes.NewReader(tickets), store.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	dir, err := par.Directory(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"district-2025", "county-threshold"} {
		p := policy(t, name)
		periods, err := p.AnnualPeriods("2025")
		if err != nil {
			t.Fatal(err)
		}
		b, err := par.Book(ctx, p, periods)
		if err != nil {
			t.Fatal(err)
		}
		want := fileBook(t, dir, p, periods, tickets)
		for i := range periods {
			same(t, name+" "+periods[i].ID, b.Card(i), want.Card(i))
		}
		m := month(t, p, "2025-03")
		b, err = par.Book(ctx, p, m)
		if err != nil {
			t.Fatal(err)
		}
		same(t, name+" 2025-03", b.Card(0), fileBook(t, dir, p, m, tickets).Card(0))
	}
}
