package exports

import (
	"fmt"
	"io"
	"sort"
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
	// Points lists every assignment that cost or earned ticket points, for 扣分明细.
	Points []PointLine
	// Generated is shown on 说明 and stored as the document's creation time; zero leaves it out.
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
	SheetPoints   = "扣分明细"
	SheetUnranked = "未排名"
	SheetChart    = "图表"
)

// RankingColumns are the headers of a ranking sheet, in order.
var RankingColumns = []string{"排名", "单位", "工单量", "有效回访", "响应率", "解决率", "满意率", "按时办结率",
	"综合得分", "扣分", "积分", "最终得分", "排名变化"}

// groupSheet is a group's ranking sheet with its rows and their marks.
type groupSheet struct {
	group, sheet string
	rows         [][]cell
	marks        []int
}

// WriteBulletin writes the period bulletin workbook of SPEC §11.3.
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
		docTitle += "(草稿)"
	}
	names, sheets := groupSheets(len(c.Units), func(i int) string { return c.Units[i].Group },
		SheetNotes, SheetPoints, SheetUnranked, SheetChart)
	groups := make([]groupSheet, len(names))
	for i := range names {
		groups[i] = groupSheet{group: names[i], sheet: sheets[i]}
		groups[i].rows, groups[i].marks = rankingRows(c, names[i], p.Round)
	}
	if err := bk.notes(SheetNotes, docTitle, bulletinNotes(&b, groups)); err != nil {
		return fmt.Errorf("bulletin %s: %w", SheetNotes, err)
	}
	short := "第" + strconv.Itoa(b.Edition) + "版"
	if b.Edition <= 0 {
		short = "草稿"
	}
	for _, g := range groups {
		t := fmt.Sprintf("%s %s排名(%s)", title, GroupLabel(g.group), short)
		if err := bk.table(g.sheet, t, rankingColumns(), g.rows, g.marks); err != nil {
			return fmt.Errorf("bulletin sheet %s: %w", g.sheet, err)
		}
	}
	if err := bk.table(SheetPoints, docTitle+" 扣分明细", pointColumns(), pointRows(c, b.Points, p), nil); err != nil {
		return fmt.Errorf("bulletin %s: %w", SheetPoints, err)
	}
	if err := bk.table(SheetUnranked, docTitle+" 未排名单位", unrankedColumns(), unrankedRows(c, p.Round), nil); err != nil {
		return fmt.Errorf("bulletin %s: %w", SheetUnranked, err)
	}
	if err := bk.charts(groups, b.Policy.Max); err != nil {
		return fmt.Errorf("bulletin %s: %w", SheetChart, err)
	}
	return bk.finish(w, docTitle, b.Generated)
}

func rankingColumns() []column {
	kinds := []int{kInt, kText, kInt, kNum, kPct, kPct, kPct, kPct, kScore, kScore, kScore, kScore, kCenter}
	cols := make([]column, len(RankingColumns))
	for i, n := range RankingColumns {
		cols[i] = column{n, kinds[i]}
	}
	return cols
}

