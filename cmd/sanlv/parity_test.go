package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"sanlv/api"
	"sanlv/fixtures/fixturetest"
	"sanlv/store/storetest"
)

// parityCase is a worked example loaded into a database through the command line, with the two
// policies a what-if compares (a is stored and activated, b only stored).
type parityCase struct {
	name, dir, period, year string
	// adjustments is the adjustments CSV recorded with `sanlv adjust import` ("" for none).
	adjustments string
	// policyA and policyB are the policy files, as the command line names them.
	policyA, policyB string
}

// parityCases are the first edition's worked example under the two shipped policies and the second
// edition's under its own two, with its adjustments.
func parityCases(t *testing.T) []parityCase {
	worked := fixturetest.Need(t)
	v2 := fixturetest.NeedV2(t)
	shipped, err := filepath.Abs("../../fixtures/policies")
	if err != nil {
		t.Fatal(err)
	}
	return []parityCase{
		{name: "first edition", dir: worked, period: "2025-10", year: "2025",
			policyA: filepath.Join(shipped, "district-2025.yaml"), policyB: filepath.Join(shipped, "county-threshold.yaml")},
		{name: "second edition", dir: v2, period: "2025-10", year: "2025", adjustments: filepath.Join(v2, "adjustments.csv"),
			policyA: filepath.Join(v2, "policy-a.yaml"), policyB: filepath.Join(v2, "policy-b.yaml")},
	}
}

// parityOp is one operation run both ways: the command line's arguments (without --db, --format and -o)
// and the API's path (without the prefix).
type parityOp struct {
	name string
	cli  []string
	path string
	// kind is how the results compare: "json" (the command's stdout with --format json), "xlsx" or
	// "docx" (the file the command writes with -o).
	kind string
	// bulletin marks the bulletin command, whose -o is a prefix for PREFIX.xlsx and PREFIX.docx.
	bulletin bool
}

// TestCommandLineAndAPIGiveTheSameResults loads each worked example into one database through the
// command line, then runs every operation through the command line and through the API over that
// database — on a draft, on the published edition 1, and on edition 1 once the data changed after it —
// and compares the results: JSON byte for byte after re-encoding, workbooks cell by cell, the 通报
// paragraph by paragraph.
func TestCommandLineAndAPIGiveTheSameResults(t *testing.T) {
	for _, c := range parityCases(t) {
		t.Run(c.name, func(t *testing.T) {
			storetest.EachDatabase(t, func(t *testing.T, dsn string) {
				token, ids := loadParityCase(t, c, dsn)
				for _, phase := range parityPhases(c, dsn) {
					for _, step := range phase.steps {
						if out, stderr, err := run(t, step...); err != nil {
							t.Fatalf("%v: %v\n%s%s", step, err, out, stderr)
						}
					}
					// A new server per phase: nothing it caches predates the phase's data.
					h := parityServer(t, dsn)
					for _, op := range parityOps(t, c, ids) {
						t.Run(op.name+" of "+phase.label+" are the same", func(t *testing.T) {
							cli := runParityCLI(t, op, dsn)
							got := getParityAPI(t, h, token, op.path)
							dumpParity(t, op, cli, got)
							switch op.kind {
							case "json":
								sameJSON(t, cli, got)
							case "xlsx":
								sameWorkbook(t, cli, got)
							case "docx":
								sameDocument(t, cli, got)
							}
						})
					}
				}
			})
		})
	}
}

// parityPhase is a state of the database the operations run on, reached by running steps on the command line.
type parityPhase struct {
	label string
	steps [][]string
}

// parityPhases are a draft (nothing published), the published edition 1, and edition 1 after an
// adjustment recorded later, when the live scores no longer match the edition.
func parityPhases(c parityCase, dsn string) []parityPhase {
	return []parityPhase{
		{label: "a draft"},
		{label: "edition 1", steps: [][]string{{"publish", "--period", c.period, "--db", dsn}}},
		{label: "edition 1 after a later adjustment", steps: [][]string{{"adjust", "add", "--unit", "S03", "--period", c.period,
			"--label", "质量抽检", "--points", "-3", "--reason", "发布后复核", "--db", dsn}}},
	}
}

