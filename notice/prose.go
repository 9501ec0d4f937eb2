package notice

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"sanlv/exports"
	"sanlv/scoring"
)

// redSize fits the 红头 on one line: 二号 to 小初 by its length, smaller for long names.
func redSize(s string) int {
	chars := utf8.RuneCountInString(s)
	if chars == 0 {
		return 72
	}
	// The text width is about 442 pt; a CJK character is as wide as the font size.
	pt := min(36, 440/chars)
	return max(pt*2, 32)
}

// totals are a card's counts and pooled rates.
type totals struct {
	units, ranked       int
	assignments, excl   int64
	eligible, callbacks float64
	// returned, duplicates and overdue are the weighted counts of SPEC §13 (退单通过, 重复诉求并单, 超期未办结).
	returned, duplicates, overdue float64
	num, den                      map[string]float64
}

func sum(c *scoring.Card, group string) totals {
	t := totals{num: map[string]float64{}, den: map[string]float64{}}
	for i := range c.Units {
		s := &c.Units[i]
		if group != "" && s.Group != group {
			continue
		}
		t.units++
		if s.Ranked {
			t.ranked++
		}
		t.assignments += s.Counts.Assignments
		t.excl += s.Counts.Excluded
		t.eligible += s.Counts.Eligible
		t.callbacks += s.Counts.Callbacks
		t.returned += s.Counts.Returned
		t.duplicates += s.Counts.Duplicates
		t.overdue += s.Counts.OverdueOpen
		for _, name := range scoring.RateNames() {
			r, _ := s.Rates.ByName(name)
			t.num[name] += r.Num
			t.den[name] += r.Den
		}
	}
	return t
}

// rate returns a pooled rate and whether it is defined.
func (t totals) rate(name string) (float64, bool) {
	if t.den[name] == 0 {
		return 0, false
	}
	return t.num[name] / t.den[name], true
}

func pct(v float64) string {
	return strconv.FormatFloat(scoring.RoundHalfUp(v*100, 2), 'f', 2, 64) + "%"
}

// count shows a weighted count: 14 or 14.5.
func count(x float64) string { return strconv.FormatFloat(scoring.RoundHalfUp(x, 2), 'f', -1, 64) }

func (n *writer) score(x *float64) string {
	if x == nil {
		return exports.Dash
	}
	return strconv.FormatFloat(scoring.RoundHalfUp(*x, n.p.Round), 'f', n.p.Round, 64)
}

// points shows a change of a rate in percentage points: 上升0.52个百分点.
func points(d float64) string {
	d = scoring.RoundHalfUp(d*100, 2)
	switch {
	case d > 0:
		return "上升" + strconv.FormatFloat(d, 'f', 2, 64) + "个百分点"
	case d < 0:
		return "下降" + strconv.FormatFloat(-d, 'f', 2, 64) + "个百分点"
	}
	return "持平"
}

// change shows a change of a count with its relative size: 增加12件（增长3.50%）.
func change(cur, prev int64) string {
	d := cur - prev
	switch {
	case d == 0:
		return "持平"
	case prev == 0:
		return fmt.Sprintf("增加%d件", d)
	case d > 0:
		return fmt.Sprintf("增加%d件（增长%s）", d, pct(float64(d)/float64(prev)))
	}
	return fmt.Sprintf("减少%d件（下降%s）", -d, pct(float64(-d)/float64(prev)))
}

// shownRates are the rates a 通报 reports under a set of rules (the policy's own or a group's): the
// weighted ones, those with a baseline or an item, and on-time closure, in canonical order; all
// adds every second-edition rate the policy uses (SPEC §13), for the whole city's figures.
func (n *writer) shownRates(sc *scoring.Scheme, all bool) []string {
	var second []string
	if all {
		second = exports.SecondEditionRates(n.p)
	}
	var out []string
	for i, name := range scoring.RateNames() {
		use := sc.Weights[i] != 0 || name == scoring.RateOnTime || slices.Contains(second, name)
		for _, t := range sc.Thresholds {
			use = use || t.Rate == name
		}
		for _, it := range sc.Items {
			use = use || it.Rate == name
		}
		if use && name != scoring.RateCallbackCoverage {
			out = append(out, name)
		}
	}
	return out
}

