package imports

import (
	"fmt"
	"hash/maphash"
	"slices"
	"strings"
	"time"

	"sanlv/scoring"
)

// Options configure a read.
type Options struct {
	// Loc is the zone of datetimes without one (policy.Loc); nil means Asia/Shanghai.
	// A mapping's timezone overrides it.
	Loc *time.Location
	// Mapping maps another system's columns and spellings onto ours; nil for none.
	Mapping *Mapping
	// MaxErrors caps the problems kept in the report (0 means 1000); Invalid still counts every row.
	MaxErrors int
	// Lean leaves Category, ExcludeReason and CallerPhone empty (they are still checked), so that a
	// scan for scoring copies less per row; TicketID is kept (errors and repeats name the ticket).
	Lean bool
	// Sheet is the sheet of a workbook to read, by name or 1-based number; "" means the first sheet
	// with a header row (the mapping's sheet when it names one).
	Sheet string
	// HeaderRow is the row of the header (1-based); 0 means the first of the first 30 rows in
	// which the required columns resolve (the mapping's header_row when it names one).
	HeaderRow int
}

// status is the outcome of reading one row.
type status uint8

const (
	rowValid status = iota
	rowInvalid
	rowBlank
	rowTotals
)

// rowParser reads rows into assignments. It holds per-worker caches: one per goroutine.
type rowParser struct {
	*layout
	dir   *scoring.Directory
	clock *clock
	seed  maphash.Seed
	lean  bool
	// plainTimes tells that datetimes have no mapping layouts and no Excel serials.
	plainTimes bool
	// fast tells that rows can be read by readFast (see fastLayout); fastCols lists their fields.
	fast     bool
	fastCols []fastCol
	fieldOf  *[maxCells]uint8 // the field of each column, for splitCells
	// dateOnlyCell tells an XLSX cell formatted as a date without a time (see table); nil otherwise.
	dateOnlyCell func(row, col int) bool
	csv          bool
	xlsx         bool
	date1904     bool

	steps        []step
	role         words[scoring.Role]
	kind         words[scoring.Kind]
	urgency      words[scoring.Urgency]
	resolution   words[scoring.Resolution]
	satisfaction words[scoring.Satisfaction]
	tri          words[scoring.Tri]
	ret          words[scoring.ReturnStatus]
	// texts interns the values of short repetitive text fields (channel, hotline).
	texts map[string]string
	// channels and hotlines hold the first few values of those fields, looked up before texts.
	channels, hotlines fewTexts
	// valid remembers text values found valid UTF-8.
	valid validTexts
	// strs holds the other texts a row keeps (ticket id, category, caller phone, …).
	strs strArena
	// units caches the unit names found only after normalisation (nameKey), and their misses.
	units map[string]int32
	// unitHits caches units found by Directory.LookupBytes, by packed name (names of up to 16 bytes).
	unitHits [1024]unitHit
	unitFill int // slots of unitHits in use
	// normUnits indexes the units by nameKey of code and name; -2 marks a key two units share.
	normUnits map[string]int32
	// tidHeader is the header of the ticket-id column: a row with it as its ticket id may repeat
	// the header, and goes the slow way that says so (see repeatsHeader).
	tidHeader string
}

func newRowParser(l *layout, dir *scoring.Directory, t *table, seed maphash.Seed, lean bool) *rowParser {
	steps := l.steps()
	p := &rowParser{
		layout: l, dir: dir, clock: newClock(l.loc), seed: seed, lean: lean, steps: steps, fast: fastLayout(l, steps, t.csv), fastCols: fastCols(steps), fieldOf: fieldsOf(fastCols(steps)),
		csv: t.csv, xlsx: t.xlsx, date1904: t.date1904, plainTimes: len(l.layouts) == 0 && !t.xlsx, dateOnlyCell: t.dateOnlyCell,
		role:         words[scoring.Role]{parse: scoring.ParseRole},
		kind:         words[scoring.Kind]{parse: scoring.ParseKind},
		urgency:      words[scoring.Urgency]{parse: scoring.ParseUrgency},
		resolution:   words[scoring.Resolution]{parse: scoring.ParseResolution},
		satisfaction: words[scoring.Satisfaction]{parse: scoring.ParseSatisfaction},
		tri:          words[scoring.Tri]{parse: scoring.ParseTri},
		ret:          words[scoring.ReturnStatus]{parse: scoring.ParseReturnStatus},
		texts:        map[string]string{},
	}
	if c := l.col[fTicketID]; c >= 0 && c < len(l.header) {
		p.tidHeader = strings.TrimSpace(l.header[c])
	}
	return p
}

