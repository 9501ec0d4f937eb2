package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"runtime"
	"strings"

	"sanlv/assess"
	"sanlv/fixtures"
	"sanlv/imports"
	"sanlv/scoring"
)

// inputs are the flags every scoring command shares: where units, tickets and the policy come from.
type inputs struct {
	units, tickets, policy, mapping, db string
	// adjustments is a CSV of adjustments (file mode); calendars a directory of calendar YAML files (file mode).
	adjustments, calendars string
	sheet                  string
	headerRow              int
	skipInvalid            bool
	workers                int
}

func (in *inputs) register(fs *flag.FlagSet) {
	fs.StringVar(&in.units, "units", "", "units file (CSV or XLSX)")
	fs.StringVar(&in.tickets, "tickets", "", "tickets file (CSV UTF-8/GB18030 or XLSX)")
	fs.StringVar(&in.policy, "policy", "", "policy YAML file, or a shipped policy name ("+strings.Join(fixtures.PolicyNames(), ", ")+"), or with --db a stored policy name; default with --db: the active policy")
	fs.StringVar(&in.mapping, "mapping", "", "column mapping YAML for another platform's export")
	fs.StringVar(&in.db, "db", "", "score from a database (used when no file is given): SQLite path or postgres:// DSN (default $SANLV_DB, else sanlv.db)")
	fs.StringVar(&in.adjustments, "adjustments", "", "adjustments CSV: unit, period, label, points, reason (file mode; with --db record them with sanlv adjust)")
	fs.StringVar(&in.calendars, "calendars", "", "directory of calendar YAML files (or one such file) the policy may name besides the shipped ones (file mode; with --db use sanlv calendar import)")
	fs.BoolVar(&in.skipInvalid, "skip-invalid", false, "score the valid rows when some rows are invalid (says how many were skipped)")
	fs.StringVar(&in.sheet, "sheet", "", "workbook sheet of the tickets, by name or number (default: the first with a header row)")
	fs.IntVar(&in.headerRow, "header-row", 0, "row of the tickets header (default: the first of the first 30 rows with the required columns)")
	fs.IntVar(&in.workers, "workers", runtime.GOMAXPROCS(0), "parallel readers for a plain CSV tickets file")
}

func (in *inputs) fromFiles() bool { return in.units != "" || in.tickets != "" }

// loadPolicy reads the --policy file or shipped policy, with the calendars of calendarDir besides the shipped ones.
func (m *Main) loadPolicy(ref, calendarDir string) (*scoring.Policy, error) {
	if ref == "" {
		return nil, fmt.Errorf("--policy is required: a YAML file or one of %s: %w", strings.Join(fixtures.PolicyNames(), ", "), errUsage)
	}
	var src scoring.CalendarSource
	if calendarDir != "" {
		var err error
		if src, err = fixtures.CalendarDir(calendarDir); err != nil {
			return nil, err
		}
	}
	return fixtures.LoadPolicyWith(ref, src)
}

// source returns where the command's rows come from: the files, or the database.
func (m *Main) source(ctx context.Context, in *inputs) (assess.Source, error) {
	if !in.fromFiles() {
		if in.adjustments != "" || in.calendars != "" {
			return nil, fmt.Errorf("--adjustments and --calendars are for scoring files; with a database record them with sanlv adjust import and sanlv calendar import: %w", errUsage)
		}
		db, err := m.openExistingDB(ctx, in.db)
		if err != nil {
			return nil, err
		}
		return assess.DB{DB: db}, nil
	}
	if in.units == "" || in.tickets == "" {
		return nil, fmt.Errorf("give --units and --tickets (or --db): %w", errUsage)
	}
	f := &assess.Files{Units: in.units, Tickets: in.tickets, Adjustments: in.adjustments, Sheet: in.sheet, HeaderRow: in.headerRow,
		SkipInvalid: in.skipInvalid, Workers: in.workers, Notes: m.notes,
		Skipped: func(rep *imports.Report) {
			fmt.Fprintf(m.Stderr, "sanlv: skipped %d invalid rows of %s (scored %d valid rows)\n", rep.Invalid, rep.File, rep.Valid)
		}}
	if in.mapping != "" {
		data, err := os.ReadFile(in.mapping)
		if err != nil {
			return nil, err
		}
		if f.Mapping, err = imports.ParseMapping(in.mapping, data); err != nil {
			return nil, err
		}
	}
	return f, nil
}

