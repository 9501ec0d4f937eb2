package store

import (
	"context"

	"gopkg.in/yaml.v3"

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
	q := Query{From: from, To: to, Basis: ByScoring, Lean: true, NoPolicyText: true}
	for _, s := range specs {
		if usesTexts(s.Policy) {
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

// usesTexts reports whether a policy has a scope or a repeat window (SPEC §13.2, §13.7): the only rules
// that read category, caller_phone, channel and hotline, which cost a fifth of a year's read.
// TODO(lead): ask the engine (a Policy method) once it has one, instead of the YAML's keys.
func usesTexts(p *scoring.Policy) bool {
	type keys struct {
		Scope      any `yaml:"scope"`
		Duplicates any `yaml:"duplicates"`
	}
	var f struct {
		Scope      any             `yaml:"scope"`
		Duplicates any             `yaml:"duplicates"`
		Groups     map[string]keys `yaml:"groups"`
	}
	if len(p.Source) == 0 || yaml.Unmarshal(p.Source, &f) != nil {
		return true
	}
	if f.Scope != nil || f.Duplicates != nil {
		return true
	}
	for _, g := range f.Groups {
		if g.Scope != nil || g.Duplicates != nil {
			return true
		}
	}
	return false
}

// adjustable is the second-edition engine's book: it takes adjustments (SPEC §13.10).
type adjustable interface {
	AddAdjustments([]scoring.Adjustment) error
}

// finisher is a book that needs every row before it can score (repeat windows, SPEC §13.7).
type finisher interface {
	Finish() error
}

// EngineTakesAdjustments reports whether this build's scoring book takes adjustments.
func EngineTakesAdjustments() bool {
	_, ok := any(&scoring.Book{}).(adjustable)
	return ok
}

// FinishBook gives a book built from every row its adjustments, then finishes it when the engine asks to.
// TODO(lead): once scoring.Book has AddAdjustments (and Finish), call them directly here.
func FinishBook(b *scoring.Book, adjs []scoring.Adjustment) error {
	if len(adjs) > 0 {
		ab, ok := any(b).(adjustable)
		if !ok {
			return scoring.Errorf(scoring.Internal, "this build's scoring engine cannot apply adjustments (%d recorded)", len(adjs))
		}
		if err := ab.AddAdjustments(adjs); err != nil {
			return err
		}
	}
	if f, ok := any(b).(finisher); ok {
		return f.Finish()
	}
	return nil
}
