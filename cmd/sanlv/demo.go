package main

import (
	"context"
	"fmt"
	"io/fs"
	"path/filepath"

	"sanlv/fixtures"
	"sanlv/store"
)

// runDemo runs the main job end to end on the embedded default: a SQLite database, the sample city,
// the district policy, period 2025-10, and the bulletin workbook.
func (m *Main) runDemo(ctx context.Context, args []string) error {
	var dsn, out, period, noticeFile string
	fset := m.flags("demo", "demo [--db sanlv.db] [-o PREFIX] [--notice FILE]")
	fset.StringVar(&dsn, "db", "", "database (default $SANLV_DB, else the SQLite file sanlv.db here)")
	fset.StringVar(&period, "period", "2025-10", "period of the sample city to score")
	fset.StringVar(&out, "o", "sanlv-bulletin-2025-10", "output prefix: the ranking workbook PREFIX.xlsx and the 通报 PREFIX.docx")
	fset.StringVar(&noticeFile, "notice", "", "通报 settings YAML (default: the sample city's fixtures/notice/city.yaml)")
	if err := parseFlags(fset, args); err != nil {
		return err
	}
	cfg, err := m.noticeConfig(noticeFile)
	if err != nil {
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
	xlsx, docx, err := writeBulletin(out, bl.Bulletin, cfg)
	if err != nil {
		return err
	}
	absX, _ := filepath.Abs(xlsx)
	absD, _ := filepath.Abs(docx)
	fmt.Fprintf(m.Stdout, "\nbulletin: %s\n通报: %s\n", absX, absD)
	return nil
}
