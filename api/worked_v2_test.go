package api_test

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"testing"

	"sanlv/fixtures/fixturetest"
	"sanlv/imports"
	"sanlv/store"
	"sanlv/store/storetest"
)

// TestSecondEditionExampleThroughTheAPI imports the second-edition example, records its adjustments
// (D02's wrong deduction revoked) and policies through the API, and reads every scorecard.
func TestSecondEditionExampleThroughTheAPI(t *testing.T) {
	dir := fixturetest.NeedV2(t)
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		read := func(name string) []byte {
			data, err := os.ReadFile(filepath.Join(dir, name))
			if err != nil {
				t.Fatal(err)
			}
			return data
		}
		e.upload("/api/v1/imports/units", "admin", [3]string{"file", "units.csv", string(read("units.csv"))}).want(t, 201)
		e.upload("/api/v1/imports/tickets", "admin", [3]string{"file", "tickets.csv", string(read("tickets.csv"))}).want(t, 201)
		adjs, err := imports.ReadAdjustments(bytes.NewReader(read("adjustments.csv")), "adjustments.csv")
		if err != nil {
			t.Fatal(err)
		}
		var d02 string
		for _, a := range adjs {
			if a.Label == "撤销" { // the file's revocation of D02's deduction
				e.postJSON("/api/v1/adjustments/"+d02+"/revoke", "admin", map[string]any{"reason": a.Reason}).want(t, 201)
				continue
			}
			rec := e.postJSON("/api/v1/adjustments", "admin", map[string]any{"unit": a.Unit, "period": a.Period, "label": a.Label,
				"points": a.Points, "reason": a.Reason}).want(t, 201).json(t)
			if a.Unit == "D02" {
				d02 = jsonNum(rec["id"])
			}
		}
		for _, policy := range []string{"policy-a", "policy-b"} {
			rec := e.do("POST", "/api/v1/policies", "admin", bytes.NewReader(read(policy+".yaml")), "application/yaml").want(t, 201).json(t)
			e.do("POST", "/api/v1/policies/"+jsonNum(rec["id"])+"/activate", "admin", nil, "").want(t, 200)
			got := e.get("/api/v1/periods/2025-10/scorecards", "admin").want(t, 200).json(t)
			fixturetest.SameJSON(t, policy, fixturetest.ExpectedV2(t, policy, "2025-10"), got)
			checkListedPoints(t, e, policy)
		}
	})
}

// checkListedPoints checks that the points of every unit's listed assignments of the period, each
// judged in the period's book (repeats, windows), add up to the unit's expected points.
func checkListedPoints(t *testing.T, e *env, policy string) {
	t.Helper()
	want := fixturetest.ExpectedV2(t, policy, "2025-10").(map[string]any)
	for _, u := range want["units"].([]any) {
		u := u.(map[string]any)
		code := u["code"].(string)
		expected := u["points"].(map[string]any)["total"].(float64)
		got := e.get("/api/v1/assignments?period=2025-10&limit=1000&unit="+code, "admin").want(t, 200).json(t)
		sum := 0.0
		for _, it := range got["items"].([]any) {
			sum += it.(map[string]any)["judgement"].(map[string]any)["points_total"].(float64)
		}
		if math.Abs(sum-expected) > 1e-9 {
			t.Errorf("%s %s: listed assignments carry %v points, want %v", policy, code, sum, expected)
		}
	}
}
