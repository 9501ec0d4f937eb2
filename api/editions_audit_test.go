package api_test

import (
	"bytes"
	"net/url"
	"os"
	"strings"
	"testing"

	"sanlv/store"
	"sanlv/store/storetest"
)

// frozenReads are the answers and files of edition 1 of 2025-10, read as the given holder.
var frozenReads = []struct{ path, who string }{
	{"/api/v1/periods/2025-10/editions/1", "committee"},
	{"/api/v1/periods/2025-10/scorecards?edition=1", "committee"},
	{"/api/v1/periods/2025-10/scorecards", "committee"},
	{"/api/v1/periods/2025-10/rankings?edition=1", "S02"},
	{"/api/v1/periods/2025-10/rankings/street", "S02"},
	{"/api/v1/periods/2025-10/scorecards/S01", "S01"},
	{"/api/v1/periods/2025-10/scorecards/S01?edition=1", "S01"},
	{"/api/v1/periods/2025-10/bulletin.xlsx?edition=1", "admin"},
	{"/api/v1/periods/2025-10/bulletin.docx?edition=1", "admin"},
}

// TestAPublishedEditionNeverChanges publishes 2025-10 and then changes everything that can change
// results — a re-import (rows of 2025-10 and of 2025-09), a unit renamed, an exclusion and a correction through approved
// appeals, an adjustment and its revocation, another active policy, a replaced calendar, the previous
// period published — and reads the edition's answers and files back after each: byte for byte the same,
// while the period scored live moves.
func TestAPublishedEditionNeverChanges(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		e.setup()
		live := "/api/v1/periods/2025-10/scorecards?policy=" + url.QueryEscape(districtName)
		liveBefore := e.get(live, "committee").want(t, 200).body
		if n := e.postJSON("/api/v1/periods/2025-10/editions", "admin", nil).want(t, 201).json(t)["number"]; n != 1.0 {
			t.Fatalf("first edition numbered %v", n)
		}
		want := map[string][]byte{}
		for _, r := range frozenReads {
			want[r.path+" "+r.who] = e.get(r.path, r.who).want(t, 200).body
		}
		check := func(after string) {
			t.Helper()
			for _, r := range frozenReads {
				got := e.get(r.path, r.who).want(t, 200).body
				if !bytes.Equal(got, want[r.path+" "+r.who]) {
					t.Errorf("after %s: %s as %s changed (%d bytes, was %d)", after, r.path, r.who, len(got), len(want[r.path+" "+r.who]))
				}
			}
		}

		tickets := string(readFile(t, worked+"/tickets.csv"))
		changed := strings.NewReplacer(
			// T0100010 of S01 closed in 2025-10, T0100005 of S01 closed in 2025-09: both now dissatisfied.
			"2025-10-17 14:24:00,suggestion,priority,市场监管/消费纠纷/退换货,0,true,1,resolved,satisfied,",
			"2025-10-17 14:24:00,suggestion,priority,市场监管/消费纠纷/退换货,0,true,1,resolved,dissatisfied,",
			"环境保护/噪声/施工噪音,1,true,0,resolved,satisfied,", "环境保护/噪声/施工噪音,1,true,0,resolved,dissatisfied,",
		).Replace(tickets)
		if changed == tickets {
			t.Fatal("the re-import changes nothing")
		}
		rep := e.upload("/api/v1/imports/tickets", "admin", [3]string{"file", "tickets.csv", changed}).want(t, 201).json(t)
		if rep["updated"] != 2.0 {
			t.Errorf("re-import updated %v rows, want 2", rep["updated"])
		}
		check("a re-import")

		units := strings.Replace(string(readFile(t, worked+"/units.csv")), "S01,城关街道,street,,52000", "S01,城关街道办事处,street,,60000", 1)
		e.upload("/api/v1/imports/units", "admin", [3]string{"file", "units.csv", units}).want(t, 201)
		check("a unit renamed and its population changed")

		appeal := func(ticket string) string {
			return jsonNum(e.postJSON("/api/v1/appeals", "S01", map[string]any{"ticket_id": ticket, "reason": "不属本单位职责"}).want(t, 201).json(t)["id"])
		}
		e.postJSON("/api/v1/appeals/"+appeal("T0100010")+"/decision", "committee",
			map[string]any{"decision": "approve", "comment": "同意", "exclude": map[string]any{"reason": "非本单位职责"}}).want(t, 200)
		check("an approved exclusion")
		e.postJSON("/api/v1/appeals/"+appeal("T0100013")+"/decision", "committee",
			map[string]any{"decision": "approve", "comment": "回访有误", "correct": map[string]any{"satisfaction": "dissatisfied"}}).want(t, 200)
		check("an approved correction")
		e.postJSON("/api/v1/appeals/"+appeal("T0100012")+"/decision", "committee",
			map[string]any{"decision": "reject", "comment": "证据不足"}).want(t, 200)
		check("a rejected appeal")

		adj := jsonNum(e.postJSON("/api/v1/adjustments", "admin", map[string]any{"unit": "S01", "period": "2025-10", "label": "质量抽检",
			"points": -2, "reason": "抽检"}).want(t, 201).json(t)["id"])
		check("an adjustment")
		e.postJSON("/api/v1/adjustments/"+adj+"/revoke", "admin", map[string]any{"reason": "复核有误"}).want(t, 201)
		check("a revocation")

		for _, p := range e.get("/api/v1/policies", "admin").want(t, 200).json(t)["items"].([]any) {
			if m := p.(map[string]any); m["name"] != districtName {
				e.do("POST", "/api/v1/policies/"+jsonNum(m["id"])+"/activate", "admin", nil, "").want(t, 200)
			}
		}
		check("another policy activated")

		cal, err := os.ReadFile(worked + "/../../calendars/cn-2025.yaml")
		if err != nil {
			t.Fatal(err)
		}
		// National Day moved off the calendar: deadlines over 2025-10-01..08 fall earlier.
		fewer := strings.Replace(string(cal), "  - 2025-10-01..2025-10-08   # 国庆节、中秋节\n", "", 1)
		if fewer == string(cal) {
			t.Fatal("the calendar is not as expected")
		}
		e.do("POST", "/api/v1/calendars?replace=true", "admin", strings.NewReader(fewer), "application/yaml").want(t, 201)
		check("a replaced calendar")

		e.postJSON("/api/v1/periods/2025-09/editions?policy="+url.QueryEscape(districtName), "admin", nil).want(t, 201)
		check("the previous period published")

		if bytes.Equal(e.get(live, "committee").want(t, 200).body, liveBefore) {
			t.Error("the period scored live did not move: the changes proved nothing")
		}

		// A second edition of the period leaves the first as it was.
		if n := e.postJSON("/api/v1/periods/2025-10/editions?policy="+url.QueryEscape(districtName), "admin", nil).want(t, 201).json(t)["number"]; n != 2.0 {
			t.Fatalf("second edition numbered %v", n)
		}
		for _, r := range frozenReads {
			if !strings.Contains(r.path, "edition=1") && !strings.Contains(r.path, "/editions/1") {
				continue
			}
			if got := e.get(r.path, r.who).want(t, 200).body; !bytes.Equal(got, want[r.path+" "+r.who]) {
				t.Errorf("after a second edition: %s as %s changed", r.path, r.who)
			}
		}
		if bytes.Equal(e.get("/api/v1/periods/2025-10/scorecards", "committee").want(t, 200).body, want["/api/v1/periods/2025-10/scorecards committee"]) {
			t.Error("the latest edition is still the first")
		}
	})
}
