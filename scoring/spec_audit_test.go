package scoring_test

// An audit of the first edition (SPEC §4–§8) against numbers computed by hand from the SPEC text:
// every expected value below is worked out in its comment, never taken from the code's output.

import (
	"fmt"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"

	"sanlv/fixtures"
	"sanlv/scoring"
)

// auditKeys are the top-level keys of an audit policy, in the order they are written.
var auditKeys = []string{"name", "version", "timezone", "period", "calendar", "scored_kinds", "roles", "response",
	"deadlines", "unrated", "weights", "thresholds", "ticket_points", "final", "ranking", "annual"}

// auditV1Policy is a first-edition policy over the calendar months of Asia/Shanghai with the SPEC §10
// district limits and weights; each line given replaces the top-level key it names.
func auditV1Policy(t *testing.T, lines ...string) *scoring.Policy {
	t.Helper()
	keys := map[string]string{
		"name":          "name: audit",
		"version":       `version: "1"`,
		"timezone":      "timezone: Asia/Shanghai",
		"period":        "period: {start_day: 1, basis: closed}",
		"calendar":      "calendar: [cn-2024, cn-2025, cn-2026]",
		"scored_kinds":  "scored_kinds: [help, complaint, report, suggestion, consult]",
		"roles":         "roles: {lead: 1, co: 0}",
		"response":      "response: {mode: callback, limits: {emergency: 2h, priority: 24h, normal: 1wd, complex: 1wd}}",
		"deadlines":     "deadlines: {use_given_due: false, limits: {emergency: 2h, priority: 24h, normal: 7wd, complex: 15wd}}",
		"unrated":       "unrated: exclude",
		"weights":       "weights: {response: 0.1, resolution: 0.5, satisfaction: 0.4}",
		"thresholds":    "thresholds: []",
		"ticket_points": "ticket_points: []",
		"final":         "final: {base: 0, points_factor: 0, min: 0, max: 100}",
		"ranking":       "ranking: {round: 2, tie_breakers: [resolution, satisfaction, response], min_callbacks: 1, top: 0, bottom: 0}",
		"annual":        "annual: {mode: mean_of_periods, grades: [{min: 90, name: 优秀}, {min: 80, name: 良好}, {min: 60, name: 合格}, {min: 0, name: 不合格}]}",
	}
	for _, l := range lines {
		k, _, _ := strings.Cut(l, ":")
		if _, ok := keys[k]; !ok {
			t.Fatalf("audit policy: unknown key in %q", l)
		}
		keys[k] = l
	}
	var b strings.Builder
	for _, k := range auditKeys {
		b.WriteString(keys[k] + "\n")
	}
	p, err := scoring.ParsePolicy([]byte(b.String()), fixtures.Calendar)
	if err != nil {
		t.Fatalf("audit policy: %v\n%s", err, b.String())
	}
	return p
}

// auditTime reads "2006-01-02 15:04:05" in loc.
func auditTime(loc *time.Location, s string) int64 {
	t, err := time.ParseInLocation("2006-01-02 15:04:05", s, loc)
	if err != nil {
		panic(err)
	}
	return t.Unix()
}

// sh reads a Shanghai time "2006-01-02 15:04:05".
func auditSh(s string) int64 { return auditTime(shanghai, s) }

// auditRow is an eligible lead complaint of unit u dispatched at disp and closed at closed (Shanghai
// times), with a valid callback: contacted, resolved, very satisfied.
func auditRow(id string, u int32, disp, closed string) scoring.Assignment {
	a := scoring.Assignment{TicketID: id, Unit: u, Kind: scoring.Complaint, Urgency: scoring.Normal,
		Dispatched: auditSh(disp), CallbackValid: true, Contacted: scoring.Yes,
		Resolution: scoring.Resolved, Satisfaction: scoring.VerySatisfied}
	a.Received = a.Dispatched - 3600
	if closed != "" {
		a.Closed = auditSh(closed)
	}
	return a
}

// auditV1Book scores rows of units over the given period ids (in order).
func auditV1Book(t *testing.T, p *scoring.Policy, us []scoring.Unit, ids []string, rows []scoring.Assignment) *scoring.Book {
	t.Helper()
	return scoredBook(t, p, us, ids, rows, nil)
}

// auditUnitA scores rows of the single unit A (auditOne) and returns A's scorecard in the first period.
func auditUnitA(t *testing.T, p *scoring.Policy, ids []string, rows []scoring.Assignment) *scoring.Scorecard {
	t.Helper()
	c := auditV1Book(t, p, auditOne, ids, rows).Card(0)
	return c.Unit("A")
}

var auditOne = []scoring.Unit{{Code: "A", Name: "甲", Group: "street", Population: 20000}}

func auditNear(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

func auditRate(t *testing.T, name string, r scoring.Rate, num, den float64) {
	t.Helper()
	if !auditNear(r.Num, num) || !auditNear(r.Den, den) {
		t.Errorf("%s = %v/%v, want %v/%v", name, r.Num, r.Den, num, den)
		return
	}
	switch {
	case den == 0 && r.Value != nil:
		t.Errorf("%s: value %v, want null (zero denominator)", name, *r.Value)
	case den != 0 && (r.Value == nil || !auditNear(*r.Value, num/den)):
		t.Errorf("%s: value %v, want %v", name, r.Value, num/den)
	}
}

// SPEC §4: a period is [start, end); a row belongs to the period its basis instant falls in, and
// requests per 10k count the rows received in the period.
func TestPeriodBoundaryInstantsBelongToTheLaterPeriod(t *testing.T) {
	tests := []struct {
		name     string
		period   string // the policy's period key
		received string
		closed   string // "" for an open row
		// want is the period whose assignments count the row and wantRecv the one whose per-10k does; "" for none of the book's.
		want, wantRecv string
	}{
		// start_day 19: 2025-10 is [2025-09-19 00:00, 2025-10-19 00:00).
		{"closed exactly at the start instant of 2025-10 (day 19)", "period: {start_day: 19, basis: closed}", "2025-09-18 20:00:00", "2025-09-19 00:00:00", "2025-10", "2025-09"},
		{"closed one second before the start of 2025-10 (day 19)", "period: {start_day: 19, basis: closed}", "2025-09-18 20:00:00", "2025-09-18 23:59:59", "2025-09", "2025-09"},
		{"closed exactly at the end instant of 2025-10 (day 19)", "period: {start_day: 19, basis: closed}", "2025-10-18 20:00:00", "2025-10-19 00:00:00", "2025-11", "2025-10"},
		{"received exactly at the start of 2025-10 (day 19), closed inside", "period: {start_day: 19, basis: closed}", "2025-09-19 00:00:00", "2025-09-20 10:00:00", "2025-10", "2025-10"},
		{"open row: no period by closed_at, still requested in its received period", "period: {start_day: 19, basis: closed}", "2025-10-19 00:00:00", "", "", "2025-11"},
		// basis received, calendar months: 2025-10 is [2025-10-01 00:00, 2025-11-01 00:00).
		{"basis received: received exactly at 2025-11-01 00:00 is November's", "period: {start_day: 1, basis: received}", "2025-11-01 00:00:00", "2025-11-02 10:00:00", "2025-11", "2025-11"},
		{"basis received: received at 2025-10-31 23:59:59 is October's though closed in November", "period: {start_day: 1, basis: received}", "2025-10-31 23:59:59", "2025-11-02 10:00:00", "2025-10", "2025-10"},
		{"basis received: an open row received in October is October's", "period: {start_day: 1, basis: received}", "2025-10-01 00:00:00", "", "2025-10", "2025-10"},
	}
	ids := []string{"2025-09", "2025-10", "2025-11"}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := auditV1Policy(t, tt.period)
			a := auditRow("T1", 0, tt.received, tt.closed)
			a.Received = a.Dispatched // dispatched when received
			b := auditV1Book(t, p, auditOne, ids, []scoring.Assignment{a})
			for i, id := range ids {
				c := b.Card(i)
				s := c.Unit("A")
				wantN := 0
				if id == tt.want {
					wantN = 1
				}
				if s.Counts.Assignments != int64(wantN) {
					t.Errorf("%s: assignments %d, want %d", id, s.Counts.Assignments, wantN)
				}
				// Population 20000: one request is 1 / 20000 × 10000 = 0.5 per 10k.
				wantPer := 0.0
				if id == tt.wantRecv {
					wantPer = 0.5
				}
				if s.Per10k == nil || *s.Per10k != wantPer {
					t.Errorf("%s: per_10k %v, want %v", id, s.Per10k, wantPer)
				}
			}
		})
	}
}