// intern returns b as a string, shared with earlier equal values while few distinct values were seen.
func (p *rowParser) intern(few *fewTexts, b []byte) string {
	if len(b) == 0 {
		return ""
	}
	for i := range few.n {
		if few.vals[i] == string(b) {
			return few.vals[i]
		}
	}
	s := p.internMap(b)
	if few.n < len(few.vals) {
		few.vals[few.n] = s
		few.n++
	}
	return s
}

func (p *rowParser) internMap(b []byte) string {
	if s, ok := p.texts[string(b)]; ok {
		return s
	}
	s := string(b)
	if len(p.texts) < 1024 {
		p.texts[s] = s
	}
	return s
}

// parse reads one row into a (reset first), reporting every problem to c, and logs its key.
func (p *rowParser) parse(c *collector, ln *line, a *scoring.Assignment) status {
	row, cells := ln.row, ln.cells
	if blank(cells) {
		return rowBlank
	}
	if tc := p.col[fTicketID]; tc >= 0 && (tc >= len(cells) || len(cells[tc]) == 0 || cells[tc][0] == 0xE5 || cells[tc][0] == 0xE6) && totalsRow(cells) {
		c.totals = append(c.totals, row)
		return rowTotals
	}
	c.last = row
	*a = scoring.Assignment{}
	c.begin()
	defer c.end()
	if p.csv && len(cells) != len(p.header) {
		c.add(row, "", fmt.Sprintf("row has %d fields, the header has %d", len(cells), len(p.header)))
		c.keys.add(row, 0)
		return rowInvalid
	}
	if ln.malformed > 0 {
		i := ln.malformed - 1
		c.add(row, ignoredName(i, p.header[i]), "text after the closing quote (a quote inside a quoted field is written \"\")")
	}
	var rs rowState
	if p.fast && len(c.errs)+2*int(numFields)+8 < c.max {
		var v byField
		for _, fc := range p.fastCols {
			v[fc.f] = trimCell(cells[fc.col])
		}
		p.readFast(c, ln, a, &v, &rs)
	} else {
		p.readSteps(c, ln, a, &rs)
	}
	if c.bad && c.first <= len(c.errs) && p.repeatsHeader(cells) {
		// One problem instead of one per cell (parseLine hands such rows here: their ticket id is
		// CJK or the column's own header).
		c.errs = append(c.errs[:c.first], RowError{File: c.file, Row: row, Reason: "row repeats the header row (a second table below the first, or a repeated page header?): delete it, or put each table in a file of its own"})
	}
	return p.settle(c, row, a, &rs)
}

// settle applies the checks across fields of a read row, orders its problems and logs its key.
func (p *rowParser) settle(c *collector, row int, a *scoring.Assignment, rs *rowState) status {
	tid, dupOf := rs.tid, rs.dupOf
	p.crossCheck(c, row, a, rs.hasReason)
	if dupOf != nil && tid != nil && string(dupOf) == string(tid) {
		c.add(row, p.label[fDuplicateOf], fmt.Sprintf("equals the row's own %s %q", p.label[fTicketID], tid))
	}
	if c.bad {
		// Problems in column order, whole-row problems first.
		slices.SortStableFunc(c.errs[c.first:], func(x, y RowError) int { return p.pos[x.Column] - p.pos[y.Column] })
	}
	var key uint64
	if tid != nil && rs.unitOK {
		key = rowKey(mix(maphash.Bytes(p.seed, tid)^(uint64(a.Unit)+1)*0x9E3779B97F4A7C15), c.bad)
	}
	c.keys.add(row, key)
	if c.bad {
		return rowInvalid
	}
	return rowValid
}

