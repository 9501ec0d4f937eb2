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

// sums are a tally's weighted counts.
type sums struct {
	e, cb, contacted, respOK, onTime, redisp, res, sat, unrated   float64
	accepted, rejected, returned, repeatE, merged, o, dDen, dNum  float64
	rawE, rawCB, rawContacted, rawRespOK, rawOnTime, rawO, rawRes float64
	rawSat, rawUnrated                                            float64
}

func (p *Policy) sums(t *Tally) sums {
	var s sums
	for k := range t.Role {
		w := p.roleWeight[k]
		if w == 0 {
			continue
		}
		r := &t.Role[k]
		s.e += w * float64(r.Eligible)
		s.cb += w * float64(r.Callbacks)
		s.contacted += w * float64(r.Contacted)
		s.respOK += w * float64(r.RespOnTime)
		s.onTime += w * float64(r.OnTime)
		s.redisp += w * float64(r.Redispatched)
		s.accepted += w * float64(r.Accepted)
		s.rejected += w * float64(r.Rejected)
		s.returned += w * float64(r.Returned)
		s.repeatE += w * float64(r.RepeatE)
		s.merged += w * float64(r.Merged)
		s.o += w * float64(r.OverdueOpen)
		s.dDen += w * float64(r.ClosureDen)
		s.dNum += w * float64(r.ClosureNum)
		raw, minus := &t.Raw[k], &t.RawMinus[k]
		var rs, ss, rrs, rss float64
		for l := range r.Res {
			rs += p.resWeight[l] * float64(r.Res[l])
			rrs += p.resWeight[l] * (float64(raw.Res[l]) - float64(minus.Res[l]))
		}
		for l := range r.Sat {
			ss += p.satWeight[l] * float64(r.Sat[l])
			rss += p.satWeight[l] * (float64(raw.Sat[l]) - float64(minus.Sat[l]))
		}
		s.res += w * rs
		s.sat += w * ss
		s.unrated += w * float64(r.Sat[Unrated])
		s.rawE += w * (float64(raw.Eligible) - float64(minus.Eligible))
		s.rawCB += w * (float64(raw.Callbacks) - float64(minus.Callbacks))
		s.rawContacted += w * (float64(raw.Contacted) - float64(minus.Contacted))
		s.rawRespOK += w * (float64(raw.RespOnTime) - float64(minus.RespOnTime))
		s.rawOnTime += w * (float64(raw.OnTime) - float64(minus.OnTime))
		s.rawO += w * float64(raw.OverdueOpen)
		s.rawRes += w * rrs
		s.rawSat += w * rss
		s.rawUnrated += w * (float64(raw.Sat[Unrated]) - float64(minus.Sat[Unrated]))
	}
	return s
}

// Rates computes every indicator of a tally under the policy (SPEC §5, §13), the raw rates (§13.8) and the counts.
func (p *Policy) Rates(t *Tally) (Rates, RawRates, Counts) {
	s := p.sums(t)
	var rt Rates
	rt.Response, rt.Resolution, rt.Satisfaction, rt.OnTime = p.fourRates(s.e, s.cb, s.contacted, s.respOK, s.onTime, s.o, s.res, s.sat, s.unrated)
	rt.Redispatch = rateOf(s.redisp, s.e)
	rt.CallbackCoverage = rateOf(s.cb, s.e)
	if p.HasAcceptance {
		rt.Acceptance = rateOf(s.accepted, s.e)
	} else {
		rt.Acceptance = Rate{Absent: true}
	}
	rt.Closure = rateOf(s.dNum, s.dDen)
	rt.Return = rateOf(s.returned+s.rejected, s.e+s.returned)
	repeatDen := s.e
	if p.mergeRepeats {
		repeatDen += s.repeatE
	}
	rt.Repeat = rateOf(s.repeatE, repeatDen)
	var raw RawRates
	raw.Response, raw.Resolution, raw.Satisfaction, raw.OnTime = p.fourRates(s.e+s.rawE, s.cb+s.rawCB,
		s.contacted+s.rawContacted, s.respOK+s.rawRespOK, s.onTime+s.rawOnTime, s.o+s.rawO,
		s.res+s.rawRes, s.sat+s.rawSat, s.unrated+s.rawUnrated)
	c := Counts{Assignments: int64(t.Assignments), Eligible: s.e, Callbacks: s.cb, Excluded: int64(t.Excluded),
		Returned: s.returned, OverdueOpen: s.o}
	if p.mergeRepeats {
		c.Duplicates = s.merged
	}
	return rt, raw, c
}

