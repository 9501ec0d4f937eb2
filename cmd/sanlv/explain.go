package main

import (
	"context"
	"fmt"
	"os"

	"sanlv/imports"
	"sanlv/scoring"
	"sanlv/store"
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
	p, b, err := m.scoreBook(ctx, &in, period, "")
	if err != nil {
		return err
	}
	u, ok := b.Directory().Lookup(unit)
	if !ok {
		return fmt.Errorf("unknown unit %q", unit)
	}
	rows, err := m.unitRows(ctx, &in, p, b, u)
	if err != nil {
		return err
	}
	e, err := b.Explain(0, u, rows)
	if err != nil {
		return err
	}
	if format == "json" {
		return writeJSON(m.Stdout, e)
	}
	writeExplanation(m, e)
	return nil
}

// unitRows reads every assignment of one unit again, from the database or the tickets file: rows of
// other periods count in the period's overdue-open and closure figures (SPEC §13.6).
func (m *Main) unitRows(ctx context.Context, in *inputs, p *scoring.Policy, b *scoring.Book, u int32) ([]scoring.Assignment, error) {
	var rows []scoring.Assignment
	keep := func(a *scoring.Assignment) error {
		if a.Unit == u {
			rows = append(rows, *a)
		}
		return nil
	}
	if !in.fromFiles() {
		db, err := m.openDB(ctx, in.db)
		if err != nil {
			return nil, err
		}
		return rows, db.Stream(ctx, b.Directory(), store.Query{Unit: b.Directory().Unit(u).Code}, keep)
	}
	f, err := os.Open(in.tickets)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	opt := imports.Options{Loc: p.Loc}
	if in.mapping != "" {
		data, err := os.ReadFile(in.mapping)
		if err != nil {
			return nil, err
		}
		if opt.Mapping, err = imports.ParseMapping(in.mapping, data); err != nil {
			return nil, err
		}
	}
	_, err = imports.Tickets(in.tickets, f, b.Directory(), opt, func(_ int, a *scoring.Assignment) error { return keep(a) })
	return rows, err
}

func writeExplanation(m *Main, e scoring.Explanation) {
	w := m.Stdout
	s := e.Scorecard
	fmt.Fprintf(w, "%s %s  %s  %s — %s\n", e.Unit.Code, e.Unit.Name, e.Period.ID, e.Period.Start[:10], e.Period.End[:10])
	rows := [][]string{{"工单编号", "角色", "类型", "计分", "回访", "期限", "超期", "积分", "说明"}}
	for _, l := range e.Lines {
		elig, late := "是", ""
		if !l.Eligible {
			elig = "否"
		}
		if l.Late != nil {
			late = map[bool]string{true: "超期", false: ""}[*l.Late]
		}
		cb := map[bool]string{true: "有效", false: ""}[l.Callback]
		note := l.Why
		if l.ExcludeReason != "" {
			note += " " + l.ExcludeReason
		}
		for _, rp := range l.Points {
			note += fmt.Sprintf(" %s%+g", rp.Label, rp.Points)
		}
		rows = append(rows, []string{l.TicketID, l.Role, l.Kind, elig, cb, l.Deadline, late, fmt.Sprintf("%+g", l.PointsTotal), note})
	}
	printAligned(w, rows)
	fmt.Fprintf(w, "\n合计: 计分工单 %s, 有效回访 %s, 积分 %g, 最终得分 %s\n", trimNum(s.Counts.Eligible), trimNum(s.Counts.Callbacks), s.Points.Total, num(s.Final, 2))
}