// parityOps lists every operation of a case: scorecards, one explanation per unit, the year-end
// appraisal, the what-if, and the workbooks and 通报; ids are the stored policies A and B.
func parityOps(t *testing.T, c parityCase, ids [2]policyName) []parityOp {
	p, y := c.period, c.year
	whatIf := "policy_a=" + url.QueryEscape(ids[0].Name) + "&version_a=" + url.QueryEscape(ids[0].Version) +
		"&policy_b=" + url.QueryEscape(ids[1].Name) + "&version_b=" + url.QueryEscape(ids[1].Version)
	ops := []parityOp{
		{name: "scorecards", cli: []string{"score", "--period", p}, path: "/periods/" + p + "/scorecards", kind: "json"},
	}
	for _, u := range unitCodes(t, filepath.Join(c.dir, "units.csv")) {
		ops = append(ops, parityOp{name: "explanations of " + u, cli: []string{"explain", "--period", p, "--unit", u},
			path: "/periods/" + p + "/explanations/" + u, kind: "json"})
	}
	return append(ops,
		parityOp{name: "annual results", cli: []string{"annual", "--year", y}, path: "/years/" + y + "/annual", kind: "json"},
		parityOp{name: "what-if results", cli: []string{"whatif", "--period", p, "--policy", c.policyA, "--against", c.policyB},
			path: "/periods/" + p + "/whatif?" + whatIf, kind: "json"},
		parityOp{name: "bulletin workbooks", cli: []string{"bulletin", "--period", p}, path: "/periods/" + p + "/bulletin.xlsx", kind: "xlsx", bulletin: true},
		parityOp{name: "通报 documents", cli: []string{"bulletin", "--period", p}, path: "/periods/" + p + "/bulletin.docx", kind: "docx", bulletin: true},
		parityOp{name: "detail exports", cli: []string{"export", "--period", p}, path: "/periods/" + p + "/detail.xlsx", kind: "xlsx"},
		parityOp{name: "what-if workbooks", cli: []string{"whatif", "--period", p, "--policy", c.policyA, "--against", c.policyB},
			path: "/periods/" + p + "/whatif.xlsx?" + whatIf, kind: "xlsx"},
		parityOp{name: "annual workbooks", cli: []string{"annual", "--year", y}, path: "/years/" + y + "/annual.xlsx", kind: "xlsx"},
	)
}

// policyName is a stored policy version as the API answers it.
type policyName struct {
	ID      json.Number `json:"id"`
	Name    string      `json:"name"`
	Version string      `json:"version"`
}

// loadParityCase imports the case's units and tickets (and adjustments) through the command line,
// creates an admin token, and stores both policies through the API, activating A; it returns the
// token and the stored policies A and B.
func loadParityCase(t *testing.T, c parityCase, dsn string) (string, [2]policyName) {
	t.Helper()
	steps := [][]string{
		{"import", "units", filepath.Join(c.dir, "units.csv"), "--db", dsn},
		{"import", "tickets", filepath.Join(c.dir, "tickets.csv"), "--db", dsn},
	}
	if c.adjustments != "" {
		steps = append(steps, []string{"adjust", "import", c.adjustments, "--db", dsn})
	}
	for _, step := range steps {
		if out, stderr, err := run(t, step...); err != nil {
			t.Fatalf("%v: %v\n%s%s", step, err, out, stderr)
		}
	}
	out, stderr, err := run(t, "token", "create", "--role", "admin", "--name", "对照测试", "--db", dsn)
	if err != nil {
		t.Fatalf("token create: %v\n%s", err, stderr)
	}
	token := strings.TrimSpace(out)
	h := parityServer(t, dsn)
	var ids [2]policyName
	for _, i := range []int{1, 0} { // B first, so that A is the newest and the active policy
		path := []string{c.policyA, c.policyB}[i]
		src, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		res := callParityAPI(t, h, token, "POST", "/policies", "application/yaml", src)
		if res.Code != http.StatusCreated {
			t.Fatalf("store %s: %d %s", path, res.Code, res.Body)
		}
		if err := json.Unmarshal(res.Body.Bytes(), &ids[i]); err != nil {
			t.Fatalf("store %s: %v: %s", path, err, res.Body)
		}
	}
	if res := callParityAPI(t, h, token, "POST", "/policies/"+ids[0].ID.String()+"/activate", "", nil); res.Code != http.StatusOK {
		t.Fatalf("activate %s: %d %s", c.policyA, res.Code, res.Body)
	}
	return token, ids
}

