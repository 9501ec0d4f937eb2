package main

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"sanlv/exports"
	"sanlv/fixtures"
	"sanlv/store"
)

// runDemo runs the main job end to end on the embedded default: a SQLite database, the sample city,
// the district policy, period 2025-10, and the bulletin workbook.
func (m *Main) runDemo(ctx context.Context, args []string) error {
	var dsn, out, period string
	fset := m.flags("demo", "demo [--db sanlv.db] [-o bulletin.xlsx]")
	fset.StringVar(&dsn, "db", "", "database (default $SANLV_DB, else the SQLite file sanlv.db here)")
	fset.StringVar(&period, "period", "2025-10", "period of the sample city to score")
	fset.StringVar(&out, "o", "sanlv-bulletin-2025-10.xlsx", "bulletin workbook to write")
	if err := parseFlags(fset, args); err != nil {
		return err
	}
	db, err := m.openDB(ctx, dsn)
	if err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "database: %s\n", db)
	for _, what := range []string{"units", "tickets"} {
		name := "city/" + what + ".csv"
		f, err := fixtures.Files().Open(name)
		if err != nil {
			return err
		}
		opt := store.ImportOptions{Actor: "demo"}
		var res *store.ImportResult
		if what == "units" {
			res, err = db.ImportUnits(ctx, "fixtures/"+name, f, opt)
		} else {
			res, err = db.ImportTickets(ctx, "fixtures/"+name, f, opt)
		}
		f.Close()
		if err != nil {
			return m.fail(err)
		}
		m.summary(res, false)
	}
	src, err := fs.ReadFile(fixtures.Files(), "policies/district-2025.yaml")
	if err != nil {
		return err
	}
	rec, err := db.SavePolicy(ctx, src, "demo")
	if err != nil {
		return m.fail(err)
	}
	if _, err := db.ActivatePolicy(ctx, rec.Name, rec.Version, "demo"); err != nil {
		return m.fail(err)
	}
	fmt.Fprintf(m.Stdout, "active policy: %s %s\n\n", rec.Name, rec.Version)
	in := inputs{db: dsn}
	if err := m.runScore(ctx, []string{"--db", m.dsn(dsn), "--period", period}); err != nil {
		return err
	}
	bl, err := m.bulletin(ctx, &in, period, "", 0)
	if err != nil {
		return err
	}
	if err := writeFile(out, func(f *os.File) error { return exports.WriteBulletin(f, bl) }); err != nil {
		return err
	}
	abs, _ := filepath.Abs(out)
	fmt.Fprintf(m.Stdout, "\nbulletin: %s\n", abs)
	return nil
}
