package scoring_test

// An audit of the second edition (SPEC §13) against numbers computed by hand from the SPEC text. Every
// policy is the shipped fixtures/policies/district-second-edition.yaml with a few top-level keys
// replaced; every expected number is worked out in a comment beside it, never taken from the code.
//
// Unless a test says otherwise: period 2025-10 under start_day 19 is [2025-09-19 00:00, 2025-10-19 00:00)
// (Asia/Shanghai), deadlines are natural hours (normal 72h) so that no holiday enters the arithmetic,
// acceptance is the fixture's (normal 24h), overdue open rows count (count_open_overdue), repeats are
// merged within 30 days on caller_phone and category, co-handlers weigh 0.

import (
	"io/fs"
	"reflect"
	"strings"
	"testing"

	"sanlv/fixtures"
	"sanlv/scoring"
)

// auditUnits are two streets with populations, a street without, and a department.
var auditUnits = []scoring.Unit{
	{Code: "S1", Name: "一街道", Group: "street", Population: 20000},
	{Code: "S2", Name: "二街道", Group: "street", Population: 10000},
	{Code: "S3", Name: "三街道", Group: "street"},
	{Code: "D1", Name: "一局", Group: "department"},
}

const (
	s1 int32 = iota
	s2
	s3
	d1
)

// auditHours are the deadlines most audit tests use: natural hours, no calendar in the arithmetic.
const auditHours = "deadlines: {use_given_due: false, limits: {emergency: 2h, priority: 24h, normal: 72h, complex: 120h}}"

// auditRanking ranks units with a single callback, so that small tables are ranked.
const auditRanking = "ranking: {round: 2, tie_breakers: [resolution, satisfaction, response], min_callbacks: 1, top: 1, bottom: 1}"

// auditYAML returns the shipped second-edition district policy with top-level keys replaced: each
// entry is a whole "key: value" text (it may span lines); "-key" removes the key.
func auditYAML(t *testing.T, keys ...string) string {
	t.Helper()
	data, err := fs.ReadFile(fixtures.Files(), "policies/district-second-edition.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var order []string
	blocks := map[string]string{}
	key := ""
	for _, line := range strings.Split(string(data), "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if line[0] != ' ' && line[0] != '-' {
			key, _, _ = strings.Cut(line, ":")
			order = append(order, key)
		}
		blocks[key] += line + "\n"
	}
	for _, kv := range keys {
		if name, ok := strings.CutPrefix(kv, "-"); ok {
			delete(blocks, name)
			continue
		}
		name, _, _ := strings.Cut(kv, ":")
		if _, ok := blocks[name]; !ok {
			order = append(order, name)
		}
		blocks[name] = kv + "\n"
	}
	var b strings.Builder
	for _, k := range order {
		b.WriteString(blocks[k])
	}
	return b.String()
}

