package scoring

import (
	"sort"
	"time"
)

// Contribution is what one assignment adds to one rate's numerator and denominator; raw rates
// (SPEC §13.8) are named raw_response, raw_resolution, raw_satisfaction and raw_on_time.
type Contribution struct {
	Rate string  `json:"rate"`
	Num  float64 `json:"num"`
	Den  float64 `json:"den"`
}

// RulePoints is the points one rule gave one assignment.
type RulePoints struct {
	Label  string  `json:"label"`
	Points float64 `json:"points"`
}

// Repeat sources of an explanation line.
const (
	RepeatByDuplicateOf = "duplicate_of"
	RepeatByWindow      = "window"
)

// WhyOutOfScope marks a row outside the policy's hotlines or channels (SPEC §13.2).
const WhyOutOfScope = "out_of_scope"

// Line explains one assignment of a unit in a period (SPEC §11.2, §13.12).
type Line struct {
	TicketID   string  `json:"ticket_id"`
	Role       string  `json:"role"`
	Kind       string  `json:"kind"`
	Urgency    string  `json:"urgency"`
	Weight     float64 `json:"weight"`
	Dispatched string  `json:"dispatched_at"`
	Closed     string  `json:"closed_at,omitempty"`
	// InPeriod is false for a row of another period listed for its deadline (overdue-open, closure).
	InPeriod bool `json:"in_period"`
	Eligible bool `json:"eligible"`
	// Why says why the assignment is not eligible: open, excluded, kind_not_scored, role_not_weighted,
	// returned, merged_repeat, out_of_scope.
	Why           string `json:"why,omitempty"`
	ExcludeReason string `json:"exclude_reason,omitempty"`
	Callback      bool   `json:"callback"`
	// Return is approved or rejected for a returned row, else empty.
	Return string `json:"return,omitempty"`
	// Repeat marks a repeat request; RepeatOf is the ticket it repeats and RepeatSource how it was found.
	Repeat       bool   `json:"repeat"`
	RepeatOf     string `json:"repeat_of,omitempty"`
	RepeatSource string `json:"repeat_source,omitempty"`
	Deadline     string `json:"deadline,omitempty"`
	// DeadlineSource is computed, given, extended or none.
	DeadlineSource string `json:"deadline_source,omitempty"`
	Late           *bool  `json:"late"`
	// OverdueOpen is true when the row counts as overdue and still open in the period (SPEC §13.6).
	OverdueOpen bool `json:"overdue_open"`
	// AcceptedTimely says whether the row was accepted within the acceptance limit; nil without an acceptance key.
	AcceptedTimely *bool          `json:"accepted_timely"`
	Counts         []Contribution `json:"counts"`
	Points         []RulePoints   `json:"points"`
	PointsTotal    float64        `json:"points_total"`
}

// Explanation is every assignment of one unit in one period, with the scorecard they sum to: the
// lines' counts sum to the rates, their points to points.total, and items, deductions and
// adjustments (listed in the scorecard) complete the final score.
type Explanation struct {
	Period PeriodInfo `json:"period"`
	Policy PolicyInfo `json:"policy"`
	Unit   Unit       `json:"unit"`
	// Lines are the rows of the period; Others the rows of other periods counted here for their
	// deadline (overdue-open, closure; SPEC §13.6). Together their counts sum to the rates.
	Lines     []Line    `json:"lines"`
	Others    []Line    `json:"others"`
	Scorecard Scorecard `json:"scorecard"`
	// AdjustmentTotal is the clamped sum of the adjustments that counts in the final.
	AdjustmentTotal float64 `json:"adjustment_total"`
}

// Explain explains the assignments of one unit in period pi of a book. rows are the unit's
// assignments of every period (any others are ignored) and must be the same rows the book was built
// from: a row of another period is listed when its deadline puts it in this period's overdue-open or
// closure counts.
func (b *Book) Explain(pi int, unit int32, rows []Assignment) (Explanation, error) {
	_ = b.Finish()
	e := Explanation{Period: b.periods[pi].Info(b.p.Loc), Policy: b.p.Info(), Unit: b.dir.Unit(unit), Lines: []Line{}, Others: []Line{}}
	card := b.Card(pi)
	if s := card.Unit(e.Unit.Code); s != nil {
		e.Scorecard = *s
	}
	e.AdjustmentTotal = b.p.AdjustmentSum(b.Adjustments(pi, unit))
	for i := range rows {
		a := &rows[i]
		if a.Unit != unit {
			continue
		}
		l, ok, err := b.lineIn(a, pi)
		if err != nil {
			return e, err
		}
		switch {
		case ok && l.InPeriod:
			e.Lines = append(e.Lines, l)
		case ok:
			e.Others = append(e.Others, l)
		}
	}
	for _, ls := range [][]Line{e.Lines, e.Others} {
		sort.SliceStable(ls, func(x, y int) bool { return ls[x].TicketID < ls[y].TicketID })
	}
	return e, nil
}