func (n *writer) basics() {
	c := &n.b.Card
	d := &n.d
	d.para(para{style: "Heading1", keep: true}, run{text: "一、基本情况"})
	t := sum(c, "")
	s := fmt.Sprintf("本期参加考核的承办单位共%d个，其中%d个参加排名", t.units, t.ranked)
	if t.units > t.ranked {
		s += fmt.Sprintf("，%d个未参加排名", t.units-t.ranked)
	}
	s += fmt.Sprintf("。本期派单%d件", t.assignments)
	var prev *totals
	if !n.b.FirstRanking() {
		pt := sum(n.b.Previous, "")
		prev = &pt
		s += "，环比" + change(t.assignments, pt.assignments)
	}
	s += fmt.Sprintf("；纳入考核%s件，有效回访%s件，剔除%d件", count(t.eligible), count(t.callbacks), t.excl)
	if n.p.Uses(scoring.RateReturn) {
		s += fmt.Sprintf("，退单通过%s件", count(t.returned))
	}
	if n.p.Uses(scoring.RateRepeat) || n.p.Duplicates != nil {
		if n.p.Duplicates == nil || n.p.Duplicates.Merge {
			s += fmt.Sprintf("，重复诉求并单%s件", count(t.duplicates))
		} else {
			s += fmt.Sprintf("，重复诉求%s件（仍纳入考核）", count(t.num[scoring.RateRepeat]))
		}
	}
	if n.p.CountOpenOverdue {
		s += fmt.Sprintf("，超期未办结%s件", count(t.overdue))
	}
	s += "。"
	var parts, moves []string
	for _, name := range n.shownRates(&n.p.Scheme, true) {
		v, ok := t.rate(name)
		if !ok {
			continue
		}
		parts = append(parts, scoring.RateLabel(name)+pct(v))
		if prev != nil {
			if pv, ok := prev.rate(name); ok {
				moves = append(moves, scoring.RateLabel(name)+points(v-pv))
			}
		}
	}
	if len(parts) > 0 {
		s += "全部单位" + strings.Join(parts, "、") + "。"
	}
	if len(moves) > 0 {
		s += "与" + n.b.Reference + "相比，" + strings.Join(moves, "，") + "。"
	} else if prev == nil {
		s += "上期无单位参加排名，本期不作环比。"
	}
	d.text(s)
}

// groups lists the card's groups in order.
func groups(c *scoring.Card) []string {
	var out []string
	seen := map[string]bool{}
	for i := range c.Units {
		if g := c.Units[i].Group; !seen[g] {
			seen[g] = true
			out = append(out, g)
		}
	}
	return out
}

func (n *writer) named(s *scoring.Scorecard) string {
	return s.Name + "（" + n.score(s.Final) + "分）"
}

func (n *writer) results() {
	c := &n.b.Card
	d := &n.d
	d.para(para{style: "Heading1", keep: true}, run{text: "二、考核结果"})
	first := n.b.FirstRanking()
	k := 0
	for _, g := range groups(c) {
		var ranked, unranked []*scoring.Scorecard
		for i := range c.Units {
			if s := &c.Units[i]; s.Group == g {
				if s.Ranked && s.Rank != nil {
					ranked = append(ranked, s)
				} else {
					unranked = append(unranked, s)
				}
			}
		}
		label := scoring.GroupLabel(g)
		d.para(para{style: "Heading2", keep: true}, run{text: "（" + ordinal(k) + "）" + label})
		k++
		t := sum(c, g)
		if len(ranked) == 0 {
			d.text(fmt.Sprintf("%s共%d个单位，本期均未参加排名。", label, t.units))
			n.unranked(unranked)
			continue
		}
		mean := 0.0
		for _, s := range ranked {
			mean += scoring.RoundHalfUp(*s.Final, n.p.Round)
		}
		mean /= float64(len(ranked))
		s := fmt.Sprintf("%s共%d个单位，%d个参加排名，平均得分%s分。", label, t.units, len(ranked),
			strconv.FormatFloat(scoring.RoundHalfUp(mean, n.p.Round), 'f', n.p.Round, 64))
		if exports.MarksShown(n.p, len(ranked)) {
			var top, bottom []string
			for _, u := range ranked {
				switch u.Mark {
				case "top":
					top = append(top, n.named(u))
				case "bottom":
					bottom = append(bottom, n.named(u))
				}
			}
			s += fmt.Sprintf("前%d名（红榜）依次为：%s；后%d名（末位）依次为：%s。", n.p.Top, strings.Join(top, "、"),
				n.p.Bottom, strings.Join(bottom, "、"))
		} else {
			all := make([]string, len(ranked))
			for i, u := range ranked {
				all[i] = n.named(u)
			}
			s += "排名依次为：" + strings.Join(all, "、") + "。"
			if n.p.Top+n.p.Bottom > 0 {
				s += fmt.Sprintf("参加排名的单位不多于%d个，本组不标注红榜和末位。", n.p.Top+n.p.Bottom)
			}
		}
		if !first {
			s += n.movers(ranked)
		}
		d.text(s)
		if f := n.shortfalls(n.p.SchemeOf(g), ranked, t); f != "" {
			d.text(f)
		}
		n.table(k, label, n.p.SchemeOf(g), ranked)
		n.unranked(unranked)
	}
}

