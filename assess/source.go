package assess

import (
	"context"
	"fmt"

	"sanlv/exports"
	"sanlv/scoring"
	"sanlv/store"
)

// Source is where the rows of an operation come from: the database, or a units and a tickets file.
type Source interface {
	// Books scores each spec's periods under its policy, with their adjustments, in one read of the rows.
	Books(ctx context.Context, specs []store.BookSpec) ([]*scoring.Book, error)
	// Rows streams every row whose basis instant lies in period pi of b (Book.WindowOf: in the
	// policy's scope or not), in key order from the database or file order from a file; of one unit
	// when unit (a code) is set. The *Assignment passed to fn may be reused.
	Rows(ctx context.Context, b *scoring.Book, pi int, unit string, fn func(*scoring.Assignment) error) error
	// History streams every row of a unit received before the instant to, in any order: rows of
	// earlier periods count in a period's overdue-open, closure and repeats (SPEC §13.6, §13.7).
	History(ctx context.Context, b *scoring.Book, unit string, to int64, fn func(*scoring.Assignment) error) error
	// Previous returns the card period id went out with and how a bulletin names it; ok is false when
	// the source keeps no such record (files), and the caller scores the period itself.
	Previous(ctx context.Context, p *scoring.Policy, id string) (c scoring.Card, label string, ok bool, err error)
	// Circulated returns the card of each period of b as it went out, and the edition each came
	// from (0: scored now).
	Circulated(ctx context.Context, b *scoring.Book) ([]scoring.Card, []int, error)
}

// Book scores periods under p from src.
func Book(ctx context.Context, src Source, p *scoring.Policy, periods []scoring.Period) (*scoring.Book, error) {
	bs, err := src.Books(ctx, []store.BookSpec{{Policy: p, Periods: periods}})
	if err != nil {
		return nil, err
	}
	return bs[0], nil
}

// DB is the database as a Source.
type DB struct{ *store.DB }

// Books scores the specs from the stored rows in one read.
func (d DB) Books(ctx context.Context, specs []store.BookSpec) ([]*scoring.Book, error) {
	return d.DB.Books(ctx, specs) // with the calendar hint when a year is missing
}

// Rows streams the stored rows of period pi of b in key order: those received or closed in the
// period's window whose basis instant lies in it.
func (d DB) Rows(ctx context.Context, b *scoring.Book, pi int, unit string, fn func(*scoring.Assignment) error) error {
	per := b.Periods()[pi]
	return d.Stream(ctx, b.Directory(), store.Query{From: per.Start, To: per.End, Basis: store.ByEither, Unit: unit, Ordered: true},
		func(a *scoring.Assignment) error {
			if b.WindowOf(a) != pi {
				return nil
			}
			return fn(a)
		})
}

// History streams the stored rows of a unit received before to, in no particular order (an
// explanation orders its lines by ticket).
func (d DB) History(ctx context.Context, b *scoring.Book, unit string, to int64, fn func(*scoring.Assignment) error) error {
	return d.Stream(ctx, b.Directory(), store.Query{To: to, Basis: store.ByReceived, Unit: unit}, fn)
}

// Previous returns the card period id was published with (its latest edition), else the card its
// stored rows give now under p.
func (d DB) Previous(ctx context.Context, p *scoring.Policy, id string) (scoring.Card, string, bool, error) {
	c, n, err := d.DB.CirculatedEdition(ctx, p, id)
	if err != nil {
		return c, "", false, err
	}
	label := exports.PeriodLabel(id) + fmt.Sprintf("第%d版", n)
	if n == 0 {
		label = exports.PeriodLabel(id) + "（未发布，按现有数据计算）"
	}
	return c, label, true, nil
}

// Circulated returns each period's latest edition published under b's policy, else the card b scores now.
func (d DB) Circulated(ctx context.Context, b *scoring.Book) ([]scoring.Card, []int, error) {
	return store.CirculatedCards(ctx, d.DB, b)
}
