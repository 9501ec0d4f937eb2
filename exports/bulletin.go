package exports

import (
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"sanlv/scoring"
)

// Bulletin is everything a period bulletin (通报) shows.
type Bulletin struct {
	// Card is the ranked period; each unit's Trend is set when a previous period was compared.
	Card scoring.Card
	// Policy gives the rounding, the top and bottom marks' meaning and the rules shown on 说明.
	Policy *scoring.Policy
	// Edition is the published edition number; 0 is a draft (草稿).
	Edition int
	// Points lists every assignment that cost or earned points; the bulletin sums them per unit and rule
	// (扣分汇总), the ticket detail export lists them one by one.
	Points []PointLine
	// Generated is the document's creation time: the edition's publication, or for a draft a fixed
	// time of the period; zero leaves it out.
	Generated time.Time
	// Previous is the previous period as it was circulated (its latest edition, else scored now),
	// which 排名变化 and every 环比 compare with; nil when there is none.
	Previous *scoring.Card
	// Reference names Previous for the reader: 2025年9月第1版, or 2025年9月（未发布，按现有数据计算）.
	Reference string
	// Categories counts the period's tickets by category, most frequent first (see Categories).
	Categories []CategoryCount
	// PreviousCategories counts the previous period's tickets the same way; nil when not known.
	PreviousCategories []CategoryCount
}

// PointLine is one assignment's points under one rule.
type PointLine = scoring.PointLine

// Sheet names of the bulletin besides the groups'.
const (
	SheetNotes    = "说明"
	SheetRates    = "指标明细"
	SheetSummary  = "扣分汇总"
	SheetUnranked = "未排名"
	// SheetChartSuffix ends the name of a group's chart sheet: 街乡镇图表.
	SheetChartSuffix = "图表"
)

// Fill colours of chart bars: top N red, bottom N grey, the others light blue; in grayscale they are
// dark, middle and light.
const (
	barTop    = "C00000"
	barBottom = "7F7F7F"
	barOther  = "BDD7EE"
)

// groupSheet is a group's ranking sheet with its ranked units.
type groupSheet struct {
	group, sheet string
	units        []*scoring.Scorecard
	marks        bool     // 红榜 and 末位 are marked (MarksShown)
	cols         []string // RankingColumns of the group
}

// RankingColumns are the headers of group's ranking sheet under policy p, in order: the second-edition
// rates the policy uses after 按时办结率, 原始解决率 beside 解决率 when the policy shows raw rates, 综合得分
// only with weighted rates, 扣分 only with baselines, 加分项 only with items, 积分 only when ticket points
// count in the final score (each by the group's own rules), 加减分 when adjustments count.
func RankingColumns(p *scoring.Policy, group string, adjustments bool) []string {
	sc := p.SchemeOf(group)
	cols := []string{"排名", "标注", "单位编码", "单位", "工单量", "有效回访", scoring.RateLabel(scoring.RateResponse), scoring.RateLabel(scoring.RateResolution)}
	if p.ShowRaw {
		cols = append(cols, scoring.RawRateLabel(scoring.RateResolution))
	}
	cols = append(cols, scoring.RateLabel(scoring.RateSatisfaction), scoring.RateLabel(scoring.RateOnTime))
	for _, r := range SecondEditionRates(p) {
		cols = append(cols, scoring.RateLabel(r))
	}
	if hasWeights(sc) {
		cols = append(cols, "综合得分")
	}
	if len(sc.Thresholds) > 0 {
		cols = append(cols, "扣分")
	}
	if len(sc.Items) > 0 {
		cols = append(cols, "加分项")
	}
	if pointsCount(p, sc) {
		cols = append(cols, "积分")
	}
	if adjustments {
		cols = append(cols, "加减分")
	}
	return append(cols, "最终得分", "排名变化")
}

func hasWeights(sc *scoring.Scheme) bool {
	for _, w := range sc.Weights {
		if w != 0 {
			return true
		}
	}
	return false
}

// pointsCount reports whether ticket points change the final score under a group's scheme.
func pointsCount(p *scoring.Policy, sc *scoring.Scheme) bool {
	return sc.PointsFactor != 0 && len(p.Rules) > 0
}

// anyPointsCount reports whether ticket points change the final score of some group.
func anyPointsCount(p *scoring.Policy) bool {
	if pointsCount(p, &p.Scheme) {
		return true
	}
	for _, sc := range p.Groups {
		if pointsCount(p, sc) {
			return true
		}
	}
	return false
}

