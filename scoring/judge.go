package scoring

import (
	"errors"
	"fmt"
	"math/bits"
)

// Ineligibility reasons, as codes.
const (
	WhyOpen         = "open"
	WhyExcluded     = "excluded"
	WhyKindUnscored = "kind_not_scored"
	WhyRoleUnscored = "role_not_weighted"
	// WhyReturned is an approved return (退单通过): the unit was not responsible (SPEC §13.3).
	WhyReturned = "returned"
	// WhyMerged is a repeat request merged into an earlier one (并单, SPEC §13.7).
	WhyMerged = "merged_repeat"
)

// Deadline sources, as the explanation names them (SPEC §13.12).
const (
	DeadlineComputed = "computed"
	DeadlineGiven    = "given"
	DeadlineExtended = "extended"
	DeadlineNone     = "none"
)

// Flags of a judged row.
const (
	rPass      = 1 << iota // in a scored kind, a weighted role, not excluded (scope is checked before)
	rKindRole              // in a scored kind and a weighted role
	rExcluded              // excluded
	rApproved              // an approved return
	rClosed                // closed_at is set
	rCallback              // valid callback
	rContacted             // the callback says contacted
	rRespOK                // contacted within the response limit (timestamp mode)
	rLate                  // closed after its deadline
	rRedisp                // redispatched
	rAccOK                 // accepted within the acceptance limit
	rRejected              // its return was rejected
	rDupOf                 // duplicate_of names a ticket
	rOpenAtDue             // not closed before the end of its deadline's period
)

// row is what a policy makes of one assignment: small and comparable, so that rows waiting for
// their repeat status share one copy per distinct value.
type row struct {
	pi, ri, di  int16 // basis, received and deadline period indices; -1 for none
	role        Role
	res         Resolution
	sat         Satisfaction
	flags       uint16
	rules       uint32 // rules matched as a row that is not a repeat
	rulesRepeat uint32 // rules matched as a repeat
	// corrected marks a row whose callback answers an approved appeal corrected; flags0, res0 and
	// sat0 are then what the answers as imported give, which raw rates count (SPEC §13.8).
	corrected bool
	res0      Resolution
	sat0      Satisfaction
	flags0    uint16
}

// imported returns the row as its imported answers make it: itself when no appeal corrected them.
func (r *row) imported() *row {
	if !r.corrected {
		return r
	}
	c := *r
	c.flags, c.res, c.sat = r.flags0, r.res0, r.sat0
	return &c
}

func (r *row) has(f uint16) bool { return r.flags&f != 0 }

// eligible reports whether the row is in E when it is not a merged repeat.
func (r *row) eligible() bool { return r.flags&(rPass|rClosed|rApproved) == rPass|rClosed && r.pi >= 0 }

// judgement is a row with what an explanation needs besides.
type judgement struct {
	row
	deadline int64
	source   string
}

// whyNot says why an assignment is not eligible, before repeats are considered; "" when it may be.
func (p *Policy) whyNot(a *Assignment) string {
	switch {
	case a.Return == ReturnApproved:
		return WhyReturned
	case a.Closed == 0:
		return WhyOpen
	case a.Excluded:
		return WhyExcluded
	case !p.scored[a.Kind]:
		return WhyKindUnscored
	case p.roleWeight[a.Role] <= 0:
		return WhyRoleUnscored
	}
	return ""
}

// Deadline returns the on-time deadline of an assignment (SPEC §4, §13.4); 0 when it has none.
func (p *Policy) Deadline(a *Assignment) (int64, error) {
	d, _, err := p.deadline(a)
	return d, err
}

