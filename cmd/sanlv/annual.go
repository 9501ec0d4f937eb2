package main

import (
	"context"
	"fmt"
	"os"
	"strings"

	"sanlv/assess"
	"sanlv/exports"
	"sanlv/scoring"
)

func (m *Main) runAnnual(ctx context.Context, args []string) error {
	var in inputs
	var year, format, out string
	fs := m.flags("annual", "annual --year 2025 [--units U --tickets T | --db DSN] [--policy P] [--format table|json] [-o FILE.xlsx]")
	in.register(fs)
	fs.StringVar(&year, "year", "", "year YYYY")
	fs.StringVar(&format, "format", "table", "output: table or json")
	fs.StringVar(&out, "o", "", "also write the year-end workbook (.xlsx)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	p, err := m.policyFor(ctx, &in)
	if err != nil {
		return err
	}
	src, err := m.source(ctx, &in)
	if err != nil {
		return err
	}
	a, editions, err := assess.Annual(ctx, src, p, year)
	if err != nil {
		return err
	}
	if out != "" {
		if err := writeFile(out, func(f *os.File) error { return exports.WriteAnnualOf(f, a, p, editions) }); err != nil {
			return err
		}
		fmt.Fprintf(m.Stderr, "wrote %s\n", out)
	}
	if format == "json" {
		return writeJSON(m.Stdout, a)
	}
	writeAnnual(m, a, p)
	return nil
}

func writeAnnual(m *Main, a scoring.Annual, p *scoring.Policy) {
	fmt.Fprintf(m.Stdout, "%s年度考核  %s %s  (%s)\n", a.Year, a.Policy.Name, a.Policy.Version, a.Mode)
	group := ""
	var rows [][]string
	header := []string{"排名", "单位", "年度得分", "排名月数", "等次", ""}
	if a.Mode != "pooled" {
		for _, per := range a.Periods {
			header = append(header[:len(header):len(header)], per.ID[5:])
		}
	}
	flush := func() {
		if rows != nil {
			printAligned(m.Stdout, append([][]string{header}, rows...))
		}
		rows = nil
	}
	for _, u := range a.Units {
		if u.Group != group {
			flush()
			group = u.Group
			fmt.Fprintf(m.Stdout, "\n== %s ==\n", groupTitle(group))
		}
		rank, grade, note := "-", "", ""
		if u.Rank != nil {
			rank = fmt.Sprint(*u.Rank)
		}
		if u.Grade != nil {
			grade = *u.Grade
		}
		if u.UnrankedReason != nil {
			note = *u.UnrankedReason
		}
		row := []string{rank, u.Code + " " + u.Name, num(u.Score, p.Round), fmt.Sprint(u.PeriodsRanked), grade, note}
		for _, per := range u.Periods {
			row = append(row, strings.TrimSpace(num(per.Final, 1)))
		}
		rows = append(rows, row)
	}
	flush()
}