// rankingRows returns the ranked units of a group as rows of a ranking sheet, with their marks.
func rankingRows(c *scoring.Card, group string, round int) ([][]cell, []int) {
	var rows [][]cell
	var marks []int
	for i := range c.Units {
		s := &c.Units[i]
		if s.Group != group || !s.Ranked || s.Rank == nil {
			continue
		}
		rows = append(rows, []cell{
			{*s.Rank, kInt}, {s.Name, kText}, {s.Counts.Assignments, kInt}, {s.Counts.Callbacks, kNum},
			rate(s.Rates.Response), rate(s.Rates.Resolution), rate(s.Rates.Satisfaction), rate(s.Rates.OnTime),
			score(s.Composite, round), score(ptr(deducted(s)), round), score(&s.Points.Total, round),
			score(s.Final, round), {RankChange(s.Trend), kCenter}})
		m := markNone
		switch s.Mark {
		case "top":
			m = markTop
		case "bottom":
			m = markBottom
		}
		marks = append(marks, m)
	}
	return rows, marks
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

func pointColumns() []column {
	return []column{{"分组", kCenter}, {"单位", kText}, {"工单编号", kCenter}, {"规则", kText}, {"分值", kScore}}
}

// pointRows lists each unit's threshold deductions and then its ticket points, in the card's unit order.
func pointRows(c *scoring.Card, lines []PointLine, p *scoring.Policy) [][]cell {
	pos := map[string]int{}
	for i := range c.Units {
		pos[c.Units[i].Code] = i
	}
	var all []PointLine
	for i := range c.Units {
		s := &c.Units[i]
		for _, d := range s.Deductions {
			if d.Points != 0 {
				all = append(all, PointLine{Unit: s.Code, UnitName: s.Name, Rule: thresholdLabel(p, d.Rate), Points: -d.Points})
			}
		}
	}
	all = append(all, lines...)
	at := func(code string) int {
		if i, ok := pos[code]; ok {
			return i
		}
		return len(c.Units)
	}
	sort.SliceStable(all, func(i, j int) bool {
		a, b := all[i], all[j]
		if pa, pb := at(a.Unit), at(b.Unit); pa != pb {
			return pa < pb
		}
		if a.Unit != b.Unit {
			return a.Unit < b.Unit
		}
		return a.TicketID < b.TicketID
	})
	rows := make([][]cell, 0, len(all))
	for _, l := range all {
		name, group := l.UnitName, ""
		if s := c.Unit(l.Unit); s != nil {
			group = GroupLabel(s.Group)
			if name == "" {
				name = s.Name
			}
		}
		if name == "" {
			name = l.Unit
		}
		ticket := l.TicketID
		if ticket == "" {
			ticket = Dash
		}
		rows = append(rows, []cell{{group, kCenter}, {name, kText}, {ticket, kCenter}, {l.Rule, kText},
			{scoring.RoundHalfUp(l.Points, p.Round), kScore}})
	}
	return rows
}

// thresholdLabel names a threshold rule on a rate: 按时办结率未达基数95%.
func thresholdLabel(p *scoring.Policy, rate string) string {
	for _, t := range p.Thresholds {
		if t.Rate != rate {
			continue
		}
		if t.AtMost {
			return fmt.Sprintf("%s超过基数%s%%", RateLabel(rate), num(t.Baseline*100))
		}
		return fmt.Sprintf("%s未达基数%s%%", RateLabel(rate), num(t.Baseline*100))
	}
	return RateLabel(rate) + "达标扣分"
}

// num shows a number in its shortest form (0.5, 95).
func num(x float64) string { return strconv.FormatFloat(scoring.RoundHalfUp(x, 6), 'f', -1, 64) }

func unrankedColumns() []column {
	return []column{{"分组", kCenter}, {"单位", kText}, {"工单量", kInt}, {"纳入考核", kNum}, {"有效回访", kNum},
		{"最终得分", kScore}, {"原因", kCenter}}
}

func unrankedRows(c *scoring.Card, round int) [][]cell {
	var rows [][]cell
	for i := range c.Units {
		s := &c.Units[i]
		if s.Ranked {
			continue
		}
		why := Dash
		if s.UnrankedReason != nil {
			why = *s.UnrankedReason
		}
		rows = append(rows, []cell{{GroupLabel(s.Group), kCenter}, {s.Name, kText}, {s.Counts.Assignments, kInt},
			{s.Counts.Eligible, kNum}, {s.Counts.Callbacks, kNum}, score(s.Final, round), {why, kCenter}})
	}
	return rows
}

// charts adds the 图表 sheet with a bar chart of final scores for each group with ranked units, the
// score axis running from 0 to the policy's maximum.
func (b *book) charts(groups []groupSheet, maxScore float64) error {
	if err := b.addSheet(SheetChart); err != nil {
		return err
	}
	row, noVary := 1, false
	finalCol, _ := excelize.ColumnNumberToName(12)
	for _, g := range groups {
		if len(g.rows) == 0 {
			continue
		}
		last := len(g.rows) + 2
		q := quote(g.sheet)
		height := uint(max(240, 80+24*len(g.rows)))
		ch := &excelize.Chart{
			Type: excelize.Bar,
			Series: []excelize.ChartSeries{{
				Name:       fmt.Sprintf("%s!$%s$2", q, finalCol),
				Categories: fmt.Sprintf("%s!$B$3:$B$%d", q, last),
				Values:     fmt.Sprintf("%s!$%s$3:$%s$%d", q, finalCol, finalCol, last),
			}},
			Title:      excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: GroupLabel(g.group) + "最终得分"}}},
			Legend:     excelize.ChartLegend{Position: "none"},
			VaryColors: &noVary,
			XAxis:      excelize.ChartAxis{ReverseOrder: true},
			YAxis:      excelize.ChartAxis{Minimum: ptr(0), Maximum: ptr(maxScore), MajorGridLines: true},
			PlotArea:   excelize.ChartPlotArea{ShowVal: true},
			Dimension:  excelize.ChartDimension{Width: 800, Height: height},
			Format:     excelize.GraphicOptions{AltText: GroupLabel(g.group) + "最终得分"},
		}
		if err := b.f.AddChart(SheetChart, "A"+strconv.Itoa(row), ch); err != nil {
			return err
		}
		row += int(height)/20 + 2
	}
	return b.printable(SheetChart, 0, 0)
}

