package api

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"sanlv/assess"
	"strings"
	"time"

	"sanlv/scoring"
	"sanlv/store"
)

type assignmentListParams struct {
	// Period keeps the rows that belong to the period by the policy's basis (closed_at by default).
	Period string `query:"period" validate:"omitempty,period"`
	Unit   string `query:"unit" validate:"max=64"`
	Kind   string `query:"kind" validate:"max=32"`
	// Late keeps eligible rows closed after (true) or by (false) their deadline.
	Late *bool `query:"late"`
	// Rule keeps rows a ticket-point rule with this label gave points to.
	Rule    string `query:"rule" validate:"max=64"`
	Policy  string `query:"policy" validate:"required_with=Version,max=200"`
	Version string `query:"version" validate:"max=64"`
	Cursor  string `query:"cursor" validate:"max=1024"`
	Limit   int    `query:"limit" validate:"omitempty,min=1,max=1000"`
}

type assignmentParams struct {
	Ticket  string `path:"ticket" validate:"required,max=128"`
	Unit    string `path:"unit" validate:"required,max=64"`
	Policy  string `query:"policy" validate:"required_with=Version,max=200"`
	Version string `query:"version" validate:"max=64"`
}

// assignmentView is an assignment as the API shows it: English keys, times in RFC 3339 in the policy's
// zone (null when empty), the caller's phone masked (and any phone quoted in the exclusion's reason), and
// what the policy made of it.
type assignmentView struct {
	TicketID            string         `json:"ticket_id"`
	Unit                string         `json:"unit"`
	UnitName            string         `json:"unit_name"`
	Role                string         `json:"role"`
	Kind                string         `json:"kind"`
	Urgency             string         `json:"urgency"`
	Category            string         `json:"category"`
	ReceivedAt          *string        `json:"received_at"`
	DispatchedAt        *string        `json:"dispatched_at"`
	ContactedAt         *string        `json:"contacted_at"`
	ClosedAt            *string        `json:"closed_at"`
	DueAt               *string        `json:"due_at"`
	Redispatches        int32          `json:"redispatches"`
	CallbackValid       bool           `json:"callback_valid"`
	Contacted           *bool          `json:"contacted"`
	Resolved            *string        `json:"resolved"`
	Satisfaction        *string        `json:"satisfaction"`
	Supervised          bool           `json:"supervised"`
	IncompleteMaterials bool           `json:"incomplete_materials"`
	OpinionIncident     bool           `json:"opinion_incident"`
	Excluded            bool           `json:"excluded"`
	ExcludeReason       string         `json:"exclude_reason"`
	CallerPhone         string         `json:"caller_phone"`
	AcceptedAt          *string        `json:"accepted_at"`
	ExtendedDueAt       *string        `json:"extended_due_at"`
	ReturnStatus        string         `json:"return_status"`
	ReturnedAt          *string        `json:"returned_at"`
	DuplicateOf         string         `json:"duplicate_of"`
	Channel             string         `json:"channel"`
	Hotline             string         `json:"hotline"`
	Judgement           *judgementView `json:"judgement,omitempty"`
}

// judgementView is what a policy makes of one assignment (SPEC §11.2).
type judgementView struct {
	Policy   scoring.PolicyInfo `json:"policy"`
	Eligible bool               `json:"eligible"`
	// Why says why an assignment is not eligible: open, excluded, kind_not_scored, role_not_weighted.
	Why         string                 `json:"why,omitempty"`
	Callback    bool                   `json:"callback"`
	Deadline    *string                `json:"deadline"`
	Late        *bool                  `json:"late"`
	Counts      []scoring.Contribution `json:"counts"`
	Points      []scoring.RulePoints   `json:"points"`
	PointsTotal float64                `json:"points_total"`
}

type assignmentsView struct {
	Items []assignmentView `json:"items"`
	// Next is the cursor of the next page, "" on the last page.
	Next string `json:"next"`
}

// everything is a period covering every instant an assignment can have.
var everything = scoring.Period{ID: "all", Start: 1, End: time.Date(2200, 1, 1, 0, 0, 0, 0, time.UTC).Unix()}

