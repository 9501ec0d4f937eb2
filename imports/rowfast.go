package imports

import (
	"fmt"
	"math/bits"

	"sanlv/scoring"
)

// rowState is what parse keeps of a row's cells for the checks after them.
type rowState struct {
	tid, dupOf        []byte
	unitOK, hasReason bool
}

// fastLayout reports whether the fields of a CSV layout can be read by readFast: every field has code
// of its own here (a field added to the fields table later is read by type, see generic), every field read
// comes from its own column, without value mapping or default, and the labels are distinct, so that
// reading the fields in field order instead of column order gives the same problems once they are
// sorted by column.
func fastLayout(l *layout, steps []step, csv bool) bool {
	if !csv {
		return false
	}
	cols := map[int]bool{}
	labels := map[string]bool{}
	for _, st := range steps {
		if !st.plain || cols[st.col] || labels[l.label[st.f]] || st.f > lastOwn {
			return false
		}
		cols[st.col], labels[l.label[st.f]] = true, true
	}
	return true
}

// fastCol is a field a fast layout reads and its column.
type fastCol struct {
	f   field
	col int
}

// fastCols lists the fields of the steps with their columns.
func fastCols(steps []step) []fastCol {
	out := make([]fastCol, len(steps))
	for i, st := range steps {
		out[i] = fastCol{f: st.f, col: st.col}
	}
	return out
}

