package api_test

import (
	"sanlv/fixtures/fixturetest"

	"archive/zip"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"

	"sanlv/api"
	"sanlv/store"
)

// Paths of the shared fixtures beside the repository.
var (
	worked   = fixturetest.WorkedDir()
	policies = filepath.Join(worked, "..", "..", "policies")
)

// districtName is the name of the district policy (SPEC §10).
const districtName = "接诉即办月度考核(区级示例)"

func readFile(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// env is a running API over a database, with tokens for every role and a record of every response.
type env struct {
	t      testing.TB
	db     *store.DB
	srv    *httptest.Server
	api    *api.Server
	tokens map[string]string // admin, committee, S01, S02

	mu     sync.Mutex
	bodies [][]byte
}

// newEnv starts the API over db with an admin token; units and more tokens come with setup.
func newEnv(t testing.TB, db *store.DB) *env {
	t.Helper()
	logger := slog.New(slog.DiscardHandler)
	if os.Getenv("SANLV_TEST_LOG") != "" {
		logger = slog.New(slog.NewTextHandler(os.Stderr, nil))
	}
	// Reads wait for live results of the current data version, so that every read sees the writes before it.
	s := api.New(api.Config{DB: db, Logger: logger, MaxBody: 64 << 10, LiveWait: time.Minute, LiveRefresh: time.Nanosecond})
	e := &env{t: t, db: db, api: s, srv: httptest.NewServer(s.Handler()), tokens: map[string]string{}}
	t.Cleanup(e.srv.Close)
	e.token("admin", "admin", "", "考核办")
	return e
}

// token creates a token as `sanlv token create` does.
func (e *env) token(key, role, unit, name string) {
	e.t.Helper()
	plain, _, err := e.db.CreateToken(context.Background(), role, unit, name, "test")
	if err != nil {
		e.t.Fatal(err)
	}
	e.tokens[key] = plain
}

// response is an answer with its body kept.
type response struct {
	status int
	header http.Header
	body   []byte
}

// json decodes the body.
func (r *response) json(t testing.TB) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.body, &m); err != nil {
		t.Fatalf("body is not a JSON object: %v: %.300s", err, r.body)
	}
	return m
}

// do sends a request as the holder of token key ("" for none) and records the answer.
func (e *env) do(method, path, key string, body io.Reader, contentType string) *response {
	e.t.Helper()
	req, err := http.NewRequest(method, e.srv.URL+path, body)
	if err != nil {
		e.t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if key != "" {
		tok, ok := e.tokens[key]
		if !ok {
			tok = key // a literal token
		}
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	res, err := e.srv.Client().Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	e.mu.Lock()
	e.bodies = append(e.bodies, b)
	e.mu.Unlock()
	return &response{status: res.StatusCode, header: res.Header, body: b}
}

func (e *env) get(path, key string) *response { return e.do("GET", path, key, nil, "") }

func (e *env) postJSON(path, key string, v any) *response {
	b, err := json.Marshal(v)
	if err != nil {
		e.t.Fatal(err)
	}
	return e.do("POST", path, key, bytes.NewReader(b), "application/json")
}

// upload posts files as multipart fields, in order.
func (e *env) upload(path, key string, parts ...[3]string) *response {
	e.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for _, p := range parts { // field, file name, content
		w, err := mw.CreateFormFile(p[0], p[1])
		if err != nil {
			e.t.Fatal(err)
		}
		w.Write([]byte(p[2]))
	}
	mw.Close()
	return e.do("POST", path, key, &buf, mw.FormDataContentType())
}

// want fails unless the answer has the status.
func (r *response) want(t testing.TB, status int) *response {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d: %.500s", r.status, status, r.body)
	}
	return r
}

// setup imports the worked example, stores both policies (the district one active) and creates
// committee and unit tokens, all through the API where the API offers it.
func (e *env) setup() {
	t := e.t
	t.Helper()
	e.upload("/api/v1/imports/units", "admin", [3]string{"file", "units.csv", string(readFile(t, worked+"/units.csv"))}).want(t, 201)
	e.token("committee", "committee", "", "年终考核委员会")
	e.token("S01", "unit", "S01", "城关街道")
	e.token("S02", "unit", "S02", "东湖街道")
	rep := e.upload("/api/v1/imports/tickets", "admin", [3]string{"file", "tickets.csv", string(readFile(t, worked+"/tickets.csv"))}).want(t, 201).json(t)
	if rep["inserted"] != 133.0 || rep["invalid"] != 0.0 {
		t.Fatalf("tickets import: %v", rep)
	}
	for _, name := range []string{"county-threshold", "district-2025"} {
		rec := e.do("POST", "/api/v1/policies", "admin", bytes.NewReader(readFile(t, policies+"/"+name+".yaml")), "application/yaml").want(t, 201).json(t)
		if name == "district-2025" {
			e.do("POST", "/api/v1/policies/"+jsonNum(rec["id"])+"/activate", "admin", nil, "").want(t, 200)
		}
	}
}

func jsonNum(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// phones returns the caller phones of the worked example's tickets.
func phones(t testing.TB) []string {
	t.Helper()
	r := csv.NewReader(bytes.NewReader(readFile(t, worked+"/tickets.csv")))
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := -1
	for i, h := range rows[0] {
		if h == "caller_phone" {
			col = i
		}
	}
	var out []string
	for _, row := range rows[1:] {
		if p := strings.TrimSpace(row[col]); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// text returns a response body as searchable text: a workbook's XML parts, else the body itself.
func text(body []byte) string {
	zr, err := zip.NewReader(bytes.NewReader(body), int64(len(body)))
	if err != nil {
		return string(body)
	}
	var b strings.Builder
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			continue
		}
		io.Copy(&b, rc)
		rc.Close()
	}
	return b.String()
}

// checkNoPhones fails when any recorded response holds a caller phone unmasked.
func (e *env) checkNoPhones(t testing.TB) {
	t.Helper()
	ps := phones(t)
	if len(ps) < 100 {
		t.Fatalf("only %d phones in the fixture", len(ps))
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	for i, b := range e.bodies {
		s := text(b)
		for _, p := range ps {
			if strings.Contains(s, p) {
				t.Fatalf("response %d shows the phone %s unmasked: %.300s", i, p, s)
			}
		}
	}
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }

func bytesOf(b []byte) io.Reader { return bytes.NewReader(b) }

func urlEscape(s string) string { return url.QueryEscape(s) }
