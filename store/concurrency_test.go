package store_test

import (
	"context"
	"strconv"
	"strings"
	"sync"
	"testing"

	"sanlv/scoring"
	"sanlv/store"
	"sanlv/store/storetest"
)

// TestSimultaneousDecisionsHaveExactlyOneWinner fires an approval (exclude) and a rejection of the same
// appeal at the same moment, for many appeals: exactly one of each pair succeeds, the other is a
// Conflict, and the assignment is excluded exactly when the approval won.
func TestSimultaneousDecisionsHaveExactlyOneWinner(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		importWorked(t, db)
		ctx := context.Background()
		dir, err := db.Directory(ctx)
		if err != nil {
			t.Fatal(err)
		}
		type key struct{ ticket, unit string }
		var open []key
		err = db.Stream(ctx, dir, store.Query{Ordered: true}, func(a *scoring.Assignment) error {
			if !a.Excluded && len(open) < 24 {
				open = append(open, key{a.TicketID, dir.Unit(a.Unit).Code})
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(open) < 24 {
			t.Fatalf("only %d assignments not excluded", len(open))
		}
		type outcome struct {
			approveErr, rejectErr error
		}
		ids := make([]int64, len(open))
		for i, k := range open {
			a, err := db.FileAppeal(ctx, k.ticket, k.unit, "不属本单位", "unit:"+k.unit)
			if err != nil {
				t.Fatal(err)
			}
			ids[i] = a.ID
		}
		out := make([]outcome, len(open))
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := range open {
			wg.Add(2)
			go func() {
				defer wg.Done()
				<-start
				_, out[i].approveErr = db.DecideAppeal(ctx, ids[i], true, "同意", store.AppealAction{Exclude: true, Reason: "非本单位职责"}, "office")
			}()
			go func() {
				defer wg.Done()
				<-start
				_, out[i].rejectErr = db.DecideAppeal(ctx, ids[i], false, "驳回", store.AppealAction{}, "committee")
			}()
		}
		close(start)
		wg.Wait()
		approved := 0
		for i, k := range open {
			o := out[i]
			approveWon := o.approveErr == nil
			if approveWon == (o.rejectErr == nil) {
				t.Fatalf("appeal %d: approve err %v, reject err %v: want exactly one winner", ids[i], o.approveErr, o.rejectErr)
			}
			loser := o.rejectErr
			if !approveWon {
				loser = o.approveErr
			}
			if scoring.ErrorCode(loser) != scoring.Conflict {
				t.Errorf("appeal %d: the loser got %v, want a Conflict", ids[i], loser)
			}
			a, err := db.Appeal(ctx, ids[i])
			if err != nil {
				t.Fatal(err)
			}
			want := store.AppealRejected
			if approveWon {
				want = store.AppealApproved
				approved++
			}
			if a.Status != want {
				t.Errorf("appeal %d is %s, want %s", ids[i], a.Status, want)
			}
			got, err := db.Assignment(ctx, dir, k.ticket, k.unit)
			if err != nil {
				t.Fatal(err)
			}
			if got.Excluded != approveWon {
				t.Errorf("appeal %d (%s/%s): excluded %v, but the approval won: %v", ids[i], k.ticket, k.unit, got.Excluded, approveWon)
			}
			es, err := db.Audit(ctx, store.AuditFilter{Entity: store.EntityAppeal, Key: strconv.FormatInt(ids[i], 10), Action: store.ActionAppealDecide})
			if err != nil {
				t.Fatal(err)
			}
			if len(es) != 1 {
				t.Errorf("appeal %d: %d decision audit entries, want 1", ids[i], len(es))
			}
		}
		es, err := db.Audit(ctx, store.AuditFilter{Action: store.ActionExclude})
		if err != nil {
			t.Fatal(err)
		}
		if len(es) != approved {
			t.Errorf("%d exclusion audit entries, want one per approval won (%d)", len(es), approved)
		}
		t.Logf("%d pairs: %d approvals won, %d rejections", len(open), approved, len(open)-approved)
	})
}

// TestAppealOnAnExcludedAssignment refuses to file or approve an appeal on an assignment already excluded.
func TestAppealOnAnExcludedAssignment(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		importWorked(t, db)
		ctx := context.Background()
		a, err := db.FileAppeal(ctx, "T0100098", "E01", "不属本单位", "unit:E01")
		if err != nil {
			t.Fatal(err)
		}
		if err := db.Exclude(ctx, "T0100098", "E01", "非本单位职责", "office"); err != nil {
			t.Fatal(err)
		}
		if _, err := db.DecideAppeal(ctx, a.ID, true, "同意", store.AppealAction{Exclude: true, Reason: "r"}, "office"); scoring.ErrorCode(err) != scoring.Conflict {
			t.Errorf("approving on an excluded assignment: %v, want a Conflict", err)
		}
		if got, _ := db.Appeal(ctx, a.ID); got.Status != store.AppealPending {
			t.Errorf("the refused approval left the appeal %s", got.Status)
		}
		if _, err := db.DecideAppeal(ctx, a.ID, false, "已剔除", store.AppealAction{}, "office"); err != nil {
			t.Errorf("rejecting: %v", err)
		}
		if _, err := db.FileAppeal(ctx, "T0100098", "E01", "again", "unit:E01"); scoring.ErrorCode(err) != scoring.Conflict {
			t.Errorf("filing on an excluded assignment: %v, want a Conflict", err)
		}
	})
}