// judge explains single assignments under a policy, in one period: with the period's live book,
// which knows every row (repeats, windows), or, with no period, with a book of the row alone.
type judge struct {
	p *scoring.Policy
	b *scoring.Book
	// live marks the period's live book: rows are explained in it as they are.
	live bool
}

// periodJudge explains the rows of period per with the period's live book (cached per data version).
func (s *Server) periodJudge(ctx context.Context, p *scoring.Policy, per scoring.Period) (*judge, error) {
	b, err := s.liveBook(ctx, p, per, false)
	if err != nil {
		return nil, err
	}
	return &judge{p: p, b: b, live: true}, nil
}

func newJudge(p *scoring.Policy, per scoring.Period) (*judge, error) {
	dir, err := scoring.NewDirectory([]scoring.Unit{{Code: "_"}})
	if err != nil {
		return nil, err
	}
	b, err := scoring.NewBook(p, dir, []scoring.Period{per})
	if err != nil {
		return nil, err
	}
	if err := b.Finish(); err != nil {
		return nil, err
	}
	return &judge{p: p, b: b}, nil
}

// line explains one assignment; nil when it is outside the judge's period (an open one, by closed_at).
func (j *judge) line(a *scoring.Assignment) (*scoring.Line, error) {
	if j.live {
		if j.b.WindowOf(a) != 0 {
			return nil, nil
		}
		l, err := j.b.Line(a)
		return &l, err
	}
	one := []scoring.Assignment{*a}
	one[0].Unit = 0
	e, err := j.b.Explain(0, 0, one)
	if err != nil {
		return nil, err
	}
	if len(e.Lines) == 0 {
		return nil, nil
	}
	return &e.Lines[0], nil
}

// view shows an assignment and, when the judge is set, its judgement.
func (j *judge) view(a *scoring.Assignment, dir *scoring.Directory, loc *time.Location) (assignmentView, *scoring.Line, error) {
	v := viewAssignment(a, dir, loc)
	if j == nil {
		return v, nil, nil
	}
	l, err := j.line(a)
	if err != nil {
		return v, nil, err
	}
	jv := &judgementView{Policy: j.p.Info(), Counts: []scoring.Contribution{}, Points: []scoring.RulePoints{}}
	if l == nil {
		jv.Why = scoring.WhyOpen
	} else {
		jv.Eligible, jv.Why, jv.Callback, jv.Late, jv.PointsTotal = l.Eligible, l.Why, l.Callback, l.Late, l.PointsTotal
		jv.Counts, jv.Points = l.Counts, l.Points
		if d := assess.RFC3339(l.Deadline, loc); d != "" {
			jv.Deadline = &d
		}
	}
	v.Judgement = jv
	return v, l, nil
}

func stamp(t int64, loc *time.Location) *string {
	if t == 0 {
		return nil
	}
	s := time.Unix(t, 0).In(loc).Format(time.RFC3339)
	return &s
}

func viewAssignment(a *scoring.Assignment, dir *scoring.Directory, loc *time.Location) assignmentView {
	u := dir.Unit(a.Unit)
	v := assignmentView{TicketID: a.TicketID, Unit: u.Code, UnitName: u.Name, Role: a.Role.String(), Kind: a.Kind.String(),
		Urgency: a.Urgency.String(), Category: a.Category, ReceivedAt: stamp(a.Received, loc),
		DispatchedAt: stamp(a.Dispatched, loc), ContactedAt: stamp(a.ContactAt, loc), ClosedAt: stamp(a.Closed, loc),
		DueAt: stamp(a.Due, loc), Redispatches: a.Redispatches, CallbackValid: a.CallbackValid,
		Supervised: a.Supervised, IncompleteMaterials: a.IncompleteMaterials, OpinionIncident: a.OpinionIncident,
		Excluded: a.Excluded, ExcludeReason: scoring.MaskPhones(a.ExcludeReason), CallerPhone: scoring.MaskPhone(a.CallerPhone),
		AcceptedAt: stamp(a.Accepted, loc), ExtendedDueAt: stamp(a.ExtendedDue, loc), ReturnStatus: a.Return.String(),
		ReturnedAt: stamp(a.Returned, loc), DuplicateOf: a.DuplicateOf, Channel: a.Channel, Hotline: a.Hotline}
	switch a.Contacted {
	case scoring.Yes:
		v.Contacted = ptrTo(true)
	case scoring.No:
		v.Contacted = ptrTo(false)
	}
	if a.Resolution != scoring.ResolutionNone {
		v.Resolved = ptrTo(a.Resolution.String())
	}
	if a.Satisfaction != scoring.Unrated {
		v.Satisfaction = ptrTo(a.Satisfaction.String())
	}
	return v
}