// auditPolicy parses auditYAML with the audit's hour deadlines and ranking, then the given keys.
func auditPolicy(t *testing.T, keys ...string) *scoring.Policy {
	t.Helper()
	p, err := parse(auditYAML(t, append([]string{auditHours, auditRanking}, keys...)...))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// arow is an eligible row of unit u received at recv: dispatched an hour later, accepted and contacted an
// hour after dispatch (timely), closed a day after dispatch (on time), a valid callback, contacted,
// resolved, very satisfied; no caller phone or category, so it repeats nothing by the window.
func arow(id string, u int32, recv string) scoring.Assignment {
	r := at(recv)
	return scoring.Assignment{TicketID: id, Unit: u, Kind: scoring.Complaint, Urgency: scoring.Normal,
		Received: r, Dispatched: r + 3600, Accepted: r + 7200, ContactAt: r + 7200, Closed: r + 3600 + 86400,
		CallbackValid: true, Contacted: scoring.Yes, Resolution: scoring.Resolved, Satisfaction: scoring.VerySatisfied,
		Channel: "电话"}
}

// caller gives a row a caller and a category, so that the repeat window sees it.
func caller(a scoring.Assignment, phone, category string) scoring.Assignment {
	a.CallerPhone, a.Category = phone, category
	return a
}

// auditBook scores rows (and adjustments) of the audit units over the named periods of the policy.
func auditBook(t *testing.T, p *scoring.Policy, ids []string, rows []scoring.Assignment, adjs []scoring.Adjustment) *scoring.Book {
	t.Helper()
	return scoredBook(t, p, auditUnits, ids, rows, adjs)
}

// scoredBook scores rows and adjustments of units over the named periods of the policy, and checks
// that every explanation sums to its scorecard.
func scoredBook(t *testing.T, p *scoring.Policy, units []scoring.Unit, ids []string, rows []scoring.Assignment, adjs []scoring.Adjustment) *scoring.Book {
	t.Helper()
	var ps []scoring.Period
	for _, id := range ids {
		per, err := scoring.ParsePeriod(id, p.StartDay, p.Loc)
		if err != nil {
			t.Fatal(err)
		}
		ps = append(ps, per)
	}
	d, err := scoring.NewDirectory(units)
	if err != nil {
		t.Fatal(err)
	}
	b, err := scoring.NewBook(p, d, ps)
	if err != nil {
		t.Fatal(err)
	}
	for i := range rows {
		if err := b.Add(&rows[i]); err != nil {
			t.Fatal(err)
		}
	}
	if err := b.AddAdjustments(adjs); err != nil {
		t.Fatal(err)
	}
	if err := b.Finish(); err != nil {
		t.Fatal(err)
	}
	explainedAsScored(t, b, rows)
	return b
}

// explainedAsScored checks that every unit's explanation sums to its scorecard in every period (SPEC
// §11.2, §13.12): a line per assignment, each rate's numerator and denominator, and the points total.
func explainedAsScored(t *testing.T, b *scoring.Book, rows []scoring.Assignment) {
	t.Helper()
	for pi := range b.Periods() {
		for u := range int32(b.Directory().Len()) {
			e, err := b.Explain(pi, u, rows)
			if err != nil {
				t.Fatal(err)
			}
			s := e.Scorecard
			num, den, points := explanationSums(e)
			for n, r := range scorecardRates(s) {
				if !near(num[n], r.Num) || !near(den[n], r.Den) {
					t.Errorf("%s %s %s: the explanation sums to %v/%v, the scorecard has %v/%v", b.Periods()[pi].ID, s.Code, n, num[n], den[n], r.Num, r.Den)
				}
			}
			if int64(len(e.Lines)) != s.Counts.Assignments {
				t.Errorf("%s %s: %d lines, %d assignments", b.Periods()[pi].ID, s.Code, len(e.Lines), s.Counts.Assignments)
			}
			if !near(points, s.Points.Total) {
				t.Errorf("%s %s: the explanation gives %v points, the scorecard %v", b.Periods()[pi].ID, s.Code, points, s.Points.Total)
			}
		}
	}
}

// explanationSums adds up the lines of an explanation, the other rows it shows included: each rate's
// numerator and denominator, and the points.
func explanationSums(e scoring.Explanation) (num, den map[string]float64, points float64) {
	num, den = map[string]float64{}, map[string]float64{}
	for _, l := range append(e.Lines, e.Others...) {
		for _, c := range l.Counts {
			num[c.Rate] += c.Num
			den[c.Rate] += c.Den
		}
		points += l.PointsTotal
	}
	return num, den, points
}

// scorecardRates lists a scorecard's rates by name, the raw ones included.
func scorecardRates(s scoring.Scorecard) map[string]scoring.Rate {
	rates := map[string]scoring.Rate{"raw_response": s.RawRates.Response, "raw_resolution": s.RawRates.Resolution,
		"raw_satisfaction": s.RawRates.Satisfaction, "raw_on_time": s.RawRates.OnTime}
	for _, n := range scoring.RateNames() {
		r, _ := s.Rates.ByName(n)
		rates[n] = *r
	}
	return rates
}

// october scores rows for period 2025-10 alone.
func october(t *testing.T, p *scoring.Policy, rows []scoring.Assignment, adjs ...scoring.Adjustment) *scoring.Card {
	t.Helper()
	c := auditBook(t, p, []string{"2025-10"}, rows, adjs).Card(0)
	return &c
}

func value(r scoring.Rate) any {
	if r.Value == nil {
		return nil
	}
	return *r.Value
}

func TestAuditBandsHoldAtTheirExactEdgesWhateverTheFloatSums(t *testing.T) {
	// Satisfaction weighs basically satisfied 0.9: sums of 0.9 are inexact in binary, and nine such
	// answers over nine callbacks must still be exactly the rate 0.9 for a band {min: 0.9} (SPEC §13.9,
	// "rate ≥ min") and for a baseline of 0.9 (no shortfall, §6).
	p := auditPolicy(t, "weights: {}",
		"thresholds: [{rate: satisfaction, direction: at_least, baseline: 0.9, per_point: 1, cap: 5}]",
		"items: [{label: 满意度, rate: satisfaction, bands: [{min: 0.9, points: 5}, {min: 0.8, points: 2}]}, {label: 满意上限, rate: satisfaction, bands: [{max: 0.9, points: 1}]}, {label: 满意线性, rate: satisfaction, max: 4, linear: {zero: 0.8, full: 0.9}}]",
		"final: {base: 10, points_factor: 0, min: 0, max: 100}")
	tests := []struct {
		name                      string
		very, basic, unhappy      int
		band, cap, lin, deduction float64
	}{
		// 9 × 0.9 / 9 = 0.9: band min 0.9 → 5; max 0.9 holds → 1; linear at full → 4; shortfall 0;
		// final 10 + 5 + 1 + 4 − 0 = 20.
		{"nine basically satisfied are exactly 0.9", 0, 9, 0, 5, 1, 4, 0},
		// 13 × 0.9 / 13 = 0.9 (a binary sum a little above it): the same, 20.
		{"thirteen basically satisfied are exactly 0.9", 0, 13, 0, 5, 1, 4, 0},
		// (3 × 1 + 2 × 0.9 + 0) / 6 = 4.8 / 6 = 0.8: band min 0.8 → 2; ≤ 0.9 → 1; linear at zero → 0;
		// shortfall (0.9 − 0.8) × 100 = 10 points × 1 = 10, capped at 5: final 10 + 2 + 1 + 0 − 5 = 8.
		{"three very, two basically, one unhappy are exactly 0.8", 3, 2, 1, 2, 1, 0, 5},
		// 9 very + 3 basically + 1 dissatisfied: (9 + 2.7) / 13 = 0.9: 20.
		{"nine very, three basically, one unhappy are exactly 0.9", 9, 3, 1, 5, 1, 4, 0},
		// 10 / 10 = 1: band min 0.9 → 5; max 0.9 fails → 0; linear clamped → 4; final 19.
		{"all very satisfied are 1", 10, 0, 0, 5, 0, 4, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var rows []scoring.Assignment
			add := func(n int, s scoring.Satisfaction) {
				for range n {
					a := arow("T"+string(rune('a'+len(rows))), s1, "2025-10-01 08:00")
					a.Satisfaction = s
					rows = append(rows, a)
				}
			}
			add(tt.very, scoring.VerySatisfied)
			add(tt.basic, scoring.BasicallySatisfied)
			add(tt.unhappy, scoring.Dissatisfied)
			c := october(t, p, rows)
			s := c.Unit("S1")
			if *s.Items[0].Points != tt.band || *s.Items[1].Points != tt.cap || *s.Items[2].Points != tt.lin {
				t.Errorf("items %v, %v and %v, want %v, %v and %v (satisfaction %v)", *s.Items[0].Points, *s.Items[1].Points, *s.Items[2].Points,
					tt.band, tt.cap, tt.lin, value(s.Rates.Satisfaction))
			}
			if len(s.Deductions) != 1 || s.Deductions[0].Points != tt.deduction {
				t.Errorf("deductions %+v, want exactly %v", s.Deductions, tt.deduction)
			}
			if want := 10 + tt.band + tt.cap + tt.lin - tt.deduction; s.Final == nil || !near(*s.Final, want) {
				t.Errorf("final %v, want %v", value(scoring.Rate{Value: s.Final}), want)
			}
		})
	}
}

func TestAuditLinearItemForALowerIsBetterRateAndABandWithBothBounds(t *testing.T) {
	// repeat 重复诉求率 with merged repeats: k of ten rows carry duplicate_of, so E = 10 − k and the
	// rate is k / (E + k) = k / 10 (SPEC §13.7). Linear {zero: 0.2, full: 0}: 10 × clamp((r − 0.2) / (0 − 0.2), 0, 1);
	// band {min: 0.05, max: 0.1}: both must hold (§13.13.14).
	p := auditPolicy(t, "weights: {}", "thresholds: []",
		"items: [{label: 重复线性, rate: repeat, max: 10, linear: {zero: 0.2, full: 0.0}}, {label: 重复分档, rate: repeat, bands: [{min: 0.05, max: 0.1, points: 2}]}]")
	tests := []struct {
		repeats        int
		linear, banded float64
	}{
		{0, 10, 0}, // 0: 10 × (−0.2 / −0.2) = 10; 0 < 0.05 → 0
		{1, 5, 2},  // 0.1: 10 × (−0.1 / −0.2) = 5; 0.05 ≤ 0.1 ≤ 0.1 → 2
		{2, 0, 0},  // 0.2: 10 × 0 = 0; 0.2 > 0.1 → 0
		{3, 0, 0},  // 0.3: (0.1 / −0.2) = −0.5 clamped to 0
	}
	for _, tt := range tests {
		var rows []scoring.Assignment
		for i := range 10 {
			a := arow("R"+string(rune('0'+i)), s1, "2025-10-01 08:00")
			if i < tt.repeats {
				a.DuplicateOf = "EARLIER"
			}
			rows = append(rows, a)
		}
		c := october(t, p, rows)
		s := c.Unit("S1")
		checkRate(t, "repeat", s.Rates.Repeat, float64(tt.repeats), 10)
		if !near(*s.Items[0].Points, tt.linear) || *s.Items[1].Points != tt.banded || !near(*s.Final, tt.linear+tt.banded) {
			t.Errorf("%d repeats: items %v %v final %v, want %v %v", tt.repeats, *s.Items[0].Points, *s.Items[1].Points, *s.Final, tt.linear, tt.banded)
		}
	}
}