// fourRates computes response, resolution, satisfaction and on-time from weighted counts.
func (p *Policy) fourRates(e, cb, contacted, respOK, onTime, o, res, sat, unrated float64) (resp, reso, satis, ot Rate) {
	if p.respByStamp {
		resp = rateOf(respOK, e)
	} else {
		resp = rateOf(contacted, cb)
	}
	satDen := cb
	if !p.unratedZero {
		satDen -= unrated
	}
	return resp, rateOf(res, cb), rateOf(sat, satDen), rateOf(onTime, e+o)
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

// AdjustmentSum returns the sum of adjustments, clamped to the policy's adjustments min and max.
func (p *Policy) AdjustmentSum(adjs []Adjustment) float64 {
	sum := 0.0
	for _, a := range adjs {
		sum += a.Points
	}
	if p.AdjustMin != nil {
		sum = math.Max(*p.AdjustMin, sum)
	}
	if p.AdjustMax != nil {
		sum = math.Min(*p.AdjustMax, sum)
	}
	return sum
}

// Score computes one unit's scorecard from its tally and adjustments (SPEC §5–§6, §13.9–§13.11), unranked.
func (p *Policy) Score(u Unit, t *Tally, adjs []Adjustment) Scorecard {
	sc := p.SchemeOf(u.Group)
	s := Scorecard{Code: u.Code, Name: u.Name, Group: u.Group, Deductions: []Deduction{},
		Items: []ItemPoints{}, Adjustments: []AdjustmentLine{}}
	s.Rates, s.RawRates, s.Counts = p.Rates(t)
	if u.Population > 0 {
		s.Per10k = f64(float64(t.Received) * 10000 / float64(u.Population))
	}
	s.Points.Total = p.PointsTotal(t)
	if s.Counts.Eligible > 0 {
		s.Points.PerAssignment = f64(s.Points.Total / s.Counts.Eligible)
	}
	for _, a := range adjs {
		s.Adjustments = append(s.Adjustments, AdjustmentLine{Label: a.Label, Points: a.Points, Reason: a.Reason})
	}
	defined := s.Counts.Eligible > 0
	composite, compositeDefined := 0.0, true
	for i, name := range rateNames {
		if !sc.weighted[i] {
			continue
		}
		r, _ := s.Rates.ByName(name)
		if !r.Defined() {
			compositeDefined = false
			continue
		}
		composite += sc.Weights[i] * *r.Value
	}
	composite *= 100
	if compositeDefined {
		s.Composite = f64(composite)
	} else {
		defined = false
	}
	items := 0.0
	for i := range sc.Items {
		it := &sc.Items[i]
		ip := ItemPoints{Label: it.Label, Rate: it.Rate}
		if r, _ := s.Rates.ByName(it.Rate); r.Defined() {
			ip.Points = f64(it.Points(*r.Value))
			items += *ip.Points
		} else {
			defined = false
		}
		s.Items = append(s.Items, ip)
	}
	deducted := 0.0
	for _, th := range sc.Thresholds {
		r, _ := s.Rates.ByName(th.Rate)
		if !r.Defined() {
			defined = false
			continue
		}
		d := math.Min(th.Cap, th.PerPoint*th.Shortfall(*r.Value))
		s.Deductions = append(s.Deductions, Deduction{Rate: th.Rate, Points: d})
		deducted += d
	}
	if sc.PointsFactor != 0 && s.Points.PerAssignment == nil {
		defined = false
	}
	if !defined {
		s.UnrankedReason = strp(ReasonNoData)
		return s
	}
	final := sc.Base + composite + items - deducted
	if sc.PointsFactor != 0 {
		final += sc.PointsFactor * *s.Points.PerAssignment
	}
	final += p.AdjustmentSum(adjs)
	final = math.Max(sc.Min, math.Min(sc.Max, final))
	s.Final = &final
	if s.Counts.Callbacks < p.MinCallbacks {
		s.UnrankedReason = strp(ReasonSmallSample)
	}
	return s
}

func strp(s string) *string { return &s }
