package store

import (
	"bufio"
	"context"
	"fmt"
	"io"

	"github.com/uptrace/bun"

	"sanlv/imports"
	"sanlv/scoring"
)

// stageRow is one valid row of a tickets file on its way to the staging table.
type stageRow struct {
	row int
	a   scoring.Assignment
}

// batchSize is how many rows travel together from the reader to the staging loader.
const batchSize = 1024

// ImportTickets reads a tickets file (CSV or XLSX, SPEC §3.2) and stores its assignments in one
// transaction: new keys are inserted, changed rows updated (the audit log keeps their old values),
// identical rows left alone. With invalid rows nothing is stored unless opt.KeepValid; the error is
// then the report's *scoring.Error and the result still carries the full report.
// Importing the same file again stores nothing and says so (AlreadyImported, all rows Unchanged).
//
// Rows stream from the reader through a bounded channel into the database (COPY on PostgreSQL,
// multi-row INSERT on SQLite), so memory stays flat whatever the file's size. Into an empty table
// they go straight into assignments, its indexes and keys rebuilt at the end; otherwise they go into
// a staging table and are merged with one INSERT … ON CONFLICT DO UPDATE … WHERE changed.
// PostgreSQL imports take a SHARE ROW EXCLUSIVE lock on assignments (one import at a time, readers
// welcome); a bulk load (into an empty table, or a file at least as large as the table) drops and
// rebuilds keys and indexes, so its readers wait until it commits.
func (db *DB) ImportTickets(ctx context.Context, name string, r io.Reader, opt ImportOptions) (*ImportResult, error) {
	return db.importTickets(ctx, name, r, opt, func(r io.Reader, dir *scoring.Directory, ropt imports.Options, emit func(int, *scoring.Assignment) error) (*imports.Report, error) {
		return imports.Tickets(name, r, dir, ropt, emit)
	})
}

// readTickets reads a tickets file from r, passing each valid row to emit (imports.Tickets).
type readTickets func(r io.Reader, dir *scoring.Directory, ropt imports.Options, emit func(int, *scoring.Assignment) error) (*imports.Report, error)

// importTickets is ImportTickets with the reader given.
func (db *DB) importTickets(ctx context.Context, name string, r io.Reader, opt ImportOptions, read readTickets) (*ImportResult, error) {
	start := db.now()
	if err := checkPresent(opt.Present); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	loc, err := db.location(ctx, opt.Loc)
	if err != nil {
		return nil, err
	}
	res := &ImportResult{File: name}
	br := bufio.NewReaderSize(r, 1<<16)
	hr := newHashingReader(br)
	ropt := imports.Options{Loc: loc, Mapping: opt.Mapping, MaxErrors: opt.MaxErrors}
	var sp *spool
	if opt.ReadFirst || isWorkbook(br) { // a workbook reads slowly: read it before the transaction
		if sp, err = db.spoolTickets(ctx, name, hr, ropt); err != nil {
			return res, err
		}
		defer sp.close()
		if sp.rep.Invalid > 0 && !opt.KeepValid && sp.dir.Len() > 0 { // refused before any transaction
			maskReport(sp.rep)
			res.Report, res.Read, res.Invalid = sp.rep, sp.rep.Rows, sp.rep.Invalid
			res.SHA256, _ = hr.sum()
			res.Elapsed = db.now().Sub(start)
			return res, sp.rep.Err()
		}
	}
	err = db.runImport(ctx, name, func(conn bun.Conn, tx bun.Tx) error {
		if db.pg {
			if _, err := tx.ExecContext(ctx, "LOCK TABLE assignments IN SHARE ROW EXCLUSIVE MODE"); err != nil {
				return dbError(err, "lock assignments")
			}
		}
		dir, err := directory(ctx, tx)
		if err != nil {
			return err
		}
		if dir.Len() == 0 {
			return invalid("%s: no units stored yet: import the units file first", name)
		}
		var stored bool
		if err := tx.NewRaw("SELECT EXISTS (SELECT 1 FROM assignments)").Scan(ctx, &stored); err != nil {
			return dbError(err, "count assignments")
		}
		b, err := db.newBatch(ctx, tx, "tickets", name, "", opt.Actor, start)
		if err != nil {
			return err
		}
		direct := !stored
		var restore []string
		if direct {
			if restore, err = dropKeys(ctx, tx, db.pg, true); err != nil {
				return err
			}
		} else if err := createStage(ctx, tx, db.pg); err != nil {
			return err
		}
		ld := db.loader(conn, tx, dir, direct, b.ID)
		rep, loaded, err := pipe(ctx, ld, func(emit func(int, *scoring.Assignment) error) (*imports.Report, error) {
			if sp != nil {
				return sp.replay(dir, emit)
			}
			return read(hr, dir, ropt, emit)
		}, opt.Progress)
		if err != nil {
			return err
		}
		db.log.Debug("loaded", "file", name, "rows", loaded, "direct", direct, "elapsed", db.now().Sub(start))
		maskReport(rep)
		res.Report = rep
		res.Read, res.Invalid = rep.Rows, rep.Invalid
		present := opt.Present
		if present == nil && rep.Present != nil {
			present = map[string]bool{}
			for _, f := range rep.Present {
				present[f] = true
			}
		}
		res.Kept = keptFields(present)
		if res.SHA256, err = hr.sum(); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		if rep.Invalid > 0 {
			if !opt.KeepValid {
				return rep.Err()
			}
			// The reader passes a duplicate row on before it knows it is one; keep the first row of a key.
			if loaded, err = dropDuplicates(ctx, tx, db.pg, direct, loaded); err != nil {
				return err
			}
		}
		if res.AlreadyImported, err = alreadyImported(ctx, tx, "tickets", res.SHA256); err != nil {
			return err
		}
		if direct {
			res.Inserted = loaded
			if err := rebuild(ctx, db, tx, restore); err != nil {
				return err
			}
		} else {
			if res.Inserted, res.Updated, err = merge(ctx, db, tx, loaded, b.ID, opt.Actor, "import "+name, present); err != nil {
				return err
			}
			if err := dropStage(ctx, tx, db.pg); err != nil {
				return err
			}
		}
		db.log.Debug("stored", "file", name, "inserted", res.Inserted, "updated", res.Updated, "elapsed", db.now().Sub(start))
		res.Unchanged = loaded - res.Inserted - res.Updated
		if !res.Changed() {
			return errNothingChanged
		}
		res.BatchID = b.ID
		b.SHA256 = res.SHA256
		return db.finishBatch(ctx, tx, b, res)
	})
	res.Elapsed = db.now().Sub(start)
	if err != nil {
		return res, err
	}
	db.log.Info("imported tickets", "file", name, "read", res.Read, "inserted", res.Inserted,
		"updated", res.Updated, "unchanged", res.Unchanged, "invalid", res.Invalid, "elapsed", res.Elapsed)
	return res, nil
}

