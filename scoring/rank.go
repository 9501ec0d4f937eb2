package scoring

import (
	"math"
	"sort"
	"strconv"
	"strings"
)

// RoundScaled rounds x half away from zero to digits decimals and returns it scaled by 10^digits.
// It rounds the decimal value x prints as (to 10 places), so 89.995 rounds to 90.00 although the
// nearest binary double is 89.99499999999999744.
func RoundScaled(x float64, digits int) int64 {
	s := strconv.FormatFloat(math.Abs(x), 'f', 10, 64)
	ip, fp, _ := strings.Cut(s, ".")
	keep := ip + fp[:digits]
	n, _ := strconv.ParseInt(keep, 10, 64)
	if fp[digits] >= '5' {
		n++
	}
	if x < 0 {
		n = -n
	}
	return n
}

// RoundHalfUp rounds x half away from zero to digits decimals, as bulletins show it.
func RoundHalfUp(x float64, digits int) float64 {
	return float64(RoundScaled(x, digits)) / math.Pow10(digits)
}

// quantize makes a rate comparable across float noise: equal to 12 decimals means equal.
func quantize(r Rate) (int64, bool) {
	if r.Value == nil {
		return 0, false
	}
	return int64(math.Round(*r.Value * 1e12)), true
}

type rankKey struct {
	score int64
	ties  []int64
	has   []bool
}

func (p *Policy) key(s *Scorecard) rankKey {
	k := rankKey{score: RoundScaled(*s.Final, p.Round)}
	for _, name := range p.TieBreakers {
		r, _ := s.Rates.ByName(name)
		v, ok := quantize(*r)
		if LowerIsBetter(name) {
			v = -v // ascending: the lower rate ranks first (SPEC §13.11)
		}
		k.ties, k.has = append(k.ties, v), append(k.has, ok)
	}
	return k
}

// compare orders keys best first: -1 when a ranks above b, 0 when they share a rank.
func compare(a, b rankKey) int {
	if a.score != b.score {
		return cmpDesc(a.score, b.score)
	}
	for i := range a.ties {
		switch {
		case a.has[i] != b.has[i]:
			if a.has[i] {
				return -1
			}
			return 1
		case a.ties[i] != b.ties[i]:
			return cmpDesc(a.ties[i], b.ties[i])
		}
	}
	return 0
}

func cmpDesc(a, b int64) int {
	if a > b {
		return -1
	}
	return 1
}

// Rank ranks the scorecards of each group and orders them by group (in the given order, then any
// other group by name), rank, and code; unranked units come last in their group (SPEC §7).
func (p *Policy) Rank(c *Card, groups []string) {
	order := map[string]int{}
	for i, g := range groups {
		order[g] = i
	}
	keys := make([]rankKey, len(c.Units))
	idx := make([]int, len(c.Units))
	for i := range c.Units {
		s := &c.Units[i]
		s.Rank, s.Mark = nil, ""
		s.Ranked = s.UnrankedReason == nil
		if s.Ranked {
			keys[i] = p.key(s)
		}
		idx[i] = i
	}
	groupOf := func(i int) (int, string) {
		g := c.Units[i].Group
		if o, ok := order[g]; ok {
			return o, ""
		}
		return len(order), g
	}
	sort.SliceStable(idx, func(x, y int) bool {
		a, b := idx[x], idx[y]
		ga, na := groupOf(a)
		gb, nb := groupOf(b)
		if ga != gb || na != nb {
			return ga < gb || (ga == gb && na < nb)
		}
		ua, ub := &c.Units[a], &c.Units[b]
		if ua.Ranked != ub.Ranked {
			return ua.Ranked
		}
		if ua.Ranked {
			if d := compare(keys[a], keys[b]); d != 0 {
				return d < 0
			}
		}
		return ua.Code < ub.Code
	})
	sorted := make([]Scorecard, len(c.Units))
	sortedKeys := make([]rankKey, len(c.Units))
	for i, j := range idx {
		sorted[i], sortedKeys[i] = c.Units[j], keys[j]
	}
	c.Units = sorted
	for start := 0; start < len(sorted); {
		end := start
		for end < len(sorted) && sorted[end].Group == sorted[start].Group {
			end++
		}
		p.rankGroup(sorted[start:end], sortedKeys[start:end])
		start = end
	}
}

func (p *Policy) rankGroup(g []Scorecard, keys []rankKey) {
	n := 0
	for i := range g {
		if !g[i].Ranked {
			break
		}
		n++
		r := i + 1
		if i > 0 && compare(keys[i-1], keys[i]) == 0 {
			r = *g[i-1].Rank
		}
		g[i].Rank = &r
	}
	// A unit is in the bottom N when fewer than N ranked units rank below it: units tied across the
	// boundary are all marked, as rank ≤ N marks all units tied across the top boundary, so units tied
	// for last place are never left unmarked.
	for i := 0; i < n; {
		j := i
		for j < n && *g[j].Rank == *g[i].Rank {
			j++
		}
		for k := i; k < j; k++ {
			switch {
			case *g[k].Rank <= p.Top:
				g[k].Mark = "top"
			case n-j < p.Bottom:
				g[k].Mark = "bottom"
			}
		}
		i = j
	}
}

// AddTrend sets each ranked unit's rank change against the previous period's card.
func AddTrend(c *Card, prev Card) {
	before := map[string]*int{}
	for i := range prev.Units {
		if prev.Units[i].Ranked {
			before[prev.Units[i].Code] = prev.Units[i].Rank
		}
	}
	for i := range c.Units {
		s := &c.Units[i]
		t := &Trend{PreviousRank: before[s.Code]}
		if s.Ranked {
			if t.PreviousRank == nil {
				t.New = true
			} else {
				d := *t.PreviousRank - *s.Rank
				t.Change = &d
			}
		}
		s.Trend = t
	}
}
