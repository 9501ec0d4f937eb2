package store_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sanlv/scoring"
	"sanlv/store"
	"sanlv/store/storetest"
)

func TestPoliciesKeepEveryVersionAndOneActivePerName(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if _, err := db.ActivePolicy(ctx); scoring.ErrorCode(err) != scoring.NotFound {
			t.Errorf("no policy yet: got %v, want not_found", err)
		}
		v1 := readFile(t, "/work/shared/policies/district-2025.yaml")
		r1, err := db.SavePolicy(ctx, v1, "office")
		if err != nil {
			t.Fatal(err)
		}
		if again, err := db.SavePolicy(ctx, v1, "office"); err != nil || again.ID != r1.ID {
			t.Errorf("saving the same content: %+v %v, want record %d", again, err, r1.ID)
		}
		changed := bytes.Replace(v1, []byte("top: 3"), []byte("top: 5"), 1)
		if _, err := db.SavePolicy(ctx, changed, "office"); scoring.ErrorCode(err) != scoring.Conflict {
			t.Errorf("other content, same version: got %v, want conflict", err)
		}
		if _, err := db.SavePolicy(ctx, []byte("name: x\nbogus: 1\n"), "office"); scoring.ErrorCode(err) != scoring.Invalid {
			t.Errorf("invalid policy: got %v, want invalid", err)
		}
		v2 := bytes.Replace(changed, []byte(`version: "2025.1"`), []byte(`version: "2025.2"`), 1)
		r2, err := db.SavePolicy(ctx, v2, "office")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.ActivatePolicy(ctx, r1.Name, "2025.1", "office"); err != nil {
			t.Fatal(err)
		}
		p, err := db.ActivePolicy(ctx)
		if err != nil || p.Version != "2025.1" || p.Top != 3 {
			t.Fatalf("active: %+v %v, want 2025.1", p, err)
		}
		if _, err := db.ActivatePolicy(ctx, r2.Name, "2025.2", "office"); err != nil {
			t.Fatal(err)
		}
		if p, _ := db.ActivePolicy(ctx); p.Version != "2025.2" || p.Top != 5 {
			t.Errorf("active after switch: %s top %d, want 2025.2 top 5", p.Version, p.Top)
		}
		if _, err := db.ActivatePolicy(ctx, r1.Name, "9.9", "office"); scoring.ErrorCode(err) != scoring.NotFound {
			t.Errorf("unknown version: got %v, want not_found", err)
		}
		list, err := db.Policies(ctx)
		if err != nil || len(list) != 2 || list[0].Active || !list[1].Active {
			t.Errorf("policies: %+v %v, want two, the second active", list, err)
		}
		old, rec, err := db.Policy(ctx, r1.Name, "2025.1")
		if err != nil || old.Top != 3 || rec.Active {
			t.Errorf("old version: %v %+v %v", old, rec, err)
		}
		es, _ := db.Audit(ctx, store.AuditFilter{Entity: store.EntityPolicy, Action: store.ActionPolicyActivate})
		if len(es) != 2 || !strings.Contains(string(es[0].Before), "2025.1") {
			t.Errorf("activation audit: %+v", es)
		}
	})
}

func TestEditionsFreezeCardsAndNumberPerPeriod(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		importWorked(t, db)
		ctx := context.Background()
		p := policy(t, "district-2025")
		card := func() scoring.Card {
			b, err := db.Book(ctx, p, month(t, p, "2025-10"))
			if err != nil {
				t.Fatal(err)
			}
			return b.Card(0)
		}
		c1 := card()
		e1, err := db.Publish(ctx, "2025-10", p, c1, "office")
		if err != nil {
			t.Fatal(err)
		}
		if e1.Number != 1 || e1.InputRows == 0 || len(e1.InputDigest) != 64 || e1.PolicyVersion != "2025.1" {
			t.Errorf("edition 1: %+v", e1)
		}
		if _, err := db.Publish(ctx, "2025-10", p, c1, "office"); scoring.ErrorCode(err) != scoring.Conflict {
			t.Errorf("republishing unchanged: got %v, want conflict", err)
		}
		if _, err := db.Publish(ctx, "2025-09", p, c1, "office"); scoring.ErrorCode(err) != scoring.Invalid {
			t.Errorf("card of another period: got %v, want invalid", err)
		}
		if err := db.Exclude(ctx, "T0100098", "E01", "申诉通过", "committee"); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Publish(ctx, "2025-10", p, c1, "office"); scoring.ErrorCode(err) != scoring.Conflict {
			t.Errorf("publishing a card the rows no longer give: got %v, want conflict", err)
		}
		c2 := card()
		e2, err := db.Publish(ctx, "2025-10", p, c2, "office")
		if err != nil {
			t.Fatal(err)
		}
		if e2.Number != 2 || e2.InputDigest == e1.InputDigest {
			t.Errorf("edition 2: number %d, digest changed %v", e2.Number, e2.InputDigest != e1.InputDigest)
		}
		got, err := db.Edition(ctx, "2025-10", 1)
		if err != nil {
			t.Fatal(err)
		}
		frozen, err := got.Scorecards()
		if err != nil {
			t.Fatal(err)
		}
		want, _ := json.Marshal(c1)
		back, _ := json.Marshal(frozen)
		if string(back) != string(want) {
			t.Error("edition 1 does not give back the card as published")
		}
		if latest, _ := db.Edition(ctx, "2025-10", 0); latest.Number != 2 {
			t.Errorf("latest edition: %d, want 2", latest.Number)
		}
		if _, err := db.Edition(ctx, "2025-10", 3); scoring.ErrorCode(err) != scoring.NotFound {
			t.Errorf("edition 3: %v, want not_found", err)
		}
		// The 扣分明细 is frozen with each edition: S01's lines sum to its expected 12 points (worked
		// example), and E01's excluded ticket stays in edition 1 but not in edition 2.
		sums := func(n int) (s01 float64, t98 bool) {
			e, err := db.Edition(ctx, "2025-10", n)
			if err != nil {
				t.Fatal(err)
			}
			lines, err := e.PointLines()
			if err != nil {
				t.Fatal(err)
			}
			for _, l := range lines {
				if l.Unit == "S01" {
					s01 += l.Points
				}
				t98 = t98 || l.TicketID == "T0100098"
			}
			return s01, t98
		}
		if s01, t98 := sums(1); s01 != 12 || !t98 {
			t.Errorf("edition 1 points: S01 %v (want 12), T0100098 listed %v (want true)", s01, t98)
		}
		if _, t98 := sums(2); t98 {
			t.Error("edition 2 still lists the excluded T0100098")
		}
		list, err := db.Editions(ctx, "2025-10")
		if err != nil || len(list) != 2 || list[0].Card != nil {
			t.Errorf("editions: %d %v (cards must be left out of lists)", len(list), err)
		}
	})
}