func TestAuditAdjustmentsClampTheirSumThenTheFinalClampsToMinAndMax(t *testing.T) {
	// SPEC §13.11: final = base + composite + … + Σ adjustments (clamped to [−10, 5]), then clamped to [0, 100].
	// S1 is perfect: composite 100 × (0.1 × 1 + 0.5 × 1 + 0.4 × 1) = 100, acceptance and on-time 1, no deduction.
	// S2 answers no, unresolved, dissatisfied: composite 0; acceptance and on-time 1, no deduction.
	p := auditPolicy(t)
	var rows []scoring.Assignment
	for i := range 10 {
		rows = append(rows, arow("P"+string(rune('0'+i)), s1, "2025-10-01 08:00"))
		bad := arow("Q"+string(rune('0'+i)), s2, "2025-10-01 08:00")
		bad.Contacted, bad.Resolution, bad.Satisfaction = scoring.No, scoring.Unresolved, scoring.Dissatisfied
		rows = append(rows, bad)
	}
	tests := []struct {
		name           string
		onS1, onS2     []float64
		finS1, finS2   float64
		wantS3Listed   int
		adjustmentOnS3 bool
	}{
		// S1: 4 + 3 = 7 → 5; 100 + 5 = 105 → 100. S2: −3 − 9 = −12 → −10; 0 − 10 → 0.
		{"above the maximum and below the minimum", []float64{4, 3}, []float64{-3, -9}, 100, 0, 1, true},
		// S1: 100 − 4 = 96. S2: 0 + 2 = 2.
		{"inside both bounds", []float64{-4}, []float64{2}, 96, 2, 0, false},
		// S1: 5 − 1 = 4; 104 → 100. S2: 0 − 3 = −3 → 0.
		{"the final clamps what the sum's clamp lets through", []float64{5, -1}, []float64{-3}, 100, 0, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var adjs []scoring.Adjustment
			for _, v := range tt.onS1 {
				adjs = append(adjs, scoring.Adjustment{Unit: "S1", Period: "2025-10", Label: "加分", Points: v, Reason: "r"})
			}
			for _, v := range tt.onS2 {
				adjs = append(adjs, scoring.Adjustment{Unit: "S2", Period: "2025-10", Label: "扣分", Points: v, Reason: "r"})
			}
			if tt.adjustmentOnS3 {
				adjs = append(adjs, scoring.Adjustment{Unit: "S3", Period: "2025-10", Label: "质量抽检", Points: 1, Reason: "r"})
			}
			c := october(t, p, rows, adjs...)
			a, b, e := c.Unit("S1"), c.Unit("S2"), c.Unit("S3")
			if !near(*a.Composite, 100) || !near(*b.Composite, 0) {
				t.Fatalf("composites %v %v, want 100 and 0", *a.Composite, *b.Composite)
			}
			if !near(*a.Final, tt.finS1) || !near(*b.Final, tt.finS2) {
				t.Errorf("finals %v %v, want %v %v", *a.Final, *b.Final, tt.finS1, tt.finS2)
			}
			if len(a.Adjustments) != len(tt.onS1) || len(b.Adjustments) != len(tt.onS2) {
				t.Errorf("listed %d and %d adjustments, want every one", len(a.Adjustments), len(b.Adjustments))
			}
			// A unit without rows lists its adjustment and has no final (SPEC §13.13.10).
			if e.Final != nil || len(e.Adjustments) != tt.wantS3Listed || *e.UnrankedReason != scoring.ReasonNoData {
				t.Errorf("S3: final %v, %d adjustments, reason %v", e.Final, len(e.Adjustments), *e.UnrankedReason)
			}
		})
	}
}

func TestAuditRequestsPer10kLeaveOutExcludedMergedAndOutOfScopeRowsButNotReturns(t *testing.T) {
	// SPEC §13.13.3 and §5: rows of S1 received in the period, any status, kind or role, not excluded,
	// not merged repeats, in scope. S1 has 20,000 residents.
	p := auditPolicy(t, "scope: {hotlines: [\"12345\"]}")
	n1 := caller(arow("n1", s1, "2025-10-01 08:00"), "13800000001", "市容/占道")
	n2 := caller(arow("n2", s1, "2025-10-03 08:00"), "13800000001", "市容/占道") // merged repeat of n1
	n3 := arow("n3", s1, "2025-10-02 08:00")
	n3.Excluded, n3.ExcludeReason = true, "无理诉求"
	n4 := arow("n4", s1, "2025-10-02 08:00")
	n4.Hotline = "12319" // out of scope
	n5 := arow("n5", s1, "2025-10-04 08:00")
	n5.Closed, n5.Return, n5.Returned = 0, scoring.ReturnApproved, at("2025-10-04 12:00")
	n6 := arow("n6", s1, "2025-10-05 08:00")
	n6.Closed = 0 // open
	n7 := arow("n7", s1, "2025-10-06 08:00")
	n7.Kind = scoring.Praise
	s := october(t, p, []scoring.Assignment{n1, n2, n3, n4, n5, n6, n7}).Unit("S1")
	// Counted: n1, n5, n6, n7 = 4 → 4 × 10,000 / 20,000 = 2.
	if s.Per10k == nil || *s.Per10k != 2 {
		t.Errorf("per_10k %v, want 2", s.Per10k)
	}
	// assignments by basis closed: n1, n2, n3, n5 (returned in the period), n7 = 5; eligible: n1 only
	// (n2 merged, n3 excluded, n7 praise); excluded 1; returned 1; duplicates 1.
	c := s.Counts
	if c.Assignments != 5 || c.Eligible != 1 || c.Excluded != 1 || c.Returned != 1 || c.Duplicates != 1 {
		t.Errorf("counts %+v, want 5 assignments, 1 eligible, 1 excluded, 1 returned, 1 duplicate", c)
	}
}

func TestAuditAnApprovedReturnThatRepeatsCountsOnlyAsAReturn(t *testing.T) {
	// SPEC §13.13.2 and §13.13.5. e1 is the first call; r1 repeats it by the window and r2 by
	// duplicate_of, both approved returns; e2 repeats r1 (an earlier row may be a returned one).
	e1 := caller(arow("e1", s1, "2025-10-01 08:00"), "13800000001", "噪音")
	r1 := caller(arow("r1", s1, "2025-10-02 08:00"), "13800000001", "噪音")
	r1.Closed, r1.Return, r1.Returned = 0, scoring.ReturnApproved, at("2025-10-02 12:00")
	r2 := arow("r2", s1, "2025-10-03 08:00")
	r2.Closed, r2.Return, r2.Returned, r2.DuplicateOf = 0, scoring.ReturnApproved, at("2025-10-03 12:00"), "e1"
	e2 := caller(arow("e2", s1, "2025-10-04 08:00"), "13800000001", "噪音")
	s := october(t, auditPolicy(t), []scoring.Assignment{e1, r1, r2, e2}).Unit("S1")
	// returned 2 (r1, r2); duplicates 1 (e2); eligible 1 (e1).
	if s.Counts.Returned != 2 || s.Counts.Duplicates != 1 || s.Counts.Eligible != 1 {
		t.Errorf("counts %+v, want 2 returned, 1 duplicate, 1 eligible", s.Counts)
	}
	checkRate(t, "repeat", s.Rates.Repeat, 1, 2) // e2 / (E + e2) = 1 / (1 + 1)
	checkRate(t, "return", s.Rates.Return, 2, 3) // (2 approved + 0 rejected) / (1 + 2)
	// per 10k: e1, r1, r2 (e2 merged) = 3 × 10,000 / 20,000 = 1.5.
	if *s.Per10k != 1.5 {
		t.Errorf("per_10k %v, want 1.5", *s.Per10k)
	}
}

