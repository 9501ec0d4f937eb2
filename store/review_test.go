package store_test

import (
	"bytes"
	"context"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"sanlv/scoring"
	"sanlv/store"
	"sanlv/store/storetest"
)

// unitCard returns a unit's scorecard for 2025-10 under the district policy.
func unitCard(t *testing.T, db *store.DB, code string) scoring.Scorecard {
	t.Helper()
	p := policy(t, "district-2025")
	b, err := db.Book(context.Background(), p, month(t, p, "2025-10"))
	if err != nil {
		t.Fatal(err)
	}
	c := b.Card(0)
	return *c.Unit(code)
}

// imported reads the stored (imported) values of an assignment, bypassing overrides.
func imported(t *testing.T, db *store.DB, ticket, unit string) (excluded bool, satisfaction int) {
	t.Helper()
	err := db.Bun().NewSelect().Table("assignments").Column("excluded", "satisfaction").
		Where("ticket_id = ? AND unit = ?", ticket, unit).Scan(context.Background(), &excluded, &satisfaction)
	if err != nil {
		t.Fatal(err)
	}
	return excluded, satisfaction
}

func TestExclusionIsAuditedAndKeepsTheImportedValues(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		importWorked(t, db)
		ctx := context.Background()
		before := unitCard(t, db, "E01")
		if err := db.Exclude(ctx, "T0100098", "E01", "非本单位职责", "office"); err != nil {
			t.Fatal(err)
		}
		after := unitCard(t, db, "E01")
		if after.Counts.Excluded != before.Counts.Excluded+1 || after.Counts.Eligible != before.Counts.Eligible-1 {
			t.Errorf("counts: before %+v, after %+v: want one more excluded, one fewer eligible", before.Counts, after.Counts)
		}
		dir, _ := db.Directory(ctx)
		a, _ := db.Assignment(ctx, dir, "T0100098", "E01")
		if !a.Excluded || a.ExcludeReason != "非本单位职责" {
			t.Errorf("assignment: excluded %v reason %q", a.Excluded, a.ExcludeReason)
		}
		if ex, _ := imported(t, db, "T0100098", "E01"); ex {
			t.Error("the imported value was overwritten")
		}
		es, err := db.Audit(ctx, store.AuditFilter{Key: "T0100098/E01", Action: store.ActionExclude})
		if err != nil {
			t.Fatal(err)
		}
		if len(es) != 1 || es[0].Actor != "office" || es[0].Why != "非本单位职责" ||
			!strings.Contains(spaced(es[0].Before), `"excluded": false`) || !strings.Contains(spaced(es[0].After), `"excluded": true`) {
			t.Errorf("audit: %+v", es)
		}
		// Re-importing the file does not undo the decision.
		if _, err := db.ImportTickets(ctx, "tickets.csv", bytes.NewReader(readFile(t, worked+"/tickets.csv")), store.ImportOptions{}); err != nil {
			t.Fatal(err)
		}
		if a, _ := db.Assignment(ctx, dir, "T0100098", "E01"); !a.Excluded {
			t.Error("re-import undid the exclusion")
		}
		// The same exclusion again changes nothing and writes nothing.
		if err := db.Exclude(ctx, "T0100098", "E01", "非本单位职责", "office"); err != nil {
			t.Fatal(err)
		}
		if es, _ := db.Audit(ctx, store.AuditFilter{Key: "T0100098/E01"}); len(es) != 1 {
			t.Errorf("%d audit entries after a repeated exclusion, want 1", len(es))
		}
		if err := db.Include(ctx, "T0100098", "E01", "复核撤销", "office"); err != nil {
			t.Fatal(err)
		}
		if got := unitCard(t, db, "E01"); got.Counts != before.Counts {
			t.Errorf("after include: %+v, want %+v", got.Counts, before.Counts)
		}
	})
}

func TestExclusionAndCorrectionErrors(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		importWorked(t, db)
		ctx := context.Background()
		sat := scoring.Satisfaction(9)
		for _, c := range []struct {
			name string
			err  error
			code string
		}{
			{"exclusion without reason", db.Exclude(ctx, "T0100098", "E01", " ", "x"), scoring.Invalid},
			{"unknown assignment", db.Exclude(ctx, "T0", "E01", "r", "x"), scoring.NotFound},
			{"empty correction", db.CorrectCallback(ctx, "T0100098", "E01", store.Correction{}, "why", "x"), scoring.Invalid},
			{"unknown level", db.CorrectCallback(ctx, "T0100098", "E01", store.Correction{Satisfaction: &sat}, "why", "x"), scoring.Invalid},
			{"correction without why", db.CorrectCallback(ctx, "T0100098", "E01", store.Correction{CallbackValid: new(bool)}, "", "x"), scoring.Invalid},
		} {
			if got := scoring.ErrorCode(c.err); got != c.code {
				t.Errorf("%s: got %v (%s), want %s", c.name, c.err, got, c.code)
			}
		}
	})
}

