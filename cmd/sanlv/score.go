package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strings"

	"sanlv/assess"
	"sanlv/exports"
	"sanlv/scoring"
)

func (m *Main) flags(name, usage string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(m.Stderr)
	fs.Usage = func() {
		fmt.Fprintf(m.Stderr, "Usage: sanlv %s\n\nFlags:\n", usage)
		fs.PrintDefaults()
	}
	return fs
}

func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return errHelp
		}
		return errUsage
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q: %w", fs.Arg(0), errUsage)
	}
	return nil
}

func (m *Main) runScore(ctx context.Context, args []string) error {
	var in inputs
	var period, previous, format string
	var edition int
	fs := m.flags("score", "score --units U --tickets T --policy P --period 2025-10 [--previous 2025-09] [--format table|json]")
	in.register(fs)
	fs.StringVar(&period, "period", "", "period: YYYY-MM, YYYY-Qn or YYYY")
	fs.StringVar(&previous, "previous", "", "previous period, for each unit's rank change")
	fs.StringVar(&format, "format", "table", "output: table or json")
	fs.IntVar(&edition, "edition", 0, "published edition to show (database; default: the latest unless --policy or --previous is given, else scored now)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if format != "table" && format != "json" {
		return fmt.Errorf("--format must be table or json: %w", errUsage)
	}
	v, p, err := m.scorecards(ctx, &in, period, previous, edition)
	if err != nil {
		return err
	}
	if format == "json" {
		return writeJSON(m.Stdout, v)
	}
	writeTable(m.Stdout, v.Card, p)
	return nil
}