// policyFor returns the --policy, or the database's active policy when scoring from the database.
func (m *Main) policyFor(ctx context.Context, in *inputs) (*scoring.Policy, error) {
	if in.policy != "" || in.fromFiles() {
		return m.policyNamed(ctx, in, in.policy)
	}
	db, err := m.openExistingDB(ctx, in.db)
	if err != nil {
		return nil, err
	}
	p, err := db.ActivePolicy(ctx)
	if err != nil {
		return nil, fmt.Errorf("no --policy given and the database has no active policy: %w", err)
	}
	return p, nil
}

// policyNamed loads the policy ref names: with a database, the stored policy of that name (its
// active version, else its newest) when one is stored, as the API would; else a YAML file or a
// shipped policy.
func (m *Main) policyNamed(ctx context.Context, in *inputs, ref string) (*scoring.Policy, error) {
	if !in.fromFiles() && ref != "" && !strings.ContainsAny(ref, `/\`) && !strings.HasSuffix(ref, ".yaml") && !strings.HasSuffix(ref, ".yml") {
		db, err := m.openExistingDB(ctx, in.db)
		if err != nil {
			return nil, err
		}
		p, err := assess.StoredPolicy(ctx, db, ref, "")
		if scoring.ErrorCode(err) != scoring.NotFound {
			return p, err
		}
	}
	if !in.fromFiles() {
		// A policy file or a shipped policy scored from the database names the calendars the
		// centre imported (sanlv calendar import) as well as the shipped ones.
		if ref == "" {
			return m.loadPolicy(ref, "")
		}
		db, err := m.openExistingDB(ctx, in.db)
		if err != nil {
			return nil, err
		}
		return fixtures.LoadPolicyWith(ref, db.CalendarSource(ctx))
	}
	return m.loadPolicy(ref, in.calendars)
}

// scoreBook loads the policy (--policy, or the database's active one) and builds the book of a period,
// with the previous period first when prev is set.
func (m *Main) scoreBook(ctx context.Context, in *inputs, period, prev string) (*scoring.Policy, assess.Source, *scoring.Book, error) {
	if period == "" {
		return nil, nil, nil, fmt.Errorf("--period is required (2025-10, 2025-Q2 or 2025): %w", errUsage)
	}
	p, err := m.policyFor(ctx, in)
	if err != nil {
		return nil, nil, nil, err
	}
	src, err := m.source(ctx, in)
	if err != nil {
		return nil, nil, nil, err
	}
	periods, err := assess.Periods(p, period, prev)
	if err != nil {
		return nil, nil, nil, err
	}
	b, err := assess.Book(ctx, src, p, periods)
	return p, src, b, err
}

// notes prints a read's remarks (sheet and header row chosen, title and sum rows skipped, dates
// without a time, unit names matched after normalisation) to stderr, once each.
func (m *Main) notes(rep *imports.Report) {
	for _, n := range rep.Notes {
		fmt.Fprintf(m.Stderr, "sanlv: %s: %s\n", rep.File, n)
	}
}

// failReport prints the invalid rows of a read once, each as file:row: column: reason.
func (m *Main) failReport(rep *imports.Report) {
	fmt.Fprintf(m.Stderr, "sanlv: %s: %d of %d rows invalid:\n", rep.File, rep.Invalid, rep.Rows)
	for _, e := range rep.Errors {
		fmt.Fprintf(m.Stderr, "  %s\n", e)
	}
	if rep.Omitted > 0 {
		fmt.Fprintf(m.Stderr, "  and %d more problems\n", rep.Omitted)
	}
}
