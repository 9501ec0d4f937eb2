package scoring

import "sort"

// AnnualPeriod is one period's result of a unit in the year.
type AnnualPeriod struct {
	ID     string   `json:"id"`
	Final  *float64 `json:"final"`
	Ranked bool     `json:"ranked"`
	Rank   *int     `json:"rank"`
}

// AnnualUnit is one unit's year-end result (SPEC §8).
type AnnualUnit struct {
	Code  string `json:"code"`
	Name  string `json:"name"`
	Group string `json:"group"`
	// Periods lists each period's final and rank (mean_of_periods only).
	Periods []AnnualPeriod `json:"periods,omitempty"`
	// PeriodsRanked is the number of periods the mean is over (mean_of_periods).
	PeriodsRanked  int      `json:"periods_ranked"`
	Score          *float64 `json:"score"`
	Grade          *string  `json:"grade"`
	Ranked         bool     `json:"ranked"`
	Rank           *int     `json:"rank"`
	UnrankedReason *string  `json:"unranked_reason"`
	// Card is the pooled year's scorecard (pooled only).
	Card *Scorecard `json:"card,omitempty"`
	// Money is the annual points times the policy's money_per_point (元; points_total with money_per_point only).
	Money *float64 `json:"money,omitempty"`
	// Disqualified marks a negative annual points total: 取消评优资格 (points_total only).
	Disqualified bool `json:"disqualified,omitempty"`
}

// Annual is the year-end appraisal of every unit.
type Annual struct {
	Year   string     `json:"year"`
	Policy PolicyInfo `json:"policy"`
	// Mode is mean_of_periods, pooled or points_total.
	Mode string `json:"mode"`
	// MoneyPerPoint is the policy's amount per annual point (points_total), 0 when none.
	MoneyPerPoint float64      `json:"money_per_point,omitempty"`
	Periods       []PeriodInfo `json:"periods"`
	Units         []AnnualUnit `json:"units"`
}

// AnnualPeriods returns the periods a year's book needs under the policy: the twelve months, or the whole year when pooled.
func (p *Policy) AnnualPeriods(year string) ([]Period, error) {
	if p.AnnualPooled {
		y, err := ParsePeriod(year, p.StartDay, p.Loc)
		if err != nil {
			return nil, err
		}
		if len(y.ID) != 4 {
			return nil, errorf(Invalid, "year %q: want YYYY", year)
		}
		return []Period{y}, nil
	}
	if len(year) != 4 {
		return nil, errorf(Invalid, "year %q: want YYYY", year)
	}
	return Months(year, p.StartDay, p.Loc)
}

// Annual computes the year-end appraisal from a book over p.AnnualPeriods(year).
func (b *Book) Annual(year string) Annual {
	_ = b.Finish()
	cards := make([]Card, len(b.periods))
	for i := range b.periods {
		cards[i] = b.Card(i)
	}
	return b.AnnualOf(year, cards)
}

