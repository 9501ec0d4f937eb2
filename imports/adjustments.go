package imports

import (
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"sanlv/scoring"
)

// adjustmentColumns are the columns of an adjustments file (SPEC §13.10) with their Chinese headers; all required.
var adjustmentColumns = []struct{ name, chinese string }{
	{"unit", "单位"},
	{"period", "考核期"},
	{"label", "项目"},
	{"points", "分值"},
	{"reason", "原因"},
}

// ReadAdjustments reads an adjustments file (CSV in UTF-8, with or without BOM, or GB18030; or XLSX)
// with English or Chinese headers: unit, period, label, points, reason (单位, 考核期, 项目, 分值, 原因).
// It returns the adjustments in file order. Every invalid row (a missing cell, points that are not a
// number) is reported in one *scoring.Error whose fields name file:row:column; then nothing is returned.
// Whether a unit exists and a period is well formed is checked where the adjustments are used.
func ReadAdjustments(r io.Reader, name string) ([]scoring.Adjustment, error) {
	t, err := openTable(name, r)
	if err != nil {
		return nil, err
	}
	defer t.close()
	col := make([]int, len(adjustmentColumns))
	label := make([]string, len(adjustmentColumns))
	var missing []string
	used := make([]bool, len(t.header))
	for j, ac := range adjustmentColumns {
		col[j], label[j] = -1, ac.name
		for i, h := range t.header {
			if k := headerKey(h); k == ac.name || k == ac.chinese {
				if col[j] >= 0 {
					return nil, fileError(name, "columns %s and %s both give %s", label[j], strings.TrimSpace(h), ac.name)
				}
				col[j], label[j], used[i] = i, strings.TrimSpace(h), true
			}
		}
		if col[j] < 0 {
			missing = append(missing, fmt.Sprintf("%s (%s)", ac.name, ac.chinese))
		}
	}
	if len(missing) > 0 {
		if hint := separatorHint(t.header); hint != "" {
			return nil, fileError(name, "%s", hint)
		}
		return nil, fileError(name, "missing required column %s", strings.Join(missing, ", "))
	}
	c := newCollector(name, 0)
	var out []scoring.Adjustment
	for {
		ln, err := t.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		row, cells := ln.row, ln.cells
		if blank(cells) {
			continue
		}
		c.begin()
		switch {
		case t.shapeProblem(c, ln):
		default:
			a := readAdjustment(c, row, cells, col, label)
			if !c.bad {
				out = append(out, a)
			}
		}
		c.end()
	}
	rep := report(name, 0, []*collector{c}, label[0])
	if rep.Rows == 0 {
		return nil, fileError(name, "no data rows below the header")
	}
	if err := rep.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

// readAdjustment reads the cells of one adjustments row.
func readAdjustment(c *collector, row int, cells [][]byte, col []int, label []string) scoring.Adjustment {
	get := func(j int) string {
		if col[j] >= len(cells) {
			return ""
		}
		return string(trim(cells[col[j]]))
	}
	// The label and reason are shown on scorecards and in the bulletin: a phone quoted in them is masked.
	a := scoring.Adjustment{Unit: get(0), Period: get(1), Label: scoring.MaskPhones(get(2)), Reason: scoring.MaskPhones(get(4))}
	for j, v := range []string{a.Unit, a.Period, a.Label, get(3), a.Reason} {
		if v == "" {
			c.add(row, label[j], "missing (required)")
		}
	}
	if p := get(3); p != "" {
		v, err := strconv.ParseFloat(strings.TrimPrefix(p, "+"), 64)
		if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
			c.add(row, label[3], fmt.Sprintf("not a number: %q", p))
		}
		a.Points = v
	}
	return a
}