// WriteBulletin writes the period bulletin workbook of SPEC §11.3, laid out for paper: 说明, one ranking
// sheet per group with ranked units, 指标明细 (numerators, denominators and 环比 of every rate),
// 扣分汇总 (per unit and rule, only what changes the score), 未排名 (when a unit is not ranked), and one
// chart sheet per group, each printing on one page.
func WriteBulletin(w io.Writer, b Bulletin) error {
	p := b.Policy
	if p == nil {
		return scoring.Errorf(scoring.Invalid, "bulletin: no policy")
	}
	bk, err := newBook(p.Round)
	if err != nil {
		return err
	}
	c := &b.Card
	title := BulletinTitle(c.Period.ID)
	docTitle := title
	if b.Edition <= 0 {
		docTitle += "（草稿）"
	}
	groups := rankedGroups(&b)
	summary := summaryRows(&b)
	unranked := unrankedRows(&b)
	adjust := adjustRows(&b)
	if err := bk.notes(SheetNotes, docTitle, wrapNotes(bulletinNotes(&b, groups, len(summary) > 0, len(adjust) > 0, len(unranked) > 0))); err != nil {
		return fmt.Errorf("bulletin %s: %w", SheetNotes, err)
	}
	short := "第" + strconv.Itoa(b.Edition) + "版"
	if b.Edition <= 0 {
		short = "草稿"
	}
	first := b.FirstRanking()
	for _, g := range groups {
		t := fmt.Sprintf("%s　%s排名（%s）", title, scoring.GroupLabel(g.group), short)
		rows, marks := rankingRows(&b, g, first)
		if err := bk.table(g.sheet, t, rankingColumns(g.cols), rows, marks); err != nil {
			return fmt.Errorf("bulletin sheet %s: %w", g.sheet, err)
		}
		if err := bk.legend(g.sheet, len(rows)+4, len(g.cols), legend(&b, g, first)); err != nil {
			return fmt.Errorf("bulletin sheet %s: %w", g.sheet, err)
		}
	}
	if len(c.Units) > 0 {
		if err := bk.table(SheetRates, docTitle+"　指标明细", rateColumns(p, classicRates), rateRows(&b, classicRates), nil); err != nil {
			return fmt.Errorf("bulletin %s: %w", SheetRates, err)
		}
		if second := SecondEditionRates(p); len(second) > 0 {
			if err := bk.table(SheetRates2, docTitle+"　新增指标明细", secondColumns(p, second), secondRows(&b, second), nil); err != nil {
				return fmt.Errorf("bulletin %s: %w", SheetRates2, err)
			}
		}
	}
	if len(summary) > 0 {
		if err := bk.table(SheetSummary, docTitle+"　扣分汇总", summaryColumns(&b), summary, nil); err != nil {
			return fmt.Errorf("bulletin %s: %w", SheetSummary, err)
		}
	}
	if len(adjust) > 0 {
		if err := bk.table(SheetAdjust, docTitle+"　加分项及加减分明细", adjustColumns(), adjust, nil); err != nil {
			return fmt.Errorf("bulletin %s: %w", SheetAdjust, err)
		}
	}
	if len(unranked) > 0 {
		if err := bk.table(SheetUnranked, docTitle+"　未排名单位", unrankedColumns(), unranked, nil); err != nil {
			return fmt.Errorf("bulletin %s: %w", SheetUnranked, err)
		}
	}
	for _, g := range groups {
		if err := bk.chart(&b, g); err != nil {
			return fmt.Errorf("bulletin chart of %s: %w", g.sheet, err)
		}
	}
	return bk.finish(w, docTitle, b.Generated)
}

// rankedGroups returns the groups with ranked units, in card order, with their sheet names.
func rankedGroups(b *Bulletin) []groupSheet {
	c := &b.Card
	names, sheets := groupSheets(len(c.Units), func(i int) string { return c.Units[i].Group },
		SheetNotes, SheetRates, SheetRates2, SheetSummary, SheetAdjust, SheetUnranked)
	var out []groupSheet
	adjusts := adjustmentsCount(b)
	used := map[string]bool{}
	for _, s := range sheets {
		used[strings.ToLower(s)] = true
	}
	for i, g := range names {
		gs := groupSheet{group: g, sheet: sheets[i]}
		for k := range c.Units {
			if s := &c.Units[k]; s.Group == g && s.Ranked && s.Rank != nil {
				gs.units = append(gs.units, s)
			}
		}
		if len(gs.units) == 0 {
			continue
		}
		gs.marks = MarksShown(b.Policy, len(gs.units))
		gs.cols = RankingColumns(b.Policy, g, adjusts)
		out = append(out, gs)
	}
	return out
}