func ptrTo[T any](v T) *T { return &v }

// cursor is the key of the last assignment of a page.
type cursor struct {
	Ticket string `json:"t"`
	Unit   string `json:"u"`
}

func (c cursor) encode() string {
	b, _ := json.Marshal(c)
	return base64.RawURLEncoding.EncodeToString(b)
}

func decodeCursor(s string) (cursor, error) {
	var c cursor
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err == nil {
		err = json.Unmarshal(b, &c)
	}
	if err != nil || c.Ticket == "" {
		return c, invalidField("cursor", "not a cursor of this API (pass the \"next\" of the previous page)")
	}
	return c, nil
}

// defaultLoc is the zone of times shown when no policy is known.
var defaultLoc = mustLoc("Asia/Shanghai")

func mustLoc(name string) *time.Location {
	l, err := time.LoadLocation(name)
	if err != nil {
		return time.FixedZone("CST", 8*3600)
	}
	return l
}

// listPolicy returns the policy an assignment listing judges by: the named one, else the active one;
// with no active policy and no filter that needs one, nil.
func (s *Server) listPolicy(ctx context.Context, q *assignmentListParams) (*scoring.Policy, error) {
	p, err := s.policy(ctx, q.Policy, q.Version)
	if err != nil && q.Policy == "" && q.Period == "" && q.Late == nil && q.Rule == "" && scoring.ErrorCode(err) == scoring.NotFound {
		return nil, nil
	}
	return p, err
}

