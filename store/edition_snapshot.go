package store

import (
	"context"
	"reflect"

	"sanlv/scoring"
)

// snapshotTries bounds how often a publish reads again because units or adjustments changed during its read.
const snapshotTries = 5

// editionSnapshot is what an edition freezes, all from one state of the stored inputs.
type editionSnapshot struct {
	book   *scoring.Book
	digest string
	rows   int64
	points []scoring.PointLine
	// window is every row whose basis instant lies in the period, in scope or not, in key order.
	window []scoring.Assignment
}

// snapshot scores a period for publishing. The rows are read in one statement (one consistent state on
// both dialects) that feeds the book, the digest and the copies of the period's rows the point lines
// are judged from once the book is finished; the units and the adjustments are read before it and again
// after it, and the read starts over when they changed meanwhile, so that the edition's scorecards, its
// 扣分明细 and its digest always describe one state of the data. The period's rows are held in
// memory for the point lines and the publisher's Freezer.
func (db *DB) snapshot(ctx context.Context, p *scoring.Policy, per scoring.Period) (editionSnapshot, error) {
	for range snapshotTries {
		s, stable, err := db.snapshotOnce(ctx, p, per)
		if err != nil {
			return s, WithCalendarHint(p, err)
		}
		if stable {
			return s, nil
		}
	}
	return editionSnapshot{}, conflict("%s 的单位或加减分在发布时不断变化，请稍后重新发布", per.ID)
}

// snapshotOnce is one attempt of snapshot; stable is false when units or adjustments changed during the read.
func (db *DB) snapshotOnce(ctx context.Context, p *scoring.Policy, per scoring.Period) (s editionSnapshot, stable bool, err error) {
	us, err := db.Units(ctx)
	if err != nil {
		return s, false, err
	}
	adjs, err := db.Adjustments(ctx, AdjustmentFilter{Periods: []string{per.ID}})
	if err != nil {
		return s, false, err
	}
	var book *scoring.Book
	var kept []scoring.Assignment
	rowsDigest, n, err := db.digestUnits(ctx, us, per.Start, per.End, func(dir *scoring.Directory, a *scoring.Assignment) error {
		if book == nil {
			if book, err = scoring.NewBook(p, dir, []scoring.Period{per}); err != nil {
				return err
			}
		}
		if book.WindowOf(a) == 0 {
			kept = append(kept, *a)
		}
		return book.Add(a)
	})
	if err != nil {
		return s, false, err
	}
	if book == nil { // no rows at all
		dir, err := scoring.NewDirectory(us)
		if err != nil {
			return s, false, err
		}
		if book, err = scoring.NewBook(p, dir, []scoring.Period{per}); err != nil {
			return s, false, err
		}
	}
	sadjs := make([]scoring.Adjustment, len(adjs))
	for i, a := range adjs {
		sadjs[i] = a.Scoring()
	}
	if err := FinishBook(book, sadjs); err != nil {
		return s, false, err
	}
	var points []scoring.PointLine
	dir := book.Directory()
	for i := range kept {
		if book.PeriodOf(&kept[i]) != 0 {
			continue
		}
		l, err := book.Line(&kept[i])
		if err != nil {
			return s, false, err
		}
		points = scoring.AppendPointLines(points, dir.Unit(kept[i].Unit), &l)
	}
	scoring.SortPointLines(points, dir)
	usAfter, err := db.Units(ctx)
	if err != nil {
		return s, false, err
	}
	adjsAfter, err := db.Adjustments(ctx, AdjustmentFilter{Periods: []string{per.ID}})
	if err != nil {
		return s, false, err
	}
	if !reflect.DeepEqual(us, usAfter) || !reflect.DeepEqual(adjs, adjsAfter) {
		return s, false, nil
	}
	return editionSnapshot{book: book, digest: withAdjustments(rowsDigest, adjs), rows: n, points: points, window: kept}, true, nil
}
