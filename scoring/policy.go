package scoring

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"reflect"

	"gopkg.in/yaml.v3"
)

// MaxRules is the most ticket-point rules a policy may have.
const MaxRules = 32

// Limit is a time limit: natural seconds, or a number of working days.
type Limit struct {
	Seconds  int64
	Workdays int
	Text     string
}

// ParseLimit parses "2h", "24h", "30m" (natural time) or "7wd" (working days).
func ParseLimit(s string) (Limit, error) {
	s = strings.TrimSpace(s)
	num, unit := s, ""
	for i, r := range s {
		if r < '0' || r > '9' {
			num, unit = s[:i], s[i:]
			break
		}
	}
	n, err := strconv.Atoi(num)
	if err != nil || n <= 0 {
		return Limit{}, fmt.Errorf("limit %q: want a positive whole number followed by h, m or wd (2h, 7wd)", s)
	}
	switch unit {
	case "h":
		return Limit{Seconds: int64(n) * 3600, Text: s}, nil
	case "m":
		return Limit{Seconds: int64(n) * 60, Text: s}, nil
	case "wd":
		return Limit{Workdays: n, Text: s}, nil
	}
	return Limit{}, fmt.Errorf("limit %q: unit must be h, m or wd", s)
}

// Threshold is a baseline rule (达标基数).
type Threshold struct {
	Rate     string
	rate     int
	AtMost   bool
	Baseline float64
	PerPoint float64
	Cap      float64
}

// Rule is a ticket-point rule (积分).
type Rule struct {
	Label  string
	Points float64
	must   uint32 // feature bits that must be set
	res    uint8  // allowed resolutions as bits; 0 means any
	kinds  uint8  // allowed kinds as bits; 0 means any
	urg    uint8  // allowed urgencies as bits; 0 means any
}

// Grade is an annual grade band: scores ≥ Min get Name.
type Grade struct {
	Min  float64 `json:"min"`
	Name string  `json:"name"`
}

// Policy is a validated assessment policy (考核办法), compiled for scoring.
type Policy struct {
	Name, Version string
	Loc           *time.Location
	StartDay      int
	// BasisReceived assigns rows to periods by received_at instead of closed_at.
	BasisReceived bool
	Calendars     []string
	work          *Workdays

	scored      [numKinds]bool
	roleWeight  [numRoles]float64
	respByStamp bool
	respLimit   [numUrgencies]Limit
	useGivenDue bool
	dueLimit    [numUrgencies]Limit
	resWeight   [numResolutions]float64
	satWeight   [numSatisfactions]float64
	satisfied   [numSatisfactions]bool
	unratedZero bool
	// Weights is indexed like RateNames; weighted marks the rates in the composite.
	Weights  [numRates]float64
	weighted [numRates]bool

	Thresholds []Threshold
	Rules      []Rule
	// comboRules[comboIndex(a)] is the set of rules whose lists admit a's resolution, kind and urgency.
	comboRules [numCombos]uint32

	Base, PointsFactor, Min, Max float64

	Round        int
	TieBreakers  []string
	tieBreak     []int
	MinCallbacks float64
	Top, Bottom  int

	AnnualPooled bool
	Grades       []Grade

	// Source is the YAML the policy was read from.
	Source []byte
}

// Info names the policy for results.
func (p *Policy) Info() PolicyInfo { return PolicyInfo{Name: p.Name, Version: p.Version} }

// CalendarSource finds a calendar by name; ParsePolicy uses it for the policy's calendar list.
type CalendarSource func(name string) (*Calendar, error)