func (s *Server) listAssignments(w http.ResponseWriter, r *http.Request) error {
	var q assignmentListParams
	if err := s.decodeParams(r, &q); err != nil {
		return err
	}
	ctx := r.Context()
	pr := caller(r)
	if pr.role == unit && q.Unit == "" {
		q.Unit = pr.token.Unit
	}
	if err := scopeUnit(pr, q.Unit); err != nil {
		return err
	}
	if q.Limit == 0 {
		q.Limit = 100
	}
	dir, err := s.directory(ctx)
	if err != nil {
		return err
	}
	if _, ok := lookupCode(dir, q.Unit); q.Unit != "" && !ok {
		return unitNotFound(q.Unit)
	}
	pq := store.PageQuery{Unit: q.Unit}
	if q.Kind != "" {
		k, err := scoring.ParseKind(q.Kind)
		if err != nil {
			return invalidField("kind", err.Error())
		}
		pq.Kind = &k
	}
	if q.Cursor != "" {
		c, err := decodeCursor(q.Cursor)
		if err != nil {
			return err
		}
		pq.After, pq.AfterTicket, pq.AfterUnit = true, c.Ticket, c.Unit
	}
	p, err := s.listPolicy(ctx, &q)
	if err != nil {
		return err
	}
	loc := defaultLoc
	var j *judge
	if p != nil {
		loc = p.Loc
		per := everything
		if q.Period != "" {
			if per, err = period(p, q.Period); err != nil {
				return err
			}
			pq.From, pq.To, pq.Basis = per.Start, per.End, store.BasisOf(p)
		}
		if q.Rule != "" && !hasRule(p, q.Rule) {
			return invalidField("rule", "policy "+p.Name+" "+p.Version+" has no rule "+q.Rule+" (rules: "+strings.Join(ruleLabels(p), ", ")+")")
		}
		if q.Period != "" {
			if j, err = s.periodJudge(ctx, p, per); err != nil {
				return err
			}
			dir = j.b.Directory() // the rows' unit indexes must be the book's
		} else if j, err = newJudge(p, per); err != nil {
			return err
		}
	}
	filtered := q.Late != nil || q.Rule != ""
	if !filtered {
		pq.Limit = q.Limit + 1
	}
	out := assignmentsView{Items: []assignmentView{}}
	err = s.db.Page(ctx, dir, pq, func(a *scoring.Assignment) error {
		v, l, err := j.view(a, dir, loc)
		if err != nil {
			return err
		}
		if filtered && !keep(l, q.Late, q.Rule) {
			return nil
		}
		if len(out.Items) == q.Limit {
			last := out.Items[len(out.Items)-1]
			out.Next = cursor{Ticket: last.TicketID, Unit: last.Unit}.encode()
			return store.ErrStop
		}
		out.Items = append(out.Items, v)
		return nil
	})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// keep applies the late and rule filters to an assignment's explanation line.
func keep(l *scoring.Line, late *bool, rule string) bool {
	if l == nil {
		return false
	}
	if late != nil && (!l.Eligible || l.Late == nil || *l.Late != *late) {
		return false
	}
	if rule != "" {
		for _, rp := range l.Points {
			if rp.Label == rule {
				return true
			}
		}
		return false
	}
	return true
}

func hasRule(p *scoring.Policy, label string) bool {
	for _, r := range p.Rules {
		if r.Label == label {
			return true
		}
	}
	return false
}

func ruleLabels(p *scoring.Policy) []string {
	var out []string
	seen := map[string]bool{}
	for _, r := range p.Rules {
		if !seen[r.Label] {
			seen[r.Label] = true
			out = append(out, r.Label)
		}
	}
	return out
}

func (s *Server) getAssignment(w http.ResponseWriter, r *http.Request) error {
	var q assignmentParams
	if err := s.decodeParams(r, &q); err != nil {
		return err
	}
	if err := scopeUnit(caller(r), q.Unit); err != nil {
		return err
	}
	ctx := r.Context()
	dir, err := s.directory(ctx)
	if err != nil {
		return err
	}
	if _, ok := lookupCode(dir, q.Unit); !ok {
		return unitNotFound(q.Unit)
	}
	a, err := s.db.Assignment(ctx, dir, q.Ticket, q.Unit)
	if err != nil {
		return err
	}
	p, err := s.policy(ctx, q.Policy, q.Version)
	if err != nil && (q.Policy != "" || scoring.ErrorCode(err) != scoring.NotFound) {
		return err
	}
	loc := defaultLoc
	var j *judge
	if p != nil {
		loc = p.Loc
		if per, ok := monthOf(p, &a); ok { // judged in its period's book, which knows the other rows
			if j, err = s.periodJudge(ctx, p, per); err != nil {
				return err
			}
			dir = j.b.Directory() // the row's unit index must be the book's
			if a, err = s.db.Assignment(ctx, dir, q.Ticket, q.Unit); err != nil {
				return err
			}
		} else if j, err = newJudge(p, everything); err != nil {
			return err
		}
	}
	v, _, err := j.view(&a, dir, loc)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

// monthOf returns the month period of p that holds a's basis instant (received_at, returned_at of an
// approved return, or closed_at); false for an open row or a policy of other periods.
func monthOf(p *scoring.Policy, a *scoring.Assignment) (scoring.Period, bool) {
	t := a.Closed
	switch {
	case p.BasisReceived:
		t = a.Received
	case a.Return == scoring.ReturnApproved:
		t = a.Returned
	}
	if t == 0 {
		return scoring.Period{}, false
	}
	m := time.Unix(t, 0).In(p.Loc)
	first := time.Date(m.Year(), m.Month(), 1, 0, 0, 0, 0, p.Loc)
	for _, d := range []int{0, 1, -1} {
		per, err := scoring.ParsePeriod(first.AddDate(0, d, 0).Format("2006-01"), p.StartDay, p.Loc)
		if err == nil && per.Contains(t) {
			return per, true
		}
	}
	return scoring.Period{}, false
}
