package scoring

import (
	"sort"
	"time"
)

// Contribution is what one assignment adds to one rate's numerator and denominator.
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

// Line explains one assignment of a unit in a period (SPEC §11.2).
type Line struct {
	TicketID   string  `json:"ticket_id"`
	Role       string  `json:"role"`
	Kind       string  `json:"kind"`
	Urgency    string  `json:"urgency"`
	Weight     float64 `json:"weight"`
	Dispatched string  `json:"dispatched_at"`
	Closed     string  `json:"closed_at,omitempty"`
	Eligible   bool    `json:"eligible"`
	// Why says why the assignment is not eligible: open, excluded, kind_not_scored, role_not_weighted.
	Why           string         `json:"why,omitempty"`
	ExcludeReason string         `json:"exclude_reason,omitempty"`
	Callback      bool           `json:"callback"`
	Deadline      string         `json:"deadline,omitempty"`
	Late          *bool          `json:"late"`
	Counts        []Contribution `json:"counts"`
	Points        []RulePoints   `json:"points"`
	PointsTotal   float64        `json:"points_total"`
}

// Explanation is every assignment of one unit in one period, with the scorecard they sum to.
type Explanation struct {
	Period    PeriodInfo `json:"period"`
	Policy    PolicyInfo `json:"policy"`
	Unit      Unit       `json:"unit"`
	Lines     []Line     `json:"lines"`
	Scorecard Scorecard  `json:"scorecard"`
}

// Explain explains the assignments of one unit in period pi of a book; rows are the unit's assignments
// (any others are ignored) and must be the same rows the book was built from.
func (b *Book) Explain(pi int, unit int32, rows []Assignment) (Explanation, error) {
	e := Explanation{Period: b.periods[pi].Info(b.p.Loc), Policy: b.p.Info(), Unit: b.dir.Unit(unit), Lines: []Line{}}
	card := b.Card(pi)
	if s := card.Unit(e.Unit.Code); s != nil {
		e.Scorecard = *s
	}
	for i := range rows {
		a := &rows[i]
		if a.Unit != unit || b.PeriodOf(a) != pi {
			continue
		}
		l, err := b.Line(a)
		if err != nil {
			return e, err
		}
		e.Lines = append(e.Lines, l)
	}
	sort.SliceStable(e.Lines, func(x, y int) bool { return e.Lines[x].TicketID < e.Lines[y].TicketID })
	return e, nil
}

// Line explains one assignment under the book's policy: eligibility, deadline, what it counts in and its points.
func (b *Book) Line(a *Assignment) (Line, error) {
	p := b.p
	var j judgement
	if err := p.judge(a, &j); err != nil {
		return Line{}, err
	}
	var t Tally
	t.add(a, &j)
	rates, _ := p.Rates(&t)
	stamp := func(t int64) string {
		if t == 0 {
			return ""
		}
		return time.Unix(t, 0).In(p.Loc).Format("2006-01-02 15:04:05")
	}
	l := Line{TicketID: a.TicketID, Role: a.Role.String(), Kind: a.Kind.String(), Urgency: a.Urgency.String(),
		Weight: p.roleWeight[a.Role], Dispatched: stamp(a.Dispatched), Closed: stamp(a.Closed),
		Eligible: j.eligible, Why: j.why, ExcludeReason: a.ExcludeReason, Callback: j.eligible && j.callback,
		Counts: []Contribution{}, Points: []RulePoints{}}
	if !j.eligible {
		return l, nil
	}
	l.Deadline = stamp(j.deadline)
	late := j.late
	l.Late = &late
	for _, name := range RateNames {
		r, _ := rates.ByName(name)
		if r.Den != 0 || r.Num != 0 {
			l.Counts = append(l.Counts, Contribution{Rate: name, Num: r.Num, Den: r.Den})
		}
	}
	for k, r := range p.Rules {
		if j.rules&(1<<k) != 0 {
			pts := l.Weight * r.Points
			l.Points = append(l.Points, RulePoints{Label: r.Label, Points: pts})
			l.PointsTotal += pts
		}
	}
	return l, nil
}