// repeatsHeader reports whether an invalid row holds the header again: most of the header's
// non-empty cells, each in its column.
func (p *rowParser) repeatsHeader(cells [][]byte) bool {
	n, same := 0, 0
	for i, h := range p.header {
		k := headerKey(h)
		if k == "" {
			continue
		}
		n++
		if i < len(cells) && headerKey(string(cells[i])) == k {
			same++
		}
	}
	return n > 0 && 2*same > n
}

// readSteps reads the fields of a row in column order, step by step.
func (p *rowParser) readSteps(c *collector, ln *line, a *scoring.Assignment, rs *rowState) {
	row, cells := ln.row, ln.cells
	for i := range p.steps {
		st := &p.steps[i]
		var b []byte
		if st.plain && st.col < len(cells) {
			// st.cell inlined: a column cell without value mapping, trimmed only when it needs it.
			b = cells[st.col]
			if n := len(b); n > 0 && (b[0]-0x21 > 0x5E || b[n-1]-0x21 > 0x5E) {
				b = trimSlow(b)
			}
		} else {
			b = st.cell(cells)
		}
		f := st.f
		switch f {
		case fTicketID:
			if p.required(c, row, f, b) && p.text(c, ln, f, b) {
				if len(b) > 2 && b[0]-'0' <= 9 && (b[1] == '.' || b[1]|0x20 == 'e') && p.scientific(c, row, f, b) {
					continue
				}
				rs.tid = b
				a.TicketID = p.strs.str(b) // kept in lean reads too: errors and repeats name the ticket
			}
		case fUnit:
			if p.required(c, row, f, b) {
				if u, ok := p.unit(b); ok {
					a.Unit, rs.unitOK = u, true
				} else if u, ok := p.lenientUnit(c, b); ok {
					a.Unit, rs.unitOK = u, true
				} else {
					c.add(row, p.label[f], fmt.Sprintf("unknown unit %q", b))
				}
			}
		case fRole:
			v, err := p.role.read(b)
			p.check(c, row, f, err)
			a.Role = v
		case fKind:
			if p.required(c, row, f, b) {
				v, err := p.kind.read(b)
				p.check(c, row, f, err)
				a.Kind = v
			}
		case fUrgency:
			v, err := p.urgency.read(b)
			p.check(c, row, f, err)
			a.Urgency = v
		case fResolved:
			v, err := p.resolution.read(b)
			p.check(c, row, f, err)
			a.Resolution = v
		case fSatisfaction:
			v, err := p.satisfaction.read(b)
			p.check(c, row, f, err)
			a.Satisfaction = v
		case fContacted:
			v, err := p.tri.read(b)
			p.check(c, row, f, err)
			a.Contacted = v
		case fCallbackValid, fSupervised, fIncomplete, fOpinion, fExcluded:
			v, err := p.tri.read(b)
			p.check(c, row, f, err)
			p.setBool(a, f, v == scoring.Yes)
		case fRedispatches:
			if n, ok := parseCount(b); ok {
				a.Redispatches = n
			} else {
				c.add(row, p.label[f], fmt.Sprintf("not a whole number ≥ 0: %q", b))
			}
		case fReceived, fDispatched, fContactAt, fClosed, fDue, fAccepted, fExtendedDue, fReturned:
			if len(b) == 0 {
				if f == fReceived || f == fDispatched {
					p.required(c, row, f, b)
				}
				continue
			}
			var t int64
			ok := false
			if p.plainTimes {
				t, ok = p.clock.cachedDay(b) // what p.datetime tries first without layouts or workbook serials
			}
			if !ok {
				t, ok = p.datetime(b)
			}
			if !ok {
				if t, ok = p.lenientTime(c, row, f, b); !ok {
					c.add(row, p.label[f], p.badTime(b))
					continue
				}
			} else if p.dateOnlyCell != nil && st.col >= 0 {
				t = p.dateCell(c, row, st.col, f, b, t)
			}
			p.setTime(a, f, t)
		case fCategory:
			if p.text(c, ln, f, b) && !p.lean && len(b) > 0 {
				a.Category = p.strs.str(b)
			}
		case fExcludeReason:
			rs.hasReason = len(b) > 0
			if p.text(c, ln, f, b) && !p.lean && rs.hasReason {
				a.ExcludeReason = p.strs.str(b)
			}
		case fCallerPhone:
			if p.text(c, ln, f, b) && !p.lean && len(b) > 0 {
				a.CallerPhone = p.strs.str(b)
			}
		default:
			if d := p.extra(c, ln, f, b, a); d != nil {
				rs.dupOf = d
			}
		}
	}
}

