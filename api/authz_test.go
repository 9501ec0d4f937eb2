package api_test

import (
	"bytes"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"

	"sanlv/store"
	"sanlv/store/storetest"
)

// callers are the columns of the authorization matrix: no token, admin, committee, the unit whose data
// is asked for (S01), and another unit (S02).
var callers = []string{"", "admin", "committee", "S01", "S02"}

// walk lists the router's routes as "METHOD pattern".
func walk(t *testing.T, h http.Handler) []string {
	t.Helper()
	routes, ok := h.(chi.Routes)
	if !ok {
		t.Fatalf("handler %T is not a chi router", h)
	}
	var out []string
	err := chi.Walk(routes, func(method, route string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		out = append(out, method+" "+strings.TrimSuffix(route, "/"))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestAuthorizationMatrix calls every route of the router as every caller and checks the status. Writes
// carry ?matrix=1, an unknown parameter: a caller the route admits gets 400 (nothing is written), one it
// does not admit 403, no token 401. A unit asking for another unit's data gets 404, as for no such unit.
func TestAuthorizationMatrix(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		e.setup()
		e.do("POST", "/api/v1/periods/2025-10/editions", "admin", nil, "").want(t, 201)
		appeal := jsonNum(e.postJSON("/api/v1/appeals", "S01", map[string]any{"ticket_id": "T0100014", "reason": "复核"}).want(t, 201).json(t)["id"])
		policy := ""
		for _, p := range e.get("/api/v1/policies", "admin").want(t, 200).json(t)["items"].([]any) {
			if m := p.(map[string]any); m["active"] == true {
				policy = jsonNum(m["id"])
			}
		}
		county := "policy_b=" + url.QueryEscape("12345热线达标基数考核(县级示例)")

		type row struct {
			target string
			status [5]int // "", admin, committee, S01, S02
		}
		everyone := [5]int{401, 200, 200, 200, 200}
		own := [5]int{401, 200, 200, 200, 404}
		staffOnly := [5]int{401, 200, 200, 403, 403}
		adminWrite := [5]int{401, 400, 403, 403, 403}
		matrix := map[string]row{
			"GET /api/v1/openapi.json":                         {"/api/v1/openapi.json", [5]int{200, 200, 200, 200, 200}},
			"GET /api/v1/me":                                   {"/api/v1/me", everyone},
			"GET /api/v1/units":                                {"/api/v1/units", everyone},
			"GET /api/v1/units/{unit}":                         {"/api/v1/units/S01", own},
			"GET /api/v1/imports":                              {"/api/v1/imports", staffOnly},
			"POST /api/v1/imports/units":                       {"/api/v1/imports/units?matrix=1", adminWrite},
			"POST /api/v1/imports/tickets":                     {"/api/v1/imports/tickets?matrix=1", adminWrite},
			"GET /api/v1/assignments":                          {"/api/v1/assignments?unit=S01", own},
			"GET /api/v1/assignments/{ticket}/{unit}":          {"/api/v1/assignments/T0100014/S01", own},
			"GET /api/v1/policies":                             {"/api/v1/policies", everyone},
			"POST /api/v1/policies":                            {"/api/v1/policies?matrix=1", adminWrite},
			"GET /api/v1/policies/{id}":                        {"/api/v1/policies/" + policy, everyone},
			"POST /api/v1/policies/{id}/activate":              {"/api/v1/policies/" + policy + "/activate?matrix=1", adminWrite},
			"GET /api/v1/periods/{period}/scorecards":          {"/api/v1/periods/2025-10/scorecards", staffOnly},
			"GET /api/v1/periods/{period}/scorecards/{unit}":   {"/api/v1/periods/2025-10/scorecards/S01", own},
			"GET /api/v1/periods/{period}/rankings":            {"/api/v1/periods/2025-10/rankings", everyone},
			"GET /api/v1/periods/{period}/rankings/{group}":    {"/api/v1/periods/2025-10/rankings/street", everyone},
			"GET /api/v1/periods/{period}/explanations/{unit}": {"/api/v1/periods/2025-10/explanations/S01", own},
			"GET /api/v1/periods/{period}/whatif":              {"/api/v1/periods/2025-10/whatif?" + county, staffOnly},
			"GET /api/v1/years/{year}/annual":                  {"/api/v1/years/2025/annual", staffOnly},
			"GET /api/v1/appeals":                              {"/api/v1/appeals?unit=S01", own},
			"POST /api/v1/appeals":                             {"/api/v1/appeals?matrix=1", [5]int{401, 400, 403, 400, 400}},
			"GET /api/v1/appeals/{id}":                         {"/api/v1/appeals/" + appeal, own},
			"POST /api/v1/appeals/{id}/decision":               {"/api/v1/appeals/" + appeal + "/decision?matrix=1", [5]int{401, 400, 400, 403, 403}},
			"GET /api/v1/adjustments":                          {"/api/v1/adjustments?unit=S01", own},
			"POST /api/v1/adjustments":                         {"/api/v1/adjustments?matrix=1", adminWrite},
			"POST /api/v1/adjustments/{id}/revoke":             {"/api/v1/adjustments/1/revoke?matrix=1", adminWrite},
			"GET /api/v1/calendars":                            {"/api/v1/calendars", everyone},
			"POST /api/v1/calendars":                           {"/api/v1/calendars?matrix=1", adminWrite},
			"GET /api/v1/editions":                             {"/api/v1/editions", everyone},
			"GET /api/v1/periods/{period}/editions":            {"/api/v1/periods/2025-10/editions", everyone},
			"POST /api/v1/periods/{period}/editions":           {"/api/v1/periods/2025-10/editions?matrix=1", adminWrite},
			"GET /api/v1/periods/{period}/editions/{number}":   {"/api/v1/periods/2025-10/editions/1", staffOnly},
			"GET /api/v1/audit":                                {"/api/v1/audit", staffOnly},
			"GET /api/v1/periods/{period}/bulletin.xlsx":       {"/api/v1/periods/2025-10/bulletin.xlsx", staffOnly},
			"GET /api/v1/periods/{period}/bulletin.docx":       {"/api/v1/periods/2025-10/bulletin.docx", staffOnly},
			"GET /api/v1/periods/{period}/detail.xlsx":         {"/api/v1/periods/2025-10/detail.xlsx?unit=S01", own},
			"GET /api/v1/periods/{period}/whatif.xlsx":         {"/api/v1/periods/2025-10/whatif.xlsx?" + county, staffOnly},
			"GET /api/v1/years/{year}/annual.xlsx":             {"/api/v1/years/2025/annual.xlsx", staffOnly},
		}
		routes := walk(t, e.api.Handler())
		if len(routes) < 30 {
			t.Fatalf("only %d routes walked: %v", len(routes), routes)
		}
		seen := map[string]bool{}
		for _, rt := range routes {
			seen[rt] = true
			m, ok := matrix[rt]
			if !ok {
				t.Errorf("route %s has no row in the authorization matrix", rt)
				continue
			}
			method, _, _ := strings.Cut(rt, " ")
			for i, who := range callers {
				var body *bytes.Reader
				if method == "POST" {
					body = bytes.NewReader([]byte("{}"))
				} else {
					body = bytes.NewReader(nil)
				}
				res := e.do(method, m.target, who, body, "application/json")
				if res.status != m.status[i] {
					t.Errorf("%s as %q: status %d, want %d: %.200s", rt, who, res.status, m.status[i], res.body)
				}
			}
		}
		for rt := range matrix {
			if !seen[rt] {
				t.Errorf("matrix row %s names no route of the router", rt)
			}
		}
		e.checkNoPhones(t)
	})
}
