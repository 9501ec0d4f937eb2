package main

import (
	"context"
	"fmt"
	"os"

	"sanlv/exports"
	"sanlv/scoring"
)

func (m *Main) runWhatIf(ctx context.Context, args []string) error {
	var in inputs
	var against, period, format, out string
	fs := m.flags("whatif", "whatif --policy A --against B --period 2025-10 [--units U --tickets T | --db DSN] [--format table|json] [-o FILE.xlsx]")
	in.register(fs)
	fs.StringVar(&against, "against", "", "the second policy (file or shipped name)")
	fs.StringVar(&period, "period", "", "period: YYYY-MM, YYYY-Qn or YYYY")
	fs.StringVar(&format, "format", "table", "output: table or json")
	fs.StringVar(&out, "o", "", "also write the what-if workbook (.xlsx)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	var cards [2]scoring.Card
	var policies [2]*scoring.Policy
	for i, ref := range []string{in.policy, against} { // two passes over the data, each under its own policy's periods
		if ref == "" {
			return fmt.Errorf("--policy and --against are both required: %w", errUsage)
		}
		in.policy = ref
		p, b, err := m.scoreBook(ctx, &in, period, "")
		if err != nil {
			return err
		}
		cards[i], policies[i] = b.Card(0), p
	}
	w := scoring.Compare(cards[0], cards[1])
	if out != "" {
		if err := writeFile(out, func(f *os.File) error {
			return exports.WriteWhatIf(f, w, exports.WhatIfSides{A: policies[0], B: policies[1],
				AWindow: cards[0].Period, BWindow: cards[1].Period})
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
