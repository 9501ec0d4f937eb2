package api

import (
	"context"
	"net/http"

	"sanlv/scoring"
	"sanlv/store"
)

// policyRef names a stored policy version; empty is the active policy.
type policyRef struct{ Policy, Version string }

// cardParams select the scorecards of a period: a published edition, or live under a named policy.
type cardParams struct {
	Period  string `path:"period" validate:"required,period"`
	Edition *int   `query:"edition" validate:"omitempty,min=1,excluded_with=Policy"`
	Policy  string `query:"policy" validate:"required_with=Version,max=200"`
	Version string `query:"version" validate:"max=64"`
}

type unitCardParams struct {
	Period  string `path:"period" validate:"required,period"`
	Unit    string `path:"unit" validate:"required,max=64"`
	Edition *int   `query:"edition" validate:"omitempty,min=1,excluded_with=Policy"`
	Policy  string `query:"policy" validate:"required_with=Version,max=200"`
	Version string `query:"version" validate:"max=64"`
}

type groupParams struct {
	Period  string `path:"period" validate:"required,period"`
	Group   string `path:"group" validate:"required,max=64"`
	Edition *int   `query:"edition" validate:"omitempty,min=1,excluded_with=Policy"`
	Policy  string `query:"policy" validate:"required_with=Version,max=200"`
	Version string `query:"version" validate:"max=64"`
}

type explainParams struct {
	Period  string `path:"period" validate:"required,period"`
	Unit    string `path:"unit" validate:"required,max=64"`
	Policy  string `query:"policy" validate:"required_with=Version,max=200"`
	Version string `query:"version" validate:"max=64"`
}

type whatIfParams struct {
	Period   string `path:"period" validate:"required,period"`
	PolicyA  string `query:"policy_a" validate:"required_with=VersionA,max=200"`
	VersionA string `query:"version_a" validate:"max=64"`
	PolicyB  string `query:"policy_b" validate:"required,max=200"`
	VersionB string `query:"version_b" validate:"max=64"`
}

type annualParams struct {
	Year    string `path:"year" validate:"required,year"`
	Policy  string `query:"policy" validate:"required_with=Version,max=200"`
	Version string `query:"version" validate:"max=64"`
}

// deref is the value of an optional number, 0 when absent.
func deref(n *int) int {
	if n == nil {
		return 0
	}
	return *n
}

// policy returns the named stored version, the name's active version, or the active policy.
func (s *Server) policy(ctx context.Context, name, version string) (*scoring.Policy, error) {
	if name == "" {
		return s.activePolicy(ctx)
	}
	if version == "" {
		// The name's active version, else its newest.
		recs, err := s.db.Policies(ctx)
		if err != nil {
			return nil, err
		}
		newest := ""
		for _, r := range recs { // by name, then age
			if r.Name == name {
				newest = r.Version
				if r.Active {
					version = r.Version
				}
			}
		}
		if version == "" {
			version = newest
		}
		if version == "" {
			return nil, newError(scoring.NotFound, "policy "+name+" not found")
		}
	}
	p, _, err := s.db.Policy(ctx, name, version)
	if err != nil && scoring.ErrorCode(err) == scoring.NotFound {
		return nil, newError(scoring.NotFound, "policy "+name+" has no version "+version)
	}
	return p, err
}

// period parses a period id under the policy.
func period(p *scoring.Policy, id string) (scoring.Period, error) {
	per, err := scoring.ParsePeriod(id, p.StartDay, p.Loc)
	if err != nil {
		return per, invalidField("period", err.Error())
	}
	return per, nil
}

// liveCard scores a period under p from the stored assignments, with each unit's rank change against
// the previous period as it was circulated (cached per data version, see liveCache).
func (s *Server) liveCard(ctx context.Context, p *scoring.Policy, id string) (scoring.Card, error) {
	f, err := s.liveFrozen(ctx, "", p, id)
	if err != nil {
		return scoring.Card{}, err
	}
	return f.card, nil
}

// periodCard returns the frozen edition the request selects — ?edition=N, else the latest unless a policy
// is named — or nil and the card scored live.
func (s *Server) periodCard(ctx context.Context, id string, edition int, ref policyRef) (*frozen, *scoring.Card, error) {
	f, err := s.periodView(ctx, "", id, edition, ref)
	if err != nil {
		return nil, nil, err
	}
	if f.edition.Number == 0 {
		c := f.card
		return nil, &c, nil
	}
	return f, nil, nil
}