// unitHit is a unit found by its exact name or code.
type unitHit struct {
	key  wordKey
	unit int32
}

// unit is Directory.LookupBytes with a per-worker cache of the names met: an open-addressing
// table probed linearly and filled to at most half, so that names never evict one another.
func (p *rowParser) unit(b []byte) (int32, bool) {
	k, short := keyOf(b)
	if !short || k.n == 0 {
		return p.dir.LookupBytes(b)
	}
	const mask = len(p.unitHits) - 1
	for i := mix(k.lo ^ k.hi*0x9E3779B97F4A7C15 ^ uint64(k.n)); ; i++ {
		h := &p.unitHits[i&uint64(mask)]
		if h.key == k {
			return h.unit, true
		}
		if h.key.n != 0 {
			continue
		}
		u, ok := p.dir.LookupBytes(b)
		if ok && p.unitFill < len(p.unitHits)/2 {
			*h = unitHit{key: k, unit: u}
			p.unitFill++
		}
		return u, ok
	}
}

// extra reads the second-edition text fields (SPEC §13.1) and returns the duplicate_of cell when it is valid.
func (p *rowParser) extra(c *collector, ln *line, f field, b []byte, a *scoring.Assignment) (dupOf []byte) {
	switch f {
	case fReturnStatus:
		v, err := p.ret.read(b)
		p.check(c, ln.row, f, err)
		a.Return = v
	case fDuplicateOf:
		if p.text(c, ln, f, b) && len(b) > 0 && !p.scientific(c, ln.row, f, b) {
			a.DuplicateOf = p.strs.str(b)
			return b
		}
	case fChannel:
		if p.text(c, ln, f, b) {
			a.Channel = p.intern(&p.channels, b)
		}
	case fHotline:
		if p.text(c, ln, f, b) {
			a.Hotline = p.intern(&p.hotlines, b)
		}
	default:
		p.generic(c, ln, f, b, a)
	}
	return nil
}

// crossCheck applies the rules between fields of SPEC §3.2.
func (p *rowParser) crossCheck(c *collector, row int, a *scoring.Assignment, hasReason bool) {
	p.before(c, row, fDispatched, a.Dispatched, fReceived, a.Received)
	p.before(c, row, fContactAt, a.ContactAt, fDispatched, a.Dispatched)
	p.before(c, row, fClosed, a.Closed, fDispatched, a.Dispatched)
	if a.Accepted|a.Returned|a.ExtendedDue != 0 || a.Return != scoring.ReturnNone {
		p.crossCheck2(c, row, a)
	}
	if a.Excluded && !hasReason {
		c.add(row, p.label[fExcludeReason], fmt.Sprintf("required when %s is true", p.label[fExcluded]))
	}
}

// crossCheck2 applies the rules between the second-edition fields (SPEC §13.1).
func (p *rowParser) crossCheck2(c *collector, row int, a *scoring.Assignment) {
	p.before(c, row, fAccepted, a.Accepted, fDispatched, a.Dispatched)
	p.before(c, row, fReturned, a.Returned, fDispatched, a.Dispatched)
	p.before(c, row, fExtendedDue, a.ExtendedDue, fDispatched, a.Dispatched)
	if a.Return != scoring.ReturnNone && a.Returned == 0 {
		c.add(row, p.label[fReturned], fmt.Sprintf("required when %s is %s", p.label[fReturnStatus], a.Return))
	}
}

