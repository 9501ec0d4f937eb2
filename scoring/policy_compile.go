package scoring

import (
	"fmt"
	"hash/maphash"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"
)

type compiler struct {
	errs []FieldError
	src  CalendarSource
	// acceptance is true when the policy has an acceptance key.
	acceptance bool
}

func (c *compiler) fail(field, format string, args ...any) {
	c.errs = append(c.errs, FieldError{Field: field, Reason: fmt.Sprintf(format, args...)})
}

func (c *compiler) compile(f *policyFile) *Policy {
	p := &Policy{Name: f.Name, Version: f.Version, StartDay: 1, seed: maphash.MakeSeed()}
	if f.Name == "" {
		c.fail("name", "required")
	}
	if f.Version == "" {
		c.fail("version", "required")
	}
	if f.Document != nil {
		p.Document = Document{Title: f.Document.Title, Number: f.Document.Number}
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
	p.ShowRaw = f.ShowRaw
	c.scope(p, f)
	c.kinds(p, f)
	c.roles(p, f)
	c.limits(p, f)
	c.duplicates(p, f)
	c.levels(p, f)
	c.scheme(p, &p.Scheme, "", f.Weights, f.Thresholds, f.Items, f.Final)
	c.groups(p, f)
	c.rules(p, f)
	for k := Kind(0); k < numKinds; k++ {
		for r := Role(0); r < numRoles; r++ {
			p.kindRole[k][r] = p.scored[k] && p.roleWeight[r] > 0
		}
	}
	c.adjustments(p, f)
	c.ranking(p, f)
	c.annual(p, f)
	c.calendar(p, f)
	return p
}

func (c *compiler) scope(p *Policy, f *policyFile) {
	if f.Scope == nil {
		return
	}
	list := func(path string, l *stringList) []string {
		if l == nil {
			return nil
		}
		if len(*l) == 0 {
			c.fail(path, "empty list: it would leave every row out of scope (remove the key to keep all)")
		}
		out := make([]string, len(*l))
		for i, v := range *l {
			out[i] = strings.TrimSpace(v)
			if out[i] == "" {
				c.fail(fmt.Sprintf("%s[%d]", path, i), "empty value")
			}
		}
		return out
	}
	p.Hotlines = list("scope.hotlines", f.Scope.Hotlines)
	p.Channels = list("scope.channels", f.Scope.Channels)
	p.scoped = p.Hotlines != nil || p.Channels != nil
}

func (c *compiler) duplicates(p *Policy, f *policyFile) {
	p.mergeRepeats = true
	d := f.Duplicates
	if d == nil {
		return
	}
	p.Duplicates = &Duplicates{Merge: true}
	switch d.Treat {
	case "", "merge":
	case "count":
		p.Duplicates.Merge, p.mergeRepeats = false, false
	default:
		c.fail("duplicates.treat", "must be merge or count, got %q", d.Treat)
	}
	if (d.Window == "") != (d.Same == nil) {
		c.fail("duplicates", "window and same go together (window: 30d, same: [caller_phone, category])")
	}
	if d.Window != "" {
		w, err := parseWindow(d.Window)
		if err != nil {
			c.fail("duplicates.window", "%v", err)
		}
		p.Duplicates.Window = w
	}
	if d.Same != nil {
		if len(*d.Same) == 0 {
			c.fail("duplicates.same", "empty list: name at least one of caller_phone, category, kind, channel")
		}
		for i, s := range *d.Same {
			bit := map[string]uint8{"caller_phone": samePhone, "category": sameCategory, "kind": sameKind, "channel": sameChannel}[s]
			if bit == 0 {
				c.fail(fmt.Sprintf("duplicates.same[%d]", i), "unknown field %q (want caller_phone, category, kind or channel)", s)
				continue
			}
			if p.sameMask&bit != 0 {
				c.fail(fmt.Sprintf("duplicates.same[%d]", i), "%s named twice", s)
			}
			p.sameMask |= bit
			p.Duplicates.Same = append(p.Duplicates.Same, s)
		}
	}
	if p.Duplicates.Window == 0 {
		p.sameMask = 0
	}
}

// parseWindow parses a repeat window: whole days (30d) or hours (72h), in seconds.
func parseWindow(s string) (int64, error) {
	s = strings.TrimSpace(s)
	unit := int64(86400)
	num := strings.TrimSuffix(s, "d")
	if num == s {
		num, unit = strings.TrimSuffix(s, "h"), 3600
		if num == s {
			return 0, fmt.Errorf("window %q: want days such as 30d (or hours such as 72h)", s)
		}
	}
	n, err := strconv.Atoi(num)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("window %q: want a positive whole number of days such as 30d", s)
	}
	return int64(n) * unit, nil
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
	for _, k := range sortedKeys(f.Roles) {
		w := f.Roles[k]
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
	var named [numUrgencies]bool
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		u, err := urgencyWords.parse(k)
		if err != nil {
			c.fail(path+"."+k, "unknown urgency (want emergency, priority, normal, complex)")
			continue
		}
		named[u] = true
		l, err := ParseLimit(m[k])
		if err != nil {
			c.fail(path+"."+k, "%v", err)
			continue
		}
		out[u] = l
	}
	for u := Urgency(0); u < numUrgencies; u++ {
		if !named[u] {
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
	if f.Acceptance != nil {
		p.HasAcceptance, c.acceptance = true, true
		c.limitTable("acceptance.limits", f.Acceptance.Limits, &p.accLimit)
	}
	if f.OnTime != nil {
		p.CountOpenOverdue = f.OnTime.CountOpenOverdue
	}
	if f.Deadlines == nil {
		c.fail("deadlines", "required")
		return
	}
	p.useGivenDue = f.Deadlines.UseGivenDue
	p.HonorExtensions = f.Deadlines.HonorExtensions
	switch f.Deadlines.WhenNoDue {
	case "", "limits":
	case "none":
		p.NoDueMeansNone = true
		if !p.useGivenDue {
			c.fail("deadlines.when_no_due", "none needs use_given_due: true (without given due dates every row would have no deadline)")
		}
	default:
		c.fail("deadlines.when_no_due", "must be limits or none, got %q", f.Deadlines.WhenNoDue)
	}
	c.limitTable("deadlines.limits", f.Deadlines.Limits, &p.dueLimit)
}

func (c *compiler) levels(p *Policy, f *policyFile) {
	p.resWeight = [numResolutions]float64{Resolved: 1, Partial: 0.5, Unresolved: 0}
	if f.ResolutionWeights != nil {
		got := map[Resolution]bool{}
		for _, k := range sortedKeys(f.ResolutionWeights) {
			w := f.ResolutionWeights[k]
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
		for _, k := range sortedKeys(f.SatisfactionWeights) {
			w := f.SatisfactionWeights[k]
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