// movers names the units that rose or fell most in rank.
func (n *writer) movers(ranked []*scoring.Scorecard) string {
	var up, down *scoring.Scorecard
	for _, s := range ranked {
		if s.Trend == nil || s.Trend.Change == nil {
			continue
		}
		if c := *s.Trend.Change; c > 0 && (up == nil || c > *up.Trend.Change) {
			up = s
		} else if c < 0 && (down == nil || c < *down.Trend.Change) {
			down = s
		}
	}
	var parts []string
	if up != nil {
		parts = append(parts, fmt.Sprintf("排名上升最多的是%s（上升%d位）", up.Name, *up.Trend.Change))
	}
	if down != nil {
		parts = append(parts, fmt.Sprintf("下降最多的是%s（下降%d位）", down.Name, -*down.Trend.Change))
	}
	if len(parts) == 0 {
		return ""
	}
	return "与" + n.b.Reference + "相比，" + strings.Join(parts, "，") + "。"
}

// shortfalls says which rates fell short: under baselines, the units below each; without baselines,
// the rates in which each bottom unit is below its group's pooled rate.
func (n *writer) shortfalls(sc *scoring.Scheme, ranked []*scoring.Scorecard, t totals) string {
	if len(sc.Thresholds) > 0 {
		var parts []string
		for _, th := range sc.Thresholds {
			type short struct {
				name string
				v    float64
			}
			var below []short
			for _, s := range ranked {
				r, _ := s.Rates.ByName(th.Rate)
				if r.Value == nil {
					continue
				}
				if th.Misses(*r.Value) {
					below = append(below, short{s.Name, *r.Value})
				}
			}
			// Furthest from the baseline first, so that a long list names the worst.
			sort.SliceStable(below, func(i, j int) bool {
				if th.AtMost {
					return below[i].v > below[j].v
				}
				return below[i].v < below[j].v
			})
			names := make([]string, len(below))
			for i, b := range below {
				names[i] = b.name + "（" + pct(b.v) + "）"
			}
			word := "低于"
			if th.AtMost {
				word = "高于"
			}
			base := scoring.RateLabel(th.Rate) + word + "基数" + pct(th.Baseline)
			switch {
			case len(below) == 0:
				parts = append(parts, scoring.RateLabel(th.Rate)+"均达到基数"+pct(th.Baseline))
			case len(below) == len(ranked) && len(below) > 10:
				parts = append(parts, fmt.Sprintf("%s的为全部%d个单位，相差最多的是%s等", base, len(below), strings.Join(names[:10], "、")))
			case len(below) > 10:
				parts = append(parts, fmt.Sprintf("%s的有%d个单位，相差最多的是%s等", base, len(below), strings.Join(names[:10], "、")))
			default:
				parts = append(parts, fmt.Sprintf("%s的有%d个单位：%s", base, len(below), strings.Join(names, "、")))
			}
		}
		return "达标基数方面，" + strings.Join(parts, "；") + "。"
	}
	var parts []string
	for _, s := range ranked {
		if s.Mark != "bottom" || !exports.MarksShown(n.p, len(ranked)) {
			continue
		}
		var low []string
		for i, name := range scoring.RateNames() {
			if sc.Weights[i] == 0 {
				continue
			}
			r, _ := s.Rates.ByName(name)
			g, ok := t.rate(name)
			if r.Value != nil && ok && *r.Value < g {
				low = append(low, scoring.RateLabel(name)+pct(*r.Value))
			}
		}
		if len(low) > 0 {
			parts = append(parts, s.Name+strings.Join(low, "、"))
		}
	}
	if len(parts) == 0 {
		return ""
	}
	var group []string
	for i, name := range scoring.RateNames() {
		if sc.Weights[i] != 0 {
			if g, ok := t.rate(name); ok {
				group = append(group, scoring.RateLabel(name)+pct(g))
			}
		}
	}
	return "末位单位中，" + strings.Join(parts, "；") + "，低于本组总体水平（" + strings.Join(group, "、") + "）。"
}

