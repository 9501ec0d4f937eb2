package store_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"unicode/utf16"

	"sanlv/scoring"
	"sanlv/store"
	"sanlv/store/storetest"
)

// workedLines returns the header and data lines of the worked tickets file.
func workedLines(t testing.TB) (string, []string) {
	lines := strings.Split(strings.TrimSpace(string(readFile(t, worked+"/tickets.csv"))), "\n")
	return lines[0], lines[1:]
}

// setField replaces field i of a CSV line without quotes.
func setField(line string, i int, v string) string {
	f := strings.Split(line, ",")
	f[i] = v
	return strings.Join(f, ",")
}

func importUnits(t testing.TB, db *store.DB) {
	t.Helper()
	if _, err := db.ImportUnits(context.Background(), "units.csv", bytes.NewReader(readFile(t, worked+"/units.csv")), store.ImportOptions{Actor: "test"}); err != nil {
		t.Fatal(err)
	}
}

func TestReimportChangesNothingAndSaysSo(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		importWorked(t, db)
		ctx := context.Background()
		before := batches(t, db)
		res, err := db.ImportTickets(ctx, "tickets.csv", bytes.NewReader(readFile(t, worked+"/tickets.csv")), store.ImportOptions{Actor: "test"})
		if err != nil {
			t.Fatal(err)
		}
		if !res.AlreadyImported || res.Changed() || res.Unchanged != 133 || res.Read != 133 || res.BatchID != 0 {
			t.Errorf("re-import: got %+v, want already imported, 133 unchanged, no batch", res)
		}
		if n := batches(t, db); n != before {
			t.Errorf("batches: got %d, want %d", n, before)
		}
		ures, err := db.ImportUnits(ctx, "units.csv", bytes.NewReader(readFile(t, worked+"/units.csv")), store.ImportOptions{Actor: "test"})
		if err != nil {
			t.Fatal(err)
		}
		if !ures.AlreadyImported || ures.Changed() || ures.Unchanged != 9 {
			t.Errorf("units re-import: got %+v, want already imported, 9 unchanged", ures)
		}
	})
}

func TestChangedRowIsUpdatedAndAuditedWithOldValues(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		importWorked(t, db)
		ctx := context.Background()
		header, lines := workedLines(t)
		// Row 2 (T0100098/E01) said very_satisfied; the new export says dissatisfied. Add one new row too.
		lines[0] = setField(lines[0], 15, "dissatisfied")
		lines = append(lines, setField(lines[0], 0, "T9999999"))
		file := header + "\n" + strings.Join(lines, "\n") + "\n"
		res, err := db.ImportTickets(ctx, "tickets-v2.csv", strings.NewReader(file), store.ImportOptions{Actor: "alice"})
		if err != nil {
			t.Fatal(err)
		}
		if res.Inserted != 1 || res.Updated != 1 || res.Unchanged != 132 || res.AlreadyImported || res.BatchID == 0 {
			t.Fatalf("got %+v, want 1 inserted, 1 updated, 132 unchanged", res)
		}
		dir, _ := db.Directory(ctx)
		a, err := db.Assignment(ctx, dir, "T0100098", "E01")
		if err != nil {
			t.Fatal(err)
		}
		if a.Satisfaction != scoring.Dissatisfied {
			t.Errorf("satisfaction: got %v, want dissatisfied", a.Satisfaction)
		}
		es, err := db.Audit(ctx, store.AuditFilter{Entity: store.EntityAssignment, Key: "T0100098/E01"})
		if err != nil {
			t.Fatal(err)
		}
		if len(es) != 1 {
			t.Fatalf("audit entries: got %d, want 1", len(es))
		}
		e := es[0]
		if e.Actor != "alice" || e.Action != store.ActionImportUpdate || e.BatchID == nil || *e.BatchID != res.BatchID ||
			!strings.Contains(e.Why, "tickets-v2.csv") {
			t.Errorf("audit entry: got %+v", e)
		}
		for _, want := range []string{`"satisfaction": "very_satisfied"`, `"caller_phone": "136****5365"`, `"kind": "complaint"`, `"callback_valid": true`} {
			if !strings.Contains(spaced(e.Before), want) {
				t.Errorf("before %s: want %s", e.Before, want)
			}
		}
		if !strings.Contains(spaced(e.After), `"satisfaction": "dissatisfied"`) {
			t.Errorf("after %s: want the new satisfaction", e.After)
		}
	})
}

