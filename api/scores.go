package api

import (
	"context"
	"net/http"
	"sanlv/assess"
	"sanlv/exports"

	"sanlv/scoring"
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
	return assess.StoredPolicy(ctx, s.db, name, version)
}

// period parses a period id under the policy.
func period(p *scoring.Policy, id string) (scoring.Period, error) {
	per, err := scoring.ParsePeriod(id, p.StartDay, p.Loc)
	if err != nil {
		return per, invalidField("period", err.Error())
	}
	return per, nil
}

// periodView returns the answers of the frozen edition the request selects — ?edition=N, else the
// latest unless a policy is named — or of the card scored live (edition null), for caller who.
func (s *Server) periodView(ctx context.Context, who, id string, edition int, ref policyRef) (*frozen, error) {
	id = canonPeriod(id)
	n, err := assess.Pick(ctx, id, edition, ref.Policy != "", func(ctx context.Context, id string) (int, error) {
		return s.frozen.latest(ctx, s.db, id)
	})
	if err != nil {
		return nil, err
	}
	if n > 0 {
		return s.frozen.get(ctx, s.db, id, n)
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
		e, err := assess.Explain(ctx, assess.DB{DB: s.db}, b, q.Unit)
		if err != nil {
			return nil, err
		}
		return marshal(assess.ExplanationView(e, p))
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
		wi, _, err := assess.WhatIf(ctx, assess.DB{DB: s.db}, pa, pb, q.Period)
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
func (s *Server) compare(ctx context.Context, q whatIfParams) (scoring.WhatIf, exports.WhatIfSides, error) {
	pa, err := s.policy(ctx, q.PolicyA, q.VersionA)
	if err != nil {
		return scoring.WhatIf{}, exports.WhatIfSides{}, err
	}
	pb, err := s.policy(ctx, q.PolicyB, q.VersionB)
	if err != nil {
		return scoring.WhatIf{}, exports.WhatIfSides{}, err
	}
	return assess.WhatIf(ctx, assess.DB{DB: s.db}, pa, pb, q.Period)
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
		a, _, _, err := s.yearEnd(ctx, annualParams{Year: q.Year, Policy: p.Name, Version: p.Version})
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

// yearEnd computes the year-end appraisal under the named or active policy, from the months as
// they went out; editions[i] is the edition of month i (0: scored now).
func (s *Server) yearEnd(ctx context.Context, q annualParams) (scoring.Annual, []int, *scoring.Policy, error) {
	p, err := s.policy(ctx, q.Policy, q.Version)
	if err != nil {
		return scoring.Annual{}, nil, nil, err
	}
	if _, err := p.AnnualPeriods(q.Year); err != nil {
		return scoring.Annual{}, nil, nil, invalidField("year", err.Error())
	}
	a, eds, err := assess.Annual(ctx, assess.DB{DB: s.db}, p, q.Year)
	return a, eds, p, err
}

// lookupCode finds a unit by its code only (Directory.Lookup also accepts names).
func lookupCode(d *scoring.Directory, code string) (int32, bool) {
	i, ok := d.Lookup(code)
	if !ok || d.Unit(i).Code != code {
		return 0, false
	}
	return i, true
}
