package scoring_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"sanlv/scoring"
)

// testPolicy scores October 2025 (calendar month) with 24h deadlines and the given extra YAML.
func testPolicy(t *testing.T, extra string) *scoring.Policy {
	t.Helper()
	base := map[string]string{
		"name": "name: t", "version": "version: \"1\"", "period": "period: {start_day: 1}",
		"response":   "response: {mode: callback}",
		"deadlines":  "deadlines: {limits: {emergency: 2h, priority: 24h, normal: 24h, complex: 48h}}",
		"ranking":    "ranking: {min_callbacks: 1, top: 1, bottom: 1}",
		"roles":      "roles: {lead: 1, co: 0}",
		"weights":    "weights: {response: 0.1, resolution: 0.5, satisfaction: 0.4}",
		"thresholds": "thresholds: []",
	}
	for _, line := range strings.Split(extra, "\n") {
		if k, _, ok := strings.Cut(line, ":"); ok {
			base[strings.TrimSpace(k)] = line
		}
	}
	var b strings.Builder
	for _, v := range base {
		b.WriteString(v + "\n")
	}
	p, err := parse(b.String())
	if err != nil {
		t.Fatal(err)
	}
	return p
}

var units = []scoring.Unit{
	{Code: "A", Name: "甲", Group: "street", Population: 10000},
	{Code: "B", Name: "乙", Group: "street"},
	{Code: "C", Name: "丙", Group: "street"},
	{Code: "D", Name: "丁", Group: "department"},
}

