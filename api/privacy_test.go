package api_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"sanlv/api"
	"sanlv/store"
	"sanlv/store/storetest"
)

// phone is a caller's phone the tests send; masked is how it may show.
const (
	phone  = "13812345678"
	masked = "138****5678"
)

// TestAPhoneSentInARequestIsMaskedInItsErrorAnswer sends a phone wherever a request can carry one — a
// path segment, a query value or name, a JSON field or value, a YAML or mapping value — and checks the
// error answer points at the masked phone and never shows it.
func TestAPhoneSentInARequestIsMaskedInItsErrorAnswer(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		e.setup()
		e.do("POST", "/api/v1/periods/2025-10/editions", "admin", nil, "").want(t, 201)
		appeal := jsonNum(e.postJSON("/api/v1/appeals", "S01", map[string]any{"ticket_id": "T0100014", "reason": "复核"}).want(t, 201).json(t)["id"])
		mapping := "--b\r\nContent-Disposition: form-data; name=\"mapping\"; filename=\"m.yaml\"\r\n\r\ndefaults: {urgency: \"" + phone +
			"\"}\r\n--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"t.csv\"\r\n\r\nticket_id\r\n--b--\r\n"
		for _, c := range []struct {
			name, method, path, who, ctype, body string
			status                               int
		}{
			{"period in the path", "GET", "/api/v1/periods/" + phone + "/scorecards", "admin", "", "", 400},
			{"year in the path", "GET", "/api/v1/years/" + phone + "/annual", "admin", "", "", 400},
			{"unit in the path", "GET", "/api/v1/units/" + phone, "committee", "", "", 404},
			{"unit in the path, to a unit token", "GET", "/api/v1/periods/2025-10/scorecards/" + phone, "S01", "", "", 404},
			{"ticket in the path", "GET", "/api/v1/assignments/" + phone + "/S01", "admin", "", "", 404},
			{"group in the path", "GET", "/api/v1/periods/2025-10/rankings/" + phone, "S01", "", "", 404},
			{"appeal id in the path", "GET", "/api/v1/appeals/" + phone, "admin", "", "", 404},
			{"edition number in the path", "GET", "/api/v1/periods/2025-10/editions/" + phone, "admin", "", "", 404},
			{"no such route", "GET", "/api/v1/" + phone, "admin", "", "", 404},
			{"unit in the query", "GET", "/api/v1/assignments?unit=" + phone, "committee", "", "", 404},
			{"kind in the query", "GET", "/api/v1/assignments?kind=" + phone, "admin", "", "", 400},
			{"rule in the query", "GET", "/api/v1/assignments?rule=" + phone, "admin", "", "", 400},
			{"flag in the query", "GET", "/api/v1/assignments?late=" + phone, "admin", "", "", 400},
			{"query parameter named by a phone", "GET", "/api/v1/assignments?" + phone + "=1", "admin", "", "", 400},
			{"policy in the query", "GET", "/api/v1/periods/2025-10/rankings?policy=" + phone, "S01", "", "", 404},
			{"edition in the query", "GET", "/api/v1/periods/2025-10/bulletin.xlsx?edition=" + phone, "admin", "", "", 404},
			{"ticket in an appeal", "POST", "/api/v1/appeals", "S01", "application/json", `{"ticket_id":"` + phone + `","reason":"x"}`, 404},
			{"JSON field named by a phone", "POST", "/api/v1/appeals", "S01", "application/json", `{"ticket_id":"T0100014","reason":"x","` + phone + `":1}`, 400},
			{"answer in a correction", "POST", "/api/v1/appeals/" + appeal + "/decision", "committee", "application/json",
				`{"decision":"approve","comment":"ok","correct":{"satisfaction":"` + phone + `"}}`, 400},
			{"unit of an adjustment", "POST", "/api/v1/adjustments", "admin", "application/json",
				`{"unit":"` + phone + `","period":"2025-10","label":"加分","points":1,"reason":"x"}`, 400},
			{"period of an adjustment", "POST", "/api/v1/adjustments", "admin", "application/json",
				`{"unit":"S01","period":"` + phone + `","label":"加分","points":1,"reason":"x"}`, 400},
			{"date of a calendar", "POST", "/api/v1/calendars", "admin", "application/yaml", "name: cn-2030\nyear: 2030\nholidays: [\"" + phone + "\"]\n", 400},
			{"key of a policy", "POST", "/api/v1/policies", "admin", "application/yaml", "name: x\nversion: \"1\"\n" + phone + ": 1\n", 400},
			{"default of a column mapping", "POST", "/api/v1/imports/tickets", "admin", "multipart/form-data; boundary=b", mapping, 400},
		} {
			t.Run(c.name, func(t *testing.T) {
				res := e.do(c.method, c.path, c.who, strings.NewReader(c.body), c.ctype).want(t, c.status)
				if body := string(res.body); strings.Contains(body, phone) || !strings.Contains(body, masked) {
					t.Errorf("want the phone masked as %s: %s", masked, body)
				}
			})
		}
	})
}

