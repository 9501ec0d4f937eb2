package api_test

import (
	"sanlv/fixtures/fixturetest"
	"sanlv/store/storetest"

	"encoding/json"
	"math"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"testing"

	"sanlv/store"
)

// at walks a decoded JSON value by keys and indexes: at(v, "units", 0, "final").
func at(t *testing.T, v any, path ...any) any {
	t.Helper()
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, ok := v.(map[string]any)
			if !ok {
				t.Fatalf("at %v: %v is not an object", path, v)
			}
			v = m[k]
		case int:
			a, ok := v.([]any)
			if !ok || k >= len(a) {
				t.Fatalf("at %v: %v has no item %d", path, v, k)
			}
			v = a[k]
		}
	}
	return v
}

func near(t *testing.T, what string, got any, want float64) {
	t.Helper()
	g, ok := got.(float64)
	if !ok || math.Abs(g-want) > 1e-9 {
		t.Errorf("%s = %v, want %v", what, got, want)
	}
}

// unitOf finds a unit's entry in a rankings answer.
func rankingOf(t *testing.T, rk map[string]any, code string) map[string]any {
	t.Helper()
	for _, g := range at(t, rk, "groups").([]any) {
		for _, u := range at(t, g, "units").([]any) {
			if m := u.(map[string]any); m["code"] == code {
				return m
			}
		}
	}
	t.Fatalf("unit %s not in the rankings", code)
	return nil
}