func rankingColumns(names []string) []column {
	kinds := map[string]int{"排名": kInt, "标注": kCenter, "单位编码": kCenter, "单位": kText, "工单量": kInt, "有效回访": kNum,
		"综合得分": kScore, "扣分": kScore, "加分项": kScore, "积分": kScore, "加减分": kScore, "最终得分": kScore, "排名变化": kCenter}
	cols := make([]column, len(names))
	for i, n := range names {
		k, ok := kinds[n]
		if !ok {
			k = kPct
		}
		cols[i] = column{n, k}
	}
	return cols
}

// mark is a unit's row mark on its group's sheet: none when the group is too small to mark.
func (g *groupSheet) mark(s *scoring.Scorecard) int {
	if !g.marks {
		return markNone
	}
	switch s.Mark {
	case "top":
		return markTop
	case "bottom":
		return markBottom
	}
	return markNone
}

// rankingRows returns the ranked units of a group as rows of its ranking sheet, with their marks.
func rankingRows(b *Bulletin, g groupSheet, first bool) ([][]cell, []int) {
	p := b.Policy
	rows := make([][]cell, 0, len(g.units))
	marks := make([]int, 0, len(g.units))
	for _, s := range g.units {
		m := g.mark(s)
		label := ""
		if m != markNone {
			label = MarkLabel(s.Mark)
		}
		change := RankChange(s.Trend)
		if first {
			change = Dash
		}
		row := make([]cell, 0, len(g.cols))
		for _, col := range g.cols {
			row = append(row, rankingCell(p, s, col, label, change))
		}
		rows = append(rows, row)
		marks = append(marks, m)
	}
	return rows, marks
}

// rankingCell is a unit's cell in the column named col of its ranking sheet.
func rankingCell(p *scoring.Policy, s *scoring.Scorecard, col, label, change string) cell {
	switch col {
	case "排名":
		return cell{*s.Rank, kInt}
	case "标注":
		return cell{label, kCenter}
	case "单位编码":
		return cell{s.Code, kCenter}
	case "单位":
		return cell{s.Name, kText}
	case "工单量":
		return cell{s.Counts.Assignments, kInt}
	case "有效回访":
		return cell{s.Counts.Callbacks, kNum}
	case "综合得分":
		return score(s.Composite, p.Round)
	case "扣分":
		return score(ptr(deducted(s)), p.Round)
	case "加分项":
		return score(itemSum(s), p.Round)
	case "积分":
		return score(&s.Points.Total, p.Round)
	case "加减分":
		return score(ptr(adjustmentSum(p, s)), p.Round)
	case "最终得分":
		return score(s.Final, p.Round)
	case "排名变化":
		return cell{change, kCenter}
	case scoring.RawRateLabel(scoring.RateResolution):
		return rate(s.RawRates.Resolution)
	}
	for _, name := range scoring.RateNames() {
		if scoring.RateLabel(name) == col {
			r, _ := s.Rates.ByName(name)
			return rate(*r)
		}
	}
	return cell{Dash, kCenter}
}

// legend says what the marks and the rank change mean, under a ranking sheet's table.
func legend(b *Bulletin, g groupSheet, first bool) []string {
	p := b.Policy
	var lines []string
	if g.marks {
		lines = append(lines, fmt.Sprintf("图例：红榜▲为前%d名（浅红底纹），末位▼为后%d名（灰色底纹）。", p.Top, p.Bottom))
	} else if p.Top+p.Bottom > 0 {
		lines = append(lines, fmt.Sprintf("本组参加排名的单位不多于%d个，不标注红榜和末位。", p.Top+p.Bottom))
	}
	if first {
		lines = append(lines, "排名变化：本期为首次排名，记为—。")
	} else {
		lines = append(lines, "排名变化：与"+b.Reference+"相比，↑上升，↓下降，新为上期未排名。")
	}
	return lines
}

// deducted is the sum of a unit's threshold deductions.
func deducted(s *scoring.Scorecard) float64 {
	d := 0.0
	for _, x := range s.Deductions {
		d += x.Points
	}
	return d
}

func ptr(x float64) *float64 { return &x }

// rate is a rate's cell: its unrounded value as 0.00%, or "—" when undefined.
func rate(r scoring.Rate) cell {
	if r.Value == nil {
		return cell{Dash, kPct}
	}
	return cell{*r.Value, kPct}
}

