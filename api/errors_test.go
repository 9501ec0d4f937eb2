package api_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"sanlv/store"
	"sanlv/store/storetest"
)

// TestBadRequestsGetAClear4xx sends malformed and wrong requests and checks each gets its status, its
// code and, where one field is at fault, that field — in the one error shape, never a 500.
func TestBadRequestsGetAClear4xx(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		e.setup()
		appeal := jsonNum(e.postJSON("/api/v1/appeals", "S01", map[string]any{"ticket_id": "T0100014", "reason": "复核"}).want(t, 201).json(t)["id"])
		big := `{"ticket_id":"T0100014","reason":"` + strings.Repeat("长", 40000) + `"}`
		badPolicy := "name: x\nversion: \"1\"\nweights: {response: 0.5, resolution: 0.4}\ncolour: red\n"
		badTickets := "ticket_id,unit,received_at,dispatched_at,closed_at,kind\n" +
			"X1,S01,2025-10-01 10:00,2025-10-01 11:00,2025-10-01 09:00,complaint\n" +
			"X2,S99,2025-10-01 10:00,2025-10-01 11:00,2025-10-02 09:00,complaint\n"
		for _, c := range []struct {
			name, method, path, who, ctype, body string
			status                               int
			code, field                          string
		}{
			{"malformed JSON", "POST", "/api/v1/appeals", "S01", "application/json", `{"ticket_id":`, 400, "invalid", ""},
			{"not JSON at all", "POST", "/api/v1/appeals", "S01", "application/json", `ticket=1`, 400, "invalid", ""},
			{"wrong type", "POST", "/api/v1/appeals", "S01", "application/json", `{"ticket_id":12,"reason":"x"}`, 400, "invalid", "ticket_id"},
			{"unknown field", "POST", "/api/v1/appeals", "S01", "application/json", `{"ticket_id":"T0100014","reason":"x","urgent":true}`, 400, "invalid", "urgent"},
			{"missing field", "POST", "/api/v1/appeals", "S01", "application/json", `{"ticket_id":"T0100014"}`, 400, "invalid", "reason"},
			{"trailing data", "POST", "/api/v1/appeals", "S01", "application/json", `{"ticket_id":"T1","reason":"x"} {}`, 400, "invalid", ""},
			{"empty body", "POST", "/api/v1/appeals", "S01", "application/json", ``, 400, "invalid", ""},
			{"array body", "POST", "/api/v1/appeals", "S01", "application/json", `[1,2]`, 400, "invalid", "(body)"},
			{"wrong content type", "POST", "/api/v1/appeals", "S01", "text/plain", `{"ticket_id":"T1","reason":"x"}`, 400, "invalid", "Content-Type"},
			{"oversized body", "POST", "/api/v1/appeals", "S01", "application/json", big, 413, "too_large", ""},
			{"unknown assignment", "POST", "/api/v1/appeals", "S01", "application/json", `{"ticket_id":"NOPE","reason":"x"}`, 404, "not_found", ""},
			{"bad month", "GET", "/api/v1/periods/2025-13/rankings", "S01", "", "", 400, "invalid", "period"},
			{"bad period", "GET", "/api/v1/periods/2025-1/scorecards", "admin", "", "", 400, "invalid", "period"},
			{"bad quarter", "GET", "/api/v1/periods/2025-Q5/rankings", "admin", "", "", 400, "invalid", "period"},
			{"bad year", "GET", "/api/v1/years/20x5/annual", "admin", "", "", 400, "invalid", "year"},
			{"unknown unit", "GET", "/api/v1/periods/2025-10/scorecards/S99", "admin", "", "", 404, "not_found", ""},
			{"unknown unit in a query", "GET", "/api/v1/assignments?unit=S99", "committee", "", "", 404, "not_found", ""},
			{"unknown group", "GET", "/api/v1/periods/2025-10/rankings/parks", "S01", "", "", 404, "not_found", ""},
			{"unknown query parameter", "GET", "/api/v1/periods/2025-10/rankings?sort=final", "S01", "", "", 400, "invalid", "sort"},
			{"repeated query parameter", "GET", "/api/v1/assignments?limit=1&limit=2", "admin", "", "", 400, "invalid", "limit"},
			{"limit not a number", "GET", "/api/v1/assignments?limit=ten", "admin", "", "", 400, "invalid", "limit"},
			{"limit too large", "GET", "/api/v1/assignments?limit=5000", "admin", "", "", 400, "invalid", "limit"},
			{"late not a boolean", "GET", "/api/v1/assignments?late=maybe", "admin", "", "", 400, "invalid", "late"},
			{"unknown kind", "GET", "/api/v1/assignments?kind=gossip", "admin", "", "", 400, "invalid", "kind"},
			{"unknown rule", "GET", "/api/v1/assignments?rule=nope", "admin", "", "", 400, "invalid", "rule"},
			{"bad cursor", "GET", "/api/v1/assignments?cursor=!!", "admin", "", "", 400, "invalid", "cursor"},
			{"edition and policy", "GET", "/api/v1/periods/2025-10/rankings?edition=1&policy=x", "admin", "", "", 400, "invalid", "edition"},
			{"version without policy", "GET", "/api/v1/periods/2025-10/rankings?version=1", "admin", "", "", 400, "invalid", "policy"},
			{"unknown policy", "GET", "/api/v1/periods/2025-10/rankings?policy=nope", "admin", "", "", 404, "not_found", ""},
			{"unpublished edition", "GET", "/api/v1/periods/2025-10/editions/9", "admin", "", "", 404, "not_found", ""},
			{"appeal id not a number", "GET", "/api/v1/appeals/abc", "admin", "", "", 400, "invalid", "id"},
			{"unknown appeal", "GET", "/api/v1/appeals/999", "admin", "", "", 404, "not_found", ""},
			{"approval without action", "POST", "/api/v1/appeals/" + appeal + "/decision", "admin", "application/json", `{"decision":"approve","comment":"ok"}`, 400, "invalid", "decision"},
			{"unknown decision", "POST", "/api/v1/appeals/" + appeal + "/decision", "admin", "application/json", `{"decision":"maybe","comment":"ok"}`, 400, "invalid", "decision"},
			{"bad correction", "POST", "/api/v1/appeals/" + appeal + "/decision", "admin", "application/json", `{"decision":"approve","comment":"ok","correct":{"satisfaction":"ecstatic"}}`, 400, "invalid", "correct.satisfaction"},
			{"invalid policy", "POST", "/api/v1/policies", "admin", "application/yaml", badPolicy, 400, "invalid", ""},
			{"policy not YAML", "POST", "/api/v1/policies", "admin", "application/json", `{"name":"x"}`, 400, "invalid", "Content-Type"},
			{"unknown policy id", "POST", "/api/v1/policies/99/activate", "admin", "", "", 404, "not_found", ""},
			{"import not multipart", "POST", "/api/v1/imports/tickets", "admin", "text/csv", badTickets, 400, "invalid", "Content-Type"},
			{"no token", "GET", "/api/v1/units", "", "", "", 401, "unauthorized", ""},
			{"unknown token", "GET", "/api/v1/units", "sanlv_nope", "", "", 401, "unauthorized", ""},
			{"unknown route", "GET", "/api/v1/nothing", "admin", "", "", 404, "not_found", ""},
			{"wrong method", "DELETE", "/api/v1/units", "admin", "", "", 405, "method_not_allowed", ""},
		} {
			t.Run(c.name, func(t *testing.T) {
				res := e.do(c.method, c.path, c.who, strings.NewReader(c.body), c.ctype)
				checkError(t, res, c.status, c.code, c.field)
			})
		}

		t.Run("invalid tickets name file, row and column and store nothing", func(t *testing.T) {
			res := e.upload("/api/v1/imports/tickets", "admin", [3]string{"file", "bad.csv", badTickets})
			checkError(t, res, 400, "invalid", "")
			fields := at(t, res.json(t), "error", "fields").([]any)
			got := []string{}
			for _, f := range fields {
				got = append(got, f.(map[string]any)["field"].(string))
			}
			if len(got) != 2 || !strings.HasPrefix(got[0], "bad.csv:2:") || !strings.HasPrefix(got[1], "bad.csv:3:") {
				t.Errorf("fields %v, want bad.csv:2:… and bad.csv:3:…", got)
			}
			if n, err := db.Count(context.Background()); err != nil || n != 133 {
				t.Errorf("%d assignments stored after a refused import (%v), want 133", n, err)
			}
		})

		t.Run("invalid policy names every key", func(t *testing.T) {
			res := e.do("POST", "/api/v1/policies", "admin", strings.NewReader(badPolicy), "application/yaml")
			msg := at(t, res.json(t), "error", "message").(string)
			for _, key := range []string{"colour", "weights"} {
				if !strings.Contains(msg, key) {
					t.Errorf("message %q does not name %s", msg, key)
				}
			}
		})

		t.Run("another unit's data looks like no unit at all", func(t *testing.T) {
			other := e.get("/api/v1/periods/2025-10/scorecards/S01", "S02").json(t)
			none := e.get("/api/v1/periods/2025-10/scorecards/S01X", "S02").json(t)
			m1, m2 := at(t, other, "error", "message").(string), at(t, none, "error", "message").(string)
			if strings.Replace(m2, "S01X", "S01", 1) != m1 {
				t.Errorf("messages differ: %q vs %q", m1, m2)
			}
		})

		t.Run("an oversized upload is 413", func(t *testing.T) {
			res := e.do("POST", "/api/v1/policies", "admin", bytes.NewReader(bytes.Repeat([]byte("a"), 70<<10)), "application/yaml")
			checkError(t, res, 413, "too_large", "")
		})
	})
}

// checkError checks an error answer's status, content type, shape, code and first field.
func checkError(t *testing.T, res *response, status int, code, field string) {
	t.Helper()
	if res.status != status {
		t.Fatalf("status %d, want %d: %s", res.status, status, res.body)
	}
	if ct := res.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("content type %q", ct)
	}
	body := res.json(t)
	if len(body) != 1 {
		t.Errorf("body has keys besides error: %s", res.body)
	}
	if got := at(t, body, "error", "code"); got != code {
		t.Errorf("code %v, want %s", got, code)
	}
	if msg, _ := at(t, body, "error", "message").(string); msg == "" {
		t.Errorf("no message: %s", res.body)
	}
	if field != "" {
		fields, _ := at(t, body, "error", "fields").([]any)
		if len(fields) == 0 || at(t, fields[0], "field") != field {
			t.Errorf("fields %v, want the first to name %s", fields, field)
		}
	}
}
