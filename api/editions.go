package api

import (
	"net/http"
	"strings"

	"sanlv/assess"
	"sanlv/store"
)

type periodParams struct {
	Period string `path:"period" validate:"required,period"`
}

type publishParams struct {
	Period  string `path:"period" validate:"required,period"`
	Policy  string `query:"policy" validate:"required_with=Version,max=200"`
	Version string `query:"version" validate:"max=64"`
}

type editionParams struct {
	Period string `path:"period" validate:"required,period"`
	Number int    `path:"number" validate:"required,min=1"`
}

type editionsView struct {
	Items []store.Edition `json:"items"`
}

// canonPeriod returns the canonical id of a valid period id (2025-q2 is 2025-Q2).
func canonPeriod(id string) string { return strings.ToUpper(id) }

func (s *Server) listAllEditions(w http.ResponseWriter, r *http.Request) error {
	if err := s.decodeParams(r, &struct{}{}); err != nil {
		return err
	}
	return s.writeEditions(w, r, "")
}

func (s *Server) listEditions(w http.ResponseWriter, r *http.Request) error {
	var q periodParams
	if err := s.decodeParams(r, &q); err != nil {
		return err
	}
	return s.writeEditions(w, r, canonPeriod(q.Period))
}

func (s *Server) writeEditions(w http.ResponseWriter, r *http.Request, period string) error {
	es, err := s.db.Editions(r.Context(), period)
	if err != nil {
		return err
	}
	if es == nil {
		es = []store.Edition{}
	}
	writeJSON(w, http.StatusOK, editionsView{Items: es})
	return nil
}

func (s *Server) getEdition(w http.ResponseWriter, r *http.Request) error {
	var q editionParams
	if err := s.decodeParams(r, &q); err != nil {
		return err
	}
	f, err := s.frozen.get(r.Context(), s.db, canonPeriod(q.Period), q.Number)
	if err != nil {
		return err
	}
	writeFrozenJSON(w, r, f.scorecards, f.compressed(f.scorecards))
	return nil
}

// publish scores the period under the named or active policy, with rank changes against the previous
// period, in the same read of the stored rows that digests them, and freezes the card as the period's
// next edition; writes running meanwhile do not make it fail. Publishing what the latest edition
// already holds is a conflict.
func (s *Server) publish(w http.ResponseWriter, r *http.Request) error {
	var q publishParams
	if err := s.decodeParams(r, &q); err != nil {
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
	e, err := s.db.PublishFrozen(ctx, per.ID, p, caller(r).actor, assess.Freeze(s.db))
	if err != nil {
		return err
	}
	s.frozen.published(e.Period, e.Number)
	e.Card = nil
	writeJSON(w, http.StatusCreated, e)
	return nil
}
