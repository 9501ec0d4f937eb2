package exports

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"sanlv/scoring"
)

// AnnualTitle returns the year-end workbook's title: 12345接诉即办年度考核（2025年度）.
func AnnualTitle(year string) string {
	return "12345接诉即办年度考核（" + PeriodLabel(year) + "）"
}

// WriteAnnual writes the year-end appraisal workbook (SPEC §8) from months scored as given; see
// WriteAnnualOf.
func WriteAnnual(w io.Writer, a scoring.Annual, p *scoring.Policy) error {
	return WriteAnnualOf(w, a, p, nil)
}

// WriteAnnualOf writes the year-end appraisal workbook: 说明, then one sheet per group listing each
// unit's final score per period (mean_of_periods) or its pooled counts, the rates that drive its score
// and its deductions (pooled), then annual score, rank and grade. A period in which the unit was not
// ranked shows "—" and does not count in the mean. editions[i] is the edition whose card gave period i
// (as circulated); 0 marks a month with no edition, scored from the data now (its header gets ＊);
// nil says the months were scored from the given data.
func WriteAnnualOf(w io.Writer, a scoring.Annual, p *scoring.Policy, editions []int) error {
	if p == nil {
		return scoring.Errorf(scoring.Invalid, "annual workbook: no policy")
	}
	bk, err := newBook(p.Round)
	if err != nil {
		return err
	}
	title := AnnualTitle(a.Year)
	pooled, points := a.Mode == "pooled", a.Mode == "points_total"
	groups, sheets := groupSheets(len(a.Units), func(i int) string { return a.Units[i].Group }, SheetNotes)
	if err := bk.notes(SheetNotes, title, annualNotes(&a, p, groups, sheets, editions)); err != nil {
		return fmt.Errorf("annual %s: %w", SheetNotes, err)
	}
	cols := []column{{"排名", kInt}, {"单位", kText}}
	if pooled {
		cols = append(cols, column{"工单量", kInt}, column{"有效回访", kNum})
		for _, r := range ScoringRates(p) {
			cols = append(cols, column{scoring.RateLabel(r), kPct})
		}
		if anyThresholds(p) {
			cols = append(cols, column{"扣分", kScore})
		}
	} else if !points {
		for i, per := range a.Periods {
			h := monthLabel(per.ID)
			if editions != nil && i < len(editions) && editions[i] == 0 {
				h += "＊"
			}
			cols = append(cols, column{h, kScore})
		}
		cols = append(cols, column{"计分月数", kInt})
	}
	if points {
		cols = append(cols, column{"年度积分", kScore})
		if p.MoneyPerPoint != 0 {
			cols = append(cols, column{"金额（元）", kDigits + 2})
		}
	} else {
		cols = append(cols, column{"年度得分", kScore})
	}
	cols = append(cols, column{"等级", kCenter}, column{"备注", kCenter})
	for gi, g := range groups {
		var rows [][]cell
		for i := range a.Units {
			if u := &a.Units[i]; u.Group == g {
				rows = append(rows, annualRow(u, p, a.Mode, len(a.Periods)))
			}
		}
		if err := bk.table(sheets[gi], title+"　"+scoring.GroupLabel(g), cols, rows, nil); err != nil {
			return fmt.Errorf("annual sheet %s: %w", sheets[gi], err)
		}
		// Names wrap in a narrower column, so that a twelve-month matrix prints large enough to read.
		if err := bk.f.SetColWidth(sheets[gi], "B", "B", 16); err != nil {
			return err
		}
	}
	return bk.finish(w, title, time.Time{})
}

// ScoringRates are the rates that drive a policy's score: the weighted ones, those with a baseline and
// those with an item, under the policy's own rules or a group's, in canonical order.
func ScoringRates(p *scoring.Policy) []string {
	var out []string
	for i, name := range scoring.RateNames() {
		use := false
		for _, sc := range schemes(p) {
			use = use || sc.s.Weights[i] != 0
			for _, t := range sc.s.Thresholds {
				use = use || t.Rate == name
			}
			for _, it := range sc.s.Items {
				use = use || it.Rate == name
			}
		}
		if use {
			out = append(out, name)
		}
	}
	return out
}

// annualRow is a unit's row of its group's sheet under the annual mode: mean_of_periods, pooled or
// points_total (积分制: annual points, the amount when the policy sets money_per_point, 取消评优资格 for a
// negative total).
func annualRow(u *scoring.AnnualUnit, p *scoring.Policy, mode string, periods int) []cell {
	round := p.Round
	row := []cell{rank(u.Rank), {u.Name, kText}}
	if mode == "points_total" {
		row = append(row, score(u.Score, round))
		if p.MoneyPerPoint != 0 {
			m := cell{Dash, kDigits + 2}
			if u.Money != nil {
				m.v = scoring.RoundHalfUp(*u.Money, 2)
			}
			row = append(row, m)
		}
		grade, why := Dash, ""
		if u.Grade != nil {
			grade = *u.Grade
		}
		if u.Disqualified {
			why = "取消评优资格"
		} else if u.UnrankedReason != nil {
			why = *u.UnrankedReason
		}
		return append(row, cell{grade, kCenter}, cell{why, kCenter})
	}
	if mode == "pooled" {
		rates := ScoringRates(p)
		if s := u.Card; s != nil {
			row = append(row, cell{s.Counts.Assignments, kInt}, cell{s.Counts.Callbacks, kNum})
			for _, r := range rates {
				v, _ := s.Rates.ByName(r)
				row = append(row, rate(*v))
			}
			if anyThresholds(p) {
				row = append(row, score(ptr(deducted(s)), round))
			}
		} else {
			row = append(row, cell{Dash, kInt}, cell{Dash, kNum})
			for range rates {
				row = append(row, cell{Dash, kPct})
			}
			if anyThresholds(p) {
				row = append(row, cell{Dash, kScore})
			}
		}
	} else {
		for k := range periods {
			c := cell{Dash, kScore}
			if k < len(u.Periods) && u.Periods[k].Ranked {
				c = score(u.Periods[k].Final, round)
			}
			row = append(row, c)
		}
		row = append(row, cell{u.PeriodsRanked, kInt})
	}
	grade, why := Dash, ""
	if u.Grade != nil {
		grade = *u.Grade
	}
	if u.UnrankedReason != nil {
		why = *u.UnrankedReason
	}
	return append(row, score(u.Score, round), cell{grade, kCenter}, cell{why, kCenter})
}

