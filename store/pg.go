package store

import (
	"context"
	"database/sql"
	"encoding/binary"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/uptrace/bun"

	"sanlv/scoring"
)

// withPgx runs fn with the native pgx connection under a pooled database/sql connection.
func withPgx(ctx context.Context, db *DB, fn func(c *pgx.Conn) error) error {
	conn, err := db.bun.DB.Conn(ctx)
	if err != nil {
		return dbError(err, "connect")
	}
	defer conn.Close()
	return conn.Raw(func(dc any) error {
		sc, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("not a pgx connection: %T", dc)
		}
		return fn(sc.Conn())
	})
}

// streamPG reads rows with pgx in the binary format, decoding the raw values without per-row
// allocation beyond the ticket id's string (and the text fields of a full read).
func streamPG(ctx context.Context, c *pgx.Conn, dir *scoring.Directory, texts int, query string, args []any, fn func(*scoring.Assignment) error) error {
	n := 3 + len(readCols) + texts
	formats := make(pgx.QueryResultFormats, n)
	for i := range formats {
		formats[i] = pgx.BinaryFormatCode
	}
	rows, err := c.Query(ctx, query, append([]any{formats}, args...)...)
	if err != nil {
		return dbError(err, "read assignments")
	}
	defer rows.Close()
	var a scoring.Assignment
	for rows.Next() {
		v := rows.RawValues()
		a = scoring.Assignment{TicketID: string(v[0])}
		for i, c := range readCols {
			cols[c].setNum(&a, beInt(v[3+i]))
		}
		for i, c := range textCols[:texts] {
			if s := v[3+len(readCols)+i]; len(s) > 0 {
				cols[c].setText(&a, string(s))
			}
		}
		unpack(&a, beInt(v[2]))
		if a.Unit, err = unitOf(dir, a.TicketID, v[1]); err != nil {
			return err
		}
		if err := fn(&a); err != nil {
			return err
		}
	}
	return dbError(rows.Err(), "read assignments")
}

// scanPG streams the rows of a window query with workers connections in parallel: the window is cut
// into time chunks (a row belongs to the chunk of its closed_at when that is in the window, else of its
// received_at) that the workers take in turn, every worker reading in the same exported snapshot.
// fn is called from worker w's goroutine with w.
func (db *DB) scanPG(ctx context.Context, dir *scoring.Directory, q Query, workers int, fn func(w int, a *scoring.Assignment) error) error {
	n := int64(workers * 4)
	chunks := make(chan []int64, n)
	for i := range n {
		chunks <- []int64{q.From + (q.To-q.From)*i/n, q.From + (q.To-q.From)*(i+1)/n}
	}
	close(chunks)
	conn, err := db.bun.DB.Conn(ctx)
	if err != nil {
		return dbError(err, "connect")
	}
	defer conn.Close()
	tx, err := conn.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true})
	if err != nil {
		return dbError(err, "begin")
	}
	defer tx.Rollback()
	var snapshot string
	if err := tx.QueryRowContext(ctx, "SELECT pg_export_snapshot()").Scan(&snapshot); err != nil {
		return dbError(err, "export snapshot")
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	errs := make(chan error, workers)
	for w := range workers {
		go func() {
			errs <- withPgx(ctx, db, func(c *pgx.Conn) error {
				wtx, err := c.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
				if err != nil {
					return dbError(err, "begin")
				}
				defer wtx.Rollback(context.WithoutCancel(ctx))
				if _, err := wtx.Exec(ctx, "SET TRANSACTION SNAPSHOT '"+snapshot+"'"); err != nil {
					return dbError(err, "import snapshot")
				}
				for ch := range chunks {
					query, args := db.selectQuery(q, ch)
					if err := streamPG(ctx, c, dir, q.texts(), query, args, func(a *scoring.Assignment) error { return fn(w, a) }); err != nil {
						return err
					}
				}
				return nil
			})
		}()
	}
	var first error
	for range workers {
		if err := <-errs; err != nil && first == nil {
			first = err
			cancel()
		}
	}
	return first
}

// beInt decodes a binary-format integer or boolean of 1, 2, 4 or 8 bytes; NULL (nil) is 0.
func beInt(v []byte) int64 {
	switch len(v) {
	case 1:
		return int64(v[0])
	case 2:
		return int64(int16(binary.BigEndian.Uint16(v)))
	case 4:
		return int64(int32(binary.BigEndian.Uint32(v)))
	case 8:
		return int64(binary.BigEndian.Uint64(v))
	}
	return 0
}

// pgLoader loads rows with COPY through pgx.
type pgLoader struct {
	conn   bun.Conn
	dir    *scoring.Directory
	direct bool
	batch  int64
}

func (l *pgLoader) load(ctx context.Context, batches <-chan []stageRow, free chan<- []stageRow) (int, error) {
	table, names := stageTable, []string{"row_no"}
	if l.direct {
		table, names = "assignments", nil
	}
	for _, c := range cols {
		names = append(names, c.name)
	}
	if l.direct {
		names = append(names, "batch_id")
	}
	src := &copySource{ctx: ctx, batches: batches, free: free, dir: l.dir, direct: l.direct, batch: l.batch}
	var n int64
	err := l.conn.Raw(func(dc any) error {
		sc, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("not a pgx connection: %T", dc)
		}
		var err error
		n, err = sc.Conn().CopyFrom(ctx, pgx.Identifier{table}, names, src)
		return err
	})
	if err != nil {
		src.drain()
		return int(n), dbError(err, "copy rows")
	}
	return int(n), nil
}

// copySource feeds CopyFrom from the reader's batches.
type copySource struct {
	ctx     context.Context
	batches <-chan []stageRow
	free    chan<- []stageRow
	dir     *scoring.Directory
	direct  bool
	batch   int64
	cur     []stageRow
	i       int
	vals    []any
	err     error
}

func (s *copySource) Next() bool {
	for {
		if s.i+1 < len(s.cur) {
			s.i++
			return true
		}
		if s.cur != nil {
			s.free <- s.cur
			s.cur = nil
		}
		select {
		case b, ok := <-s.batches:
			if !ok {
				return false
			}
			s.cur, s.i = b, -1
		case <-s.ctx.Done():
			s.err = s.ctx.Err()
			return false
		}
	}
}

func (s *copySource) Values() ([]any, error) {
	r := &s.cur[s.i]
	if s.direct {
		s.vals = append(values(s.vals[:0], &r.a, unitCode(s.dir, &r.a)), s.batch)
	} else {
		s.vals = values(append(s.vals[:0], int64(r.row)), &r.a, unitCode(s.dir, &r.a))
	}
	return s.vals, nil
}

func (s *copySource) Err() error { return s.err }

// drain returns the current batch after a failed copy so the reader is not left waiting.
func (s *copySource) drain() {
	if s.cur != nil {
		s.free <- s.cur
		s.cur = nil
	}
}
