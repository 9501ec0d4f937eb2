package synth

import (
	"bufio"
	"math/rand/v2"
	"strconv"
	"time"

	"sanlv/scoring"
)

var (
	channels   = []string{"电话", "网站", "微信", "APP", "省派"}
	channelCum = []int{70, 80, 90, 98, 100}
	hotlines   = []string{"12345", "12319"}
)

// caller is what a repeat request shares with the request it repeats.
type caller struct {
	id       int
	unit     int
	received int64
	phone    string
	category string
}

// writeSecondEdition writes the tickets with the SPEC §13.1 columns; repeats copy a recent ticket's unit, caller and category.
func writeSecondEdition(bw *bufio.Writer, r *rand.Rand, sz sizer, us []scoring.Unit, cfg Config, loc *time.Location, start, span int64) error {
	bw.WriteString(header(2))
	var recent [4096]caller
	var buf []byte
	for n, ticket := 0, 0; n < cfg.Assignments; ticket++ {
		c := caller{id: ticket, unit: sz.pick(r), received: start + r.Int64N(span-30*86400),
			phone: phoneHead[r.IntN(len(phoneHead))] + strconv.Itoa(10000000+r.IntN(90000000)), category: cats[r.IntN(len(cats))]}
		dupOf := ""
		if prev := recent[r.IntN(len(recent))]; ticket > len(recent) && r.IntN(100) < 5 && prev.received+30*86400 < start+span {
			// A repeat request: the same caller about the same matter, at the same unit, up to four weeks later.
			c.unit, c.phone, c.category = prev.unit, prev.phone, prev.category
			c.received = prev.received + 3600 + r.Int64N(28*86400)
			if r.IntN(3) == 0 {
				dupOf = ticketID(cfg.Year, prev.id)
			}
		}
		recent[ticket%len(recent)] = c
		t := ticketOf(r, c.received)
		hotline := hotlines[0]
		if r.IntN(10) == 0 {
			hotline = hotlines[1]
		}
		channel := channels[pick(r, channelCum)]
		roleUnits := [2]int{c.unit, -1}
		if r.IntN(10) == 0 {
			roleUnits[1] = (c.unit + 1 + r.IntN(len(us)-1)) % len(us)
		}
		for role, u := range roleUnits {
			if u < 0 || n >= cfg.Assignments {
				continue
			}
			buf = appendSecondRow(buf[:0], r, cfg, loc, ticket, us[u].Code, role, t, c, dupOf, channel, hotline)
			bw.Write(buf)
			n++
		}
	}
	return bw.Flush()
}

func ticketID(year, ticket int) string {
	return string(appendPad(strconv.AppendInt([]byte{'T'}, int64(year), 10), ticket, 8))
}

// appendSecondRow writes one assignment with the §13.1 columns.
func appendSecondRow(b []byte, r *rand.Rand, cfg Config, loc *time.Location, ticket int, unit string, role int, t times,
	c caller, dupOf, channel, hotline string) []byte {
	mixed := cfg.Mixed && r.IntN(3) == 0
	urg := pick(r, urgCum)
	kind := pick(r, kindCum)
	var contacted, closed, due, accepted, extended, returned int64
	ret := ""
	switch x := r.IntN(100); {
	case x == 0: // missing acceptance
	case x < 6: // late acceptance
		accepted = t.dispatched + 25*3600 + r.Int64N(48*3600)
	default:
		accepted = t.dispatched + 60 + r.Int64N(8*3600)
	}
	if r.IntN(20) != 0 {
		contacted = t.dispatched + 600 + r.Int64N(30*3600)
	}
	if r.IntN(3) == 0 {
		due = t.dispatched + 7*86400
	}
	switch x := r.IntN(100); {
	case x < 2: // an approved return: another unit's matter, not closed here
		ret, returned = "approved", t.dispatched+1800+r.Int64N(2*86400)
	case x < 3: // a rejected return: the unit had to handle it after all
		ret, returned = "rejected", t.dispatched+1800+r.Int64N(86400)
	}
	if ret != "approved" {
		switch {
		case r.IntN(50) == 0: // open
		case urg == 1:
			closed = t.dispatched + 1800 + r.Int64N(3*3600)
		default:
			closed = t.dispatched + 3600 + r.Int64N(12*86400)
		}
	}
	if due != 0 && r.IntN(100) == 0 {
		extended = due + 3*86400 + r.Int64N(7*86400)
	}
	if returned != 0 && closed != 0 && closed < returned {
		closed = returned + 3600
	}
	if contacted != 0 && closed != 0 && contacted > closed {
		contacted = closed
	}
	cb := closed != 0 && r.IntN(100) < 85
	excluded := r.IntN(70) == 0
	b = append(b, ticketID(cfg.Year, ticket)...)
	b = append(b, ',')
	b = append(b, unit...)
	b = append(b, ',')
	b = append(b, word(mixed, scoring.Role(role))...)
	for _, ts := range []int64{t.received, t.dispatched, contacted, closed, due} {
		b = append(b, ',')
		b = appendTime(b, r, ts, mixed, loc)
	}
	b = append(b, ',')
	b = append(b, word(mixed, scoring.Kind(kind))...)
	b = append(b, ',')
	b = append(b, word(mixed, scoring.Urgency(urg))...)
	b = append(b, ',')
	b = append(b, c.category...)
	b = append(b, ',')
	b = appendOutcome(b, r, mixed, cb, cb, excluded)
	b = append(b, ',')
	b = append(b, c.phone...)
	for _, ts := range []int64{accepted, extended} {
		b = append(b, ',')
		b = appendTime(b, r, ts, mixed, loc)
	}
	b = append(b, ',')
	b = append(b, ret...)
	b = append(b, ',')
	b = appendTime(b, r, returned, mixed, loc)
	b = append(b, ',')
	b = append(b, dupOf...)
	b = append(b, ',')
	b = append(b, channel...)
	b = append(b, ',')
	b = append(b, hotline...)
	return append(b, '\n')
}