// SPEC §4: all arithmetic is in the policy's zone: periods begin at local midnight, natural hours are
// added to the instant (a DST change does not stretch them), and a working-day deadline is local 24:00.
func TestDeadlinesAndPeriodsFollowThePolicyZone(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Skip("no zone data for America/New_York")
	}
	p := auditV1Policy(t, "timezone: America/New_York", "calendar: [us-2026]",
		"deadlines: {use_given_due: false, limits: {emergency: 2h, priority: 24h, normal: 1wd, complex: 15wd}}")
	utc := func(y int, m time.Month, d, h, min, s int) int64 {
		return time.Date(y, m, d, h, min, s, 0, time.UTC).Unix()
	}
	deadlines := []struct {
		name      string
		urgency   scoring.Urgency
		dispatch  string // New York local time
		wantInUTC int64
	}{
		// DST begins 2026-03-08 02:00 EST → 03:00 EDT. Sat 03-07 12:00 EST = 17:00Z; + 24 h = 03-08 17:00Z (13:00 EDT),
		// not 12:00 EDT as a local-clock "next day" would give.
		{"24h across the spring-forward night are 24 real hours", scoring.Priority, "2026-03-07 12:00:00", utc(2026, 3, 8, 17, 0, 0)},
		// DST ends 2026-11-01 02:00 EDT → 01:00 EST. Sat 10-31 12:00 EDT = 16:00Z; + 24 h = 11-01 16:00Z (11:00 EST).
		{"24h across the fall-back night are 24 real hours", scoring.Priority, "2026-10-31 12:00:00", utc(2026, 11, 1, 16, 0, 0)},
		// Fri 2026-03-06: the first working day after it is Mon 03-09; its end is 03-10 00:00 EDT = 04:00Z.
		{"1wd ends at local midnight after the spring change", scoring.Normal, "2026-03-06 10:00:00", utc(2026, 3, 10, 4, 0, 0)},
		// Fri 2026-10-30: Mon 11-02 is the first working day after it; its end is 11-03 00:00 EST = 05:00Z.
		{"1wd ends at local midnight after the fall change", scoring.Normal, "2026-10-30 10:00:00", utc(2026, 11, 3, 5, 0, 0)},
		// Wed 2026-11-25: Thu 11-26 is Thanksgiving, so Fri 11-27 is the first working day: 11-28 00:00 EST = 05:00Z.
		{"a US holiday is skipped", scoring.Normal, "2026-11-25 10:00:00", utc(2026, 11, 28, 5, 0, 0)},
	}
	for _, tt := range deadlines {
		t.Run(tt.name, func(t *testing.T) {
			a := scoring.Assignment{Urgency: tt.urgency, Dispatched: auditTime(ny, tt.dispatch)}
			got, err := p.Deadline(&a)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.wantInUTC {
				t.Errorf("deadline %s, want %s", time.Unix(got, 0).UTC(), time.Unix(tt.wantInUTC, 0).UTC())
			}
		})
	}
	// 2026-03 in New York is [03-01 00:00 EST = 05:00Z, 04-01 00:00 EDT = 04:00Z).
	per, err := scoring.ParsePeriod("2026-03", p.StartDay, p.Loc)
	if err != nil {
		t.Fatal(err)
	}
	if per.Start != utc(2026, 3, 1, 5, 0, 0) || per.End != utc(2026, 4, 1, 4, 0, 0) {
		t.Errorf("2026-03 in New York is [%s, %s)", time.Unix(per.Start, 0).UTC(), time.Unix(per.End, 0).UTC())
	}
	// Closed 2026-04-01 03:30Z = 03-31 23:30 EDT: March's in New York (it would be April's in Shanghai).
	// Closed 2026-03-01 04:30Z = 02-28 23:30 EST: February's.
	row := func(id string, closed int64) scoring.Assignment {
		return scoring.Assignment{TicketID: id, Kind: scoring.Complaint, Urgency: scoring.Priority,
			Received: closed - 7200, Dispatched: closed - 3600, Closed: closed, CallbackValid: true,
			Contacted: scoring.Yes, Resolution: scoring.Resolved, Satisfaction: scoring.Satisfied}
	}
	b := auditV1Book(t, p, auditOne, []string{"2026-02", "2026-03"}, []scoring.Assignment{
		row("late-march", utc(2026, 4, 1, 3, 30, 0)), row("late-feb", utc(2026, 3, 1, 4, 30, 0))})
	feb, mar := b.Card(0), b.Card(1)
	if feb.Unit("A").Counts.Assignments != 1 || mar.Unit("A").Counts.Assignments != 1 {
		t.Errorf("February %d, March %d assignments; want 1 and 1", feb.Unit("A").Counts.Assignments, mar.Unit("A").Counts.Assignments)
	}
}

