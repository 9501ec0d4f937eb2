// Package synth generates deterministic synthetic cities — units and ticket files — for demos, tests and benchmarks.
package synth

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"sort"
	"strconv"
	"strings"
	"time"

	"sanlv/fields"
	"sanlv/scoring"
)

// Config describes a synthetic city.
type Config struct {
	Units       int
	Assignments int
	Seed        uint64
	Year        int
	// Mixed writes Chinese and English spellings and several datetime layouts, as real exports do;
	// otherwise every value is canonical English.
	Mixed bool
	// SecondEdition adds the SPEC §13.1 columns, filled as real centres see them: acceptance times
	// (about 5% late, 1% missing), about 3% returns, about 5% repeat requests (same caller and category at
	// the same unit within weeks, a third of them marked duplicate_of), a few extensions, two hotlines
	// and several channels.
	SecondEdition bool
	Loc           *time.Location
}

// Units returns the city's units: about a third streets (with population), half departments, the rest enterprises.
func Units(cfg Config) []scoring.Unit {
	r := rand.New(rand.NewPCG(cfg.Seed, 1))
	us := make([]scoring.Unit, cfg.Units)
	nStreet, nDept := (cfg.Units+2)/3, cfg.Units/2
	for i := range us {
		switch {
		case i < nStreet:
			us[i] = scoring.Unit{Code: fmt.Sprintf("S%03d", i+1), Name: fmt.Sprintf("第%d街道", i+1), Group: "street",
				Population: int64(20000 + r.IntN(180000))}
		case i < nStreet+nDept:
			k := i - nStreet + 1
			us[i] = scoring.Unit{Code: fmt.Sprintf("D%03d", k), Name: fmt.Sprintf("区第%d委办局", k), Group: "department"}
		default:
			k := i - nStreet - nDept + 1
			us[i] = scoring.Unit{Code: fmt.Sprintf("E%03d", k), Name: fmt.Sprintf("第%d公共服务公司", k), Group: "enterprise"}
		}
	}
	return us
}

// WriteUnits writes the units as CSV with English headers.
func WriteUnits(w io.Writer, us []scoring.Unit) error {
	bw := bufio.NewWriter(w)
	bw.WriteString("code,name,group,parent,population\n")
	for _, u := range us {
		pop := ""
		if u.Population > 0 {
			pop = strconv.FormatInt(u.Population, 10)
		}
		fmt.Fprintf(bw, "%s,%s,%s,%s,%s\n", u.Code, u.Name, u.Group, u.Parent, pop)
	}
	return bw.Flush()
}

// header is the tickets header written for the fields of the given edition: the English names of SPEC
// §3.2, and of §13.1 for the second edition.
func header(edition int) string { return strings.Join(fields.Names(edition), ",") + "\n" }

var (
	kindCum   = []int{25, 50, 82, 90, 98, 100}
	urgCum    = []int{80, 85, 93, 100}
	resCum    = []int{3, 83, 93, 100}
	satCum    = []int{8, 55, 78, 90, 97, 100}
	cats      = []string{"城市管理/市容环境/占道经营", "住房/物业管理/电梯故障", "供水/停水/计划停水", "交通/停车管理/违章停车", "市场监管/消费纠纷/退换货", "环境保护/噪声污染/施工噪声"}
	reasons   = []string{"无理诉求", "非本单位职责", "不可抗力"}
	layouts   = []string{"2006-01-02 15:04:05", "2006-01-02 15:04", "2006/1/2 15:04"}
	boolsEN   = [2]string{"false", "true"}
	boolsNum  = [2]string{"0", "1"}
	phoneHead = []string{"138", "139", "135", "186", "159", "177", "150"}
)

func pick(r *rand.Rand, cum []int) int {
	x := r.IntN(cum[len(cum)-1])
	for i, c := range cum {
		if x < c {
			return i
		}
	}
	return len(cum) - 1
}

// sizer picks units with a long-tailed (Zipf-like) distribution of ticket counts.
type sizer struct{ cum []float64 }

func newSizer(r *rand.Rand, n int) sizer {
	perm := r.Perm(n)
	s := sizer{cum: make([]float64, n)}
	sum := 0.0
	for i := range perm {
		sum += 1 / math.Pow(float64(perm[i]+1), 0.8)
		s.cum[i] = sum
	}
	for i := range s.cum {
		s.cum[i] /= sum
	}
	return s
}

func (s sizer) pick(r *rand.Rand) int {
	return sort.SearchFloat64s(s.cum, r.Float64())
}

// WriteTickets writes cfg.Assignments assignment rows (about a tenth are co-handler rows of a ticket) received over cfg.Year.
func WriteTickets(w io.Writer, cfg Config) error {
	us := Units(cfg)
	if len(us) < 2 {
		return fmt.Errorf("synth: need at least 2 units")
	}
	loc := cfg.Loc
	if loc == nil {
		loc, _ = time.LoadLocation("Asia/Shanghai")
	}
	r := rand.New(rand.NewPCG(cfg.Seed, 2))
	sz := newSizer(r, len(us))
	start := time.Date(cfg.Year, 1, 1, 0, 0, 0, 0, loc).Unix()
	span := time.Date(cfg.Year+1, 1, 1, 0, 0, 0, 0, loc).Unix() - start
	bw := bufio.NewWriterSize(w, 1<<20)
	if cfg.SecondEdition {
		return writeSecondEdition(bw, r, sz, us, cfg, loc, start, span)
	}
	bw.WriteString(header(1))
	var buf []byte
	for n, ticket := 0, 0; n < cfg.Assignments; ticket++ {
		lead := sz.pick(r)
		t := ticketOf(r, start+r.Int64N(span-30*86400))
		buf = appendRow(buf[:0], r, cfg, loc, ticket, us[lead].Code, 0, t)
		bw.Write(buf)
		n++
		if n < cfg.Assignments && r.IntN(10) == 0 {
			co := (lead + 1 + r.IntN(len(us)-1)) % len(us)
			buf = appendRow(buf[:0], r, cfg, loc, ticket, us[co].Code, 1, t)
			bw.Write(buf)
			n++
		}
	}
	return bw.Flush()
}