func TestAuditTheEarlierCallMayBeAnyRowInScope(t *testing.T) {
	// SPEC §13.13.5: the earlier row (five days before) may be excluded, open, returned, of another kind or
	// role, or itself a repeat; same values compare trimmed as imported.
	const phone, cat = "13800000001", "市容/占道"
	tests := []struct {
		name       string
		earlier    func(a *scoring.Assignment)
		laterPhone string
		laterCat   string
		eligible   float64
		duplicates float64
	}{
		// The later row is merged; the earlier one is not in E: 0 eligible, 1 duplicate.
		{"excluded", func(a *scoring.Assignment) { a.Excluded, a.ExcludeReason = true, "x" }, phone, cat, 0, 1},
		{"open", func(a *scoring.Assignment) { a.Closed = 0 }, phone, cat, 0, 1},
		{"approved return", func(a *scoring.Assignment) {
			a.Closed, a.Return, a.Returned = 0, scoring.ReturnApproved, a.Dispatched+600
		}, phone, cat, 0, 1},
		{"of an unscored kind", func(a *scoring.Assignment) { a.Kind = scoring.Praise }, phone, cat, 0, 1},
		{"of a role weighted 0", func(a *scoring.Assignment) { a.Role = scoring.Co }, phone, cat, 0, 1},
		// An ordinary earlier row: 1 eligible, 1 duplicate.
		{"the phone with spaces around it", nil, " " + phone + " ", cat, 1, 1},
		{"the category with a trailing space", nil, phone, cat + " ", 1, 1},
		// Other values are no repeat: 2 eligible.
		{"another category", nil, phone, "市容/占道经营", 2, 0},
		{"the phone in full-width digits", nil, "１３８００００００００１", cat, 2, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := caller(arow("E", s1, "2025-10-01 08:00"), phone, cat)
			if tt.earlier != nil {
				tt.earlier(&e)
			}
			l := caller(arow("L", s1, "2025-10-06 08:00"), tt.laterPhone, tt.laterCat)
			s := october(t, auditPolicy(t), []scoring.Assignment{e, l}).Unit("S1")
			if s.Counts.Eligible != tt.eligible || s.Counts.Duplicates != tt.duplicates {
				t.Errorf("eligible %v duplicates %v, want %v and %v", s.Counts.Eligible, s.Counts.Duplicates, tt.eligible, tt.duplicates)
			}
		})
	}
}

func TestAuditRepeatChainsReachBeyondTheWindowAndAcrossPeriods(t *testing.T) {
	// e0 (09-01, closed in 2025-09: not a scored period), e (09-26, 25 days later: a repeat), l (10-16, 20
	// days after e, 45 after e0: a repeat through the chain). Both e and l close in 2025-10.
	const phone, cat = "13800000009", "供暖"
	e0 := caller(arow("e0", s1, "2025-09-01 08:00"), phone, cat)
	e := caller(arow("e", s1, "2025-09-26 08:00"), phone, cat)
	l := caller(arow("l", s1, "2025-10-16 08:00"), phone, cat)
	s := october(t, auditPolicy(t), []scoring.Assignment{l, e, e0}).Unit("S1")
	// duplicates 2, eligible 0, repeat 2 / (0 + 2).
	if s.Counts.Duplicates != 2 || s.Counts.Eligible != 0 {
		t.Errorf("counts %+v, want 2 duplicates, 0 eligible", s.Counts)
	}
	checkRate(t, "repeat", s.Rates.Repeat, 2, 2)
}

func TestAuditARepeatAcrossAPeriodBoundary(t *testing.T) {
	// first: received 10-15, closed 10-16 (2025-10); second: received 10-25 (10 days later), closed 10-26
	// (2025-11 = [10-19, 11-19)); third: received 11-30, 36 days after the second: no repeat (its
	// period 2025-12 is not scored).
	const phone, cat = "13800000002", "路灯"
	rows := []scoring.Assignment{
		caller(arow("first", s1, "2025-10-15 08:00"), phone, cat),
		caller(arow("second", s1, "2025-10-25 08:00"), phone, cat),
		caller(arow("third", s1, "2025-11-30 08:00"), phone, cat),
	}
	p := auditPolicy(t)
	b := auditBook(t, p, []string{"2025-10", "2025-11"}, rows, nil)
	oct, nov := b.Card(0), b.Card(1)
	// October: first is eligible, no repeat: eligible 1, duplicates 0, repeat 0/1.
	if s := oct.Unit("S1"); s.Counts.Eligible != 1 || s.Counts.Duplicates != 0 {
		t.Errorf("October counts %+v", s.Counts)
	} else {
		checkRate(t, "October repeat", s.Rates.Repeat, 0, 1)
	}
	// November: second is merged: eligible 0, duplicates 1, repeat 1/1.
	if s := nov.Unit("S1"); s.Counts.Eligible != 0 || s.Counts.Duplicates != 1 {
		t.Errorf("November counts %+v", s.Counts)
	} else {
		checkRate(t, "November repeat", s.Rates.Repeat, 1, 1)
	}
	// A book of November alone, fed the same rows, finds the same repeat in the earlier period's row.
	alone := auditBook(t, p, []string{"2025-11"}, rows, nil).Card(0)
	if s := alone.Unit("S1"); s.Counts.Duplicates != 1 || s.Counts.Eligible != 0 {
		t.Errorf("November alone: counts %+v", s.Counts)
	}
}

func TestAuditAReturnFollowedByARedispatch(t *testing.T) {
	// T1 is returned by S1 (approved) and dispatched again to S2, which closes it; a week later the same
	// caller calls S1 about the same thing (a repeat of S1's returned row, §13.13.5). T2 is S1's return the
	// centre rejected and dispatched back: one row (the key is ticket and unit), closed on time.
	const phone, cat = "13800000003", "物业"
	t1s1 := caller(arow("T1", s1, "2025-10-01 08:00"), phone, cat)
	t1s1.Closed, t1s1.Return, t1s1.Returned = 0, scoring.ReturnApproved, at("2025-10-01 15:00")
	t1s2 := caller(arow("T1", s2, "2025-10-01 08:00"), phone, cat)
	t1s2.Dispatched, t1s2.Accepted, t1s2.ContactAt, t1s2.Closed = at("2025-10-01 16:00"), at("2025-10-01 17:00"), at("2025-10-01 17:00"), at("2025-10-02 16:00")
	again := caller(arow("T3", s1, "2025-10-08 08:00"), phone, cat)
	t2 := arow("T2", s1, "2025-10-05 08:00")
	t2.Return, t2.Returned = scoring.ReturnRejected, at("2025-10-05 12:00")
	c := october(t, auditPolicy(t), []scoring.Assignment{t1s1, t1s2, again, t2})
	a, b := c.Unit("S1"), c.Unit("S2")
	// S1: returned 1 (T1), eligible 1 (T2; T3 merged), duplicates 1; return (1 + 1 rejected) / (1 + 1) = 2/2.
	if a.Counts.Returned != 1 || a.Counts.Eligible != 1 || a.Counts.Duplicates != 1 {
		t.Errorf("S1 counts %+v", a.Counts)
	}
	checkRate(t, "S1 return", a.Rates.Return, 2, 2)
	checkRate(t, "S1 on_time", a.Rates.OnTime, 1, 1)
	// S2: T1 eligible and on time, no return, no repeat (S1's rows are another unit's): return 0/1.
	if b.Counts.Returned != 0 || b.Counts.Eligible != 1 || b.Counts.Duplicates != 0 {
		t.Errorf("S2 counts %+v", b.Counts)
	}
	checkRate(t, "S2 return", b.Rates.Return, 0, 1)
	checkRate(t, "S2 on_time", b.Rates.OnTime, 1, 1)
}