// AnnualOf is Annual over the given cards of the book's periods, in order, instead of the cards the
// book scores now: a year-end appraisal from the editions that went out. A unit missing from a card
// counts as not ranked in that period.
func (b *Book) AnnualOf(year string, cards []Card) Annual {
	p := b.p
	a := Annual{Year: year, Policy: p.Info(), Mode: "mean_of_periods", MoneyPerPoint: p.MoneyPerPoint}
	switch {
	case p.AnnualPooled:
		a.Mode = "pooled"
	case p.AnnualPointsTotal:
		a.Mode = "points_total"
	}
	for i := range cards {
		a.Periods = append(a.Periods, cards[i].Period)
	}
	byCode := make([]map[string]*Scorecard, len(cards))
	for i := range cards {
		byCode[i] = map[string]*Scorecard{}
		for j := range cards[i].Units {
			byCode[i][cards[i].Units[j].Code] = &cards[i].Units[j]
		}
	}
	for _, u := range b.dir.Units() {
		au := AnnualUnit{Code: u.Code, Name: u.Name, Group: u.Group}
		if p.AnnualPooled {
			s := Scorecard{Code: u.Code, Name: u.Name, Group: u.Group, UnrankedReason: strp(ReasonNoData)}
			if c := byCode[0][u.Code]; c != nil {
				s = *c
			}
			au.Card = &s
			au.Score = s.Final
			au.UnrankedReason = s.UnrankedReason
			if s.Ranked {
				au.PeriodsRanked = 1
			}
		} else if p.AnnualPointsTotal {
			// 积分制: the sum of each period's points total plus its clamped adjustments (SPEC §13.11).
			sum := 0.0
			for i := range cards {
				s := byCode[i][u.Code]
				if s == nil {
					s = &Scorecard{}
				}
				au.Periods = append(au.Periods, AnnualPeriod{ID: cards[i].Period.ID, Final: s.Final, Ranked: s.Ranked, Rank: s.Rank})
				if s.Ranked {
					au.PeriodsRanked++
				}
				adj := make([]Adjustment, len(s.Adjustments))
				for k, l := range s.Adjustments {
					adj[k] = Adjustment{Label: l.Label, Points: l.Points}
				}
				sum += s.Points.Total + p.AdjustmentSum(adj)
			}
			au.Score = f64(sum)
			// Negative beyond the binary noise of summing decimal points (0.3 − 3 × 0.1 is −5.6e-17, not below 0).
			au.Disqualified = sum < -pointsEps
			if p.MoneyPerPoint != 0 {
				au.Money = f64(sum * p.MoneyPerPoint)
			}
		} else {
			sum := 0.0
			for i := range cards {
				s := byCode[i][u.Code]
				if s == nil {
					s = &Scorecard{}
				}
				au.Periods = append(au.Periods, AnnualPeriod{ID: cards[i].Period.ID, Final: s.Final, Ranked: s.Ranked, Rank: s.Rank})
				if s.Ranked {
					sum += *s.Final
					au.PeriodsRanked++
				}
			}
			if au.PeriodsRanked > 0 {
				au.Score = f64(sum / float64(au.PeriodsRanked))
			} else {
				au.UnrankedReason = strp(ReasonNoData)
			}
		}
		if au.Score != nil {
			au.Grade = p.grade(*au.Score)
		}
		a.Units = append(a.Units, au)
	}
	p.rankAnnual(a.Units, b.dir.Groups())
	return a
}

// pointsEps is how far a sum of ticket points and adjustments may miss its exact decimal value through
// binary arithmetic: far below the smallest step any policy's points take.
const pointsEps = 1e-9

func (p *Policy) grade(score float64) *string {
	r := RoundHalfUp(score, p.Round)
	for _, g := range p.Grades {
		if r >= g.Min {
			return strp(g.Name)
		}
	}
	return nil
}

// rankAnnual ranks units within each group by rounded annual score, sharing ranks on ties. A pooled
// year is one period (SPEC §8), so it is ranked as a period is (§7): equal rounded scores are then
// ordered by the tie-breakers, and each unit's rank is the rank of its year's scorecard.
func (p *Policy) rankAnnual(us []AnnualUnit, groups []string) {
	order := map[string]int{}
	for i, g := range groups {
		order[g] = i
	}
	for i := range us {
		u := &us[i]
		u.Ranked = u.UnrankedReason == nil && u.Score != nil
	}
	key := func(u *AnnualUnit) rankKey {
		if p.AnnualPooled && u.Card != nil && u.Card.Final != nil {
			return p.key(u.Card)
		}
		return rankKey{score: RoundScaled(*u.Score, p.Round)}
	}
	sort.SliceStable(us, func(i, j int) bool {
		a, b := &us[i], &us[j]
		if order[a.Group] != order[b.Group] {
			return order[a.Group] < order[b.Group]
		}
		if a.Ranked != b.Ranked {
			return a.Ranked
		}
		if a.Ranked {
			if d := compare(key(a), key(b)); d != 0 {
				return d < 0
			}
		}
		return a.Code < b.Code
	})
	pos := 0
	for i := range us {
		if i == 0 || us[i].Group != us[i-1].Group {
			pos = 0
		}
		if !us[i].Ranked {
			continue
		}
		pos++
		r := pos
		if pos > 1 && compare(key(&us[i-1]), key(&us[i])) == 0 {
			r = *us[i-1].Rank
		}
		us[i].Rank = &r
	}
}
