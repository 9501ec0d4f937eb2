package api

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// wrapped runs h behind the middlewares every route has, logging into buf.
func wrapped(buf *bytes.Buffer, timeout time.Duration, h http.HandlerFunc) (*Server, http.Handler) {
	s := New(Config{Logger: slog.New(slog.NewTextHandler(buf, nil))})
	return s, s.observe(s.limit(timeout, 16, h))
}

func decodeError(t *testing.T, rec *httptest.ResponseRecorder) errorDetail {
	t.Helper()
	var b errorBody
	if err := json.Unmarshal(rec.Body.Bytes(), &b); err != nil {
		t.Fatalf("not an error body: %v: %s", err, rec.Body)
	}
	return b.Error
}

func TestPanicsBecomeAJSON500AndALogLine(t *testing.T) {
	var logs bytes.Buffer
	_, h := wrapped(&logs, time.Second, func(w http.ResponseWriter, r *http.Request) { panic("boom") })
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/api/v1/x", nil))
	if rec.Code != 500 {
		t.Fatalf("status %d", rec.Code)
	}
	e := decodeError(t, rec)
	if e.Code != "internal" || e.Message != "internal error" || e.Request == "" {
		t.Errorf("error %+v", e)
	}
	if !strings.Contains(logs.String(), "boom") || !strings.Contains(logs.String(), "status=500") {
		t.Errorf("log: %s", logs.String())
	}
}

func TestRequestIDsAreEchoedOrMade(t *testing.T) {
	var logs bytes.Buffer
	_, h := wrapped(&logs, time.Second, func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(204) })
	for _, c := range []struct{ sent, want string }{
		{"abc-123", "abc-123"},
		{"bad id with spaces", ""},
		{"", ""},
		{"13812345678", ""}, // a phone is neither echoed nor logged
		{"caller-13812345678", ""},
		{"2025-10-03.1", "2025-10-03.1"},
	} {
		req := httptest.NewRequest("GET", "/", nil)
		if c.sent != "" {
			req.Header.Set("X-Request-Id", c.sent)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		got := rec.Header().Get("X-Request-Id")
		if c.want != "" && got != c.want || c.want == "" && (got == "" || got == c.sent) {
			t.Errorf("sent %q: got %q", c.sent, got)
		}
		if !strings.Contains(logs.String(), "request_id="+got) {
			t.Errorf("the access log does not name request %s", got)
		}
	}
}

func TestSlowRequestsTimeOutAsJSON(t *testing.T) {
	var logs bytes.Buffer
	_, h := wrapped(&logs, 20*time.Millisecond, func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() })
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
	if rec.Code != http.StatusServiceUnavailable || decodeError(t, rec).Code != CodeTimeout {
		t.Errorf("status %d: %s", rec.Code, rec.Body)
	}
}

func TestBodiesOverTheLimitAre413(t *testing.T) {
	var logs bytes.Buffer
	s, _ := wrapped(&logs, time.Second, nil)
	h := s.observe(s.limit(time.Second, 16, s.serve(func(w http.ResponseWriter, r *http.Request) error {
		var v struct {
			A string `json:"a"`
		}
		return s.decodeJSON(r, &v)
	})))
	for _, chunked := range []bool{false, true} {
		req := httptest.NewRequest("POST", "/", strings.NewReader(`{"a":"`+strings.Repeat("x", 100)+`"}`))
		if chunked {
			req.ContentLength = -1 // no length given: the limit applies while reading
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != 413 || decodeError(t, rec).Code != CodeTooLarge {
			t.Errorf("chunked %v: status %d: %s", chunked, rec.Code, rec.Body)
		}
	}
}

func TestEveryCodeHasAStatus(t *testing.T) {
	for _, code := range []string{"invalid", "unauthorized", "forbidden", "not_found", "conflict", "internal", CodeTooLarge, CodeMethod, CodeTimeout} {
		if statusOf[code] == 0 {
			t.Errorf("code %s has no status", code)
		}
	}
}
