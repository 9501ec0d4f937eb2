package imports

import (
	"math/bits"
	"slices"
)

// keyLog records, in row order, a 64-bit key per row for duplicate detection: 8 bytes a row.
// A key is a 62-bit hash of (ticket_id, unit) with bit 1 set and bit 0 telling that the row is
// otherwise invalid; 0 means the row has no key (no ticket_id, unknown unit, ragged row).
type keyLog struct {
	segs []keySeg
}

// keySeg holds the keys of consecutive rows first, first+1, ...
type keySeg struct {
	first int
	keys  []uint64
}

// segCap bounds a segment so that a large file never copies a huge slice while growing.
const segCap = 1 << 16

// add records the key of a row; rows must be added in increasing order.
func (l *keyLog) add(row int, key uint64) {
	if n := len(l.segs); n > 0 {
		s := &l.segs[n-1]
		if s.first+len(s.keys) == row && len(s.keys) < segCap {
			s.keys = append(s.keys, key)
			return
		}
	}
	l.segs = append(l.segs, keySeg{first: row, keys: append(make([]uint64, 0, 256), key)})
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
// The logs may come from parallel workers: their segments are taken in row order. It makes two passes: a blocked Bloom filter of 16 bits a key
// finds the candidate keys, then a map of the candidates alone finds their first rows.
func findDuplicates(logs []*keyLog, dup func(row, first int, invalid bool)) {
	var segs []keySeg
	n := 0
	for _, l := range logs {
		for _, s := range l.segs {
			segs = append(segs, s)
			n += len(s.keys)
		}
	}
	slices.SortFunc(segs, func(a, b keySeg) int { return a.first - b.first })
	if n < 2 {
		return
	}
	words := 1 << bits.Len(uint(n/4)) // ≥ 16 bits a key
	filter := make([]uint64, words)
	mask := uint64(words - 1)
	candidates := map[uint64]int{}
	each(segs, func(_ int, k uint64) {
		w, m := bloomSlot(k, mask)
		if filter[w]&m == m {
			candidates[k>>1] = 0
		}
		filter[w] |= m
	})
	if len(candidates) == 0 {
		return
	}
	filter = nil
	each(segs, func(row int, k uint64) {
		first, ok := candidates[k>>1]
		if !ok {
			return
		}
		if first == 0 {
			candidates[k>>1] = row
			return
		}
		dup(row, first, k&1 == 1)
	})
}

// each calls fn for every keyed row in row order.
func each(segs []keySeg, fn func(row int, k uint64)) {
	for _, s := range segs {
		for i, k := range s.keys {
			if k != 0 {
				fn(s.first+i, k)
			}
		}
	}
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
