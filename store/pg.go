package store

import (
	"context"
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

// streamPG reads rows with pgx in the binary format, decoding the raw values without per-row allocation
// beyond the ticket id's string.
func (db *DB) streamPG(ctx context.Context, dir *scoring.Directory, cs []column, query string, args []any, fn func(*scoring.Assignment) error) error {
	formats := make(pgx.QueryResultFormats, len(cs))
	for i := range formats {
		formats[i] = pgx.BinaryFormatCode
	}
	return withPgx(ctx, db, func(c *pgx.Conn) error {
		rows, err := c.Query(ctx, query, append([]any{formats}, args...)...)
		if err != nil {
			return dbError(err, "read assignments")
		}
		defer rows.Close()
		var a scoring.Assignment
		for rows.Next() {
			raw := rows.RawValues()
			a = scoring.Assignment{}
			for i, c := range cs {
				v := raw[i]
				var n int64
				if c.typ != cText {
					n = beInt(v)
				}
				if err := set(&a, dir, c, v, n); err != nil {
					return err
				}
			}
			if err := fn(&a); err != nil {
				return err
			}
		}
		return dbError(rows.Err(), "read assignments")
	})
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

// pgStage loads the staging table with COPY through pgx.
type pgStage struct {
	db   *DB
	conn bun.Conn
	tx   bun.Tx
	dir  *scoring.Directory
}

func (s *pgStage) create(ctx context.Context) error {
	_, err := s.tx.ExecContext(ctx, stageDDL(true))
	return dbError(err, "staging table")
}

func (s *pgStage) load(ctx context.Context, batches <-chan []stageRow, free chan<- []stageRow) (int, error) {
	names := []string{"row_no"}
	for _, c := range cols {
		names = append(names, c.name)
	}
	src := &copySource{ctx: ctx, batches: batches, free: free, dir: s.dir}
	var n int64
	err := s.conn.Raw(func(dc any) error {
		sc, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("not a pgx connection: %T", dc)
		}
		var err error
		n, err = sc.Conn().CopyFrom(ctx, pgx.Identifier{stageTable}, names, src)
		return err
	})
	if err != nil {
		src.drain()
		return int(n), dbError(err, "copy rows")
	}
	return int(n), nil
}

func (s *pgStage) dropDuplicates(ctx context.Context, staged int) (int, error) {
	return dropDuplicates(ctx, s.tx, staged)
}

func (s *pgStage) merge(ctx context.Context, staged int, batch int64, actor, why string) (int, int, error) {
	if _, err := s.tx.ExecContext(ctx, "ANALYZE "+stageTable); err != nil {
		return 0, 0, dbError(err, "analyze staged rows")
	}
	return merge(ctx, s.db, s.tx, staged, batch, actor, why)
}

// drop leaves the table to ON COMMIT DROP.
func (s *pgStage) drop(ctx context.Context) error { return nil }

// copySource feeds CopyFrom from the reader's batches.
type copySource struct {
	ctx     context.Context
	batches <-chan []stageRow
	free    chan<- []stageRow
	dir     *scoring.Directory
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
	s.vals = append(s.vals[:0], int64(r.row))
	s.vals = values(s.vals, &r.a, unitCode(s.dir, &r.a))
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
