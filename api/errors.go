package api

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"strings"

	"sanlv/scoring"
)

// Codes the API adds to scoring's for HTTP-only failures.
const (
	// CodeTooLarge is a request body over the size limit.
	CodeTooLarge = "too_large"
	// CodeMethod is a method the route does not allow.
	CodeMethod = "method_not_allowed"
	// CodeTimeout is a request that ran out of time.
	CodeTimeout = "timeout"
)

// statusOf maps every error code onto its HTTP status: the one place where codes become statuses.
var statusOf = map[string]int{
	scoring.Invalid:      http.StatusBadRequest,
	scoring.Unauthorized: http.StatusUnauthorized,
	scoring.Forbidden:    http.StatusForbidden,
	scoring.NotFound:     http.StatusNotFound,
	scoring.Conflict:     http.StatusConflict,
	CodeMethod:           http.StatusMethodNotAllowed,
	CodeTooLarge:         http.StatusRequestEntityTooLarge,
	CodeTimeout:          http.StatusServiceUnavailable,
	CodeBusy:             http.StatusTooManyRequests,
	scoring.Internal:     http.StatusInternalServerError,
}

// errorBody is the JSON shape of every error answer.
type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code    string               `json:"code"`
	Message string               `json:"message"`
	Fields  []scoring.FieldError `json:"fields,omitempty"`
	Request string               `json:"request_id,omitempty"`
}

// appError returns the *scoring.Error in err's chain, or an Internal one that hides err's text.
func appError(err error) *scoring.Error {
	var e *scoring.Error
	if errors.As(err, &e) {
		return e
	}
	var mb *http.MaxBytesError
	if errors.As(err, &mb) {
		return tooLarge(mb.Limit)
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return newError(CodeTimeout, "the request ran out of time")
	}
	return &scoring.Error{Code: scoring.Internal, Message: "internal error"}
}

// newError builds an application error with optional per-field reasons.
func newError(code, msg string, fields ...scoring.FieldError) *scoring.Error {
	return &scoring.Error{Code: code, Message: msg, Fields: fields}
}

// invalidField is a 400 naming one field.
func invalidField(field, reason string) *scoring.Error {
	return newError(scoring.Invalid, field+": "+reason, scoring.FieldError{Field: field, Reason: reason})
}

// premasked marks an error whose text was masked where it was made: an import's report, whose row
// reasons are masked cell by cell and whose row numbers and counts must not be read as phone numbers.
type premasked struct{ error }

func (p premasked) Unwrap() error { return p.error }

// maskError returns a copy of e with whatever reads as a phone number masked in its message, field
// names and reasons: an error may echo a path segment, a query parameter or a JSON field, and a
// caller's phone never leaves unmasked, not even in an error report (SPEC §12).
func maskError(e *scoring.Error) *scoring.Error {
	out := &scoring.Error{Code: e.Code, Message: scoring.MaskPhones(e.Message)}
	if len(e.Fields) > 0 {
		out.Fields = make([]scoring.FieldError, len(e.Fields))
		for i, f := range e.Fields {
			out.Fields[i] = scoring.FieldError{Field: scoring.MaskPhones(f.Field), Reason: scoring.MaskPhones(f.Reason)}
		}
	}
	return out
}

// writeError answers with the JSON error of err, phones masked, and logs internal errors with their cause.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	e := appError(err)
	if !errors.As(err, new(premasked)) {
		e = maskError(e)
	}
	if e.Code == scoring.Internal && r.Context().Err() != nil {
		// The request's time ran out (or its client left) and the database said so in its own words.
		e = newError(CodeTimeout, "the request ran out of time")
	}
	status, ok := statusOf[e.Code]
	if !ok {
		status = http.StatusInternalServerError
	}
	if status >= 500 {
		s.log.LogAttrs(r.Context(), slog.LevelError, "request failed", slog.String("request_id", requestID(r.Context())),
			slog.String("path", scoring.MaskPhones(r.URL.Path)), slog.String("error", scoring.MaskPhones(err.Error())))
	}
	body := errorBody{Error: errorDetail{Code: e.Code, Message: e.Message, Fields: e.Fields, Request: requestID(r.Context())}}
	if e.Code == scoring.Internal {
		body.Error.Message = "internal error"
		body.Error.Fields = nil
	}
	if e.Code == CodeBusy {
		w.Header().Set("Retry-After", strconv.Itoa(busyRetry))
	}
	if e.Code == scoring.Unauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="sanlv"`)
	}
	writeJSON(w, status, body)
}

// writeJSON answers with v as JSON.
func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := marshal(v)
	if err != nil {
		b = []byte(`{"error":{"code":"internal","message":"internal error"}}`)
		status = http.StatusInternalServerError
	}
	writeRawJSON(w, status, b)
}

// writeRawJSON answers with JSON already serialized.
func writeRawJSON(w http.ResponseWriter, status int, b []byte) {
	h := w.Header()
	h["Content-Type"] = jsonContentType
	h["Content-Length"] = []string{strconv.Itoa(len(b))}
	w.WriteHeader(status)
	w.Write(b)
}

var jsonContentType = []string{"application/json; charset=utf-8"}

// writeFrozenJSON writes a prepared answer, gzipped when the client accepts gzip and gz is set.
func writeFrozenJSON(w http.ResponseWriter, r *http.Request, raw, gz []byte) {
	h := w.Header()
	h["Vary"] = varyEncoding
	if gz == nil || !acceptsGzip(r.Header.Get("Accept-Encoding")) {
		writeRawJSON(w, http.StatusOK, raw)
		return
	}
	h["Content-Encoding"] = gzipEncoding
	writeRawJSON(w, http.StatusOK, gz)
}

var (
	varyEncoding = []string{"Accept-Encoding"}
	gzipEncoding = []string{"gzip"}
)

// acceptsGzip reports whether an Accept-Encoding header accepts gzip (not with q=0).
func acceptsGzip(accept string) bool {
	for part := range strings.SplitSeq(accept, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if !strings.EqualFold(strings.TrimSpace(name), "gzip") {
			continue
		}
		q := strings.ReplaceAll(params, " ", "")
		return q != "q=0" && q != "q=0.0" && q != "q=0.00" && q != "q=0.000"
	}
	return false
}

// gzipped compresses b.
func gzipped(b []byte) ([]byte, error) {
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.DefaultCompression)
	if err != nil {
		return nil, err
	}
	if _, err := zw.Write(b); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// marshal encodes v without escaping HTML characters, with a final newline.
func marshal(v any) ([]byte, error) {
	var buf jsonBuffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return buf, nil
}

type jsonBuffer []byte

func (b *jsonBuffer) Write(p []byte) (int, error) { *b = append(*b, p...); return len(p), nil }

func tooLarge(limit int64) *scoring.Error {
	return newError(CodeTooLarge, "request body is larger than the limit of "+humanBytes(limit))
}