// ParsePolicy reads and validates a policy; every problem is reported with its key path in one *Error.
func ParsePolicy(data []byte, calendars CalendarSource) (*Policy, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, errorf(Invalid, "policy: not valid YAML: %v", err)
	}
	if root.Kind == 0 {
		return nil, errorf(Invalid, "policy: empty file")
	}
	var errs []FieldError
	checkKeys(&root, reflect.TypeOf(policyFile{}), "", &errs)
	var f policyFile
	if err := root.Decode(&f); err != nil {
		var te *yaml.TypeError
		if errors.As(err, &te) {
			for _, e := range te.Errors {
				errs = append(errs, FieldError{Field: "(value)", Reason: e})
			}
		} else {
			errs = append(errs, FieldError{Field: "(top level)", Reason: err.Error()})
		}
	}
	c := &compiler{errs: errs, src: calendars}
	p := c.compile(&f)
	if len(c.errs) > 0 {
		msgs := make([]string, len(c.errs))
		for i, e := range c.errs {
			msgs[i] = e.Field + ": " + e.Reason
		}
		return nil, &Error{Code: Invalid, Message: "policy: " + strings.Join(msgs, "; "), Fields: c.errs}
	}
	p.Source = bytes.Clone(data)
	return p, nil
}

type compiler struct {
	errs []FieldError
	src  CalendarSource
}

func (c *compiler) fail(field, format string, args ...any) {
	c.errs = append(c.errs, FieldError{Field: field, Reason: fmt.Sprintf(format, args...)})
}

func (c *compiler) compile(f *policyFile) *Policy {
	p := &Policy{Name: f.Name, Version: f.Version, StartDay: 1}
	if f.Name == "" {
		c.fail("name", "required")
	}
	if f.Version == "" {
		c.fail("version", "required")
	}
	tz := f.Timezone
	if tz == "" {
		tz = "Asia/Shanghai"
	}
	loc, err := time.LoadLocation(tz)
	if err != nil {
		c.fail("timezone", "unknown time zone %q", tz)
		loc = time.UTC
	}
	p.Loc = loc
	if f.Period != nil {
		if f.Period.StartDay != nil {
			p.StartDay = *f.Period.StartDay
			if p.StartDay < 1 || p.StartDay > 28 {
				c.fail("period.start_day", "must be 1..28, got %d", p.StartDay)
			}
		}
		switch f.Period.Basis {
		case "", "closed":
		case "received":
			p.BasisReceived = true
		default:
			c.fail("period.basis", "must be closed or received, got %q", f.Period.Basis)
		}
	}
	c.kinds(p, f)
	c.roles(p, f)
	c.limits(p, f)
	c.levels(p, f)
	c.weights(p, f)
	c.thresholds(p, f)
	c.rules(p, f)
	c.final(p, f)
	c.ranking(p, f)
	c.annual(p, f)
	c.calendar(p, f)
	return p
}

func (c *compiler) kinds(p *Policy, f *policyFile) {
	kinds := stringList{"help", "complaint", "report", "suggestion", "consult"}
	if f.ScoredKinds != nil {
		kinds = *f.ScoredKinds
	}
	for i, k := range kinds {
		kk, err := ParseKind(k)
		if err != nil {
			c.fail(fmt.Sprintf("scored_kinds[%d]", i), "%v", err)
			continue
		}
		p.scored[kk] = true
	}
}

func (c *compiler) roles(p *Policy, f *policyFile) {
	p.roleWeight = [numRoles]float64{Lead: 1, Co: 0}
	for k, w := range f.Roles {
		r, err := roleWords.parse(k)
		if err != nil {
			c.fail("roles."+k, "unknown role (want lead or co)")
			continue
		}
		if w < 0 || w > 1 || math.IsNaN(w) {
			c.fail("roles."+k, "weight must be between 0 and 1, got %v", w)
		}
		p.roleWeight[r] = w
	}
}

func (c *compiler) limitTable(path string, m map[string]string, out *[numUrgencies]Limit) {
	for k, v := range m {
		u, err := urgencyWords.parse(k)
		if err != nil {
			c.fail(path+"."+k, "unknown urgency (want emergency, priority, normal, complex)")
			continue
		}
		l, err := ParseLimit(v)
		if err != nil {
			c.fail(path+"."+k, "%v", err)
			continue
		}
		out[u] = l
	}
	for u := Urgency(0); u < numUrgencies; u++ {
		if out[u].Text == "" {
			c.fail(path+"."+u.String(), "required")
		}
	}
}