func TestCallbackCorrectionChangesTheScore(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		importWorked(t, db)
		ctx := context.Background()
		// T0100098/E01: valid callback, resolved, very satisfied. Corrected: unresolved and dissatisfied.
		before := unitCard(t, db, "E01")
		var c store.Correction
		if err := json.Unmarshal([]byte(`{"resolution": "未解决", "satisfaction": "dissatisfied"}`), &c); err != nil {
			t.Fatal(err)
		}
		if err := db.CorrectCallback(ctx, "T0100098", "E01", c, "回访录音复核", "office"); err != nil {
			t.Fatal(err)
		}
		after := unitCard(t, db, "E01")
		if after.Rates.Resolution.Num != before.Rates.Resolution.Num-1 || after.Rates.Satisfaction.Num != before.Rates.Satisfaction.Num-1 {
			t.Errorf("resolution %v→%v, satisfaction %v→%v: want each numerator one lower",
				before.Rates.Resolution.Num, after.Rates.Resolution.Num, before.Rates.Satisfaction.Num, after.Rates.Satisfaction.Num)
		}
		if !reflect.DeepEqual(after.RawRates, before.RawRates) {
			t.Errorf("raw rates %+v → %+v: they read the answers as imported (SPEC §13.8)", before.RawRates, after.RawRates)
		}
		if _, s := imported(t, db, "T0100098", "E01"); s != int(scoring.VerySatisfied) {
			t.Errorf("imported satisfaction %d was overwritten", s)
		}
		es, _ := db.Audit(ctx, store.AuditFilter{Key: "T0100098/E01", Action: store.ActionCorrect})
		if len(es) != 1 || !strings.Contains(spaced(es[0].Before), `"resolution": "resolved"`) ||
			!strings.Contains(spaced(es[0].After), `"resolution": "unresolved"`) || es[0].Why != "回访录音复核" {
			t.Errorf("audit: %+v", es)
		}
	})
}

func TestAppealLifecycle(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		importWorked(t, db)
		ctx := context.Background()
		a, err := db.FileAppeal(ctx, "T0100098", "E01", "市民诉求不属本单位", "unit:E01")
		if err != nil {
			t.Fatal(err)
		}
		if a.ID == 0 || a.Status != store.AppealPending {
			t.Fatalf("filed: %+v", a)
		}
		if _, err := db.FileAppeal(ctx, "T0100098", "E01", "again", "unit:E01"); scoring.ErrorCode(err) != scoring.Conflict {
			t.Errorf("second pending appeal: got %v, want conflict", err)
		}
		if _, err := db.FileAppeal(ctx, "T0", "E01", "r", "unit:E01"); scoring.ErrorCode(err) != scoring.NotFound {
			t.Errorf("appeal on a missing assignment: got %v, want not_found", err)
		}
		if _, err := db.DecideAppeal(ctx, a.ID, true, "同意", store.AppealAction{}, "committee"); scoring.ErrorCode(err) != scoring.Invalid {
			t.Errorf("approval without action: got %v, want invalid", err)
		}
		d, err := db.DecideAppeal(ctx, a.ID, true, "同意剔除", store.AppealAction{Exclude: true, Reason: "非本单位职责"}, "committee")
		if err != nil {
			t.Fatal(err)
		}
		if d.Status != store.AppealApproved || d.DecidedBy != "committee" || d.DecidedAt.IsZero() || !strings.Contains(string(d.Action), "非本单位职责") {
			t.Errorf("decided: %+v", d)
		}
		if _, err := db.DecideAppeal(ctx, a.ID, false, "", store.AppealAction{}, "committee"); scoring.ErrorCode(err) != scoring.Conflict {
			t.Errorf("second decision: got %v, want conflict", err)
		}
		dir, _ := db.Directory(ctx)
		if x, _ := db.Assignment(ctx, dir, "T0100098", "E01"); !x.Excluded {
			t.Error("approved exclusion not applied")
		}
		es, _ := db.Audit(ctx, store.AuditFilter{Key: "T0100098/E01", Action: store.ActionExclude})
		if len(es) != 1 || !strings.Contains(es[0].Why, "appeal") || es[0].Actor != "committee" {
			t.Errorf("exclusion audit: %+v", es)
		}
		// A rejected appeal changes nothing.
		b, _ := db.FileAppeal(ctx, "T0100102", "E01", "不服", "unit:E01")
		r, err := db.DecideAppeal(ctx, b.ID, false, "证据不足", store.AppealAction{}, "committee")
		if err != nil || r.Status != store.AppealRejected || r.Comment != "证据不足" {
			t.Errorf("rejected: %+v %v", r, err)
		}
		if x, _ := db.Assignment(ctx, dir, "T0100102", "E01"); x.Excluded {
			t.Error("rejected appeal excluded the assignment")
		}
		list, err := db.Appeals(ctx, store.AppealFilter{Unit: "E01"})
		if err != nil || len(list) != 2 {
			t.Errorf("appeals: %d %v, want 2", len(list), err)
		}
		if got, err := db.Appeal(ctx, a.ID); err != nil || got.Status != store.AppealApproved {
			t.Errorf("appeal: %+v %v", got, err)
		}
		if _, err := db.Appeal(ctx, 999); scoring.ErrorCode(err) != scoring.NotFound {
			t.Errorf("missing appeal: %v", err)
		}
	})
}