func dir(t *testing.T) *scoring.Directory {
	d, err := scoring.NewDirectory(units)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// good returns an eligible, on-time, contacted, resolved and very satisfied assignment of unit u.
func good(id string, u int32) scoring.Assignment {
	return scoring.Assignment{TicketID: id, Unit: u, Kind: scoring.Complaint,
		Received: at("2025-10-10 08:00"), Dispatched: at("2025-10-10 09:00"), ContactAt: at("2025-10-10 10:00"),
		Closed: at("2025-10-10 18:00"), CallbackValid: true, Contacted: scoring.Yes,
		Resolution: scoring.Resolved, Satisfaction: scoring.VerySatisfied}
}

func card(t *testing.T, p *scoring.Policy, rows []scoring.Assignment) *scoring.Card {
	t.Helper()
	per, err := scoring.ParsePeriod("2025-10", p.StartDay, p.Loc)
	if err != nil {
		t.Fatal(err)
	}
	b, err := scoring.NewBook(p, dir(t), []scoring.Period{per})
	if err != nil {
		t.Fatal(err)
	}
	for i := range rows {
		if err := b.Add(&rows[i]); err != nil {
			t.Fatal(err)
		}
	}
	c := b.Card(0)
	return &c
}

func TestTicketPointConditions(t *testing.T) {
	tests := []struct {
		name string
		when string
		edit func(a *scoring.Assignment)
		want float64 // points of the single assignment
	}{
		{"callback_valid true matches a valid callback", "callback_valid: true", nil, 1},
		{"callback_valid false skips a valid callback", "callback_valid: false", nil, 0},
		{"contacted false matches a no", "contacted: false", func(a *scoring.Assignment) { a.Contacted = scoring.No }, 1},
		{"contacted false skips an unknown answer", "contacted: false", func(a *scoring.Assignment) { a.Contacted = scoring.Unknown }, 0},
		{"resolved list matches partial", "resolved: [partial, unresolved]", func(a *scoring.Assignment) { a.Resolution = scoring.Partial }, 1},
		{"resolved list skips no answer", "resolved: [resolved, partial, unresolved]", func(a *scoring.Assignment) { a.Resolution = scoring.ResolutionNone }, 0},
		{"satisfied true matches basically satisfied", "satisfied: true", func(a *scoring.Assignment) { a.Satisfaction = scoring.BasicallySatisfied }, 1},
		{"satisfied false matches dissatisfied", "satisfied: false", func(a *scoring.Assignment) { a.Satisfaction = scoring.Dissatisfied }, 1},
		{"satisfied true skips unrated", "satisfied: true", func(a *scoring.Assignment) { a.Satisfaction = scoring.Unrated }, 0},
		{"satisfied false skips unrated", "satisfied: false", func(a *scoring.Assignment) { a.Satisfaction = scoring.Unrated }, 0},
		{"overdue matches one second late", "overdue: true", func(a *scoring.Assignment) { a.Closed = a.Dispatched + 24*3600 + 1 }, 1},
		{"overdue skips exactly on the deadline", "overdue: true", func(a *scoring.Assignment) { a.Closed = a.Dispatched + 24*3600 }, 0},
		{"supervised", "supervised: true", func(a *scoring.Assignment) { a.Supervised = true }, 1},
		{"incomplete materials", "incomplete_materials: true", func(a *scoring.Assignment) { a.IncompleteMaterials = true }, 1},
		{"opinion incident", "opinion_incident: true", func(a *scoring.Assignment) { a.OpinionIncident = true }, 1},
		{"kind list", "kind: [complaint, report]", nil, 1},
		{"kind list skips others", "kind: [help]", nil, 0},
		{"urgency list", "urgency: [emergency]", func(a *scoring.Assignment) { a.Urgency = scoring.Emergency; a.Closed = a.Dispatched + 3600 }, 1},
		{"redispatched", "redispatched: true", func(a *scoring.Assignment) { a.Redispatches = 2 }, 1},
		{"not redispatched", "redispatched: false", nil, 1},
		{"all conditions must hold", "callback_valid: true, satisfied: false", nil, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := testPolicy(t, "ticket_points: [{label: r, when: {"+tt.when+"}, points: 1}]")
			a := good("T1", 0)
			if tt.edit != nil {
				tt.edit(&a)
			}
			c := card(t, p, []scoring.Assignment{a})
			if got := c.Unit("A").Points.Total; got != tt.want {
				t.Errorf("points = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestRatesFollowTheFormulas(t *testing.T) {
	p := testPolicy(t, "roles: {lead: 1, co: 0.5}")
	rows := []scoring.Assignment{good("1", 0), good("2", 0), good("3", 0), good("4", 0), good("5", 0)}
	rows[1].Resolution, rows[1].Satisfaction = scoring.Partial, scoring.BasicallySatisfied
	rows[2].Satisfaction = scoring.Unrated                            // leaves the satisfaction denominator
	rows[3].CallbackValid = false                                     // leaves C
	rows[4].Role, rows[4].Resolution = scoring.Co, scoring.Unresolved // counts 0.5
	rows[4].Closed = rows[4].Dispatched + 25*3600                     // late
	rows = append(rows, good("6", 0), good("7", 0))
	rows[5].Excluded, rows[5].ExcludeReason = true, "无理诉求"
	rows[6].Closed = 0 // open
	s := card(t, p, rows).Unit("A")
	check := func(name string, r scoring.Rate, num, den float64) {
		t.Helper()
		if math.Abs(r.Num-num) > 1e-12 || math.Abs(r.Den-den) > 1e-12 || math.Abs(*r.Value-num/den) > 1e-12 {
			t.Errorf("%s = %v/%v, want %v/%v", name, r.Num, r.Den, num, den)
		}
	}
	check("response", s.Rates.Response, 3.5, 3.5)
	check("resolution", s.Rates.Resolution, 1+0.5+1, 3.5)
	check("satisfaction", s.Rates.Satisfaction, 1+0.9+0.5, 2.5)
	check("on_time", s.Rates.OnTime, 4, 4.5)
	check("callback_coverage", s.Rates.CallbackCoverage, 3.5, 4.5)
	if s.Counts != (scoring.Counts{Assignments: 6, Eligible: 4.5, Callbacks: 3.5, Excluded: 1}) {
		t.Errorf("counts %+v", s.Counts)
	}
	// Received in October and not excluded: 6 of 7 rows; population 10000.
	if *s.Per10k != 6 {
		t.Errorf("per_10k = %v, want 6", *s.Per10k)
	}
}

func TestUnratedCountsAsZeroWhenThePolicySaysSo(t *testing.T) {
	p := testPolicy(t, "unrated: zero")
	rows := []scoring.Assignment{good("1", 0), good("2", 0)}
	rows[1].Satisfaction = scoring.Unrated
	if r := card(t, p, rows).Unit("A").Rates.Satisfaction; r.Num != 1 || r.Den != 2 {
		t.Errorf("satisfaction %v/%v, want 1/2", r.Num, r.Den)
	}
}

func TestTimestampResponseUsesTheResponseLimit(t *testing.T) {
	p := testPolicy(t, "response: {mode: timestamp, limits: {emergency: 2h, priority: 2h, normal: 2h, complex: 2h}}")
	rows := []scoring.Assignment{good("1", 0), good("2", 0), good("3", 0)}
	rows[1].ContactAt = rows[1].Dispatched + 2*3600      // exactly on the limit
	rows[2].ContactAt = rows[2].Dispatched + 2*3600 + 60 // a minute late
	if r := card(t, p, rows).Unit("A").Rates.Response; r.Num != 2 || r.Den != 3 {
		t.Errorf("response %v/%v, want 2/3", r.Num, r.Den)
	}
}

func TestThresholdsDeductInBothDirectionsWithCaps(t *testing.T) {
	p := testPolicy(t, "weights: {}\nfinal: {base: 100}\nthresholds: [{rate: on_time, direction: at_least, baseline: 0.95, per_point: 2, cap: 20}, {rate: redispatch, direction: at_most, baseline: 0.05, per_point: 1, cap: 10}, {rate: resolution, direction: at_least, baseline: 0.5, per_point: 1, cap: 10}]")
	rows := make([]scoring.Assignment, 10)
	for i := range rows {
		rows[i] = good(fmt.Sprint(i), 0)
	}
	rows[0].Closed += 86400 // late: on_time 0.9 → 5 points short × 2 = 10
	rows[1].Redispatches = 1
	rows[2].Redispatches = 1 // redispatch 0.2 → 15 points over × 1, capped at 10
	s := card(t, p, rows).Unit("A")
	want := []scoring.Deduction{{Rate: "on_time", Points: 10}, {Rate: "redispatch", Points: 10}, {Rate: "resolution", Points: 0}}
	for i, d := range want {
		if s.Deductions[i].Rate != d.Rate || math.Abs(s.Deductions[i].Points-d.Points) > 1e-9 {
			t.Errorf("deduction %d = %+v, want %+v", i, s.Deductions[i], d)
		}
	}
	if math.Abs(*s.Final-80) > 1e-9 || *s.Composite != 0 {
		t.Errorf("final %v composite %v, want 80 and 0", *s.Final, *s.Composite)
	}
}

func TestFinalAddsPointsFactorAndClamps(t *testing.T) {
	p := testPolicy(t, "final: {base: 5, points_factor: 10, min: 0, max: 100}\nticket_points: [{label: 双满意, when: {satisfied: true}, points: 1}]")
	s := card(t, p, []scoring.Assignment{good("1", 0)}).Unit("A")
	if *s.Final != 100 { // 5 + 100 + 10 × 1 = 115, clamped
		t.Errorf("final %v, want 100", *s.Final)
	}
	p = testPolicy(t, "final: {base: -150, min: 0, max: 100}")
	if s := card(t, p, []scoring.Assignment{good("1", 0)}).Unit("A"); *s.Final != 0 {
		t.Errorf("final %v, want 0", *s.Final)
	}
}

func TestUnrankedReasons(t *testing.T) {
	p := testPolicy(t, "ranking: {min_callbacks: 2}")
	rows := []scoring.Assignment{good("1", 0), good("2", 0), good("3", 1)}
	rows = append(rows, good("4", 2))
	rows[3].CallbackValid = false // C has only uncounted rows: rates undefined
	c := card(t, p, rows)
	for code, want := range map[string]string{"B": scoring.ReasonSmallSample, "C": scoring.ReasonNoData, "D": scoring.ReasonNoData} {
		s := c.Unit(code)
		if s.Ranked || s.UnrankedReason == nil || *s.UnrankedReason != want {
			t.Errorf("%s: ranked %v reason %v, want %s", code, s.Ranked, s.UnrankedReason, want)
		}
	}
	if a := c.Unit("A"); !a.Ranked || *a.Rank != 1 {
		t.Errorf("A should rank 1")
	}
}

func TestRankingTiesAndOrder(t *testing.T) {
	p := testPolicy(t, "ranking: {min_callbacks: 1, top: 1, bottom: 1, round: 2}")
	// A and B identical; C worse on satisfaction only.
	rows := []scoring.Assignment{good("1", 0), good("2", 1), good("3", 2), good("4", 2)}
	rows[3].Satisfaction = scoring.Dissatisfied
	c := card(t, p, rows)
	var got []string
	for _, s := range c.Units {
		r := "-"
		if s.Rank != nil {
			r = fmt.Sprint(*s.Rank)
		}
		got = append(got, s.Code+":"+r+":"+s.Mark)
	}
	want := []string{"A:1:top", "B:1:top", "C:3:bottom", "D:-:"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

func TestRoundingIsHalfUpAtTheBoundary(t *testing.T) {
	tests := []struct {
		x      float64
		digits int
		want   int64
	}{
		{89.995, 2, 9000}, {89.994999, 2, 8999}, {0.125, 2, 13}, {2.5, 0, 3}, {89.99499999999999, 2, 9000},
		{1.005, 2, 101}, {-1.005, 2, -101}, {100, 2, 10000}, {0.0001, 2, 0},
	}
	for _, tt := range tests {
		if got := scoring.RoundScaled(tt.x, tt.digits); got != tt.want {
			t.Errorf("RoundScaled(%v, %d) = %d, want %d", tt.x, tt.digits, got, tt.want)
		}
	}
}

func TestTieBreakersDecideEqualRoundedScores(t *testing.T) {
	// Scores 90.004 and 89.996 both round to 90.00: the tie-breaker (resolution) decides.
	p := testPolicy(t, "weights: {}\nfinal: {base: 0, points_factor: 1, min: 0, max: 100}\nticket_points: [{label: a, when: {kind: [complaint]}, points: 90.004}, {label: b, when: {kind: [report]}, points: 89.996}]\nranking: {min_callbacks: 1, tie_breakers: [resolution], round: 2}")
	a, b := good("1", 0), good("2", 1)
	b.Kind = scoring.Report
	a.Resolution = scoring.Partial
	c := card(t, p, []scoring.Assignment{a, b})
	if c.Units[0].Code != "B" || *c.Units[0].Rank != 1 || *c.Units[1].Rank != 2 {
		t.Errorf("order %s %s", c.Units[0].Code, c.Units[1].Code)
	}
}

func TestShufflingAndSplittingChangeNothing(t *testing.T) {
	p := testPolicy(t, "roles: {lead: 1, co: 0.5}\nticket_points: [{label: 双否, when: {callback_valid: true, resolved: [unresolved, partial], satisfied: false}, points: -1}, {label: x, when: {overdue: true}, points: -0.5}]")
	r := rand.New(rand.NewPCG(1, 2))
	rows := make([]scoring.Assignment, 2000)
	for i := range rows {
		a := good(fmt.Sprint(i), int32(r.IntN(4)))
		a.Role = scoring.Role(r.IntN(2))
		a.Resolution = scoring.Resolution(r.IntN(4))
		a.Satisfaction = scoring.Satisfaction(r.IntN(6))
		a.CallbackValid = r.IntN(10) > 0
		a.Closed += int64(r.IntN(3 * 86400))
		a.Redispatches = int32(r.IntN(2))
		rows[i] = a
	}
	want := card(t, p, rows)
	shuffled := append([]scoring.Assignment(nil), rows...)
	r.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
	if got := card(t, p, shuffled); !reflect.DeepEqual(*got, *want) {
		t.Error("shuffled rows give another card")
	}
	per, _ := scoring.ParsePeriod("2025-10", 1, p.Loc)
	halves := [2]*scoring.Book{}
	for h := range halves {
		halves[h], _ = scoring.NewBook(p, dir(t), []scoring.Period{per})
	}
	for i := range rows {
		halves[i%2].Add(&rows[i])
	}
	if err := halves[0].Merge(halves[1]); err != nil {
		t.Fatal(err)
	}
	if got := halves[0].Card(0); !reflect.DeepEqual(got, *want) {
		t.Error("merged halves give another card")
	}
}

func TestCompositeIsNullOnlyWhenAWeightedRateIsUndefined(t *testing.T) {
	noData := func(p *scoring.Policy) *scoring.Scorecard {
		return card(t, p, []scoring.Assignment{good("1", 0)}).Unit("B") // B has no assignment
	}
	if s := noData(testPolicy(t, "")); s.Composite != nil || s.Final != nil || *s.UnrankedReason != scoring.ReasonNoData {
		t.Errorf("weighted policy, no data: composite %v final %v", s.Composite, s.Final)
	}
	th := testPolicy(t, "weights: {}\nfinal: {base: 100}\nthresholds: [{rate: on_time, direction: at_least, baseline: 0.95, per_point: 2, cap: 20}]")
	if s := noData(th); s.Composite == nil || *s.Composite != 0 || s.Final != nil || *s.UnrankedReason != scoring.ReasonNoData {
		t.Errorf("threshold policy, no data: composite %v final %v", s.Composite, s.Final)
	}
}

func TestBasisReceivedAssignsRowsByReceivedTime(t *testing.T) {
	p := testPolicy(t, "period: {start_day: 1, basis: received}")
	late := good("1", 0) // received in October, closed in November: October's under basis received
	late.Closed = at("2025-11-03 10:00")
	open := good("2", 0) // received in October, still open: counted, not eligible
	open.Closed = 0
	sept := good("3", 0) // received in September, closed in October: not October's
	sept.Received, sept.Dispatched, sept.ContactAt = at("2025-09-29 08:00"), at("2025-09-29 09:00"), at("2025-09-29 10:00")
	s := card(t, p, []scoring.Assignment{late, open, sept}).Unit("A")
	if s.Counts.Assignments != 2 || s.Counts.Eligible != 1 || s.Rates.OnTime.Num != 0 {
		t.Errorf("counts %+v, on_time %v/%v: want 2 assignments, 1 eligible, late", s.Counts, s.Rates.OnTime.Num, s.Rates.OnTime.Den)
	}
}