// readFast reads the fields of a row of a fast layout (see fastLayout) in field order, with the
// same checks as readSteps;// v holds the trimmed cells by field (nil for a field without column).
func (p *rowParser) readFast(c *collector, ln *line, a *scoring.Assignment, v *byField, rs *rowState) {
	row := ln.row
	if b, ok := v[fTicketID], p.col[fTicketID] >= 0; ok && p.required(c, row, fTicketID, b) && p.text(c, ln, fTicketID, b) {
		if !(len(b) > 2 && b[0]-'0' <= 9 && (b[1] == '.' || b[1]|0x20 == 'e') && p.scientific(c, row, fTicketID, b)) {
			rs.tid = b
			a.TicketID = p.strs.str(b) // kept in lean reads too: errors and repeats name the ticket
		}
	}
	if b, ok := v[fUnit], p.col[fUnit] >= 0; ok && p.required(c, row, fUnit, b) {
		if u, ok := p.unit(b); ok {
			a.Unit, rs.unitOK = u, true
		} else if u, ok := p.lenientUnit(c, b); ok {
			a.Unit, rs.unitOK = u, true
		} else {
			c.add(row, p.label[fUnit], fmt.Sprintf("unknown unit %q", b))
		}
	}
	if b, ok := v[fRole], p.col[fRole] >= 0; ok {
		if v, ok := p.role.fast.lookup(b); ok {
			a.Role = scoring.Role(v)
		} else {
			v, err := p.role.get(b)
			p.check(c, row, fRole, err)
			a.Role = v
		}
	}
	a.Received = p.when(c, row, fReceived, v[fReceived], p.col[fReceived] >= 0)
	a.Dispatched = p.when(c, row, fDispatched, v[fDispatched], p.col[fDispatched] >= 0)
	a.ContactAt = p.when(c, row, fContactAt, v[fContactAt], p.col[fContactAt] >= 0)
	a.Closed = p.when(c, row, fClosed, v[fClosed], p.col[fClosed] >= 0)
	a.Due = p.when(c, row, fDue, v[fDue], p.col[fDue] >= 0)
	if b, ok := v[fKind], p.col[fKind] >= 0; ok && p.required(c, row, fKind, b) {
		if v, ok := p.kind.fast.lookup(b); ok {
			a.Kind = scoring.Kind(v)
		} else {
			v, err := p.kind.get(b)
			p.check(c, row, fKind, err)
			a.Kind = v
		}
	}
	if b, ok := v[fUrgency], p.col[fUrgency] >= 0; ok {
		if v, ok := p.urgency.fast.lookup(b); ok {
			a.Urgency = scoring.Urgency(v)
		} else {
			v, err := p.urgency.get(b)
			p.check(c, row, fUrgency, err)
			a.Urgency = v
		}
	}
	if b, ok := v[fCategory], p.col[fCategory] >= 0; ok && p.text(c, ln, fCategory, b) && !p.lean && len(b) > 0 {
		a.Category = p.strs.str(b)
	}
	if b, ok := v[fRedispatches], p.col[fRedispatches] >= 0; ok {
		if n, ok := parseCount(b); ok {
			a.Redispatches = n
		} else {
			c.add(row, p.label[fRedispatches], fmt.Sprintf("not a whole number ≥ 0: %q", b))
		}
	}
	a.CallbackValid = p.yes(c, row, fCallbackValid, v[fCallbackValid], p.col[fCallbackValid] >= 0)
	if b, ok := v[fContacted], p.col[fContacted] >= 0; ok {
		if v, ok := p.tri.fast.lookup(b); ok {
			a.Contacted = scoring.Tri(v)
		} else {
			v, err := p.tri.get(b)
			p.check(c, row, fContacted, err)
			a.Contacted = v
		}
	}
	if b, ok := v[fResolved], p.col[fResolved] >= 0; ok {
		if v, ok := p.resolution.fast.lookup(b); ok {
			a.Resolution = scoring.Resolution(v)
		} else {
			v, err := p.resolution.get(b)
			p.check(c, row, fResolved, err)
			a.Resolution = v
		}
	}
	if b, ok := v[fSatisfaction], p.col[fSatisfaction] >= 0; ok {
		if v, ok := p.satisfaction.fast.lookup(b); ok {
			a.Satisfaction = scoring.Satisfaction(v)
		} else {
			v, err := p.satisfaction.get(b)
			p.check(c, row, fSatisfaction, err)
			a.Satisfaction = v
		}
	}
	a.Supervised = p.yes(c, row, fSupervised, v[fSupervised], p.col[fSupervised] >= 0)
	a.IncompleteMaterials = p.yes(c, row, fIncomplete, v[fIncomplete], p.col[fIncomplete] >= 0)
	a.OpinionIncident = p.yes(c, row, fOpinion, v[fOpinion], p.col[fOpinion] >= 0)
	a.Excluded = p.yes(c, row, fExcluded, v[fExcluded], p.col[fExcluded] >= 0)
	if b, ok := v[fExcludeReason], p.col[fExcludeReason] >= 0; ok {
		rs.hasReason = len(b) > 0
		if p.text(c, ln, fExcludeReason, b) && !p.lean && rs.hasReason {
			a.ExcludeReason = p.strs.str(b)
		}
	}
	if b, ok := v[fCallerPhone], p.col[fCallerPhone] >= 0; ok && p.text(c, ln, fCallerPhone, b) && !p.lean && len(b) > 0 {
		a.CallerPhone = p.strs.str(b)
	}
	a.Accepted = p.when(c, row, fAccepted, v[fAccepted], p.col[fAccepted] >= 0)
	a.ExtendedDue = p.when(c, row, fExtendedDue, v[fExtendedDue], p.col[fExtendedDue] >= 0)
	a.Returned = p.when(c, row, fReturned, v[fReturned], p.col[fReturned] >= 0)
	for _, f := range [...]field{fReturnStatus, fDuplicateOf, fChannel, fHotline} {
		if b, ok := v[f], p.col[f] >= 0; ok {
			if d := p.extra(c, ln, f, b, a); d != nil {
				rs.dupOf = d
			}
		}
	}
}

// yes reads the true/false cell b of field f (ok when the file has the column): whether it says yes (false when the file has no such column).
func (p *rowParser) yes(c *collector, row int, f field, b []byte, ok bool) bool {
	if !ok {
		return false
	}
	if v, ok := p.tri.fast.lookup(b); ok {
		return scoring.Tri(v) == scoring.Yes
	}
	v, err := p.tri.get(b)
	p.check(c, row, f, err)
	return v == scoring.Yes
}

