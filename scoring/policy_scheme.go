package scoring

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
)

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func rateIndex(name string) int {
	for i, n := range rateNames {
		if n == name {
			return i
		}
	}
	return -1
}

// rate checks a rate name at path: it must exist, and acceptance needs the acceptance key.
func (c *compiler) rate(path, name string) int {
	i := rateIndex(name)
	switch {
	case i < 0:
		c.fail(path, "unknown rate %q (want one of %s)", name, strings.Join(rateNames[:], ", "))
	case name == RateAcceptance && !c.acceptance:
		c.fail(path, "rate acceptance needs the policy's acceptance key (acceptance: {limits: …})")
	}
	return i
}

// scheme compiles weights, thresholds, items and final into s; prefix is "" or "groups.<group>.".
func (c *compiler) scheme(p *Policy, s *Scheme, prefix string, weights *map[string]float64, ths []thresholdSpec, items []itemSpec, fin *finalSpec) {
	c.weights(s, prefix, weights)
	c.thresholds(s, prefix, ths)
	c.items(s, prefix, items)
	c.final(s, prefix, fin)
}

func (c *compiler) weights(s *Scheme, prefix string, given *map[string]float64) {
	w := map[string]float64{RateResponse: 0.1, RateResolution: 0.5, RateSatisfaction: 0.4}
	if given != nil {
		w = *given
	}
	s.Weights, s.weighted = [NumRates]float64{}, [NumRates]bool{}
	sum := 0.0
	for _, name := range sortedKeys(w) {
		v := w[name]
		path := prefix + "weights." + name
		i := c.rate(path, name)
		if i < 0 {
			continue
		}
		if v < 0 || math.IsNaN(v) {
			c.fail(path, "must not be negative, got %v", v)
		}
		s.Weights[i], s.weighted[i] = v, true
		sum += v
	}
	if len(w) > 0 && math.Abs(sum-1) > 1e-9 {
		c.fail(prefix+"weights", "weights sum to %v, must sum to 1", sum)
	}
}

func (c *compiler) thresholds(s *Scheme, prefix string, ths []thresholdSpec) {
	s.Thresholds = nil
	for i, t := range ths {
		path := fmt.Sprintf("%sthresholds[%d]", prefix, i)
		th := Threshold{Rate: t.Rate, rate: c.rate(path+".rate", t.Rate)}
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
		s.Thresholds = append(s.Thresholds, th)
	}
}

func (c *compiler) items(s *Scheme, prefix string, items []itemSpec) {
	s.Items = nil
	for i, it := range items {
		path := fmt.Sprintf("%sitems[%d]", prefix, i)
		item := Item{Label: it.Label, Rate: it.Rate, rate: c.rate(path+".rate", it.Rate)}
		if it.Label == "" {
			c.fail(path+".label", "required")
		}
		switch {
		case it.Linear != nil && it.Bands != nil:
			c.fail(path, "give exactly one of linear and bands, not both")
		case it.Linear == nil && it.Bands == nil:
			c.fail(path, "give exactly one of linear (with max) and bands")
		case it.Linear != nil:
			item.Linear = true
			item.Max = c.required(path+".max", it.Max)
			item.Zero = c.required(path+".linear.zero", it.Linear.Zero)
			item.Full = c.required(path+".linear.full", it.Linear.Full)
			c.unit(path+".linear.zero", item.Zero)
			c.unit(path+".linear.full", item.Full)
			if it.Linear.Zero != nil && it.Linear.Full != nil && item.Zero == item.Full {
				c.fail(path+".linear", "zero and full must differ")
			}
		default:
			if it.Max != nil {
				c.fail(path+".max", "max belongs to a linear item; a band gives its own points")
			}
			if len(it.Bands) == 0 {
				c.fail(path+".bands", "empty list: give at least one band")
			}
			for j, b := range it.Bands {
				bp := fmt.Sprintf("%s.bands[%d]", path, j)
				band := Band{Points: c.required(bp+".points", b.Points)}
				if b.Min == nil && b.Max == nil {
					c.fail(bp, "give min, max or both")
				}
				if b.Min != nil {
					band.Min = f64(c.required(bp+".min", b.Min))
					c.unit(bp+".min", *band.Min)
				}
				if b.Max != nil {
					band.Max = f64(c.required(bp+".max", b.Max))
					c.unit(bp+".max", *band.Max)
				}
				if band.Min != nil && band.Max != nil && *band.Min > *band.Max {
					c.fail(bp, "min %g is above max %g: no rate falls in this band", *band.Min, *band.Max)
				}
				item.Bands = append(item.Bands, band)
			}
		}
		s.Items = append(s.Items, item)
	}
}

