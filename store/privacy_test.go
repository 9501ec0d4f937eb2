package store_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"sanlv/store"
	"sanlv/store/storetest"
)

// TestTheAuditLogShowsAPhoneQuotedInAFreeTextMasked re-imports a row whose exclusion reason quotes a
// caller's phone, then one whose reason quotes another: the audit entries of both changes show the
// phones masked in their old and new values, as they show the caller_phone column.
func TestTheAuditLogShowsAPhoneQuotedInAFreeTextMasked(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		importWorked(t, db)
		ctx := context.Background()
		header, lines := workedLines(t)
		for i, reason := range []string{"来电人13812345678撤诉", "来电人 139-8765-4321 撤诉"} {
			lines[0] = setField(setField(lines[0], 19, "Y"), 20, reason)
			file := header + "\n" + strings.Join(lines, "\n") + "\n"
			res, err := db.ImportTickets(ctx, "tickets.csv", strings.NewReader(file), store.ImportOptions{Actor: "alice"})
			if err != nil {
				t.Fatal(err)
			}
			if res.Updated != 1 {
				t.Fatalf("import %d: %+v, want one row updated", i+1, res)
			}
		}
		es, err := db.Audit(ctx, store.AuditFilter{Entity: store.EntityAssignment, Key: "T0100098/E01"})
		if err != nil {
			t.Fatal(err)
		}
		if len(es) != 2 {
			t.Fatalf("%d audit entries, want 2", len(es))
		}
		b, _ := json.Marshal(es)
		s := spaced(b)
		for _, p := range []string{"13812345678", "8765-4321", "13631105365"} {
			if strings.Contains(s, p) {
				t.Errorf("the audit log shows %s: %s", p, s)
			}
		}
		for _, want := range []string{`来电人138****5678撤诉`, `来电人 139****4321 撤诉`, `"caller_phone": "136****5365"`} {
			if !strings.Contains(s, want) {
				t.Errorf("the audit log lacks %s: %s", want, s)
			}
		}
	})
}
