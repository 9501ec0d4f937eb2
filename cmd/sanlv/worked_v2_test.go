package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"sanlv/fixtures/fixturetest"
	"sanlv/store/storetest"
)

// scoreJSON runs a score command and decodes its JSON.
func scoreJSON(t *testing.T, args ...string) any {
	t.Helper()
	out, stderr, err := run(t, append(args, "--format", "json")...)
	if err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	var got any
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err)
	}
	return got
}

func TestScoreReproducesTheSecondEditionExampleFromFiles(t *testing.T) {
	dir := fixturetest.NeedV2(t)
	for _, policy := range []string{"policy-a", "policy-b"} {
		t.Run(policy, func(t *testing.T) {
			got := scoreJSON(t, "score", "--units", filepath.Join(dir, "units.csv"), "--tickets", filepath.Join(dir, "tickets.csv"),
				"--adjustments", filepath.Join(dir, "adjustments.csv"), "--policy", filepath.Join(dir, policy+".yaml"), "--period", "2025-10")
			fixturetest.SameJSON(t, "", fixturetest.ExpectedV2(t, policy, "2025-10"), got)
		})
	}
}

// TestScoreReproducesTheSecondEditionExampleFromTheDatabase records the adjustments through the command
// line one by one, D02's wrong deduction revoked by `adjust revoke` (the file's 撤销 line).
func TestScoreReproducesTheSecondEditionExampleFromTheDatabase(t *testing.T) {
	dir := fixturetest.NeedV2(t)
	storetest.EachDatabase(t, func(t *testing.T, dsn string) {
		for _, step := range [][]string{
			{"import", "units", filepath.Join(dir, "units.csv"), "--db", dsn},
			{"import", "tickets", filepath.Join(dir, "tickets.csv"), "--db", dsn},
		} {
			if out, stderr, err := run(t, step...); err != nil {
				t.Fatalf("%v: %v\n%s%s", step, err, out, stderr)
			}
		}
		var d02 string
		for _, a := range [][5]string{
			{"S01", "2025-10", "质量抽检", "-2", "抽检:答复口径不规范"},
			{"S01", "2025-10", "质量抽检", "-4", "抽检:虚假办结"},
			{"S02", "2025-10", "创新加分", "2", "基层治理创新案例"},
			{"S02", "2025-10", "媒体表扬", "2.5", "市级媒体正面报道"},
			{"S03", "2025-09", "创新加分", "5", "上一期的加分(本期不计)"},
			{"S04", "2025-10", "质量抽检", "-0.5", "抽检:回复不完整"},
			{"D01", "2025-10", "专项工作", "1", "防汛专项"},
			{"D04", "2025-10", "专项工作", "1", "防汛专项"},
			{"D02", "2025-10", "质量抽检", "-1.5", "抽检:未联系即办结"},
			{"E01", "2025-10", "专项工作", "2", "管网抢修"},
			{"E04", "2025-10", "媒体表扬", "0.75", "市级媒体正面报道"},
		} {
			out, stderr, err := run(t, "adjust", "add", "--unit", a[0], "--period", a[1], "--label", a[2], "--points", a[3], "--reason", a[4], "--db", dsn)
			if err != nil {
				t.Fatalf("adjust add %v: %v\n%s", a, err, stderr)
			}
			if a[0] == "D02" {
				d02 = strings.TrimSpace(out)
			}
		}
		// D02's revocation comes after E01's and E04's records here: adjustments are listed per unit, in order.
		if _, stderr, err := run(t, "adjust", "revoke", d02, "--reason", "撤销上一条抽检扣分(复核有误)", "--db", dsn); err != nil {
			t.Fatalf("adjust revoke %s: %v\n%s", d02, err, stderr)
		}
		for _, policy := range []string{"policy-a", "policy-b"} {
			got := scoreJSON(t, "score", "--db", dsn, "--policy", filepath.Join(dir, policy+".yaml"), "--period", "2025-10")
			fixturetest.SameJSON(t, policy, fixturetest.ExpectedV2(t, policy, "2025-10"), got)
		}
	})
}

func TestAdjustCommands(t *testing.T) {
	dir := fixturetest.NeedV2(t)
	storetest.EachDatabase(t, func(t *testing.T, dsn string) {
		if _, stderr, err := run(t, "import", "units", filepath.Join(dir, "units.csv"), "--db", dsn); err != nil {
			t.Fatalf("%v\n%s", err, stderr)
		}
		if _, stderr, err := run(t, "adjust", "import", filepath.Join(dir, "adjustments.csv"), "--db", dsn); err != nil || !strings.Contains(stderr, "recorded 12 adjustments") {
			t.Fatalf("adjust import: %v\n%s", err, stderr)
		}
		out, _, err := run(t, "adjust", "list", "--db", dsn, "--unit", "D02", "--format", "json")
		if err != nil {
			t.Fatal(err)
		}
		var list []map[string]any
		if err := json.Unmarshal([]byte(out), &list); err != nil || len(list) != 2 || list[0]["points"] != -1.5 || list[1]["label"] != "撤销" {
			t.Fatalf("D02: %v %s", err, out)
		}
		id := jsonID(list[0]["id"])
		if _, stderr, err := run(t, "adjust", "revoke", id, "--reason", "复核", "--db", dsn); err != nil {
			t.Fatalf("revoke: %v\n%s", err, stderr)
		}
		if _, stderr, err := run(t, "adjust", "revoke", id, "--reason", "复核", "--db", dsn); err == nil || !strings.Contains(err.Error()+stderr, "already revoked") {
			t.Errorf("second revoke: %v\n%s", err, stderr)
		}
		if _, _, err := run(t, "adjust", "add", "--unit", "S01", "--period", "2025-10", "--label", "x", "--points", "abc", "--reason", "r", "--db", dsn); err == nil {
			t.Error("points abc: no error")
		}
	})
}

