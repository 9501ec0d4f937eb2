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

// closedAt returns a good assignment of unit u received at recv, dispatched an hour later and closed
// eight hours after dispatch.
func closedAt(id string, u int32, recv string) scoring.Assignment {
	a := good(id, u)
	shift := at(recv) - a.Received
	a.Received += shift
	a.Dispatched += shift
	a.ContactAt += shift
	a.Closed += shift
	return a
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-12 }

func checkRate(t *testing.T, name string, r scoring.Rate, num, den float64) {
	t.Helper()
	if !near(r.Num, num) || !near(r.Den, den) {
		t.Errorf("%s = %v/%v, want %v/%v", name, r.Num, r.Den, num, den)
	}
}

func finished(t *testing.T, p *scoring.Policy, rows []scoring.Assignment) *scoring.Book {
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
	if err := b.Finish(); err != nil {
		t.Fatal(err)
	}
	return b
}

const acceptance = "acceptance: {limits: {emergency: 1h, priority: 2h, normal: 24h, complex: 24h}}"

func TestAcceptanceIsTimelyUpToTheLimitInclusive(t *testing.T) {
	p := testPolicy(t, acceptance+"\nticket_points: [{label: 签收超时, when: {accepted_late: true}, points: -1}]")
	rows := []scoring.Assignment{good("1", 0), good("2", 0), good("3", 0), good("4", 0)}
	rows[0].Accepted = rows[0].Dispatched + 24*3600      // exactly at the limit: timely
	rows[1].Accepted = rows[1].Dispatched + 24*3600 + 60 // a minute late
	// rows[2] has no accepted_at: late
	rows[3].Urgency, rows[3].Accepted = scoring.Emergency, rows[3].Dispatched+3600 // emergency exactly 1h
	rows[3].Closed = rows[3].Dispatched + 3600
	s := card(t, p, rows).Unit("A")
	checkRate(t, "acceptance", s.Rates.Acceptance, 2, 4)
	if s.Points.Total != -2 {
		t.Errorf("points %v, want -2 (two late acceptances)", s.Points.Total)
	}
}

func TestAcceptanceWithoutThePolicyKeyIsNull(t *testing.T) {
	s := card(t, testPolicy(t, ""), []scoring.Assignment{good("1", 0)}).Unit("A")
	if !s.Rates.Acceptance.Absent || s.Rates.Acceptance.Value != nil {
		t.Errorf("acceptance %+v, want absent", s.Rates.Acceptance)
	}
	got := string(must(s.Rates.Acceptance.MarshalJSON()))
	if got != `{"num":null,"den":null,"value":null}` {
		t.Errorf("JSON %s", got)
	}
}

func must(b []byte, err error) []byte {
	if err != nil {
		panic(err)
	}
	return b
}

func TestOverdueOpenAtThePeriodEdges(t *testing.T) {
	p := testPolicy(t, "on_time: {count_open_overdue: true}")
	// Deadline is dispatched + 24h; October is [10-01 00:00, 11-01 00:00).
	atStart := closedAt("start", 0, "2025-09-29 23:00") // dispatched 09-30 00:00: deadline 10-01 00:00, open
	atStart.Closed = 0
	atEnd := closedAt("end", 0, "2025-10-30 23:00") // deadline 11-01 00:00: not October's
	atEnd.Closed = 0
	closedAtEnd := closedAt("closed-at-end", 0, "2025-10-20 08:00") // deadline 10-21 09:00, closed 11-01 00:00
	closedAtEnd.Closed = at("2025-11-01 00:00")
	lateInside := closedAt("late", 0, "2025-10-20 08:00")
	lateInside.Closed = at("2025-10-31 23:59") // late, in E
	excluded := closedAt("excluded", 0, "2025-10-05 08:00")
	excluded.Closed, excluded.Excluded, excluded.ExcludeReason = 0, true, "无理诉求"
	s := card(t, p, []scoring.Assignment{atStart, atEnd, closedAtEnd, lateInside, excluded}).Unit("A")
	if s.Counts.OverdueOpen != 2 {
		t.Errorf("overdue_open %v, want 2 (deadline at the start, closed at the end)", s.Counts.OverdueOpen)
	}
	checkRate(t, "on_time", s.Rates.OnTime, 0, 3)
	checkRate(t, "closure", s.Rates.Closure, 1, 3)
	checkRate(t, "raw on_time", s.RawRates.OnTime, 0, 4) // the excluded open row counts raw
}

