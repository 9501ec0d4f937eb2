package store_test

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"time"

	"sanlv/scoring"
	"sanlv/store"
	"sanlv/store/storetest"
)

// schemaColumns reads the columns of assignments as migrated: name → declared type.
func schemaColumns(t *testing.T, db *store.DB) map[string]string {
	t.Helper()
	q := "SELECT name, type FROM pragma_table_info('assignments')"
	if db.Postgres() {
		q = "SELECT column_name, upper(data_type) || CASE WHEN collation_name = 'C' THEN ' COLLATE \"C\"' ELSE '' END " +
			"FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = 'assignments'"
	}
	rows, err := db.Bun().QueryContext(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var name, typ string
		if err := rows.Scan(&name, &typ); err != nil {
			t.Fatal(err)
		}
		out[name] = typ
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestEveryTicketFieldIsInTheSchema checks the store's one table of ticket fields against the migrated
// schema: every declared field has its column with the declared type, every column of assignments
// (but batch_id) is declared.
func TestEveryTicketFieldIsInTheSchema(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		schema := schemaColumns(t, db)
		declared := map[string]bool{"batch_id": true}
		for _, f := range store.FieldColumns() {
			declared[f.Column] = true
			want := f.SQLite
			if db.Postgres() {
				want = f.Postgres
			}
			got, ok := schema[f.Column]
			// PostgreSQL stores ticket ids and unit codes in byte order (COLLATE "C"); other text may have the default.
			if db.Postgres() && f.Column != "ticket_id" && f.Column != "unit" && f.Column != "duplicate_of" {
				got = strings.TrimSuffix(got, ` COLLATE "C"`)
				want = strings.TrimSuffix(want, ` COLLATE "C"`)
			}
			switch {
			case !ok:
				t.Errorf("field %s: no column %s in assignments", f.Field, f.Column)
			case got != want:
				t.Errorf("field %s: column %s is %s, declared %s", f.Field, f.Column, got, want)
			}
		}
		for c := range schema {
			if !declared[c] {
				t.Errorf("column assignments.%s is not a declared ticket field", c)
			}
		}
	})
}

// fullAssignment has every field set to a value other than its zero (the unit to unit).
func fullAssignment(t *testing.T, ticket string, unit int32) scoring.Assignment {
	at := func(s string) int64 {
		tm, err := time.Parse(time.DateTime, s)
		if err != nil {
			t.Fatal(err)
		}
		return tm.Unix()
	}
	a := scoring.Assignment{TicketID: ticket, Unit: unit, Role: scoring.Co, Kind: scoring.Complaint, Urgency: scoring.Priority,
		Resolution: scoring.Partial, Satisfaction: scoring.BasicallySatisfied, Contacted: scoring.Yes, CallbackValid: true,
		Supervised: true, IncompleteMaterials: true, OpinionIncident: true, Excluded: true, Redispatches: 2,
		Received: at("2025-10-02 09:00:00"), Dispatched: at("2025-10-02 10:00:00"), ContactAt: at("2025-10-02 11:00:00"),
		Closed: at("2025-10-12 10:00:00"), Due: at("2025-10-10 10:00:00"), Accepted: at("2025-10-02 10:30:00"),
		ExtendedDue: at("2025-10-15 00:00:00"), Returned: at("2025-10-03 10:00:00"), Return: scoring.ReturnRejected,
		Category: "园林绿化/树木修剪", ExcludeReason: "重复派单", DuplicateOf: "T-EARLIER", Channel: "微信", Hotline: "12319",
		CallerPhone: "13407467191"}
	v := reflect.ValueOf(a)
	for i := range v.NumField() {
		// Unit is an index; Imported comes from a correction, not from a column.
		if name := v.Type().Field(i).Name; v.Field(i).IsZero() && name != "Unit" && name != "Imported" {
			t.Fatalf("fullAssignment leaves scoring.Assignment.%s empty: set it, and store it", v.Type().Field(i).Name)
		}
	}
	return a
}

