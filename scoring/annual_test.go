package scoring_test

import (
	"math"
	"testing"

	"sanlv/scoring"
)

func yearBook(t *testing.T, p *scoring.Policy, rows []scoring.Assignment) *scoring.Book {
	t.Helper()
	ps, err := p.AnnualPeriods("2025")
	if err != nil {
		t.Fatal(err)
	}
	b, err := scoring.NewBook(p, dir(t), ps)
	if err != nil {
		t.Fatal(err)
	}
	for i := range rows {
		if err := b.Add(&rows[i]); err != nil {
			t.Fatal(err)
		}
	}
	return b
}

func inMonth(a scoring.Assignment, month int) scoring.Assignment {
	shift := int64(month-10) * 31 * 86400 // shifts by whole 31-day steps; keeps the day inside the target month
	a.Received += shift
	a.Dispatched += shift
	a.ContactAt += shift
	a.Closed += shift
	return a
}

func TestAnnualMeanOfRankedPeriodsAndGrades(t *testing.T) {
	p := testPolicy(t, "annual: {mode: mean_of_periods, grades: [{min: 90, name: 优秀}, {min: 60, name: 合格}, {min: 0, name: 不合格}]}")
	// A: October perfect (100), November half resolved, unsatisfied, not contacted → 100×(0+0.5×0.5+0) = 25.
	bad := good("2", 0)
	bad.Resolution, bad.Satisfaction, bad.Contacted = scoring.Partial, scoring.Dissatisfied, scoring.No
	rows := []scoring.Assignment{good("1", 0), inMonth(bad, 11), good("3", 1)}
	a := yearBook(t, p, rows).Annual("2025")
	if a.Mode != "mean_of_periods" || len(a.Periods) != 12 {
		t.Fatalf("mode %s periods %d", a.Mode, len(a.Periods))
	}
	byCode := map[string]scoring.AnnualUnit{}
	for _, u := range a.Units {
		byCode[u.Code] = u
	}
	ua, ub := byCode["A"], byCode["B"]
	if ua.PeriodsRanked != 2 || math.Abs(*ua.Score-62.5) > 1e-9 || *ua.Grade != "合格" || *ua.Rank != 2 {
		t.Errorf("A: %d periods, score %v, grade %v, rank %v", ua.PeriodsRanked, *ua.Score, *ua.Grade, *ua.Rank)
	}
	if ub.PeriodsRanked != 1 || *ub.Score != 100 || *ub.Grade != "优秀" || *ub.Rank != 1 {
		t.Errorf("B: %+v", ub)
	}
	if byCode["C"].Ranked || *byCode["C"].UnrankedReason != scoring.ReasonNoData {
		t.Errorf("C should be unranked for no data")
	}
}

func TestAnnualPooledScoresTheYearAsOnePeriod(t *testing.T) {
	p := testPolicy(t, "annual: {mode: pooled, grades: [{min: 0, name: 一般}]}")
	bad := good("2", 0)
	bad.Resolution = scoring.Unresolved
	a := yearBook(t, p, []scoring.Assignment{good("1", 0), inMonth(bad, 3)}).Annual("2025")
	u := a.Units[0]
	if a.Mode != "pooled" || u.Card == nil || u.Card.Counts.Eligible != 2 || *u.Card.Rates.Resolution.Value != 0.5 {
		t.Fatalf("pooled: %+v", u)
	}
}

func TestWhatIfListsBothPoliciesAndTheChange(t *testing.T) {
	a := testPolicy(t, "")
	b := testPolicy(t, "weights: {resolution: 1}\nranking: {min_callbacks: 1, tie_breakers: [resolution]}")
	rows := []scoring.Assignment{good("1", 0), good("2", 1)}
	rows[0].Contacted = scoring.No // A loses 10 points under a, nothing under b
	w := scoring.Compare(*card(t, a, rows), *card(t, b, rows))
	u := w.Units[1]
	if u.Code != "A" || math.Abs(*u.A.Final-90) > 1e-9 || *u.B.Final != 100 || math.Abs(*u.ScoreChange-10) > 1e-9 || *u.A.Rank != 2 || *u.B.Rank != 1 || *u.RankChange != 1 {
		t.Errorf("what-if A: %+v", u)
	}
}

func TestRankChangeAgainstThePreviousPeriod(t *testing.T) {
	p := testPolicy(t, "")
	sep := func(a scoring.Assignment) scoring.Assignment { return inMonth(a, 9) }
	worse := good("s2", 0)
	worse.Resolution = scoring.Partial
	rows := []scoring.Assignment{sep(worse), sep(good("s1", 1)), good("o1", 0), good("o2", 2)}
	rows[3].Resolution = scoring.Partial
	per, _ := scoring.Months("2025-Q3", 1, p.Loc)
	oct, _ := scoring.ParsePeriod("2025-10", 1, p.Loc)
	b, _ := scoring.NewBook(p, dir(t), []scoring.Period{per[2], oct})
	for i := range rows {
		b.Add(&rows[i])
	}
	c := b.CardWithTrend(1, 0)
	if tr := c.Unit("A").Trend; tr == nil || *tr.PreviousRank != 2 || *tr.Change != 1 {
		t.Errorf("A trend %+v", tr)
	}
	if tr := c.Unit("C").Trend; !tr.New {
		t.Errorf("C should be new")
	}
}

func TestExplanationLinesSumToTheScorecard(t *testing.T) {
	p := testPolicy(t, "roles: {lead: 1, co: 0.5}\nticket_points: [{label: 双满意, when: {resolved: [resolved], satisfied: true}, points: 1}, {label: 超期, when: {overdue: true}, points: -2}]")
	rows := []scoring.Assignment{good("1", 0), good("2", 0), good("3", 0), good("4", 0), good("5", 0), good("6", 1)}
	rows[1].Role = scoring.Co
	rows[2].Closed += 2 * 86400
	rows[3].Excluded, rows[3].ExcludeReason = true, "非本单位职责"
	rows[4].Kind = scoring.Praise
	per, _ := scoring.ParsePeriod("2025-10", 1, p.Loc)
	b, _ := scoring.NewBook(p, dir(t), []scoring.Period{per})
	for i := range rows {
		b.Add(&rows[i])
	}
	e, err := b.Explain(0, 0, rows)
	if err != nil {
		t.Fatal(err)
	}
	if len(e.Lines) != 5 {
		t.Fatalf("%d lines, want 5", len(e.Lines))
	}
	sum := map[string][2]float64{}
	points := 0.0
	for _, l := range e.Lines {
		for _, c := range l.Counts {
			s := sum[c.Rate]
			sum[c.Rate] = [2]float64{s[0] + c.Num, s[1] + c.Den}
		}
		points += l.PointsTotal
	}
	for _, name := range scoring.RateNames() {
		r, _ := e.Scorecard.Rates.ByName(name)
		if math.Abs(sum[name][0]-r.Num) > 1e-12 || math.Abs(sum[name][1]-r.Den) > 1e-12 {
			t.Errorf("%s: lines sum to %v, scorecard %v/%v", name, sum[name], r.Num, r.Den)
		}
	}
	if points != e.Scorecard.Points.Total || points != 1+0.5-2+1 {
		t.Errorf("points: lines %v, scorecard %v", points, e.Scorecard.Points.Total)
	}
	why := map[string]string{}
	for _, l := range e.Lines {
		why[l.TicketID] = l.Why
	}
	if why["4"] != scoring.WhyExcluded || why["5"] != scoring.WhyKindUnscored {
		t.Errorf("why: %v", why)
	}
}
