package main

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	"golang.org/x/term"

	"sanlv/imports"
	"sanlv/store"
)

func (m *Main) runImport(ctx context.Context, args []string) error {
	var dsn, mapping, actor, sheet string
	var keepValid bool
	var headerRow int
	fs := m.flags("import", "import units|tickets FILE [--mapping M.yaml] [--sheet NAME|N] [--header-row N] [--keep-valid] [--db DSN]")
	fs.StringVar(&sheet, "sheet", "", "workbook sheet to read, by name or number (default: the first with a header row)")
	fs.IntVar(&headerRow, "header-row", 0, "row of the header (default: the first of the first 30 rows with the required columns)")
	fs.StringVar(&dsn, "db", "", "database: SQLite path or postgres:// DSN (default $SANLV_DB, else sanlv.db)")
	fs.StringVar(&mapping, "mapping", "", "column mapping YAML for another platform's export (tickets)")
	fs.BoolVar(&keepValid, "keep-valid", false, "store the valid rows even when some rows are invalid")
	fs.StringVar(&actor, "actor", "", "who imports, for the audit log (default $USER)")
	if len(args) < 2 || (args[0] != "units" && args[0] != "tickets") {
		fs.Usage()
		if len(args) == 1 && (args[0] == "-h" || args[0] == "--help") {
			return errHelp
		}
		return fmt.Errorf("want: import units|tickets FILE: %w", errUsage)
	}
	what, file := args[0], args[1]
	if err := parseFlags(fs, args[2:]); err != nil {
		return err
	}
	if actor == "" {
		actor = "cli:" + m.Getenv("USER")
	}
	opt := store.ImportOptions{Actor: actor, KeepValid: keepValid}
	if mapping != "" {
		data, err := os.ReadFile(mapping)
		if err != nil {
			return err
		}
		if opt.Mapping, err = imports.ParseMapping(mapping, data); err != nil {
			return m.fail(err)
		}
	}
	if headerRow < 0 {
		return fmt.Errorf("--header-row must be a row number ≥ 1: %w", errUsage)
	}
	if sheet != "" || headerRow > 0 {
		if what == "units" {
			return fmt.Errorf("--sheet and --header-row apply to tickets files: %w", errUsage)
		}
		opt.Mapping = opt.Mapping.WithPick(sheet, headerRow)
	}
	db, err := m.openDB(ctx, dsn)
	if err != nil {
		return err
	}
	f, err := os.Open(file)
	if err != nil {
		return err
	}
	defer f.Close()
	bar := m.progress()
	opt.Progress = bar.update
	var res *store.ImportResult
	if what == "units" {
		res, err = db.ImportUnits(ctx, file, f, opt)
	} else {
		res, err = db.ImportTickets(ctx, file, f, opt)
	}
	bar.done()
	// The report is printed once: the store returns the report's own error when rows are invalid.
	if res != nil && res.Report != nil && res.Report.Invalid > 0 {
		repErr := res.Report.Err()
		m.failReport(res.Report)
		if err != nil && err.Error() == repErr.Error() {
			err = nil
		}
	}
	if err != nil {
		return m.fail(err)
	}
	if res != nil && res.Report != nil {
		m.notes(res.Report)
	}
	m.summary(res, keepValid)
	if res.Invalid > 0 && !keepValid {
		return errReported
	}
	return nil
}

func (m *Main) summary(r *store.ImportResult, keepValid bool) {
	w := m.Stdout
	switch {
	case r.Invalid > 0 && !keepValid:
		fmt.Fprintf(w, "%s: %d invalid of %d rows; nothing stored (fix the rows, or --keep-valid to store the %d valid ones)\n",
			r.File, r.Invalid, r.Read, r.Read-r.Invalid)
		return
	case !r.Changed() && r.Invalid > 0:
		fmt.Fprintf(w, "%s: %d rows read: %d invalid skipped, the %d valid ones already up to date — nothing changed\n",
			r.File, r.Read, r.Invalid, r.Read-r.Invalid)
		m.keptFields(r)
		return
	case !r.Changed():
		fmt.Fprintf(w, "%s: already up to date — %d rows read, nothing changed\n", r.File, r.Read)
		m.keptFields(r)
		return
	}
	rate := float64(r.Read) / max(r.Elapsed.Seconds(), 1e-9)
	fmt.Fprintf(w, "%s: %d rows read: %d inserted, %d updated, %d unchanged, %d invalid skipped (batch %d, sha256 %.12s…, %s, %.0f rows/s)\n",
		r.File, r.Read, r.Inserted, r.Updated, r.Unchanged, r.Invalid, r.BatchID, r.SHA256, r.Elapsed.Round(time.Millisecond), rate)
	m.keptFields(r)
}

// keptFields says which fields the file lacks, whose stored values the import left as they were;
// it says nothing when no stored row was met.
func (m *Main) keptFields(r *store.ImportResult) {
	if len(r.Kept) > 0 && r.Updated+r.Unchanged > 0 {
		fmt.Fprintf(m.Stdout, "文件中没有这些字段，已有工单保留原值：%s\n", strings.Join(r.Kept, "、"))
	}
}

// progressBar prints rows and rows/s to a terminal; it is silent when stderr is not one.
type progressBar struct {
	m     *Main
	on    bool
	start time.Time
	last  time.Time
	rows  int
}

func (m *Main) progress() *progressBar {
	f, ok := m.Stderr.(*os.File)
	return &progressBar{m: m, on: ok && term.IsTerminal(int(f.Fd())), start: time.Now()}
}

func (b *progressBar) update(rows int) {
	b.rows = rows
	if !b.on || time.Since(b.last) < 200*time.Millisecond {
		return
	}
	b.last = time.Now()
	el := time.Since(b.start).Seconds()
	fmt.Fprintf(b.m.Stderr, "\r%10d rows  %8.0f rows/s  %5.1fs", rows, float64(rows)/max(el, 1e-9), el)
}

func (b *progressBar) done() {
	if b.on && !b.last.IsZero() {
		b.last = time.Time{}
		b.update(b.rows)
		fmt.Fprintln(b.m.Stderr)
	}
}

func (m *Main) runMigrate(ctx context.Context, args []string) error {
	var dsn string
	fs := m.flags("migrate", "migrate [--db DSN]")
	fs.StringVar(&dsn, "db", "", "database: SQLite path or postgres:// DSN (default $SANLV_DB, else sanlv.db)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	db, err := store.OpenConfig(ctx, store.Config{DSN: m.dsn(dsn), Logger: m.Logger, NoMigrate: true})
	if err != nil {
		return err
	}
	m.closers = append(m.closers, db.Close)
	applied, err := db.Migrate(ctx)
	if err != nil {
		return err
	}
	if len(applied) == 0 {
		fmt.Fprintf(m.Stdout, "%s: schema up to date\n", db)
		return nil
	}
	for _, name := range applied {
		fmt.Fprintf(m.Stdout, "%s: applied %s\n", db, name)
	}
	return nil
}