// score is a score's cell: rounded half-up to round decimals, or "—" when undefined.
func score(x *float64, round int) cell {
	if x == nil {
		return cell{Dash, kScore}
	}
	return cell{scoring.RoundHalfUp(*x, round), kScore}
}

// rateColumns are the headers of 指标明细: each rate's fraction, value and 环比, and its raw value
// (原始) beside it when the policy shows raw rates.
func rateColumns(p *scoring.Policy, rates []string) []column {
	cols := []column{{"分组", kCenter}, {"单位", kText}}
	for _, r := range rates {
		l := scoring.RateLabel(r)
		cols = append(cols, column{l + "（分子/分母）", kCenter}, column{l, kPct}, column{"环比", kCenter})
		if _, ok := rawRate(&scoring.Scorecard{}, r); ok && p.ShowRaw {
			cols = append(cols, column{scoring.RawRateLabel(r), kPct})
		}
	}
	return cols
}

// rateRows lists every unit's rates with their weighted numerators and denominators and the change
// in percentage points against the previous period.
func rateRows(b *Bulletin, rates []string) [][]cell {
	c := &b.Card
	var rows [][]cell
	for i := range c.Units {
		s := &c.Units[i]
		var prev *scoring.Scorecard
		if b.Previous != nil {
			prev = b.Previous.Unit(s.Code)
		}
		row := []cell{{scoring.GroupLabel(s.Group), kCenter}, {s.Name, kText}}
		for _, name := range rates {
			r, _ := s.Rates.ByName(name)
			frac := Dash
			if r.Den != 0 {
				frac = count(r.Num) + "/" + count(r.Den)
			}
			ch := Dash
			if prev != nil && r.Value != nil && !b.FirstRanking() {
				if pr, _ := prev.Rates.ByName(name); pr.Value != nil {
					ch = pointChange(*r.Value - *pr.Value)
				}
			}
			row = append(row, cell{frac, kCenter}, rate(*r), cell{ch, kCenter})
			if raw, ok := rawRate(s, name); ok && b.Policy.ShowRaw {
				row = append(row, rate(raw))
			}
		}
		rows = append(rows, row)
	}
	return rows
}

// count shows a weighted count: 14 or 14.5.
func count(x float64) string { return strconv.FormatFloat(scoring.RoundHalfUp(x, 2), 'f', -1, 64) }

// pointChange shows a change of a rate in percentage points: ↑1.25, ↓0.50, 持平.
func pointChange(d float64) string {
	d = scoring.RoundHalfUp(d*100, 2)
	switch {
	case d > 0:
		return "↑" + strconv.FormatFloat(d, 'f', 2, 64)
	case d < 0:
		return "↓" + strconv.FormatFloat(-d, 'f', 2, 64)
	}
	return "持平"
}

// summaryRules are the columns of 扣分汇总: threshold rates, then ticket-point labels when they count.
// A rate with a baseline in any group's rules has a column.
func summaryRules(p *scoring.Policy) (thresholds []string, labels []string) {
	for _, sc := range schemes(p) {
		for _, t := range sc.s.Thresholds {
			if !slices.Contains(thresholds, t.Rate) {
				thresholds = append(thresholds, t.Rate)
			}
		}
	}
	if anyPointsCount(p) {
		seen := map[string]bool{}
		for _, r := range p.Rules {
			if !seen[r.Label] {
				seen[r.Label] = true
				labels = append(labels, r.Label)
			}
		}
	}
	return thresholds, labels
}

func summaryColumns(b *Bulletin) []column {
	ths, labels := summaryRules(b.Policy)
	cols := []column{{"分组", kCenter}, {"单位编码", kCenter}, {"单位", kText}}
	for _, t := range ths {
		cols = append(cols, column{thresholdLabel(b.Policy, t), kScore})
	}
	for _, l := range labels {
		cols = append(cols, column{l + "（件）", kNum}, column{l + "（分）", kScore})
	}
	return append(cols, column{"合计", kScore})
}