// TestDigestIsTheSameOnBothDatabases checks that the input digest does not depend on the database.
func TestDigestIsTheSameOnBothDatabases(t *testing.T) {
	lite := storetest.Open(t, storetest.SQLiteDSN(t))
	pg := storetest.Open(t, storetest.PostgresDSN(t))
	p := policy(t, "district-2025")
	per := month(t, p, "2025-10")[0]
	var digests []string
	for _, db := range []*store.DB{lite, pg} {
		importWorked(t, db)
		d, n, err := db.Digest(context.Background(), per.Start, per.End)
		if err != nil {
			t.Fatal(err)
		}
		if n != 132 { // counted from the file: closed_at or received_at in [2025-09-19, 2025-10-19)
			t.Errorf("%s: %d rows in the window, want 132", db, n)
		}
		digests = append(digests, d)
	}
	if digests[0] != digests[1] {
		t.Errorf("digests differ: %s (SQLite) vs %s (PostgreSQL)", digests[0], digests[1])
	}
}

func TestTokensAreStoredHashed(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		importUnits(t, db)
		ctx := context.Background()
		plain, tok, err := db.CreateToken(ctx, store.RoleUnit, "S01", "城关街道接口", "admin")
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(plain, "sanlv_") || len(plain) < 40 || tok.Unit != "S01" || tok.Role != store.RoleUnit {
			t.Errorf("token %q %+v", plain, tok)
		}
		got, err := db.TokenByPlaintext(ctx, plain)
		if err != nil || got.ID != tok.ID || got.Unit != "S01" {
			t.Errorf("lookup: %+v %v", got, err)
		}
		n, err := db.Bun().NewSelect().Table("api_tokens").Where("hash = ? OR name = ?", []byte(plain), plain).Count(ctx)
		if err != nil || n != 0 {
			t.Errorf("plaintext found in the table (%d, %v)", n, err)
		}
		if _, err := db.TokenByPlaintext(ctx, plain+"x"); scoring.ErrorCode(err) != scoring.Unauthorized {
			t.Errorf("wrong token: %v, want unauthorized", err)
		}
		for _, c := range []struct{ role, unit string }{{"unit", ""}, {"admin", "S01"}, {"root", ""}} {
			if _, _, err := db.CreateToken(ctx, c.role, c.unit, "x", "admin"); scoring.ErrorCode(err) != scoring.Invalid {
				t.Errorf("role %q unit %q: got %v, want invalid", c.role, c.unit, err)
			}
		}
		if _, _, err := db.CreateToken(ctx, store.RoleUnit, "NOPE", "x", "admin"); scoring.ErrorCode(err) != scoring.NotFound {
			t.Errorf("unknown unit: got %v, want not_found", err)
		}
		if err := db.RevokeToken(ctx, tok.ID, "admin"); err != nil {
			t.Fatal(err)
		}
		if _, err := db.TokenByPlaintext(ctx, plain); scoring.ErrorCode(err) != scoring.Unauthorized {
			t.Errorf("revoked token: %v, want unauthorized", err)
		}
		list, err := db.Tokens(ctx)
		if err != nil || len(list) != 1 || list[0].RevokedAt.IsZero() || list[0].Hash != nil {
			t.Errorf("tokens: %+v %v", list, err)
		}
	})
}

