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

type calendarImportParams struct {
	// Replace replaces a stored calendar, or overrides a shipped one, of the same name.
	Replace bool `query:"replace"`
}

type calendarsView struct {
	Items []store.CalendarInfo `json:"items"`
}

func (s *Server) listCalendars(w http.ResponseWriter, r *http.Request) error {
	if err := s.decodeParams(r, &struct{}{}); err != nil {
		return err
	}
	list, err := s.db.Calendars(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, calendarsView{Items: list})
	return nil
}

// importCalendar stores a calendar YAML sent as the body: 201 when stored, 200 when the same content
// was already stored, 409 for a name already taken (shipped or stored) without ?replace=true.
func (s *Server) importCalendar(w http.ResponseWriter, r *http.Request) error {
	var q calendarImportParams
	if err := s.decodeParams(r, &q); err != nil {
		return err
	}
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || !yamlTypes[mt] {
			return newError(scoring.Invalid, "content type "+strconv.Quote(ct)+": want application/yaml (the calendar file as the body)",
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
	rec, changed, err := s.db.ImportCalendar(r.Context(), "body", data, q.Replace, caller(r).actor)
	if err != nil {
		return err
	}
	status := http.StatusOK
	if changed {
		status = http.StatusCreated
	}
	writeJSON(w, status, rec)
	return nil
}