func (c *compiler) limits(p *Policy, f *policyFile) {
	if f.Response == nil {
		c.fail("response", "required")
	} else {
		switch f.Response.Mode {
		case "callback", "":
		case "timestamp":
			p.respByStamp = true
		default:
			c.fail("response.mode", "must be callback or timestamp, got %q", f.Response.Mode)
		}
		if p.respByStamp || f.Response.Limits != nil {
			c.limitTable("response.limits", f.Response.Limits, &p.respLimit)
		}
	}
	if f.Deadlines == nil {
		c.fail("deadlines", "required")
		return
	}
	p.useGivenDue = f.Deadlines.UseGivenDue
	c.limitTable("deadlines.limits", f.Deadlines.Limits, &p.dueLimit)
}

func (c *compiler) levels(p *Policy, f *policyFile) {
	p.resWeight = [numResolutions]float64{Resolved: 1, Partial: 0.5, Unresolved: 0}
	if f.ResolutionWeights != nil {
		got := map[Resolution]bool{}
		for k, w := range f.ResolutionWeights {
			r, err := resolutionWords.parse(k)
			if err != nil || r == 0 {
				c.fail("resolution_weights."+k, "unknown level (want resolved, partial, unresolved)")
				continue
			}
			c.unit("resolution_weights."+k, w)
			p.resWeight[r], got[Resolution(r)] = w, true
		}
		for r := Resolved; r < numResolutions; r++ {
			if !got[r] {
				c.fail("resolution_weights."+r.String(), "required")
			}
		}
	}
	p.satWeight = [numSatisfactions]float64{VerySatisfied: 1, Satisfied: 1, BasicallySatisfied: 0.9}
	if f.SatisfactionWeights != nil {
		got := map[Satisfaction]bool{}
		for k, w := range f.SatisfactionWeights {
			s, err := satisfactionWords.parse(k)
			if err != nil || s == 0 {
				c.fail("satisfaction_weights."+k, "unknown level (want very_satisfied, satisfied, basically_satisfied, dissatisfied, very_dissatisfied)")
				continue
			}
			c.unit("satisfaction_weights."+k, w)
			p.satWeight[s], got[Satisfaction(s)] = w, true
		}
		for s := VerySatisfied; s < numSatisfactions; s++ {
			if !got[s] {
				c.fail("satisfaction_weights."+s.String(), "required")
			}
		}
	}
	levels := stringList{"very_satisfied", "satisfied", "basically_satisfied"}
	if f.SatisfiedLevels != nil {
		levels = *f.SatisfiedLevels
	}
	for i, l := range levels {
		s, err := satisfactionWords.parse(l)
		if err != nil || s == 0 {
			c.fail(fmt.Sprintf("satisfied_levels[%d]", i), "unknown level %q", l)
			continue
		}
		p.satisfied[s] = true
	}
	switch f.Unrated {
	case "", "exclude":
	case "zero":
		p.unratedZero = true
	default:
		c.fail("unrated", "must be exclude or zero, got %q", f.Unrated)
	}
}

func (c *compiler) unit(path string, w float64) {
	if w < 0 || w > 1 || math.IsNaN(w) {
		c.fail(path, "must be between 0 and 1, got %v", w)
	}
}

func rateIndex(name string) int {
	for i, n := range RateNames {
		if n == name {
			return i
		}
	}
	return -1
}

func (c *compiler) weights(p *Policy, f *policyFile) {
	w := map[string]float64{RateResponse: 0.1, RateResolution: 0.5, RateSatisfaction: 0.4}
	if f.Weights != nil {
		w = *f.Weights
	}
	sum := 0.0
	for name, v := range w {
		i := rateIndex(name)
		if i < 0 {
			c.fail("weights."+name, "unknown rate (want one of %s)", strings.Join(RateNames, ", "))
			continue
		}
		if v < 0 || math.IsNaN(v) {
			c.fail("weights."+name, "must not be negative, got %v", v)
		}
		p.Weights[i], p.weighted[i] = v, true
		sum += v
	}
	if len(w) > 0 && math.Abs(sum-1) > 1e-9 {
		c.fail("weights", "weights sum to %v, must sum to 1", sum)
	}
}