// lookup returns the directory index of a unit code.
func lookup(t *testing.T, db *store.DB, code string) int32 {
	t.Helper()
	dir, err := db.Directory(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	u, ok := dir.Lookup(code)
	if !ok {
		t.Fatalf("unit %s not stored", code)
	}
	return u
}

// readBack reads one stored assignment in full.
func readBack(t *testing.T, db *store.DB, ticket, unit string) scoring.Assignment {
	t.Helper()
	dir, err := db.Directory(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	a, err := db.Assignment(context.Background(), dir, ticket, unit)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func TestEveryTicketFieldRoundTrips(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		importUnits(t, db)
		ctx := context.Background()
		u := lookup(t, db, "S02")
		first := fullAssignment(t, "RT-1", u)
		second := first
		second.TicketID, second.Return, second.Hotline, second.Channel = "RT-2", scoring.ReturnApproved, "", ""
		for _, step := range []struct {
			name string
			rows []scoring.Assignment
		}{
			// The first import loads straight into the empty table, the second goes through staging and merge.
			{"direct load", []scoring.Assignment{first}},
			{"staged merge", []scoring.Assignment{first, second}},
		} {
			if _, err := store.ImportRows(ctx, db, step.name+".csv", step.rows, store.ImportOptions{Actor: "test"}); err != nil {
				t.Fatalf("%s: %v", step.name, err)
			}
			for _, want := range step.rows {
				if got := readBack(t, db, want.TicketID, "S02"); got != want {
					t.Errorf("%s: read back\n got %+v\nwant %+v", step.name, got, want)
				}
			}
		}
		// A lean read (scoring's) carries every field scoring uses: all but the exclusion reason.
		dir, err := db.Directory(ctx)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		err = db.Stream(ctx, dir, store.Query{TicketID: "RT-1", Lean: true}, func(a *scoring.Assignment) error {
			n++
			want := first
			want.ExcludeReason = ""
			if *a != want {
				t.Errorf("lean read\n got %+v\nwant %+v", *a, want)
			}
			return nil
		})
		if err != nil || n != 1 {
			t.Errorf("lean read: %d rows, %v", n, err)
		}
	})
}

func TestReimportLeavesAbsentFieldsAsStored(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		importUnits(t, db)
		ctx := context.Background()
		stored := fullAssignment(t, "RE-1", lookup(t, db, "S01"))
		if _, err := store.ImportRows(ctx, db, "v1.csv", []scoring.Assignment{stored}, store.ImportOptions{Actor: "test"}); err != nil {
			t.Fatal(err)
		}
		// A file of the first edition: no §13.1 column, and a later closing time.
		old := stored
		old.Accepted, old.ExtendedDue, old.Returned, old.Return, old.DuplicateOf, old.Channel, old.Hotline = 0, 0, 0, scoring.ReturnNone, "", "", ""
		old.Closed += 3600
		firstEdition := map[string]bool{}
		for _, f := range store.FieldColumns() {
			firstEdition[f.Field] = true
		}
		for _, f := range []string{"accepted_at", "extended_due_at", "return_status", "returned_at", "duplicate_of", "channel", "hotline"} {
			delete(firstEdition, f)
		}
		res, err := store.ImportRows(ctx, db, "v2.csv", []scoring.Assignment{old}, store.ImportOptions{Actor: "test", Present: firstEdition})
		if err != nil {
			t.Fatal(err)
		}
		if res.Updated != 1 {
			t.Errorf("updated: got %d, want 1", res.Updated)
		}
		want := stored
		want.Closed = old.Closed
		if got := readBack(t, db, "RE-1", "S01"); got != want {
			t.Errorf("after a file without the new columns\n got %+v\nwant %+v", got, want)
		}
		es, err := db.Audit(ctx, store.AuditFilter{Entity: store.EntityAssignment, Key: "RE-1/S01"})
		if err != nil || len(es) != 1 {
			t.Fatalf("audit: %d entries, %v", len(es), err)
		}
		if strings.Contains(string(es[0].After), "channel") || !strings.Contains(string(es[0].After), "closed_at") {
			t.Errorf("audit of a file without channel: %s", es[0].After)
		}
		// Only the channel present: only the channel changes.
		onlyChannel := stored
		onlyChannel.Channel, onlyChannel.Closed, onlyChannel.Hotline = "APP", 0, ""
		if _, err := store.ImportRows(ctx, db, "v3.csv", []scoring.Assignment{onlyChannel}, store.ImportOptions{Actor: "test",
			Present: map[string]bool{"ticket_id": true, "unit": true, "channel": true}}); err != nil {
			t.Fatal(err)
		}
		want.Channel = "APP"
		if got := readBack(t, db, "RE-1", "S01"); got != want {
			t.Errorf("after a file with only the channel\n got %+v\nwant %+v", got, want)
		}
		// Every field present (the default): the empty values are stored.
		if _, err := store.ImportRows(ctx, db, "v4.csv", []scoring.Assignment{old}, store.ImportOptions{Actor: "test"}); err != nil {
			t.Fatal(err)
		}
		if got := readBack(t, db, "RE-1", "S01"); got != old {
			t.Errorf("after a file with every field\n got %+v\nwant %+v", got, old)
		}
		if _, err := store.ImportRows(ctx, db, "v5.csv", []scoring.Assignment{old}, store.ImportOptions{Actor: "test",
			Present: map[string]bool{"acceptd_at": true}}); err == nil || !strings.Contains(err.Error(), "acceptd_at") {
			t.Errorf("unknown field: got %v, want an error naming it", err)
		}
	})
}