// TestTextQuotingAPhoneIsShownMasked writes a phone into every free text a caller can write — an
// appeal's reason, a decision's comment and exclusion reason, an adjustment's reason and its
// revocation's, an imported exclusion reason and the name of an uploaded file — and checks that no
// answer, download or audit entry shows it, while each shows the masked phone.
func TestTextQuotingAPhoneIsShownMasked(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		e.setup()
		const other, otherMasked = "13987654321", "139****4321"
		header := strings.SplitN(string(readFile(t, worked+"/tickets.csv")), "\n", 2)[0]
		row := "TP0001,S01,lead,2025-10-05 10:00:00,2025-10-05 11:00:00,,2025-10-06 10:00:00,,help,normal,市场监管/消费纠纷/退换货,0,true,1,resolved,satisfied,,,,Y,来电人" +
			other + "撤诉,13900001111"
		e.upload("/api/v1/imports/tickets", "admin", [3]string{"file", "补录" + phone + ".csv", header + "\n" + row + "\n"}).want(t, 201)

		ap := e.postJSON("/api/v1/appeals", "S01", map[string]any{"ticket_id": "T0100014", "reason": "来电人" + phone + "称已解决"}).want(t, 201).json(t)
		id := jsonNum(ap["id"])
		e.postJSON("/api/v1/appeals/"+id+"/decision", "committee", map[string]any{"decision": "approve", "comment": "核实" + phone,
			"exclude": map[string]any{"reason": "市民" + phone + "撤回"}}).want(t, 200)
		adj := e.postJSON("/api/v1/adjustments", "admin", map[string]any{"unit": "S01", "period": "2025-10", "label": "质量抽检",
			"points": -1, "reason": "回访" + phone + "不满意"}).want(t, 201).json(t)
		e.postJSON("/api/v1/adjustments", "admin", map[string]any{"unit": "S01", "period": "2025-10", "label": "加分",
			"points": 1, "reason": "表扬"}).want(t, 201)
		e.postJSON("/api/v1/adjustments/"+jsonNum(adj["id"])+"/revoke", "admin", map[string]any{"reason": "误录" + phone}).want(t, 201)

		for _, c := range []struct {
			path, who string
			// shows is the masked phone the answer must show (it quotes the text).
			shows string
		}{
			{"/api/v1/appeals", "S01", masked},
			{"/api/v1/appeals/" + id, "committee", masked},
			{"/api/v1/audit?entity=appeal", "admin", masked},
			{"/api/v1/audit?entity=assignment", "admin", masked},
			{"/api/v1/audit?action=adjustment.revoke", "committee", masked},
			{"/api/v1/imports", "admin", masked},
			{"/api/v1/assignments/T0100014/S01", "S01", masked},
			{"/api/v1/assignments/TP0001/S01", "S01", otherMasked},
			{"/api/v1/periods/2025-10/explanations/S01", "S01", otherMasked},
			{"/api/v1/periods/2025-10/scorecards/S01", "S01", masked},
			{"/api/v1/adjustments", "S01", masked},
			{"/api/v1/periods/2025-10/detail.xlsx", "S01", otherMasked},
			{"/api/v1/periods/2025-10/bulletin.xlsx", "admin", masked},
			{"/api/v1/periods/2025-10/bulletin.docx", "committee", ""},
		} {
			t.Run(c.path, func(t *testing.T) {
				body := text(e.get(c.path, c.who).want(t, 200).body)
				for _, p := range []string{phone, other, "13900001111"} {
					if strings.Contains(body, p) {
						t.Errorf("shows the phone %s: %.600s", p, body)
					}
				}
				if !strings.Contains(body, c.shows) {
					t.Errorf("does not show %s: %.600s", c.shows, body)
				}
			})
		}
		e.checkNoPhones(t)
	})
}