func TestOverdueOpenIsZeroWithoutTheKey(t *testing.T) {
	a := closedAt("1", 0, "2025-10-05 08:00")
	a.Closed = 0
	s := card(t, testPolicy(t, ""), []scoring.Assignment{a, good("2", 0)}).Unit("A")
	if s.Counts.OverdueOpen != 0 {
		t.Errorf("overdue_open %v", s.Counts.OverdueOpen)
	}
	checkRate(t, "on_time", s.Rates.OnTime, 1, 1)
	checkRate(t, "closure", s.Rates.Closure, 1, 2)
}

func TestRepeatWindowEdges(t *testing.T) {
	p := testPolicy(t, "duplicates: {window: 30d, same: [caller_phone]}")
	first := closedAt("A1", 0, "2025-10-01 08:00")
	edge := closedAt("A2", 0, "2025-10-31 08:00") // exactly 30 × 24 h later: a repeat
	other := closedAt("B1", 0, "2025-10-01 08:00")
	over := closedAt("B2", 0, "2025-10-31 08:00")
	over.Received++ // one second over the window: not a repeat
	first.CallerPhone, edge.CallerPhone = "13800000001", "13800000001"
	other.CallerPhone, over.CallerPhone = "13800000002", "13800000002"
	elsewhere := closedAt("C1", 1, "2025-10-02 08:00") // same caller at another unit: not a repeat
	elsewhere.CallerPhone = "13800000001"
	noPhone1, noPhone2 := closedAt("N1", 0, "2025-10-03 08:00"), closedAt("N2", 0, "2025-10-03 09:00") // empty phones: never
	c := card(t, p, []scoring.Assignment{first, edge, other, over, elsewhere, noPhone1, noPhone2})
	s := c.Unit("A")
	if s.Counts.Duplicates != 1 || s.Counts.Eligible != 5 {
		t.Errorf("duplicates %v eligible %v, want 1 and 5", s.Counts.Duplicates, s.Counts.Eligible)
	}
	checkRate(t, "repeat", s.Rates.Repeat, 1, 6)
	if b := c.Unit("B"); b.Counts.Duplicates != 0 {
		t.Errorf("B duplicates %v", b.Counts.Duplicates)
	}
	// Merged repeats leave requests per 10k: 7 received, 1 merged → per 10k of 10000 residents is 5... for A: 6 rows, 1 merged.
	if *s.Per10k != 5 {
		t.Errorf("per_10k %v, want 5", *s.Per10k)
	}
}

func TestRepeatTiesOnReceivedAreBrokenByTicketIDBytes(t *testing.T) {
	p := testPolicy(t, "duplicates: {window: 30d, same: [caller_phone], treat: count}\nticket_points: [{label: 重复, when: {repeat: true}, points: -1}]")
	ten, nine := closedAt("TIE-10", 0, "2025-10-05 08:00"), closedAt("TIE-9", 0, "2025-10-05 08:00")
	ten.CallerPhone, nine.CallerPhone = "13900000000", "13900000000"
	rows := []scoring.Assignment{nine, ten}
	b := finished(t, p, rows)
	c := b.Card(0)
	s := c.Unit("A")
	if s.Counts.Eligible != 2 || s.Counts.Duplicates != 0 || s.Points.Total != -1 {
		t.Errorf("eligible %v duplicates %v points %v, want 2, 0, -1", s.Counts.Eligible, s.Counts.Duplicates, s.Points.Total)
	}
	checkRate(t, "repeat", s.Rates.Repeat, 1, 2)
	e, err := b.Explain(0, 0, rows)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range append(e.Lines, e.Others...) {
		want := l.TicketID == "TIE-9"
		if l.Repeat != want || (want && (l.RepeatOf != "TIE-10" || l.RepeatSource != scoring.RepeatByWindow)) {
			t.Errorf("%s: repeat %v of %q (%s)", l.TicketID, l.Repeat, l.RepeatOf, l.RepeatSource)
		}
	}
}

