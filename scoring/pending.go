package scoring

import (
	"hash/maphash"
	"runtime"
	"strings"
	"sync"
	"unicode/utf8"
)

// pendingBuckets spreads the waiting rows by key so that Finish sorts small slices, several at a time.
const (
	pendingBuckets = 64
	chunkLen       = 4096
	arenaBlock     = 1 << 20
)

// pendRec is one in-scope row with a complete same-key (SPEC §13.7): 24 bytes, plus its ticket id in ids.
type pendRec struct {
	key  uint64 // hash of the unit and the same-fields' values
	recv uint32 // received_at, Unix seconds
	unit int32
	jid  int32  // index of its judged row in rows; -1 when its status is known (only an earlier call)
	id   uint32 // ticket id: its reference in ids
}

// pending holds the rows whose repeat status is known only when every row has been added.
type pending struct {
	set   *chunks // nil until a row waits; NewBook maps its chunks outside the heap
	ids   idStore
	rows  []row
	index rowIndex
}

// intern returns the index of a judged row, storing each distinct row once.
func (pd *pending) intern(r *row) int32 {
	return pd.index.intern(r, &pd.rows)
}

func (pd *pending) add(key uint64, a *Assignment, jid int32) {
	if pd.set == nil {
		pd.set = &chunks{}
	}
	pd.push(pendRec{key: key, recv: uint32(a.Received), unit: a.Unit, jid: jid, id: pd.ids.store(a.TicketID, pd.set)})
}

func (pd *pending) push(r pendRec) {
	if pd.set == nil {
		pd.set = &chunks{}
	}
	bk := &pd.set.buckets[r.key>>58]
	n := len(*bk)
	if n == 0 || len((*bk)[n-1]) == chunkLen {
		*bk = append(*bk, pd.set.newChunk())
		n++
	}
	(*bk)[n-1] = append((*bk)[n-1], r)
}

// merge moves o's waiting rows into pd without copying them: o's chunks and id blocks are
// adopted, and its records renumbered in place.
func (pd *pending) merge(o *pending) {
	remap := make([]int32, len(o.rows))
	for i := range o.rows {
		remap[i] = pd.intern(&o.rows[i])
	}
	shift := pd.ids.merge(&o.ids)
	if o.set == nil {
		*o = pending{}
		return
	}
	if pd.set == nil {
		pd.set = &chunks{}
	}
	pd.set.idBlocks = append(pd.set.idBlocks, o.set.idBlocks...)
	o.set.idBlocks = nil // pd owns them now, as the chunks below
	for b := range o.set.buckets {
		for _, chunk := range o.set.buckets[b] {
			for i := range chunk {
				r := &chunk[i]
				if r.jid >= 0 {
					r.jid = remap[r.jid]
				}
				r.id += shift
			}
		}
		// o's partly filled chunk goes first, so that pd's own last chunk stays the one push fills.
		pd.set.buckets[b] = append(o.set.buckets[b], pd.set.buckets[b]...)
		o.set.buckets[b] = nil // pd owns them now: o's clean-up must not free them
	}
	*o = pending{}
}

// resolve orders each key's rows by received_at, then ticket id (bytewise), and calls fn for every
// row with the id of the call it repeats (the row just before it, when at most window seconds
// earlier), or nil; it frees the rows and their ids. Buckets are sorted by GOMAXPROCS goroutines a few ahead of fn, which runs on
// the caller's goroutine, bucket after bucket, in the same order as a serial sort would give.
func (pd *pending) resolve(window int64, fn func(r, earlier *pendRec)) {
	if pd.set == nil {
		return
	}
	set := pd.set
	workers := min(runtime.GOMAXPROCS(0), pendingBuckets)
	sorted := make([][]pendRec, pendingBuckets)
	ready := make([]chan struct{}, pendingBuckets)
	for b := range ready {
		ready[b] = make(chan struct{})
	}
	// Buffers for buckets sorted but not yet consumed, reused: no bucket is copied into new memory.
	free := make(chan []pendRec, workers+1)
	for range workers + 1 {
		free <- nil
	}
	next := make(chan int, pendingBuckets)
	for b := range pendingBuckets {
		next <- b
	}
	close(next)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			srt := recSorter{pd: pd}
			for {
				all := <-free
				b, ok := <-next
				if !ok {
					free <- all
					return
				}
				all = srt.gather(all, set.buckets[b])
				set.release(b)
				sorted[b] = all
				close(ready[b])
			}
		})
	}
	for b := range pendingBuckets {
		<-ready[b]
		all := sorted[b]
		sorted[b] = nil
		for i := range all {
			r := &all[i]
			var earlier *pendRec
			if i > 0 && all[i-1].key == r.key && int64(r.recv)-int64(all[i-1].recv) <= window {
				earlier = &all[i-1]
			}
			fn(r, earlier)
		}
		free <- all
	}
	wg.Wait()
	set.releaseAll()
}

// ticketHash hashes an assignment's key (unit, ticket id).
func (p *Policy) ticketHash(unit int32, id string) uint64 {
	var h maphash.Hash
	h.SetSeed(p.seed)
	h.Write([]byte{byte(unit), byte(unit >> 8), byte(unit >> 16), byte(unit >> 24)})
	h.WriteString(id)
	return h.Sum64()
}

// sameKey hashes the unit and the values of the policy's same-fields (SPEC §13.13.5: trimmed as
// imported, kind normalised); ok is false when one of them is empty (such a row is never a repeat).
// The hash is seeded per policy: books merge only when built under the same *Policy.
func (p *Policy) sameKey(a *Assignment) (uint64, bool) {
	var buf [192]byte
	b := buf[:0]
	m := p.sameMask
	var kind byte
	if m&sameKind != 0 {
		kind = byte(a.Kind) + 1
	}
	b = append(b, byte(a.Unit), byte(a.Unit>>8), byte(a.Unit>>16), byte(a.Unit>>24), kind)
	field := func(s string) bool {
		s = trimSpace(s)
		if s == "" {
			return false
		}
		b = append(b, s...)
		b = append(b, 0)
		return true
	}
	if m&samePhone != 0 && !field(a.CallerPhone) {
		return 0, false
	}
	if m&sameCategory != 0 && !field(a.Category) {
		return 0, false
	}
	if m&sameChannel != 0 && !field(a.Channel) {
		return 0, false
	}
	return maphash.Bytes(p.seed, b), true
}

// trimSpace is strings.TrimSpace without its slow path for the common value that starts and ends
// with a character that cannot be a space (a category in Chinese starts with a multi-byte one).
func trimSpace(s string) string {
	if s == "" {
		return s
	}
	i := len(s) - 1
	for i > 0 && len(s)-i < utf8.UTFMax && !utf8.RuneStart(s[i]) {
		i--
	}
	if maybeSpace(s[0]) || maybeSpace(s[i]) {
		return strings.TrimSpace(s)
	}
	return s
}

// maybeSpace reports whether a rune starting with byte c may be a space: an ASCII space, or the
// first byte of U+0085, U+00A0, U+1680, U+2000–U+205F or U+3000.
func maybeSpace(c byte) bool {
	return asciiSpace(c) || c == 0xC2 || c == 0xE1 || c == 0xE2 || c == 0xE3
}

func asciiSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'
}