// summaryRows sums, per unit, the threshold deductions and (when they count) the ticket points of each
// rule label; units with nothing to show are left out, and so is the sheet when no rule changes a score.
func summaryRows(b *Bulletin) [][]cell {
	p, c := b.Policy, &b.Card
	ths, labels := summaryRules(p)
	if len(ths) == 0 && len(labels) == 0 {
		return nil
	}
	type tally struct {
		n   map[string]float64
		pts map[string]float64
	}
	per := map[string]*tally{}
	if len(labels) > 0 {
		for _, l := range b.Points {
			t := per[l.Unit]
			if t == nil {
				t = &tally{n: map[string]float64{}, pts: map[string]float64{}}
				per[l.Unit] = t
			}
			t.n[l.Rule]++
			t.pts[l.Rule] += l.Points
		}
	}
	var rows [][]cell
	for i := range c.Units {
		s := &c.Units[i]
		row := []cell{{scoring.GroupLabel(s.Group), kCenter}, {s.Code, kCenter}, {s.Name, kText}}
		total, any := 0.0, false
		for _, rate := range ths {
			d := 0.0
			for _, x := range s.Deductions {
				if x.Rate == rate {
					d -= x.Points
				}
			}
			total += d
			any = any || d != 0
			row = append(row, cell{scoring.RoundHalfUp(d, p.Round), kScore})
		}
		t := per[s.Code]
		counts := pointsCount(p, p.SchemeOf(s.Group))
		for _, l := range labels {
			var n, pts float64
			if t != nil {
				n, pts = t.n[l], t.pts[l]
			}
			any = any || (counts && n != 0)
			row = append(row, cell{n, kNum}, cell{scoring.RoundHalfUp(pts, p.Round), kScore})
		}
		// Ticket points count in the final as the points factor times their mean per assignment.
		if counts && s.Points.PerAssignment != nil {
			total += p.SchemeOf(s.Group).PointsFactor * *s.Points.PerAssignment
		}
		if !any {
			continue
		}
		rows = append(rows, append(row, cell{scoring.RoundHalfUp(total, p.Round), kScore}))
	}
	return rows
}

// thresholdLabel names a threshold rule on a rate: 按时办结率未达基数95%.
// When groups set different baselines on the rate, the label leaves the baseline out: 退单率超过基数.
func thresholdLabel(p *scoring.Policy, rate string) string {
	var label string
	for _, sc := range schemes(p) {
		for _, t := range sc.s.Thresholds {
			if t.Rate != rate {
				continue
			}
			l := fmt.Sprintf("%s未达基数%s%%", scoring.RateLabel(rate), num(t.Baseline*100))
			if t.AtMost {
				l = fmt.Sprintf("%s超过基数%s%%", scoring.RateLabel(rate), num(t.Baseline*100))
			}
			if label != "" && label != l {
				if t.AtMost {
					return scoring.RateLabel(rate) + "超过基数"
				}
				return scoring.RateLabel(rate) + "未达基数"
			}
			label = l
		}
	}
	if label == "" {
		return scoring.RateLabel(rate) + "达标扣分"
	}
	return label
}

// num shows a number in its shortest form (0.5, 95).
func num(x float64) string { return strconv.FormatFloat(scoring.RoundHalfUp(x, 6), 'f', -1, 64) }

func unrankedColumns() []column {
	return []column{{"分组", kCenter}, {"单位编码", kCenter}, {"单位", kText}, {"工单量", kInt}, {"纳入考核", kNum}, {"有效回访", kNum},
		{"得分（不排名）", kScore}, {"原因", kText}}
}

// unrankedRows lists the units not ranked, with the reason spelled out: 样本不足（有效回访3件，少于10件）.
func unrankedRows(b *Bulletin) [][]cell {
	c, p := &b.Card, b.Policy
	var rows [][]cell
	for i := range c.Units {
		s := &c.Units[i]
		if s.Ranked {
			continue
		}
		why := Dash
		if s.UnrankedReason != nil {
			why = *s.UnrankedReason
			if why == scoring.ReasonSmallSample {
				why += fmt.Sprintf("（有效回访%s件，少于%s件）", count(s.Counts.Callbacks), num(p.MinCallbacks))
			}
		}
		rows = append(rows, []cell{{scoring.GroupLabel(s.Group), kCenter}, {s.Code, kCenter}, {s.Name, kText}, {s.Counts.Assignments, kInt},
			{s.Counts.Eligible, kNum}, {s.Counts.Callbacks, kNum}, score(s.Final, p.Round), {why, kText}})
	}
	return rows
}

// axisFloor is where a chart's score axis starts: 10 points under the lowest score, rounded down to
// a multiple of 10, and not below the policy's minimum.
func axisFloor(lowest, min float64) float64 {
	f := math.Floor((lowest-5)/10) * 10
	return math.Max(f, min)
}

