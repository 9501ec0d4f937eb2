package scoring

import (
	"cmp"
	"fmt"
	"runtime"
	"slices"
)

// Book accumulates tallies for every unit over a list of non-overlapping periods.
// Books over the same policy, directory and periods merge exactly, in any order.
//
// Feed rows with Add (from any number of books, later merged), then call Finish: repeat requests
// found by the policy's window (SPEC §13.7) look across rows and periods, so those rows are kept
// as compact facts and counted when the book is finished. Card, Annual, Line and Explain read a
// finished book (they finish it when the caller did not).
type Book struct {
	p       *Policy
	dir     *Directory
	periods []Period
	tallies []Tally // period-major: tallies[pi*units+unit]
	byDay   []int16 // see indexDays
	batch   rowBatch

	pend     pending
	adjs     map[int][]Adjustment        // by pi*units+unit, in input order
	repeats  [pendingBuckets][]repeatRec // window repeats by the hash's top bits, each sorted by hash, after Finish
	ids      arena                       // holds only the ticket ids repeats refer to
	finished bool
}

// repeatRec is a row found to repeat an earlier call by the policy's window.
type repeatRec struct {
	hash    uint64 // of unit and ticket id
	unit    int32
	id      uint32 // arena refs
	earlier uint32
}

// NewBook starts an empty book; periods must be sorted and must not overlap.
func NewBook(p *Policy, dir *Directory, periods []Period) (*Book, error) {
	for i := 1; i < len(periods); i++ {
		if periods[i].Start < periods[i-1].End {
			return nil, errorf(Invalid, "periods %s and %s overlap or are out of order", periods[i-1].ID, periods[i].ID)
		}
	}
	if len(periods) > 1<<15-1 {
		return nil, errorf(Invalid, "%d periods: at most 32767", len(periods))
	}
	b := &Book{p: p, dir: dir, periods: periods, tallies: make([]Tally, len(periods)*dir.Len())}
	b.mapPending()
	b.indexDays()
	return b, nil
}

// mapPending has the book's waiting rows kept outside the heap where the system allows it, and
// freed when the book is dropped unfinished.
func (b *Book) mapPending() {
	b.pend.set = &chunks{}
	runtime.AddCleanup(b, func(c *chunks) { c.releaseAll() }, b.pend.set)
}

// Policy returns the book's policy.
func (b *Book) Policy() *Policy { return b.p }

// Directory returns the book's units.
func (b *Book) Directory() *Directory { return b.dir }

// Periods returns the book's periods.
func (b *Book) Periods() []Period { return b.periods }

// find returns the index of the period containing t, or -1.
func (b *Book) find(t int64) int {
	ps := b.periods
	if t == 0 || len(ps) == 0 || t < ps[0].Start || t >= ps[len(ps)-1].End {
		return -1
	}
	var i int
	if d := (t - ps[0].Start) / 86400; d < int64(len(b.byDay)) {
		// The first period ending after the day's start; at most a few steps to the one containing t.
		i = int(b.byDay[d])
		for ps[i].End <= t {
			i++
		}
	} else {
		i = b.search(t)
	}
	if ps[i].Start <= t {
		return i
	}
	return -1
}