func TestAuditReturnsBelongToThePeriodOfTheBasis(t *testing.T) {
	// SPEC §13.3: under basis closed an approved return belongs to the period of returned_at, under basis
	// received to that of received_at; counts.returned counts only rows that pass the filters.
	ret := func(id string, recv, returned string) scoring.Assignment {
		a := arow(id, s1, recv)
		a.Closed, a.Return, a.Returned = 0, scoring.ReturnApproved, at(returned)
		return a
	}
	r1 := ret("r1", "2025-10-01 08:00", "2025-10-25 08:00")
	r2 := ret("r2", "2025-09-15 08:00", "2025-10-05 08:00")
	r3 := ret("r3", "2025-10-02 08:00", "2025-10-03 08:00")
	r3.Role = scoring.Co // weighted 0: fails the filters
	r4 := ret("r4", "2025-10-02 08:00", "2025-10-03 08:00")
	r4.Kind = scoring.Praise
	r5 := ret("r5", "2025-10-02 08:00", "2025-10-03 08:00")
	r5.Excluded, r5.ExcludeReason = true, "x"
	r6 := ret("r6", "2025-10-03 08:00", "2025-10-20 08:00")
	e1 := arow("e1", s1, "2025-10-01 08:00")
	rows := []scoring.Assignment{r1, r2, r3, r4, r5, r6, e1}
	tests := []struct {
		basis                 string
		assignments           int64
		returned, num, den    float64
		excluded, eligibleOut float64
	}{
		// received: r1, r3, r4, r5, r6, e1 are October's = 6; returned r1, r6 = 2; return 2 / (1 + 2).
		{"received", 6, 2, 2, 3, 1, 1},
		// closed: r2, r3, r4, r5 (returned in October), e1 = 5; returned r2 = 1; return 1 / (1 + 1).
		{"closed", 5, 1, 1, 2, 1, 1},
	}
	for _, tt := range tests {
		p := auditPolicy(t, "period: {start_day: 19, basis: "+tt.basis+"}")
		s := october(t, p, rows).Unit("S1")
		if s.Counts.Assignments != tt.assignments || s.Counts.Returned != tt.returned || float64(s.Counts.Excluded) != tt.excluded || s.Counts.Eligible != tt.eligibleOut {
			t.Errorf("basis %s: counts %+v, want %d assignments, %v returned", tt.basis, s.Counts, tt.assignments, tt.returned)
		}
		checkRate(t, "return under basis "+tt.basis, s.Rates.Return, tt.num, tt.den)
	}
}

func TestAuditAnExtensionGrantedAfterTheDueDatePassed(t *testing.T) {
	// x1: due 10-05 09:00, closed 10-08 09:00, extended (later) to 10-10 09:00. x2: due 10-05 09:00,
	// extended to 10-25 09:00 (2025-11), still open. x3: no due, 72 h limit, closed on time.
	x1 := arow("x1", s1, "2025-10-01 08:00")
	x1.Due, x1.Closed, x1.ExtendedDue = at("2025-10-05 09:00"), at("2025-10-08 09:00"), at("2025-10-10 09:00")
	x2 := arow("x2", s1, "2025-10-01 08:00")
	x2.Due, x2.Closed, x2.ExtendedDue = at("2025-10-05 09:00"), 0, at("2025-10-25 09:00")
	x3 := arow("x3", s1, "2025-10-02 08:00")
	rows := []scoring.Assignment{x1, x2, x3}
	tests := []struct {
		honor                    string
		octOnTime, octClosure    [2]float64
		octOpen                  float64
		novOnTime, novClosure    [2]float64
		novOpen                  float64
		novOnTimeDef, novClosDef bool
	}{
		// honoured: October E = x1 (extended: on time), x3 = 2 on time, O none → 2/2; D = x1, x3 → 2/2.
		// November: E none, O = x2 (deadline 10-25, open at 11-19) → 0/1; D = x2, open → 0/1.
		{"true", [2]float64{2, 2}, [2]float64{2, 2}, 0, [2]float64{0, 1}, [2]float64{0, 1}, 1, true, true},
		// not honoured: October x1 late (given due), x3 on time, O = x2 (due 10-05) → 1/3; D = all three,
		// closed x1, x3 → 2/3. November: nothing → null rates.
		{"false", [2]float64{1, 3}, [2]float64{2, 3}, 1, [2]float64{}, [2]float64{}, 0, false, false},
	}
	for _, tt := range tests {
		p := auditPolicy(t, "deadlines: {use_given_due: true, honor_extensions: "+tt.honor+", limits: {emergency: 2h, priority: 24h, normal: 72h, complex: 120h}}")
		b := auditBook(t, p, []string{"2025-10", "2025-11"}, rows, nil)
		oct, nov := b.Card(0), b.Card(1)
		o, n := oct.Unit("S1"), nov.Unit("S1")
		checkRate(t, "October on_time, honor "+tt.honor, o.Rates.OnTime, tt.octOnTime[0], tt.octOnTime[1])
		checkRate(t, "October closure, honor "+tt.honor, o.Rates.Closure, tt.octClosure[0], tt.octClosure[1])
		if o.Counts.OverdueOpen != tt.octOpen || n.Counts.OverdueOpen != tt.novOpen {
			t.Errorf("honor %s: overdue_open %v and %v, want %v and %v", tt.honor, o.Counts.OverdueOpen, n.Counts.OverdueOpen, tt.octOpen, tt.novOpen)
		}
		checkRate(t, "November on_time, honor "+tt.honor, n.Rates.OnTime, tt.novOnTime[0], tt.novOnTime[1])
		checkRate(t, "November closure, honor "+tt.honor, n.Rates.Closure, tt.novClosure[0], tt.novClosure[1])
		if n.Rates.OnTime.Defined() != tt.novOnTimeDef || n.Rates.Closure.Defined() != tt.novClosDef {
			t.Errorf("honor %s: November on_time %v closure %v", tt.honor, value(n.Rates.OnTime), value(n.Rates.Closure))
		}
	}
}