// rank is a rank's cell, or "—" for an unranked unit.
func rank(r *int) cell {
	if r == nil {
		return cell{Dash, kInt}
	}
	return cell{*r, kInt}
}

// monthLabel is a period's column header: 10月 for 2025-10, else the period in Chinese.
func monthLabel(id string) string {
	if _, m, ok := strings.Cut(id, "-"); ok && len(m) == 2 && m[0] != 'Q' {
		if n, err := strconv.Atoi(m); err == nil {
			return strconv.Itoa(n) + "月"
		}
	}
	return PeriodLabel(id)
}

func annualNotes(a *scoring.Annual, p *scoring.Policy, groups, sheets []string, editions []int) [][2]any {
	mode := "各考核期最终得分的平均，仅计参加排名的考核期"
	if a.Mode == "points_total" {
		mode = "积分制：全年各考核期工单积分合计，加上各期计入的加减分"
	}
	if a.Mode == "pooled" {
		var rs []string
		for _, r := range ScoringRates(p) {
			rs = append(rs, scoring.RateLabel(r))
		}
		mode = "全年工单合并为一个考核期计分，得分由" + strings.Join(rs, "、") + "决定"
	}
	var bands []string
	for _, g := range p.Grades {
		bands = append(bands, fmt.Sprintf("%s ≥ %s", g.Name, num(g.Min)))
	}
	lines := [][2]any{{"年度", PeriodLabel(a.Year)}, {"考核办法", ZhPunct(a.Policy.Name)}, {"办法版本", a.Policy.Version},
		{"年度得分", mode}, {"等级", strings.Join(bands, "；")},
		{"排名", fmt.Sprintf("同组内按年度得分（四舍五入保留%d位小数）从高到低，得分相同并列", p.Round)}}
	if a.Mode == "points_total" {
		lines[3][0] = "年度积分"
		lines[5][1] = fmt.Sprintf("同组内按年度积分（四舍五入保留%d位小数）从高到低，积分相同并列", p.Round)
		if p.MoneyPerPoint != 0 {
			lines = append(lines, [2]any{"金额", "年度积分×" + num(p.MoneyPerPoint) + "元，保留2位小数"})
		}
		lines = append(lines, [2]any{"取消评优资格", "年度积分为负数的单位取消评优资格"})
	}
	if a.Mode != "pooled" && a.Mode != "points_total" {
		switch {
		case editions == nil:
			lines = append(lines, [2]any{"月度得分", "按所给数据计算"})
		default:
			var used, missing []string
			for i, per := range a.Periods {
				if i < len(editions) && editions[i] > 0 {
					used = append(used, fmt.Sprintf("%s第%d版", monthLabel(per.ID), editions[i]))
				} else {
					missing = append(missing, monthLabel(per.ID))
				}
			}
			text := "取自各月已发布的通报（最新版次）"
			if len(used) > 0 {
				text += "：" + strings.Join(used, "、")
			}
			lines = append(lines, [2]any{"月度得分", text})
			if len(missing) > 0 {
				lines = append(lines, [2]any{"＊", strings.Join(missing, "、") + "未发布通报（或不是按本办法发布），按现有数据计算"})
			}
		}
	}
	if len(a.Periods) > 0 {
		lines = append(lines, [2]any{"考核期", periodDates(scoring.PeriodInfo{Start: a.Periods[0].Start,
			End: a.Periods[len(a.Periods)-1].End})})
	}
	lines = append(lines, [2]any{"工作表", nil})
	for i, g := range groups {
		n := 0
		for _, u := range a.Units {
			if u.Group == g {
				n++
			}
		}
		lines = append(lines, [2]any{sheets[i], fmt.Sprintf("%s，%d个单位", scoring.GroupLabel(g), n)})
	}
	return lines
}

// groupSheets returns the distinct groups of n items in order of first appearance and a sheet name for
// each (街乡镇 for street), distinct from each other and from the reserved names.
func groupSheets(n int, group func(i int) string, reserved ...string) (groups, sheets []string) {
	used := map[string]bool{}
	for _, r := range reserved {
		used[strings.ToLower(r)] = true
	}
	seen := map[string]bool{}
	for i := range n {
		if g := group(i); !seen[g] {
			seen[g] = true
			groups = append(groups, g)
			sheets = append(sheets, sheetName(scoring.GroupLabel(g), used))
		}
	}
	return groups, sheets
}

// anyThresholds reports whether the policy's own rules or a group's have baselines.
func anyThresholds(p *scoring.Policy) bool {
	for _, sc := range schemes(p) {
		if len(sc.s.Thresholds) > 0 {
			return true
		}
	}
	return false
}
