package main

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"sanlv/fixtures/fixturetest"
	"sanlv/store/storetest"
)

func TestImportThenScoreFromTheDatabase(t *testing.T) {
	needWorked(t)
	storetest.EachDatabase(t, func(t *testing.T, dsn string) {
		{
			for _, step := range [][]string{
				{"import", "units", worked + "/units.csv", "--db", dsn},
				{"import", "tickets", worked + "/tickets.csv", "--db", dsn},
			} {
				if out, stderr, err := run(t, step...); err != nil {
					t.Fatalf("%v: %v\n%s%s", step, err, out, stderr)
				}
			}
			out, _, err := run(t, "import", "tickets", worked+"/tickets-zh.xlsx", "--db", dsn)
			if err != nil || !strings.Contains(out, "nothing changed") {
				t.Errorf("re-import of the same rows: err %v, out %q", err, out)
			}
			data, _ := os.ReadFile(worked + "/expected-district-2025-2025-10.json")
			var want, got any
			json.Unmarshal(data, &want)
			out, stderr, err := run(t, "score", "--db", dsn, "--policy", "district-2025", "--period", "2025-10", "--format", "json")
			if err != nil {
				t.Fatalf("%v\n%s", err, stderr)
			}
			json.Unmarshal([]byte(out), &got)
			fixturetest.SameJSON(t, "", want, got)
		}
	})
}
