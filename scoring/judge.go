package scoring

import "fmt"

// Ineligibility reasons, as codes.
const (
	WhyOpen         = "open"
	WhyExcluded     = "excluded"
	WhyKindUnscored = "kind_not_scored"
	WhyRoleUnscored = "role_not_weighted"
)

// judgement is what a policy makes of one assignment, before any aggregation.
type judgement struct {
	eligible bool
	why      string
	callback bool
	// deadline is 0 when it was not computed (the assignment is not eligible).
	deadline int64
	late     bool
	respOK   bool
	features uint32
	rules    uint64 // bit i set: rule i matched
}

// Deadline returns the on-time deadline of an assignment: its due_at when the policy uses given dues, else dispatched_at plus the urgency's limit.
func (p *Policy) Deadline(a *Assignment) (int64, error) {
	if p.useGivenDue && a.Due != 0 {
		return a.Due, nil
	}
	return p.addLimit(a.Dispatched, p.dueLimit[a.Urgency])
}

func (p *Policy) addLimit(start int64, l Limit) (int64, error) {
	if l.Workdays == 0 {
		return start + l.Seconds, nil
	}
	if p.work == nil {
		return 0, errorf(Invalid, "limit %s needs a working-day calendar and the policy names none", l.Text)
	}
	return p.work.AddWorkdays(start, l.Workdays)
}

// judge applies the policy to one assignment.
func (p *Policy) judge(a *Assignment) (judgement, error) {
	var j judgement
	switch {
	case a.Closed == 0:
		j.why = WhyOpen
	case a.Excluded:
		j.why = WhyExcluded
	case !p.scored[a.Kind]:
		j.why = WhyKindUnscored
	case p.roleWeight[a.Role] <= 0:
		j.why = WhyRoleUnscored
	default:
		j.eligible = true
	}
	if !j.eligible {
		return j, nil
	}
	d, err := p.Deadline(a)
	if err != nil {
		return j, fmt.Errorf("ticket %s: deadline: %w", a.TicketID, err)
	}
	j.deadline, j.late = d, a.Closed > d
	if p.respByStamp && a.ContactAt != 0 {
		rd, err := p.addLimit(a.Dispatched, p.respLimit[a.Urgency])
		if err != nil {
			return j, fmt.Errorf("ticket %s: response limit: %w", a.TicketID, err)
		}
		j.respOK = a.ContactAt <= rd
	}
	j.callback = a.CallbackValid
	f := pick(a.CallbackValid, fCallbackValid, fCallbackInvalid) |
		pick(j.late, fOverdue, fNotOverdue) |
		pick(a.Supervised, fSupervised, fNotSupervised) |
		pick(a.IncompleteMaterials, fIncomplete, fNotIncomplete) |
		pick(a.OpinionIncident, fOpinion, fNotOpinion) |
		pick(a.Redispatches > 0, fRedispatched, fNotRedispatched)
	switch a.Contacted {
	case Yes:
		f |= fContacted
	case No:
		f |= fNotContacted
	}
	if a.Satisfaction != Unrated {
		f |= pick(p.satisfied[a.Satisfaction], fSatisfied, fUnsatisfied)
	}
	j.features = f
	for i := range p.Rules {
		r := &p.Rules[i]
		if f&r.must != r.must {
			continue
		}
		if r.res != 0 && (a.Resolution == ResolutionNone || r.res&(1<<a.Resolution) == 0) {
			continue
		}
		if r.kinds != 0 && r.kinds&(1<<a.Kind) == 0 {
			continue
		}
		if r.urg != 0 && r.urg&(1<<a.Urgency) == 0 {
			continue
		}
		j.rules |= 1 << i
	}
	return j, nil
}

func pick(b bool, yes, no uint32) uint32 {
	if b {
		return yes
	}
	return no
}