// TestDataVersionRisesWithEveryResultChange checks which writes raise the data version.
func TestDataVersionRisesWithEveryResultChange(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		v0, err := db.DataVersion(ctx)
		if err != nil {
			t.Fatal(err)
		}
		importWorked(t, db) // units, then tickets: two raises
		v1, _ := db.DataVersion(ctx)
		if v1 != v0+2 {
			t.Errorf("after two imports: version %d, want %d", v1, v0+2)
		}
		if err := db.Exclude(ctx, "T0100098", "E01", "非本单位职责", "office"); err != nil {
			t.Fatal(err)
		}
		if err := db.Exclude(ctx, "T0100098", "E01", "非本单位职责", "office"); err != nil { // changes nothing
			t.Fatal(err)
		}
		v2, _ := db.DataVersion(ctx)
		if v2 != v1+1 {
			t.Errorf("after one exclusion and a repeat: version %d, want %d", v2, v1+1)
		}
		a, _ := db.FileAppeal(ctx, "T0100102", "E01", "不服", "unit:E01")
		if _, err := db.DecideAppeal(ctx, a.ID, false, "证据不足", store.AppealAction{}, "office"); err != nil {
			t.Fatal(err)
		}
		if v3, _ := db.DataVersion(ctx); v3 != v2 {
			t.Errorf("filing and rejecting an appeal raised the version %d → %d", v2, v3)
		}
	})
}

// TestPublishingSucceedsWhileWritesRun publishes again and again while exclusions are written without
// pause: each publish freezes the state its one read saw, and none is refused for the writes.
func TestPublishingSucceedsWhileWritesRun(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		importWorked(t, db)
		ctx, cancel := context.WithCancel(context.Background())
		p := policy(t, "district-2025")
		done := make(chan int)
		go func() {
			n := 0
			for ; ctx.Err() == nil; n++ {
				var err error
				if n%2 == 0 {
					err = db.Exclude(ctx, "T0100098", "E01", "非本单位职责", "office")
				} else {
					err = db.Include(ctx, "T0100098", "E01", "复核后恢复", "office")
				}
				if err != nil && ctx.Err() == nil {
					t.Errorf("write %d: %v", n, err)
				}
			}
			done <- n
		}()
		for i := range 6 {
			e, err := db.PublishLive(context.Background(), "2025-10", p, "office")
			if err != nil && scoring.ErrorCode(err) == scoring.Conflict && strings.Contains(err.Error(), "already has") {
				continue // the writes happened to restore the state of the last edition
			}
			if err != nil {
				t.Fatalf("publish %d while writes run: %v", i, err)
			}
			if e.Number < 1 {
				t.Errorf("edition %+v", e)
			}
		}
		cancel()
		if n := <-done; n < 2 {
			t.Errorf("only %d writes ran beside the publishes", n)
		}
	})
}