// SPEC §4: a working-day deadline is 24:00 of the N-th working day after the start day; make-up days
// (调休上班) count, holidays do not; a closure at the deadline's very second is on time.
func TestOnTimeAgainstWorkingDayAndHourDeadlines(t *testing.T) {
	p := auditV1Policy(t) // emergency 2h, priority 24h, normal 7wd, complex 15wd; cn-2024..2026
	tests := []struct {
		name       string
		urgency    scoring.Urgency
		dispatch   string
		deadline   string
		closed     string
		wantOnTime bool
	}{
		// SPEC §4 example: Fri 09-26 → 09-28 (make-up Sun), 09-29, 09-30, 10-09, 10-10, 10-11 (make-up Sat), 10-13: 10-14 00:00.
		{"spec example, closed exactly at the deadline second", scoring.Normal, "2025-09-26 10:00:00", "2025-10-14 00:00:00", "2025-10-14 00:00:00", true},
		{"spec example, closed one second after", scoring.Normal, "2025-09-26 10:00:00", "2025-10-14 00:00:00", "2025-10-14 00:00:01", false},
		// Thu 09-25 → 09-26 (1), 09-28 make-up Sun (2), 09-29 (3), 09-30 (4), [10-01..10-08 holidays], 10-09 (5),
		// 10-10 (6), 10-11 make-up Sat (7): the deadline is the end of a make-up Saturday, 10-12 00:00.
		{"deadline at the end of a make-up Saturday, closed that Saturday night", scoring.Normal, "2025-09-25 10:00:00", "2025-10-12 00:00:00", "2025-10-11 23:59:59", true},
		{"deadline at the end of a make-up Saturday, closed on Sunday", scoring.Normal, "2025-09-25 10:00:00", "2025-10-12 00:00:00", "2025-10-12 00:00:01", false},
		// Start on the make-up Sunday 09-28 (not counted): 09-29, 09-30, 10-09, 10-10, 10-11, 10-13, 10-14 → 10-15 00:00.
		{"start on a make-up day is not counted", scoring.Normal, "2025-09-28 09:00:00", "2025-10-15 00:00:00", "2025-10-14 18:00:00", true},
		// Start on the holiday 10-01: 10-09, 10-10, 10-11, 10-13, 10-14, 10-15, 10-16 → 10-17 00:00.
		{"start on a holiday counts from the first working day after it", scoring.Normal, "2025-10-01 08:00:00", "2025-10-17 00:00:00", "2025-10-17 00:00:01", false},
		// Tue 2025-12-30, complex 15wd: 12-31 (1), [2026-01-01..03 holidays], 01-04 make-up Sun (2), 01-05..09 (3–7),
		// 01-12..16 (8–12), 01-19, 01-20, 01-21 (13–15) → 2026-01-22 00:00.
		{"15wd across New Year into the next calendar", scoring.Complex, "2025-12-30 15:00:00", "2026-01-22 00:00:00", "2026-01-21 23:00:00", true},
		// Hours are natural hours from the dispatch instant, weekends and holidays included.
		{"24h over a holiday is 24 hours", scoring.Priority, "2025-10-01 18:00:00", "2025-10-02 18:00:00", "2025-10-02 18:00:00", true},
		{"2h, one second late", scoring.Emergency, "2025-10-10 23:00:00", "2025-10-11 01:00:00", "2025-10-11 01:00:01", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := auditRow("T1", 0, tt.dispatch, tt.closed)
			a.Urgency = tt.urgency
			if got, err := p.Deadline(&a); err != nil || got != auditSh(tt.deadline) {
				t.Errorf("deadline %s (%v), want %s", time.Unix(got, 0).In(shanghai), err, tt.deadline)
			}
			month := time.Unix(a.Closed, 0).In(shanghai).Format("2006-01")
			s := auditUnitA(t, p, []string{month}, []scoring.Assignment{a})
			want := 0.0
			if tt.wantOnTime {
				want = 1
			}
			auditRate(t, "on_time", s.Rates.OnTime, want, 1)
		})
	}
}

// SPEC §4: the deadline is due_at only when the row has one and the policy says use_given_due: true.
func TestGivenDueIsUsedOnlyWhenThePolicySaysSo(t *testing.T) {
	limits := "limits: {emergency: 2h, priority: 24h, normal: 24h, complex: 24h}"
	given := auditV1Policy(t, "deadlines: {use_given_due: true, "+limits+"}")
	computed := auditV1Policy(t, "deadlines: {use_given_due: false, "+limits+"}")
	withDue := func(closed, due string) scoring.Assignment {
		a := auditRow("T", 0, "2025-10-10 09:00:00", closed)
		if due != "" {
			a.Due = auditSh(due)
		}
		return a
	}
	tests := []struct {
		name       string
		p          *scoring.Policy
		row        scoring.Assignment
		wantOnTime float64
	}{
		{"given due, closed at its second", given, withDue("2025-10-10 12:00:00", "2025-10-10 12:00:00"), 1},
		{"given due, closed a second after", given, withDue("2025-10-10 12:00:01", "2025-10-10 12:00:00"), 0},
		// No due_at: 09:00 + 24h = 10-11 09:00.
		{"no due_at falls back to the limit", given, withDue("2025-10-11 09:00:00", ""), 1},
		// use_given_due false: 24h from 09:00 whatever due_at says.
		{"due_at ignored without use_given_due", computed, withDue("2025-10-10 13:00:00", "2025-10-10 12:00:00"), 1},
		{"due_at ignored without use_given_due, late by the limit", computed, withDue("2025-10-11 09:00:01", "2025-10-12 12:00:00"), 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := auditUnitA(t, tt.p, []string{"2025-10"}, []scoring.Assignment{tt.row})
			auditRate(t, "on_time", s.Rates.OnTime, tt.wantOnTime, 1)
		})
	}
}

// SPEC §5: in timestamp mode a row responds when contacted_at ≤ dispatched_at + the response limit,
// and the limit may be working days (a make-up Saturday counts); a row without contacted_at does not.
func TestTimestampResponseWithAWorkingDayLimit(t *testing.T) {
	p := auditV1Policy(t, "response: {mode: timestamp, limits: {emergency: 2h, priority: 24h, normal: 1wd, complex: 1wd}}")
	contact := func(id, disp, at string) scoring.Assignment {
		a := auditRow(id, 0, disp, "2025-10-24 10:00:00")
		a.Contacted = scoring.No // the callback's answer plays no part in timestamp mode
		if at != "" {
			a.ContactAt = auditSh(at)
		}
		return a
	}
	rows := []scoring.Assignment{
		// Fri 10-10 17:00: the next working day is the make-up Saturday 10-11, so the limit is 10-12 00:00.
		contact("1", "2025-10-10 17:00:00", "2025-10-12 00:00:00"), // on the limit: responds
		contact("2", "2025-10-10 17:00:00", "2025-10-12 00:00:01"), // a second late
		// Fri 10-17 17:00: Mon 10-20 is the next working day, limit 10-21 00:00.
		contact("3", "2025-10-17 17:00:00", "2025-10-20 10:00:00"),
		contact("4", "2025-10-17 17:00:00", ""), // never contacted: in the denominator only
	}
	s := auditUnitA(t, p, []string{"2025-10"}, rows)
	auditRate(t, "response", s.Rates.Response, 2, 4) // rows 1 and 3 of E = 4
}

