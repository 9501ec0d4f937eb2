package store

import (
	"context"
	"errors"

	"sanlv/scoring"
)

// PageQuery selects assignments for one page of an API listing, in key order (ticket_id, unit; byte order).
type PageQuery struct {
	// From and To bound the window [From, To) in Unix seconds; both 0 selects every row.
	From, To int64
	Basis    Basis
	// Unit, when set, keeps only that unit's rows (by code).
	Unit string
	// Kind, when set, keeps only rows of that kind.
	Kind *scoring.Kind
	// After, when set, starts after the key (AfterTicket, AfterUnit).
	After                  bool
	AfterTicket, AfterUnit string
	// Limit caps the rows read; 0 reads until fn returns an error (ErrStop ends the read quietly).
	Limit int
}

// ErrStop, returned by the function given to Page, ends the read without an error.
const ErrStop = stopError("stop reading")

// stopError is the type of ErrStop, a constant so that no package can replace it.
type stopError string

func (e stopError) Error() string { return string(e) }

// Page streams the assignments q selects in key order, exclusions and corrections applied, with their
// unit indexes in dir; the *Assignment passed to fn is reused. Every field is read, caller_phone
// included: the caller masks it.
func (db *DB) Page(ctx context.Context, dir *scoring.Directory, q PageQuery, fn func(*scoring.Assignment) error) error {
	err := db.Stream(ctx, dir, Query{From: q.From, To: q.To, Basis: q.Basis, Unit: q.Unit, Kind: q.Kind, Ordered: true,
		After: q.After, AfterTicket: q.AfterTicket, AfterUnit: q.AfterUnit, Limit: q.Limit}, fn)
	if errors.Is(err, ErrStop) {
		return nil
	}
	return err
}

// Batches lists the import batches, newest first; limit 0 means 100.
func (db *DB) Batches(ctx context.Context, limit int) ([]Batch, error) {
	if limit <= 0 {
		limit = 100
	}
	var out []Batch
	err := db.bun.NewSelect().Model(&out).OrderExpr("id DESC").Limit(int64(limit)).Scan(ctx)
	return out, dbError(err, "list import batches")
}

// LatestEdition returns the number of the latest edition of a period, 0 when it has none.
func (db *DB) LatestEdition(ctx context.Context, period string) (int, error) {
	var n []int
	err := db.bun.NewSelect().Model((*Edition)(nil)).Column("number").Where("period = ?", period).
		OrderExpr("number DESC").Limit(1).Scan(ctx, &n)
	if err != nil {
		return 0, dbError(err, "latest edition of %s", period)
	}
	if len(n) == 0 {
		return 0, nil
	}
	return n[0], nil
}