// parityServer is the API over the database at dsn, reading live results of the current data version
// and the newest edition, with nothing cached across the data the command line writes.
func parityServer(t *testing.T, dsn string) http.Handler {
	t.Helper()
	db := storetest.Open(t, dsn)
	return api.New(api.Config{DB: db, Logger: slog.New(slog.DiscardHandler), LiveWait: time.Minute, LiveRefresh: time.Nanosecond,
		EditionTTL: time.Nanosecond, VersionTTL: time.Nanosecond, TokenTTL: time.Nanosecond}).Handler()
}

// callParityAPI sends one request to the API as the holder of token.
func callParityAPI(t *testing.T, h http.Handler, token, method, path, contentType string, body []byte) *httptest.ResponseRecorder {
	t.Helper()
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req := httptest.NewRequestWithContext(context.Background(), method, api.Prefix+path, rd)
	req.Header.Set("Authorization", "Bearer "+token)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	res := httptest.NewRecorder()
	h.ServeHTTP(res, req)
	return res
}

// getParityAPI reads one answer of the API, failing the test unless it is 200.
func getParityAPI(t *testing.T, h http.Handler, token, path string) []byte {
	t.Helper()
	res := callParityAPI(t, h, token, "GET", path, "", nil)
	if res.Code != http.StatusOK {
		t.Fatalf("GET %s: %d %.500s", path, res.Code, res.Body)
	}
	return res.Body.Bytes()
}

// runParityCLI runs an operation on the command line over dsn and returns its JSON or the file it wrote.
func runParityCLI(t *testing.T, op parityOp, dsn string) []byte {
	t.Helper()
	args := append(append([]string{}, op.cli...), "--db", dsn)
	file := ""
	switch {
	case op.kind == "json":
		args = append(args, "--format", "json")
	case op.bulletin:
		prefix := filepath.Join(t.TempDir(), "bulletin")
		args, file = append(args, "-o", prefix), prefix+"."+op.kind
	default:
		file = filepath.Join(t.TempDir(), "out."+op.kind)
		args = append(args, "-o", file)
	}
	out, stderr, err := run(t, args...)
	if err != nil {
		t.Fatalf("sanlv %s: %v\n%s", strings.Join(args, " "), err, stderr)
	}
	if file == "" {
		return []byte(out)
	}
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("sanlv %s wrote no %s: %v", strings.Join(args, " "), file, err)
	}
	return data
}

// unitCodes reads the unit codes of a units CSV, in file order.
func unitCodes(t *testing.T, path string) []string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	var codes []string
	for _, r := range rows[1:] {
		codes = append(codes, r[0])
	}
	return codes
}

// dumpParity writes both results of an operation under $SANLV_PARITY_DUMP, when set, named by the
// subtest (…/NAME.cli.json and …/NAME.api.json), for a look at what differs.
func dumpParity(t *testing.T, op parityOp, cli, got []byte) {
	t.Helper()
	dir := os.Getenv("SANLV_PARITY_DUMP")
	if dir == "" {
		return
	}
	base := filepath.Join(dir, filepath.FromSlash(t.Name()))
	if err := os.MkdirAll(filepath.Dir(base), 0o755); err != nil {
		t.Fatal(err)
	}
	for side, data := range map[string][]byte{"cli": cli, "api": got} {
		if err := os.WriteFile(base+"."+side+"."+op.kind, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