// bulletinNotes returns the lines of the 说明 sheet.
func bulletinNotes(b *Bulletin, groups []groupSheet) [][2]any {
	c, p := &b.Card, b.Policy
	lines := [][2]any{
		{"考核期", PeriodLabel(c.Period.ID) + "(" + periodDates(c.Period) + ")"},
		{"考核办法", c.Policy.Name},
		{"办法版本", c.Policy.Version},
		{"版次", edition(b.Edition)},
	}
	if !b.Generated.IsZero() {
		lines = append(lines, [2]any{"生成时间", b.Generated.In(p.Loc).Format("2006-01-02 15:04:05")})
	}
	var n, ranked, assignments, excluded int64
	var eligible, callbacks float64
	var nums, dens [6]float64
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
		for k, name := range scoring.RateNames {
			r, _ := s.Rates.ByName(name)
			nums[k] += r.Num
			dens[k] += r.Den
		}
	}
	lines = append(lines, [2]any{"汇总", nil},
		[2]any{"参评单位", n}, [2]any{"排名单位", ranked}, [2]any{"未排名单位", n - ranked},
		[2]any{"工单量", assignments}, [2]any{"纳入考核", eligible}, [2]any{"有效回访", callbacks}, [2]any{"剔除", excluded},
		[2]any{"全部单位指标", nil})
	for k, name := range scoring.RateNames {
		v := cell{Dash, kPct}
		if dens[k] != 0 {
			v.v = nums[k] / dens[k]
		}
		lines = append(lines, [2]any{RateLabel(name), v})
	}
	lines = append(lines, [2]any{"计分方法", nil})
	lines = append(lines, method(p)...)
	lines = append(lines, [2]any{"工作表", nil})
	for _, g := range groups {
		lines = append(lines, [2]any{g.sheet, fmt.Sprintf("%s排名,%d个单位", GroupLabel(g.group), len(g.rows))})
	}
	return append(lines, [2]any{SheetPoints, "每件扣分或加分的工单及规则,以及达标基数扣分"},
		[2]any{SheetUnranked, "未参加排名的单位及原因"}, [2]any{SheetChart, "各组最终得分条形图"})
}

// method describes how the policy scores and ranks, in Chinese.
func method(p *scoring.Policy) [][2]any {
	var lines [][2]any
	var terms []string
	for i, name := range scoring.RateNames {
		if p.Weights[i] != 0 {
			terms = append(terms, RateLabel(name)+"×"+num(p.Weights[i]))
		}
	}
	if len(terms) > 0 {
		lines = append(lines, [2]any{"综合得分", "100×(" + strings.Join(terms, "+") + ")"})
	}
	for _, t := range p.Thresholds {
		dir := "低于"
		if t.AtMost {
			dir = "高于"
		}
		lines = append(lines, [2]any{"达标基数", fmt.Sprintf("%s%s%s%%时每差1个百分点扣%s分,最多扣%s分",
			RateLabel(t.Rate), dir, num(t.Baseline*100), num(t.PerPoint), num(t.Cap))})
	}
	for _, r := range p.Rules {
		lines = append(lines, [2]any{"积分规则", fmt.Sprintf("%s %s分", r.Label, signed(r.Points))})
	}
	lines = append(lines, [2]any{"最终得分", fmt.Sprintf("基础分%s+综合得分−扣分+%s×单件积分,限%s至%s分",
		num(p.Base), num(p.PointsFactor), num(p.Min), num(p.Max))})
	ties := make([]string, len(p.TieBreakers))
	for i, t := range p.TieBreakers {
		ties[i] = RateLabel(t)
	}
	rule := fmt.Sprintf("同组内按最终得分(四舍五入保留%d位小数)从高到低", p.Round)
	if len(ties) > 0 {
		rule += ",得分相同依次比较" + strings.Join(ties, "、")
	}
	lines = append(lines, [2]any{"排名", rule + fmt.Sprintf(";有效回访少于%s件不排名(样本不足)", num(p.MinCallbacks))})
	return append(lines, [2]any{"标注", fmt.Sprintf("前%d名绿色(红榜),后%d名红色(末位)", p.Top, p.Bottom)})
}

// signed shows points with their sign: +1, −0.5.
func signed(x float64) string {
	if x > 0 {
		return "+" + num(x)
	}
	return strings.Replace(num(x), "-", "−", 1)
}
