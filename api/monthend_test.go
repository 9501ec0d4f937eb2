package api_test

import (
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"sanlv/store"
	"sanlv/store/storetest"
)

// TestSmallHolesAnswer4xx covers requests that used to answer 500 or be read wrongly: NUL bytes in
// parameters and bodies, edition=0, a period outside the calendars, an admin filing an appeal.
func TestSmallHolesAnswer4xx(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		e.setup()
		e.postJSON("/api/v1/appeals", "S01", map[string]any{"ticket_id": "T0100014", "reason": "复核"}).want(t, 201)
		for _, c := range []struct {
			name, method, path, who, ctype, body string
			status                               int
			code, field                          string
		}{
			{"NUL in a query parameter", "GET", "/api/v1/periods/2025-10/rankings?policy=district-2025&version=%00", "admin", "", "", 400, "invalid", "version"},
			{"NUL in the audit key", "GET", "/api/v1/audit?key=%00", "admin", "", "", 400, "invalid", "key"},
			{"NUL in a path parameter", "GET", "/api/v1/periods/2025-10/scorecards/S0%001", "admin", "", "", 400, "invalid", "unit"},
			{"invalid UTF-8 in a query parameter", "GET", "/api/v1/assignments?unit=%ff", "admin", "", "", 400, "invalid", "unit"},
			{"NUL in a JSON body", "POST", "/api/v1/appeals", "S01", "application/json", `{"ticket_id":"T0100014","reason":"a\u0000b"}`, 400, "invalid", "reason"},
			{"edition 0", "GET", "/api/v1/periods/2025-10/rankings?edition=0", "admin", "", "", 400, "invalid", "edition"},
			{"edition 0 of a scorecard", "GET", "/api/v1/periods/2025-10/scorecards/S01?edition=0", "S01", "", "", 400, "invalid", "edition"},
			{"period before 1990: rankings", "GET", "/api/v1/periods/1989-12/rankings", "admin", "", "", 400, "invalid", "period"},
			{"period before 1990: explanation", "GET", "/api/v1/periods/1989-12/explanations/S01", "admin", "", "", 400, "invalid", "period"},
			{"period before 1990: assignments", "GET", "/api/v1/assignments?period=1989-12", "admin", "", "", 400, "invalid", "period"},
			{"period before 1990: publish", "POST", "/api/v1/periods/1989-12/editions", "admin", "", "", 400, "invalid", "period"},
			{"admin filing an appeal names the unit", "POST", "/api/v1/appeals", "admin", "application/json", `{"ticket_id":"T0100014","reason":"复核"}`, 400, "invalid", "unit"},
			{"a second pending appeal", "POST", "/api/v1/appeals", "S01", "application/json", `{"ticket_id":"T0100014","reason":"复核"}`, 409, "conflict", ""},
		} {
			t.Run(c.name, func(t *testing.T) {
				res := e.do(c.method, c.path, c.who, strings.NewReader(c.body), c.ctype)
				checkError(t, res, c.status, c.code, c.field)
			})
		}
	})
}

// TestTheFirstPeriodIsValidEverywhere reads 1990-01, the first period there is, on every route that takes a period.
func TestTheFirstPeriodIsValidEverywhere(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		e.setup()
		for _, path := range []string{"/api/v1/periods/1990-01/rankings", "/api/v1/periods/1990-01/scorecards",
			"/api/v1/periods/1990-01/explanations/S01", "/api/v1/assignments?period=1990-01"} {
			e.get(path, "admin").want(t, 200)
		}
		e.do("POST", "/api/v1/periods/1990-01/editions", "admin", nil, "").want(t, 201)
	})
}

// TestAdminFilesAnAppeal lets the assessment office file an appeal for a unit (SPEC §12: admin may do everything).
func TestAdminFilesAnAppeal(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		e.setup()
		a := e.postJSON("/api/v1/appeals", "admin", map[string]any{"ticket_id": "T0100014", "unit": "S01", "reason": "代为申诉"}).want(t, 201).json(t)
		if a["unit"] != "S01" || a["status"] != "pending" {
			t.Errorf("appeal %v", a)
		}
		e.postJSON("/api/v1/appeals", "committee", map[string]any{"ticket_id": "T0100014", "unit": "S01", "reason": "x"}).want(t, 403)
	})
}

// TestAuditPagesAndImportsAreAudited pages through the audit log and finds one summary entry per import.
func TestAuditPagesAndImportsAreAudited(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		e.setup()
		var ids []float64
		next := ""
		for page := 0; page < 100; page++ {
			path := "/api/v1/audit?limit=2"
			if next != "" {
				path += "&before=" + next
			}
			v := e.get(path, "admin").want(t, 200).json(t)
			for _, it := range v["items"].([]any) {
				ids = append(ids, it.(map[string]any)["id"].(float64))
			}
			if v["next"] == nil {
				break
			}
			next = jsonNum(v["next"])
		}
		all := e.get("/api/v1/audit", "admin").want(t, 200).json(t)["items"].([]any)
		if len(ids) != len(all) || len(all) < 4 {
			t.Fatalf("paged %d entries, one page holds %d", len(ids), len(all))
		}
		for i := 1; i < len(ids); i++ {
			if ids[i] >= ids[i-1] {
				t.Fatalf("ids not strictly newest first: %v", ids)
			}
		}
		imports := e.get("/api/v1/audit?entity=batch", "admin").want(t, 200).json(t)["items"].([]any)
		if len(imports) != 2 {
			t.Fatalf("%d import entries, want 2 (units, tickets)", len(imports))
		}
		after := imports[0].(map[string]any)["after"].(map[string]any)
		if after["kind"] != "tickets" || after["inserted"] != 133.0 {
			t.Errorf("tickets import entry %v", after)
		}
	})
}

// TestAStalledUploadHoldsNoLock starts a tickets upload that stalls halfway and checks that other
// writes go through meanwhile (the upload is received before its transaction starts).
func TestAStalledUploadHoldsNoLock(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		e.setup()
		conn, err := net.Dial("tcp", e.srv.Listener.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		head := "--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"t.csv\"\r\nContent-Type: text/csv\r\n\r\n" +
			"ticket_id,unit,received_at,dispatched_at,closed_at,kind\nX1,S01,2025-10-01 10:00,2025-10-01 11:00,2025-10-02 09:00,complaint\n"
		fmt.Fprintf(conn, "POST /api/v1/imports/tickets HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n"+
			"Content-Type: multipart/form-data; boundary=b\r\nContent-Length: %d\r\n\r\n%s", e.tokens["admin"], len(head)+1000, head)
		time.Sleep(200 * time.Millisecond) // the server is now reading the stalled upload
		start := time.Now()
		e.postJSON("/api/v1/appeals", "S01", map[string]any{"ticket_id": "T0100014", "reason": "复核"}).want(t, 201)
		if d := time.Since(start); d > 2*time.Second {
			t.Errorf("filing an appeal took %s while an upload stalled", d)
		}
	})
}
