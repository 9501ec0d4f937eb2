package scoring

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"
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
		gather     bool // from chunks of one bucket: the keys share their top 6 bits
	}{
		{"short", 10, 3, 2, 5, false, false, false},
		{"mostly unique keys", 20000, 1 << 30, 1 << 30, 1 << 30, false, false, false},
		{"many ties on key and received", 20000, 50, 3, 1 << 30, false, false, false},
		{"ties down to the ticket id", 5000, 3, 2, 40, false, false, false},
		{"already sorted", 5000, 1 << 30, 4, 1 << 30, false, true, false},
		{"heapsort fallback", 3000, 20, 3, 100, true, false, false},
		{"gathered from chunks", 20000, 1 << 30, 1 << 30, 1 << 30, false, false, true},
		{"gathered with ties", 20000, 300, 3, 50, false, false, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := rand.New(rand.NewPCG(uint64(tc.n), 7))
			var pd pending
			recs := make([]pendRec, tc.n)
			for i := range recs {
				key := uint64(r.IntN(tc.keys)) * 0x9E3779B97F4A7C15
				if tc.gather {
					key = key&^(0x3F<<58) | 5<<58
				}
				recs[i] = pendRec{key: key, recv: uint32(r.IntN(tc.recvs)),
					id: pd.ids.store(fmt.Sprintf("T%d", r.IntN(tc.ids)), nil), unit: int32(i)}
			}
			id := func(ref uint32) string { return string(pd.ids.get(ref, nil)) }
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
				return strings.Compare(id(x.id), id(y.id))
			})
			if tc.presorted {
				copy(recs, want)
			}
			switch {
			case tc.gather:
				var chunks [][]pendRec
				for rest := recs; len(rest) > 0; {
					n := min(len(rest), 1+r.IntN(3000))
					chunks = append(chunks, slices.Clone(rest[:n]))
					rest = rest[n:]
				}
				recs = (&recSorter{pd: &pd}).gather(make([]pendRec, 0, 10), chunks)
			case tc.forceHeap:
				heapRecs(&recSorter{pd: &pd}, recs)
			default:
				(&recSorter{pd: &pd}).sort(recs)
			}
			same := func(x, y pendRec) bool {
				return x.key == y.key && x.recv == y.recv && id(x.id) == id(y.id)
			}
			for i := range want {
				if !same(recs[i], want[i]) {
					t.Fatalf("row %d: got key %x recv %d id %s, want key %x recv %d id %s", i,
						recs[i].key, recs[i].recv, id(recs[i].id), want[i].key, want[i].recv, id(want[i].id))
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

// TestIDStoreGivesBackEveryID stores sequential, random, empty and long ids in several stores,
// merges them, and reads every id back by its reference.
func TestIDStoreGivesBackEveryID(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	gen := func(i int) string {
		switch i % 7 {
		case 0:
			return fmt.Sprintf("X%d", r.IntN(1000))
		case 1:
			return ""
		case 2:
			return strings.Repeat("长", 1000+r.IntN(3000)) // crosses block ends
		}
		return fmt.Sprintf("T2025%08d", i)
	}
	var stores [3]idStore
	want := [3][]string{}
	refs := [3][]uint32{}
	for s := range stores {
		for i := range 3000 + 17*s {
			id := gen(i)
			want[s] = append(want[s], id)
			refs[s] = append(refs[s], stores[s].store(id, nil))
		}
	}
	var all idStore
	var wantAll []string
	var refsAll []uint32
	for s := range stores {
		base := all.merge(&stores[s])
		for i, ref := range refs[s] {
			wantAll = append(wantAll, want[s][i])
			refsAll = append(refsAll, ref+base)
		}
	}
	for i := range 500 { // stores after a merge continue the merged store's last group
		id := gen(i)
		wantAll = append(wantAll, id)
		refsAll = append(refsAll, all.store(id, nil))
	}
	var buf []byte
	for i, ref := range refsAll {
		if buf = all.get(ref, buf); string(buf) != wantAll[i] {
			t.Fatalf("id %d (ref %d): got %.40q, want %.40q", i, ref, buf, wantAll[i])
		}
	}
}

// TestTrimSpaceTrimsLikeTheStandardLibrary compares the fast trim with strings.TrimSpace.
func TestTrimSpaceTrimsLikeTheStandardLibrary(t *testing.T) {
	for _, s := range []string{"", " ", "a", " a", "a ", "\t13800000000\r\n", "交通/停车管理", "\u3000交通\u3000", "交通\u3000",
		"\u00a0x", "x\u0085", "\u2003", "é", "\xff", "a\xff", "\xffa", "\u200b交通",
		"交通\u00a0", "交通\u1680", "\u205f交通", "交通\u2029", "\x80", "交\x80", "\x80\x80\x80\x80", "a\xe3\x80", "交通\xe3\x80\x80"} {
		if got, want := trimSpace(s), strings.TrimSpace(s); got != want {
			t.Errorf("trimSpace(%q) = %q, want %q", s, got, want)
		}
	}
}

// TestMergedChunksOutliveTheBookTheyCameFrom merges a book's waiting rows into another, lets the
// first book be collected (its clean-up runs), and reads every row back through resolve.
func TestMergedChunksOutliveTheBookTheyCameFrom(t *testing.T) {
	b, o := &Book{}, &Book{}
	b.mapPending()
	o.mapPending()
	const n = 3*chunkLen + 5
	for i := range n {
		o.pend.push(pendRec{key: uint64(i) * 0x9E3779B97F4A7C15, recv: uint32(i), jid: -1, id: o.pend.ids.store(fmt.Sprint(i), o.pend.set)})
	}
	b.pend.push(pendRec{key: 1, recv: 7, jid: -1, id: b.pend.ids.store("own", b.pend.set)})
	b.pend.merge(&o.pend)
	o = nil
	for range 3 {
		runtime.GC()
		time.Sleep(20 * time.Millisecond)
	}
	seen := map[string]uint32{}
	var buf []byte
	b.pend.resolve(0, func(r, _ *pendRec) {
		buf = b.pend.ids.get(r.id, buf)
		seen[string(buf)] = r.recv
	})
	if len(seen) != n+1 || seen["own"] != 7 || seen["0"] != 0 || seen[fmt.Sprint(n-1)] != n-1 {
		t.Fatalf("%d rows read back (want %d); own %d, first %d, last %d", len(seen), n+1, seen["own"], seen["0"], seen[fmt.Sprint(n-1)])
	}
}
