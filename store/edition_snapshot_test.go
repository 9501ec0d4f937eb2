package store_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"sanlv/scoring"
	"sanlv/store"
	"sanlv/store/storetest"
)

// TestAnEditionPublishedWhileWritesRunIsOneState publishes while an exclusion is toggled without
// pause: every edition's digest, scorecards and 扣分明细 must all be those of one state of the data —
// the edition published when that state stood alone — never a digest of one state with the card or
// the point lines of the other.
func TestAnEditionPublishedWhileWritesRunIsOneState(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		importWorked(t, db)
		ctx := context.Background()
		p := policy(t, "district-2025")
		// The two states, each published alone: T0100098/E01 (closed late) counted, then excluded.
		ref := map[string]store.Edition{}
		for i, exclude := range []bool{false, true} {
			if exclude {
				if err := db.Exclude(ctx, "T0100098", "E01", "非本单位职责", "office"); err != nil {
					t.Fatal(err)
				}
			}
			e, err := db.PublishLive(ctx, "2025-10", p, "office")
			if err != nil {
				t.Fatal(err)
			}
			full, err := db.Edition(ctx, "2025-10", e.Number)
			if err != nil {
				t.Fatal(err)
			}
			ref[full.InputDigest] = full
			if i == 1 && len(ref) != 2 {
				t.Fatal("excluding T0100098/E01 left the digest unchanged")
			}
		}
		var cards []string
		for _, e := range ref {
			cards = append(cards, string(e.Card))
		}
		if cards[0] == cards[1] {
			t.Fatal("excluding T0100098/E01 left the card unchanged: the test would prove nothing")
		}

		wctx, cancel := context.WithTimeout(ctx, 20*time.Second)
		defer cancel()
		done := make(chan int)
		go func() {
			n := 0
			for ; wctx.Err() == nil; n++ {
				if n%2 == 0 {
					_ = db.Include(wctx, "T0100098", "E01", "复核后恢复", "office")
				} else {
					_ = db.Exclude(wctx, "T0100098", "E01", "非本单位职责", "office")
				}
			}
			done <- n
		}()
		var published []int
		for range 12 {
			e, err := db.PublishLive(wctx, "2025-10", p, "office")
			if err != nil && scoring.ErrorCode(err) == scoring.Conflict && strings.Contains(err.Error(), "already has") {
				continue
			}
			if err != nil {
				t.Fatalf("publish while writes run: %v", err)
			}
			published = append(published, e.Number)
		}
		cancel()
		<-done
		for _, n := range published {
			e, err := db.Edition(ctx, "2025-10", n)
			if err != nil {
				t.Fatal(err)
			}
			want, ok := ref[e.InputDigest]
			if !ok {
				t.Errorf("edition %d: digest %s is of neither state", n, e.InputDigest)
				continue
			}
			if !bytes.Equal(e.Card, want.Card) {
				t.Errorf("edition %d: its card is not the card of the state its digest names (edition %d)", n, want.Number)
			}
			if !bytes.Equal(e.Points, want.Points) {
				t.Errorf("edition %d: its 扣分明细 are not those of the state its digest names (edition %d)", n, want.Number)
			}
		}
		t.Logf("%d editions checked", len(published))
	})
}