// SPEC §5: E, C and the counts shown with the rates; requests per 10k count every row received in the
// period that is not excluded, whatever its kind, role or status.
func TestEligibilityCountsAndRequestsPer10k(t *testing.T) {
	p := auditV1Policy(t, "scored_kinds: [help, complaint, report, suggestion]") // consult not scored
	in := func(id string) scoring.Assignment {
		return auditRow(id, 0, "2025-10-10 09:00:00", "2025-10-10 18:00:00")
	}
	r := map[string]scoring.Assignment{}
	for _, id := range []string{"lead", "co", "praise", "consult", "excluded", "open", "september", "nocallback", "redisp1", "redisp3"} {
		r[id] = in(id)
	}
	set := func(id string, f func(a *scoring.Assignment)) { a := r[id]; f(&a); r[id] = a }
	set("co", func(a *scoring.Assignment) { a.Role = scoring.Co })           // role weight 0
	set("praise", func(a *scoring.Assignment) { a.Kind = scoring.Praise })   // not a scored kind
	set("consult", func(a *scoring.Assignment) { a.Kind = scoring.Consult }) // not scored by this policy
	set("excluded", func(a *scoring.Assignment) { a.Excluded, a.ExcludeReason = true, "无理诉求" })
	set("open", func(a *scoring.Assignment) { a.Closed = 0 }) // in no period by closed_at
	set("september", func(a *scoring.Assignment) {            // received and closed in September
		a.Received, a.Dispatched, a.Closed = auditSh("2025-09-29 08:00:00"), auditSh("2025-09-29 09:00:00"), auditSh("2025-09-29 18:00:00")
	})
	set("nocallback", func(a *scoring.Assignment) { a.CallbackValid = false })
	set("redisp1", func(a *scoring.Assignment) { a.Redispatches = 1 })
	set("redisp3", func(a *scoring.Assignment) { a.Redispatches = 3; a.Contacted = scoring.No })
	var rows []scoring.Assignment
	for _, a := range r {
		rows = append(rows, a)
	}
	s := auditUnitA(t, p, []string{"2025-10"}, rows)
	// assignments: rows closed in October, any kind, role or exclusion: all but open and september = 8.
	// eligible: lead, nocallback, redisp1, redisp3 = 4; callbacks: lead, redisp1, redisp3 = 3; excluded: 1.
	want := scoring.Counts{Assignments: 8, Eligible: 4, Callbacks: 3, Excluded: 1}
	if s.Counts != want {
		t.Errorf("counts %+v, want %+v", s.Counts, want)
	}
	auditRate(t, "redispatch", s.Rates.Redispatch, 2, 4)              // redisp1, redisp3 of E
	auditRate(t, "callback_coverage", s.Rates.CallbackCoverage, 3, 4) // #C / #E
	auditRate(t, "response", s.Rates.Response, 2, 3)                  // C contacted: lead, redisp1
	// Received in October, not excluded: all but excluded and september = 8; population 20000:
	// 8 / 20000 × 10000 = 4.
	if s.Per10k == nil || *s.Per10k != 4 {
		t.Errorf("per_10k %v, want 4", s.Per10k)
	}
}

// SPEC §5: resolution is Σ weight(resolved) over C divided by #C, so a callback without a resolution
// answer stays in the denominator with weight 0; an unrated callback leaves only the satisfaction
// denominator; an empty "contacted" answer is not contacted.
func TestCallbackAnswersMissingFromTheRates(t *testing.T) {
	p := auditV1Policy(t)
	rows := []scoring.Assignment{
		auditRow("1", 0, "2025-10-10 09:00:00", "2025-10-10 18:00:00"),
		auditRow("2", 0, "2025-10-10 09:00:00", "2025-10-10 18:00:00"),
		auditRow("3", 0, "2025-10-10 09:00:00", "2025-10-10 18:00:00"),
	}
	rows[0].Resolution, rows[0].Satisfaction, rows[0].Contacted = scoring.Resolved, scoring.VerySatisfied, scoring.Yes
	rows[1].Resolution, rows[1].Satisfaction, rows[1].Contacted = scoring.Partial, scoring.Dissatisfied, scoring.No
	rows[2].Resolution, rows[2].Satisfaction, rows[2].Contacted = scoring.ResolutionNone, scoring.Unrated, scoring.Unknown
	s := auditUnitA(t, p, []string{"2025-10"}, rows)
	auditRate(t, "response", s.Rates.Response, 1, 3)         // only row 1 says contacted
	auditRate(t, "resolution", s.Rates.Resolution, 1.5, 3)   // 1 + 0.5 + 0 over #C = 3
	auditRate(t, "satisfaction", s.Rates.Satisfaction, 1, 2) // 1 + 0, row 3 unrated leaves
	// composite = 100 × (0.1 × 1/3 + 0.5 × 0.5 + 0.4 × 0.5) = 3.3333… + 25 + 20 = 48.3333…
	if s.Composite == nil || !auditNear(*s.Composite, 100*(0.1/3+0.25+0.2)) {
		t.Errorf("composite %v, want 48.333…", s.Composite)
	}
}

// SPEC §6: a rate weighted 0 adds nothing to the composite.
func TestAZeroWeightRateAddsNothing(t *testing.T) {
	p := auditV1Policy(t, "weights: {response: 0, resolution: 0.6, satisfaction: 0.4}")
	rows := []scoring.Assignment{
		auditRow("1", 0, "2025-10-10 09:00:00", "2025-10-10 18:00:00"),
		auditRow("2", 0, "2025-10-10 09:00:00", "2025-10-10 18:00:00"),
	}
	rows[0].Contacted, rows[1].Contacted = scoring.No, scoring.No // response 0/2
	rows[1].Resolution = scoring.Partial                          // resolution 1.5/2
	s := auditUnitA(t, p, []string{"2025-10"}, rows)
	// 100 × (0 × 0 + 0.6 × 0.75 + 0.4 × 1) = 45 + 40 = 85.
	if s.Final == nil || !auditNear(*s.Final, 85) || s.Composite == nil || !auditNear(*s.Composite, 85) {
		t.Errorf("final %v composite %v, want 85", s.Final, s.Composite)
	}
}