func TestAuditRowsWithoutADueDateUnderEachWhenNoDue(t *testing.T) {
	// use_given_due: true, normal limit 72 h. g1: due 10-03 09:00, closed 10-04 09:00 (late). n1: no due,
	// dispatched 10-02 09:00, closed 10-06 09:00 (96 h). n2: no due, dispatched 10-02 09:00, open. n3: no
	// due, closed 24 h after dispatch.
	g1 := arow("g1", s1, "2025-10-02 08:00")
	g1.Due, g1.Closed = at("2025-10-03 09:00"), at("2025-10-04 09:00")
	n1 := arow("n1", s1, "2025-10-02 08:00")
	n1.Closed = at("2025-10-06 09:00")
	n2 := arow("n2", s1, "2025-10-02 08:00")
	n2.Closed = 0
	n3 := arow("n3", s1, "2025-10-02 08:00")
	rows := []scoring.Assignment{g1, n1, n2, n3}
	tests := []struct {
		when            string
		onTime, closure [2]float64
		open            float64
	}{
		// limits: n1's deadline 10-05 09:00 (late), n2's the same (open: O). E = g1, n1, n3, on time n3 → 1 / (3 + 1);
		// D = all four, closed before 10-19: g1, n1, n3 → 3/4.
		{"limits", [2]float64{1, 4}, [2]float64{3, 4}, 1},
		// none: n1, n2, n3 have no deadline: n1, n3 on time, n2 never overdue-open → 2/3; D = g1 → 1/1.
		{"none", [2]float64{2, 3}, [2]float64{1, 1}, 0},
	}
	for _, tt := range tests {
		p := auditPolicy(t, "deadlines: {use_given_due: true, when_no_due: "+tt.when+", limits: {emergency: 2h, priority: 24h, normal: 72h, complex: 120h}}")
		s := october(t, p, rows).Unit("S1")
		checkRate(t, "on_time when_no_due "+tt.when, s.Rates.OnTime, tt.onTime[0], tt.onTime[1])
		checkRate(t, "closure when_no_due "+tt.when, s.Rates.Closure, tt.closure[0], tt.closure[1])
		if s.Counts.OverdueOpen != tt.open {
			t.Errorf("when_no_due %s: overdue_open %v, want %v", tt.when, s.Counts.OverdueOpen, tt.open)
		}
	}
}

func TestAuditClosureCountsRowsClosedBeforeThePeriodWhoseDeadlineIsInIt(t *testing.T) {
	// SPEC §13.13.7. c0: dispatched 09-17 09:00, deadline 09-20 09:00 (in 2025-10), closed 09-18 09:00
	// (2025-09). o1: dispatched 10-02 09:00, deadline 10-05 09:00, open.
	c0 := arow("c0", s1, "2025-09-17 08:00")
	o1 := arow("o1", s1, "2025-10-02 08:00")
	o1.Closed = 0
	s := october(t, auditPolicy(t), []scoring.Assignment{c0, o1}).Unit("S1")
	checkRate(t, "closure", s.Rates.Closure, 1, 2) // D = c0, o1; closed c0
	checkRate(t, "on_time", s.Rates.OnTime, 0, 1)  // E empty, O = o1
	if s.Counts.OverdueOpen != 1 || s.Counts.Eligible != 0 {
		t.Errorf("counts %+v", s.Counts)
	}
}

func TestAuditRawRatesCountRepeatAndExcludedRowsOverdueOpen(t *testing.T) {
	// SPEC §13.13.7. e1 eligible on time; r1 a merged repeat of e1, open, deadline 10-05 09:00; x1 excluded,
	// open, deadline 10-06 09:00.
	e1 := caller(arow("e1", s1, "2025-10-01 08:00"), "13800000004", "交通")
	r1 := caller(arow("r1", s1, "2025-10-02 08:00"), "13800000004", "交通")
	r1.Closed = 0
	x1 := arow("x1", s1, "2025-10-03 08:00")
	x1.Closed, x1.Excluded, x1.ExcludeReason = 0, true, "x"
	s := october(t, auditPolicy(t), []scoring.Assignment{e1, r1, x1}).Unit("S1")
	checkRate(t, "on_time", s.Rates.OnTime, 1, 1)        // O leaves out merged repeats and excluded rows
	checkRate(t, "raw on_time", s.RawRates.OnTime, 1, 3) // raw E = e1, raw O = r1, x1
	checkRate(t, "closure", s.Rates.Closure, 1, 1)       // D = e1 only
	// r1 is open: under basis closed it belongs to no period, so it is not one of October's duplicates.
	if s.Counts.OverdueOpen != 0 || s.Counts.Duplicates != 0 {
		t.Errorf("counts %+v", s.Counts)
	}
}

func TestAuditUnderBasisReceivedARowCountsInEAndInO(t *testing.T) {
	// SPEC §13.13.13 and §13.6. Basis received. b1: received 10-01, deadline 10-04 09:00, closed 10-25 (after
	// 10-19): in E, late, and in O. b2: on time. o1: open, deadline in October, incomplete materials: in O,
	// not in E, earns no points.
	p := auditPolicy(t, "period: {start_day: 19, basis: received}")
	b1 := arow("b1", s1, "2025-10-01 08:00")
	b1.Closed = at("2025-10-25 09:00")
	b2 := arow("b2", s1, "2025-10-02 08:00")
	o1 := arow("o1", s1, "2025-10-03 08:00")
	o1.Closed, o1.IncompleteMaterials = 0, true
	s := october(t, p, []scoring.Assignment{b1, b2, o1}).Unit("S1")
	checkRate(t, "on_time", s.Rates.OnTime, 1, 4)  // on time b2 / (E 2 + O 2)
	checkRate(t, "closure", s.Rates.Closure, 1, 3) // D = b1, b2, o1; closed before 10-19: b2
	// points: b1 and b2 双满意 +1 each; o1's 资料不全 −0.5 does not count (O rows earn none).
	if s.Counts.OverdueOpen != 2 || s.Counts.Eligible != 2 || s.Points.Total != 2 {
		t.Errorf("counts %+v points %v, want 2 overdue-open, 2 eligible, 2 points", s.Counts, s.Points.Total)
	}
}

func TestAuditRowsBeyondTheCalendarsAreLeftOutOfOAndDButNotOfE(t *testing.T) {
	// SPEC §13.6: a policy with only cn-2025 and a 7wd normal limit, period 2026-01 = [2025-12-19, 2026-01-19).
	p := auditPolicy(t, "calendar: [cn-2025]", "deadlines: {use_given_due: false, limits: {emergency: 2h, priority: 24h, normal: 7wd, complex: 15wd}}")
	k1 := arow("k1", s1, "2025-12-30 08:00") // normal, open: its 7wd deadline needs 2026: left out
	k1.Closed = 0
	k2 := arow("k2", s1, "2026-01-05 08:00") // emergency, open: deadline 2026-01-05 11:00, O and D
	k2.Urgency, k2.Closed = scoring.Emergency, 0
	k3 := arow("k3", s1, "2026-01-06 08:00") // emergency, closed in an hour: E on time, D closed
	k3.Urgency, k3.Closed = scoring.Emergency, k3.Dispatched+3600
	b := auditBook(t, p, []string{"2026-01"}, []scoring.Assignment{k1, k2, k3}, nil)
	c := b.Card(0)
	s := c.Unit("S1")
	checkRate(t, "on_time", s.Rates.OnTime, 1, 2) // k3 / (E 1 + O 1)
	checkRate(t, "closure", s.Rates.Closure, 1, 2)
	if s.Counts.OverdueOpen != 1 {
		t.Errorf("overdue_open %v, want 1", s.Counts.OverdueOpen)
	}
	k4 := arow("k4", s1, "2026-01-05 08:00") // normal, closed in January: E needs its deadline
	per, _ := scoring.ParsePeriod("2026-01", p.StartDay, p.Loc)
	d, _ := scoring.NewDirectory(auditUnits)
	eb, _ := scoring.NewBook(p, d, []scoring.Period{per})
	if err := eb.Add(&k4); err == nil || !strings.Contains(err.Error(), "k4") {
		t.Errorf("a row of E beyond the calendars: err = %v, want an error naming it", err)
	}
}