// Line explains one assignment in the period it belongs to: eligibility, deadline, what it counts in and its points.
// Before Finish a repeat found by the policy's window is not yet known (a duplicate_of repeat is).
func (b *Book) Line(a *Assignment) (Line, error) {
	l, _, err := b.lineIn(a, b.PeriodOf(a))
	return l, err
}

// lineIn explains a row in period pi (-1: in no period); ok is false when the row counts nowhere in pi.
func (b *Book) lineIn(a *Assignment, pi int) (Line, bool, error) {
	p := b.p
	stamp := func(t int64) string {
		if t == 0 {
			return ""
		}
		return time.Unix(t, 0).In(p.Loc).Format("2006-01-02 15:04:05")
	}
	l := Line{TicketID: a.TicketID, Role: a.Role.String(), Kind: a.Kind.String(), Urgency: a.Urgency.String(),
		Weight: p.roleWeight[a.Role], Dispatched: stamp(a.Dispatched), Closed: stamp(a.Closed),
		ExcludeReason: a.ExcludeReason, Counts: []Contribution{}, Points: []RulePoints{}}
	if a.Return != ReturnNone {
		l.Return = a.Return.String()
	}
	if p.scoped && !p.inScope(a) {
		l.Why = WhyOutOfScope
		return l, false, nil
	}
	var j judgement
	if err := b.judge(a, &j); err != nil {
		return Line{}, false, err
	}
	approved := j.flags&rApproved != 0
	switch earlier, ok := b.repeatOf(a); {
	case approved:
	case a.DuplicateOf != "":
		l.Repeat, l.RepeatOf, l.RepeatSource = true, a.DuplicateOf, RepeatByDuplicateOf
	case ok:
		l.Repeat, l.RepeatOf, l.RepeatSource = true, earlier, RepeatByWindow
	}
	l.InPeriod = pi >= 0 && int(j.pi) == pi
	if pi < 0 {
		return l, false, nil
	}
	// Count the row alone in a one-unit, one-period book: the line holds exactly what it adds to pi.
	one := &Book{p: p, dir: &Directory{units: make([]Unit, 1)}, periods: b.periods[pi : pi+1], tallies: make([]Tally, 1)}
	r := j.row
	r.pi, r.ri, r.di = only(r.pi, pi), only(r.ri, pi), only(r.di, pi)
	one.apply(0, &r, l.Repeat)
	t := &one.tallies[0]
	rates, raw, counts := p.Rates(t)
	merged := l.Repeat && p.mergeRepeats
	l.Eligible = l.InPeriod && r.eligible() && !merged
	l.Why = p.whyNot(a)
	if l.InPeriod && r.eligible() && merged {
		l.Why = WhyMerged
	}
	if l.Eligible {
		l.Why = ""
	}
	l.Callback = l.Eligible && j.flags&rCallback != 0
	l.OverdueOpen = counts.OverdueOpen > 0
	if j.source != "" {
		l.DeadlineSource = j.source
		if j.source != DeadlineNone {
			l.Deadline = stamp(j.deadline)
		}
	}
	if l.Eligible {
		late := j.flags&rLate != 0
		l.Late = &late
		if p.HasAcceptance {
			ok := j.flags&rAccOK != 0
			l.AcceptedTimely = &ok
		}
	}
	names := rateNames
	for _, name := range names {
		if rt, _ := rates.ByName(name); rt.Den != 0 || rt.Num != 0 {
			l.Counts = append(l.Counts, Contribution{Rate: name, Num: rt.Num, Den: rt.Den})
		}
	}
	for _, c := range []struct {
		name string
		r    Rate
	}{{"raw_response", raw.Response}, {"raw_resolution", raw.Resolution}, {"raw_satisfaction", raw.Satisfaction}, {"raw_on_time", raw.OnTime}} {
		if c.r.Den != 0 || c.r.Num != 0 {
			l.Counts = append(l.Counts, Contribution{Rate: c.name, Num: c.r.Num, Den: c.r.Den})
		}
	}
	if l.Eligible {
		m := r.rules
		if l.Repeat {
			m = r.rulesRepeat
		}
		for k, rule := range p.Rules {
			if m&(1<<k) != 0 {
				pts := l.Weight * rule.Points
				l.Points = append(l.Points, RulePoints{Label: rule.Label, Points: pts})
				l.PointsTotal += pts
			}
		}
	}
	counted := l.InPeriod || len(l.Counts) > 0
	return l, counted, nil
}

// only maps a period index to 0 when it is pi, else -1.
func only(i int16, pi int) int16 {
	if int(i) == pi {
		return 0
	}
	return -1
}
