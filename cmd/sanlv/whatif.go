package main

import (
	"context"
	"fmt"
	"os"

	"sanlv/assess"
	"sanlv/exports"
	"sanlv/scoring"
)

func (m *Main) runWhatIf(ctx context.Context, args []string) error {
	var in inputs
	var against, period, format, out string
	fs := m.flags("whatif", "whatif --policy A --against B --period 2025-10 [--units U --tickets T | --db DSN] [--format table|json] [-o FILE.xlsx]")
	in.register(fs)
	fs.StringVar(&against, "against", "", "the second policy (file, shipped name, or with --db a stored policy name)")
	fs.StringVar(&period, "period", "", "period: YYYY-MM, YYYY-Qn or YYYY")
	fs.StringVar(&format, "format", "table", "output: table or json")
	fs.StringVar(&out, "o", "", "also write the what-if workbook (.xlsx)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if in.policy == "" || against == "" {
		return fmt.Errorf("--policy and --against are both required: %w", errUsage)
	}
	if period == "" {
		return fmt.Errorf("--period is required (2025-10, 2025-Q2 or 2025): %w", errUsage)
	}
	pa, err := m.policyNamed(ctx, &in, in.policy)
	if err != nil {
		return err
	}
	pb, err := m.policyNamed(ctx, &in, against)
	if err != nil {
		return err
	}
	src, err := m.source(ctx, &in)
	if err != nil {
		return err
	}
	w, sides, err := assess.WhatIf(ctx, src, pa, pb, period)
	if err != nil {
		return err
	}
	if out != "" {
		if err := writeFile(out, func(f *os.File) error {
			return exports.WriteWhatIf(f, w, sides)
		}); err != nil {
			return err
		}
		fmt.Fprintf(m.Stderr, "wrote %s\n", out)
	}
	if format == "json" {
		return writeJSON(m.Stdout, w)
	}
	fmt.Fprintf(m.Stdout, "%s  A: %s %s  B: %s %s\n", w.Period, w.A.Name, w.A.Version, w.B.Name, w.B.Version)
	rows := [][]string{{"单位", "分组", "A得分", "A排名", "B得分", "B排名", "得分变化", "排名变化"}}
	for _, u := range w.Units {
		rows = append(rows, []string{u.Code + " " + u.Name, u.Group, num(u.A.Final, 2), rankText(u.A), num(u.B.Final, 2), rankText(u.B),
			signed(u.ScoreChange), signedInt(u.RankChange)})
	}
	printAligned(m.Stdout, rows)
	return nil
}

func rankText(s scoring.WhatIfSide) string {
	if s.Rank != nil {
		return fmt.Sprint(*s.Rank)
	}
	if s.UnrankedReason != nil {
		return *s.UnrankedReason
	}
	return "-"
}

func signed(v *float64) string {
	if v == nil {
		return "—"
	}
	return fmt.Sprintf("%+.2f", scoring.RoundHalfUp(*v, 2))
}

func signedInt(v *int) string {
	if v == nil {
		return "—"
	}
	return fmt.Sprintf("%+d", *v)
}