func TestDuplicateOfIsMergedWithoutADuplicatesKey(t *testing.T) {
	a, r := good("1", 0), good("2", 0)
	r.DuplicateOf = "NOT-IN-FILE"
	s := card(t, testPolicy(t, ""), []scoring.Assignment{a, r}).Unit("A")
	if s.Counts.Eligible != 1 || s.Counts.Duplicates != 1 || s.Counts.Assignments != 2 {
		t.Errorf("counts %+v", s.Counts)
	}
	checkRate(t, "repeat", s.Rates.Repeat, 1, 2)
	checkRate(t, "raw resolution", s.RawRates.Resolution, 2, 2)
}

func TestReturns(t *testing.T) {
	p := testPolicy(t, "ticket_points: [{label: 退单不当, when: {return: [rejected]}, points: -1}]")
	approved := closedAt("approved", 0, "2025-09-20 08:00")
	approved.Closed, approved.Return, approved.Returned = 0, scoring.ReturnApproved, at("2025-10-02 10:00")
	september := closedAt("returned-in-september", 0, "2025-09-20 08:00") // closed in October, returned in September
	september.Return, september.Returned, september.Closed = scoring.ReturnApproved, at("2025-09-30 23:59"), at("2025-10-02 10:00")
	rejected := good("rejected", 0)
	rejected.Return, rejected.Returned = scoring.ReturnRejected, rejected.Dispatched+600
	s := card(t, p, []scoring.Assignment{approved, september, rejected, good("plain", 0)}).Unit("A")
	if s.Counts.Returned != 1 || s.Counts.Eligible != 2 || s.Counts.Assignments != 3 {
		t.Errorf("counts %+v, want 1 returned, 2 eligible, 3 assignments", s.Counts)
	}
	checkRate(t, "return", s.Rates.Return, 2, 3)
	if s.Points.Total != -1 {
		t.Errorf("points %v, want -1", s.Points.Total)
	}
}

func TestScopeLeavesRowsOutEntirely(t *testing.T) {
	p := testPolicy(t, "scope: {hotlines: [12345], channels: [电话]}")
	in, empty, other, noChannel := good("in", 0), good("empty-hotline", 0), good("12319", 0), good("no-channel", 0)
	in.Channel, empty.Channel, other.Channel = "电话", "电话", "电话"
	in.Hotline, other.Hotline = "12345", "12319"
	s := card(t, p, []scoring.Assignment{in, empty, other, noChannel}).Unit("A")
	if s.Counts.Assignments != 2 || s.Counts.Eligible != 2 || *s.Per10k != 2 {
		t.Errorf("counts %+v per10k %v, want 2 rows in scope", s.Counts, *s.Per10k)
	}
}

func TestDeadlinesFromExtensionsAndWhenNoDue(t *testing.T) {
	limits := "deadlines: {use_given_due: true, honor_extensions: true, when_no_due: none, limits: {emergency: 2h, priority: 24h, normal: 24h, complex: 48h}}"
	p := testPolicy(t, limits)
	extended := good("extended", 0)
	extended.Due, extended.ExtendedDue = extended.Dispatched+3600, extended.Closed // closed exactly at the extension
	given := good("given", 0)
	given.Due = given.Closed - 1
	none := good("none", 0)
	none.Closed += 30 * 86400 / 10 // three days: still on time without a due date
	s := card(t, p, []scoring.Assignment{extended, given, none}).Unit("A")
	checkRate(t, "on_time", s.Rates.OnTime, 2, 3)
	checkRate(t, "closure", s.Rates.Closure, 2, 2) // the row without a deadline is left out of D
}