// search finds the first period whose end is after t by bisection.
func (b *Book) search(t int64) int {
	ps := b.periods
	lo, hi := 0, len(ps)-1
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		if ps[mid].End > t {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	return lo
}

// indexDays fills byDay: for each day from the first period's start, the first period ending after it.
func (b *Book) indexDays() {
	ps := b.periods
	if len(ps) == 0 {
		return
	}
	days := (ps[len(ps)-1].End - ps[0].Start + 86399) / 86400
	if days > 1<<16 {
		return // a span this long is searched by bisection
	}
	b.byDay = make([]int16, days)
	for d := range b.byDay {
		b.byDay[d] = int16(b.search(ps[0].Start + int64(d)*86400))
	}
}

// findNear is find with a likely answer tried first.
func (b *Book) findNear(t int64, hint int16) int16 {
	if hint >= 0 {
		if p := &b.periods[hint]; t >= p.Start && t < p.End && t != 0 {
			return hint
		}
	}
	return int16(b.find(t))
}

// PeriodOf returns the index of the period an assignment belongs to by the policy's basis, or -1.
// An approved return belongs, under basis closed, to the period of its returned_at (SPEC §13.3);
// a row outside the policy's scope belongs to none.
func (b *Book) PeriodOf(a *Assignment) int {
	if b.p.scoped && !b.p.inScope(a) {
		return -1
	}
	return b.WindowOf(a)
}

// WindowOf returns the index of the period whose window holds a's basis instant — received_at under a
// received basis, else returned_at of an approved return (SPEC §13.3), else closed_at — whether or
// not a is in the policy's scope; -1 when no period holds it. Listings of a period's rows use it, so
// that an out-of-scope row is listed with its reason.
func (b *Book) WindowOf(a *Assignment) int {
	switch {
	case b.p.BasisReceived:
		return b.find(a.Received)
	case a.Return == ReturnApproved:
		return b.find(a.Returned)
	}
	return b.find(a.Closed)
}

// Add counts one assignment; it fails only when the policy cannot judge it (a deadline beyond the
// calendars) or the book is finished.
func (b *Book) Add(a *Assignment) error {
	if a.Unit < 0 || int(a.Unit) >= b.dir.Len() {
		return errorf(Invalid, "ticket %s: unit index %d out of range", a.TicketID, a.Unit)
	}
	if b.finished {
		return errorf(Internal, "ticket %s: the book is finished", a.TicketID)
	}
	p := b.p
	if p.scoped && !p.inScope(a) {
		return nil // out of scope: counts nowhere, not even as an earlier call
	}
	var j judgement
	if err := b.judge(a, &j); err != nil {
		return err
	}
	dup := j.flags&rDupOf != 0
	if p.sameMask != 0 {
		if key, ok := p.sameKey(a); ok {
			if dup || j.flags&rApproved != 0 {
				b.pend.add(key, a, -1) // known status; an earlier call for later rows
			} else {
				b.pend.add(key, a, b.pend.intern(&j.row))
				return nil
			}
		}
	}
	b.push(a.Unit, &j.row, dup)
	return nil
}

// Finish counts the rows whose repeat status needed every row (SPEC §13.7); it is idempotent.
// Add and Merge must not be called after it.
func (b *Book) Finish() error {
	if b.finished {
		return nil
	}
	b.finished = true
	b.flush()
	b.batch = rowBatch{}
	var id, eid []byte
	b.pend.resolve(b.p.Duplicates.windowOr0(), func(r *pendRec, earlier *pendRec) {
		if r.jid < 0 {
			return
		}
		b.apply(r.unit, &b.pend.rows[r.jid], earlier != nil)
		if earlier != nil {
			id = b.pend.ids.get(r.id, id)
			eid = b.pend.ids.get(earlier.id, eid)
			h := b.p.ticketHash(r.unit, string(id))
			rr := repeatRec{hash: h, unit: r.unit, id: b.ids.store(string(id)), earlier: b.ids.store(string(eid))}
			b.repeats[h>>58] = append(b.repeats[h>>58], rr)
		}
	})
	for i := range b.repeats {
		slices.SortFunc(b.repeats[i], func(x, y repeatRec) int { return cmp.Compare(x.hash, y.hash) })
	}
	b.pend = pending{}
	return nil
}

func (d *Duplicates) windowOr0() int64 {
	if d == nil {
		return 0
	}
	return d.Window
}

// repeatOf returns the earlier ticket a row repeats by the policy's window, and whether it does.
func (b *Book) repeatOf(a *Assignment) (string, bool) {
	h := b.p.ticketHash(a.Unit, a.TicketID)
	list := b.repeats[h>>58]
	i, _ := slices.BinarySearchFunc(list, h, func(r repeatRec, h uint64) int { return cmp.Compare(r.hash, h) })
	for ; i < len(list) && list[i].hash == h; i++ {
		if r := &list[i]; r.unit == a.Unit && string(b.ids.id(r.id)) == a.TicketID {
			return string(b.ids.id(r.earlier)), true
		}
	}
	return "", false
}

// Merge adds another book over the same policy, units and periods into b; neither may be finished.
func (b *Book) Merge(o *Book) error {
	if len(o.tallies) != len(b.tallies) || len(o.periods) != len(b.periods) {
		return fmt.Errorf("merge: books differ in shape")
	}
	if b.finished || o.finished {
		return errorf(Internal, "merge: a book is already finished")
	}
	if b.p != o.p {
		return errorf(Internal, "merge: books were built under different policies")
	}
	b.flush()
	o.flush()
	for i := range b.tallies {
		b.tallies[i].Merge(&o.tallies[i])
	}
	b.pend.merge(&o.pend)
	for k, list := range o.adjs {
		if b.adjs == nil {
			b.adjs = map[int][]Adjustment{}
		}
		b.adjs[k] = append(b.adjs[k], list...)
	}
	return nil
}

// AddAdjustments records manual adjustments (SPEC §13.10) in input order; an unknown unit code is an
// error, and adjustments of a period the book does not score are ignored (periods match on their exact id).
func (b *Book) AddAdjustments(adjs []Adjustment) error {
	for i, a := range adjs {
		if _, ok := b.dir.Lookup(a.Unit); !ok || b.dir.units[b.dir.byKey[a.Unit]].Code != a.Unit {
			return &Error{Code: Invalid, Message: fmt.Sprintf("adjustment %d: unknown unit %q", i+1, a.Unit),
				Fields: []FieldError{{Field: fmt.Sprintf("adjustments[%d].unit", i), Reason: fmt.Sprintf("unknown unit %q", a.Unit)}}}
		}
	}
	for _, a := range adjs {
		u := b.dir.byKey[a.Unit]
		for pi := range b.periods {
			if b.periods[pi].ID != a.Period {
				continue
			}
			if b.adjs == nil {
				b.adjs = map[int][]Adjustment{}
			}
			k := pi*b.dir.Len() + int(u)
			b.adjs[k] = append(b.adjs[k], a)
		}
	}
	return nil
}

// Adjustments returns the adjustments of unit u in period pi, in input order.
func (b *Book) Adjustments(pi int, u int32) []Adjustment { return b.adjs[pi*b.dir.Len()+int(u)] }

// Tally returns the tally of unit u in period pi.
func (b *Book) Tally(pi int, u int32) *Tally { return &b.tallies[pi*b.dir.Len()+int(u)] }

// Card scores and ranks every unit for period pi.
func (b *Book) Card(pi int) Card {
	_ = b.Finish()
	c := Card{Period: b.periods[pi].Info(b.p.Loc), Policy: b.p.Info()}
	c.Units = make([]Scorecard, b.dir.Len())
	for u := range c.Units {
		c.Units[u] = b.p.Score(b.dir.Unit(int32(u)), b.Tally(pi, int32(u)), b.Adjustments(pi, int32(u)))
	}
	b.p.Rank(&c, b.dir.Groups())
	return c
}

// CardWithTrend is Card for period pi with each unit's rank change against period prev of the same book.
func (b *Book) CardWithTrend(pi, prev int) Card {
	c := b.Card(pi)
	AddTrend(&c, b.Card(prev))
	return c
}
