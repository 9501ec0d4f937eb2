package scoring

import "fmt"

// Book accumulates tallies for every unit over a list of non-overlapping periods.
// Books over the same policy, directory and periods merge exactly, in any order.
type Book struct {
	p       *Policy
	dir     *Directory
	periods []Period
	tallies []Tally // period-major: tallies[pi*units+unit]
}

// NewBook starts an empty book; periods must be sorted and must not overlap.
func NewBook(p *Policy, dir *Directory, periods []Period) (*Book, error) {
	for i := 1; i < len(periods); i++ {
		if periods[i].Start < periods[i-1].End {
			return nil, errorf(Invalid, "periods %s and %s overlap or are out of order", periods[i-1].ID, periods[i].ID)
		}
	}
	return &Book{p: p, dir: dir, periods: periods, tallies: make([]Tally, len(periods)*dir.Len())}, nil
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
	lo, hi := 0, len(ps)-1
	for lo < hi { // the first period whose end is after t
		mid := int(uint(lo+hi) >> 1)
		if ps[mid].End > t {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	if ps[lo].Start <= t {
		return lo
	}
	return -1
}

// PeriodOf returns the index of the period an assignment belongs to by the policy's basis, or -1.
func (b *Book) PeriodOf(a *Assignment) int {
	if b.p.BasisReceived {
		return b.find(a.Received)
	}
	return b.find(a.Closed)
}

// Add counts one assignment; it fails only when the policy cannot judge it (a deadline beyond the calendars).
func (b *Book) Add(a *Assignment) error {
	if a.Unit < 0 || int(a.Unit) >= b.dir.Len() {
		return errorf(Invalid, "ticket %s: unit index %d out of range", a.TicketID, a.Unit)
	}
	n := b.dir.Len()
	if ri := b.find(a.Received); ri >= 0 && !a.Excluded {
		b.tallies[ri*n+int(a.Unit)].Received++
	}
	pi := b.PeriodOf(a)
	if pi < 0 {
		return nil
	}
	var j judgement
	if err := b.p.judge(a, &j); err != nil {
		return err
	}
	b.tallies[pi*n+int(a.Unit)].add(a, &j)
	return nil
}

// Merge adds another book over the same policy, units and periods into b.
func (b *Book) Merge(o *Book) error {
	if len(o.tallies) != len(b.tallies) || len(o.periods) != len(b.periods) {
		return fmt.Errorf("merge: books differ in shape")
	}
	for i := range b.tallies {
		b.tallies[i].Merge(&o.tallies[i])
	}
	return nil
}

// Tally returns the tally of unit u in period pi.
func (b *Book) Tally(pi int, u int32) *Tally { return &b.tallies[pi*b.dir.Len()+int(u)] }

// Card scores and ranks every unit for period pi.
func (b *Book) Card(pi int) Card {
	c := Card{Period: b.periods[pi].Info(b.p.Loc), Policy: b.p.Info()}
	c.Units = make([]Scorecard, b.dir.Len())
	for u := range c.Units {
		c.Units[u] = b.p.Score(b.dir.Unit(int32(u)), b.Tally(pi, int32(u)))
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
