package store_test

import (
	"context"
	"strings"
	"testing"

	"sanlv/scoring"
	"sanlv/store"
	"sanlv/store/storetest"
)

const cn2027 = "name: cn-2027\nyear: 2027\nholidays:\n  - 2027-01-01\n  - 2027-02-06..2027-02-12\nworkdays:\n  - 2027-02-14\n"

func TestCalendarsImportListAndOverrideRefusal(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		rec, changed, err := db.ImportCalendar(ctx, "cn-2027.yaml", []byte(cn2027), false, "alice")
		if err != nil || !changed || rec.Name != "cn-2027" || rec.Year != 2027 || rec.Replaces {
			t.Fatalf("import: %+v %v %v", rec, changed, err)
		}
		if _, changed, err := db.ImportCalendar(ctx, "cn-2027.yaml", []byte(cn2027), false, "alice"); err != nil || changed {
			t.Errorf("same content again: changed %v, %v", changed, err)
		}
		other := strings.Replace(cn2027, "  - 2027-01-01\n", "", 1)
		if _, _, err := db.ImportCalendar(ctx, "cn-2027b.yaml", []byte(other), false, "alice"); scoring.ErrorCode(err) != scoring.Conflict ||
			!strings.Contains(err.Error(), "--replace") {
			t.Errorf("another cn-2027 without --replace: got %v, want a conflict naming --replace", err)
		}
		shippedName := "name: cn-2025\nyear: 2025\nholidays: [2025-01-01]\nworkdays: []\n"
		if _, _, err := db.ImportCalendar(ctx, "cn-2025.yaml", []byte(shippedName), false, "alice"); scoring.ErrorCode(err) != scoring.Conflict ||
			!strings.Contains(err.Error(), "shipped") {
			t.Errorf("a shipped name without --replace: got %v", err)
		}
		if _, _, err := db.ImportCalendar(ctx, "bad.yaml", []byte("name: x\nyear: 2027\nholidays: [2027-13-01]\n"), false, "alice"); scoring.ErrorCode(err) != scoring.Invalid {
			t.Errorf("a bad date: got %v, want invalid", err)
		}
		list, err := db.Calendars(ctx)
		if err != nil {
			t.Fatal(err)
		}
		origin := map[string]string{}
		for _, c := range list {
			origin[c.Name] = c.Origin
			if c.Name == "cn-2027" && (c.Holidays != 8 || c.Workdays != 1 || c.ImportedBy != "alice") {
				t.Errorf("cn-2027 listed as %+v, want 8 holidays, 1 make-up day, by alice", c)
			}
		}
		if origin["cn-2027"] != "stored" || origin["cn-2025"] != "shipped" || origin["us-2026"] != "shipped" {
			t.Errorf("origins: %v", origin)
		}
		// With --replace the stored calendar overrides the shipped one, for policies too.
		rec, changed, err = db.ImportCalendar(ctx, "cn-2025.yaml", []byte(shippedName), true, "bob")
		if err != nil || !changed || !rec.Replaces {
			t.Fatalf("replace cn-2025: %+v %v %v", rec, changed, err)
		}
		if list, _ = db.Calendars(ctx); len(list) != len(origin) {
			t.Errorf("after replace: %d calendars, want %d", len(list), len(origin))
		}
		es, err := db.Audit(ctx, store.AuditFilter{Entity: store.EntityCalendar})
		if err != nil || len(es) != 2 {
			t.Errorf("audit: %d entries, %v", len(es), err)
		}
		policy := "name: p\nversion: v1\ncalendar: [cn-2026, cn-2027]\nresponse: {mode: callback}\n" +
			"deadlines: {limits: {emergency: 2h, priority: 24h, normal: 7wd, complex: 15wd}}\n"
		if _, err := db.SavePolicy(ctx, []byte(policy), "alice"); err != nil {
			t.Errorf("a policy naming the stored cn-2027: %v", err)
		}
	})
}
