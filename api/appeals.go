package api

import (
	"net/http"
	"strconv"

	"sanlv/scoring"
	"sanlv/store"
)

type appealListParams struct {
	Status string `query:"status" validate:"omitempty,oneof=pending approved rejected"`
	Unit   string `query:"unit" validate:"max=64"`
}

type appealIDParams struct {
	ID int64 `path:"id" validate:"required,min=1"`
}

// appealRequest files an appeal; unit defaults to the caller's own.
type appealRequest struct {
	TicketID string `json:"ticket_id" validate:"required,max=128"`
	Unit     string `json:"unit" validate:"max=64"`
	Reason   string `json:"reason" validate:"required,max=2000"`
}

// decisionRequest approves or rejects a pending appeal. An approval takes exactly one action: exclude
// the assignment (with a reason) or correct its callback outcome.
type decisionRequest struct {
	Decision string             `json:"decision" validate:"required,oneof=approve reject"`
	Comment  string             `json:"comment" validate:"required,max=2000"`
	Exclude  *exclusionRequest  `json:"exclude"`
	Correct  *correctionRequest `json:"correct"`
}

type exclusionRequest struct {
	Reason string `json:"reason" validate:"required,max=500"`
}

// correctionRequest changes callback answers; absent fields stay. Resolution and satisfaction take the
// words of SPEC §3.2 in English or Chinese.
type correctionRequest struct {
	Contacted     *bool   `json:"contacted"`
	Resolution    *string `json:"resolution" validate:"omitempty,max=32"`
	Satisfaction  *string `json:"satisfaction" validate:"omitempty,max=32"`
	CallbackValid *bool   `json:"callback_valid"`
}

type appealsView struct {
	Items []store.Appeal `json:"items"`
}

func (s *Server) listAppeals(w http.ResponseWriter, r *http.Request) error {
	var q appealListParams
	if err := s.decodeParams(r, &q); err != nil {
		return err
	}
	p := caller(r)
	if p.role == unit && q.Unit == "" {
		q.Unit = p.token.Unit
	}
	if err := scopeUnit(p, q.Unit); err != nil {
		return err
	}
	if q.Unit != "" {
		if _, err := s.unit(r, q.Unit); err != nil {
			return err
		}
	}
	as, err := s.db.Appeals(r.Context(), store.AppealFilter{Unit: q.Unit, Status: q.Status})
	if err != nil {
		return err
	}
	if as == nil {
		as = []store.Appeal{}
	}
	writeJSON(w, http.StatusOK, appealsView{Items: as})
	return nil
}

// appealNotFound is the answer for a missing appeal and, to a unit token, for another unit's.
func appealNotFound(id int64) error {
	return newError(scoring.NotFound, "appeal "+strconv.FormatInt(id, 10)+" not found")
}

func (s *Server) getAppeal(w http.ResponseWriter, r *http.Request) error {
	var q appealIDParams
	if err := s.decodeParams(r, &q); err != nil {
		return err
	}
	a, err := s.db.Appeal(r.Context(), q.ID)
	if err != nil {
		return err
	}
	if scopeUnit(caller(r), a.Unit) != nil {
		return appealNotFound(q.ID)
	}
	writeJSON(w, http.StatusOK, a)
	return nil
}

func (s *Server) fileAppeal(w http.ResponseWriter, r *http.Request) error {
	if err := s.decodeParams(r, &struct{}{}); err != nil {
		return err
	}
	var req appealRequest
	if err := s.decodeJSON(r, &req); err != nil {
		return err
	}
	p := caller(r)
	if req.Unit == "" {
		req.Unit = p.token.Unit
	}
	if req.Unit == "" {
		return invalidField("unit", "required: the unit whose assignment this is")
	}
	if err := scopeUnit(p, req.Unit); err != nil {
		return err
	}
	ctx := r.Context()
	dir, err := s.directory(ctx)
	if err != nil {
		return err
	}
	if _, ok := lookupCode(dir, req.Unit); !ok {
		return unitNotFound(req.Unit)
	}
	if _, err := s.db.Assignment(ctx, dir, req.TicketID, req.Unit); err != nil {
		return err
	}
	// A reason may quote the caller: it is stored, shown and audited with the phone masked.
	a, err := s.db.FileAppeal(ctx, req.TicketID, req.Unit, scoring.MaskPhones(req.Reason), p.actor)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, a)
	return nil
}

func (s *Server) decideAppeal(w http.ResponseWriter, r *http.Request) error {
	var q appealIDParams
	if err := s.decodeParams(r, &q); err != nil {
		return err
	}
	var req decisionRequest
	if err := s.decodeJSON(r, &req); err != nil {
		return err
	}
	approve := req.Decision == "approve"
	action, err := req.action(approve)
	if err != nil {
		return err
	}
	// The comment and an exclusion's reason are stored, shown and audited with any phone masked.
	action.Reason = scoring.MaskPhones(action.Reason)
	a, err := s.db.DecideAppeal(r.Context(), q.ID, approve, scoring.MaskPhones(req.Comment), action, caller(r).actor)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, a)
	return nil
}

// action checks that an approval takes exactly one action and a rejection none, and converts it.
func (req *decisionRequest) action(approve bool) (store.AppealAction, error) {
	var act store.AppealAction
	switch {
	case !approve && (req.Exclude != nil || req.Correct != nil):
		return act, invalidField("decision", "a rejection takes no exclude or correct")
	case approve && req.Exclude != nil && req.Correct != nil:
		return act, invalidField("decision", "an approval either excludes or corrects, not both")
	case approve && req.Exclude == nil && req.Correct == nil:
		return act, invalidField("decision", "an approval needs exclude {reason} or correct {contacted, resolution, satisfaction, callback_valid}")
	case req.Exclude != nil:
		return store.AppealAction{Exclude: true, Reason: req.Exclude.Reason}, nil
	case req.Correct == nil:
		return act, nil
	}
	c := req.Correct
	var corr store.Correction
	var bad []scoring.FieldError
	if c.Contacted != nil {
		t := scoring.No
		if *c.Contacted {
			t = scoring.Yes
		}
		corr.Contacted = &t
	}
	if c.Resolution != nil {
		v, err := scoring.ParseResolution(*c.Resolution)
		if err != nil {
			bad = append(bad, scoring.FieldError{Field: "correct.resolution", Reason: err.Error()})
		}
		corr.Resolution = &v
	}
	if c.Satisfaction != nil {
		v, err := scoring.ParseSatisfaction(*c.Satisfaction)
		if err != nil {
			bad = append(bad, scoring.FieldError{Field: "correct.satisfaction", Reason: err.Error()})
		}
		corr.Satisfaction = &v
	}
	corr.CallbackValid = c.CallbackValid
	if len(bad) > 0 {
		return act, newError(scoring.Invalid, "invalid correction: "+bad[0].Field+": "+bad[0].Reason, bad...)
	}
	if corr.Contacted == nil && corr.Resolution == nil && corr.Satisfaction == nil && corr.CallbackValid == nil {
		return act, invalidField("correct", "nothing to correct: give contacted, resolution, satisfaction or callback_valid")
	}
	return store.AppealAction{Correct: &corr}, nil
}