func TestAuditEachHotlinesPolicyCountsItsOwnRows(t *testing.T) {
	// SPEC §13.2: h1 (no hotline: 12345), h2 (12319), h3 (12345), h4 (12358), the same caller and
	// category at S1, two days apart. An out-of-scope row is not an earlier call either.
	const phone, cat = "13800000005", "燃气"
	h1 := caller(arow("h1", s1, "2025-10-01 08:00"), phone, cat)
	h2 := caller(arow("h2", s1, "2025-10-03 08:00"), phone, cat)
	h2.Hotline = "12319"
	h3 := caller(arow("h3", s1, "2025-10-05 08:00"), phone, cat)
	h3.Hotline = "12345"
	h4 := caller(arow("h4", s1, "2025-10-07 08:00"), phone, cat)
	h4.Hotline = "12358"
	rows := []scoring.Assignment{h1, h2, h3, h4}
	tests := []struct {
		scope                string
		assignments          int64
		eligible, duplicates float64
	}{
		{"[\"12345\"]", 2, 1, 1},            // h1, h3; h3 repeats h1
		{"[\"12319\"]", 1, 1, 0},            // h2 alone
		{"[\"12345\", \"12319\"]", 3, 1, 2}, // h1; h2 repeats h1, h3 repeats h2
		{"[\"12358\"]", 1, 1, 0},            // h4 alone
	}
	for _, tt := range tests {
		p := auditPolicy(t, "scope: {hotlines: "+tt.scope+"}")
		s := october(t, p, rows).Unit("S1")
		if s.Counts.Assignments != tt.assignments || s.Counts.Eligible != tt.eligible || s.Counts.Duplicates != tt.duplicates {
			t.Errorf("scope %s: counts %+v, want %d, %v, %v", tt.scope, s.Counts, tt.assignments, tt.eligible, tt.duplicates)
		}
	}
}

func TestAuditNoRowsAndZeroDenominatorsLeaveTheFinalUndefined(t *testing.T) {
	// use_given_due with when_no_due none: rows without a due date have no deadline, so D is empty.
	p := auditPolicy(t, "deadlines: {use_given_due: true, when_no_due: none, limits: {emergency: 2h, priority: 24h, normal: 72h, complex: 120h}}",
		"items: [{label: 办结率, rate: closure, max: 5, linear: {zero: 0.5, full: 1}}]")
	var rows []scoring.Assignment
	for i := range 3 {
		rows = append(rows, arow("a"+string(rune('0'+i)), s1, "2025-10-01 08:00"))
		inv := arow("b"+string(rune('0'+i)), s2, "2025-10-01 08:00")
		inv.CallbackValid = false
		rows = append(rows, inv)
		dep := arow("d"+string(rune('0'+i)), d1, "2025-10-01 08:00")
		rows = append(rows, dep)
	}
	c := october(t, p, rows, scoring.Adjustment{Unit: "S3", Period: "2025-10", Label: "加分", Points: 2, Reason: "r"})
	// S1: composite 100, closure 0/0 null → its item null → final null (§13.13.9).
	a := c.Unit("S1")
	if a.Composite == nil || !near(*a.Composite, 100) || a.Rates.Closure.Defined() || a.Items[0].Points != nil || a.Final != nil {
		t.Errorf("S1: composite %v closure %v item %v final %v", a.Composite, value(a.Rates.Closure), a.Items[0].Points, a.Final)
	}
	// S2: no valid callback: response, resolution, satisfaction 0/0 → composite null, final null.
	b := c.Unit("S2")
	if b.Composite != nil || b.Rates.Resolution.Defined() || b.Final != nil || *b.UnrankedReason != scoring.ReasonNoData {
		t.Errorf("S2: composite %v resolution %v final %v", b.Composite, value(b.Rates.Resolution), b.Final)
	}
	// S3: no rows: every rate null (acceptance {0, 0, null}, the key is present), final null, the adjustment listed.
	e := c.Unit("S3")
	if e.Final != nil || e.Composite != nil || e.Rates.Acceptance.Absent || e.Rates.Acceptance.Defined() || e.Rates.Return.Defined() ||
		e.Rates.Repeat.Defined() || e.Rates.OnTime.Defined() || len(e.Adjustments) != 1 || e.Items[0].Points != nil || *e.UnrankedReason != scoring.ReasonNoData {
		t.Errorf("S3: %+v", e)
	}
	if e.Per10k != nil {
		t.Errorf("S3 has no population: per_10k %v, want null", *e.Per10k)
	}
	// D1 (department: thresholds on acceptance, on_time, return and repeat; the policy's items): the
	// closure item is null → final null; composite 100 × (0.1 + 0.5 + 0.4) = 100; no population → per_10k null.
	d := c.Unit("D1")
	if d.Final != nil || d.Composite == nil || !near(*d.Composite, 100) || d.Per10k != nil || len(d.Deductions) != 4 {
		t.Errorf("D1: final %v composite %v per_10k %v deductions %+v", d.Final, d.Composite, d.Per10k, d.Deductions)
	}
}

func TestAuditTiesShareARankAndLowerIsBetterRatesBreakThem(t *testing.T) {
	// Every street unit is perfect (final 100). S3 also has an approved return: return 1 / (2 + 1) = 1/3.
	// tie_breakers [return, repeat] ascending: S1 and S2 (0 and 0) share rank 1, S3 is 3rd.
	p := auditPolicy(t, "ranking: {round: 2, tie_breakers: [return, repeat], min_callbacks: 1, top: 1, bottom: 1}")
	var rows []scoring.Assignment
	for _, u := range []int32{s1, s2, s3} {
		for i := range 2 {
			rows = append(rows, arow(auditUnits[u].Code+string(rune('0'+i)), u, "2025-10-01 08:00"))
		}
	}
	r := arow("S3-ret", s3, "2025-10-02 08:00")
	r.Closed, r.Return, r.Returned = 0, scoring.ReturnApproved, at("2025-10-02 12:00")
	rows = append(rows, r)
	c := october(t, p, rows)
	want := map[string]int{"S1": 1, "S2": 1, "S3": 3}
	for code, rank := range want {
		s := c.Unit(code)
		if s.Rank == nil || *s.Rank != rank || !near(*s.Final, 100) {
			t.Errorf("%s: rank %v final %v, want rank %d, final 100", code, s.Rank, s.Final, rank)
		}
	}
}

func TestAuditShowRawChangesNoFigure(t *testing.T) {
	// SPEC §13.13.12: the same rows under show_raw true and false give the same scorecards, raw rates included.
	x := arow("x", s1, "2025-10-02 08:00")
	x.Excluded, x.ExcludeReason, x.Resolution = true, "x", scoring.Unresolved
	rows := []scoring.Assignment{arow("a", s1, "2025-10-01 08:00"), x}
	on := october(t, auditPolicy(t, "show_raw: true"), rows)
	off := october(t, auditPolicy(t, "show_raw: false"), rows)
	if !reflect.DeepEqual(on.Units, off.Units) {
		t.Error("show_raw changes the scorecards")
	}
	// raw resolution: (1 + 0) / 2 = 0.5, resolution 1/1.
	s := on.Unit("S1")
	checkRate(t, "raw resolution", s.RawRates.Resolution, 1, 2)
	checkRate(t, "resolution", s.Rates.Resolution, 1, 1)
}

