package api

import (
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"

	"sanlv/scoring"
	"sanlv/store"
)

type policyIDParams struct {
	ID int64 `path:"id" validate:"required,min=1"`
}

type policiesView struct {
	Items []store.PolicyRecord `json:"items"`
}

// policyView is a stored policy version with its YAML.
type policyView struct {
	store.PolicyRecord
	Source string `json:"source"`
}

func (s *Server) listPolicies(w http.ResponseWriter, r *http.Request) error {
	if err := s.decodeParams(r, &struct{}{}); err != nil {
		return err
	}
	ps, err := s.db.Policies(r.Context())
	if err != nil {
		return err
	}
	if ps == nil {
		ps = []store.PolicyRecord{}
	}
	writeJSON(w, http.StatusOK, policiesView{Items: ps})
	return nil
}

// policyRecord finds a stored policy version by id.
func (s *Server) policyRecord(r *http.Request, id int64) (store.PolicyRecord, error) {
	ps, err := s.db.Policies(r.Context())
	if err != nil {
		return store.PolicyRecord{}, err
	}
	for _, p := range ps {
		if p.ID == id {
			return p, nil
		}
	}
	return store.PolicyRecord{}, newError(scoring.NotFound, "policy "+strconv.FormatInt(id, 10)+" not found")
}

func (s *Server) getPolicy(w http.ResponseWriter, r *http.Request) error {
	var q policyIDParams
	if err := s.decodeParams(r, &q); err != nil {
		return err
	}
	rec, err := s.policyRecord(r, q.ID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, policyView{PolicyRecord: rec, Source: rec.Source})
	return nil
}

// yamlTypes are the content types a policy upload may have.
var yamlTypes = map[string]bool{"application/yaml": true, "application/x-yaml": true, "text/yaml": true,
	"text/x-yaml": true, "text/plain": true}

// savePolicy stores a policy file sent as the request body; it is validated as `sanlv policy check`
// validates it, every problem named by its key. The same content again answers 200 with the stored version.
func (s *Server) savePolicy(w http.ResponseWriter, r *http.Request) error {
	if err := s.decodeParams(r, &struct{}{}); err != nil {
		return err
	}
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || !yamlTypes[mt] {
			return newError(scoring.Invalid, "content type "+strconv.Quote(ct)+": want application/yaml (the policy file as the body)",
				scoring.FieldError{Field: "Content-Type", Reason: "want application/yaml"})
		}
	}
	data, err := io.ReadAll(r.Body)
	if err != nil {
		var mb *http.MaxBytesError
		if errors.As(err, &mb) {
			return tooLarge(mb.Limit)
		}
		return invalidField("body", err.Error())
	}
	rec, err := s.db.SavePolicy(r.Context(), data, caller(r).actor)
	if err != nil {
		return err
	}
	status := http.StatusOK
	if rec.Created {
		status = http.StatusCreated
	}
	writeJSON(w, status, rec)
	return nil
}

func (s *Server) activatePolicy(w http.ResponseWriter, r *http.Request) error {
	var q policyIDParams
	if err := s.decodeParams(r, &q); err != nil {
		return err
	}
	rec, err := s.policyRecord(r, q.ID)
	if err != nil {
		return err
	}
	rec, err = s.db.ActivatePolicy(r.Context(), rec.Name, rec.Version, caller(r).actor)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, rec)
	return nil
}
