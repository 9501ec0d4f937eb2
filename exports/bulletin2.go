package exports

import (
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"gopkg.in/yaml.v3"

	"sanlv/scoring"
)

// SheetAdjust is the bulletin sheet of every unit's items and adjustments (加减分, SPEC §13.9–§13.10).
const SheetAdjust = "加减分"

// namedScheme is a set of rules with the group it belongs to ("" for the policy's own).
type namedScheme struct {
	group string
	s     *scoring.Scheme
}

// schemes returns the policy's own rules, then each group's own (分类考核) by group name.
func schemes(p *scoring.Policy) []namedScheme {
	out := []namedScheme{{"", &p.Scheme}}
	groups := make([]string, 0, len(p.Groups))
	for g := range p.Groups {
		groups = append(groups, g)
	}
	slices.Sort(groups)
	for _, g := range groups {
		out = append(out, namedScheme{g, p.Groups[g]})
	}
	return out
}

// itemSum is the sum of a unit's item points; nil when an item's rate is undefined.
func itemSum(s *scoring.Scorecard) *float64 {
	sum := 0.0
	for _, it := range s.Items {
		if it.Points == nil {
			return nil
		}
		sum += *it.Points
	}
	return &sum
}

// adjustmentSum is the sum of a unit's adjustments, clamped to the policy's limits as the final counts it.
func adjustmentSum(p *scoring.Policy, s *scoring.Scorecard) float64 {
	adjs := make([]scoring.Adjustment, len(s.Adjustments))
	for i, a := range s.Adjustments {
		adjs[i] = scoring.Adjustment{Label: a.Label, Points: a.Points, Reason: a.Reason}
	}
	return p.AdjustmentSum(adjs)
}

// adjustmentsCount reports whether the bulletin shows 加减分: some unit has adjustments, or the policy
// limits them.
func adjustmentsCount(b *Bulletin) bool {
	if b.Policy.AdjustMin != nil || b.Policy.AdjustMax != nil {
		return true
	}
	for i := range b.Card.Units {
		if len(b.Card.Units[i].Adjustments) > 0 {
			return true
		}
	}
	return false
}

// percent shows a rate as 95% or 97.5%.
func percent(x float64) string { return num(x*100) + "%" }

// itemText describes an item: 按时办结：按时办结率60%得0分，达到95%得满分10分，其间按比例计分.
func itemText(it *scoring.Item) string {
	l := scoring.RateLabel(it.Rate)
	if it.Linear {
		return fmt.Sprintf("%s：%s为%s时得0分，达到%s得满分%s分，其间按比例计分", it.Label, l, percent(it.Zero), percent(it.Full), num(it.Max))
	}
	parts := make([]string, 0, len(it.Bands)+1)
	for _, b := range it.Bands {
		var cond []string
		if b.Min != nil {
			cond = append(cond, "≥"+percent(*b.Min))
		}
		if b.Max != nil {
			cond = append(cond, "≤"+percent(*b.Max))
		}
		parts = append(parts, l+strings.Join(cond, "且")+"得"+num(b.Points)+"分")
	}
	return it.Label + "：" + strings.Join(append(parts, "否则得0分"), "，")
}

// secondSource is the part of a policy's YAML that the compiled policy keeps unexported: the
// acceptance limits and the scope, described on 说明.
type secondSource struct {
	Acceptance struct {
		Limits map[string]string `yaml:"limits"`
	} `yaml:"acceptance"`
	Scope struct {
		Hotlines []string `yaml:"hotlines"`
		Channels []string `yaml:"channels"`
	} `yaml:"scope"`
}

// limitText shows a limit in Chinese: 24h as 24小时, 30m as 30分钟, 7wd as 7个工作日.
func limitText(s string) string {
	switch {
	case strings.HasSuffix(s, "wd"):
		return strings.TrimSuffix(s, "wd") + "个工作日"
	case strings.HasSuffix(s, "h"):
		return strings.TrimSuffix(s, "h") + "小时"
	case strings.HasSuffix(s, "m"):
		return strings.TrimSuffix(s, "m") + "分钟"
	}
	return s
}

// sameZh names the fields two calls must share to be a repeat.
var sameZh = map[string]string{"caller_phone": "来电号码", "category": "诉求分类", "kind": "诉求类型", "channel": "来源渠道"}

