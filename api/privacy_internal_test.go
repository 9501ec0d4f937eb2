package api

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"sanlv/scoring"
)

// TestErrorAnswersMaskPhonesButNotAnImportReportsRowNumbers answers errors as writeError does and
// checks the body and the log: an echoed phone is masked wherever it sits, an import report (masked
// cell by cell where it was made) keeps its row numbers and counts, and an internal error's cause is
// logged masked and never answered.
func TestErrorAnswersMaskPhonesButNotAnImportReportsRowNumbers(t *testing.T) {
	report := &scoring.Error{Code: scoring.Invalid, Message: "big.csv: 1 of 12000000 rows invalid: big.csv:1048577: due_at: not a date",
		Fields: []scoring.FieldError{{Field: "big.csv:1048577:due_at", Reason: "not a date"}}}
	for _, c := range []struct {
		name   string
		path   string
		err    error
		status int
		want   []string // in the body
		absent []string // from the body and the log
	}{
		{"a phone in the message is masked", "/x", newError(scoring.NotFound, `unit "13812345678" not found`), 404,
			[]string{`unit \"138****5678\" not found`}, []string{"13812345678"}},
		{"a phone as a field name and in a reason is masked", "/x",
			newError(scoring.Invalid, "invalid", scoring.FieldError{Field: "13812345678", Reason: `"010-65123456" is not a period`}), 400,
			[]string{`"field":"138****5678"`, `010****3456`}, []string{"13812345678", "65123456"}},
		{"a wrapped application error is masked too", "/x", fmt.Errorf("lookup: %w", newError(scoring.NotFound, "appeal 13812345678 not found")), 404,
			[]string{"appeal 138****5678 not found"}, []string{"13812345678"}},
		{"an import report keeps its row numbers and counts", "/x", premasked{fmt.Errorf("import: %w", report)}, 400,
			[]string{"1 of 12000000 rows invalid", "big.csv:1048577:due_at"}, nil},
		{"an internal error is logged masked and answered as internal", "/api/v1/units/13812345678",
			errors.New("driver: value 13987654321 too long"), 500, []string{`"message":"internal error"`},
			[]string{"13812345678", "13987654321", "driver"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			var logs bytes.Buffer
			s, _ := wrapped(&logs, time.Second, nil)
			h := s.observe(s.limit(time.Second, 16, s.serve(func(w http.ResponseWriter, r *http.Request) error { return c.err })))
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest("GET", c.path, nil))
			body := rec.Body.String()
			if rec.Code != c.status {
				t.Errorf("status %d, want %d: %s", rec.Code, c.status, body)
			}
			for _, w := range c.want {
				if !strings.Contains(body, w) {
					t.Errorf("body lacks %s: %s", w, body)
				}
			}
			for _, a := range c.absent {
				if strings.Contains(body, a) {
					t.Errorf("body shows %s: %s", a, body)
				}
				if a != "driver" && strings.Contains(logs.String(), a) {
					t.Errorf("log shows %s: %s", a, logs.String())
				}
			}
			if c.status == 500 && !strings.Contains(logs.String(), "driver: value 139****4321 too long") {
				t.Errorf("the log does not keep the masked cause: %s", logs.String())
			}
		})
	}
}