// loader streams rows into the staging table, or straight into assignments (direct).
type loader interface {
	// load consumes batches until the channel closes, returning each to free; it returns the rows stored.
	load(ctx context.Context, batches <-chan []stageRow, free chan<- []stageRow) (int, error)
}

func (db *DB) loader(conn bun.Conn, tx bun.Tx, dir *scoring.Directory, direct bool, batch int64) loader {
	if db.pg {
		return &pgLoader{conn: conn, dir: dir, direct: direct, batch: batch}
	}
	return &sqliteLoader{conn: conn, dir: dir, direct: direct, batch: batch}
}

// pipe runs read in a goroutine, passing its rows in batches to st.load, and returns the report and
// the number of rows staged. A load failure stops the reader; a reader failure is returned as is.
func pipe(ctx context.Context, ld loader,
	read func(emit func(int, *scoring.Assignment) error) (*imports.Report, error), progress func(int)) (*imports.Report, int, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	const inFlight = 4
	batches := make(chan []stageRow, inFlight)
	free := make(chan []stageRow, inFlight+2)
	for range inFlight + 2 {
		free <- make([]stageRow, 0, batchSize)
	}
	type result struct {
		rep *imports.Report
		err error
	}
	done := make(chan result, 1)
	go func() {
		var cur []stageRow
		rows := 0
		send := func() error {
			select {
			case batches <- cur:
				cur = nil
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		rep, err := read(func(row int, a *scoring.Assignment) error {
			if cur == nil {
				select {
				case cur = <-free:
				case <-ctx.Done():
					return ctx.Err()
				}
				cur = cur[:0]
			}
			cur = append(cur, stageRow{row: row, a: *a})
			rows++
			if progress != nil && rows%progressEvery == 0 {
				progress(rows)
			}
			if len(cur) == batchSize {
				return send()
			}
			return nil
		})
		if err == nil && len(cur) > 0 {
			err = send()
		}
		if progress != nil && err == nil {
			progress(rows)
		}
		close(batches)
		done <- result{rep, err}
	}()
	staged, lerr := ld.load(ctx, batches, free)
	if lerr != nil {
		cancel()
		for range batches { // let the reader finish
		}
	}
	r := <-done
	if lerr != nil {
		return nil, 0, lerr
	}
	if r.err != nil {
		return nil, 0, r.err
	}
	if r.rep == nil {
		return nil, 0, fmt.Errorf("reader returned no report")
	}
	return r.rep, staged, nil
}

// keptFields lists, in table order, the ticket fields a file without them leaves as stored; nil when present is nil (every field).
func keptFields(present map[string]bool) []string {
	if present == nil {
		return nil
	}
	var kept []string
	for _, c := range cols {
		if c.field != "" && !present[c.field] {
			kept = append(kept, c.field)
		}
	}
	return kept
}

// checkPresent refuses a field set naming a field that is not a ticket field.
func checkPresent(present map[string]bool) error {
	for f := range present {
		known := false
		for _, c := range cols {
			known = known || c.field == f
		}
		if !known {
			return invalid("unknown ticket field %q", f)
		}
	}
	return nil
}
