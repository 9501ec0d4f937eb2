package api_test

import (
	"bytes"
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"sanlv/store"
	"sanlv/store/storetest"
)

// TestADecidedAppealChangesTheLiveNumbersAsSPECSays files an appeal of S01 and decides it through the
// API; S01's live scorecard of 2025-10 then changes exactly as the decision says (the counts and
// rates worked out by hand from the row), its raw rates keep the imported answers, the published
// edition stays, and the audit log holds the filing, the decision and the change once each, by the
// deciding token, with before and after.
func TestADecidedAppealChangesTheLiveNumbersAsSPECSays(t *testing.T) {
	type delta struct{ eligible, callbacks, excluded, resNum, resDen, satNum, satDen float64 }
	for _, c := range []struct {
		name     string
		ticket   string
		decision map[string]any
		// change is the change of S01's counts and rates, worked out from the ticket's row.
		change delta
		// audited is the action of the assignment's audit entry; "" when nothing may change.
		audited string
	}{
		// T0100010: closed 2025-10-09, valid callback, contacted, resolved, satisfied.
		{"an exclusion removes the row from the unit's counts", "T0100010",
			map[string]any{"decision": "approve", "comment": "同意", "exclude": map[string]any{"reason": "非本单位职责"}},
			delta{eligible: -1, callbacks: -1, excluded: 1, resNum: -1, resDen: -1, satNum: -1, satDen: -1}, store.ActionExclude},
		// T0100013: closed 2025-10-04, valid callback, resolved, very satisfied; corrected to dissatisfied.
		{"a correction replaces the answers", "T0100013",
			map[string]any{"decision": "approve", "comment": "回访有误", "correct": map[string]any{"satisfaction": "dissatisfied"}},
			delta{satNum: -1}, store.ActionCorrect},
		{"a rejection changes nothing", "T0100010",
			map[string]any{"decision": "reject", "comment": "证据不足"}, delta{}, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			storetest.EachDB(t, func(t *testing.T, db *store.DB) {
				e := newEnv(t, db)
				e.setup()
				live := "/api/v1/periods/2025-10/scorecards/S01?policy=" + url.QueryEscape(districtName)
				before := e.get(live, "S01").want(t, 200)
				e.postJSON("/api/v1/periods/2025-10/editions", "admin", nil).want(t, 201)
				edition := e.get("/api/v1/periods/2025-10/scorecards/S01", "S01").want(t, 200).body

				id := jsonNum(e.postJSON("/api/v1/appeals", "S01", map[string]any{"ticket_id": c.ticket, "reason": "不属本单位"}).want(t, 201).json(t)["id"])
				decided := e.postJSON("/api/v1/appeals/"+id+"/decision", "committee", c.decision).want(t, 200).json(t)
				after := e.get(live, "S01").want(t, 200)

				if c.change == (delta{}) && !bytes.Equal(after.body, before.body) {
					t.Errorf("the live scorecard changed:\n%s\n%s", before.body, after.body)
				}
				b, a := before.json(t)["unit"].(map[string]any), after.json(t)["unit"].(map[string]any)
				num := func(m map[string]any, path ...any) float64 {
					v, _ := at(t, m, path...).(float64)
					return v
				}
				for _, f := range []struct {
					path []any
					want float64
				}{
					{[]any{"counts", "eligible"}, c.change.eligible},
					{[]any{"counts", "callbacks"}, c.change.callbacks},
					{[]any{"counts", "excluded"}, c.change.excluded},
					{[]any{"rates", "resolution", "num"}, c.change.resNum},
					{[]any{"rates", "resolution", "den"}, c.change.resDen},
					{[]any{"rates", "satisfaction", "num"}, c.change.satNum},
					{[]any{"rates", "satisfaction", "den"}, c.change.satDen},
				} {
					if got := num(a, f.path...) - num(b, f.path...); got != f.want {
						t.Errorf("%v changed by %v, want %v", f.path, got, f.want)
					}
				}
				if b["raw_rates"] == nil {
					t.Fatal("the scorecard has no raw_rates")
				}
				rawB, _ := json.Marshal(at(t, b, "raw_rates"))
				rawA, _ := json.Marshal(at(t, a, "raw_rates"))
				if string(rawA) != string(rawB) {
					t.Errorf("raw rates %s → %s: they keep the imported answers", rawB, rawA)
				}
				if got := e.get("/api/v1/periods/2025-10/scorecards/S01", "S01").want(t, 200).body; !bytes.Equal(got, edition) {
					t.Error("the published edition S01 reads changed")
				}

				actor := decided["decided_by"].(string)
				if !strings.Contains(actor, "年终考核委员会") {
					t.Errorf("decided by %q, want the committee token", actor)
				}
				entries := func(action, key string) []store.AuditEntry {
					es, err := db.Audit(t.Context(), store.AuditFilter{Action: action, Key: key})
					if err != nil {
						t.Fatal(err)
					}
					return es
				}
				if es := entries(store.ActionAppealFile, id); len(es) != 1 || !strings.Contains(es[0].Actor, "城关街道") {
					t.Errorf("filing entries: %+v", es)
				}
				if es := entries(store.ActionAppealDecide, id); len(es) != 1 || es[0].Actor != actor ||
					!strings.Contains(string(es[0].Before), "pending") || strings.Contains(string(es[0].After), "pending") {
					t.Errorf("decision entries: %+v", es)
				}
				key := c.ticket + "/S01"
				changes := append(entries(store.ActionExclude, key), entries(store.ActionCorrect, key)...)
				switch {
				case c.audited == "" && len(changes) != 0:
					t.Errorf("a rejection changed the assignment: %+v", changes)
				case c.audited != "" && (len(changes) != 1 || changes[0].Action != c.audited || changes[0].Actor != actor ||
					bytes.Equal(changes[0].Before, changes[0].After) || !strings.Contains(changes[0].Why, "appeal "+id)):
					t.Errorf("assignment entries: %+v, want one %s by %s naming the appeal", changes, c.audited, actor)
				}
			})
		})
	}
}
