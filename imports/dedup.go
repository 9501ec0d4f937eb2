package imports

import (
	"math/bits"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
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
// It finds the keys that occur more than once exactly, partition by partition of the key space
// (on parallel goroutines): a partition's keys (at most 2M, 16 MB) are gathered and radix-sorted
// a byte at a time, so that equal keys meet with sequential memory accesses instead of random
// ones. Each gather reads every key, so partitions are few. A last pass in row order finds the
// rows of the repeated keys.
func findDuplicates(logs []*keyLog, dup func(row, first int, invalid bool)) {
	n := keyCount(logs)
	parts := 1
	for parts < 64 && n/parts > 1<<21 {
		parts *= 2
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
	repeated := make([][]uint64, parts)
	var next atomic.Int64
	var wg sync.WaitGroup
	for range max(1, min(runtime.GOMAXPROCS(0), parts)) {
		wg.Go(func() {
			// Partitions hold about n/parts keys each: room for a little more spares regrowing.
			buf := make([]uint64, 0, n/parts+n/parts/16+1024)
			var tmp []uint64
			for {
				p := int(next.Add(1) - 1)
				if p >= parts {
					return
				}
				buf = gather(segs, p, parts, buf[:0])
				tmp = slices.Grow(tmp[:0], len(buf))[:len(buf)]
				radixSort(buf, tmp, 55-bits.Len(uint(parts-1))) // keys k>>1: bit 63 clear, then the partition bits
				repeated[p] = repeats(tmp)
			}
		})
	}
	wg.Wait()
	candidates := map[uint64]int{}
	for _, ks := range repeated {
		for _, k := range ks {
			candidates[k] = 0
		}
	}
	if len(candidates) == 0 {
		return
	}
	// A small one-bit filter of the candidates spares most keys the map lookup.
	var quick [1 << 10]uint64
	for k := range candidates {
		h := mix(k) >> 48
		quick[h>>6] |= 1 << (h & 63)
	}
	for _, s := range segs {
		for i, k := range s.keys {
			h := mix(k>>1) >> 48
			if quick[h>>6]&(1<<(h&63)) == 0 || k == 0 {
				continue
			}
			first, ok := candidates[k>>1]
			switch {
			case !ok:
			case first == 0:
				candidates[k>>1] = s.first + i
			default:
				dup(s.first+i, first, k&1 == 1)
			}
		}
	}
}

// gather appends to buf the keys of partition p of parts (by their top bits), without their
// invalid bit (k>>1); rows without a key are left out. It writes every key and advances only
// past those it keeps, so that the choice costs no branch.
func gather(segs []keySeg, p, parts int, buf []uint64) []uint64 {
	shift := uint(64 - bits.Len(uint(parts-1))) // 64 for one partition: k>>64 is 0
	j := len(buf)
	for _, s := range segs {
		buf = slices.Grow(buf[:j], len(s.keys))
		out := buf[:cap(buf)]
		for _, k := range s.keys {
			out[j] = k >> 1
			same := k>>shift ^ uint64(p)
			// keep is 1 when the key is in the partition and is not 0 (a row without key).
			keep := (same|-same)>>63 ^ 1
			keep &= (k | -k) >> 63
			j += int(keep)
		}
	}
	return buf[:j]
}

// radixSort sorts the keys of buf into tmp (of the same length) by their bits from shift+8 down,
// a byte at a time, using buf as scratch; the bits above shift+8 must be equal (the partition's).
// Buckets of a few keys are finished by insertion sort.
func radixSort(buf, tmp []uint64, shift int) {
	if shift < 0 {
		shift = 0
	}
	var cnt [257]int
	for _, k := range buf {
		cnt[(k>>shift)&255+1]++
	}
	for i := 1; i < len(cnt); i++ {
		cnt[i] += cnt[i-1]
	}
	pos := cnt
	for _, k := range buf {
		d := (k >> shift) & 255
		tmp[pos[d]] = k
		pos[d]++
	}
	for d := range 256 {
		lo, hi := cnt[d], cnt[d+1]
		if hi-lo > 32 && shift > 0 {
			radixSort(tmp[lo:hi], buf[lo:hi], shift-8)
			copy(tmp[lo:hi], buf[lo:hi])
			continue
		}
		insertionSort(tmp[lo:hi])
	}
}

func insertionSort(s []uint64) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

// repeats returns each key that occurs more than once in sorted keys, once.
func repeats(sorted []uint64) []uint64 {
	var out []uint64
	for i := 1; i < len(sorted); i++ {
		if sorted[i] == sorted[i-1] && (i == 1 || sorted[i-2] != sorted[i]) {
			out = append(out, sorted[i])
		}
	}
	return out
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
