package store_test

import (
	"context"
	"encoding/json"
	"strings"
	"sync"
	"testing"

	"sanlv/scoring"
	"sanlv/store"
	"sanlv/store/storetest"
)

func TestAdjustmentsAddListRevoke(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		importUnits(t, db)
		ctx := context.Background()
		added, err := db.AddAdjustments(ctx, []scoring.Adjustment{
			{Unit: "D02", Period: "2025-10", Label: "质量抽检", Points: -1.5, Reason: "抽检:未联系即办结"},
			{Unit: "城关街道", Period: "2025-10", Label: "创新加分", Points: 2, Reason: "案例"},
			{Unit: "D02", Period: "2025-09", Label: "专项工作", Points: 1, Reason: "防汛"},
		}, "alice", "import adjustments.csv")
		if err != nil {
			t.Fatal(err)
		}
		if added[1].Unit != "S01" || added[0].CreatedBy != "alice" || added[0].ID == 0 {
			t.Errorf("added: %+v", added)
		}
		rev, err := db.RevokeAdjustment(ctx, added[0].ID, "复核有误", "bob")
		if err != nil {
			t.Fatal(err)
		}
		if rev.Label != "撤销" || rev.Points != 1.5 || rev.Unit != "D02" || rev.Period != "2025-10" || rev.Revokes == nil || *rev.Revokes != added[0].ID {
			t.Errorf("revocation: %+v", rev)
		}
		got, err := db.Adjustments(ctx, store.AdjustmentFilter{Periods: []string{"2025-10"}, Unit: "D02"})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 || got[0].ID != added[0].ID || got[0].RevokedBy == nil || *got[0].RevokedBy != rev.ID || got[1].ID != rev.ID {
			t.Fatalf("D02 in 2025-10: %+v", got)
		}
		if sum := got[0].Points + got[1].Points; sum != 0 {
			t.Errorf("an adjustment and its revocation sum to %v, want 0", sum)
		}
		all, err := db.Adjustments(ctx, store.AdjustmentFilter{})
		if err != nil || len(all) != 4 {
			t.Errorf("all: %d, %v", len(all), err)
		}
		_, err = db.RevokeAdjustment(ctx, added[0].ID, "再撤销", "bob")
		if scoring.ErrorCode(err) != scoring.Conflict {
			t.Errorf("second revocation: got %v, want conflict", err)
		}
		if _, err := db.RevokeAdjustment(ctx, rev.ID, "撤销撤销", "bob"); scoring.ErrorCode(err) != scoring.Invalid {
			t.Errorf("revoking a revocation: got %v, want invalid", err)
		}
		if _, err := db.RevokeAdjustment(ctx, 9999, "x", "bob"); scoring.ErrorCode(err) != scoring.NotFound {
			t.Errorf("unknown id: got %v, want not found", err)
		}
		es, err := db.Audit(ctx, store.AuditFilter{Entity: store.EntityAdjustment})
		if err != nil || len(es) != 5 { // three adds, the revocation, the mark on the original
			t.Errorf("audit: %d entries, %v", len(es), err)
		}
	})
}

func TestAdjustmentsRefuseBadInputAndStoreNothing(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		importUnits(t, db)
		ctx := context.Background()
		ok := scoring.Adjustment{Unit: "S01", Period: "2025-10", Label: "加分", Points: 1, Reason: "r"}
		for _, c := range []struct {
			name string
			bad  scoring.Adjustment
		}{
			{"unknown unit", scoring.Adjustment{Unit: "X99", Period: "2025-10", Label: "加分", Points: 1, Reason: "r"}},
			{"bad period", scoring.Adjustment{Unit: "S01", Period: "2025-13", Label: "加分", Points: 1, Reason: "r"}},
			{"no label", scoring.Adjustment{Unit: "S01", Period: "2025-10", Points: 1, Reason: "r"}},
			{"no reason", scoring.Adjustment{Unit: "S01", Period: "2025-10", Label: "加分", Points: 1}},
		} {
			if _, err := db.AddAdjustments(ctx, []scoring.Adjustment{ok, c.bad}, "alice", ""); scoring.ErrorCode(err) != scoring.Invalid {
				t.Errorf("%s: got %v, want invalid", c.name, err)
			}
		}
		if all, _ := db.Adjustments(ctx, store.AdjustmentFilter{}); len(all) != 0 {
			t.Errorf("stored %d adjustments from refused batches", len(all))
		}
	})
}

func TestConcurrentRevocationsOneWins(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		importUnits(t, db)
		ctx := context.Background()
		a, err := db.AddAdjustment(ctx, scoring.Adjustment{Unit: "S01", Period: "2025-10", Label: "扣分", Points: -2, Reason: "r"}, "alice")
		if err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		errs := make([]error, 4)
		for i := range errs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, errs[i] = db.RevokeAdjustment(ctx, a.ID, "并发", "bob")
			}()
		}
		wg.Wait()
		wins := 0
		for _, err := range errs {
			switch {
			case err == nil:
				wins++
			case scoring.ErrorCode(err) == scoring.Conflict:
			case !db.Postgres():
				// SQLite serialises writers; a busy writer may fail otherwise, but never twice-revoke.
			default:
				t.Errorf("revocation: %v", err)
			}
		}
		all, _ := db.Adjustments(ctx, store.AdjustmentFilter{})
		if wins != 1 || len(all) != 2 {
			t.Errorf("%d revocations succeeded, %d records; want 1 and 2", wins, len(all))
		}
	})
}

