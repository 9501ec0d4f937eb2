package api

import (
	"net/http"

	"sanlv/scoring"
	"sanlv/store"
)

type adjustmentListParams struct {
	Period string `query:"period" validate:"max=16"`
	Unit   string `query:"unit" validate:"max=64"`
}

type adjustmentIDParams struct {
	ID int64 `path:"id" validate:"required,min=1"`
}

// adjustmentRequest records a manual bonus or deduction (SPEC §13.10).
type adjustmentRequest struct {
	Unit   string   `json:"unit" validate:"required,max=64"`
	Period string   `json:"period" validate:"required,max=16"`
	Label  string   `json:"label" validate:"required,max=200"`
	Points *float64 `json:"points" validate:"required"`
	Reason string   `json:"reason" validate:"required,max=2000"`
}

// revokeRequest revokes an adjustment.
type revokeRequest struct {
	Reason string `json:"reason" validate:"required,max=2000"`
}

type adjustmentsView struct {
	Items []store.Adjustment `json:"items"`
}

// listAdjustments lists adjustments in the order they were recorded; a unit token sees its own only.
func (s *Server) listAdjustments(w http.ResponseWriter, r *http.Request) error {
	var q adjustmentListParams
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
	f := store.AdjustmentFilter{Unit: q.Unit}
	if q.Period != "" {
		f.Periods = []string{q.Period}
	}
	list, err := s.db.Adjustments(r.Context(), f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, adjustmentsView{Items: list})
	return nil
}

// addAdjustment records one adjustment.
func (s *Server) addAdjustment(w http.ResponseWriter, r *http.Request) error {
	if err := s.decodeParams(r, &struct{}{}); err != nil {
		return err
	}
	var req adjustmentRequest
	if err := s.decodeJSON(r, &req); err != nil {
		return err
	}
	a, err := s.db.AddAdjustment(r.Context(), scoring.Adjustment{Unit: req.Unit, Period: req.Period, Label: req.Label,
		Points: *req.Points, Reason: req.Reason}, caller(r).actor)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, a)
	return nil
}

// revokeAdjustment records the revocation of an adjustment; revoking it again answers 409.
func (s *Server) revokeAdjustment(w http.ResponseWriter, r *http.Request) error {
	var q adjustmentIDParams
	if err := s.decodeParams(r, &q); err != nil {
		return err
	}
	var req revokeRequest
	if err := s.decodeJSON(r, &req); err != nil {
		return err
	}
	a, err := s.db.RevokeAdjustment(r.Context(), q.ID, req.Reason, caller(r).actor)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, a)
	return nil
}