// secondEditionLines describes the second-edition rules of a policy (SPEC §13) in words.
func secondEditionLines(p *scoring.Policy) [][2]any {
	var src secondSource
	_ = yaml.Unmarshal(p.Source, &src) // the policy was validated: a failure only leaves words out
	var lines [][2]any
	if len(src.Scope.Hotlines) > 0 || len(src.Scope.Channels) > 0 {
		var parts []string
		if len(src.Scope.Hotlines) > 0 {
			parts = append(parts, "热线"+strings.Join(src.Scope.Hotlines, "、"))
		}
		if len(src.Scope.Channels) > 0 {
			parts = append(parts, "来源渠道"+strings.Join(src.Scope.Channels, "、"))
		}
		lines = append(lines, [2]any{"考核范围", strings.Join(parts, "；") + "的工单，范围外的工单不计入任何数据"})
	}
	if p.HasAcceptance {
		var ls []string
		for _, u := range []scoring.Urgency{scoring.Emergency, scoring.Priority, scoring.Normal, scoring.Complex} {
			if v, ok := src.Acceptance.Limits[u.String()]; ok {
				ls = append(ls, u.Label()+limitText(v))
			}
		}
		lines = append(lines, [2]any{"签收时限", "派单后在时限内签收的工单占纳入考核工单的比例；签收时限为" + strings.Join(ls, "、") + "，未签收的视为超时"})
	}
	if p.HonorExtensions {
		lines = append(lines, [2]any{"延期", "经批准延期的工单以延期截止时间为办理时限"})
	}
	if p.CountOpenOverdue {
		lines = append(lines, [2]any{"超期未办结计算", "办理时限在本期内、本期结束时仍未办结的工单计为超期，计入按时办结率的分母，不计工单积分；办结后在办结当期再按超期计一次"})
	}
	if p.Uses(scoring.RateClosure) {
		lines = append(lines, [2]any{"办结率计算", "办理时限在本期内的工单中，本期结束前已办结的比例"})
	}
	if p.Uses(scoring.RateReturn) {
		lines = append(lines, [2]any{"退单率计算", "（本期退单通过件数＋退单被驳回的考核工单数）÷（纳入考核工单数＋本期退单通过件数），越低越好；退单通过的工单不纳入考核"})
	}
	if d := p.Duplicates; d != nil || p.Uses(scoring.RateRepeat) {
		text := "标注了并单主工单的工单为重复诉求"
		treat := "并单处理，不纳入考核"
		if d != nil {
			if d.Window > 0 && len(d.Same) > 0 {
				same := make([]string, len(d.Same))
				for i, f := range d.Same {
					same[i] = sameZh[f]
					if same[i] == "" {
						same[i] = f
					}
				}
				text += fmt.Sprintf("；同一单位%s天内%s均相同的后续工单也为重复诉求", num(float64(d.Window)/86400), strings.Join(same, "、"))
			}
			if !d.Merge {
				treat = "仍纳入考核，仅作标注"
			}
		}
		text += "；重复诉求" + treat
		if p.Uses(scoring.RateRepeat) {
			text += "；重复诉求率越低越好"
		}
		lines = append(lines, [2]any{"重复诉求", text})
	}
	if p.ShowRaw {
		lines = append(lines, [2]any{"原始三率", "不剔除、不并单、不采纳申诉更正计算的响应率、解决率、满意率和按时办结率，仅供对照，不影响得分"})
	}
	text := "考核办公室认定的加分、扣分（含质量抽检）逐项列于“" + SheetAdjust + "”工作表，计入最终得分"
	switch {
	case p.AdjustMin != nil && p.AdjustMax != nil:
		text += fmt.Sprintf("；每期合计限%s至%s分", signed(*p.AdjustMin), signed(*p.AdjustMax))
	case p.AdjustMin != nil:
		text += fmt.Sprintf("；每期合计最低%s分", signed(*p.AdjustMin))
	case p.AdjustMax != nil:
		text += fmt.Sprintf("；每期合计最高%s分", signed(*p.AdjustMax))
	}
	return append(lines, [2]any{"加减分", text})
}

func adjustColumns() []column {
	return []column{{"分组", kCenter}, {"单位编码", kCenter}, {"单位", kText}, {"类别", kCenter}, {"项目", kText},
		{"指标", kCenter}, {"指标值", kPct}, {"分值", kScore}, {"说明", kText}}
}