// deadline returns the row's deadline and where it comes from.
func (p *Policy) deadline(a *Assignment) (int64, string, error) {
	switch {
	case p.HonorExtensions && a.ExtendedDue != 0:
		return a.ExtendedDue, DeadlineExtended, nil
	case p.useGivenDue && a.Due != 0:
		return a.Due, DeadlineGiven, nil
	case p.useGivenDue && p.NoDueMeansNone:
		return 0, DeadlineNone, nil
	}
	d, err := p.addLimit(a.Dispatched, p.dueLimit[a.Urgency])
	return d, DeadlineComputed, err
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

// inScope reports whether a row is in the policy's hotlines and channels (SPEC §13.2).
func (p *Policy) inScope(a *Assignment) bool {
	if p.Hotlines != nil {
		h := a.Hotline
		if h == "" {
			h = "12345"
		}
		if !contains(p.Hotlines, h) {
			return false
		}
	}
	return p.Channels == nil || (a.Channel != "" && contains(p.Channels, a.Channel))
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// judge judges a row; a row whose callback answers an approved appeal corrected is judged as well
// with its answers as imported, for the raw rates (SPEC §13.8).
func (b *Book) judge(a *Assignment, j *judgement) error {
	if err := b.judgeRow(a, j); err != nil || !a.Imported.Set {
		return err
	}
	c := *a
	im := a.Imported
	c.CallbackValid, c.Contacted, c.Resolution, c.Satisfaction, c.Imported = im.CallbackValid, im.Contacted, im.Resolution, im.Satisfaction, Answers{}
	var j0 judgement
	if err := b.judgeRow(&c, &j0); err != nil {
		return err
	}
	if j0.flags != j.flags || j0.res != j.res || j0.sat != j.sat {
		j.corrected, j.flags0, j.res0, j.sat0 = true, j0.flags, j0.res, j0.sat
	}
	return nil
}

// judgeRow applies the policy to one in-scope assignment, filling j; periods are looked up in the book.
func (b *Book) judgeRow(a *Assignment, j *judgement) error {
	p := b.p
	*j = judgement{}
	r := &j.row
	r.role, r.res, r.sat = a.Role, a.Resolution, a.Satisfaction
	// Flags are set without branches: row outcomes are unpredictable.
	kindRole := p.kindRole[a.Kind&7][a.Role&1]
	approved := a.Return == ReturnApproved
	f := bit(kindRole, rKindRole) | bit(kindRole && !a.Excluded, rPass) | bit(a.Excluded, rExcluded) |
		bit(approved, rApproved) | bit(a.Return == ReturnRejected, rRejected) | bit(a.Closed != 0, rClosed) |
		bit(a.CallbackValid, rCallback) | bit(a.Contacted == Yes, rContacted) | bit(a.Redispatches > 0, rRedisp) |
		bit(a.DuplicateOf != "", rDupOf)
	switch {
	case p.BasisReceived:
		r.pi = int16(b.find(a.Received))
	case approved:
		r.pi = int16(b.find(a.Returned))
	default:
		r.pi = int16(b.find(a.Closed))
	}
	r.ri = b.findNear(a.Received, r.pi)
	r.di = -1
	if !kindRole || approved {
		r.flags = f
		return nil
	}
	// Rows of E and raw rows need a deadline; for O and D a row whose deadline cannot be computed is left out.
	judged := a.Closed != 0 && r.pi >= 0
	forOD := f&rPass != 0 || p.CountOpenOverdue
	if judged || forOD {
		d, src, err := p.deadline(a)
		switch {
		case err != nil && judged:
			return b.ticketError(a, "deadline", err)
		case err == nil:
			j.deadline, j.source = d, src
			if src != DeadlineNone {
				r.di = b.findNear(d, r.pi)
				if a.Closed > d {
					f |= rLate
				}
				if r.di >= 0 && (a.Closed == 0 || a.Closed >= b.periods[r.di].End) {
					f |= rOpenAtDue
				}
			}
		}
	}
	if !judged {
		r.flags = f
		return nil
	}
	if p.respByStamp && a.ContactAt != 0 {
		rd, err := p.addLimit(a.Dispatched, p.respLimit[a.Urgency])
		if err != nil {
			return b.ticketError(a, "response limit", err)
		}
		if a.ContactAt <= rd {
			f |= rRespOK
		}
	}
	if p.HasAcceptance && a.Accepted != 0 {
		ad, err := p.addLimit(a.Dispatched, p.accLimit[a.Urgency])
		if err != nil {
			return b.ticketError(a, "acceptance limit", err)
		}
		if a.Accepted <= ad {
			f |= rAccOK
		}
	}
	r.flags = f
	if f&rPass == 0 {
		return nil
	}
	ft := pick(a.CallbackValid, fCallbackValid, fCallbackInvalid) |
		pick(f&rLate != 0, fOverdue, fNotOverdue) |
		pick(a.Supervised, fSupervised, fNotSupervised) |
		pick(a.IncompleteMaterials, fIncomplete, fNotIncomplete) |
		pick(a.OpinionIncident, fOpinion, fNotOpinion) |
		pick(a.Redispatches > 0, fRedispatched, fNotRedispatched) |
		pick(f&rAccOK == 0, fAcceptedLate, fAcceptedOnTime)
	switch a.Contacted {
	case Yes:
		ft |= fContacted
	case No:
		ft |= fNotContacted
	}
	if a.Satisfaction != Unrated {
		ft |= pick(p.satisfied[a.Satisfaction], fSatisfied, fUnsatisfied)
	}
	r.rules = p.matchRules(a, ft|fNotRepeat)
	r.rulesRepeat = r.rules
	if p.usesRepeat {
		r.rulesRepeat = p.matchRules(a, ft|fRepeat)
	}
	return nil
}

// matchRules returns the rules whose conditions hold for the features f; computed without branches,
// as rule outcomes are unpredictable.
func (p *Policy) matchRules(a *Assignment, f uint32) uint32 {
	m := p.comboRules[comboIndex(a)]
	for mm := m; mm != 0; mm &= mm - 1 {
		i := bits.TrailingZeros32(mm)
		must := p.musts[i&(MaxRules-1)]
		miss := f&must ^ must
		m &^= ((miss | -miss) >> 31) << uint(i)
	}
	return m
}

func pick(b bool, yes, no uint32) uint32 {
	if b {
		return yes
	}
	return no
}

// comboIndex numbers an assignment's (resolution, kind, urgency, return) combination.
func comboIndex(a *Assignment) int {
	return ((int(a.Resolution)*int(numKinds)+int(a.Kind))*int(numUrgencies)+int(a.Urgency))*int(numReturnStatuses) + int(a.Return)
}

const numCombos = int(numResolutions) * int(numKinds) * int(numUrgencies) * int(numReturnStatuses)

// allows reports whether the rule's resolution, kind, urgency and return lists admit the combination.
func (r *Rule) allows(res Resolution, k Kind, u Urgency, rs ReturnStatus) bool {
	if r.res != 0 && (res == ResolutionNone || r.res&(1<<res) == 0) {
		return false
	}
	if r.kinds != 0 && r.kinds&(1<<k) == 0 {
		return false
	}
	if r.ret != 0 && r.ret&(1<<rs) == 0 {
		return false
	}
	return r.urg == 0 || r.urg&(1<<u) != 0
}

// bit returns v when b holds, else 0.
func bit(b bool, v uint16) uint16 {
	var x uint16
	if b {
		x = 1
	}
	return x * v
}

// ticketError names the ticket (and its unit) whose limit could not be computed; an *Error keeps
// its code, so that the API answers it as the same kind of problem with the ticket in its message.
func (b *Book) ticketError(a *Assignment, what string, err error) error {
	who := a.TicketID
	if a.Unit >= 0 && int(a.Unit) < b.dir.Len() {
		who += " (" + b.dir.Unit(a.Unit).Code + ")"
	}
	var e *Error
	if errors.As(err, &e) {
		return &Error{Code: e.Code, Message: fmt.Sprintf("ticket %s: %s: %s", who, what, e.Message), Fields: e.Fields}
	}
	return fmt.Errorf("ticket %s: %s: %w", who, what, err)
}
