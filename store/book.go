package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"sanlv/scoring"
)

// BookSpec asks for a scoring book: a policy and its sorted, non-overlapping periods.
type BookSpec struct {
	Policy  *scoring.Policy
	Periods []scoring.Period
}

// Book builds a scoring book for the periods from the stored assignments, streamed with flat memory.
// It reads every row whose closed_at or received_at falls in the periods' span, so that both bases and
// the requests per 10k are counted as when scoring the files directly.
func (db *DB) Book(ctx context.Context, p *scoring.Policy, periods []scoring.Period) (*scoring.Book, error) {
	bs, err := db.Books(ctx, []BookSpec{{Policy: p, Periods: periods}})
	if err != nil {
		return nil, err
	}
	return bs[0], nil
}

// Books builds several books in one pass over the stored assignments (what-if: two policies, same data).
// On PostgreSQL the window is read by Config.ScanWorkers connections in parallel, each on a slice of
// the window, all in one exported snapshot, each into its own books, merged at the end.
func (db *DB) Books(ctx context.Context, specs []BookSpec) ([]*scoring.Book, error) {
	bs, err := db.books(ctx, specs)
	if err != nil && len(specs) > 0 {
		return nil, WithCalendarHint(specs[0].Policy, err)
	}
	return bs, err
}

func (db *DB) books(ctx context.Context, specs []BookSpec) ([]*scoring.Book, error) {
	dir, err := db.Directory(ctx)
	if err != nil {
		return nil, err
	}
	var from, to int64
	for i, s := range specs {
		if len(s.Periods) == 0 {
			return nil, invalid("book %d: no periods", i+1)
		}
		a, b := s.Periods[0].Start, s.Periods[len(s.Periods)-1].End
		if i == 0 || a < from {
			from = a
		}
		if i == 0 || b > to {
			to = b
		}
	}
	if from, err = db.scoringStart(ctx, from); err != nil {
		return nil, err
	}
	workers := 1
	if db.pg {
		workers = db.workers
	}
	// books[w][i] is worker w's book of spec i; the workers' books merge exactly at the end.
	books := make([][]*scoring.Book, workers)
	for w := range books {
		books[w] = make([]*scoring.Book, len(specs))
		for i, s := range specs {
			if books[w][i], err = scoring.NewBook(s.Policy, dir, s.Periods); err != nil {
				return nil, err
			}
		}
	}
	add := func(w int, a *scoring.Assignment) error {
		for _, b := range books[w] {
			if err := b.Add(a); err != nil {
				return err
			}
		}
		return nil
	}
	q := Query{From: from, To: to, Basis: ByEither, Lean: true, NoPolicyText: true}
	for _, s := range specs {
		if s.Policy.ReadsText() {
			q.NoPolicyText = false
		}
	}
	if workers > 1 {
		err = db.scanPG(ctx, dir, q, workers, add)
	} else {
		err = db.Stream(ctx, dir, q, func(a *scoring.Assignment) error { return add(0, a) })
	}
	if err != nil {
		return nil, err
	}
	for _, bs := range books[1:] {
		for i, b := range bs {
			if err := books[0][i].Merge(b); err != nil {
				return nil, err
			}
		}
	}
	for i, s := range specs {
		adjs, err := db.ScoringAdjustments(ctx, s.Periods)
		if err != nil {
			return nil, err
		}
		if err := FinishBook(books[0][i], adjs); err != nil {
			return nil, err
		}
	}
	return books[0], nil
}

// scoringStart returns where reading must start to score periods beginning at from: overdue-open rows,
// the closure rate and repeat requests (SPEC §13.6, §13.7) look at rows of earlier periods, so reads
// start at the earliest stored call.
func (db *DB) scoringStart(ctx context.Context, from int64) (int64, error) {
	var earliest sql.NullInt64
	if err := db.bun.DB.QueryRowContext(ctx, "SELECT min(received_at) FROM assignments").Scan(&earliest); err != nil {
		return 0, dbError(err, "read the earliest assignment")
	}
	if earliest.Valid && earliest.Int64 < from {
		return earliest.Int64, nil
	}
	return from, nil
}

// FinishBook gives a book built from every row its adjustments (SPEC §13.10), then finishes it.
func FinishBook(b *scoring.Book, adjs []scoring.Adjustment) error {
	if err := b.AddAdjustments(adjs); err != nil {
		return err
	}
	return b.Finish()
}

// calendarYear finds the year a calendar error says is missing.
var calendarYear = regexp.MustCompile(`(?:reaches|calendar for) (\d{4})`)

// CalendarHint says how to add the calendar a deadline needs, when err is about a missing year:
// the name follows the policy's last calendar (cn-2027 after cn-2026, us-2027 after us-2026).
func CalendarHint(p *scoring.Policy, err error) string {
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
	return fmt.Sprintf("; add the calendar and name it in the policy: sanlv calendar import %s.yaml (API: POST /api/v1/calendars; "+
		"scoring files: --calendars DIR with %s.yaml)", name, name)
}

// WithCalendarHint adds CalendarHint to err, keeping its code so that the API answers it as before.
func WithCalendarHint(p *scoring.Policy, err error) error {
	hint := CalendarHint(p, err)
	if hint == "" {
		return err
	}
	var e *scoring.Error
	if errors.As(err, &e) {
		return &scoring.Error{Code: e.Code, Message: err.Error() + hint, Fields: e.Fields}
	}
	return fmt.Errorf("%w%s", err, hint)
}