func TestEditionInputsIncludeThePeriodsAdjustments(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		importWorked(t, db)
		ctx := context.Background()
		per := month(t, policy(t, "district-2025"), "2025-10")[0]
		plain, rows, err := db.Digest(ctx, per.Start, per.End)
		if err != nil {
			t.Fatal(err)
		}
		none, n, err := db.DigestPeriod(ctx, per, nil)
		if err != nil || none != plain || n != rows {
			t.Fatalf("no adjustments: digest %s (%d rows), want the rows' %s (%d)", none, n, plain, rows)
		}
		a, err := db.AddAdjustment(ctx, scoring.Adjustment{Unit: "S01", Period: "2025-10", Label: "加分", Points: 1, Reason: "r"}, "alice")
		if err != nil {
			t.Fatal(err)
		}
		with, _, _ := db.DigestPeriod(ctx, per, nil)
		if with == plain {
			t.Error("an adjustment of the period leaves the digest unchanged")
		}
		if _, err := db.RevokeAdjustment(ctx, a.ID, "错", "alice"); err != nil {
			t.Fatal(err)
		}
		revoked, _, _ := db.DigestPeriod(ctx, per, nil)
		if revoked == with || revoked == plain {
			t.Error("a revocation leaves the digest unchanged")
		}
		if _, err := db.AddAdjustment(ctx, scoring.Adjustment{Unit: "S01", Period: "2025-09", Label: "加分", Points: 1, Reason: "r"}, "alice"); err != nil {
			t.Fatal(err)
		}
		if other, _, _ := db.DigestPeriod(ctx, per, nil); other != revoked {
			t.Error("digest changed by another period's adjustment")
		}
	})
}

func TestPublishedEditionKeepsTheAdjustmentsItUsed(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		importWorked(t, db)
		ctx := context.Background()
		p := policy(t, "district-2025")
		if _, err := db.AddAdjustment(ctx, scoring.Adjustment{Unit: "S01", Period: "2025-10", Label: "创新加分", Points: 1, Reason: "案例"}, "alice"); err != nil {
			t.Fatal(err)
		}
		card, err := db.Card(ctx, p, "2025-10")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.Publish(ctx, "2025-10", p, card, "alice"); err != nil {
			t.Fatal(err)
		}
		if _, err := db.AddAdjustment(ctx, scoring.Adjustment{Unit: "S01", Period: "2025-10", Label: "媒体表扬", Points: 2, Reason: "报道"}, "alice"); err != nil {
			t.Fatal(err)
		}
		e, err := db.Edition(ctx, "2025-10", 1)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(e.Card), "创新加分") || strings.Contains(string(e.Card), "媒体表扬") {
			t.Errorf("edition 1 should carry the first adjustment only: %.300s", e.Card)
		}
		now, err := db.Card(ctx, p, "2025-10")
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := json.Marshal(now)
		if !strings.Contains(string(raw), "媒体表扬") {
			t.Error("the card scored now leaves out the later adjustment")
		}
	})
}

// TestAdjustmentTextQuotingAPhoneIsStoredMasked records adjustments whose label, reason, audit note and
// revocation quote a caller's phone: the stored records and the audit log show it masked only, as the
// scorecards and the bulletin that print them must.
func TestAdjustmentTextQuotingAPhoneIsStoredMasked(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		importUnits(t, db)
		ctx := context.Background()
		added, err := db.AddAdjustments(ctx, []scoring.Adjustment{
			{Unit: "S01", Period: "2025-10", Label: "抽检 13812345678", Points: -1, Reason: "回访市民 138-1234-5678 不满意"},
			{Unit: "S01", Period: "2025-10", Label: "加分", Points: 1, Reason: "工单 T2025100300123 表扬"},
		}, "alice", "import 市民13812345678反映")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.RevokeAdjustment(ctx, added[0].ID, "误录 010-65123456", "bob"); err != nil {
			t.Fatal(err)
		}
		got, err := db.Adjustments(ctx, store.AdjustmentFilter{Unit: "S01"})
		if err != nil {
			t.Fatal(err)
		}
		want := [][2]string{{"抽检 138****5678", "回访市民 138****5678 不满意"}, {"加分", "工单 T2025100300123 表扬"}, {"撤销", "误录 010****3456"}}
		if len(got) != len(want) {
			t.Fatalf("%d adjustments, want %d", len(got), len(want))
		}
		for i, w := range want {
			if got[i].Label != w[0] || got[i].Reason != w[1] {
				t.Errorf("adjustment %d: label %q, reason %q; want %q, %q", i+1, got[i].Label, got[i].Reason, w[0], w[1])
			}
		}
		log, err := db.Audit(ctx, store.AuditFilter{Entity: store.EntityAdjustment})
		if err != nil {
			t.Fatal(err)
		}
		b, _ := json.Marshal(log)
		if s := string(b); strings.Contains(s, "13812345678") || strings.Contains(s, "1234-5678") || strings.Contains(s, "65123456") ||
			!strings.Contains(s, "市民138****5678反映") {
			t.Errorf("audit log: %s", s)
		}
	})
}