// spaced normalises JSON separators to ", " and ": " (PostgreSQL's jsonb text form) for substring checks.
func spaced(b []byte) string {
	s := strings.ReplaceAll(string(b), `":`, `": `)
	s = strings.ReplaceAll(s, `":  `, `": `)
	return s
}

func TestBadInputGivesAReportAndStoresNothing(t *testing.T) {
	header, lines := workedLines(t)
	csv := func(ls ...string) string { return header + "\n" + strings.Join(ls, "\n") + "\n" }
	good := lines[:5]
	with := func(i int, line string) string {
		ls := append([]string(nil), good...)
		ls[i] = line
		return csv(ls...)
	}
	dropColumn := func(col int) string {
		var out []string
		for _, l := range append([]string{header}, good...) {
			f := strings.Split(l, ",")
			out = append(out, strings.Join(append(f[:col:col], f[col+1:]...), ","))
		}
		return strings.Join(out, "\n") + "\n"
	}
	var utf16le bytes.Buffer
	utf16le.Write([]byte{0xff, 0xfe})
	for _, r := range utf16.Encode([]rune(csv(good...))) {
		utf16le.Write([]byte{byte(r), byte(r >> 8)})
	}
	utf16le.Write([]byte{0x00, 0xd8, 'x', 0x00}) // an unpaired surrogate in the last row
	xlsx := readFile(t, worked+"/tickets-zh.xlsx")
	cases := []struct {
		name, file, data string
		// want are substrings of the error message.
		want []string
	}{
		{"unknown unit", "t.csv", with(1, setField(good[1], 1, "NOPE")), []string{"t.csv:3", "NOPE"}},
		{"duplicate key in the file", "t.csv", csv(append(good, good[2])...), []string{"t.csv:7", "duplicate"}},
		{"closed before dispatched", "t.csv", with(0, setField(good[0], 6, "2025-10-01 00:00:00")), []string{"t.csv:2", "closed_at"}},
		{"unparsable date", "t.csv", with(2, setField(good[2], 3, "2025-13-45 99:00")), []string{"t.csv:4", "received_at"}},
		{"unknown words", "t.csv", with(3, setField(good[3], 8, "bogus")), []string{"t.csv:5", "kind", "bogus"}},
		{"missing required column", "t.csv", dropColumn(8), []string{"t.csv", "kind"}},
		{"empty file", "t.csv", header + "\n", []string{"t.csv"}},
		{"0-byte file", "t.csv", "", []string{"t.csv"}},
		{"bad UTF-16", "t.csv", utf16le.String(), []string{"t.csv", "invalid UTF-16"}},
		{"truncated XLSX", "t.xlsx", string(xlsx[:len(xlsx)/2]), []string{"t.xlsx"}},
		{"ragged CSV row", "t.csv", with(4, strings.Join(strings.Split(good[4], ",")[:10], ",")), []string{"t.csv:6"}},
	}
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		importUnits(t, db)
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				res, err := db.ImportTickets(context.Background(), c.file, strings.NewReader(c.data), store.ImportOptions{Actor: "test"})
				if err == nil {
					t.Fatalf("no error; result %+v", res)
				}
				t.Log(err)
				if code := scoring.ErrorCode(err); code != scoring.Invalid {
					t.Errorf("code %s, want invalid: %v", code, err)
				}
				for _, w := range c.want {
					if !strings.Contains(err.Error(), w) {
						t.Errorf("error %q does not mention %q", err, w)
					}
				}
				if n := count(t, db); n != 0 {
					t.Errorf("stored %d assignments, want none", n)
				}
				if n := batches(t, db); n != 1 {
					t.Errorf("%d batches, want only the units batch", n)
				}
			})
		}
	})
}