func jsonID(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func TestCalendarCommands(t *testing.T) {
	storetest.EachDatabase(t, func(t *testing.T, dsn string) {
		path := filepath.Join(t.TempDir(), "cn-2025.yaml")
		writeTestFile(t, path, "name: cn-2025\nyear: 2025\nholidays: [2025-01-01]\nworkdays: []\n")
		if _, stderr, err := run(t, "calendar", "import", path, "--db", dsn); err == nil || !strings.Contains(err.Error()+stderr, "--replace") {
			t.Errorf("a shipped name without --replace: %v\n%s", err, stderr)
		}
		if _, stderr, err := run(t, "calendar", "import", path, "--replace", "--db", dsn); err != nil || !strings.Contains(stderr, "overrides the shipped") {
			t.Errorf("with --replace: %v\n%s", err, stderr)
		}
		out, _, err := run(t, "calendar", "list", "--db", dsn)
		if err != nil || !strings.Contains(out, "导入(替换内置)") || !strings.Contains(out, "us-2026") {
			t.Errorf("list: %v\n%s", err, out)
		}
	})
}

func TestReadOnlyCommandsRefuseAMissingDatabase(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "typo.db")
	for _, args := range [][]string{
		{"score", "--db", missing, "--policy", "district-2025", "--period", "2025-10"},
		{"adjust", "list", "--db", missing},
		{"calendar", "list", "--db", missing},
		{"token", "list", "--db", missing},
		{"explain", "--db", missing, "--policy", "district-2025", "--period", "2025-10", "--unit", "S01"},
	} {
		_, _, err := run(t, args...)
		if err == nil || !strings.Contains(err.Error(), "does not exist") {
			t.Errorf("%v: got %v, want an error saying the database does not exist", args, err)
		}
		if fileExists(missing) {
			t.Fatalf("%v created %s", args, missing)
		}
	}
}

func TestMissingCalendarYearSaysWhichCalendarToImport(t *testing.T) {
	tmp := t.TempDir()
	writeTestFile(t, filepath.Join(tmp, "units.csv"), "code,name,group\nS01,城关街道,street\n")
	writeTestFile(t, filepath.Join(tmp, "tickets.csv"), "ticket_id,unit,received_at,dispatched_at,closed_at,kind\n"+
		"T1,S01,2026-12-28 09:00,2026-12-28 10:00,2026-12-30 10:00,help\n")
	writeTestFile(t, filepath.Join(tmp, "p.yaml"), "name: p\nversion: v1\ncalendar: [cn-2026]\nresponse: {mode: callback}\n"+
		"deadlines: {limits: {emergency: 2h, priority: 24h, normal: 7wd, complex: 15wd}}\n")
	_, _, err := run(t, "score", "--units", filepath.Join(tmp, "units.csv"), "--tickets", filepath.Join(tmp, "tickets.csv"),
		"--policy", filepath.Join(tmp, "p.yaml"), "--period", "2026-12")
	for _, want := range []string{"tickets.csv:2", "T1", "sanlv calendar import cn-2027.yaml"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("got %v, want it to name %q", err, want)
		}
	}
	// With the year in --calendars the same file scores.
	cals := filepath.Join(tmp, "cals")
	writeTestFile(t, filepath.Join(cals, "cn-2027.yaml"), "name: cn-2027\nyear: 2027\nholidays: [2027-01-01]\nworkdays: []\n")
	writeTestFile(t, filepath.Join(tmp, "p2.yaml"), "name: p\nversion: v1\ncalendar: [cn-2026, cn-2027]\nresponse: {mode: callback}\n"+
		"deadlines: {limits: {emergency: 2h, priority: 24h, normal: 7wd, complex: 15wd}}\n")
	if _, stderr, err := run(t, "score", "--units", filepath.Join(tmp, "units.csv"), "--tickets", filepath.Join(tmp, "tickets.csv"),
		"--policy", filepath.Join(tmp, "p2.yaml"), "--calendars", cals, "--period", "2026-12"); err != nil {
		t.Errorf("with --calendars: %v\n%s", err, stderr)
	}
}