// SPEC §6: a rate exactly at its baseline costs nothing, for at_least and at_most alike; a threshold on
// an undefined rate makes the final undefined (无有效数据) while the composite of a policy without
// weighted rates stays 0 (§13.13.9).
func TestThresholdsAtTheBaselineAndOnAnUndefinedRate(t *testing.T) {
	p, err := fixtures.Policy("county-threshold")
	if err != nil {
		t.Fatal(err)
	}
	// 20 rows, all valid callbacks (county: resolution partial counts 0; basically satisfied counts 1).
	var rows []scoring.Assignment
	for i := range 20 {
		a := auditRow(fmt.Sprint(i), 0, "2025-10-10 09:00:00", "2025-10-10 18:00:00")
		a.ContactAt = auditSh("2025-10-10 10:00:00")
		rows = append(rows, a)
	}
	rows[0].Closed = auditSh("2025-10-30 18:00:00") // 5wd from Fri 10-10: 10-11 (make-up Sat), 10-13..10-16 → 10-17 00:00: late. on_time 19/20 = 0.95 = baseline → 0
	for _, i := range []int{1, 2, 3} {
		rows[i].Resolution = scoring.Partial        // resolution 17/20 = 0.85: 5 points short × 1 = 5
		rows[i].Satisfaction = scoring.Dissatisfied // satisfaction 17/20 = 0.85 = baseline → 0
	}
	rows[4].Redispatches = 1 // redispatch 1/20 = 0.05 = at_most baseline → 0
	// A second unit B: two rows whose callbacks are all unrated → satisfaction undefined.
	b1, b2 := auditRow("b1", 1, "2025-10-10 09:00:00", "2025-10-10 18:00:00"), auditRow("b2", 1, "2025-10-10 09:00:00", "2025-10-10 18:00:00")
	b1.Satisfaction, b2.Satisfaction = scoring.Unrated, scoring.Unrated
	rows = append(rows, b1, b2)
	us := []scoring.Unit{{Code: "A", Group: "street"}, {Code: "B", Group: "street"}}
	c := auditV1Book(t, p, us, []string{"2025-10"}, rows).Card(0)
	a := c.Unit("A")
	want := map[string]float64{"on_time": 0, "resolution": 5, "satisfaction": 0, "redispatch": 0}
	for _, d := range a.Deductions {
		if !auditNear(d.Points, want[d.Rate]) {
			t.Errorf("deduction %s = %v, want %v", d.Rate, d.Points, want[d.Rate])
		}
	}
	if len(a.Deductions) != 4 || a.Final == nil || !auditNear(*a.Final, 95) { // 100 − 5
		t.Errorf("deductions %+v final %v, want four and 95", a.Deductions, a.Final)
	}
	bs := c.Unit("B")
	if bs.Final != nil || bs.Ranked || bs.UnrankedReason == nil || *bs.UnrankedReason != scoring.ReasonNoData || bs.Composite == nil || *bs.Composite != 0 {
		t.Errorf("B: final %v ranked %v reason %v composite %v; want null, unranked 无有效数据, composite 0", bs.Final, bs.Ranked, bs.UnrankedReason, bs.Composite)
	}
}

// SPEC §6: the example rule set of a district, points per assignment = total / #E, and the final with a
// points factor.
func TestDistrictTicketPointsAndPointsFactor(t *testing.T) {
	p := auditV1Policy(t, `ticket_points: [{label: 双否, when: {callback_valid: true, resolved: [unresolved, partial], satisfied: false}, points: -1}, {label: 单否, when: {callback_valid: true, resolved: [unresolved, partial], satisfied: true}, points: -0.5}, {label: 单否, when: {callback_valid: true, resolved: [resolved], satisfied: false}, points: -0.5}, {label: 双满意, when: {callback_valid: true, resolved: [resolved], satisfied: true}, points: 1}, {label: 资料不全, when: {incomplete_materials: true}, points: -0.5}, {label: 负面舆情, when: {opinion_incident: true}, points: -3}]`,
		"final: {base: 0, points_factor: 10, min: 0, max: 100}")
	type ans struct {
		res scoring.Resolution
		sat scoring.Satisfaction
	}
	cases := []ans{
		{scoring.Resolved, scoring.VerySatisfied},      // a: 双满意 +1
		{scoring.Unresolved, scoring.Dissatisfied},     // b: 双否 −1
		{scoring.Partial, scoring.Satisfied},           // c: 单否 −0.5
		{scoring.Resolved, scoring.VeryDissatisfied},   // d: 单否 −0.5
		{scoring.Resolved, scoring.Unrated},            // e: unrated matches no satisfied rule: 0
		{scoring.ResolutionNone, scoring.Satisfied},    // f: no resolution answer matches no resolved list: 0
		{scoring.Resolved, scoring.Satisfied},          // g: invalid callback: 0
		{scoring.Resolved, scoring.BasicallySatisfied}, // h: 双满意 +1, 资料不全 −0.5, 负面舆情 −3 = −2.5
	}
	var rows []scoring.Assignment
	for i, c := range cases {
		a := auditRow(fmt.Sprint(i), 0, "2025-10-10 09:00:00", "2025-10-10 18:00:00")
		a.Resolution, a.Satisfaction = c.res, c.sat
		rows = append(rows, a)
	}
	rows[6].CallbackValid = false
	rows[7].IncompleteMaterials, rows[7].OpinionIncident = true, true
	s := auditUnitA(t, p, []string{"2025-10"}, rows)
	// total = 1 − 1 − 0.5 − 0.5 + 0 + 0 + 0 − 2.5 = −3.5; per assignment −3.5 / 8 = −0.4375.
	if !auditNear(s.Points.Total, -3.5) || s.Points.PerAssignment == nil || !auditNear(*s.Points.PerAssignment, -0.4375) {
		t.Errorf("points %v per %v, want −3.5 and −0.4375", s.Points.Total, s.Points.PerAssignment)
	}
	// C = 7 rows (not g). response 7/7; resolution a1 b0 c0.5 d1 e1 f0 h1 = 4.5/7;
	// satisfaction rated a1 b0 c1 d0 f1 h0.9 = 3.9/6.
	// composite = 100 × (0.1 + 0.5 × 4.5/7 + 0.4 × 3.9/6) = 10 + 32.142857… + 26 = 68.142857…
	// final = 68.142857… + 10 × (−0.4375) = 63.767857…
	composite := 10 + 50*4.5/7 + 40*3.9/6
	if s.Composite == nil || !auditNear(*s.Composite, composite) || s.Final == nil || !auditNear(*s.Final, composite-4.375) {
		t.Errorf("composite %v final %v, want %v and %v", s.Composite, s.Final, composite, composite-4.375)
	}
}