// chart adds a group's chart sheet: its final scores as horizontal bars, best on top, top N red and
// bottom N grey, sized and scaled to print on one A4 page.
func (b *book) chart(bl *Bulletin, g groupSheet) error {
	p := bl.Policy
	name := sheetName(scoring.GroupLabel(g.group)+SheetChartSuffix, b.used)
	if err := b.addSheet(name); err != nil {
		return err
	}
	finalCol, _ := excelize.ColumnNumberToName(len(g.cols) - 1)
	n := len(g.units)
	last := n + 2
	q := quote(g.sheet)
	lowest := math.Inf(1)
	var points strings.Builder
	for i, s := range g.units {
		lowest = math.Min(lowest, scoring.RoundHalfUp(*s.Final, p.Round))
		colour := barOther
		switch g.mark(s) {
		case markTop:
			colour = barTop
		case markBottom:
			colour = barBottom
		}
		if colour != barOther {
			fmt.Fprintf(&points, `<c:dPt><c:idx val="%d"/><c:invertIfNegative val="0"/><c:bubble3D val="0"/><c:spPr><a:solidFill><a:srgbClr val="%s"/></a:solidFill></c:spPr></c:dPt>`, i, colour)
		}
	}
	title := scoring.GroupLabel(g.group) + "最终得分"
	if g.marks {
		title += fmt.Sprintf("（红色：红榜前%d名；灰色：末位后%d名）", p.Top, p.Bottom)
	}
	height := uint(max(360, 90+17*n))
	dark := excelize.Font{Color: "000000", Size: 11}
	ch := &excelize.Chart{
		Type: excelize.Bar,
		Series: []excelize.ChartSeries{{
			Name:       fmt.Sprintf("%s!$%s$2", q, finalCol),
			Categories: fmt.Sprintf("%s!$D$3:$D$%d", q, last),
			Values:     fmt.Sprintf("%s!$%s$3:$%s$%d", q, finalCol, finalCol, last),
			Fill:       excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{barOther}},
			DataLabel:  excelize.ChartDataLabel{Font: dark},
		}},
		Title:     excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: title, Font: &excelize.Font{Color: "000000", Size: 14, Bold: true}}}},
		Legend:    excelize.ChartLegend{Position: "none"},
		XAxis:     excelize.ChartAxis{ReverseOrder: true, Font: dark},
		YAxis:     excelize.ChartAxis{Minimum: ptr(axisFloor(lowest, p.SchemeOf(g.group).Min)), Maximum: ptr(p.SchemeOf(g.group).Max), MajorGridLines: true, Font: dark},
		PlotArea:  excelize.ChartPlotArea{ShowVal: true},
		Dimension: excelize.ChartDimension{Width: 680, Height: height},
		Format:    excelize.GraphicOptions{AltText: title},
	}
	if err := b.f.AddChart(name, "A1", ch); err != nil {
		return err
	}
	// excelize writes data-point colours for pie charts only: they go in before the series' labels.
	b.charts++
	if points.Len() > 0 {
		dpt := points.String()
		b.patches[fmt.Sprintf("xl/charts/chart%d.xml", b.charts)] = replaceFirst("<dLbls>",
			strings.ReplaceAll(strings.ReplaceAll(dpt, "<c:", "<"), "</c:", "</")+"<dLbls>")
	}
	size, orient, one := 9, "portrait", 1
	if err := b.f.SetPageLayout(name, &excelize.PageLayoutOptions{Size: &size, Orientation: &orient, FitToWidth: &one, FitToHeight: &one}); err != nil {
		return err
	}
	fit := true
	if err := b.f.SetSheetProps(name, &excelize.SheetPropsOptions{FitToPage: &fit}); err != nil {
		return err
	}
	// The print area covers the chart, so that the page is the chart's.
	rows := int(height)/20 + 2
	return b.f.SetDefinedName(&excelize.DefinedName{Name: "_xlnm.Print_Area", RefersTo: fmt.Sprintf("%s!$A$1:$K$%d", quote(name), rows), Scope: name})
}

