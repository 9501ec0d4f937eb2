package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"

	"sanlv/store/storetest"
)

func TestPolicyAndMappingProblemsArePrintedOnceWithKeyPathAndLine(t *testing.T) {
	policy, err := os.ReadFile("../../fixtures/policies/district-2025.yaml")
	if err != nil {
		t.Fatal(err)
	}
	edit := func(old, new string) string {
		if !strings.Contains(string(policy), old) {
			t.Fatalf("the policy has no %q", old)
		}
		return strings.Replace(string(policy), old, new, 1)
	}
	gbk, _ := simplifiedchinese.GBK.NewEncoder().String("columns:\n  ticket_id: 工单编号\n")
	cases := []struct {
		name, kind, text string
		want             []string
	}{
		{"a word where a number goes", "policy", edit("round: 2", "round: two"), []string{"ranking.round: line 24", `"two"`}},
		{"a list where a value goes, deep", "policy", edit("points: -3}", "points: [-3]}"), []string{"ticket_points[5].points: line 22", "not a list"}},
		{"a list where a mapping goes", "policy", edit("period: {start_day: 19, basis: closed}", "period: [19, closed]"), []string{"period: line 4", "mapping"}},
		{"an unknown key, deep", "policy", edit("when: {incomplete_materials: true}", "when: {incomplete_material: true}"), []string{"ticket_points[4].when.incomplete_material: line 21", "unknown key"}},
		{"a duplicate key", "policy", edit("unrated: exclude", "unrated: exclude\nunrated: zero"), []string{"unrated: line 14", "first at line 13"}},
		{"a misspelt rate, with its line", "policy", edit("weights: {response: 0.1", "weights: {respons: 0.1"), []string{"2 problems", "weights.respons: line 14", "weights: line 14"}},
		{"a tab", "policy", edit("\ntimezone:", "\n\ttimezone:"), []string{"line 3", "tab"}},
		{"an empty policy", "policy", "", []string{"empty file"}},
		{"a GBK mapping", "mapping", gbk, []string{"UTF-8"}},
		{"a duplicate mapping key", "mapping", "columns:\n  ticket_id: A\n  ticket_id: B\n", []string{"columns.ticket_id: line 3", "first at line 2"}},
		{"a list where a mapping goes in a mapping", "mapping", "columns: [A, B]\n", []string{"columns: line 1"}},
		{"a whole mapping that is a list", "mapping", "- A\n", []string{"line 1", "not a list"}},
		{"an empty mapping", "mapping", "", []string{"empty file"}},
		{"a tab in a mapping", "mapping", "columns:\n\tticket_id: A\n", []string{"line 2", "tab"}},
		{"a field mapped away from its usual column", "mapping", "columns: {ticket_id: 工单号}\n", []string{`column "工单号" of the mapping (for ticket_id) is not in the file`, `"ticket_id" is the usual header`}},
	}
	dir := t.TempDir()
	units := filepath.Join(dir, "units.csv")
	tickets := filepath.Join(dir, "tickets.csv")
	os.WriteFile(units, []byte(yearEndUnits), 0o644)
	os.WriteFile(tickets, []byte(yearEndTickets), 0o644)
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			file := filepath.Join(dir, c.kind+string(rune('a'+i))+".yaml")
			if err := os.WriteFile(file, []byte(c.text), 0o644); err != nil {
				t.Fatal(err)
			}
			args := []string{"policy", "check", file}
			if c.kind == "mapping" {
				args = []string{"score", "--units", units, "--tickets", tickets, "--policy", "district-2025", "--period", "2026-12", "--mapping", file}
			}
			_, stderr, err := run(t, args...)
			if err == nil {
				t.Fatal("accepted")
			}
			msg := stderr
			if !strings.Contains(err.Error(), "reported") {
				msg += "sanlv: " + err.Error() + "\n"
			}
			for _, w := range c.want {
				if !strings.Contains(msg, w) {
					t.Errorf("%q: want %q", msg, w)
				}
			}
			for _, line := range strings.Split(strings.TrimSpace(msg), "\n") {
				if line = strings.TrimSpace(strings.TrimPrefix(line, "sanlv:")); strings.Count(msg, line) > 1 {
					t.Errorf("printed twice: %q in %q", line, msg)
				}
			}
			if strings.Contains(msg, "did you mean ticket_id") {
				t.Errorf("suggests the header it was given: %q", msg)
			}
			if strings.Contains(msg, "scoring.") || strings.Contains(msg, "imports.") || strings.Contains(msg, "!!") {
				t.Errorf("names a Go or YAML type: %q", msg)
			}
		})
	}
}