// rankOf formats each unit as code:rank (or code:-:reason) in card order.
func auditRanks(c scoring.Card) []string {
	var out []string
	for _, s := range c.Units {
		switch {
		case s.Rank != nil:
			out = append(out, fmt.Sprintf("%s:%d", s.Code, *s.Rank))
		case s.UnrankedReason != nil:
			out = append(out, s.Code+":-:"+*s.UnrankedReason)
		default:
			out = append(out, s.Code+":-")
		}
	}
	return out
}

// resolvedRows returns n rows of unit u of which k are resolved and the rest unresolved, closed in October 2025.
func auditResolved(prefix string, u int32, n, k int) []scoring.Assignment {
	var rows []scoring.Assignment
	for i := range n {
		a := auditRow(fmt.Sprintf("%s%d", prefix, i), u, "2025-10-10 09:00:00", "2025-10-10 18:00:00")
		if i >= k {
			a.Resolution = scoring.Unresolved
		}
		rows = append(rows, a)
	}
	return rows
}

// SPEC §7: ranks within each group by rounded final, shared ranks 1, 2, 2, 4, all tied, a group of
// one, an undefined tie-breaker last, and 无有效数据 before 样本不足 with min_callbacks exactly met.
func TestRankingGroupsTiesAndMinimumCallbacks(t *testing.T) {
	// score = 100 × resolution.
	p := auditV1Policy(t, "weights: {resolution: 1}", "ranking: {round: 2, tie_breakers: [satisfaction], min_callbacks: 4, top: 0, bottom: 0}")
	us := []scoring.Unit{
		{Code: "S4", Group: "street"}, {Code: "S3", Group: "street"}, {Code: "S2", Group: "street"}, {Code: "S1", Group: "street"},
		{Code: "D3", Group: "department"}, {Code: "D1", Group: "department"}, {Code: "D2", Group: "department"},
		{Code: "E1", Group: "enterprise"},
		{Code: "X1", Group: "x"}, {Code: "X2", Group: "x"},
		{Code: "M1", Group: "m"}, {Code: "M2", Group: "m"}, {Code: "M3", Group: "m"}, {Code: "M4", Group: "m"},
	}
	var rows []scoring.Assignment
	add := func(r []scoring.Assignment) { rows = append(rows, r...) }
	add(auditResolved("s1-", 3, 4, 4)) // S1 100
	add(auditResolved("s2-", 2, 4, 2)) // S2 50
	add(auditResolved("s3-", 1, 4, 2)) // S3 50: ties S2 on score and satisfaction (1/1 both)
	add(auditResolved("s4-", 0, 4, 1)) // S4 25 → ranks 1, 2, 2, 4
	for _, u := range []int32{4, 5, 6} {
		add(auditResolved(fmt.Sprintf("d%d-", u), u, 5, 4)) // D1, D2, D3 all 80: all rank 1
	}
	add(auditResolved("e1-", 7, 4, 3)) // E1 75, alone in its group: rank 1
	// X1 and X2 both 100; the tie-breaker satisfaction is undefined for X1 (all unrated) and 0 for X2:
	// the undefined one sorts last though 0 is the lowest defined value.
	x1, x2 := auditResolved("x1-", 8, 4, 4), auditResolved("x2-", 9, 4, 4)
	for i := range x1 {
		x1[i].Satisfaction, x2[i].Satisfaction = scoring.Unrated, scoring.Dissatisfied
	}
	add(x1)
	add(x2)
	// M1: 4 callbacks (exactly min_callbacks) ranked; M2: 3 callbacks 样本不足 (final shown);
	// M3: only a co-handler row (weight 0), no eligible row → 无有效数据; M4: no rows at all → 无有效数据.
	add(auditResolved("m1-", 10, 4, 4))
	add(auditResolved("m2-", 11, 3, 3))
	m3 := auditRow("m3", 12, "2025-10-10 09:00:00", "2025-10-10 18:00:00")
	m3.Role = scoring.Co
	add([]scoring.Assignment{m3})
	c := auditV1Book(t, p, us, []string{"2025-10"}, rows).Card(0)
	want := []string{"S1:1", "S2:2", "S3:2", "S4:4", "D1:1", "D2:1", "D3:1", "E1:1", "X2:1", "X1:2",
		"M1:1", "M2:-:样本不足", "M3:-:无有效数据", "M4:-:无有效数据"}
	if got := auditRanks(c); !reflect.DeepEqual(got, want) {
		t.Errorf("got  %v\nwant %v", got, want)
	}
	if m2 := c.Unit("M2"); m2.Final == nil || *m2.Final != 100 {
		t.Errorf("M2 (样本不足) final %v, want 100 shown", m2.Final)
	}
	if m3 := c.Unit("M3"); m3.Counts.Assignments != 1 || m3.Counts.Eligible != 0 || m3.Final != nil {
		t.Errorf("M3 counts %+v final %v, want 1 assignment, 0 eligible, null final", m3.Counts, m3.Final)
	}
}

// SPEC §7: the rank change is the previous rank minus the current one (↑ positive, ↓ negative), and a
// unit unranked now has none.
func TestRankChangeUpDownAndUnranked(t *testing.T) {
	p := auditV1Policy(t, "weights: {resolution: 1}", "ranking: {round: 2, tie_breakers: [resolution], min_callbacks: 2, top: 0, bottom: 0}")
	us := []scoring.Unit{{Code: "A", Group: "g"}, {Code: "B", Group: "g"}, {Code: "C", Group: "g"}}
	sep := func(rows []scoring.Assignment) []scoring.Assignment {
		for i := range rows {
			for _, x := range []*int64{&rows[i].Received, &rows[i].Dispatched, &rows[i].Closed} {
				*x -= 30 * 86400 // 2025-09-10
			}
		}
		return rows
	}
	var rows []scoring.Assignment
	// September: A 100 (1), B 50 (2), C 0 (3). October: B 100 (1), C 50 (2), A one callback (样本不足).
	for _, r := range [][]scoring.Assignment{sep(auditResolved("a9-", 0, 2, 2)), sep(auditResolved("b9-", 1, 2, 1)), sep(auditResolved("c9-", 2, 2, 0)),
		auditResolved("a10-", 0, 1, 1), auditResolved("b10-", 1, 2, 2), auditResolved("c10-", 2, 2, 1)} {
		rows = append(rows, r...)
	}
	c := auditV1Book(t, p, us, []string{"2025-09", "2025-10"}, rows).CardWithTrend(1, 0)
	for code, want := range map[string]*int{"B": auditInt(1), "C": auditInt(1), "A": nil} { // B 2→1: +1; C 3→2: +1
		tr := c.Unit(code).Trend
		if tr == nil || !reflect.DeepEqual(tr.Change, want) || tr.New {
			t.Errorf("%s trend %+v, want change %v", code, tr, want)
		}
	}
	// October → November: B 1 → 2 is ↓1.
	nov := auditResolved("b11-", 1, 2, 1)
	nov = append(nov, auditResolved("c11-", 2, 2, 2)...)
	for i := range nov {
		for _, x := range []*int64{&nov[i].Received, &nov[i].Dispatched, &nov[i].Closed} {
			*x += 31 * 86400 // 2025-11-10
		}
	}
	c = auditV1Book(t, p, us, []string{"2025-10", "2025-11"}, append(rows, nov...)).CardWithTrend(1, 0)
	if tr := c.Unit("B").Trend; tr == nil || tr.Change == nil || *tr.Change != -1 {
		t.Errorf("B trend %+v, want ↓1 (change −1)", tr)
	}
}