func TestItemBandsAndLinearAtTheirBounds(t *testing.T) {
	p := testPolicy(t, "weights: {}\nitems: [{label: 带, rate: on_time, bands: [{min: 0.9, points: 3}, {min: 0.8, max: 0.85, points: 1}]}, {label: 线, rate: on_time, max: 10, linear: {zero: 0.6, full: 0.9}}]")
	tests := []struct {
		late        int
		band, lines float64
	}{
		{2, 3, 10},       // 0.9: the first band, linear full
		{3, 1, 25.0 / 3}, // 0.85: the second band's max
		{4, 1, 20.0 / 3}, // 0.8: the second band's min
		{5, 0, 5},        // 0.75: no band
		{8, 0, 0},        // 0.6: linear zero
		{9, 0, 0},        // 0.55: clamped at zero
	}
	for _, tt := range tests {
		rows := make([]scoring.Assignment, 20)
		for i := range rows {
			rows[i] = good(string(rune('a'+i)), 0)
			if i < tt.late {
				rows[i].Closed += 2 * 86400
			}
		}
		s := card(t, p, rows).Unit("A")
		if !near(*s.Items[0].Points, tt.band) || !near(*s.Items[1].Points, tt.lines) || !near(*s.Final, tt.band+tt.lines) {
			t.Errorf("%d late: items %v %v final %v, want %v %v", tt.late, *s.Items[0].Points, *s.Items[1].Points, *s.Final, tt.band, tt.lines)
		}
	}
}

func TestItemOnAnUndefinedRateIsNullAndTheFinalToo(t *testing.T) {
	p := testPolicy(t, "weights: {}\nitems: [{label: 办结, rate: closure, max: 5, linear: {zero: 0.5, full: 1}}]")
	s := card(t, p, []scoring.Assignment{good("1", 0)}).Unit("B") // B has nothing: closure undefined
	if len(s.Items) != 1 || s.Items[0].Points != nil || s.Final != nil || s.Composite == nil {
		t.Errorf("items %+v final %v composite %v", s.Items, s.Final, s.Composite)
	}
}

func TestAdjustmentsAreClampedOnlyInTheirSum(t *testing.T) {
	p := testPolicy(t, "weights: {}\nfinal: {base: 50, min: 0, max: 100}\nadjustments: {min: -5, max: 3}")
	tests := []struct {
		points []float64
		want   float64
	}{
		{[]float64{3}, 53}, {[]float64{2, 1.5}, 53}, {[]float64{-5}, 45}, {[]float64{-2, -4}, 45}, {[]float64{4, -1.5}, 52.5}, {nil, 50},
	}
	for _, tt := range tests {
		b := finished(t, p, []scoring.Assignment{good("1", 0)})
		var adjs []scoring.Adjustment
		for i, v := range tt.points {
			adjs = append(adjs, scoring.Adjustment{Unit: "A", Period: "2025-10", Label: "x", Points: v, Reason: string(rune('a' + i))})
		}
		adjs = append(adjs, scoring.Adjustment{Unit: "A", Period: "2025-09", Label: "other period", Points: 100})
		if err := b.AddAdjustments(adjs); err != nil {
			t.Fatal(err)
		}
		c := b.Card(0)
		s := c.Unit("A")
		if *s.Final != tt.want || len(s.Adjustments) != len(tt.points) {
			t.Errorf("%v: final %v with %d listed, want %v with %d", tt.points, *s.Final, len(s.Adjustments), tt.want, len(tt.points))
		}
		for i, v := range tt.points {
			if s.Adjustments[i].Points != v {
				t.Errorf("%v: listed %v at %d, want it unclamped", tt.points, s.Adjustments[i].Points, i)
			}
		}
	}
}

func TestAdjustmentOfAnUnknownUnitIsAnError(t *testing.T) {
	b := finished(t, testPolicy(t, ""), nil)
	err := b.AddAdjustments([]scoring.Adjustment{{Unit: "ZZ", Period: "2025-10", Points: 1}})
	if scoring.ErrorCode(err) != scoring.Invalid || !strings.Contains(err.Error(), `"ZZ"`) {
		t.Errorf("err = %v", err)
	}
}

func contains(s, sub string) bool {
	return len(sub) == 0 || (len(s) >= len(sub) && (s[:len(sub)] == sub || contains(s[1:], sub)))
}

func TestGroupOverrideReplacesTheKeyAsAWhole(t *testing.T) {
	p := testPolicy(t, "groups: {department: {weights: {resolution: 1}, final: {base: 10, min: 0, max: 120}}}")
	rows := []scoring.Assignment{good("1", 0), good("2", 3)}
	rows[0].Resolution, rows[1].Resolution = scoring.Partial, scoring.Partial
	c := card(t, p, rows)
	// street A: 100 × (0.1 × 1 + 0.5 × 0.5 + 0.4 × 1) = 75; department D: 10 + 100 × 0.5 = 60.
	if a, d := c.Unit("A"), c.Unit("D"); !near(*a.Final, 75) || !near(*d.Final, 60) {
		t.Errorf("finals A %v D %v, want 75 and 60", *a.Final, *d.Final)
	}
}

