package scoring

import "math"

// rateOf builds a Rate; the value is nil when the denominator is zero.
func rateOf(num, den float64) Rate {
	r := Rate{Num: num, Den: den}
	if den != 0 {
		v := num / den
		r.Value = &v
	}
	return r
}

func f64(v float64) *float64 { return &v }

// Rates computes every indicator of a tally under the policy (SPEC §5).
func (p *Policy) Rates(t *Tally) (Rates, Counts) {
	var e, cb, contacted, respOK, onTime, redisp, res, sat, unrated float64
	for k := range t.Role {
		w := p.roleWeight[k]
		if w == 0 {
			continue
		}
		r := &t.Role[k]
		e += w * float64(r.Eligible)
		cb += w * float64(r.Callbacks)
		contacted += w * float64(r.Contacted)
		respOK += w * float64(r.RespOnTime)
		onTime += w * float64(r.OnTime)
		redisp += w * float64(r.Redispatched)
		var rs, ss float64
		for l := range r.Res {
			rs += p.resWeight[l] * float64(r.Res[l])
		}
		for l := range r.Sat {
			ss += p.satWeight[l] * float64(r.Sat[l])
		}
		res += w * rs
		sat += w * ss
		unrated += w * float64(r.Sat[Unrated])
	}
	var rt Rates
	if p.respByStamp {
		rt.Response = rateOf(respOK, e)
	} else {
		rt.Response = rateOf(contacted, cb)
	}
	rt.Resolution = rateOf(res, cb)
	satDen := cb
	if !p.unratedZero {
		satDen -= unrated
	}
	rt.Satisfaction = rateOf(sat, satDen)
	rt.OnTime = rateOf(onTime, e)
	rt.Redispatch = rateOf(redisp, e)
	rt.CallbackCoverage = rateOf(cb, e)
	return rt, Counts{Assignments: int64(t.Assignments), Eligible: e, Callbacks: cb, Excluded: int64(t.Excluded)}
}

// PointsTotal returns the weighted sum of the ticket points of a tally.
func (p *Policy) PointsTotal(t *Tally) float64 {
	total := 0.0
	for k := range t.Role {
		w := p.roleWeight[k]
		if w == 0 {
			continue
		}
		s := 0.0
		for i, r := range p.Rules {
			s += r.Points * float64(t.Role[k].Rules[i])
		}
		total += w * s
	}
	return total
}

// Score computes one unit's scorecard from its tally (SPEC §5–§6), unranked.
func (p *Policy) Score(u Unit, t *Tally) Scorecard {
	s := Scorecard{Code: u.Code, Name: u.Name, Group: u.Group, Deductions: []Deduction{}}
	s.Rates, s.Counts = p.Rates(t)
	if u.Population > 0 {
		s.Per10k = f64(float64(t.Received) * 10000 / float64(u.Population))
	}
	s.Points.Total = p.PointsTotal(t)
	if s.Counts.Eligible > 0 {
		s.Points.PerAssignment = f64(s.Points.Total / s.Counts.Eligible)
	}
	defined := s.Counts.Eligible > 0
	composite, compositeDefined := 0.0, true
	for i, name := range RateNames {
		if !p.weighted[i] {
			continue
		}
		r, _ := s.Rates.ByName(name)
		if !r.Defined() {
			compositeDefined = false
			continue
		}
		composite += p.Weights[i] * *r.Value
	}
	composite *= 100
	if compositeDefined {
		s.Composite = f64(composite)
	} else {
		defined = false
	}
	deducted := 0.0
	for _, th := range p.Thresholds {
		r, _ := s.Rates.ByName(th.Rate)
		if !r.Defined() {
			defined = false
			continue
		}
		short := th.Baseline - *r.Value
		if th.AtMost {
			short = *r.Value - th.Baseline
		}
		d := math.Min(th.Cap, th.PerPoint*math.Max(0, short)*100)
		s.Deductions = append(s.Deductions, Deduction{Rate: th.Rate, Points: d})
		deducted += d
	}
	if p.PointsFactor != 0 && s.Points.PerAssignment == nil {
		defined = false
	}
	if !defined {
		s.UnrankedReason = strp(ReasonNoData)
		return s
	}
	final := p.Base + composite - deducted
	if p.PointsFactor != 0 {
		final += p.PointsFactor * *s.Points.PerAssignment
	}
	final = math.Max(p.Min, math.Min(p.Max, final))
	s.Final = &final
	if s.Counts.Callbacks < p.MinCallbacks {
		s.UnrankedReason = strp(ReasonSmallSample)
	}
	return s
}

func strp(s string) *string { return &s }