func auditInt(i int) *int { return &i }

// monthRows are n rows of unit u closed on the 10th of month m of 2025, k of them resolved.
func auditMonthRows(prefix string, u int32, m, n, k int) []scoring.Assignment {
	rows := auditResolved(prefix, u, n, k)
	d := fmt.Sprintf("2025-%02d-10 09:00:00", m)
	for i := range rows {
		shift := auditSh(d) - rows[i].Dispatched
		rows[i].Received += shift
		rows[i].Dispatched += shift
		rows[i].Closed += shift
	}
	return rows
}

// SPEC §8: the annual score is the mean of the finals of the months a unit was ranked in (a month of
// 样本不足 does not count, though its final is shown); grades by bands; equal annual scores share a rank.
func TestAnnualMeanOverTheRankedMonthsOnly(t *testing.T) {
	p := auditV1Policy(t, "weights: {resolution: 1}", "ranking: {round: 2, tie_breakers: [resolution], min_callbacks: 2, top: 0, bottom: 0}")
	us := []scoring.Unit{{Code: "A", Group: "g"}, {Code: "B", Group: "g"}, {Code: "C", Group: "g"}, {Code: "D", Group: "g"}, {Code: "E", Group: "g"}}
	var rows []scoring.Assignment
	for _, r := range [][]scoring.Assignment{
		auditMonthRows("a1-", 0, 1, 2, 2),   // A January 100
		auditMonthRows("a2-", 0, 2, 1, 0),   // A February: one callback, 样本不足 (final 0, not in the mean)
		auditMonthRows("a3-", 0, 3, 2, 1),   // A March 50 → (100 + 50) / 2 = 75 over 2 months
		auditMonthRows("b12-", 1, 12, 5, 4), // B December only: 80 over 1 month
		auditMonthRows("c6-", 2, 6, 4, 3),   // C June 75 over 1 month: ties A
		auditMonthRows("d7-", 3, 7, 1, 1),   // D: only a 样本不足 month → no annual score
	} {
		rows = append(rows, r...)
	}
	a := auditV1Book(t, p, us, auditMonths(t, "2025"), rows).Annual("2025")
	type got struct {
		n     int
		score float64
		grade string
		rank  int
	}
	want := map[string]got{"B": {1, 80, "良好", 1}, "A": {2, 75, "合格", 2}, "C": {1, 75, "合格", 2}}
	var order []string
	for _, u := range a.Units {
		order = append(order, u.Code)
		w, ok := want[u.Code]
		if !ok {
			if u.Ranked || u.Score != nil || u.Grade != nil {
				t.Errorf("%s: ranked %v score %v grade %v, want unranked with no score", u.Code, u.Ranked, u.Score, u.Grade)
			}
			continue
		}
		if u.PeriodsRanked != w.n || u.Score == nil || !auditNear(*u.Score, w.score) || u.Grade == nil || *u.Grade != w.grade || u.Rank == nil || *u.Rank != w.rank {
			t.Errorf("%s: %d months, score %v, grade %v, rank %v; want %+v", u.Code, u.PeriodsRanked, u.Score, u.Grade, u.Rank, w)
		}
	}
	if want := []string{"B", "A", "C", "D", "E"}; !reflect.DeepEqual(order, want) {
		t.Errorf("order %v, want %v", order, want)
	}
}

func auditMonths(t *testing.T, year string) []string {
	t.Helper()
	ms, err := scoring.Months(year, 1, shanghai)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, m := range ms {
		ids = append(ids, m.ID)
	}
	return ids
}

// SPEC §8 with the README's choice: a grade applies to the annual score rounded to the policy's round,
// so 79.995 is graded as the 80.00 the workbook shows.
func TestAnnualGradeBandsAtTheirBounds(t *testing.T) {
	tests := []struct {
		score float64
		want  string
	}{{90, "优秀"}, {89.99, "良好"}, {80, "良好"}, {79.995, "良好"}, {79.994, "合格"}, {60, "合格"}, {59.99, "不合格"}, {0, "不合格"}}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.score), func(t *testing.T) {
			// final = 0 + 1 × points per assignment = the rule's points on a single row.
			p := auditV1Policy(t, "weights: {}", "final: {base: 0, points_factor: 1, min: 0, max: 100}",
				fmt.Sprintf("ticket_points: [{label: x, when: {kind: [complaint]}, points: %v}]", tt.score))
			a := auditV1Book(t, p, auditOne, auditMonths(t, "2025"), auditMonthRows("r", 0, 5, 1, 1)).Annual("2025")
			if u := a.Units[0]; u.Score == nil || !auditNear(*u.Score, tt.score) || u.Grade == nil || *u.Grade != tt.want {
				t.Errorf("score %v grade %v, want %v %s", u.Score, u.Grade, tt.score, tt.want)
			}
		})
	}
}

