package scoring

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestSortRecsOrdersLikeTheReferenceSort checks the hand-written sort against slices.SortFunc with
// the plain comparator, on rows with many equal keys and received times (ties broken by ticket id).
func TestSortRecsOrdersLikeTheReferenceSort(t *testing.T) {
	for _, tc := range []struct {
		name       string
		n, keys    int
		recvs, ids int
		forceHeap  bool
		presorted  bool
	}{
		{"short", 10, 3, 2, 5, false, false},
		{"mostly unique keys", 20000, 1 << 30, 1 << 30, 1 << 30, false, false},
		{"many ties on key and received", 20000, 50, 3, 1 << 30, false, false},
		{"ties down to the ticket id", 5000, 3, 2, 40, false, false},
		{"already sorted", 5000, 1 << 30, 4, 1 << 30, false, true},
		{"heapsort fallback", 3000, 20, 3, 100, true, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := rand.New(rand.NewPCG(uint64(tc.n), 7))
			var pd pending
			recs := make([]pendRec, tc.n)
			for i := range recs {
				recs[i] = pendRec{key: uint64(r.IntN(tc.keys)) * 0x9E3779B97F4A7C15, recv: uint32(r.IntN(tc.recvs)),
					id: pd.store(fmt.Sprintf("T%d", r.IntN(tc.ids))), unit: int32(i)}
			}
			want := slices.Clone(recs)
			slices.SortStableFunc(want, func(x, y pendRec) int {
				if x.key != y.key {
					if x.key < y.key {
						return -1
					}
					return 1
				}
				if x.recv != y.recv {
					return int(x.recv) - int(y.recv)
				}
				return bytes.Compare(pd.id(x.id), pd.id(y.id))
			})
			if tc.presorted {
				copy(recs, want)
			}
			if tc.forceHeap {
				heapRecs(&pd, recs)
			} else {
				sortRecs(&pd, recs)
			}
			same := func(x, y pendRec) bool {
				return x.key == y.key && x.recv == y.recv && bytes.Equal(pd.id(x.id), pd.id(y.id))
			}
			for i := range want {
				if !same(recs[i], want[i]) {
					t.Fatalf("row %d: got key %x recv %d id %s, want key %x recv %d id %s", i,
						recs[i].key, recs[i].recv, pd.id(recs[i].id), want[i].key, want[i].recv, pd.id(want[i].id))
				}
			}
			units := map[int32]bool{}
			for _, x := range recs {
				units[x.unit] = true
			}
			if len(units) != tc.n {
				t.Fatalf("%d distinct rows after sorting, want %d", len(units), tc.n)
			}
		})
	}
}

// TestRowIndexInternsEachDistinctRowOnce checks that equal rows share an index and distinct rows
// get consecutive ones, across the table's growth.
func TestRowIndexInternsEachDistinctRowOnce(t *testing.T) {
	var x rowIndex
	var rows []row
	for round := range 3 {
		for i := range 5000 {
			r := row{pi: int16(i % 13), ri: int16(i / 13), di: -1, flags: uint16(i % 7), rules: uint32(i % 5)}
			got := x.intern(&r, &rows)
			if got != int32(i) {
				t.Fatalf("round %d: row %d interned at %d", round, i, got)
			}
		}
	}
	if len(rows) != 5000 {
		t.Fatalf("%d rows stored, want 5000", len(rows))
	}
}
