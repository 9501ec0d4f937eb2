package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"regexp"
	"runtime"
	"strings"
	"time"

	"sanlv/fixtures"
	"sanlv/imports"
	"sanlv/scoring"
	"sanlv/store"
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
	fs.StringVar(&in.policy, "policy", "", "policy YAML file, or a shipped policy name ("+strings.Join(fixtures.PolicyNames(), ", ")+"); default with --db: the active policy")
	fs.StringVar(&in.mapping, "mapping", "", "column mapping YAML for another platform's export")
	fs.StringVar(&in.db, "db", "", "score from a database (used when no file is given): SQLite path or postgres:// DSN (default $SANLV_DB, else sanlv.db)")
	fs.StringVar(&in.adjustments, "adjustments", "", "adjustments CSV: unit, period, label, points, reason (file mode; with --db record them with sanlv adjust)")
	fs.StringVar(&in.calendars, "calendars", "", "directory of calendar YAML files the policy may name besides the shipped ones (file mode; with --db use sanlv calendar import)")
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
			return nil, m.fail(err)
		}
	}
	p, err := fixtures.LoadPolicyWith(ref, src)
	if err != nil {
		return nil, m.fail(err)
	}
	return p, nil
}

// readDirectory reads the units file.
func (m *Main) readDirectory(path string) (*scoring.Directory, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	us, rep, err := imports.ReadUnits(path, f)
	if err != nil {
		return nil, m.fail(err)
	}
	if rep.Invalid > 0 {
		return nil, m.failReport(rep)
	}
	m.notes(rep)
	return scoring.NewDirectory(us)
}

// fileBook scores the tickets file into a book over periods, reading a plain CSV in parallel.
func (m *Main) fileBook(ctx context.Context, in *inputs, p *scoring.Policy, periods []scoring.Period) (*scoring.Book, error) {
	if in.units == "" || in.tickets == "" {
		return nil, fmt.Errorf("give --units and --tickets (or --db): %w", errUsage)
	}
	dir, err := m.readDirectory(in.units)
	if err != nil {
		return nil, err
	}
	opt := imports.Options{Loc: p.Loc, Lean: !p.ReadsText(), Sheet: in.sheet, HeaderRow: in.headerRow}
	if in.mapping != "" {
		data, err := os.ReadFile(in.mapping)
		if err != nil {
			return nil, err
		}
		if opt.Mapping, err = imports.ParseMapping(in.mapping, data); err != nil {
			return nil, m.fail(err)
		}
	}
	workers := max(1, in.workers)
	books := make([]*scoring.Book, workers)
	for i := range books {
		if books[i], err = scoring.NewBook(p, dir, periods); err != nil {
			return nil, err
		}
	}
	add := func(w, row int, a *scoring.Assignment) error {
		if err := books[w].Add(a); err != nil {
			return fmt.Errorf("%s:%d: %w%s", in.tickets, row, err, calendarHint(p, err))
		}
		return nil
	}
	var adjs []scoring.Adjustment
	if in.adjustments != "" {
		f, err := os.Open(in.adjustments)
		if err != nil {
			return nil, err
		}
		adjs, err = imports.ReadAdjustments(f, in.adjustments)
		f.Close()
		if err != nil {
			return nil, m.fail(err)
		}
		for i, a := range adjs {
			u, ok := dir.Lookup(a.Unit)
			if !ok {
				return nil, scoring.Errorf(scoring.Invalid, "%s: adjustment %d (%s %s %s): unknown unit %q", in.adjustments, i+1, a.Unit, a.Period, a.Label, a.Unit)
			}
			if _, err := scoring.ParsePeriod(a.Period, 1, time.UTC); err != nil {
				return nil, scoring.Errorf(scoring.Invalid, "%s: adjustment %d (%s %s %s): period: %v", in.adjustments, i+1, a.Unit, a.Period, a.Label, err)
			}
			adjs[i].Unit = dir.Unit(u).Code
		}
	}
	var rep *imports.Report
	if opt.Mapping == nil && !isWorkbook(in.tickets) {
		rep, err = imports.ScanCSV(in.tickets, dir, opt, workers, add)
	} else {
		f, ferr := os.Open(in.tickets)
		if ferr != nil {
			return nil, ferr
		}
		defer f.Close()
		rep, err = imports.Tickets(in.tickets, f, dir, opt, func(row int, a *scoring.Assignment) error { return add(0, row, a) })
	}
	if err != nil {
		return nil, m.fail(err)
	}
	m.notes(rep)
	if rep.Invalid > 0 {
		if !in.skipInvalid {
			m.failReport(rep)
			return nil, fmt.Errorf("%s: %d invalid rows; nothing scored (use --skip-invalid to score the %d valid rows)", in.tickets, rep.Invalid, rep.Valid)
		}
		fmt.Fprintf(m.Stderr, "sanlv: skipped %d invalid rows of %s (scored %d valid rows)\n", rep.Invalid, in.tickets, rep.Valid)
	}
	for _, b := range books[1:] {
		if err := books[0].Merge(b); err != nil {
			return nil, err
		}
	}
	if err := store.FinishBook(books[0], adjs); err != nil {
		return nil, m.fail(err)
	}
	return books[0], nil
}