// bulletinNotes returns the lines of the 说明 sheet.
func bulletinNotes(b *Bulletin, groups []groupSheet, summary, adjust, unranked bool) [][2]any {
	c, p := &b.Card, b.Policy
	lines := [][2]any{
		{"考核期", PeriodLabel(c.Period.ID) + "（" + periodDates(c.Period) + "）"},
		{"考核办法", ZhPunct(c.Policy.Name)},
		{"办法版本", c.Policy.Version},
		{"版次", edition(b.Edition)},
	}
	if b.Edition > 0 && !b.Generated.IsZero() {
		lines = append(lines, [2]any{"发布时间", b.Generated.In(p.Loc).Format("2006-01-02 15:04:05")})
	}
	var n, ranked, assignments, excluded int64
	var eligible, callbacks float64
	var returned, duplicates, repeats, overdue float64
	names := scoring.RateNames()
	classic := append(names[:6:6], SecondEditionRates(p)...) // the six rates of SPEC §5, then the second edition's used
	nums, dens := make([]float64, len(classic)), make([]float64, len(classic))
	for i := range c.Units {
		s := &c.Units[i]
		n++
		if s.Ranked {
			ranked++
		}
		assignments += s.Counts.Assignments
		excluded += s.Counts.Excluded
		eligible += s.Counts.Eligible
		callbacks += s.Counts.Callbacks
		returned += s.Counts.Returned
		duplicates += s.Counts.Duplicates
		repeats += s.Rates.Repeat.Num
		overdue += s.Counts.OverdueOpen
		for k, name := range classic {
			r, _ := s.Rates.ByName(name)
			nums[k] += r.Num
			dens[k] += r.Den
		}
	}
	lines = append(lines, [2]any{"汇总", nil},
		[2]any{"参评单位", n}, [2]any{"排名单位", ranked}, [2]any{"未排名单位", n - ranked},
		[2]any{"工单量", assignments}, [2]any{"纳入考核", eligible}, [2]any{"有效回访", callbacks}, [2]any{"剔除", excluded})
	if p.Uses(scoring.RateReturn) || returned != 0 {
		lines = append(lines, [2]any{"退单通过", returned})
	}
	if p.Duplicates == nil || p.Duplicates.Merge {
		if p.Duplicates != nil || duplicates != 0 {
			lines = append(lines, [2]any{"重复诉求并单", duplicates})
		}
	} else {
		lines = append(lines, [2]any{"重复诉求（仍纳入考核）", repeats})
	}
	if p.CountOpenOverdue {
		lines = append(lines, [2]any{"超期未办结", overdue})
	}
	lines = append(lines, [2]any{"全部单位指标", nil})
	for k, name := range classic {
		v := cell{Dash, kPct}
		if dens[k] != 0 {
			v.v = nums[k] / dens[k]
		}
		lines = append(lines, [2]any{scoring.RateLabel(name), v})
	}
	lines = append(lines, [2]any{"计分方法", nil})
	lines = append(lines, method(p, adjustmentsCount(b))...)
	if b.FirstRanking() {
		lines = append(lines, [2]any{"排名变化", "本期为首次排名（上期无单位参加排名），记为—"})
	} else {
		lines = append(lines, [2]any{"排名变化", "与" + b.Reference + "相比：↑上升，↓下降，持平，新为上期未排名"})
	}
	lines = append(lines, [2]any{"工作表", nil})
	for _, g := range groups {
		lines = append(lines, [2]any{g.sheet, fmt.Sprintf("%s排名，%d个单位；图表见“%s”", scoring.GroupLabel(g.group), len(g.units),
			scoring.GroupLabel(g.group)+SheetChartSuffix)})
	}
	if p.ShowRaw {
		lines = append(lines, [2]any{SheetRates, "各单位响应率、解决率、满意率、按时办结率的分子、分母、环比（百分点）及原始值"})
	} else {
		lines = append(lines, [2]any{SheetRates, "各单位各项指标的分子、分母及环比（百分点）"})
	}
	if second := SecondEditionRates(p); len(second) > 0 {
		names := make([]string, len(second))
		for i, r := range second {
			names[i] = scoring.RateLabel(r)
		}
		lines = append(lines, [2]any{SheetRates2, "各单位" + strings.Join(names, "、") + "的分子、分母、环比（百分点），及退单、重复诉求、超期未办结件数"})
	}
	if summary {
		text := "各单位影响得分的扣分，按规则汇总；逐件明细见工单明细"
		if anyPointsCount(p) {
			text += "；合计为达标基数扣分与积分系数×单件平均积分之和"
		}
		lines = append(lines, [2]any{SheetSummary, text})
	} else {
		lines = append(lines, [2]any{SheetSummary, "本办法无影响得分的扣分规则，不列扣分汇总；逐件积分见工单明细"})
	}
	if adjust {
		lines = append(lines, [2]any{SheetAdjust, "各单位逐项加分项得分和加减分（含原因），及计入最终得分的加减分合计"})
	} else {
		lines = append(lines, [2]any{SheetAdjust, "本期无加分项和加减分，不列加减分明细"})
	}
	if unranked {
		lines = append(lines, [2]any{SheetUnranked, "未参加排名的单位及原因"})
	}
	return lines
}