// adjustRows lists, per unit, every item (label, rate, points), every adjustment (label, points, reason,
// unclamped, in input order) and the clamped sum of the adjustments; units with neither are left out.
func adjustRows(b *Bulletin) [][]cell {
	c, p := &b.Card, b.Policy
	var rows [][]cell
	for i := range c.Units {
		s := &c.Units[i]
		if len(s.Items) == 0 && len(s.Adjustments) == 0 {
			continue
		}
		head := []cell{{scoring.GroupLabel(s.Group), kCenter}, {s.Code, kCenter}, {s.Name, kText}}
		for _, it := range s.Items {
			r, _ := s.Rates.ByName(it.Rate)
			note := ""
			if it.Points == nil {
				note = "指标无数据，最终得分为—"
			}
			rows = append(rows, append(slices.Clone(head), cell{"加分项", kCenter}, cell{it.Label, kText},
				cell{scoring.RateLabel(it.Rate), kCenter}, rate(*r), score(it.Points, p.Round), cell{note, kText}))
		}
		if len(s.Adjustments) == 0 {
			continue
		}
		total := 0.0
		for _, a := range s.Adjustments {
			total += a.Points
			rows = append(rows, append(slices.Clone(head), cell{"加减分", kCenter}, cell{a.Label, kText},
				cell{Dash, kCenter}, cell{Dash, kPct}, cell{scoring.RoundHalfUp(a.Points, p.Round), kScore}, cell{ZhPunct(a.Reason), kText}))
		}
		clamped := adjustmentSum(p, s)
		note := "合计" + signed(scoring.RoundHalfUp(total, p.Round)) + "分"
		if clamped != total {
			note += "，超出限额，按" + signed(scoring.RoundHalfUp(clamped, p.Round)) + "分计"
		}
		rows = append(rows, append(slices.Clone(head), cell{"加减分合计", kCenter}, cell{"计入最终得分", kText},
			cell{Dash, kCenter}, cell{Dash, kPct}, cell{scoring.RoundHalfUp(clamped, p.Round), kScore}, cell{note, kText}))
	}
	return rows
}

// SheetRates2 is the bulletin sheet of the second-edition rates the policy uses, with the counts behind them.
const SheetRates2 = "新增指标明细"

// classicRates are the rates 指标明细 shows: the four of SPEC §5.
var classicRates = []string{scoring.RateResponse, scoring.RateResolution, scoring.RateSatisfaction, scoring.RateOnTime}

// secondColumns are the headers of 新增指标明细: each rate as on 指标明细, then the weighted counts of
// approved returns, merged repeats and overdue-open tickets.
func secondColumns(p *scoring.Policy, rates []string) []column {
	return append(rateColumns(p, rates), column{"退单通过（件）", kNum}, column{"重复诉求并单（件）", kNum}, column{"超期未办结（件）", kNum})
}

// secondRows lists every unit's second-edition rates and counts.
func secondRows(b *Bulletin, rates []string) [][]cell {
	rows := rateRows(b, rates)
	for i := range rows {
		n := &b.Card.Units[i].Counts
		rows[i] = append(rows[i], cell{n.Returned, kNum}, cell{n.Duplicates, kNum}, cell{n.OverdueOpen, kNum})
	}
	return rows
}

// rawRate returns a unit's raw rate by name; false for a rate without a raw value.
func rawRate(s *scoring.Scorecard, name string) (scoring.Rate, bool) {
	switch name {
	case scoring.RateResponse:
		return s.RawRates.Response, true
	case scoring.RateResolution:
		return s.RawRates.Resolution, true
	case scoring.RateSatisfaction:
		return s.RawRates.Satisfaction, true
	case scoring.RateOnTime:
		return s.RawRates.OnTime, true
	}
	return scoring.Rate{}, false
}

// notesWidth is the most characters a 说明 line holds on its printed page.
const notesWidth = 46

// wrapNotes breaks each text of a notes sheet longer than notesWidth characters after a ；or ，
// into lines of at most that width, continued under an empty label, so that nothing runs off the page.
func wrapNotes(lines [][2]any) [][2]any {
	out := make([][2]any, 0, len(lines))
	for _, l := range lines {
		s, ok := l[1].(string)
		if !ok || utf8.RuneCountInString(s) <= notesWidth {
			out = append(out, l)
			continue
		}
		label := l[0]
		for _, chunk := range wrapText(s, notesWidth) {
			out = append(out, [2]any{label, chunk})
			label = ""
		}
	}
	return out
}

// wrapText splits s after ；(else ，, else anywhere) into pieces of at most width characters.
func wrapText(s string, width int) []string {
	var out []string
	rs := []rune(s)
	for len(rs) > width {
		cut := -1
		for _, sep := range []rune{'；', '，', '、'} {
			for i := width - 1; i > width/3; i-- {
				if rs[i] == sep {
					cut = i + 1
					break
				}
			}
			if cut > 0 {
				break
			}
		}
		if cut < 0 {
			cut = width
		}
		out = append(out, string(rs[:cut]))
		rs = rs[cut:]
	}
	return append(out, string(rs))
}