// table writes a group's ranking table with its caption.
func (n *writer) table(k int, label string, sc *scoring.Scheme, ranked []*scoring.Scorecard) {
	rates := n.shownRates(sc, false)
	head := []string{"排名", "单位"}
	widths := []int{5, 14}
	align := []string{"center", "left"}
	for _, r := range rates {
		head = append(head, scoring.RateLabel(r))
		widths = append(widths, 11)
		align = append(align, "right")
	}
	if len(sc.Thresholds) > 0 {
		head = append(head, "扣分")
		widths = append(widths, 8)
		align = append(align, "right")
	}
	head = append(head, "最终得分", "排名变化")
	widths = append(widths, 9, 8)
	align = append(align, "right", "center")
	marks := exports.MarksShown(n.p, len(ranked))
	if marks {
		head = append(head, "标注")
		widths = append(widths, 8)
		align = append(align, "center")
	}
	first := n.b.FirstRanking()
	rows := make([][]string, len(ranked))
	for i, s := range ranked {
		row := []string{strconv.Itoa(*s.Rank), s.Name}
		for _, r := range rates {
			v, _ := s.Rates.ByName(r)
			if v.Value == nil {
				row = append(row, exports.Dash)
			} else {
				row = append(row, pct(*v.Value))
			}
		}
		if len(sc.Thresholds) > 0 {
			ded := 0.0
			for _, x := range s.Deductions {
				ded += x.Points
			}
			row = append(row, strconv.FormatFloat(scoring.RoundHalfUp(ded, n.p.Round), 'f', n.p.Round, 64))
		}
		ch := exports.RankChange(s.Trend)
		if first {
			ch = exports.Dash
		}
		row = append(row, n.score(s.Final), ch)
		if marks {
			row = append(row, exports.MarkLabel(s.Mark))
		}
		rows[i] = row
	}
	n.d.para(para{style: "Caption", keep: true, before: 120, after: 60}, run{text: fmt.Sprintf("表%d　%s考核排名", k, label)})
	size := 0
	if len(rates) > 4 {
		// More rates than the first edition's four fit a page in 小五, the other columns a little narrower.
		size = size5small
		for i := range widths {
			if i < 2 || head[i] == "排名变化" || head[i] == "标注" {
				widths[i]--
			}
		}
		widths[1]--
	}
	n.d.table(head, widths, align, rows, size)
	note := "注：得分保留" + strconv.Itoa(n.p.Round) + "位小数；排名变化"
	if first {
		note += "为—，本期为首次排名。"
	} else {
		note += "与" + n.b.Reference + "相比，↑上升、↓下降，新为上期未排名。"
	}
	n.d.para(para{style: "TableText", align: "left", after: 120}, run{text: note})
}

// unranked says which units were not ranked and why, with their callbacks and the minimum.
func (n *writer) unranked(us []*scoring.Scorecard) {
	if len(us) == 0 {
		return
	}
	var small, none []string
	for _, s := range us {
		why := ""
		if s.UnrankedReason != nil {
			why = *s.UnrankedReason
		}
		if why == scoring.ReasonSmallSample {
			small = append(small, fmt.Sprintf("%s（有效回访%s件）", s.Name, count(s.Counts.Callbacks)))
		} else {
			none = append(none, s.Name)
		}
	}
	var parts []string
	if len(small) > 0 {
		parts = append(parts, fmt.Sprintf("%s有效回访少于%s件，样本不足", strings.Join(small, "、"), count(n.p.MinCallbacks)))
	}
	if len(none) > 0 {
		parts = append(parts, strings.Join(none, "、")+"本期无有效数据")
	}
	n.d.text(strings.Join(parts, "；") + "，均不参加排名。")
}

// categoryName shows a category path 住房/物业管理/电梯故障 as 电梯故障（住房—物业管理）.
func categoryName(c string) string {
	parts := strings.Split(c, "/")
	if len(parts) == 1 {
		return c
	}
	return parts[len(parts)-1] + "（" + strings.Join(parts[:len(parts)-1], "—") + "）"
}

func (n *writer) categories() {
	cs := n.b.Categories
	if len(cs) == 0 {
		return
	}
	n.d.para(para{style: "Heading1", keep: true}, run{text: "三、高频问题"})
	var all int64
	for _, c := range cs {
		all += c.Count
	}
	prev := map[string]int64{}
	for _, c := range n.b.PreviousCategories {
		prev[c.Category] = c.Count
	}
	top := cs[:min(5, len(cs))]
	var parts []string
	for i, c := range top {
		s := fmt.Sprintf("%s%s，%d件，占%s", ordinalCircled(i), categoryName(c.Category), c.Count, pct(float64(c.Count)/float64(all)))
		if n.b.PreviousCategories != nil && !n.b.FirstRanking() {
			s += "，环比" + change(c.Count, prev[c.Category])
		}
		parts = append(parts, s)
	}
	n.d.text(fmt.Sprintf("本期工单（按主办单位计）涉及%d类问题，数量居前%d位的是：%s。", len(cs), len(top), strings.Join(parts, "；")))
}

