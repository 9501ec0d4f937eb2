package store

import (
	"bytes"
	"context"
	"fmt"
	"io"

	"sanlv/imports"
	"sanlv/scoring"
)

// ImportRows imports rows as if a tickets file had them (test seam: the store's staging, COPY, merge and
// audit run as for a file). A row's Unit is its index in the stored directory; name's bytes stand for
// the file's content (its SHA-256).
func ImportRows(ctx context.Context, db *DB, name string, rows []scoring.Assignment, opt ImportOptions) (*ImportResult, error) {
	content := fmt.Sprintf("%s %d %+v %v", name, len(rows), rows, opt.Present)
	return db.importTickets(ctx, name, bytes.NewReader([]byte(content)), opt,
		func(r io.Reader, _ *scoring.Directory, _ imports.Options, emit func(int, *scoring.Assignment) error) (*imports.Report, error) {
			for i := range rows {
				if err := emit(i+2, &rows[i]); err != nil {
					return nil, err
				}
			}
			return &imports.Report{File: name, Rows: len(rows), Valid: len(rows)}, nil
		})
}

// FieldColumn is one declared ticket field as the schema test sees it.
type FieldColumn struct {
	Field, Column      string
	SQLite, Postgres   string
	Personal, Override bool
}

// FieldColumns lists the declared ticket fields with the SQL type each dialect stores them as.
func FieldColumns() []FieldColumn {
	out := make([]FieldColumn, len(cols))
	for i, c := range cols {
		out[i] = FieldColumn{Field: c.field, Column: c.name, SQLite: c.sqlType(false), Postgres: c.sqlType(true),
			Personal: c.personal, Override: c.override}
	}
	return out
}