// when reads the datetime cell b of field f (ok when the file has the column): its Unix time, or 0 when it is empty, bad (reported) or
// the file has no such column.
func (p *rowParser) when(c *collector, row int, f field, b []byte, ok bool) int64 {
	if !ok {
		return 0
	}
	if len(b) == 0 {
		if f == fReceived || f == fDispatched {
			p.required(c, row, f, b)
		}
		return 0
	}
	if p.plainTimes {
		if t, ok := p.clock.cachedDay(b); ok {
			return t
		}
	}
	t, ok := p.datetime(b)
	if !ok {
		if t, ok = p.lenientTime(c, row, f, b); !ok {
			c.add(row, p.label[f], p.badTime(b))
			return 0
		}
	}
	return t
}

// trimCell trims a cell when it starts or ends with anything but printable ASCII.
func trimCell(b []byte) []byte {
	if n := len(b); n > 0 && (b[0]-0x21 > 0x5E || b[n-1]-0x21 > 0x5E) {
		return trimSlow(b)
	}
	return b
}

// byField holds a row's trimmed cells by field; the last entry takes the cells of columns no
// field reads.
type byField [numFields + 1][]byte

// maxCells bounds the fields of a line that splitCells reads (255), so that a uint8 numbers them.
const maxCells = 256

// fieldsOf returns, for each column, the field it feeds (numFields for none), as splitCells uses it.
func fieldsOf(fcs []fastCol) *[maxCells]uint8 {
	var out [maxCells]uint8
	for i := range out {
		out[i] = uint8(numFields)
	}
	for _, fc := range fcs {
		if fc.col >= 0 && fc.col < maxCells {
			out[fc.col] = uint8(fc.f)
		}
	}
	return &out
}

// splitCells splits a line without quotes at its commas, storing each cell, trimmed, in v by
// the field of its column; n counts the cells, and ok is false when there are more than
// maxCells-1 (v is then incomplete).
func (p *rowParser) splitCells(line []byte, v *byField) (n int, ok bool) {
	to := p.fieldOf
	start := 0
	for base := 0; base < len(line); base += 64 {
		var mask uint64
		if base+64 <= len(line) {
			mask = commaMask((*[64]byte)(line[base : base+64]))
		} else if base+64 <= cap(line) {
			// The bytes past the line's end are readable (the buffer goes on); their bits are dropped.
			mask = commaMask((*[64]byte)(line[base:base+64])) & (1<<(len(line)-base) - 1)
		} else {
			var pad [64]byte
			k := copy(pad[:], line[base:])
			mask = commaMask(&pad) & (1<<k - 1)
		}
		for ; mask != 0; mask &= mask - 1 {
			if n == maxCells-1 {
				return n, false
			}
			j := base + bits.TrailingZeros64(mask)
			b := line[start:j]
			if k := len(b); k > 0 && (b[0]-0x21 > 0x5E || b[k-1]-0x21 > 0x5E) {
				b = trimSlow(b)
			}
			v[to[uint8(n)]] = b
			start = j + 1
			n++
		}
	}
	v[to[uint8(n)]] = trimCell(line[start:])
	return n + 1, true
}

// parseLine is parse for a line without quotes of a fast layout, its cells split by splitCells,
// when the row is neither blank nor a totals line nor a repeated header (its ticket_id cell has a
// value that does not start with a CJK character and is not the column's header) and has one field a column; ok is false, with nothing done, otherwise.
func (p *rowParser) parseLine(c *collector, ln *line, v *byField, ncells int, a *scoring.Assignment) (st status, ok bool) {
	if ncells != len(p.header) || len(c.errs)+2*int(numFields)+8 >= c.max {
		return 0, false
	}
	if t := v[fTicketID]; len(t) == 0 || t[0] == 0xE5 || t[0] == 0xE6 || string(t) == p.tidHeader {
		return 0, false
	}
	c.last = ln.row
	*a = scoring.Assignment{}
	c.begin()
	defer c.end()
	var rs rowState
	p.readFast(c, ln, a, v, &rs)
	return p.settle(c, ln.row, a, &rs), true
}
