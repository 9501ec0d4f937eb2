package imports

import (
	"math/bits"
	"runtime"
	"slices"
	"sync"
)

// keyLog records, in row order, a 64-bit key per row for duplicate detection: 8 bytes a row.
// A key is a 62-bit hash of (ticket_id, unit) with bit 1 set and bit 0 telling that the row is
// otherwise invalid; 0 means the row has no key (no ticket_id, unknown unit, ragged row).
// Keys are stored in blocks that are never copied or regrown, so a large file leaves no garbage.
type keyLog struct {
	segs  []keySeg
	block []uint64 // the block being filled; the last segment ends at its end while open
	open  bool
}

// keySeg holds the keys of consecutive rows first, first+1, ...
type keySeg struct {
	first int
	keys  []uint64
}

// maxBlock is the largest block of keys (512 KB); blocks start small and double up to it.
const maxBlock = 1 << 16

// add records the key of a row; rows must be added in increasing order.
func (l *keyLog) add(row int, key uint64) {
	if len(l.block) == cap(l.block) {
		l.block = make([]uint64, 0, min(maxBlock, max(1024, 2*cap(l.block))))
		l.open = false
	}
	l.block = append(l.block, key)
	if n := len(l.segs); l.open && l.segs[n-1].first+len(l.segs[n-1].keys) == row {
		s := &l.segs[n-1]
		s.keys = s.keys[:len(s.keys)+1]
		return
	}
	l.segs = append(l.segs, keySeg{first: row, keys: l.block[len(l.block)-1:]})
	l.open = true
}

// rowKey turns a 64-bit hash into a key, marking an invalid row.
func rowKey(h uint64, invalid bool) uint64 {
	k := h | 2
	k &^= 1
	if invalid {
		k |= 1
	}
	return k
}

// findDuplicates calls dup, in row order, for every row whose key an earlier row has, with the
// row number of the first occurrence and whether the duplicate row is otherwise invalid.
// The logs may come from parallel workers: their segments are taken in row order.
//
// It makes two passes over the keys: a blocked Bloom filter of 16 bits a key finds the candidate
// keys (those maybe seen before), then a map of the candidates alone finds their first rows. The
// key space is split into partitions handled by parallel goroutines, since the filter's random
// accesses are cache misses.
func findDuplicates(logs []*keyLog, dup func(row, first int, invalid bool)) {
	parts := 1
	if keyCount(logs) >= 1<<20 {
		for parts*2 <= min(runtime.GOMAXPROCS(0), 8) {
			parts *= 2
		}
	}
	findDuplicatesIn(logs, parts, dup)
}

func keyCount(logs []*keyLog) int {
	n := 0
	for _, l := range logs {
		for _, s := range l.segs {
			n += len(s.keys)
		}
	}
	return n
}

// findDuplicatesIn is findDuplicates with the key space in parts partitions (a power of two).
func findDuplicatesIn(logs []*keyLog, parts int, dup func(row, first int, invalid bool)) {
	var segs []keySeg
	n := 0
	for _, l := range logs {
		for _, s := range l.segs {
			segs = append(segs, s)
			n += len(s.keys)
		}
	}
	if n < 2 {
		return
	}
	slices.SortFunc(segs, func(a, b keySeg) int { return a.first - b.first })
	found := make([][]duplicate, parts)
	var wg sync.WaitGroup
	for p := range parts {
		wg.Go(func() { found[p] = partition(segs, n, p, parts) })
	}
	wg.Wait()
	all := slices.Concat(found...)
	slices.SortFunc(all, func(a, b duplicate) int { return a.row - b.row })
	for _, d := range all {
		dup(d.row, d.first, d.invalid)
	}
}

// duplicate is a row whose key an earlier row has.
type duplicate struct {
	row, first int
	invalid    bool
}

// partition finds the duplicates among the keys k with k>>56 & (parts-1) == p.
func partition(segs []keySeg, n, p, parts int) []duplicate {
	sel := partSel{mask: uint64(parts - 1), p: uint64(p)}
	words := 1 << bits.Len(uint(n/parts/4)) // ≥ 16 bits a key
	filter := make([]uint64, words)
	mask := uint64(words - 1)
	candidates := map[uint64]int{}
	for _, s := range segs {
		bloomAdd(filter, mask, s.keys, sel, candidates)
	}
	if len(candidates) == 0 {
		return nil
	}
	// A small one-bit filter of the candidates spares most keys the map lookup.
	var quick [1 << 10]uint64
	for k := range candidates {
		h := mix(k) >> 48
		quick[h>>6] |= 1 << (h & 63)
	}
	var out []duplicate
	for _, s := range segs {
		for i, k := range s.keys {
			h := mix(k>>1) >> 48
			if quick[h>>6]&(1<<(h&63)) == 0 || !sel.in(k) {
				continue
			}
			first, ok := candidates[k>>1]
			switch {
			case !ok:
			case first == 0:
				candidates[k>>1] = s.first + i
			default:
				out = append(out, duplicate{row: s.first + i, first: first, invalid: k&1 == 1})
			}
		}
	}
	return out
}

// partSel selects the keys of one partition.
type partSel struct{ mask, p uint64 }

func (s partSel) in(k uint64) bool { return k != 0 && (k>>56)&s.mask == s.p }

// bloomAdd adds keys to the filter and marks as candidates those whose bits were all set.
// It computes and loads the slots of eight keys before using them, so that their cache
// misses overlap instead of following one another.
func bloomAdd(filter []uint64, mask uint64, keys []uint64, sel partSel, candidates map[uint64]int) uint64 {
	var touched uint64
	for len(keys) > 0 {
		n := min(len(keys), 8)
		var w [8]int
		var m [8]uint64
		for j := range n {
			if sel.in(keys[j]) {
				w[j], m[j] = bloomSlot(keys[j], mask)
				touched |= filter[w[j]] // a load issued early, like a prefetch
			}
		}
		for j := range n {
			if !sel.in(keys[j]) {
				continue
			}
			if filter[w[j]]&m[j] == m[j] {
				candidates[keys[j]>>1] = 0
			}
			filter[w[j]] |= m[j]
		}
		keys = keys[n:]
	}
	return touched
}

// bloomSlot picks a word of the filter and five bits in it from a key.
func bloomSlot(k uint64, mask uint64) (int, uint64) {
	h := mix(k >> 1)
	w := int(h & mask)
	h >>= 32
	var m uint64
	for range 5 {
		m |= 1 << (h & 63)
		h >>= 6
	}
	return w, m
}

// mix is the splitmix64 finalizer: a bijection that spreads every input bit.
func mix(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}