func (c *compiler) groups(p *Policy, f *policyFile) {
	if len(f.Groups) == 0 {
		return
	}
	p.Groups = map[string]*Scheme{}
	for _, g := range sortedKeys(f.Groups) {
		gs := f.Groups[g]
		prefix := "groups." + g + "."
		s := p.Scheme // a group key replaces the policy's key as a whole
		s.Thresholds = slices.Clone(s.Thresholds)
		s.Items = slices.Clone(s.Items)
		if gs.Weights != nil {
			c.weights(&s, prefix, gs.Weights)
		}
		if gs.Thresholds != nil {
			c.thresholds(&s, prefix, *gs.Thresholds)
		}
		if gs.Items != nil {
			c.items(&s, prefix, *gs.Items)
		}
		if gs.Final != nil {
			c.final(&s, prefix, gs.Final)
		}
		if gs.Weights == nil && gs.Thresholds == nil && gs.Items == nil && gs.Final == nil {
			c.fail("groups."+g, "names none of weights, thresholds, items, final")
		}
		p.Groups[g] = &s
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
	fAcceptedLate
	fAcceptedOnTime
	fRepeat
	fNotRepeat
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
		flag(w.AcceptedLate, fAcceptedLate, fAcceptedOnTime)
		flag(w.Repeat, fRepeat, fNotRepeat)
		if w.AcceptedLate != nil && !c.acceptance {
			c.fail(path+".when.accepted_late", "needs the policy's acceptance key (acceptance: {limits: …})")
		}
		if w.Repeat != nil {
			p.usesRepeat = true
		}
		list := func(key string, l *stringList, words vocabulary, what string, zeroOK bool) uint8 {
			if l == nil {
				return 0
			}
			if len(*l) == 0 {
				c.fail(path+".when."+key, "empty list: it matches nothing (remove the key to match any)")
				return 0
			}
			var bits uint8
			for j, s := range *l {
				v, err := words.parse(s)
				if err != nil || (v == 0 && !zeroOK) {
					c.fail(fmt.Sprintf("%s.when.%s[%d]", path, key, j), "unknown %s %q", what, s)
					continue
				}
				bits |= 1 << v
			}
			return bits
		}
		ru.res = list("resolved", w.Resolved, resolutionWords, "resolution", false)
		ru.kinds = list("kind", w.Kind, kindWords, "kind", true)
		ru.urg = list("urgency", w.Urgency, urgencyWords, "urgency", true)
		ru.ret = list("return", w.Return, returnWords, "return status", true)
		p.Rules = append(p.Rules, ru)
	}
	for i := range p.Rules {
		p.musts[i] = p.Rules[i].must
		for res := Resolution(0); res < numResolutions; res++ {
			for k := Kind(0); k < numKinds; k++ {
				for u := Urgency(0); u < numUrgencies; u++ {
					for rs := ReturnStatus(0); rs < numReturnStatuses; rs++ {
						if p.Rules[i].allows(res, k, u, rs) {
							a := Assignment{Resolution: res, Kind: k, Urgency: u, Return: rs}
							p.comboRules[comboIndex(&a)] |= 1 << i
						}
					}
				}
			}
		}
	}
}

func (c *compiler) final(s *Scheme, prefix string, fin *finalSpec) {
	s.Base, s.PointsFactor, s.Min, s.Max = 0, 0, 0, 100
	if fin == nil {
		return
	}
	opt := func(path string, v *float64, def float64) float64 {
		if v == nil {
			return def
		}
		return c.required(path, v)
	}
	s.Base = opt(prefix+"final.base", fin.Base, 0)
	s.PointsFactor = opt(prefix+"final.points_factor", fin.PointsFactor, 0)
	s.Min = opt(prefix+"final.min", fin.Min, 0)
	s.Max = opt(prefix+"final.max", fin.Max, 100)
	if s.Min > s.Max {
		c.fail(prefix+"final.min", "min %v is above max %v", s.Min, s.Max)
	}
}

func (c *compiler) adjustments(p *Policy, f *policyFile) {
	a := f.Adjustments
	if a == nil {
		return
	}
	if a.Min != nil {
		p.AdjustMin = f64(c.required("adjustments.min", a.Min))
	}
	if a.Max != nil {
		p.AdjustMax = f64(c.required("adjustments.max", a.Max))
	}
	if p.AdjustMin != nil && p.AdjustMax != nil && *p.AdjustMin > *p.AdjustMax {
		c.fail("adjustments.min", "min %v is above max %v", *p.AdjustMin, *p.AdjustMax)
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
		p.tieBreak = append(p.tieBreak, c.rate(fmt.Sprintf("ranking.tie_breakers[%d]", i), t))
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
	case "points_total":
		p.AnnualPointsTotal = true
	default:
		c.fail("annual.mode", "must be mean_of_periods, pooled or points_total, got %q", f.Annual.Mode)
	}
	if f.Annual.MoneyPerPoint != nil {
		p.MoneyPerPoint = c.required("annual.money_per_point", f.Annual.MoneyPerPoint)
		if p.MoneyPerPoint < 0 {
			c.fail("annual.money_per_point", "must not be negative, got %v", p.MoneyPerPoint)
		}
		if !p.AnnualPointsTotal {
			c.fail("annual.money_per_point", "belongs to mode points_total")
		}
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
		if p.HasAcceptance && p.accLimit[u].Workdays > 0 {
			needed = "acceptance.limits." + u.String()
		}
		if p.respByStamp && p.respLimit[u].Workdays > 0 {
			needed = "response.limits." + u.String()
		}
		if p.dueLimit[u].Workdays > 0 {
			needed = "deadlines.limits." + u.String()
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