func ordinalCircled(i int) string { return string(rune('①' + i)) }

func (n *writer) next() {
	c := &n.b.Card
	n.d.para(para{style: "Heading1", keep: true}, run{text: "四、下一步要求"})
	var items []string
	var bottom []string
	for _, g := range groups(c) {
		ranked := 0
		for i := range c.Units {
			if c.Units[i].Group == g && c.Units[i].Ranked {
				ranked++
			}
		}
		if !exports.MarksShown(n.p, ranked) {
			continue
		}
		for i := range c.Units {
			if s := &c.Units[i]; s.Group == g && s.Mark == "bottom" {
				bottom = append(bottom, s.Name)
			}
		}
	}
	if len(bottom) > 0 {
		items = append(items, "本期末位单位（"+strings.Join(bottom, "、")+"）要对照扣分工单逐件分析原因，明确整改措施和责任人。")
	}
	// Each baseline of each group's rules, counted over the units it applies to; the same baseline in
	// several groups is one requirement.
	type rule struct {
		rate     string
		atMost   bool
		baseline float64
	}
	var order []rule
	short := map[rule]int{}
	in := map[rule][]string{} // the groups whose rules have the baseline
	for i := range c.Units {
		s := &c.Units[i]
		for _, th := range n.p.SchemeOf(s.Group).Thresholds {
			key := rule{th.Rate, th.AtMost, th.Baseline}
			if _, ok := short[key]; !ok {
				order = append(order, key)
				short[key] = 0
			}
			if !slices.Contains(in[key], s.Group) {
				in[key] = append(in[key], s.Group)
			}
			if r, _ := s.Rates.ByName(th.Rate); r.Value != nil && s.Ranked && th.Misses(*r.Value) {
				short[key]++
			}
		}
	}
	for _, th := range order {
		if k := short[th]; k > 0 {
			word := "未达到"
			if th.atMost {
				word = "超过"
			}
			who := ""
			if len(in[th]) < len(groups(c)) {
				labels := make([]string, len(in[th]))
				for i, g := range in[th] {
					labels[i] = scoring.GroupLabel(g)
				}
				who = strings.Join(labels, "、") + "中"
			}
			items = append(items, fmt.Sprintf("%s%s%s基数%s的%d个单位要针对该项指标制定提升措施。", who, scoring.RateLabel(th.rate), word, pct(th.baseline), k))
		}
	}
	items = append(items, n.cfg.Requirements...)
	items = append(items, "各单位对本期考核结果有异议的，可对本单位工单逐件提出申诉，经复核后在下一版通报中更正。")
	for i, it := range items {
		// The last item keeps with the 附件 and the 落款, which never stand alone on a page.
		n.d.para(para{keep: i == len(items)-1}, run{text: "（" + ordinal(i) + "）" + it})
	}
}

func (n *writer) attachments() {
	per := monthly(n.b.Card.Period.ID)
	n.d.para(para{before: 560, keep: true}, run{text: "附件：1．" + per + "12345接诉即办考核排名表"})
	n.d.para(para{keep: true}, run{text: "　　　2．" + per + "12345接诉即办工单明细"})
}

func (n *writer) signature() {
	n.d.para(para{align: "right", right: 400, before: 1120, keep: true}, run{text: n.cfg.Issuer})
	n.d.para(para{align: "right", right: 400}, run{text: dateZh(n.date())})
}

func (n *writer) distribution() {
	// The 版记 sits at the foot of the last page, as a 公文's does.
	if len(n.cfg.CC) > 0 {
		n.d.para(para{style: "Plain", bottom: true, border: "000000"}, run{text: "抄送：" + strings.Join(n.cfg.CC, "，") + "。"})
	}
	gap := strings.Repeat("　", max(1, 22-utf8.RuneCountInString(n.cfg.Issuer)-utf8.RuneCountInString(dateZh(n.date()))/2-2))
	n.d.para(para{style: "Plain", bottom: true, border: "000000"}, run{text: n.cfg.Issuer + gap + dateZh(n.date()) + "印发"})
}
