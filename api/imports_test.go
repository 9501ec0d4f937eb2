package api_test

import (
	"sanlv/fixtures/fixturetest"
	"sanlv/store/storetest"

	"encoding/json"
	"testing"

	"sanlv/store"
)

// TestImportsTakeXLSXAndAreIdempotent uploads the worked example as a Chinese platform exports it
// (XLSX, Chinese headers, Excel serial dates) and checks the scorecards are the expected ones; the same
// file again stores nothing and says so.
func TestImportsTakeXLSXAndAreIdempotent(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		e.upload("/api/v1/imports/units", "admin", [3]string{"file", "units-zh.xlsx", string(readFile(t, worked+"/units-zh.xlsx"))}).want(t, 201)
		tickets := [3]string{"file", "tickets-zh.xlsx", string(readFile(t, worked+"/tickets-zh.xlsx"))}
		rep := e.upload("/api/v1/imports/tickets", "admin", tickets).want(t, 201).json(t)
		if rep["inserted"] != 133.0 || rep["file"] != "tickets-zh.xlsx" {
			t.Errorf("first import: %v", rep)
		}
		rep = e.upload("/api/v1/imports/tickets", "admin", tickets).want(t, 200).json(t)
		if rep["already_imported"] != true || rep["unchanged"] != 133.0 || rep["inserted"] != 0.0 {
			t.Errorf("second import: %v", rep)
		}
		batches := e.get("/api/v1/imports", "admin").want(t, 200).json(t)["items"].([]any)
		if len(batches) != 2 || !contains(at(t, batches[0], "actor").(string), "考核办") {
			t.Errorf("batches %v", batches)
		}
		e.do("POST", "/api/v1/policies", "admin", bytesOf(readFile(t, policies+"/county-threshold.yaml")), "application/yaml").want(t, 201)
		var want map[string]any
		if err := json.Unmarshal(readFile(t, worked+"/expected-county-threshold-2025-10.json"), &want); err != nil {
			t.Fatal(err)
		}
		got := e.get("/api/v1/periods/2025-10/scorecards?policy="+urlEscape("12345热线达标基数考核(县级示例)"), "admin").want(t, 200).json(t)
		fixturetest.SameJSON(t, "scorecards", want, got)
		e.checkNoPhones(t)
	})
}
