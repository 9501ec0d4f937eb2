package api

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"os"
	"runtime/debug"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/go-chi/chi/v5"

	"sanlv/scoring"
)

type ctxKey int

const infoKey ctxKey = iota

// reqInfo is what the middlewares learn about a request, for the access log.
type reqInfo struct {
	id    string
	actor *principal
	rec   *recorder
}

func requestInfo(ctx context.Context) *reqInfo {
	i, _ := ctx.Value(infoKey).(*reqInfo)
	return i
}

// requestID returns the request's id, "" outside a request.
func requestID(ctx context.Context) string {
	if i := requestInfo(ctx); i != nil {
		return i.id
	}
	return ""
}

// recorder remembers the status and size of an answer.
type recorder struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (w *recorder) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *recorder) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += int64(n)
	return n, err
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *recorder) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// idSource makes request ids: a random prefix per process and a counter.
type idSource struct {
	prefix string
	n      atomic.Uint64
}

func newIDSource() *idSource {
	var b [4]byte
	rand.Read(b[:])
	return &idSource{prefix: hex.EncodeToString(b[:]) + "-"}
}

func (s *idSource) next() string { return s.prefix + strconv.FormatUint(s.n.Add(1), 10) }

// validRequestID accepts a client's X-Request-Id of up to 64 plain characters that do not read as a
// phone number (the id is echoed in every answer and logged).
func validRequestID(id string) bool {
	if id == "" || len(id) > 64 || scoring.MaskPhones(id) != id {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			return false
		}
	}
	return true
}

// observe gives every request an id (the client's X-Request-Id when sane), recovers panics as a JSON 500,
// and writes one access log line per request.
func (s *Server) observe(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		info := &reqInfo{id: r.Header.Get("X-Request-Id")}
		if !validRequestID(info.id) {
			info.id = s.ids.next()
		}
		w.Header()["X-Request-Id"] = []string{info.id}
		rec := &recorder{ResponseWriter: w}
		info.rec = rec
		r = r.WithContext(context.WithValue(r.Context(), infoKey, info))
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				s.log.LogAttrs(r.Context(), slog.LevelError, "panic", slog.String("request_id", info.id),
					slog.Any("panic", p), slog.String("stack", string(debug.Stack())))
				if rec.status == 0 {
					s.writeError(rec, r, newError(scoring.Internal, "internal error"))
				}
			}
			s.accessLog(r, rec, info, time.Since(start))
		}()
		next.ServeHTTP(rec, r)
	})
}

func (s *Server) accessLog(r *http.Request, rec *recorder, info *reqInfo, d time.Duration) {
	level := slog.LevelInfo
	if rec.status >= 500 {
		level = slog.LevelError
	}
	if !s.log.Enabled(r.Context(), level) {
		return
	}
	route := ""
	if rc := chi.RouteContext(r.Context()); rc != nil {
		route = rc.RoutePattern()
	}
	actor := ""
	if info.actor != nil {
		actor = info.actor.actor
	}
	s.log.LogAttrs(r.Context(), level, "request", slog.String("request_id", info.id), slog.String("method", r.Method),
		slog.String("path", scoring.MaskPhones(r.URL.Path)), slog.String("route", route), slog.Int("status", rec.status),
		slog.Int64("bytes", rec.bytes), slog.Duration("duration", d), slog.String("actor", actor),
		slog.String("remote", r.RemoteAddr))
}

// limit bounds a request's time and body size. A request that runs out of time gets a JSON 503
// when nothing was written yet; a body over the limit gets 413. The time limit covers reading the
// body too: a body that stalls ends at the deadline with a 503.
func (s *Server) limit(timeout time.Duration, maxBody int64, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > maxBody {
			s.writeError(w, r, tooLarge(maxBody))
			return
		}
		if r.Body != nil && r.Body != http.NoBody {
			// A writer that cannot set deadlines (a test recorder) leaves the body to the context.
			_ = http.NewResponseController(w).SetReadDeadline(time.Now().Add(timeout))
			r.Body = &deadlineBody{ReadCloser: http.MaxBytesReader(w, r.Body, maxBody), limit: timeout}
		}
		ctx, cancel := context.WithTimeout(r.Context(), timeout)
		defer cancel()
		next.ServeHTTP(w, r.WithContext(ctx))
		if ctx.Err() == context.DeadlineExceeded && !written(r) {
			s.writeError(w, r, newError(CodeTimeout, "the request took longer than "+timeout.String()))
		}
	})
}

// deadlineBody turns the connection's read deadline into the API's timeout error.
type deadlineBody struct {
	io.ReadCloser
	limit time.Duration
}

func (b *deadlineBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err != nil && errors.Is(err, os.ErrDeadlineExceeded) {
		err = newError(CodeTimeout, "the request body did not arrive within "+b.limit.String())
	}
	return n, err
}

// written reports whether the answer to r has started.
func written(r *http.Request) bool {
	i := requestInfo(r.Context())
	return i == nil || i.rec == nil || i.rec.status != 0
}

// humanBytes shows a byte count as 1 MiB, 64 KiB or 100 B.
func humanBytes(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return strconv.FormatInt(n>>20, 10) + " MiB"
	case n >= 1<<10 && n%(1<<10) == 0:
		return strconv.FormatInt(n>>10, 10) + " KiB"
	}
	return strconv.FormatInt(n, 10) + " bytes"
}