func TestOpenSelectsTheDatabase(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	t.Chdir(dir)
	db, err := store.OpenConfig(ctx, store.Config{DSN: ""})
	if err != nil {
		t.Fatal(err)
	}
	if db.Postgres() {
		t.Error("empty DSN opened PostgreSQL")
	}
	db.Close()
	if _, err := os.Stat(filepath.Join(dir, "sanlv.db")); err != nil {
		t.Errorf("default database: %v", err)
	}
	for _, dsn := range []string{"sqlite:" + filepath.Join(dir, "a.db"), "file:" + filepath.Join(dir, "b.db"), filepath.Join(dir, "c.db")} {
		db, err := store.OpenConfig(ctx, store.Config{DSN: dsn})
		if err != nil {
			t.Errorf("%s: %v", dsn, err)
			continue
		}
		var fk, timeout int
		var mode string
		b := db.Bun()
		b.QueryRowContext(ctx, "PRAGMA foreign_keys").Scan(&fk)
		b.QueryRowContext(ctx, "PRAGMA busy_timeout").Scan(&timeout)
		b.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode)
		if fk != 1 || timeout != 10000 || mode != "wal" {
			t.Errorf("%s: foreign_keys %d, busy_timeout %d, journal_mode %s", dsn, fk, timeout, mode)
		}
		ms, err := db.MigrationStatus(ctx)
		if err != nil || len(ms) == 0 || !ms[0].Applied {
			t.Errorf("%s: migrations %+v %v", dsn, ms, err)
		}
		if again, err := db.Migrate(ctx); err != nil || len(again) != 0 {
			t.Errorf("%s: migrating again applied %v (%v)", dsn, again, err)
		}
		db.Close()
	}
	for _, dsn := range []string{"mysql://x", ":memory:", dir} {
		if _, err := store.OpenConfig(ctx, store.Config{DSN: dsn}); scoring.ErrorCode(err) != scoring.Invalid {
			t.Errorf("%s: got %v, want invalid", dsn, err)
		}
	}
	if got := store.Redact("postgres://u:secret@h/db"); strings.Contains(got, "secret") {
		t.Errorf("Redact kept the password: %s", got)
	}
}

// TestBulkImportRebuildsTheIndexes checks that a bulk import (into an empty table) leaves every index and foreign key in place.
func TestBulkImportRebuildsTheIndexes(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		importWorked(t, db)
		q := "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'assignments' ORDER BY name"
		if db.Postgres() {
			q = "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() AND tablename = 'assignments' ORDER BY indexname"
		}
		var names []string
		if err := db.Bun().NewRaw(q).Scan(context.Background(), &names); err != nil {
			t.Fatal(err)
		}
		want := "assignments_closed_at assignments_received_at assignments_unit_closed_at sqlite_autoindex_assignments_1"
		if db.Postgres() {
			want = "assignments_closed_at assignments_pkey assignments_received_at assignments_unit_closed_at"
			var fk int
			db.Bun().NewRaw("SELECT count(*) FROM pg_constraint WHERE conrelid = 'assignments'::regclass AND contype = 'f'").Scan(context.Background(), &fk)
			if fk != 1 {
				t.Errorf("%d foreign keys on assignments, want 1 (unit)", fk)
			}
		}
		if got := strings.Join(names, " "); got != want {
			t.Errorf("indexes: %s, want %s", got, want)
		}
	})
}

// TestRankChangesCompareWithTheCirculatedRanking checks that a period's rank changes compare with the
// previous period's published edition, not with its rows as they are after later appeals.
func TestRankChangesCompareWithTheCirculatedRanking(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		importWorked(t, db)
		ctx := context.Background()
		p := policy(t, "district-2025")
		oct, err := db.Card(ctx, p, "2025-10")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.Publish(ctx, "2025-10", p, oct, "office"); err != nil {
			t.Fatal(err)
		}
		// Excluding one of E01's tickets changes its live counts (16 eligible → 15); the circulated
		// card must stay the edition's.
		if err := db.Exclude(ctx, "T0100098", "E01", "申诉通过", "committee"); err != nil {
			t.Fatal(err)
		}
		circ, err := db.Circulated(ctx, p, "2025-10")
		if err != nil {
			t.Fatal(err)
		}
		e01 := circ.Unit("E01")
		if e01.Counts.Eligible != 16 {
			t.Errorf("circulated E01 eligible %v, want the edition's 16", e01.Counts.Eligible)
		}
		nov, err := db.Card(ctx, p, "2025-11")
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range nov.Units {
			if s.Trend == nil {
				t.Fatalf("%s: no trend", s.Code)
			}
			want := circ.Unit(s.Code).Rank
			if (want == nil) != (s.Trend.PreviousRank == nil) || (want != nil && *want != *s.Trend.PreviousRank) {
				t.Errorf("%s: previous rank %v, want the edition's %v", s.Code, s.Trend.PreviousRank, want)
			}
		}
	})
}