func TestCommandsThatOnlyReadRefuseADatabaseThatDoesNotExist(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "typo.db")
	for _, args := range [][]string{
		{"score", "--period", "2025-10"},
		{"explain", "--unit", "S01", "--period", "2025-10"},
		{"annual", "--year", "2025"},
		{"whatif", "--policy", "district-2025", "--against", "county-threshold", "--period", "2025-10"},
		{"bulletin", "--period", "2025-10", "-o", filepath.Join(dir, "b")},
		{"export", "--period", "2025-10", "-o", filepath.Join(dir, "e.xlsx")},
		{"calendar", "list"},
		{"adjust", "list"},
		{"token", "list"},
		{"token", "revoke", "1"},
		{"serve", "--addr", "127.0.0.1:0"},
	} {
		_, _, err := run(t, append(args, "--db", db)...)
		if err == nil || !strings.Contains(err.Error(), "does not exist") {
			t.Errorf("%v: error %v, want the database does not exist", args, err)
		}
		if _, statErr := os.Stat(db); statErr == nil {
			t.Errorf("%v created %s", args, db)
			os.Remove(db)
		}
	}
}

func TestAUnitNamedLikeAStoredUnitIsRefused(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"units.csv":  yearEndUnits,
		"same.csv":   "code,name,group,parent,population\nZ9,城关街道,street,,1\n",
		"spaced.csv": "code,name,group,parent,population\nZ9,城关　街道,street,,1\n",
		"rename.csv": "code,name,group,parent,population\nS02,城关街道,street,,38000\n",
		"newgrp.csv": "code,name,group,parent,population\nE01,自来水公司,国有企业,,\n",
	}
	for name, text := range files {
		os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644)
	}
	storetest.EachDatabase(t, func(t *testing.T, dsn string) {
		if out, stderr, err := run(t, "import", "units", dir+"/units.csv", "--db", dsn); err != nil {
			t.Fatalf("%v\n%s%s", err, out, stderr)
		}
		for _, f := range []string{"same.csv", "spaced.csv", "rename.csv"} {
			_, stderr, err := run(t, "import", "units", dir+"/"+f, "--db", dsn)
			if err == nil || !strings.Contains(stderr+err.Error(), "stored unit S01") {
				t.Errorf("%s: error %v, stderr %q; want it refused naming S01", f, err, stderr)
			}
		}
		out, stderr, err := run(t, "import", "units", dir+"/newgrp.csv", "--db", dsn)
		if err != nil || !strings.Contains(stderr, "国有企业") || !strings.Contains(out, "1 inserted") {
			t.Errorf("a unit of an unknown group: error %v, out %q, stderr %q; want it stored with a note", err, out, stderr)
		}
	})
}

