package scoring

import (
	"bytes"
	"math/bits"
)

// recSorter sorts waiting rows; it holds one goroutine's buffers for ticket ids.
type recSorter struct {
	pd     *pending
	bx, by []byte
}

// recLess orders waiting rows by key, received_at, then ticket id (bytewise).
func recLess(s *recSorter, x, y *pendRec) bool {
	if x.key != y.key {
		return x.key < y.key
	}
	if x.recv != y.recv {
		return x.recv < y.recv
	}
	return s.idLess(x.id, y.id)
}

// idLess compares two ticket ids; only rows with the same key and received_at need it.
//
//go:noinline
func (s *recSorter) idLess(x, y uint32) bool {
	s.bx = s.pd.ids.get(x, s.bx)
	s.by = s.pd.ids.get(y, s.by)
	return bytes.Compare(s.bx, s.by) < 0
}

// sortRecs sorts a by recLess: quicksort with a median-of-three pivot, insertion sort for short
// runs and heapsort when the recursion goes too deep. The order is total but for rows equal in
// key, received_at and ticket id, which are interchangeable to resolve.
// gather copies the chunks of one bucket into buf, sorted: a counting pass on the key's next 8
// bits places each row in its part (a bucket already shares the top 6), then each part, small
// enough for the cache, is sorted.
func (s *recSorter) gather(buf []pendRec, chunks [][]pendRec) []pendRec {
	var count [257]int
	for _, ch := range chunks {
		for i := range ch {
			count[ch[i].key>>50&0xFF+1]++
		}
	}
	for i := 1; i < len(count); i++ {
		count[i] += count[i-1]
	}
	n := count[256]
	if cap(buf) < n {
		buf = make([]pendRec, n)
	}
	buf = buf[:n]
	next := count
	for _, ch := range chunks {
		for i := range ch {
			k := ch[i].key >> 50 & 0xFF
			buf[next[k]] = ch[i]
			next[k]++
		}
	}
	for k := range 256 {
		s.sort(buf[count[k]:count[k+1]])
	}
	return buf
}

func (s *recSorter) sort(a []pendRec) {
	quickRecs(s, a, 2*bits.Len(uint(len(a))))
}

func quickRecs(pd *recSorter, a []pendRec, depth int) {
	for len(a) > 16 {
		if depth == 0 {
			heapRecs(pd, a)
			return
		}
		depth--
		// Median of three to a[0], as the pivot.
		m, l := len(a)/2, len(a)-1
		if recLess(pd, &a[m], &a[0]) {
			a[m], a[0] = a[0], a[m]
		}
		if recLess(pd, &a[l], &a[m]) {
			a[l], a[m] = a[m], a[l]
			if recLess(pd, &a[m], &a[0]) {
				a[m], a[0] = a[0], a[m]
			}
		}
		a[0], a[m] = a[m], a[0]
		pv := a[0]
		// Hoare partition: both scans stop on rows equal to the pivot, so equal rows split evenly.
		i, j := 0, len(a)
		for {
			for i++; i < len(a) && recLess(pd, &a[i], &pv); i++ {
			}
			for j--; recLess(pd, &pv, &a[j]); j-- {
			}
			if i >= j {
				break
			}
			a[i], a[j] = a[j], a[i]
		}
		a[0], a[j] = a[j], a[0]
		// Recurse into the smaller side, loop on the larger.
		if j < len(a)-j {
			quickRecs(pd, a[:j], depth)
			a = a[j+1:]
		} else {
			quickRecs(pd, a[j+1:], depth)
			a = a[:j]
		}
	}
	for i := 1; i < len(a); i++ {
		for j := i; j > 0 && recLess(pd, &a[j], &a[j-1]); j-- {
			a[j], a[j-1] = a[j-1], a[j]
		}
	}
}

func heapRecs(pd *recSorter, a []pendRec) {
	down := func(i, n int) {
		for {
			c := 2*i + 1
			if c >= n {
				return
			}
			if c+1 < n && recLess(pd, &a[c], &a[c+1]) {
				c++
			}
			if !recLess(pd, &a[i], &a[c]) {
				return
			}
			a[i], a[c] = a[c], a[i]
			i = c
		}
	}
	for i := len(a)/2 - 1; i >= 0; i-- {
		down(i, len(a))
	}
	for n := len(a) - 1; n > 0; n-- {
		a[0], a[n] = a[n], a[0]
		down(0, n)
	}
}

// rowIndex finds the index of a distinct judged row: open addressing with the rows in the table,
// so that a look-up touches one place in memory (there may be tens of thousands of distinct rows).
type rowIndex struct {
	slots []rowSlot
	used  int
}

type rowSlot struct {
	r row
	n int32 // index+1 into rows; 0 is empty
}

func rowHash(r *row) uint64 {
	a := uint64(uint16(r.pi)) | uint64(uint16(r.ri))<<16 | uint64(uint16(r.di))<<32 | uint64(r.flags)<<48
	b := uint64(r.role) | uint64(r.res)<<8 | uint64(r.sat)<<16 | uint64(r.rules)<<24
	h := ((a*0x9E3779B97F4A7C15^b)*0xC2B2AE3D27D4EB4F ^ uint64(r.rulesRepeat)) * 0x165667B19E3779F9
	return h ^ h>>32
}

// intern returns the index in *rows of a row equal to r, appending r when there is none.
func (x *rowIndex) intern(r *row, rows *[]row) int32 {
	if len(x.slots) == 0 {
		x.slots = make([]rowSlot, 1024)
	}
	mask := uint64(len(x.slots) - 1)
	for i := rowHash(r) & mask; ; i = (i + 1) & mask {
		s := &x.slots[i]
		if s.n == 0 {
			break
		}
		if s.r == *r {
			return s.n - 1
		}
	}
	n := int32(len(*rows))
	*rows = append(*rows, *r)
	if 2*(x.used+1) > len(x.slots) {
		x.slots = make([]rowSlot, 2*len(x.slots))
		x.used = 0
		for j := range *rows {
			x.place(&(*rows)[j], int32(j))
		}
	} else {
		x.place(r, n)
	}
	return n
}

func (x *rowIndex) place(r *row, n int32) {
	mask := uint64(len(x.slots) - 1)
	i := rowHash(r) & mask
	for x.slots[i].n != 0 {
		i = (i + 1) & mask
	}
	x.slots[i] = rowSlot{r: *r, n: n + 1}
	x.used++
}