func TestEndToEndImportScoreAppealPublish(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		e.setup()
		live := "?policy=" + url.QueryEscape(districtName)

		// Any unit reads the public rankings of an unpublished period: scored live, edition null.
		rk := e.get("/api/v1/periods/2025-10/rankings", "S02").want(t, 200).json(t)
		if rk["edition"] != nil {
			t.Errorf("edition = %v, want null before publishing", rk["edition"])
		}
		var groups []string
		for _, g := range at(t, rk, "groups").([]any) {
			groups = append(groups, g.(map[string]any)["group"].(string))
		}
		if strings.Join(groups, ",") != "street,department,enterprise" {
			t.Errorf("groups %v", groups)
		}
		for code, want := range map[string]struct {
			rank   any
			reason any
			final  float64
		}{
			"S01": {1.0, nil, 90.66666666666667}, "S03": {2.0, nil, 81.92857142857143}, "S02": {3.0, nil, 69.63392857142857},
			"S04": {nil, "样本不足", 95.5}, "D01": {1.0, nil, 96.78571428571429}, "D04": {1.0, nil, 96.78571428571429},
			"D03": {3.0, nil, 88.83333333333333}, "D02": {4.0, nil, 78}, "E01": {1.0, nil, 99.71428571428571},
		} {
			u := rankingOf(t, rk, code)
			if u["rank"] != want.rank || u["unranked_reason"] != want.reason {
				t.Errorf("%s: rank %v reason %v, want %v %v", code, u["rank"], u["unranked_reason"], want.rank, want.reason)
			}
			near(t, code+" final", u["final"], want.final)
		}

		// The committee reads every scorecard: exactly the worked example's expected result.
		var want map[string]any
		if err := json.Unmarshal(readFile(t, worked+"/expected-district-2025-2025-10.json"), &want); err != nil {
			t.Fatal(err)
		}
		got := e.get("/api/v1/periods/2025-10/scorecards", "committee").want(t, 200).json(t)
		fixturetest.SameJSON(t, "scorecards", want, got)

		// S01 reads its explanation: the lines' points add up to its scorecard's total.
		ex := e.get("/api/v1/periods/2025-10/explanations/S01", "S01").want(t, 200).json(t)
		lines := at(t, ex, "lines").([]any)
		sum := 0.0
		for _, l := range lines {
			sum += l.(map[string]any)["points_total"].(float64)
		}
		if len(lines) != 15 || sum != 12 {
			t.Errorf("explanation: %d lines, points %v; want 15 lines and 12 points", len(lines), sum)
		}
		if d := at(t, lines[0], "dispatched_at").(string); !strings.HasSuffix(d, "+08:00") {
			t.Errorf("dispatched_at %q is not RFC 3339 in +08:00", d)
		}

		// S01 pages through its assignments of the period, four at a time.
		var ids []string
		next := ""
		for pages := 0; ; pages++ {
			if pages > 5 {
				t.Fatal("too many pages")
			}
			page := e.get("/api/v1/assignments?period=2025-10&limit=4&cursor="+next, "S01").want(t, 200).json(t)
			for _, it := range page["items"].([]any) {
				a := it.(map[string]any)
				ids = append(ids, a["ticket_id"].(string))
				if a["unit"] != "S01" {
					t.Errorf("S01 got an assignment of %v", a["unit"])
				}
				if ok, _ := regexp.MatchString(`^1[0-9]{2}\*\*\*\*[0-9]{4}$`, a["caller_phone"].(string)); !ok {
					t.Errorf("caller_phone %v is not masked as 138****1234", a["caller_phone"])
				}
			}
			if next = page["next"].(string); next == "" {
				break
			}
		}
		if len(ids) != 15 || !sort.StringsAreSorted(ids) {
			t.Errorf("paged %d assignments %v, want 15 in key order", len(ids), ids)
		}

		// Filters: the rule 单否 and the late ones.
		for query, want := range map[string][]string{
			"rule=" + url.QueryEscape("单否"): {"T0100003", "T0100014"},
			"late=true":                     {"T0100004", "T0100010", "T0100011"},
			"kind=" + url.QueryEscape("投诉"): {"T0100002", "T0100008", "T0100009", "T0100012"},
		} {
			page := e.get("/api/v1/assignments?period=2025-10&unit=S01&"+query, "admin").want(t, 200).json(t)
			var got []string
			for _, it := range page["items"].([]any) {
				got = append(got, it.(map[string]any)["ticket_id"].(string))
			}
			if strings.Join(got, ",") != strings.Join(want, ",") {
				t.Errorf("%s: %v, want %v", query, got, want)
			}
		}

		// S01 appeals T0100014 (unresolved, basically satisfied); S02 can neither see nor file on it.
		ap := e.postJSON("/api/v1/appeals", "S01", map[string]any{"ticket_id": "T0100014", "reason": "回访记录有误,群众确认已解决"}).want(t, 201).json(t)
		id := jsonNum(ap["id"])
		if ap["status"] != "pending" || ap["unit"] != "S01" || !strings.Contains(ap["filed_by"].(string), "城关街道") {
			t.Errorf("appeal %v", ap)
		}
		e.postJSON("/api/v1/appeals", "S01", map[string]any{"ticket_id": "T0100014", "reason": "again"}).want(t, 409)
		e.get("/api/v1/appeals/"+id, "S02").want(t, 404)
		e.postJSON("/api/v1/appeals", "S02", map[string]any{"ticket_id": "T0100014", "unit": "S01", "reason": "x"}).want(t, 404)
		if n := len(e.get("/api/v1/appeals", "S02").want(t, 200).json(t)["items"].([]any)); n != 0 {
			t.Errorf("S02 sees %d appeals, want 0", n)
		}

		// The committee approves it with a correction: resolution 14/15, so the composite is
		// 100 × (0.1 × 13/15 + 0.5 × 14/15 + 0.4 × 14.5/15) = 94.
		dec := e.postJSON("/api/v1/appeals/"+id+"/decision", "committee", map[string]any{"decision": "approve",
			"comment": "核实属实", "correct": map[string]any{"resolution": "已解决"}}).want(t, 200).json(t)
		if dec["status"] != "approved" || !strings.Contains(dec["decided_by"].(string), "年终考核委员会") {
			t.Errorf("decision %v", dec)
		}
		e.postJSON("/api/v1/appeals/"+id+"/decision", "admin", map[string]any{"decision": "reject", "comment": "late"}).want(t, 409)
		sc := e.get("/api/v1/periods/2025-10/scorecards/S01", "S01").want(t, 200).json(t)
		near(t, "S01 final after the appeal", at(t, sc, "unit", "final"), 94)
		near(t, "S01 resolution num", at(t, sc, "unit", "rates", "resolution", "num"), 14)
		near(t, "S01 points", at(t, sc, "unit", "points", "total"), 13.5)
		audit := e.get("/api/v1/audit?entity=assignment&key="+url.QueryEscape("T0100014/S01"), "committee").want(t, 200).json(t)
		if items := audit["items"].([]any); len(items) == 0 || !strings.Contains(at(t, items[0], "actor").(string), "年终考核委员会") {
			t.Errorf("audit of the correction: %v", audit)
		}

		// Publish: edition 1 freezes S01 at 94; the same again is a conflict.
		ed := e.do("POST", "/api/v1/periods/2025-10/editions", "admin", nil, "").want(t, 201).json(t)
		if ed["number"] != 1.0 || ed["input_rows"] == 0.0 {
			t.Errorf("edition %v", ed)
		}
		e.do("POST", "/api/v1/periods/2025-10/editions", "admin", nil, "").want(t, 409)
		rk = e.get("/api/v1/periods/2025-10/rankings", "S02").want(t, 200).json(t)
		near(t, "edition", at(t, rk, "edition", "number"), 1)
		near(t, "published S01", rankingOf(t, rk, "S01")["final"], 94)

		// A second appeal, approved as an exclusion, changes the live score but not edition 1:
		// 14 eligible, response 13/14, resolution 14/14, satisfaction 13.5/14 → 97.857142857142857.
		ap = e.postJSON("/api/v1/appeals", "S01", map[string]any{"ticket_id": "T0100003", "reason": "非本单位职责"}).want(t, 201).json(t)
		e.postJSON("/api/v1/appeals/"+jsonNum(ap["id"])+"/decision", "admin", map[string]any{"decision": "approve",
			"comment": "派单错误", "exclude": map[string]any{"reason": "派错单位"}}).want(t, 200)
		sc = e.get("/api/v1/periods/2025-10/scorecards/S01"+live, "S01").want(t, 200).json(t)
		near(t, "live S01 final", at(t, sc, "unit", "final"), 97.857142857142857)
		near(t, "live S01 excluded", at(t, sc, "unit", "counts", "excluded"), 1)
		sc = e.get("/api/v1/periods/2025-10/scorecards/S01", "S01").want(t, 200).json(t)
		near(t, "frozen S01 final", at(t, sc, "unit", "final"), 94)
		near(t, "frozen edition", at(t, sc, "edition", "number"), 1)

		// Edition 2 holds the new numbers; edition 1 stays readable and unchanged.
		e.do("POST", "/api/v1/periods/2025-10/editions", "admin", nil, "").want(t, 201)
		near(t, "edition 2 S01", rankingOf(t, e.get("/api/v1/periods/2025-10/rankings", "S01").want(t, 200).json(t), "S01")["final"], 97.857142857142857)
		e1 := e.get("/api/v1/periods/2025-10/editions/1", "committee").want(t, 200).json(t)
		for _, u := range e1["units"].([]any) {
			if m := u.(map[string]any); m["code"] == "S01" {
				near(t, "edition 1 S01", m["final"], 94)
			}
		}
		near(t, "?edition=1", rankingOf(t, e.get("/api/v1/periods/2025-10/rankings?edition=1", "S02").want(t, 200).json(t), "S01")["final"], 94)
		if n := len(e.get("/api/v1/periods/2025-10/editions", "S02").want(t, 200).json(t)["items"].([]any)); n != 2 {
			t.Errorf("%d editions, want 2", n)
		}

		e.checkNoPhones(t)
	})
}
