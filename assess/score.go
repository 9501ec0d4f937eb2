package assess

import (
	"context"

	"sanlv/exports"
	"sanlv/scoring"
	"sanlv/store"
)

// Card is the card of b's last period. With two periods (a previous one asked for first) each
// unit's rank change is against the previous as b scores it; with one, against the previous period
// as it went out (src.Previous), when the source keeps that record.
func Card(ctx context.Context, src Source, b *scoring.Book) (scoring.Card, error) {
	if n := len(b.Periods()); n > 1 {
		return b.CardWithTrend(n-1, n-2), nil
	}
	c := b.Card(0)
	p := b.Policy()
	prevID, err := scoring.Previous(c.Period.ID)
	if err != nil {
		return c, err
	}
	if _, err := scoring.ParsePeriod(prevID, p.StartDay, p.Loc); err != nil {
		return c, nil // the first period there can be has no previous one
	}
	prev, _, ok, err := src.Previous(ctx, p, prevID)
	if err != nil || !ok {
		return c, err
	}
	scoring.AddTrend(&c, prev)
	return c, nil
}

// Periods returns the periods of id under p, with previous (when set) first.
func Periods(p *scoring.Policy, id, previous string) ([]scoring.Period, error) {
	cur, err := scoring.ParsePeriod(id, p.StartDay, p.Loc)
	if err != nil {
		return nil, scoring.Errorf(scoring.Invalid, "period: %v", err)
	}
	if previous == "" {
		return []scoring.Period{cur}, nil
	}
	pp, err := scoring.ParsePeriod(previous, p.StartDay, p.Loc)
	if err != nil {
		return nil, scoring.Errorf(scoring.Invalid, "previous period: %v", err)
	}
	if pp.End > cur.Start {
		return nil, scoring.Errorf(scoring.Invalid, "previous period %s must end before %s starts", previous, id)
	}
	return []scoring.Period{pp, cur}, nil
}

// Explain lists every row of a unit (by code) behind its scorecard of b's last period: the rows of
// the period and the rows of earlier periods that count in it.
func Explain(ctx context.Context, src Source, b *scoring.Book, unit string) (scoring.Explanation, error) {
	pi := len(b.Periods()) - 1
	u, ok := b.Directory().Lookup(unit)
	if !ok {
		return scoring.Explanation{}, scoring.Errorf(scoring.NotFound, "unit %s not found", unit)
	}
	code := b.Directory().Unit(u).Code
	var rows []scoring.Assignment
	err := src.History(ctx, b, code, b.Periods()[pi].End, func(a *scoring.Assignment) error {
		rows = append(rows, *a)
		return nil
	})
	if err != nil {
		return scoring.Explanation{}, err
	}
	return b.Explain(pi, u, rows)
}

// Annual is the year-end appraisal under p: from the months as they went out (each month's latest
// edition under p, else scored now) unless the policy pools the year; editions[i] is the edition
// of month i (0: scored now).
func Annual(ctx context.Context, src Source, p *scoring.Policy, year string) (a scoring.Annual, editions []int, err error) {
	periods, err := p.AnnualPeriods(year)
	if err != nil {
		return a, nil, scoring.Errorf(scoring.Invalid, "year: %v", err)
	}
	b, err := Book(ctx, src, p, periods)
	if err != nil {
		return a, nil, err
	}
	if p.AnnualPooled {
		return b.Annual(year), nil, nil
	}
	cards, editions, err := src.Circulated(ctx, b)
	if err != nil {
		return a, nil, err
	}
	return b.AnnualOf(year, cards), editions, nil
}

// WhatIf scores a period under pa and pb in one read of the rows and compares them; sides says
// which policies and windows the workbook shows.
func WhatIf(ctx context.Context, src Source, pa, pb *scoring.Policy, id string) (scoring.WhatIf, exports.WhatIfSides, error) {
	sides := exports.WhatIfSides{A: pa, B: pb}
	var specs []store.BookSpec
	for _, x := range []struct {
		p *scoring.Policy
		w *scoring.PeriodInfo
	}{{pa, &sides.AWindow}, {pb, &sides.BWindow}} {
		per, err := scoring.ParsePeriod(id, x.p.StartDay, x.p.Loc)
		if err != nil {
			return scoring.WhatIf{}, sides, scoring.Errorf(scoring.Invalid, "period: %v", err)
		}
		*x.w = per.Info(x.p.Loc)
		specs = append(specs, store.BookSpec{Policy: x.p, Periods: []scoring.Period{per}})
	}
	bs, err := src.Books(ctx, specs)
	if err != nil {
		return scoring.WhatIf{}, sides, err
	}
	return scoring.Compare(bs[0].Card(0), bs[1].Card(0)), sides, nil
}
