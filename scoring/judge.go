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
	rules    uint32 // bit i set: rule i matched
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

// judge applies the policy to one assignment, filling j.
func (p *Policy) judge(a *Assignment, j *judgement) error {
	*j = judgement{}
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
		return nil
	}
	d, err := p.Deadline(a)
	if err != nil {
		return fmt.Errorf("ticket %s: deadline: %w", a.TicketID, err)
	}
	j.deadline, j.late = d, a.Closed > d
	if p.respByStamp && a.ContactAt != 0 {
		rd, err := p.addLimit(a.Dispatched, p.respLimit[a.Urgency])
		if err != nil {
			return fmt.Errorf("ticket %s: response limit: %w", a.TicketID, err)
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
	// Rules whose resolution, kind and urgency lists allow this assignment, less those whose
	// flag conditions fail; computed without branches, as rule outcomes are unpredictable.
	m := p.comboRules[comboIndex(a)]
	for i := range p.Rules {
		miss := f&p.Rules[i].must ^ p.Rules[i].must
		m &^= ((miss | -miss) >> 31) << i
	}
	j.rules = m
	return nil
}

func pick(b bool, yes, no uint32) uint32 {
	if b {
		return yes
	}
	return no
}

// comboIndex numbers an assignment's (resolution, kind, urgency) combination.
func comboIndex(a *Assignment) int {
	return (int(a.Resolution)*int(numKinds)+int(a.Kind))*int(numUrgencies) + int(a.Urgency)
}

const numCombos = int(numResolutions) * int(numKinds) * int(numUrgencies)

// allows reports whether the rule's resolution, kind and urgency lists admit the combination.
func (r *Rule) allows(res Resolution, k Kind, u Urgency) bool {
	if r.res != 0 && (res == ResolutionNone || r.res&(1<<res) == 0) {
		return false
	}
	if r.kinds != 0 && r.kinds&(1<<k) == 0 {
		return false
	}
	return r.urg == 0 || r.urg&(1<<u) != 0
}
