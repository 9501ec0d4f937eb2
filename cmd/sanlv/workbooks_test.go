package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

func openBook(t *testing.T, path string) *excelize.File {
	t.Helper()
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatalf("open %s: %v", path, err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func TestDemoImportsScoresAndWritesTheBulletin(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "b.xlsx")
	db := filepath.Join(dir, "sanlv.db")
	for i := 0; i < 2; i++ { // the second run changes nothing
		stdout, stderr, err := run(t, "demo", "--db", db, "-o", out)
		if err != nil {
			t.Fatalf("run %d: %v\n%s", i, err, stderr)
		}
		if i == 1 && !strings.Contains(stdout, "nothing changed") {
			t.Errorf("second demo run should change nothing:\n%s", stdout)
		}
		if !strings.Contains(stdout, "bulletin: ") || !strings.Contains(stdout, "S01 城关街道") {
			t.Errorf("demo output:\n%s", stdout)
		}
	}
	f := openBook(t, out)
	rows, err := f.GetRows("街乡镇")
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) < 3 || !strings.Contains(strings.Join(rows[2], "|"), "城关街道") || !strings.Contains(strings.Join(rows[2], "|"), "90.67") {
		t.Errorf("first ranked street row: %v", rows)
	}
	if doc, err := os.ReadFile(filepath.Join(dir, "b.docx")); err != nil || len(doc) < 1000 {
		t.Errorf("demo wrote no 通报 b.docx: %v", err)
	}
}

func TestBulletinRefusesNoticeSettingsWithAnUnknownKey(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "n.yaml")
	if err := os.WriteFile(bad, []byte("issuer: 办公室\nto: [各单位]\npolicy: {title: 办法}\nissue: {first_period: \"2025-01\", first_total: 1}\ncopy_to: [x]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, stderr, err := run(t, "demo", "--db", filepath.Join(dir, "s.db"), "-o", filepath.Join(dir, "b"), "--notice", bad)
	if err == nil || !strings.Contains(stderr+err.Error(), "copy_to: line 5: unknown key") {
		t.Errorf("demo --notice with an unknown key: %v %s", err, stderr)
	}
}

func TestBulletinAndDetailExportFromFiles(t *testing.T) {
	needWorked(t)
	dir := t.TempDir()
	files := []string{"--units", worked + "/units.csv", "--tickets", worked + "/tickets.csv", "--policy", "county-threshold", "--period", "2025-10"}
	if _, stderr, err := run(t, append([]string{"bulletin", "-o", dir + "/b.xlsx"}, files...)...); err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	f := openBook(t, dir+"/b.xlsx")
	if v, _ := f.GetCellValue("说明", "A1"); !strings.Contains(v, "2025年10月") {
		t.Errorf("title %q", v)
	}
	if doc, err := os.ReadFile(dir + "/b.docx"); err != nil || len(doc) == 0 {
		t.Errorf("no 通报 beside the workbook: %v", err)
	}
	if _, stderr, err := run(t, append([]string{"export", "-o", dir + "/d.xlsx"}, files...)...); err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	raw, _ := os.ReadFile(dir + "/d.xlsx")
	if len(raw) == 0 {
		t.Fatal("empty detail export")
	}
	d := openBook(t, dir+"/d.xlsx")
	rows, err := d.GetRows(d.GetSheetList()[0])
	if err != nil {
		t.Fatal(err)
	}
	all := ""
	for _, r := range rows {
		all += strings.Join(r, ",") + "\n"
	}
	if strings.Contains(all, "13631105365") || !strings.Contains(all, "136****5365") {
		t.Error("detail export must show caller phones masked, never raw")
	}
	// October 2025 (calendar month) holds 12+11+13+2+12+12+12+13+14 = 101 rows of the worked example.
	if got := len(rows) - 2; got != 101 {
		t.Errorf("detail rows %d, want 101", got)
	}
}

func TestPublishThenTheBulletinIsTheFrozenEdition(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "sanlv.db")
	if _, stderr, err := run(t, "demo", "--db", db, "-o", filepath.Join(dir, "draft.xlsx")); err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	out, stderr, err := run(t, "publish", "--period", "2025-10", "--db", db)
	if err != nil || !strings.Contains(out, "published 2025-10 edition 1") {
		t.Fatalf("publish: %v %q %s", err, out, stderr)
	}
	if _, stderr, err := run(t, "publish", "--period", "2025-10", "--db", db); err == nil || !strings.Contains(stderr+err.Error(), "already") {
		t.Errorf("publishing unchanged data again should be refused: %v %s", err, stderr)
	}
	out, stderr, err = run(t, "bulletin", "--period", "2025-10", "--db", db, "-o", filepath.Join(dir, "b.xlsx"))
	if err != nil || !strings.Contains(out, "edition 1") {
		t.Fatalf("bulletin: %v %q %s", err, out, stderr)
	}
	f := openBook(t, filepath.Join(dir, "b.xlsx"))
	if v, _ := f.GetCellValue("说明", "A1"); !strings.Contains(v, "2025年10月") || strings.Contains(v, "草稿") {
		t.Errorf("title %q", v)
	}
	if _, err := os.Stat(filepath.Join(dir, "b.docx")); err != nil {
		t.Errorf("the 通报 was not written beside the workbook: %v", err)
	}
	// The edition went out under the district policy: another --policy is refused, not answered
	// silently with the published edition.
	_, stderr, err = run(t, "bulletin", "--period", "2025-10", "--db", db, "--policy", "county-threshold", "-o", filepath.Join(dir, "c"))
	if err == nil || !strings.Contains(stderr+err.Error(), "published (edition 1) under") {
		t.Errorf("bulletin --policy county-threshold of a district edition: %v %s", err, stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "c.xlsx")); err == nil {
		t.Errorf("a refused bulletin left c.xlsx behind")
	}
}