// method describes how the policy scores and ranks, in Chinese; only the terms that change a score.
// A group with its own rules (分类考核) gets its own lines, headed by the group's name.
// adjusts says whether adjustments count (adjustmentsCount).
func method(p *scoring.Policy, adjusts bool) [][2]any {
	lines := schemeLines(p, &p.Scheme, "", adjusts)
	for _, g := range schemes(p)[1:] {
		lines = append(lines, schemeLines(p, g.s, scoring.GroupLabel(g.group), adjusts)...)
	}
	lines = append(lines, secondEditionLines(p)...)
	ties := make([]string, len(p.TieBreakers))
	for i, t := range p.TieBreakers {
		ties[i] = scoring.RateLabel(t)
		if scoring.LowerIsBetter(t) {
			ties[i] += "（低者在前）"
		}
	}
	rule := fmt.Sprintf("同组内按最终得分（四舍五入保留%d位小数）从高到低", p.Round)
	if len(ties) > 0 {
		rule += "，得分相同依次比较" + strings.Join(ties, "、")
	}
	lines = append(lines, [2]any{"排名", rule + fmt.Sprintf("；有效回访少于%s件不排名（样本不足）", num(p.MinCallbacks))})
	return append(lines, [2]any{"标注", fmt.Sprintf("前%d名标红榜▲（浅红底纹、红色条形），后%d名标末位▼（灰色底纹、灰色条形）；"+
		"仅在本组参加排名单位多于%d个时标注", p.Top, p.Bottom, p.Top+p.Bottom)})
}

// schemeLines describes one set of rules: the policy's own (group "") or a group's (分类考核), whose
// labels start with the group's name.
func schemeLines(p *scoring.Policy, sc *scoring.Scheme, group string, adjusts bool) [][2]any {
	var lines [][2]any
	if group != "" {
		lines = append(lines, [2]any{group + "分类考核", group + "单位适用以下权重、基数、加分项和最终得分规则，其余规则同上"})
	}
	var terms []string
	for i, name := range scoring.RateNames() {
		if sc.Weights[i] != 0 {
			terms = append(terms, scoring.RateLabel(name)+"×"+num(sc.Weights[i]))
		}
	}
	if len(terms) > 0 {
		lines = append(lines, [2]any{group + "综合得分", "100×（" + strings.Join(terms, "＋") + "）"})
	}
	for _, t := range sc.Thresholds {
		dir := "低于"
		if t.AtMost {
			dir = "高于"
		}
		lines = append(lines, [2]any{group + "达标基数", fmt.Sprintf("%s%s%s%%时每差1个百分点扣%s分，最多扣%s分",
			scoring.RateLabel(t.Rate), dir, num(t.Baseline*100), num(t.PerPoint), num(t.Cap))})
	}
	for i := range sc.Items {
		lines = append(lines, [2]any{group + "加分项", itemText(&sc.Items[i])})
	}
	conds := ruleConditions(p)
	if pointsCount(p, sc) {
		if group == "" || !pointsCount(p, &p.Scheme) {
			for i, r := range p.Rules {
				text := fmt.Sprintf("%s%s分", r.Label, signed(r.Points))
				if i < len(conds) && conds[i] != "" {
					text += "（" + conds[i] + "）"
				}
				lines = append(lines, [2]any{group + "积分规则", text})
			}
		}
	} else if len(p.Rules) > 0 {
		lines = append(lines, [2]any{group + "工单积分", "积分系数为0，工单积分不计入最终得分"})
	}
	var f []string
	if sc.Base != 0 {
		f = append(f, "基础分"+num(sc.Base))
	}
	if len(terms) > 0 {
		f = append(f, "综合得分")
	}
	if len(sc.Items) > 0 {
		f = append(f, "加分项")
	}
	formula := strings.Join(f, "＋")
	if len(sc.Thresholds) > 0 {
		formula += "－达标基数扣分"
	}
	if pointsCount(p, sc) {
		formula += fmt.Sprintf("＋%s×单件平均积分", num(sc.PointsFactor))
	}
	if adjusts {
		formula += "＋加减分"
	}
	formula = strings.TrimPrefix(formula, "＋")
	return append(lines, [2]any{group + "最终得分", fmt.Sprintf("%s，限%s至%s分", formula, num(sc.Min), num(sc.Max))})
}

// signed shows points with their sign: +1, −0.5.
func signed(x float64) string {
	if x > 0 {
		return "＋" + num(x)
	}
	return strings.Replace(num(x), "-", "－", 1)
}