// periodView returns the answers of the frozen edition the request selects — ?edition=N, else the
// latest unless a policy is named — or of the card scored live (edition null), for caller who.
func (s *Server) periodView(ctx context.Context, who, id string, edition int, ref policyRef) (*frozen, error) {
	id = canonPeriod(id)
	if ref.Policy == "" {
		n := edition
		if n == 0 {
			var err error
			if n, err = s.frozen.latest(ctx, s.db, id); err != nil {
				return nil, err
			}
		}
		if n > 0 {
			return s.frozen.get(ctx, s.db, id, n)
		}
	}
	p, err := s.policy(ctx, ref.Policy, ref.Version)
	if err != nil {
		return nil, err
	}
	return s.liveFrozen(ctx, who, p, id)
}

func (s *Server) scorecards(w http.ResponseWriter, r *http.Request) error {
	var q cardParams
	if err := s.decodeParams(r, &q); err != nil {
		return err
	}
	f, err := s.periodView(r.Context(), callerKey(r), q.Period, deref(q.Edition), policyRef{q.Policy, q.Version})
	if err != nil {
		return err
	}
	writeFrozenJSON(w, r, f.scorecards, f.compressed(f.scorecards))
	return nil
}

func (s *Server) unitScorecard(w http.ResponseWriter, r *http.Request) error {
	var q unitCardParams
	if err := s.decodeParams(r, &q); err != nil {
		return err
	}
	if err := scopeUnit(caller(r), q.Unit); err != nil {
		return err
	}
	f, err := s.periodView(r.Context(), callerKey(r), q.Period, deref(q.Edition), policyRef{q.Policy, q.Version})
	if err != nil {
		return err
	}
	b, ok := f.units[q.Unit]
	if !ok {
		return unitNotFound(q.Unit)
	}
	writeRawJSON(w, http.StatusOK, b)
	return nil
}

func (s *Server) rankings(w http.ResponseWriter, r *http.Request) error {
	var q cardParams
	if err := s.decodeParams(r, &q); err != nil {
		return err
	}
	f, err := s.periodView(r.Context(), callerKey(r), q.Period, deref(q.Edition), policyRef{q.Policy, q.Version})
	if err != nil {
		return err
	}
	writeFrozenJSON(w, r, f.rankings, f.compressed(f.rankings))
	return nil
}

func (s *Server) groupRanking(w http.ResponseWriter, r *http.Request) error {
	var q groupParams
	if err := s.decodeParams(r, &q); err != nil {
		return err
	}
	f, err := s.periodView(r.Context(), callerKey(r), q.Period, deref(q.Edition), policyRef{q.Policy, q.Version})
	if err != nil {
		return err
	}
	b, ok := f.groups[q.Group]
	if !ok {
		return newError(scoring.NotFound, "group "+q.Group+" not found in period "+q.Period)
	}
	writeFrozenJSON(w, r, b, f.compressed(b))
	return nil
}

func (s *Server) explanation(w http.ResponseWriter, r *http.Request) error {
	var q explainParams
	if err := s.decodeParams(r, &q); err != nil {
		return err
	}
	if err := scopeUnit(caller(r), q.Unit); err != nil {
		return err
	}
	ctx := r.Context()
	p, err := s.policy(ctx, q.Policy, q.Version)
	if err != nil {
		return err
	}
	per, err := period(p, q.Period)
	if err != nil {
		return err
	}
	dir, err := s.directory(ctx)
	if err != nil {
		return err
	}
	if _, ok := lookupCode(dir, q.Unit); !ok {
		return unitNotFound(q.Unit)
	}
	v, err := s.live.getLight(ctx, callerKey(r), liveKey("explain", p, per.ID, q.Unit), func(ctx context.Context) (any, error) {
		// The unit's scorecard as the live card shows it now (perhaps a moment behind the rows).
		b, err := s.liveBook(ctx, p, per, false)
		if err != nil {
			return nil, err
		}
		u, ok := lookupCode(b.Directory(), q.Unit)
		if !ok {
			return nil, unitNotFound(q.Unit)
		}
		// Every row of the unit received before the period ends: rows of earlier periods count in
		// overdue-open, closure and repeats (SPEC §13.6, §13.7); later rows cannot.
		var rows []scoring.Assignment
		err = s.db.Stream(ctx, b.Directory(), store.Query{To: per.End, Basis: store.ByReceived, Unit: q.Unit},
			func(a *scoring.Assignment) error {
				rows = append(rows, *a)
				return nil
			})
		if err != nil {
			return nil, err
		}
		e, err := b.Explain(0, u, rows)
		if err != nil {
			return nil, err
		}
		return marshal(explanationOf(e, p))
	})
	if err != nil {
		return err
	}
	writeRawJSON(w, http.StatusOK, v.([]byte))
	return nil
}