// before reports field f's time t when it is earlier than field g's time u (both given).
func (p *rowParser) before(c *collector, row int, f field, t int64, g field, u int64) {
	if t != 0 && u != 0 && t < u {
		p.tooEarly(c, row, f, t, g, u)
	}
}

func (p *rowParser) tooEarly(c *collector, row int, f field, t int64, g field, u int64) {
	c.add(row, p.label[f], fmt.Sprintf("before %s (%s < %s)", p.label[g], formatTime(t, p.loc), formatTime(u, p.loc)))
}

// required reports an empty required cell; it returns whether the cell has a value.
func (p *rowParser) required(c *collector, row int, f field, b []byte) bool {
	if len(b) == 0 {
		c.add(row, p.label[f], "missing (required)")
		return false
	}
	return true
}

// text checks that a text cell is valid UTF-8 (other cells are checked by parsing them).
func (p *rowParser) text(c *collector, ln *line, f field, b []byte) bool {
	if ln.raw == nil || shortASCII(b) || p.knownText(b) {
		return true
	}
	c.add(ln.row, p.label[f], "invalid UTF-8 text (is the file in another encoding?)")
	return false
}

func (p *rowParser) check(c *collector, row int, f field, err error) {
	if err != nil {
		c.add(row, p.label[f], err.Error())
	}
}

func (p *rowParser) setBool(a *scoring.Assignment, f field, v bool) {
	switch f {
	case fCallbackValid:
		a.CallbackValid = v
	case fSupervised:
		a.Supervised = v
	case fIncomplete:
		a.IncompleteMaterials = v
	case fOpinion:
		a.OpinionIncident = v
	case fExcluded:
		a.Excluded = v
	}
}

func (p *rowParser) setTime(a *scoring.Assignment, f field, t int64) {
	switch f {
	case fReceived:
		a.Received = t
	case fDispatched:
		a.Dispatched = t
	case fContactAt:
		a.ContactAt = t
	case fClosed:
		a.Closed = t
	case fDue:
		a.Due = t
	case fAccepted:
		a.Accepted = t
	case fExtendedDue:
		a.ExtendedDue = t
	case fReturned:
		a.Returned = t
	}
}

// datetime parses a datetime cell: mapping layouts first, then Excel serials (XLSX), then the built-in formats.
func (p *rowParser) datetime(b []byte) (int64, bool) {
	for _, l := range p.layouts {
		if t, err := time.ParseInLocation(l, string(b), p.loc); err == nil {
			return t.Unix(), true
		}
	}
	if p.xlsx && isNumber(b) {
		return p.clock.parseSerial(b, p.date1904)
	}
	return p.clock.parseDatetime(b)
}

func (p *rowParser) badTime(b []byte) string {
	if p.xlsx && isNumber(b) {
		return fmt.Sprintf("Excel date number %s is before 1900-03-01 or after 9999", b)
	}
	s := fmt.Sprintf("cannot read datetime %q (use 2025-06-03 14:05, 2025/6/3 14:05:09, 2025年6月3日 14:05 or RFC 3339", b)
	for _, l := range p.layouts {
		s += ", or layout " + l
	}
	s += ")"
	if len(p.layouts) == 0 && dayFirstOrMonthFirst(b) {
		s += `; a date that starts with the day or the month is read in one order only when a mapping names it, e.g. datetime_layouts: ["01/02/2006 03:04:05 PM"] (month first) or ["02/01/2006 15:04"] (day first)`
	}
	return s
}

// dayFirstOrMonthFirst reports whether b starts like 10/04/2025 or 4-10-2025: a date whose order only
// the file's locale tells.
func dayFirstOrMonthFirst(b []byte) bool {
	i := 0
	for k := 0; k < 2; k++ {
		n := 0
		for i < len(b) && b[i]-'0' <= 9 {
			i, n = i+1, n+1
		}
		if n < 1 || n > 2 || i >= len(b) || (b[i] != '/' && b[i] != '-' && b[i] != '.') {
			return false
		}
		i++
	}
	n := 0
	for i < len(b) && b[i]-'0' <= 9 {
		i, n = i+1, n+1
	}
	return n == 4
}
