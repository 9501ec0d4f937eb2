package main

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"sanlv/store"
)

// verify checks the database against what the server acknowledged and returns every problem found.
func verify(ctx context.Context, c config, w *world, l *ledger) ([]string, error) {
	db, err := store.OpenConfig(ctx, store.Config{DSN: w.dsn})
	if err != nil {
		return nil, err
	}
	defer db.Close()
	var problems []string
	bad := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }

	appeals, err := db.Appeals(ctx, store.AppealFilter{})
	if err != nil {
		return nil, err
	}
	byID := map[int64]store.Appeal{}
	approved := map[string]int64{} // ticket/unit → appeal
	perUnit := map[string]int64{}
	decidedN := 0
	for _, a := range appeals {
		byID[a.ID] = a
		if a.Status != store.AppealPending {
			decidedN++
		}
		if a.Status == store.AppealApproved {
			approved[a.TicketID+"/"+a.Unit] = a.ID
			perUnit[a.Unit]++
		}
	}
	// Filings: every acknowledged one stored as acknowledged, none stored twice.
	for id, key := range l.filed {
		a, ok := byID[id]
		if !ok {
			bad("appeal %d was acknowledged but is not stored", id)
		} else if a.TicketID+"/"+a.Unit != key {
			bad("appeal %d is stored on %s/%s, acknowledged on %s", id, a.TicketID, a.Unit, key)
		}
	}
	if n := len(appeals); n < len(l.filed) || n > len(l.filed)+l.unknownFilings {
		bad("%d appeals stored, %d acknowledged (+%d of unknown outcome)", n, len(l.filed), l.unknownFilings)
	}
	// Decisions: every acknowledged one stored as acknowledged, none acknowledged twice.
	if l.doubled > 0 {
		bad("%d appeals were decided twice", l.doubled)
	}
	for id, d := range l.decided {
		want := map[string]string{"approve": store.AppealApproved, "reject": store.AppealRejected}[d]
		if byID[id].Status != want {
			bad("appeal %d: acknowledged %s, stored %s", id, d, byID[id].Status)
		}
	}
	if decidedN < len(l.decided) || decidedN > len(l.decided)+l.unknownDecisions {
		bad("%d appeals decided in the database, %d decisions acknowledged (+%d of unknown outcome)", decidedN, len(l.decided), l.unknownDecisions)
	}
	// Audit: one entry per write.
	entries, err := db.Audit(ctx, store.AuditFilter{Limit: 100_000_000})
	if err != nil {
		return nil, err
	}
	count := map[string]int{}
	decisions := map[string]int{}
	for _, e := range entries {
		count[e.Action]++
		switch e.Action {
		case store.ActionAppealDecide:
			decisions[e.Key]++
		case store.ActionExclude:
			if _, ok := approved[e.Key]; !ok {
				bad("exclusion of %s audited without an approved appeal", e.Key)
			}
		}
	}
	for k, n := range decisions {
		if n != 1 {
			bad("appeal %s has %d decision entries", k, n)
		}
	}
	if count[store.ActionAppealFile] != len(appeals) {
		bad("%d appeal.file entries for %d appeals", count[store.ActionAppealFile], len(appeals))
	}
	if count[store.ActionAppealDecide] != decidedN {
		bad("%d appeal.decide entries for %d decided appeals", count[store.ActionAppealDecide], decidedN)
	}
	if count[store.ActionExclude] != len(approved) {
		bad("%d exclusion entries for %d approved appeals", count[store.ActionExclude], len(approved))
	}
	editions, err := db.Editions(ctx, "")
	if err != nil {
		return nil, err
	}
	if count[store.ActionPublish] != len(editions) || len(editions) != len(l.editions) {
		bad("%d editions stored, %d publish entries, %d acknowledged", len(editions), count[store.ActionPublish], len(l.editions))
	}
	for i, e := range editions {
		if e.Number != i+1 {
			bad("editions numbered %d at place %d", e.Number, i+1)
		}
	}
	batches, err := db.Batches(ctx, 1_000_000)
	if err != nil {
		return nil, err
	}
	var runBatches []int64
	updated := int64(0)
	for _, b := range batches {
		if b.Actor != "loadtest" {
			runBatches = append(runBatches, b.ID)
			updated += b.Updated
		}
	}
	slices.Sort(runBatches)
	acked := slices.Clone(l.batches)
	slices.Sort(acked)
	if !slices.Equal(runBatches, acked) {
		bad("import batches stored %v, acknowledged %v", runBatches, acked)
	}
	if count[store.ActionImport] != len(batches) {
		bad("%d import entries for %d batches", count[store.ActionImport], len(batches))
	}
	if int64(count[store.ActionImportUpdate]) != updated {
		bad("%d import.update entries for %d rows updated", count[store.ActionImportUpdate], updated)
	}
	// Scores: each unit's exclusions are its exclusions before the run plus its approved appeals.
	p, err := db.ActivePolicy(ctx)
	if err != nil {
		return nil, err
	}
	b, err := db.Book(ctx, p, mustPeriod(p, c.period))
	if err != nil {
		return nil, err
	}
	card := b.Card(0)
	for _, sc := range card.Units {
		if want := w.baseline[sc.Code] + perUnit[sc.Code]; sc.Counts.Excluded != want {
			bad("unit %s: %d excluded in %s, want %d before the run + %d approved appeals", sc.Code, sc.Counts.Excluded, c.period, w.baseline[sc.Code], perUnit[sc.Code])
		}
	}
	dir, err := db.Directory(ctx)
	if err != nil {
		return nil, err
	}
	for key := range approved {
		ticket, unit, _ := strings.Cut(key, "/")
		a, err := db.Assignment(ctx, dir, ticket, unit)
		if err != nil || !a.Excluded {
			bad("approved appeal %d: assignment %s not excluded (%v)", approved[key], key, err)
		}
	}
	fmt.Printf("writes: %d appeals filed (%d of unknown outcome), %d decided (%d approved), %d decisions refused as already decided, %d editions, %d imports (%s rows updated); %d audit entries\n",
		len(appeals), l.unknownFilings, decidedN, len(approved), l.conflicts, len(editions), len(runBatches), strconv.FormatInt(updated, 10), len(entries))
	return problems, nil
}
