package api_test

import (
	"bytes"
	"testing"

	"sanlv/store"
	"sanlv/store/storetest"
)

func TestAdjustmentsThroughTheAPI(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		e.setup()
		first := e.postJSON("/api/v1/adjustments", "admin", map[string]any{"unit": "S01", "period": "2025-10", "label": "质量抽检",
			"points": -1.5, "reason": "抽检:未联系即办结"}).want(t, 201).json(t)
		if first["unit"] != "S01" || first["points"] != -1.5 || first["label"] != "质量抽检" {
			t.Errorf("recorded: %v", first)
		}
		e.postJSON("/api/v1/adjustments", "admin", map[string]any{"unit": "S02", "period": "2025-10", "label": "创新加分",
			"points": 2, "reason": "案例"}).want(t, 201)
		e.postJSON("/api/v1/adjustments", "admin", map[string]any{"unit": "S09", "period": "2025-10", "label": "加分",
			"points": 2, "reason": "r"}).want(t, 400)
		e.postJSON("/api/v1/adjustments", "admin", map[string]any{"unit": "S01", "period": "2025-10", "label": "加分",
			"reason": "no points"}).want(t, 400)
		id := jsonNum(first["id"])
		rev := e.postJSON("/api/v1/adjustments/"+id+"/revoke", "admin", map[string]any{"reason": "复核有误"}).want(t, 201).json(t)
		if rev["label"] != "撤销" || rev["points"] != 1.5 || jsonNum(rev["revokes"]) != id {
			t.Errorf("revocation: %v", rev)
		}
		e.postJSON("/api/v1/adjustments/"+id+"/revoke", "admin", map[string]any{"reason": "again"}).want(t, 409)
		e.postJSON("/api/v1/adjustments/999/revoke", "admin", map[string]any{"reason": "none"}).want(t, 404)

		for _, c := range []struct {
			path, who string
			want      int
		}{
			{"/api/v1/adjustments", "admin", 3},
			{"/api/v1/adjustments?period=2025-10&unit=S01", "committee", 2},
			{"/api/v1/adjustments?period=2025-09", "admin", 0},
			{"/api/v1/adjustments", "S01", 2}, // a unit sees its own only
			{"/api/v1/adjustments", "S02", 1},
		} {
			items := e.get(c.path, c.who).want(t, 200).json(t)["items"].([]any)
			if len(items) != c.want {
				t.Errorf("%s as %s: %d items, want %d", c.path, c.who, len(items), c.want)
			}
		}
		e.get("/api/v1/adjustments?unit=S01", "S02").want(t, 404)
	})
}

func TestCalendarsThroughTheAPI(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		e.setup()
		cal := []byte("name: cn-2027\nyear: 2027\nholidays: [2027-01-01]\nworkdays: []\n")
		post := func(path string, body []byte) *response {
			return e.do("POST", path, "admin", bytes.NewReader(body), "application/yaml")
		}
		post("/api/v1/calendars", cal).want(t, 201)
		post("/api/v1/calendars", cal).want(t, 200)
		shipped := []byte("name: cn-2025\nyear: 2025\nholidays: [2025-01-01]\nworkdays: []\n")
		post("/api/v1/calendars", shipped).want(t, 409)
		post("/api/v1/calendars", []byte("name: x\nyear: 1\n")).want(t, 400)
		post("/api/v1/calendars?replace=true", shipped).want(t, 201)
		origin := map[string]any{}
		for _, c := range e.get("/api/v1/calendars", "S01").want(t, 200).json(t)["items"].([]any) {
			m := c.(map[string]any)
			origin[m["name"].(string)] = m["origin"]
		}
		if origin["cn-2027"] != "stored" || origin["cn-2025"] != "replaced" || origin["cn-2026"] != "shipped" {
			t.Errorf("origins: %v", origin)
		}
	})
}

func TestAssignmentJSONHasTheSecondEditionFields(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		e.setup()
		a := e.get("/api/v1/assignments/T0100014/S01", "S01").want(t, 200).json(t)
		for key, want := range map[string]any{"accepted_at": nil, "extended_due_at": nil, "return_status": "none", "returned_at": nil,
			"duplicate_of": "", "channel": "", "hotline": ""} {
			got, ok := a[key]
			if !ok || got != want {
				t.Errorf("%s: got %v (present %v), want %v", key, got, ok, want)
			}
		}
	})
}