func TestLowerIsBetterTieBreakersSortAscending(t *testing.T) {
	p := testPolicy(t, "ranking: {min_callbacks: 1, tie_breakers: [redispatch], round: 2}")
	rows := []scoring.Assignment{good("1", 0), good("2", 0), good("3", 1), good("4", 1)}
	rows[0].Redispatches = 1 // A redispatches more: B ranks first
	c := card(t, p, rows)
	if c.Units[0].Code != "B" || *c.Units[0].Rank != 1 || *c.Units[1].Rank != 2 {
		t.Errorf("order %s %s", c.Units[0].Code, c.Units[1].Code)
	}
}

func TestRoundingIsHalfAwayFromZero(t *testing.T) {
	for _, tt := range []struct {
		x      float64
		digits int
		want   int64
	}{{-2.5, 0, -3}, {2.5, 0, 3}, {-0.125, 2, -13}, {-89.995, 2, -9000}, {-2.4999, 0, -2}} {
		if got := scoring.RoundScaled(tt.x, tt.digits); got != tt.want {
			t.Errorf("RoundScaled(%v, %d) = %d, want %d", tt.x, tt.digits, got, tt.want)
		}
	}
}

func TestDeadlineErrorsNameTheTicket(t *testing.T) {
	p := testPolicy(t, "calendar: [cn-2025]\ndeadlines: {limits: {emergency: 2h, priority: 24h, normal: 7wd, complex: 15wd}}")
	a := good("T-2026", 0)
	a.Received, a.Dispatched = at("2025-09-30 08:00"), at("2025-09-30 09:00")
	a.Closed = at("2025-10-10 09:00")
	a.Urgency = scoring.Normal
	per, _ := scoring.ParsePeriod("2025-10", 1, p.Loc)
	b, _ := scoring.NewBook(p, dir(t), []scoring.Period{per})
	if err := b.Add(&a); err != nil {
		t.Fatalf("a deadline inside 2025 failed: %v", err)
	}
	a.Dispatched, a.Received, a.Closed = at("2025-12-30 09:00"), at("2025-12-30 08:00"), at("2025-10-31 09:00")
	err := b.Add(&a)
	if err == nil || !strings.Contains(err.Error(), "ticket T-2026 (A): deadline") {
		t.Errorf("err = %v, want the ticket and its unit", err)
	}
	if scoring.ErrorCode(err) != scoring.Invalid {
		t.Errorf("code %s, want %s: the API answers the ticket's error as invalid input", scoring.ErrorCode(err), scoring.Invalid)
	}
}

func TestAnnualPointsTotalSumsPointsAndAdjustments(t *testing.T) {
	p := testPolicy(t, "ticket_points: [{label: 双满意, when: {satisfied: true}, points: 1}, {label: 不满意, when: {satisfied: false}, points: -2}]\nadjustments: {min: -3, max: 3}\nannual: {mode: points_total, money_per_point: 300}")
	bad := good("2", 1)
	bad.Satisfaction = scoring.Dissatisfied
	rows := []scoring.Assignment{good("1", 0), inMonth(good("3", 0), 11), bad, inMonth(good("4", 1), 11)}
	b := yearBook(t, p, rows)
	err := b.AddAdjustments([]scoring.Adjustment{
		{Unit: "A", Period: "2025-10", Label: "加分", Points: 5}, // clamped to 3
		{Unit: "B", Period: "2025-11", Label: "扣分", Points: -1},
	})
	if err != nil {
		t.Fatal(err)
	}
	a := b.Annual("2025")
	byCode := map[string]scoring.AnnualUnit{}
	for _, u := range a.Units {
		byCode[u.Code] = u
	}
	ua, ub := byCode["A"], byCode["B"]
	// A: 1 + 1 points + 3 (adjustment clamped); B: −2 + 1 points − 1.
	if a.Mode != "points_total" || *ua.Score != 5 || *ua.Money != 1500 || ua.Disqualified || *ua.Rank != 1 {
		t.Errorf("A: mode %s score %v money %v disqualified %v", a.Mode, *ua.Score, *ua.Money, ua.Disqualified)
	}
	if *ub.Score != -2 || *ub.Money != -600 || !ub.Disqualified {
		t.Errorf("B: score %v money %v disqualified %v", *ub.Score, *ub.Money, ub.Disqualified)
	}
}

