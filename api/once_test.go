package api_test

import (
	"net/url"
	"sort"
	"sync"
	"testing"

	"sanlv/store"
	"sanlv/store/storetest"
)

// atOnce sends each request of a batch from its own goroutine at the same moment and returns the statuses.
func atOnce(e *env, reqs []func() *response) []int {
	out := make([]int, len(reqs))
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i, r := range reqs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			out[i] = r().status
		}()
	}
	close(start)
	wg.Wait()
	return out
}

// TestStateChangesHappenOnceThroughTheAPI fires requests that change one thing at the same moment: of
// each batch exactly the expected statuses come back, and the state and the audit log hold one change.
func TestStateChangesHappenOnceThroughTheAPI(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		e.setup()
		count := func(statuses []int, want int) int {
			n := 0
			for _, s := range statuses {
				if s == want {
					n++
				}
			}
			return n
		}
		audit := func(action, key string) int {
			es, err := db.Audit(t.Context(), store.AuditFilter{Action: action, Key: key})
			if err != nil {
				t.Fatal(err)
			}
			return len(es)
		}

		t.Run("an appeal approved and rejected at once is decided once", func(t *testing.T) {
			id := jsonNum(e.postJSON("/api/v1/appeals", "S01", map[string]any{"ticket_id": "T0100010", "reason": "不属本单位"}).want(t, 201).json(t)["id"])
			path := "/api/v1/appeals/" + id + "/decision"
			st := atOnce(e, []func() *response{
				func() *response {
					return e.postJSON(path, "committee", map[string]any{"decision": "approve", "comment": "同意", "exclude": map[string]any{"reason": "非本单位"}})
				},
				func() *response {
					return e.postJSON(path, "admin", map[string]any{"decision": "reject", "comment": "驳回"})
				},
				func() *response {
					return e.postJSON(path, "committee", map[string]any{"decision": "approve", "comment": "更正", "correct": map[string]any{"satisfaction": "satisfied"}})
				},
			})
			if count(st, 200) != 1 || count(st, 409) != 2 {
				t.Errorf("statuses %v, want one 200 and two 409", st)
			}
			if n := audit(store.ActionAppealDecide, id); n != 1 {
				t.Errorf("%d decision entries in the audit log, want 1", n)
			}
			if n := audit(store.ActionExclude, "T0100010/S01") + audit(store.ActionCorrect, "T0100010/S01"); n > 1 {
				t.Errorf("%d changes of T0100010/S01 in the audit log, want at most 1", n)
			}
		})

		t.Run("an adjustment revoked twice at once is revoked once", func(t *testing.T) {
			id := jsonNum(e.postJSON("/api/v1/adjustments", "admin", map[string]any{"unit": "S02", "period": "2025-10", "label": "扣分",
				"points": -1, "reason": "抽检"}).want(t, 201).json(t)["id"])
			revoke := func() *response {
				return e.postJSON("/api/v1/adjustments/"+id+"/revoke", "admin", map[string]any{"reason": "复核有误"})
			}
			st := atOnce(e, []func() *response{revoke, revoke, revoke})
			if count(st, 201) != 1 || count(st, 409) != 2 {
				t.Errorf("statuses %v, want one 201 and two 409", st)
			}
			revocations := 0
			for _, a := range e.get("/api/v1/adjustments?unit=S02", "admin").want(t, 200).json(t)["items"].([]any) {
				if jsonNum(a.(map[string]any)["revokes"]) == id {
					revocations++
				}
			}
			if revocations != 1 || audit(store.ActionAdjustmentRevoke, id) != 1 {
				t.Errorf("%d revocation records, %d revoke entries; want 1 and 1", revocations, audit(store.ActionAdjustmentRevoke, id))
			}
		})

		t.Run("a period published four times at once gets one edition", func(t *testing.T) {
			publish := func() *response { return e.postJSON("/api/v1/periods/2025-09/editions", "admin", nil) }
			st := atOnce(e, []func() *response{publish, publish, publish, publish})
			if count(st, 201) != 1 || count(st, 409) != 3 {
				t.Errorf("statuses %v, want one 201 and three 409", st)
			}
		})

		t.Run("editions published while appeals are decided are numbered without gaps", func(t *testing.T) {
			tickets := []string{"T0100013", "T0100012"}
			var reqs []func() *response
			for _, tk := range tickets {
				id := jsonNum(e.postJSON("/api/v1/appeals", "S01", map[string]any{"ticket_id": tk, "reason": "不属本单位"}).want(t, 201).json(t)["id"])
				reqs = append(reqs, func() *response {
					return e.postJSON("/api/v1/appeals/"+id+"/decision", "committee", map[string]any{"decision": "approve", "comment": "同意",
						"exclude": map[string]any{"reason": "非本单位"}})
				})
			}
			reqs = append(reqs, func() *response {
				return e.postJSON("/api/v1/appeals", "S02", map[string]any{"ticket_id": "T0100015", "reason": "回访有误"})
			})
			for range 3 {
				reqs = append(reqs, func() *response {
					return e.postJSON("/api/v1/periods/2025-10/editions?policy="+url.QueryEscape(districtName), "admin", nil)
				})
			}
			st := atOnce(e, reqs)
			for i, s := range st[:len(tickets)] {
				if s != 200 {
					t.Errorf("decision %d: %d", i, s)
				}
			}
			if s := st[len(tickets)]; s != 201 {
				t.Errorf("appeal filed while publishing: %d", s)
			}
			published := count(st[len(tickets)+1:], 201)
			if published < 1 || count(st[len(tickets)+1:], 409)+published != 3 {
				t.Errorf("publishes: %v, want 201s and 409s only, at least one 201", st[len(tickets)+1:])
			}
			var numbers []int
			for _, ed := range e.get("/api/v1/periods/2025-10/editions", "admin").want(t, 200).json(t)["items"].([]any) {
				numbers = append(numbers, int(ed.(map[string]any)["number"].(float64)))
			}
			sort.Ints(numbers)
			for i, n := range numbers {
				if n != i+1 {
					t.Fatalf("edition numbers %v, want 1..%d", numbers, len(numbers))
				}
			}
			if len(numbers) != published {
				t.Errorf("%d editions listed, %d publishes answered 201", len(numbers), published)
			}
		})
	})
}