func (c *compiler) thresholds(p *Policy, f *policyFile) {
	for i, t := range f.Thresholds {
		path := fmt.Sprintf("thresholds[%d]", i)
		th := Threshold{Rate: t.Rate, rate: rateIndex(t.Rate)}
		if th.rate < 0 {
			c.fail(path+".rate", "unknown rate %q (want one of %s)", t.Rate, strings.Join(RateNames, ", "))
		}
		switch t.Direction {
		case "at_least":
		case "at_most":
			th.AtMost = true
		default:
			c.fail(path+".direction", "must be at_least or at_most, got %q", t.Direction)
		}
		th.Baseline = c.required(path+".baseline", t.Baseline)
		th.PerPoint = c.required(path+".per_point", t.PerPoint)
		th.Cap = c.required(path+".cap", t.Cap)
		c.unit(path+".baseline", th.Baseline)
		if th.PerPoint < 0 || th.Cap < 0 {
			c.fail(path, "per_point and cap must not be negative")
		}
		p.Thresholds = append(p.Thresholds, th)
	}
}

func (c *compiler) required(path string, v *float64) float64 {
	if v == nil {
		c.fail(path, "required")
		return 0
	}
	if math.IsNaN(*v) || math.IsInf(*v, 0) {
		c.fail(path, "must be a finite number")
	}
	return *v
}

// Feature bits of an assignment tested by rules.
const (
	fCallbackValid = 1 << iota
	fCallbackInvalid
	fContacted
	fNotContacted
	fSatisfied
	fUnsatisfied
	fOverdue
	fNotOverdue
	fSupervised
	fNotSupervised
	fIncomplete
	fNotIncomplete
	fOpinion
	fNotOpinion
	fRedispatched
	fNotRedispatched
)

func (c *compiler) rules(p *Policy, f *policyFile) {
	if len(f.TicketPoints) > MaxRules {
		c.fail("ticket_points", "at most %d rules", MaxRules)
		return
	}
	for i, r := range f.TicketPoints {
		path := fmt.Sprintf("ticket_points[%d]", i)
		ru := Rule{Label: r.Label, Points: c.required(path+".points", r.Points)}
		if r.Label == "" {
			c.fail(path+".label", "required")
		}
		w := r.When
		flag := func(b *bool, yes, no uint32) {
			if b != nil && *b {
				ru.must |= yes
			} else if b != nil {
				ru.must |= no
			}
		}
		flag(w.CallbackValid, fCallbackValid, fCallbackInvalid)
		flag(w.Contacted, fContacted, fNotContacted)
		flag(w.Satisfied, fSatisfied, fUnsatisfied)
		flag(w.Overdue, fOverdue, fNotOverdue)
		flag(w.Supervised, fSupervised, fNotSupervised)
		flag(w.IncompleteMaterials, fIncomplete, fNotIncomplete)
		flag(w.OpinionIncident, fOpinion, fNotOpinion)
		flag(w.Redispatched, fRedispatched, fNotRedispatched)
		for j, s := range w.Resolved {
			v, err := resolutionWords.parse(s)
			if err != nil || v == 0 {
				c.fail(fmt.Sprintf("%s.when.resolved[%d]", path, j), "unknown resolution %q", s)
			}
			ru.res |= 1 << v
		}
		for j, s := range w.Kind {
			v, err := kindWords.parse(s)
			if err != nil {
				c.fail(fmt.Sprintf("%s.when.kind[%d]", path, j), "%v", err)
			}
			ru.kinds |= 1 << v
		}
		for j, s := range w.Urgency {
			v, err := urgencyWords.parse(s)
			if err != nil {
				c.fail(fmt.Sprintf("%s.when.urgency[%d]", path, j), "%v", err)
			}
			ru.urg |= 1 << v
		}
		p.Rules = append(p.Rules, ru)
	}
	for i := range p.Rules {
		for res := Resolution(0); res < numResolutions; res++ {
			for k := Kind(0); k < numKinds; k++ {
				for u := Urgency(0); u < numUrgencies; u++ {
					if p.Rules[i].allows(res, k, u) {
						a := Assignment{Resolution: res, Kind: k, Urgency: u}
						p.comboRules[comboIndex(&a)] |= 1 << i
					}
				}
			}
		}
	}
}