// times of one ticket, shared by its assignments.
type times struct{ received, dispatched int64 }

func ticketOf(r *rand.Rand, received int64) times {
	return times{received: received, dispatched: received + 300 + r.Int64N(7200)}
}

func appendRow(b []byte, r *rand.Rand, cfg Config, loc *time.Location, ticket int, unit string, role int, t times) []byte {
	mixed := cfg.Mixed && r.IntN(3) == 0
	urg := pick(r, urgCum)
	kind := pick(r, kindCum)
	var contacted, closed, due int64
	if r.IntN(20) != 0 {
		contacted = t.dispatched + 600 + r.Int64N(30*3600)
	}
	switch {
	case r.IntN(50) == 0: // open
	case urg == 1:
		closed = t.dispatched + 1800 + r.Int64N(3*3600)
	default:
		closed = t.dispatched + 3600 + r.Int64N(12*86400)
	}
	if contacted != 0 && closed != 0 && contacted > closed {
		contacted = closed
	}
	if r.IntN(3) == 0 {
		due = t.dispatched + 7*86400
	}
	cb := r.IntN(100) < 85
	excluded := r.IntN(70) == 0
	b = append(b, 'T')
	b = strconv.AppendInt(b, int64(cfg.Year), 10)
	b = appendPad(b, ticket, 8)
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
	b = append(b, cats[r.IntN(len(cats))]...)
	b = append(b, ',')
	b = appendOutcome(b, r, mixed, cb, cb && closed != 0, excluded)
	b = append(b, ',')
	b = append(b, phoneHead[r.IntN(len(phoneHead))]...)
	b = appendPad(b, r.IntN(100000000), 8)
	return append(b, '\n')
}

// word writes an enum value as its Chinese label in a mixed row, else as its English name.
func word[T interface {
	String() string
	Label() string
}](mixed bool, v T) string {
	if mixed {
		return v.Label()
	}
	return v.String()
}

func appendBool(b []byte, r *rand.Rand, v bool, mixed bool) []byte {
	i := 0
	if v {
		i = 1
	}
	if !mixed {
		return append(b, boolsEN[i]...)
	}
	if r.IntN(2) == 0 {
		return append(b, scoring.BoolLabel(v)...)
	}
	return append(b, boolsNum[i]...)
}

func appendPad(b []byte, v, width int) []byte {
	var tmp [20]byte
	s := strconv.AppendInt(tmp[:0], int64(v), 10)
	for i := len(s); i < width; i++ {
		b = append(b, '0')
	}
	return append(b, s...)
}

// appendTime writes a datetime as 2006-01-02 15:04:05 (mixed rows use other accepted layouts too).
func appendTime(b []byte, r *rand.Rand, ts int64, mixed bool, loc *time.Location) []byte {
	if ts == 0 {
		return b
	}
	t := time.Unix(ts, 0).In(loc)
	if mixed {
		l := layouts[r.IntN(len(layouts))]
		if l != layouts[0] {
			t = t.Truncate(time.Minute)
		}
		return t.AppendFormat(b, l)
	}
	y, mo, d := t.Date()
	h, mi, s := t.Clock()
	b = appendPad(b, y, 4)
	b = append(b, '-')
	b = appendPad(b, int(mo), 2)
	b = append(b, '-')
	b = appendPad(b, d, 2)
	b = append(b, ' ')
	b = appendPad(b, h, 2)
	b = append(b, ':')
	b = appendPad(b, mi, 2)
	b = append(b, ':')
	return appendPad(b, s, 2)
}

// appendOutcome writes redispatches, the callback (valid, contacted, resolution, satisfaction), the
// supervision and incident flags and the exclusion; answered says whether the callback has answers.
func appendOutcome(b []byte, r *rand.Rand, mixed, cb, answered, excluded bool) []byte {
	redisp := 0
	if r.IntN(100) < 6 {
		redisp = 1 + r.IntN(2)
	}
	b = strconv.AppendInt(b, int64(redisp), 10)
	b = append(b, ',')
	b = appendBool(b, r, cb, mixed)
	b = append(b, ',')
	res, sat := 0, 0
	if answered {
		b = appendBool(b, r, r.IntN(100) < 95, mixed)
		res, sat = pick(r, resCum), pick(r, satCum)
	}
	b = append(b, ',')
	b = append(b, word(mixed, scoring.Resolution(res))...)
	b = append(b, ',')
	if sat > 0 { // an unrated callback leaves the cell empty
		b = append(b, word(mixed, scoring.Satisfaction(sat))...)
	}
	for _, p := range []int{3, 2} { // supervised, incomplete materials (percent)
		b = append(b, ',')
		if r.IntN(100) < p {
			b = appendBool(b, r, true, mixed)
		}
	}
	b = append(b, ',')
	if r.IntN(300) == 0 {
		b = appendBool(b, r, true, mixed)
	}
	b = append(b, ',')
	b = appendBool(b, r, excluded, mixed)
	b = append(b, ',')
	if excluded {
		b = append(b, reasons[r.IntN(len(reasons))]...)
	}
	return b
}
