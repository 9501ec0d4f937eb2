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

// WriteAnnual writes the year-end appraisal workbook (SPEC §8): 说明, then one sheet per group listing each
// unit's final score per period (mean_of_periods) or its pooled rates, annual score, rank and grade.
// A period in which the unit was not ranked shows "—" and does not count in the mean.
func WriteAnnual(w io.Writer, a scoring.Annual, p *scoring.Policy) error {
	if p == nil {
		return scoring.Errorf(scoring.Invalid, "annual workbook: no policy")
	}
	bk, err := newBook(p.Round)
	if err != nil {
		return err
	}
	title := AnnualTitle(a.Year)
	pooled := a.Mode == "pooled"
	groups, sheets := groupSheets(len(a.Units), func(i int) string { return a.Units[i].Group }, SheetNotes)
	if err := bk.notes(SheetNotes, title, annualNotes(&a, p, groups, sheets)); err != nil {
		return fmt.Errorf("annual %s: %w", SheetNotes, err)
	}
	cols := []column{{"排名", kInt}, {"单位", kText}}
	if pooled {
		cols = append(cols, column{"工单量", kInt}, column{"有效回访", kNum}, column{"响应率", kPct}, column{"解决率", kPct},
			column{"满意率", kPct}, column{"按时办结率", kPct})
	} else {
		for _, per := range a.Periods {
			cols = append(cols, column{monthLabel(per.ID), kScore})
		}
		cols = append(cols, column{"计分月数", kInt})
	}
	cols = append(cols, column{"年度得分", kScore}, column{"等级", kCenter}, column{"备注", kCenter})
	for gi, g := range groups {
		var rows [][]cell
		for i := range a.Units {
			if u := &a.Units[i]; u.Group == g {
				rows = append(rows, annualRow(u, pooled, len(a.Periods), p.Round))
			}
		}
		if err := bk.table(sheets[gi], title+" "+GroupLabel(g), cols, rows, nil); err != nil {
			return fmt.Errorf("annual sheet %s: %w", sheets[gi], err)
		}
	}
	return bk.finish(w, title, time.Time{})
}

func annualRow(u *scoring.AnnualUnit, pooled bool, periods, round int) []cell {
	row := []cell{rank(u.Rank), {u.Name, kText}}
	if pooled {
		if s := u.Card; s != nil {
			row = append(row, cell{s.Counts.Assignments, kInt}, cell{s.Counts.Callbacks, kNum}, rate(s.Rates.Response),
				rate(s.Rates.Resolution), rate(s.Rates.Satisfaction), rate(s.Rates.OnTime))
		} else {
			row = append(row, cell{Dash, kInt}, cell{Dash, kNum}, cell{Dash, kPct}, cell{Dash, kPct}, cell{Dash, kPct}, cell{Dash, kPct})
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

func annualNotes(a *scoring.Annual, p *scoring.Policy, groups, sheets []string) [][2]any {
	mode := "各考核期最终得分的平均,仅计参加排名的考核期"
	if a.Mode == "pooled" {
		mode = "全年工单合并为一个考核期计分"
	}
	var bands []string
	for _, g := range p.Grades {
		bands = append(bands, fmt.Sprintf("%s ≥ %s", g.Name, num(g.Min)))
	}
	lines := [][2]any{{"年度", PeriodLabel(a.Year)}, {"考核办法", a.Policy.Name}, {"办法版本", a.Policy.Version},
		{"年度得分", mode}, {"等级", strings.Join(bands, ";")},
		{"排名", fmt.Sprintf("同组内按年度得分(四舍五入保留%d位小数)从高到低,得分相同并列", p.Round)}}
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
		lines = append(lines, [2]any{sheets[i], fmt.Sprintf("%s,%d个单位", GroupLabel(g), n)})
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
			sheets = append(sheets, sheetName(GroupLabel(g), used))
		}
	}
	return groups, sheets
}