func TestKeepValidStoresTheValidRowsOnly(t *testing.T) {
	header, lines := workedLines(t)
	ls := append([]string(nil), lines[:10]...)
	ls[3] = setField(ls[3], 1, "NOPE")         // row 5: unknown unit
	ls = append(ls, setField(ls[5], 15, "满意")) // row 12: duplicate of row 7, other values
	file := header + "\n" + strings.Join(ls, "\n") + "\n"
	earlier := header + "\n" + strings.Join(lines[20:40], "\n") + "\n"
	for _, c := range []struct {
		name   string
		before string // imported first
		stored int64
	}{
		{"into an empty table", "", 9},
		{"into a table with rows", earlier, 29},
	} {
		t.Run(c.name, func(t *testing.T) {
			storetest.EachDB(t, func(t *testing.T, db *store.DB) {
				importUnits(t, db)
				ctx := context.Background()
				if c.before != "" {
					if _, err := db.ImportTickets(ctx, "earlier.csv", strings.NewReader(c.before), store.ImportOptions{}); err != nil {
						t.Fatal(err)
					}
				}
				res, err := db.ImportTickets(ctx, "t.csv", strings.NewReader(file), store.ImportOptions{Actor: "test", KeepValid: true})
				if err != nil {
					t.Fatal(err)
				}
				if res.Read != 11 || res.Invalid != 2 || res.Inserted != 9 || res.Report == nil || len(res.Report.Errors) != 2 {
					t.Fatalf("got %+v (report %+v), want 11 read, 2 invalid, 9 inserted", res, res.Report)
				}
				if n := count(t, db); n != c.stored {
					t.Errorf("stored %d, want %d", n, c.stored)
				}
				// The first of the duplicated rows is kept.
				dir, _ := db.Directory(ctx)
				f := strings.Split(lines[5], ",")
				a, err := db.Assignment(ctx, dir, f[0], f[1])
				if err != nil {
					t.Fatal(err)
				}
				want, err := scoring.ParseSatisfaction(f[15])
				if err != nil {
					t.Fatal(err)
				}
				if a.Satisfaction != want {
					t.Errorf("kept satisfaction %s, want the first row's %s", a.Satisfaction, want)
				}
			})
		})
	}
}

func TestTicketsNeedUnitsFirst(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		_, err := db.ImportTickets(context.Background(), "t.csv", bytes.NewReader(readFile(t, worked+"/tickets.csv")), store.ImportOptions{})
		if scoring.ErrorCode(err) != scoring.Invalid || !strings.Contains(err.Error(), "units") {
			t.Errorf("got %v, want an invalid error asking for units", err)
		}
	})
}

func TestUnitChangesAreAudited(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		importWorked(t, db)
		ctx := context.Background()
		data := strings.Replace(string(readFile(t, worked+"/units.csv")), "52000", "53000", 1) + "X01,新单位,street,,100\n"
		res, err := db.ImportUnits(ctx, "units-v2.csv", strings.NewReader(data), store.ImportOptions{Actor: "bob"})
		if err != nil {
			t.Fatal(err)
		}
		if res.Inserted != 1 || res.Updated != 1 || res.Unchanged != 8 {
			t.Fatalf("got %+v, want 1 inserted, 1 updated, 8 unchanged", res)
		}
		us, err := db.Units(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(us) != 10 || us[0].Code != "S01" || us[0].Population != 53000 || us[9].Code != "X01" {
			t.Errorf("units: got %+v", us)
		}
		es, _ := db.Audit(ctx, store.AuditFilter{Entity: store.EntityUnit, Key: "S01"})
		if len(es) != 1 || !strings.Contains(string(es[0].Before), "52000") || !strings.Contains(string(es[0].After), "53000") {
			t.Errorf("audit: got %+v", es)
		}
		// A unit named like another unit's code breaks the directory: refused, nothing stored.
		_, err = db.ImportUnits(ctx, "bad.csv", strings.NewReader("code,name,group\nX02,S01,street\n"), store.ImportOptions{})
		if scoring.ErrorCode(err) != scoring.Invalid {
			t.Errorf("got %v, want invalid", err)
		}
		if us, _ := db.Units(ctx); len(us) != 10 {
			t.Errorf("%d units after a refused import, want 10", len(us))
		}
	})
}