// calendarYear finds the year a calendar error says is missing.
var calendarYear = regexp.MustCompile(`(?:reaches|calendar for) (\d{4})`)

// calendarHint says how to add the calendar a deadline needs, when err is about a missing year.
func calendarHint(p *scoring.Policy, err error) string {
	m := calendarYear.FindStringSubmatch(err.Error())
	if m == nil {
		return ""
	}
	prefix := "cn-"
	if n := len(p.Calendars); n > 0 {
		if i := strings.LastIndex(p.Calendars[n-1], "-"); i >= 0 {
			prefix = p.Calendars[n-1][:i+1]
		}
	}
	name := prefix + m[1]
	return fmt.Sprintf("; add the calendar and name it in the policy: sanlv calendar import %s.yaml (or --calendars DIR with %s.yaml)", name, name)
}

// isWorkbook reports whether the file is an XLSX or .xls workbook, by its first bytes.
func isWorkbook(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	var magic [4]byte
	n, _ := f.Read(magic[:])
	return n == 4 && (string(magic[:]) == "PK\x03\x04" || string(magic[:]) == "\xD0\xCF\x11\xE0")
}

// book builds a scoring book over periods from the files, or from the database when no file is named.
func (m *Main) book(ctx context.Context, in *inputs, p *scoring.Policy, periods []scoring.Period) (*scoring.Book, error) {
	if in.fromFiles() {
		return m.fileBook(ctx, in, p, periods)
	}
	if in.adjustments != "" || in.calendars != "" {
		return nil, fmt.Errorf("--adjustments and --calendars are for scoring files; with a database record them with sanlv adjust import and sanlv calendar import: %w", errUsage)
	}
	db, err := m.openExistingDB(ctx, in.db)
	if err != nil {
		return nil, err
	}
	b, err := db.Book(ctx, p, periods)
	if err != nil {
		return nil, fmt.Errorf("%w%s", err, calendarHint(p, err))
	}
	return b, nil
}

// policyFor returns the --policy, or the database's active policy when scoring from the database.
func (m *Main) policyFor(ctx context.Context, in *inputs) (*scoring.Policy, error) {
	if in.policy != "" || in.fromFiles() {
		return m.loadPolicy(in.policy, in.calendars)
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

// scoreBook loads the policy (--policy, or the database's active one) and builds the book of a period,
// with the previous period first when prev is set.
func (m *Main) scoreBook(ctx context.Context, in *inputs, period, prev string) (*scoring.Policy, *scoring.Book, error) {
	p, err := m.policyFor(ctx, in)
	if err != nil {
		return nil, nil, err
	}
	periods, err := periodWithPrevious(p, period, prev)
	if err != nil {
		return nil, nil, err
	}
	b, err := m.book(ctx, in, p, periods)
	return p, b, err
}

// periodWithPrevious returns the book periods for id and, when prev is set, the previous period first.
func periodWithPrevious(p *scoring.Policy, id, prev string) ([]scoring.Period, error) {
	if id == "" {
		return nil, fmt.Errorf("--period is required (2025-10, 2025-Q2 or 2025): %w", errUsage)
	}
	cur, err := scoring.ParsePeriod(id, p.StartDay, p.Loc)
	if err != nil {
		return nil, err
	}
	if prev == "" {
		return []scoring.Period{cur}, nil
	}
	pp, err := scoring.ParsePeriod(prev, p.StartDay, p.Loc)
	if err != nil {
		return nil, err
	}
	if pp.End > cur.Start {
		return nil, fmt.Errorf("--previous %s must end before %s starts: %w", prev, id, errUsage)
	}
	return []scoring.Period{pp, cur}, nil
}

// notes prints a read's remarks (sheet and header row chosen, title and sum rows skipped, dates
// without a time, unit names matched after normalisation) to stderr, once each.
func (m *Main) notes(rep *imports.Report) {
	for _, n := range rep.Notes {
		fmt.Fprintf(m.Stderr, "sanlv: %s: %s\n", rep.File, n)
	}
}

// failReport prints the invalid rows of a read once, each as file:row: column: reason, and returns errReported.
func (m *Main) failReport(rep *imports.Report) error {
	fmt.Fprintf(m.Stderr, "sanlv: %s: %d of %d rows invalid:\n", rep.File, rep.Invalid, rep.Rows)
	for _, e := range rep.Errors {
		fmt.Fprintf(m.Stderr, "  %s\n", e)
	}
	if rep.Omitted > 0 {
		fmt.Fprintf(m.Stderr, "  and %d more problems\n", rep.Omitted)
	}
	return errReported
}