func (s *Server) whatIf(w http.ResponseWriter, r *http.Request) error {
	var q whatIfParams
	if err := s.decodeParams(r, &q); err != nil {
		return err
	}
	ctx := r.Context()
	pa, err := s.policy(ctx, q.PolicyA, q.VersionA)
	if err != nil {
		return err
	}
	pb, err := s.policy(ctx, q.PolicyB, q.VersionB)
	if err != nil {
		return err
	}
	v, err := s.live.get(ctx, callerKey(r), liveKey("whatif", pa, pb.Name, pb.Version, canonPeriod(q.Period)), false, func(ctx context.Context) (any, error) {
		wi, err := s.compareUnder(ctx, pa, pb, q.Period)
		if err != nil {
			return nil, err
		}
		return marshal(wi)
	})
	if err != nil {
		return err
	}
	writeRawJSON(w, http.StatusOK, v.([]byte))
	return nil
}

// compare scores a period under two policies in one pass over the data.
func (s *Server) compare(ctx context.Context, q whatIfParams) (scoring.WhatIf, error) {
	pa, err := s.policy(ctx, q.PolicyA, q.VersionA)
	if err != nil {
		return scoring.WhatIf{}, err
	}
	pb, err := s.policy(ctx, q.PolicyB, q.VersionB)
	if err != nil {
		return scoring.WhatIf{}, err
	}
	return s.compareUnder(ctx, pa, pb, q.Period)
}

// compareUnder scores a period under pa and pb in one pass over the data.
func (s *Server) compareUnder(ctx context.Context, pa, pb *scoring.Policy, id string) (scoring.WhatIf, error) {
	var specs []store.BookSpec
	for _, p := range []*scoring.Policy{pa, pb} {
		per, err := period(p, id)
		if err != nil {
			return scoring.WhatIf{}, err
		}
		specs = append(specs, store.BookSpec{Policy: p, Periods: []scoring.Period{per}})
	}
	bs, err := s.db.Books(ctx, specs)
	if err != nil {
		return scoring.WhatIf{}, err
	}
	return scoring.Compare(bs[0].Card(0), bs[1].Card(0)), nil
}

func (s *Server) annual(w http.ResponseWriter, r *http.Request) error {
	var q annualParams
	if err := s.decodeParams(r, &q); err != nil {
		return err
	}
	ctx := r.Context()
	p, err := s.policy(ctx, q.Policy, q.Version)
	if err != nil {
		return err
	}
	if _, err := p.AnnualPeriods(q.Year); err != nil {
		return invalidField("year", err.Error())
	}
	v, err := s.live.get(ctx, callerKey(r), liveKey("annual", p, q.Year), false, func(ctx context.Context) (any, error) {
		a, _, err := s.yearEnd(ctx, annualParams{Year: q.Year, Policy: p.Name, Version: p.Version})
		if err != nil {
			return nil, err
		}
		return marshal(a)
	})
	if err != nil {
		return err
	}
	writeRawJSON(w, http.StatusOK, v.([]byte))
	return nil
}

// yearEnd computes the year-end appraisal under the named or active policy.
func (s *Server) yearEnd(ctx context.Context, q annualParams) (scoring.Annual, *scoring.Policy, error) {
	p, err := s.policy(ctx, q.Policy, q.Version)
	if err != nil {
		return scoring.Annual{}, nil, err
	}
	periods, err := p.AnnualPeriods(q.Year)
	if err != nil {
		return scoring.Annual{}, nil, invalidField("year", err.Error())
	}
	b, err := s.db.Book(ctx, p, periods)
	if err != nil {
		return scoring.Annual{}, nil, err
	}
	return b.Annual(q.Year), p, nil
}

// basisOf returns the store basis of the policy's period basis.
func basisOf(p *scoring.Policy) store.Basis {
	if p.BasisReceived {
		return store.ByReceived
	}
	return store.ByClosed
}

// lookupCode finds a unit by its code only (Directory.Lookup also accepts names).
func lookupCode(d *scoring.Directory, code string) (int32, bool) {
	i, ok := d.Lookup(code)
	if !ok || d.Unit(i).Code != code {
		return 0, false
	}
	return i, true
}