// SPEC §8: pooled scores the year's rows as one period — the year of start_day 19 is
// [previous 12-19 00:00, 12-19 00:00) — which differs from the mean of the months.
func TestAnnualPooledIsOnePeriodOverTheYear(t *testing.T) {
	p := auditV1Policy(t, "period: {start_day: 19, basis: closed}", "weights: {resolution: 1}",
		"annual: {mode: pooled, grades: [{min: 50, name: 合格}, {min: 0, name: 不合格}]}")
	mk := func(id, closed string, res scoring.Resolution) scoring.Assignment {
		a := auditRow(id, 0, "2024-12-10 09:00:00", closed)
		a.Received, a.Dispatched = a.Closed-7200, a.Closed-3600
		a.Resolution = res
		return a
	}
	rows := []scoring.Assignment{
		mk("before", "2024-12-18 23:59:59", scoring.Resolved),  // 2024's year
		mk("first", "2024-12-19 00:00:00", scoring.Resolved),   // the first instant of 2025
		mk("u1", "2025-06-10 10:00:00", scoring.Unresolved),    // June
		mk("u2", "2025-06-11 10:00:00", scoring.Unresolved),    // June
		mk("u3", "2025-12-18 23:59:59", scoring.Unresolved),    // the last second of 2025 (period 2025-12)
		mk("after", "2025-12-19 00:00:00", scoring.Unresolved), // 2026's year
	}
	ps, err := p.AnnualPeriods("2025")
	if err != nil {
		t.Fatal(err)
	}
	if len(ps) != 1 || ps[0].Start != auditSh("2024-12-19 00:00:00") || ps[0].End != auditSh("2025-12-19 00:00:00") {
		t.Fatalf("pooled periods %+v", ps)
	}
	d, _ := scoring.NewDirectory(auditOne)
	b, _ := scoring.NewBook(p, d, ps)
	for i := range rows {
		if err := b.Add(&rows[i]); err != nil {
			t.Fatal(err)
		}
	}
	// Pooled: 4 rows in the year, 1 resolved → 25 (the mean of the ranked months January 100, June 0,
	// December 0 would be 33.33).
	u := b.Annual("2025").Units[0]
	if u.Card == nil || u.Card.Counts.Eligible != 4 || u.Score == nil || !auditNear(*u.Score, 25) || *u.Grade != "不合格" || u.Rank == nil || *u.Rank != 1 {
		t.Errorf("pooled: card %+v score %v grade %v rank %v; want 4 eligible, 25, 不合格, rank 1", u.Card, u.Score, u.Grade, u.Rank)
	}
}

// SPEC §7: the bulletin marks the top N and the bottom N of each group. Ties across a boundary are
// marked whole on both sides (rank ≤ N for the top; fewer than N ranked units below for the bottom),
// so units tied for last place are 末位 however many they are.
func TestTopAndBottomMarksWithTies(t *testing.T) {
	tests := []struct {
		name     string
		resolved []int // resolved rows of 4 per unit U0, U1, …: score 25 × resolved
		top, bot int
		want     []string // code:rank:mark in card order
	}{
		// Scores 100, 75, 50, 25, 25: ranks 1, 2, 3, 4, 4. Bottom 1: no unit ranks below U3 and U4.
		{"two units tied for last, bottom 1", []int{4, 3, 2, 1, 1}, 1, 1,
			[]string{"U0:1:top", "U1:2:", "U2:3:", "U3:4:bottom", "U4:4:bottom"}},
		// Ranks 1, 2, 3, 3, 5, bottom 2: U4 has 0 below, U2 and U3 have 1 below (< 2): three marked.
		{"a tie across the bottom boundary is marked whole", []int{4, 3, 2, 2, 1}, 1, 2,
			[]string{"U0:1:top", "U1:2:", "U2:3:bottom", "U3:3:bottom", "U4:5:bottom"}},
		// Ranks 1, 1, 3, 4, 5, top 1: both units of rank 1 are top; bottom 1 is U4 alone.
		{"a tie for first is top whole", []int{4, 4, 3, 2, 1}, 1, 1,
			[]string{"U0:1:top", "U1:1:top", "U2:3:", "U3:4:", "U4:5:bottom"}},
		// Ranks 1, 2, 3, 4, 5 with bottom 0: nothing is bottom.
		{"bottom 0 marks nothing", []int{4, 3, 2, 1, 0}, 2, 0,
			[]string{"U0:1:top", "U1:2:top", "U2:3:", "U3:4:", "U4:5:"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := auditV1Policy(t, "weights: {resolution: 1}",
				fmt.Sprintf("ranking: {round: 2, tie_breakers: [resolution], min_callbacks: 1, top: %d, bottom: %d}", tt.top, tt.bot))
			var us []scoring.Unit
			var rows []scoring.Assignment
			for i, k := range tt.resolved {
				us = append(us, scoring.Unit{Code: fmt.Sprint("U", i), Group: "g"})
				rows = append(rows, auditResolved(fmt.Sprintf("u%d-", i), int32(i), 4, k)...)
			}
			c := auditV1Book(t, p, us, []string{"2025-10"}, rows).Card(0)
			var got []string
			for _, s := range c.Units {
				got = append(got, fmt.Sprintf("%s:%d:%s", s.Code, *s.Rank, s.Mark))
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got  %v\nwant %v", got, tt.want)
			}
		})
	}
}

// SPEC §8 pooled: the year is scored as one period, so it is ranked as a period is (§7): equal rounded
// scores are ordered by the tie-breakers, and the annual rank is the rank of the year's scorecard.
func TestAnnualPooledRanksLikeAPeriodWithTieBreakers(t *testing.T) {
	p := auditV1Policy(t, "weights: {resolution: 0.5, satisfaction: 0.5}",
		"ranking: {round: 2, tie_breakers: [resolution, satisfaction], min_callbacks: 1, top: 0, bottom: 0}",
		"annual: {mode: pooled, grades: [{min: 0, name: 一般}]}")
	us := []scoring.Unit{{Code: "A", Group: "g"}, {Code: "B", Group: "g"}, {Code: "C", Group: "g"}}
	var rows []scoring.Assignment
	for u, answers := range [][2][2]int{
		// A and C: resolved twice, very satisfied and dissatisfied: 100 × (0.5 × 1 + 0.5 × 0.5) = 75.
		{{1, 1}, {1, 0}},
		// B: resolved and unresolved, very satisfied twice: 100 × (0.5 × 0.5 + 0.5 × 1) = 75.
		{{1, 1}, {0, 1}},
		{{1, 1}, {1, 0}},
	} {
		for i, a := range answers {
			r := auditMonthRows(fmt.Sprintf("%d-%d-", u, i), int32(u), 3+i, 1, a[0])[0]
			if a[1] == 0 {
				r.Satisfaction = scoring.Dissatisfied
			}
			rows = append(rows, r)
		}
	}
	ps, err := p.AnnualPeriods("2025")
	if err != nil {
		t.Fatal(err)
	}
	d, _ := scoring.NewDirectory(us)
	b, _ := scoring.NewBook(p, d, ps)
	for i := range rows {
		if err := b.Add(&rows[i]); err != nil {
			t.Fatal(err)
		}
	}
	// All three score 75.00; resolution breaks the tie: A and C (1) share rank 1, B (0.5) is third.
	var got []string
	for _, u := range b.Annual("2025").Units {
		got = append(got, fmt.Sprintf("%s:%v:%d:%d", u.Code, *u.Score, *u.Rank, *u.Card.Rank))
	}
	if want := []string{"A:75:1:1", "C:75:1:1", "B:75:3:3"}; !reflect.DeepEqual(got, want) {
		t.Errorf("got  %v (code:score:annual rank:card rank)\nwant %v", got, want)
	}
}