// scorecards returns the scorecards of a period as the API answers them: from the database, the
// edition asked for or, unless a policy or a previous period is named, the latest edition; else
// scored now, with each unit's rank change against the previous period.
func (m *Main) scorecards(ctx context.Context, in *inputs, period, previous string, edition int) (assess.CardView, *scoring.Policy, error) {
	if edition > 0 && (in.policy != "" || previous != "") {
		return assess.CardView{}, nil, fmt.Errorf("--edition shows a published edition under its own policy: drop --policy and --previous: %w", errUsage)
	}
	if !in.fromFiles() && previous == "" {
		db, err := m.openExistingDB(ctx, in.db)
		if err != nil {
			return assess.CardView{}, nil, err
		}
		n, err := assess.Pick(ctx, strings.ToUpper(period), edition, in.policy != "", db.LatestEdition)
		if err != nil {
			return assess.CardView{}, nil, err
		}
		if n > 0 {
			e, err := db.Edition(ctx, strings.ToUpper(period), n)
			if err != nil {
				return assess.CardView{}, nil, err
			}
			p, err := assess.EditionPolicy(ctx, db, &e)
			if err != nil {
				return assess.CardView{}, nil, err
			}
			c, err := e.Scorecards()
			return assess.CardView{Card: c, Edition: assess.InfoOf(&e)}, p, err
		}
	} else if edition > 0 {
		return assess.CardView{}, nil, fmt.Errorf("--edition needs the database (editions are published there): %w", errUsage)
	}
	p, src, b, err := m.scoreBook(ctx, in, period, previous)
	if err != nil {
		return assess.CardView{}, nil, err
	}
	c, err := assess.Card(ctx, src, b)
	return assess.CardView{Card: c}, p, err
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", " ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// groupTitle names a group in Chinese with its code: 街乡镇 (street).
func groupTitle(g string) string {
	if n := scoring.GroupLabel(g); n != g {
		return n + " (" + g + ")"
	}
	return g
}

func pct(r scoring.Rate) string {
	if r.Value == nil {
		return "—"
	}
	return fmt.Sprintf("%.2f%%", scoring.RoundHalfUp(*r.Value*100, 2))
}

func num(v *float64, digits int) string {
	if v == nil {
		return "—"
	}
	return fmt.Sprintf("%.*f", digits, scoring.RoundHalfUp(*v, digits))
}

func trend(t *scoring.Trend) string {
	switch {
	case t == nil:
		return ""
	case t.New:
		return "新"
	case t.Change == nil:
		return ""
	case *t.Change > 0:
		return fmt.Sprintf("↑%d", *t.Change)
	case *t.Change < 0:
		return fmt.Sprintf("↓%d", -*t.Change)
	}
	return "—"
}

// writeTable prints a readable ranking per group: the first-edition columns, then the second-edition
// rates the policy uses, its items and the units' adjustments (SPEC §13).
func writeTable(w io.Writer, c scoring.Card, p *scoring.Policy) {
	fmt.Fprintf(w, "%s %s  %s — %s\n", c.Policy.Name, c.Policy.Version, c.Period.Start[:10], c.Period.End[:10])
	var extra []string
	for _, name := range []string{scoring.RateAcceptance, scoring.RateClosure, scoring.RateReturn, scoring.RateRepeat} {
		if p.Uses(name) {
			extra = append(extra, name)
		}
	}
	items := p.HasItems()
	adjusted := p.AdjustMin != nil || p.AdjustMax != nil
	for _, s := range c.Units {
		adjusted = adjusted || len(s.Adjustments) > 0
	}
	header := []string{"排名", "单位", "工单量", "有效回访", scoring.RateLabel(scoring.RateResponse), scoring.RateLabel(scoring.RateResolution),
		scoring.RateLabel(scoring.RateSatisfaction), scoring.RateLabel(scoring.RateOnTime)}
	for _, name := range extra {
		header = append(header, scoring.RateLabel(name))
	}
	header = append(header, "扣分")
	if items {
		header = append(header, "加分项")
	}
	header = append(header, "积分")
	if adjusted {
		header = append(header, "加减分")
	}
	header = append(header, "最终得分", "变化", "")
	ranked := map[string]int{}
	for _, s := range c.Units {
		if s.Ranked {
			ranked[s.Group]++
		}
	}
	group := ""
	var rows [][]string
	flush := func() {
		if len(rows) > 0 {
			printAligned(w, append([][]string{header}, rows...))
		}
		rows = nil
	}
	for _, s := range c.Units {
		if s.Group != group {
			flush()
			group = s.Group
			fmt.Fprintf(w, "\n== %s ==\n", groupTitle(group))
		}
		rank, note := "-", ""
		if s.Rank != nil {
			rank = fmt.Sprint(*s.Rank)
		}
		if s.UnrankedReason != nil {
			note = *s.UnrankedReason
		}
		if exports.MarksShown(p, ranked[s.Group]) { // marks only in groups larger than top + bottom
			switch s.Mark {
			case "top":
				note = "红榜"
			case "bottom":
				note = "末位"
			}
		}
		ded := 0.0
		for _, d := range s.Deductions {
			ded += d.Points
		}
		row := []string{rank, s.Code + " " + s.Name, fmt.Sprint(s.Counts.Assignments), trimNum(s.Counts.Callbacks),
			pct(s.Rates.Response), pct(s.Rates.Resolution), pct(s.Rates.Satisfaction), pct(s.Rates.OnTime)}
		for _, name := range extra {
			r, _ := s.Rates.ByName(name)
			row = append(row, pct(*r))
		}
		row = append(row, num(&ded, p.Round))
		if items {
			row = append(row, itemSum(s.Items))
		}
		row = append(row, num(&s.Points.Total, 2))
		if adjusted {
			adj := make([]scoring.Adjustment, len(s.Adjustments))
			for i, a := range s.Adjustments {
				adj[i].Points = a.Points
			}
			sum := p.AdjustmentSum(adj)
			row = append(row, num(&sum, 2))
		}
		rows = append(rows, append(row, num(s.Final, p.Round), trend(s.Trend), note))
	}
	flush()
}

// itemSum is the sum of a unit's item points, or — when an item's rate is undefined.
func itemSum(items []scoring.ItemPoints) string {
	sum := 0.0
	for _, it := range items {
		if it.Points == nil {
			return "—"
		}
		sum += *it.Points
	}
	return num(&sum, 2)
}

func trimNum(v float64) string {
	return strings.TrimSuffix(strings.TrimRight(fmt.Sprintf("%.2f", v), "0"), ".")
}

// width is the display width of s in a terminal: CJK characters take two columns.
func width(s string) int {
	n := 0
	for _, r := range s {
		if r >= 0x1100 && (r <= 0x115f || (r >= 0x2e80 && r <= 0xa4cf) || (r >= 0xac00 && r <= 0xd7a3) || (r >= 0xf900 && r <= 0xfaff) || (r >= 0xff00 && r <= 0xff60) || (r >= 0xffe0 && r <= 0xffe6)) {
			n += 2
		} else {
			n++
		}
	}
	return n
}

func printAligned(w io.Writer, rows [][]string) {
	widths := make([]int, len(rows[0]))
	for _, r := range rows {
		for i, c := range r {
			widths[i] = max(widths[i], width(c))
		}
	}
	for _, r := range rows {
		var b strings.Builder
		for i, c := range r {
			pad := widths[i] - width(c)
			if i == 1 || i == len(r)-1 { // names and notes left-aligned
				b.WriteString(c + strings.Repeat(" ", pad))
			} else {
				b.WriteString(strings.Repeat(" ", pad) + c)
			}
			b.WriteString("  ")
		}
		fmt.Fprintln(w, strings.TrimRight(b.String(), " "))
	}
}
