package main

import (
	"context"
	"fmt"
	"strings"

	"sanlv/assess"
	"sanlv/scoring"
)

func (m *Main) runExplain(ctx context.Context, args []string) error {
	var in inputs
	var unit, period, format string
	fs := m.flags("explain", "explain --unit CODE --units U --tickets T --policy P --period 2025-10 [--format table|json]")
	in.register(fs)
	fs.StringVar(&unit, "unit", "", "unit code or exact name")
	fs.StringVar(&period, "period", "", "period: YYYY-MM, YYYY-Qn or YYYY")
	fs.StringVar(&format, "format", "table", "output: table or json")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if unit == "" {
		return fmt.Errorf("--unit is required: %w", errUsage)
	}
	p, src, b, err := m.scoreBook(ctx, &in, period, "")
	if err != nil {
		return err
	}
	e, err := assess.Explain(ctx, src, b, unit)
	if err != nil {
		return err
	}
	if format == "json" {
		return writeJSON(m.Stdout, assess.ExplanationView(e, p))
	}
	writeExplanation(m, e)
	return nil
}

// whyLabels are the reasons a row is not eligible, as a reader says them.
var whyLabels = map[string]string{"open": "未办结", "excluded": "已剔除", "kind_not_scored": "类型不计分",
	"role_not_weighted": "协办不计分", "returned": "退单通过", "merged_repeat": "重复诉求（并单）", "out_of_scope": "不在考核范围"}

// deadlineLabels name where a deadline came from (SPEC §13.4).
var deadlineLabels = map[string]string{"computed": "按时限", "given": "办理时限", "extended": "延期", "none": "无期限"}

func writeExplanation(m *Main, e scoring.Explanation) {
	w := m.Stdout
	s := e.Scorecard
	fmt.Fprintf(w, "%s %s  %s  %s — %s\n", e.Unit.Code, e.Unit.Name, e.Period.ID, e.Period.Start[:10], e.Period.End[:10])
	lines := func(ls []scoring.Line) [][]string {
		rows := [][]string{{"工单编号", "角色", "类型", "计分", "回访", "签收", "期限", "期限来源", "超期", "积分", "说明"}}
		for _, l := range ls {
			elig, late, accepted := "是", "", ""
			if !l.Eligible {
				elig = "否"
			}
			if l.Late != nil && *l.Late {
				late = "超期"
			}
			if l.OverdueOpen {
				late = "超期未办结"
			}
			if l.AcceptedTimely != nil {
				accepted = map[bool]string{true: "及时", false: "超时"}[*l.AcceptedTimely]
			}
			cb := map[bool]string{true: "有效", false: ""}[l.Callback]
			var note []string
			if why, ok := whyLabels[l.Why]; ok {
				note = append(note, why)
			} else if l.Why != "" {
				note = append(note, l.Why)
			}
			if l.ExcludeReason != "" {
				note = append(note, scoring.MaskPhones(l.ExcludeReason))
			}
			if l.Return == "rejected" {
				note = append(note, "退单被驳回")
			}
			if l.Repeat && l.RepeatOf != "" {
				note = append(note, "重复"+l.RepeatOf)
			}
			for _, rp := range l.Points {
				note = append(note, fmt.Sprintf("%s%+g", rp.Label, rp.Points))
			}
			rows = append(rows, []string{l.TicketID, l.Role, l.Kind, elig, cb, accepted, l.Deadline, deadlineLabels[l.DeadlineSource], late,
				fmt.Sprintf("%+g", l.PointsTotal), strings.Join(note, "，")})
		}
		return rows
	}
	printAligned(w, lines(e.Lines))
	if len(e.Others) > 0 {
		fmt.Fprintf(w, "\n其他考核期的工单（期限在本期，计入超期未办结或办结率）：\n")
		printAligned(w, lines(e.Others))
	}
	for _, it := range s.Items {
		fmt.Fprintf(w, "加分项 %s（%s）：%s\n", it.Label, scoring.RateLabel(it.Rate), num(it.Points, 2))
	}
	for _, a := range s.Adjustments {
		fmt.Fprintf(w, "加减分 %s：%+g（%s）\n", a.Label, a.Points, a.Reason)
	}
	fmt.Fprintf(w, "\n合计：计分工单 %s，有效回访 %s，积分 %g，最终得分 %s\n", trimNum(s.Counts.Eligible), trimNum(s.Counts.Callbacks), s.Points.Total, num(s.Final, 2))
}