// TestSecondEditionIsTheSameShuffledAndSplit scores random rows over twelve periods with every
// second-edition feature (window repeats across periods, duplicate_of, returns, open overdue rows,
// extensions, acceptance, scope) in one book, and shuffled into three merged books.
func TestSecondEditionIsTheSameShuffledAndSplit(t *testing.T) {
	p := testPolicy(t, acceptance+`
period: {start_day: 19}
roles: {lead: 1, co: 0.5}
scope: {hotlines: [12345, 12319]}
on_time: {count_open_overdue: true}
deadlines: {use_given_due: true, honor_extensions: true, limits: {emergency: 2h, priority: 24h, normal: 72h, complex: 120h}}
duplicates: {window: 30d, same: [caller_phone, kind]}
items: [{label: 办结, rate: closure, max: 5, linear: {zero: 0.5, full: 1}}]
ticket_points: [{label: 双否, when: {callback_valid: true, resolved: [unresolved, partial], satisfied: false}, points: -1}, {label: 退单不当, when: {return: [rejected]}, points: -1}]`)
	r := rand.New(rand.NewPCG(5, 6))
	rows := make([]scoring.Assignment, 3000)
	for i := range rows {
		a := closedAt(fmt.Sprintf("R%04d", i), int32(r.IntN(4)), "2025-01-05 08:00")
		shift := int64(r.IntN(360*24)) * 3600
		a.Received += shift
		a.Dispatched += shift
		a.ContactAt += shift
		a.Closed += shift + int64(r.IntN(6*86400))
		a.Accepted = a.Dispatched + int64(r.IntN(30*3600))
		switch r.IntN(12) {
		case 0:
			a.Closed = 0
		case 1:
			a.Return, a.Returned = scoring.ReturnApproved, a.Dispatched+7200
		case 2:
			a.Return, a.Returned = scoring.ReturnRejected, a.Dispatched+7200
		case 3:
			a.DuplicateOf = "R0001"
		case 4:
			a.Excluded, a.ExcludeReason = true, "x"
		case 5:
			a.ExtendedDue = a.Dispatched + 10*86400
		case 6:
			a.Hotline = "12358"
		}
		a.Role = scoring.Role(r.IntN(2))
		a.Kind = scoring.Kind(r.IntN(5))
		a.Resolution = scoring.Resolution(r.IntN(4))
		a.Satisfaction = scoring.Satisfaction(r.IntN(6))
		a.CallerPhone = fmt.Sprint(13900000000 + r.IntN(40))
		rows[i] = a
	}
	periods, err := p.AnnualPeriods("2025")
	if err != nil {
		t.Fatal(err)
	}
	build := func(rows []scoring.Assignment, parts int) []scoring.Card {
		books := make([]*scoring.Book, parts)
		for i := range books {
			books[i], _ = scoring.NewBook(p, dir(t), periods)
		}
		for i := range rows {
			if err := books[i%parts].Add(&rows[i]); err != nil {
				t.Fatal(err)
			}
		}
		for _, b := range books[1:] {
			if err := books[0].Merge(b); err != nil {
				t.Fatal(err)
			}
		}
		if err := books[0].Finish(); err != nil {
			t.Fatal(err)
		}
		var cards []scoring.Card
		for i := range periods {
			cards = append(cards, books[0].Card(i))
		}
		return cards
	}
	want := build(rows, 1)
	var merged, open, returned float64
	for _, c := range want {
		for _, s := range c.Units {
			merged += s.Counts.Duplicates
			open += s.Counts.OverdueOpen
			returned += s.Counts.Returned
		}
	}
	if merged == 0 || open == 0 || returned == 0 {
		t.Fatalf("the rows exercise too little: %v merged, %v overdue-open, %v returned", merged, open, returned)
	}
	shuffled := append([]scoring.Assignment(nil), rows...)
	r.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
	if got := build(shuffled, 3); !reflect.DeepEqual(got, want) {
		t.Error("shuffled rows split over three merged books give other cards")
	}
}
