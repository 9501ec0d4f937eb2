package store

import (
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
// Rows stream from the reader through a bounded channel into a staging table (COPY on PostgreSQL,
// multi-row INSERT on SQLite) and are merged with one INSERT … ON CONFLICT DO UPDATE … WHERE changed,
// so memory stays flat whatever the file's size.
func (db *DB) ImportTickets(ctx context.Context, name string, r io.Reader, opt ImportOptions) (*ImportResult, error) {
	start := db.now()
	loc, err := db.location(ctx, opt.Loc)
	if err != nil {
		return nil, err
	}
	res := &ImportResult{File: name}
	hr := newHashingReader(r)
	err = db.runImport(ctx, name, func(conn bun.Conn, tx bun.Tx) error {
		dir, err := directory(ctx, tx)
		if err != nil {
			return err
		}
		if dir.Len() == 0 {
			return invalid("%s: no units stored yet: import the units file first", name)
		}
		st := db.stager(conn, tx, dir)
		if err := st.create(ctx); err != nil {
			return err
		}
		ropt := imports.Options{Loc: loc, Mapping: opt.Mapping, MaxErrors: opt.MaxErrors}
		rep, staged, err := pipe(ctx, st, dir, func(emit func(int, *scoring.Assignment) error) (*imports.Report, error) {
			return imports.Tickets(name, hr, dir, ropt, emit)
		}, opt.Progress)
		if err != nil {
			return err
		}
		db.log.Debug("staged", "file", name, "rows", staged, "elapsed", db.now().Sub(start))
		res.Report = rep
		res.Read, res.Invalid = rep.Rows, rep.Invalid
		if res.SHA256, err = hr.sum(); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		if rep.Invalid > 0 {
			if !opt.KeepValid {
				return rep.Err()
			}
			// The reader passes a duplicate row on before it knows it is one; keep the first row of a key.
			if staged, err = st.dropDuplicates(ctx, staged); err != nil {
				return err
			}
		}
		if res.AlreadyImported, err = alreadyImported(ctx, tx, "tickets", res.SHA256); err != nil {
			return err
		}
		b, err := db.newBatch(ctx, tx, "tickets", name, res.SHA256, opt.Actor, start)
		if err != nil {
			return err
		}
		ins, upd, err := st.merge(ctx, staged, b.ID, opt.Actor, "import "+name)
		if err != nil {
			return err
		}
		db.log.Debug("merged", "file", name, "inserted", ins, "updated", upd, "elapsed", db.now().Sub(start))
		res.Inserted, res.Updated = ins, upd
		res.Unchanged = staged - ins - upd
		if err := st.drop(ctx); err != nil {
			return err
		}
		if !res.Changed() {
			return errNothingChanged
		}
		res.BatchID = b.ID
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

// stager loads rows into a per-transaction staging table and merges them into assignments.
type stager interface {
	create(ctx context.Context) error
	// load consumes batches until the channel closes, returning each to free; it returns the rows loaded.
	load(ctx context.Context, batches <-chan []stageRow, free chan<- []stageRow) (int, error)
	dropDuplicates(ctx context.Context, staged int) (int, error)
	merge(ctx context.Context, staged int, batch int64, actor, why string) (inserted, updated int, err error)
	drop(ctx context.Context) error
}

func (db *DB) stager(conn bun.Conn, tx bun.Tx, dir *scoring.Directory) stager {
	if db.pg {
		return &pgStage{db: db, conn: conn, tx: tx, dir: dir}
	}
	return &sqliteStage{db: db, tx: tx, dir: dir}
}

// pipe runs read in a goroutine, passing its rows in batches to st.load, and returns the report and
// the number of rows staged. A load failure stops the reader; a reader failure is returned as is.
func pipe(ctx context.Context, st stager, dir *scoring.Directory,
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
	staged, lerr := st.load(ctx, batches, free)
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