func (c *compiler) final(p *Policy, f *policyFile) {
	p.Min, p.Max = 0, 100
	if f.Final == nil {
		return
	}
	opt := func(v *float64, def float64) float64 {
		if v == nil {
			return def
		}
		return *v
	}
	p.Base = opt(f.Final.Base, 0)
	p.PointsFactor = opt(f.Final.PointsFactor, 0)
	p.Min = opt(f.Final.Min, 0)
	p.Max = opt(f.Final.Max, 100)
	if p.Min > p.Max {
		c.fail("final.min", "min %v is above max %v", p.Min, p.Max)
	}
}

func (c *compiler) ranking(p *Policy, f *policyFile) {
	p.Round, p.MinCallbacks, p.Top, p.Bottom = 2, 10, 3, 3
	p.TieBreakers = []string{RateResolution, RateSatisfaction, RateResponse}
	if r := f.Ranking; r != nil {
		if r.Round != nil {
			p.Round = *r.Round
		}
		if r.TieBreakers != nil {
			p.TieBreakers = *r.TieBreakers
		}
		if r.MinCallbacks != nil {
			p.MinCallbacks = *r.MinCallbacks
		}
		if r.Top != nil {
			p.Top = *r.Top
		}
		if r.Bottom != nil {
			p.Bottom = *r.Bottom
		}
	}
	if p.Round < 0 || p.Round > 6 {
		c.fail("ranking.round", "must be 0..6, got %d", p.Round)
	}
	if p.MinCallbacks < 0 || p.Top < 0 || p.Bottom < 0 {
		c.fail("ranking", "min_callbacks, top and bottom must not be negative")
	}
	for i, t := range p.TieBreakers {
		j := rateIndex(t)
		if j < 0 {
			c.fail(fmt.Sprintf("ranking.tie_breakers[%d]", i), "unknown rate %q", t)
		}
		p.tieBreak = append(p.tieBreak, j)
	}
}

func (c *compiler) annual(p *Policy, f *policyFile) {
	p.Grades = []Grade{{90, "优秀"}, {80, "良好"}, {60, "合格"}, {0, "不合格"}}
	if f.Annual == nil {
		return
	}
	switch f.Annual.Mode {
	case "", "mean_of_periods":
	case "pooled":
		p.AnnualPooled = true
	default:
		c.fail("annual.mode", "must be mean_of_periods or pooled, got %q", f.Annual.Mode)
	}
	if f.Annual.Grades != nil {
		p.Grades = nil
		for i, g := range f.Annual.Grades {
			path := fmt.Sprintf("annual.grades[%d]", i)
			if g.Name == "" {
				c.fail(path+".name", "required")
			}
			p.Grades = append(p.Grades, Grade{Min: c.required(path+".min", g.Min), Name: g.Name})
		}
		sort.SliceStable(p.Grades, func(i, j int) bool { return p.Grades[i].Min > p.Grades[j].Min })
	}
}

func (c *compiler) calendar(p *Policy, f *policyFile) {
	p.Calendars = f.Calendar
	var cals []*Calendar
	for i, name := range f.Calendar {
		if c.src == nil {
			c.fail(fmt.Sprintf("calendar[%d]", i), "calendar %q not found (no calendars available)", name)
			continue
		}
		cal, err := c.src(name)
		if err != nil {
			c.fail(fmt.Sprintf("calendar[%d]", i), "calendar %q not found: %v", name, err)
			continue
		}
		cals = append(cals, cal)
	}
	needed := ""
	for u := Urgency(0); u < numUrgencies; u++ {
		if p.dueLimit[u].Workdays > 0 {
			needed = "deadlines.limits." + u.String()
		}
		if p.respByStamp && p.respLimit[u].Workdays > 0 {
			needed = "response.limits." + u.String()
		}
	}
	if len(cals) == 0 {
		if needed != "" && len(f.Calendar) == 0 {
			c.fail("calendar", "required: %s counts working days", needed)
		}
		return
	}
	w, err := NewWorkdays(p.Loc, cals)
	if err != nil {
		c.fail("calendar", "%v", err)
		return
	}
	p.work = w
}