// TestAUnitTokenReadsAndAppealsOnlyItsOwnUnit asks, as unit S01, for another unit's data by every
// spelling of its code, period and id, lists without filters and pages with a cursor of another unit's
// row, and checks that every answer is 404 (as for no such unit), 403 for staff routes, or holds S01's
// data only.
func TestAUnitTokenReadsAndAppealsOnlyItsOwnUnit(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		e.setup()
		e.do("POST", "/api/v1/periods/2025-10/editions", "admin", nil, "").want(t, 201)
		theirs := jsonNum(e.postJSON("/api/v1/appeals", "S02", map[string]any{"ticket_id": "T0100015", "reason": "复核"}).want(t, 201).json(t)["id"])
		mine := jsonNum(e.postJSON("/api/v1/appeals", "S01", map[string]any{"ticket_id": "T0100014", "reason": "复核"}).want(t, 201).json(t)["id"])
		for _, u := range []string{"S01", "S02"} {
			e.postJSON("/api/v1/adjustments", "admin", map[string]any{"unit": u, "period": "2025-10", "label": "加分", "points": 1, "reason": "表扬"}).want(t, 201)
		}

		for _, c := range []struct {
			method, path, body string
			status             int
		}{
			{"GET", "/api/v1/units/S02", "", 404},
			{"GET", "/api/v1/units/s01", "", 404},
			{"GET", "/api/v1/units/%EF%BC%B301", "", 404}, // Ｓ01, full width
			{"GET", "/api/v1/assignments?unit=S02", "", 404},
			{"GET", "/api/v1/assignments?unit=s02", "", 404},
			{"GET", "/api/v1/assignments?unit=S01%20", "", 404},
			{"GET", "/api/v1/assignments?unit=%EF%BC%B302", "", 404},
			{"GET", "/api/v1/assignments/T0100015/S02", "", 404},
			{"GET", "/api/v1/assignments/T0100015/s02", "", 404},
			{"GET", "/api/v1/periods/2025-10/scorecards/S02", "", 404},
			{"GET", "/api/v1/periods/2025-10/scorecards/S02?edition=1", "", 404},
			{"GET", "/api/v1/periods/2025-10/scorecards/S02?policy=" + urlEscape(districtName), "", 404},
			{"GET", "/api/v1/periods/2025-Q4/scorecards/S02", "", 404},
			{"GET", "/api/v1/periods/2025-q4/scorecards/S02", "", 404},
			{"GET", "/api/v1/periods/2025/scorecards/S02", "", 404},
			{"GET", "/api/v1/periods/2025-10/explanations/S02", "", 404},
			{"GET", "/api/v1/periods/2025-Q4/explanations/S02", "", 404},
			{"GET", "/api/v1/periods/2025/explanations/%EF%BC%B302", "", 404},
			{"GET", "/api/v1/periods/2025-10/detail.xlsx?unit=S02", "", 404},
			{"GET", "/api/v1/periods/2025-Q4/detail.xlsx?unit=s01", "", 404},
			{"GET", "/api/v1/appeals?unit=S02", "", 404},
			{"GET", "/api/v1/appeals/" + theirs, "", 404},
			{"GET", "/api/v1/adjustments?unit=S02", "", 404},
			{"GET", "/api/v1/adjustments?unit=S02&period=2025-10", "", 404},
			{"POST", "/api/v1/appeals", `{"ticket_id":"T0100015","unit":"S02","reason":"x"}`, 404},
			{"POST", "/api/v1/appeals", `{"ticket_id":"T0100015","unit":"s02","reason":"x"}`, 404},
			{"POST", "/api/v1/appeals", `{"ticket_id":"T0100015","reason":"x"}`, 404}, // S02's ticket, filed as S01's
			{"POST", "/api/v1/appeals/" + theirs + "/decision", `{"decision":"reject","comment":"x"}`, 403},
			{"POST", "/api/v1/appeals/" + mine + "/decision", `{"decision":"reject","comment":"x"}`, 403},
			{"GET", "/api/v1/periods/2025-10/scorecards", "", 403},
			{"GET", "/api/v1/periods/2025-10/editions/1", "", 403},
			{"GET", "/api/v1/periods/2025-10/bulletin.xlsx", "", 403},
			{"GET", "/api/v1/audit", "", 403},
			{"GET", "/api/v1/imports", "", 403},
		} {
			t.Run(c.method+" "+c.path, func(t *testing.T) {
				res := e.do(c.method, c.path, "S01", strings.NewReader(c.body), "application/json").want(t, c.status)
				if strings.Contains(string(res.body), "东湖街道") || strings.Contains(string(res.body), "T0100015\"") && c.status != 404 {
					t.Errorf("the answer tells of S02: %s", res.body)
				}
			})
		}

		// Lists without a filter, and pages after a cursor naming another unit's row, hold S01's items only.
		items := func(path string) []any {
			t.Helper()
			return e.get(path, "S01").want(t, 200).json(t)["items"].([]any)
		}
		onlyS01 := func(what string, list []any, key string, want int) {
			t.Helper()
			for _, it := range list {
				if u := it.(map[string]any)[key]; u != "S01" {
					t.Errorf("%s lists an item of %v: %v", what, u, it)
				}
			}
			if len(list) != want {
				t.Errorf("%s lists %d items, want %d", what, len(list), want)
			}
		}
		onlyS01("units", items("/api/v1/units"), "code", 1)
		onlyS01("appeals", items("/api/v1/appeals"), "unit", 1)
		onlyS01("adjustments", items("/api/v1/adjustments?period=2025-10"), "unit", 1)
		var all []any
		next := ""
		for page := 0; page < 20; page++ {
			res := e.get("/api/v1/assignments?limit=4"+next, "S01").want(t, 200).json(t)
			all = append(all, res["items"].([]any)...)
			if res["next"] == "" {
				break
			}
			next = "&cursor=" + res["next"].(string)
		}
		onlyS01("assignment pages", all, "unit", 17) // the rows of S01 (城关街道) in the worked example's tickets
		cur, _ := json.Marshal(map[string]string{"t": "T0100001", "u": "S02"})
		onlyS01("a page after another unit's row", items("/api/v1/assignments?cursor="+base64.RawURLEncoding.EncodeToString(cur)), "unit", 16)

		f, err := excelize.OpenReader(bytes.NewReader(e.get("/api/v1/periods/2025-10/detail.xlsx", "S01").want(t, 200).body))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		rows, err := f.GetRows(f.GetSheetList()[0])
		if err != nil {
			t.Fatal(err)
		}
		col, n := -1, 0
		for _, r := range rows {
			for i, v := range r {
				if v == "承办单位编码" && col < 0 {
					col = i
				}
			}
			if col >= 0 && len(r) > col && r[col] != "承办单位编码" && r[col] != "" {
				n++
				if r[col] != "S01" {
					t.Errorf("the detail download of S01 lists a row of %s: %v", r[col], r)
				}
			}
		}
		if n != 15 { // S01's assignments of 2025-10, as its scorecard counts them
			t.Errorf("the detail download of S01 has %d rows, want 15", n)
		}
	})
}

// TestARevokedTokenIsRefused revokes a unit token while a server has it cached: the server refuses it
// once the cache entry expires, and a server started afterwards refuses it at once.
func TestARevokedTokenIsRefused(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		e := newEnv(t, db)
		e.setup()
		s := api.New(api.Config{DB: db, TokenTTL: 50 * time.Millisecond})
		h := s.Handler()
		call := func(h http.Handler) int {
			req := httptest.NewRequest("GET", "/api/v1/me", nil)
			req.Header.Set("Authorization", "Bearer "+e.tokens["S01"])
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			return rec.Code
		}
		if got := call(h); got != 200 {
			t.Fatalf("a live token: status %d", got)
		}
		toks, err := db.Tokens(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, tk := range toks {
			if tk.Unit == "S01" {
				if err := db.RevokeToken(ctx, tk.ID, "test"); err != nil {
					t.Fatal(err)
				}
			}
		}
		if got := call(api.New(api.Config{DB: db}).Handler()); got != 401 {
			t.Errorf("a new server: status %d for a revoked token, want 401", got)
		}
		time.Sleep(60 * time.Millisecond)
		if got := call(h); got != 401 {
			t.Errorf("after the token cache's time: status %d for a revoked token, want 401", got)
		}
	})
}
