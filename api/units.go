package api

import (
	"net/http"

	"sanlv/scoring"
	"sanlv/store"
)

type unitParams struct {
	Unit string `path:"unit" validate:"required,max=64"`
}

// meView is the caller's token.
type meView struct {
	Name string `json:"name"`
	Role string `json:"role"`
	Unit string `json:"unit,omitempty"`
	// Actor is how the caller's writes are recorded.
	Actor string `json:"actor"`
}

func (s *Server) me(w http.ResponseWriter, r *http.Request) error {
	if err := s.decodeParams(r, &struct{}{}); err != nil {
		return err
	}
	p := caller(r)
	writeJSON(w, http.StatusOK, meView{Name: p.token.Name, Role: p.token.Role, Unit: p.token.Unit, Actor: p.actor})
	return nil
}

type unitsView struct {
	Items []scoring.Unit `json:"items"`
}

func (s *Server) listUnits(w http.ResponseWriter, r *http.Request) error {
	if err := s.decodeParams(r, &struct{}{}); err != nil {
		return err
	}
	us, err := s.db.Units(r.Context())
	if err != nil {
		return err
	}
	p := caller(r)
	out := []scoring.Unit{}
	for _, u := range us {
		if p.role != unit || u.Code == p.token.Unit {
			out = append(out, u)
		}
	}
	writeJSON(w, http.StatusOK, unitsView{Items: out})
	return nil
}

func (s *Server) getUnit(w http.ResponseWriter, r *http.Request) error {
	var q unitParams
	if err := s.decodeParams(r, &q); err != nil {
		return err
	}
	if err := scopeUnit(caller(r), q.Unit); err != nil {
		return err
	}
	u, err := s.unit(r, q.Unit)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, u)
	return nil
}

// unit returns the stored unit with the code, or NotFound.
func (s *Server) unit(r *http.Request, code string) (scoring.Unit, error) {
	dir, err := s.directory(r.Context())
	if err != nil {
		return scoring.Unit{}, err
	}
	i, ok := lookupCode(dir, code)
	if !ok {
		return scoring.Unit{}, unitNotFound(code)
	}
	return dir.Unit(i), nil
}

type auditParams struct {
	Entity string `query:"entity" validate:"omitempty,oneof=assignment unit appeal policy edition token batch"`
	Key    string `query:"key" validate:"max=200"`
	Actor  string `query:"actor" validate:"max=200"`
	Action string `query:"action" validate:"max=64"`
	Limit  int    `query:"limit" validate:"omitempty,min=1,max=1000"`
	// Before pages on: entries older than this id (the previous page's next).
	Before int64 `query:"before" validate:"omitempty,min=1"`
}

// auditView is one page of the audit log; next, when set, is the before= of the following page.
type auditView struct {
	Items []store.AuditEntry `json:"items"`
	Next  *int64             `json:"next"`
}

func (s *Server) audit(w http.ResponseWriter, r *http.Request) error {
	var q auditParams
	if err := s.decodeParams(r, &q); err != nil {
		return err
	}
	limit := q.Limit
	if limit == 0 {
		limit = 1000
	}
	es, err := s.db.Audit(r.Context(), store.AuditFilter{Entity: q.Entity, Key: q.Key, Actor: q.Actor, Action: q.Action,
		Before: q.Before, Limit: limit + 1})
	if err != nil {
		return err
	}
	v := auditView{Items: es}
	if len(es) > limit {
		v.Items = es[:limit]
		next := es[limit-1].ID
		v.Next = &next
	}
	if v.Items == nil {
		v.Items = []store.AuditEntry{}
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}