func TestAuditLimitsMustNameEveryUrgency(t *testing.T) {
	// SPEC §13.13.15, for response and deadlines (acceptance is tested beside the other second-edition keys).
	tests := []struct{ key, line, field string }{
		{"response", "response: {mode: callback, limits: {emergency: 2h, priority: 24h, normal: 1wd}}", "response.limits.complex"},
		{"deadlines", "deadlines: {use_given_due: false, limits: {emergency: 2h, normal: 7wd, complex: 15wd}}", "deadlines.limits.priority"},
		{"acceptance", "acceptance: {limits: {priority: 2h, normal: 24h, complex: 24h}}", "acceptance.limits.emergency"},
	}
	for _, tt := range tests {
		fs := fields(t, auditYAML(t, tt.line))
		found := false
		for _, f := range fs {
			found = found || (f.Field == tt.field && strings.Contains(f.Reason, "required"))
		}
		if !found {
			t.Errorf("%s: no %s required in %v", tt.key, tt.field, fs)
		}
	}
}

func TestAuditAThresholdIsMetExactlyAtItsBaseline(t *testing.T) {
	// SPEC §6: shortfall = max(0, baseline − rate) (at_least) or max(0, rate − baseline) (at_most), in points.
	least := scoring.Threshold{Rate: "satisfaction", Baseline: 0.9}
	most := scoring.Threshold{Rate: "repeat", Baseline: 0.05, AtMost: true}
	tests := []struct {
		th    scoring.Threshold
		v     float64
		short float64
	}{
		{least, 0.8999999999999999, 0}, // 9 × 0.9 / 9 summed in binary: the baseline itself
		{least, 0.9, 0},
		{least, 0.89, 1},               // (0.9 − 0.89) × 100
		{most, 0.05000000000000001, 0}, // the baseline itself
		{most, 0.06, 1},                // (0.06 − 0.05) × 100
		{most, 0.04, 0},
	}
	for _, tt := range tests {
		if got := tt.th.Shortfall(tt.v); !near(got, tt.short) || tt.th.Misses(tt.v) != (tt.short > 0) {
			t.Errorf("%s baseline %v at %v: shortfall %v, misses %v; want %v", tt.th.Rate, tt.th.Baseline, tt.v, got, tt.th.Misses(tt.v), tt.short)
		}
	}
}

func TestAuditNewRatesWeighTheComposite(t *testing.T) {
	// SPEC §13.11: closure weighted like the others. a1 closed on time; o1 open, deadline 10-05 09:00 in
	// October. resolution 1/1; closure 1/2; composite 100 × (0.5 × 1 + 0.5 × 0.5) = 75; on_time 1 / (1 + 1)
	// = 0.5: shortfall (0.9 − 0.5) × 100 = 40 × 0.2 = 8, capped at 5; acceptance 1/1: 0. final 75 − 5 = 70.
	p := auditPolicy(t, "weights: {resolution: 0.5, closure: 0.5}")
	a1 := arow("a1", s1, "2025-10-01 08:00")
	o1 := arow("o1", s1, "2025-10-02 08:00")
	o1.Closed = 0
	s := october(t, p, []scoring.Assignment{a1, o1}).Unit("S1")
	if !near(*s.Composite, 75) || !near(*s.Final, 70) {
		t.Errorf("composite %v final %v, want 75 and 70", *s.Composite, *s.Final)
	}
}

func TestAuditTreatCountWithoutAWindowFlagsDuplicateOfRows(t *testing.T) {
	// duplicates: {treat: count} with no window: a duplicate_of row stays eligible and is only flagged
	// (SPEC §13.7): eligible 2, duplicates 0 (§13.13.4), repeat 1 / 2; the 重复 rule gives −1.
	p := auditPolicy(t, "duplicates: {treat: count}",
		"ticket_points: [{label: 重复, when: {repeat: true}, points: -1}]")
	r := arow("r", s1, "2025-10-02 08:00")
	r.DuplicateOf = "a"
	s := october(t, p, []scoring.Assignment{arow("a", s1, "2025-10-01 08:00"), r}).Unit("S1")
	if s.Counts.Eligible != 2 || s.Counts.Duplicates != 0 || s.Points.Total != -1 {
		t.Errorf("counts %+v points %v, want 2 eligible, 0 duplicates, −1", s.Counts, s.Points.Total)
	}
	checkRate(t, "repeat", s.Rates.Repeat, 1, 2)
}

func TestAuditOpenRepeatsCountAsDuplicatesUnderBasisReceived(t *testing.T) {
	// Basis received: a merged repeat still open was received in October and passes the filters, which
	// leave out "closed" (SPEC §13 preamble), so it is one of October's duplicates; it would not be in E
	// (open), so the repeat rate does not count it: repeat 0 / 1.
	p := auditPolicy(t, "period: {start_day: 19, basis: received}")
	a := caller(arow("a", s1, "2025-10-01 08:00"), "13800000006", "绿化")
	r := caller(arow("r", s1, "2025-10-02 08:00"), "13800000006", "绿化")
	r.Closed = 0
	s := october(t, p, []scoring.Assignment{a, r}).Unit("S1")
	if s.Counts.Duplicates != 1 || s.Counts.Eligible != 1 || s.Counts.Assignments != 2 {
		t.Errorf("counts %+v, want 1 duplicate, 1 eligible, 2 assignments", s.Counts)
	}
	checkRate(t, "repeat", s.Rates.Repeat, 0, 1)
}

func TestAuditAnAnnualPointsTotalOfZeroIsNotNegative(t *testing.T) {
	// SPEC §13.11: a negative annual total is marked 取消评优资格. S1 has one 双满意 (+0.3) and three
	// dissatisfied answers (−0.1 each): 0.3 − 3 × 0.1 = 0 exactly, which is not negative; S2 has one
	// dissatisfied answer: −0.1, negative.
	p := auditPolicy(t, "ticket_points: [{label: 双满意, when: {satisfied: true}, points: 0.3}, {label: 不满意, when: {satisfied: false}, points: -0.1}]",
		"annual: {mode: points_total, money_per_point: 300}")
	rows := []scoring.Assignment{arow("a", s1, "2025-10-01 08:00")}
	for i := range 3 {
		r := arow("u"+string(rune('0'+i)), s1, "2025-10-02 08:00")
		r.Satisfaction = scoring.Dissatisfied
		rows = append(rows, r)
	}
	u := arow("v", s2, "2025-10-02 08:00")
	u.Satisfaction = scoring.Dissatisfied
	rows = append(rows, u)
	ps, err := p.AnnualPeriods("2025")
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, per := range ps {
		ids = append(ids, per.ID)
	}
	a := auditBook(t, p, ids, rows, nil).Annual("2025")
	for _, au := range a.Units {
		switch au.Code {
		case "S1":
			if au.Disqualified || !near(*au.Score, 0) {
				t.Errorf("S1: score %v disqualified %v, want 0 and not disqualified", *au.Score, au.Disqualified)
			}
		case "S2":
			if !au.Disqualified || !near(*au.Score, -0.1) || !near(*au.Money, -30) {
				t.Errorf("S2: score %v money %v disqualified %v, want −0.1, −30 and disqualified", *au.Score, *au.Money, au.Disqualified)
			}
		}
	}
}