func TestReimportWithoutAnOptionalColumnKeepsTheStoredValuesAndSaysSo(t *testing.T) {
	dir := yearEndFiles(t)
	var without []string
	for _, line := range strings.Split(strings.TrimSpace(yearEndTickets), "\n") {
		without = append(without, line[:strings.LastIndex(line, ",")]) // satisfaction is the last column
	}
	os.WriteFile(dir+"/nosat.csv", []byte(strings.Join(without, "\n")+"\n"), 0o644)
	os.WriteFile(dir+"/misspelt.csv", []byte(strings.Replace(yearEndTickets, "satisfaction", "满意程度", 1)), 0o644)
	storetest.EachDatabase(t, func(t *testing.T, dsn string) {
		for _, f := range []string{"units", "tickets"} {
			if out, stderr, err := run(t, "import", f, dir+"/"+f+".csv", "--db", dsn); err != nil {
				t.Fatalf("%v\n%s%s", err, out, stderr)
			}
		}
		out, stderr, err := run(t, "import", "tickets", dir+"/nosat.csv", "--db", dsn)
		if err != nil || !strings.Contains(out, "nothing changed") || !strings.Contains(out, "保留原值") || !strings.Contains(out, "satisfaction") {
			t.Errorf("re-import without 满意度: error %v, out %q, stderr %q; want nothing changed and satisfaction kept", err, out, stderr)
		}
		if _, stderr, err := run(t, "calendar", "import", dir+"/cals/cn-2027.yaml", "--db", dsn); err != nil {
			t.Fatalf("%v\n%s", err, stderr)
		}
		out, stderr, err = run(t, "score", "--db", dsn, "--period", "2026-12", "--policy", dir+"/with-2027.yaml", "--format", "json")
		if err != nil {
			t.Fatalf("%v\n%s", err, stderr)
		}
		if num, den := rate(t, out, "S02", "satisfaction"); num != 1 || den != 1 {
			t.Errorf("K2's satisfaction after the re-import: %v/%v, want 1/1 (satisfied, as first imported)", num, den)
		}
		invalid := strings.Replace(strings.Join(without, "\n"), "2026-12-28 10:00", "2026-13-28 10:00", 1)
		os.WriteFile(dir+"/invalid.csv", []byte(invalid+"\n"), 0o644)
		out, _, err = run(t, "import", "tickets", dir+"/invalid.csv", "--keep-valid", "--db", dsn)
		if err != nil || !strings.Contains(out, "1 invalid skipped") || !strings.Contains(out, "nothing changed") {
			t.Errorf("--keep-valid with one invalid row and the rest stored: error %v, out %q; want the invalid row counted", err, out)
		}
		_, stderr, err = run(t, "import", "tickets", dir+"/misspelt.csv", "--db", dsn)
		if err == nil || !strings.Contains(stderr+err.Error(), "did you mean 满意度") || strings.Count(stderr+err.Error(), "满意程度\" is not a known column") != 1 {
			t.Errorf("misspelt column: error %v, stderr %q; want did you mean, once", err, stderr)
		}
	})
}

func TestTheActorOfACommandIsNeverAnEmptyName(t *testing.T) {
	for _, c := range []struct {
		name, user, logname, want string
	}{
		{"USER set", "wang", "", "cli:wang"},
		{"only LOGNAME set", "", "li", "cli:li"},
		{"neither set", "", "", "cli"},
	} {
		t.Run(c.name, func(t *testing.T) {
			m := NewMain()
			m.Getenv = func(k string) string { return map[string]string{"USER": c.user, "LOGNAME": c.logname}[k] }
			if got := m.actorOf(""); got != c.want {
				t.Errorf("actor %q, want %q", got, c.want)
			}
		})
	}
}

func TestAdjustImportNamesEveryWrongAdjustmentOnce(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(dir+"/units.csv", []byte(yearEndUnits), 0o644)
	os.WriteFile(dir+"/adj.csv", []byte("unit,period,label,points,reason\nS01,2026-12,加分,1,x\nS09,2026-12,加分,1,y\nS01,2026-13,加分,1,z\nS08,2026-12,扣分,-1,w\n"), 0o644)
	files := yearEndFiles(t)
	_, stderr, err := run(t, "score", "--units", files+"/units.csv", "--tickets", files+"/tickets.csv", "--policy", files+"/with-2027.yaml",
		"--calendars", files+"/cals", "--period", "2026-12", "--adjustments", dir+"/adj.csv")
	for _, want := range []string{"3 of 4 adjustments invalid", `adjustment 2 (S09 2026-12 加分): unknown unit "S09"`, `adjustment 3 (S01 2026-13 加分): period`, `adjustment 4 (S08 2026-12 扣分): unknown unit "S08"`} {
		if err == nil || strings.Count(stderr, want) != 1 {
			t.Errorf("scoring files: error %v, stderr %q: want %q once", err, stderr, want)
		}
	}
	storetest.EachDatabase(t, func(t *testing.T, dsn string) {
		if out, stderr, err := run(t, "import", "units", dir+"/units.csv", "--db", dsn); err != nil {
			t.Fatalf("%v\n%s%s", err, out, stderr)
		}
		_, stderr, err := run(t, "adjust", "import", dir+"/adj.csv", "--db", dsn)
		if err == nil {
			t.Fatal("accepted")
		}
		for _, want := range []string{"3 of 4 adjustments invalid", "nothing recorded", "adjustment 2: ", `unknown unit "S09"`, "adjustment 3: ", `period "2026-13"`, "adjustment 4: ", `unknown unit "S08"`} {
			if strings.Count(stderr, want) != 1 {
				t.Errorf("%q: want %q once", stderr, want)
			}
		}
		out, _, _ := run(t, "adjust", "list", "--db", dsn)
		if strings.Contains(out, "S01") {
			t.Errorf("the valid adjustment was recorded: %s", out)
		}
	})
}
