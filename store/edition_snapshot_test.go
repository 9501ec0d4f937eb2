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

// TestAnEditionPublishedWhileWritesRunIsOneState publishes while a write flips one row of 2025-10
// between two states without pause — an exclusion, a callback correction, a re-import — : every
// edition's digest, scorecards and 扣分明细 must all be those of one state of the data (the edition
// published when that state stood alone), never a digest of one state with the card or the point
// lines of the other.
func TestAnEditionPublishedWhileWritesRunIsOneState(t *testing.T) {
	tickets := string(readFile(t, worked+"/tickets.csv"))
	// T0100098/E01 was closed late, resolved and very satisfied.
	changed := strings.Replace(tickets, ",1,resolved,very_satisfied,,,,,,13631105365", ",1,unresolved,dissatisfied,,,,,,13631105365", 1)
	if changed == tickets {
		t.Fatal("the changed tickets file is the same")
	}
	very, dis := scoring.VerySatisfied, scoring.Dissatisfied
	for _, c := range []struct {
		name string
		set  func(ctx context.Context, db *store.DB, second bool) error
	}{
		{"exclusion", func(ctx context.Context, db *store.DB, second bool) error {
			if second {
				return db.Exclude(ctx, "T0100098", "E01", "非本单位职责", "office")
			}
			return db.Include(ctx, "T0100098", "E01", "复核后恢复", "office")
		}},
		{"correction", func(ctx context.Context, db *store.DB, second bool) error {
			s := &very
			if second {
				s = &dis
			}
			return db.CorrectCallback(ctx, "T0100098", "E01", store.Correction{Satisfaction: s}, "回访复核", "office")
		}},
		{"re-import", func(ctx context.Context, db *store.DB, second bool) error {
			f := tickets
			if second {
				f = changed
			}
			_, err := db.ImportTickets(ctx, "tickets.csv", strings.NewReader(f), store.ImportOptions{Actor: "office"})
			return err
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			storetest.EachDB(t, func(t *testing.T, db *store.DB) {
				oneStatePerEdition(t, db, c.set)
			})
		})
	}
}

// oneStatePerEdition publishes both states of set alone, then again and again while set flips them.
func oneStatePerEdition(t *testing.T, db *store.DB, set func(ctx context.Context, db *store.DB, second bool) error) {
	importWorked(t, db)
	ctx := context.Background()
	p := policy(t, "district-2025")
	ref := map[string]store.Edition{}
	for _, second := range []bool{false, true} {
		if err := set(ctx, db, second); err != nil {
			t.Fatal(err)
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
	}
	if len(ref) != 2 {
		t.Fatal("the two states have one digest")
	}
	var cards []string
	for _, e := range ref {
		cards = append(cards, string(e.Card))
	}
	if cards[0] == cards[1] {
		t.Fatal("the two states have one card: the test would prove nothing")
	}
	wctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	done := make(chan int)
	go func() {
		n := 0
		for ; wctx.Err() == nil; n++ {
			_ = set(wctx, db, n%2 == 1)
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
}
