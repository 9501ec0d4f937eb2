package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"

	"sanlv/imports"
	"sanlv/scoring"
	"sanlv/store"
)

// parsePositional parses flags with n positional arguments, given before or after the flags.
func parsePositional(fs *flag.FlagSet, args []string, n int, what string) ([]string, error) {
	var pos []string
	for len(args) > 0 && !strings.HasPrefix(args[0], "-") && len(pos) < n {
		pos, args = append(pos, args[0]), args[1:]
	}
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return nil, errHelp
		}
		return nil, errUsage
	}
	pos = append(pos, fs.Args()...)
	if len(pos) != n {
		return nil, fmt.Errorf("want %s: %w", what, errUsage)
	}
	return pos, nil
}

// actorOf returns --actor, else cli:$USER (or $LOGNAME), else cli when neither is set.
func (m *Main) actorOf(actor string) string {
	if actor != "" {
		return actor
	}
	for _, v := range []string{"USER", "LOGNAME"} {
		if u := m.Getenv(v); u != "" {
			return "cli:" + u
		}
	}
	return "cli"
}

// runAdjust records, lists, revokes and imports adjustments (加分, 扣分, 质量抽检; SPEC §13.10).
func (m *Main) runAdjust(ctx context.Context, args []string) error {
	usage := "Usage: sanlv adjust add --unit U --period P --label L --points X --reason R [--db DSN]\n" +
		"       sanlv adjust list [--period P] [--unit U] [--format table|json] [--db DSN]\n" +
		"       sanlv adjust revoke ID --reason R [--db DSN]\n" +
		"       sanlv adjust import FILE [--db DSN]   (CSV or XLSX: unit, period, label, points, reason or 单位, 考核期, 项目, 分值, 原因)"
	return m.subcommand(ctx, "adjust", usage, args, map[string]func(context.Context, []string) error{
		"add":    m.adjustAdd,
		"list":   m.adjustList,
		"revoke": m.adjustRevoke,
		"import": m.adjustImport,
	})
}

func dbFlags(fs *flag.FlagSet, dsn, actor *string) {
	fs.StringVar(dsn, "db", "", "database: SQLite path or postgres:// DSN (default $SANLV_DB, else sanlv.db)")
	if actor != nil {
		fs.StringVar(actor, "actor", "", "who records it, for the audit log (default $USER)")
	}
}

func (m *Main) adjustAdd(ctx context.Context, args []string) error {
	var dsn, actor, points string
	var a scoring.Adjustment
	fs := m.flags("adjust add", "adjust add --unit U --period P --label L --points X --reason R [--db DSN]")
	fs.StringVar(&a.Unit, "unit", "", "unit code (or exact name)")
	fs.StringVar(&a.Period, "period", "", "period id: YYYY-MM, YYYY-Qn or YYYY")
	fs.StringVar(&a.Label, "label", "", "item: 质量抽检, 创新加分, …")
	fs.StringVar(&points, "points", "", "points: positive adds, negative deducts")
	fs.StringVar(&a.Reason, "reason", "", "why (recorded and shown on the scorecard)")
	dbFlags(fs, &dsn, &actor)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if a.Unit == "" || a.Period == "" || a.Label == "" || points == "" || a.Reason == "" {
		return fmt.Errorf("--unit, --period, --label, --points and --reason are required: %w", errUsage)
	}
	var err error
	if a.Points, err = strconv.ParseFloat(points, 64); err != nil {
		return fmt.Errorf("--points %q is not a number: %w", points, errUsage)
	}
	db, err := m.openExistingDB(ctx, dsn)
	if err != nil {
		return err
	}
	rec, err := db.AddAdjustment(ctx, a, m.actorOf(actor))
	if err != nil {
		return m.fail(err)
	}
	fmt.Fprintf(m.Stdout, "%d\n", rec.ID)
	fmt.Fprintf(m.Stderr, "adjustment %d recorded: %s %s %s %s\n", rec.ID, rec.Unit, rec.Period, rec.Label, signedPoints(rec.Points))
	return nil
}

func signedPoints(v float64) string {
	s := strconv.FormatFloat(v, 'f', -1, 64)
	if v > 0 {
		s = "+" + s
	}
	return s
}

func (m *Main) adjustList(ctx context.Context, args []string) error {
	var period, unit string
	fs := m.flags("adjust list", "adjust list [--period P] [--unit U] [--format table|json] [--db DSN]")
	fs.StringVar(&period, "period", "", "only this period id")
	fs.StringVar(&unit, "unit", "", "only this unit code")
	read := func(db *store.DB) ([]store.Adjustment, error) {
		f := store.AdjustmentFilter{Unit: unit}
		if period != "" {
			f.Periods = []string{period}
		}
		return db.Adjustments(ctx, f)
	}
	_, err := listing(ctx, m, fs, args, read, []string{"编号", "单位", "考核期", "项目", "分值", "原因", "状态", "记录人", "记录时间"},
		func(a store.Adjustment) []string {
			state := ""
			switch {
			case a.RevokedBy != nil:
				state = fmt.Sprintf("已被%d撤销", *a.RevokedBy)
			case a.Revokes != nil:
				state = fmt.Sprintf("撤销%d", *a.Revokes)
			}
			return []string{strconv.FormatInt(a.ID, 10), a.Unit, a.Period, a.Label, signedPoints(a.Points), a.Reason, state,
				a.CreatedBy, a.CreatedAt.Local().Format("2006-01-02 15:04")}
		})
	return err
}

func (m *Main) adjustRevoke(ctx context.Context, args []string) error {
	var dsn, actor, reason string
	fs := m.flags("adjust revoke", "adjust revoke ID --reason R [--db DSN]")
	fs.StringVar(&reason, "reason", "", "why it is revoked (required)")
	dbFlags(fs, &dsn, &actor)
	pos, err := parsePositional(fs, args, 1, "adjust revoke ID --reason R")
	if err != nil {
		return err
	}
	id, err := strconv.ParseInt(pos[0], 10, 64)
	if err != nil || id <= 0 {
		return fmt.Errorf("adjustment id %q: want a number (see adjust list): %w", pos[0], errUsage)
	}
	if strings.TrimSpace(reason) == "" {
		return fmt.Errorf("--reason is required: %w", errUsage)
	}
	db, err := m.openExistingDB(ctx, dsn)
	if err != nil {
		return err
	}
	rev, err := db.RevokeAdjustment(ctx, id, reason, m.actorOf(actor))
	if err != nil {
		return m.fail(err)
	}
	fmt.Fprintf(m.Stdout, "%d\n", rev.ID)
	fmt.Fprintf(m.Stderr, "adjustment %d revoked by adjustment %d (%s %s)\n", id, rev.ID, rev.Label, signedPoints(rev.Points))
	return nil
}

func (m *Main) adjustImport(ctx context.Context, args []string) error {
	var dsn, actor string
	fs := m.flags("adjust import", "adjust import FILE [--db DSN]")
	dbFlags(fs, &dsn, &actor)
	pos, err := parsePositional(fs, args, 1, "adjust import FILE")
	if err != nil {
		return err
	}
	f, err := os.Open(pos[0])
	if err != nil {
		return err
	}
	defer f.Close()
	adjs, err := imports.ReadAdjustments(f, pos[0])
	if err != nil {
		return m.fail(err)
	}
	db, err := m.openExistingDB(ctx, dsn)
	if err != nil {
		return err
	}
	recs, err := db.AddAdjustments(ctx, adjs, m.actorOf(actor), "import "+pos[0])
	if err != nil {
		return m.fail(fmt.Errorf("%s: %w (nothing recorded)", pos[0], err))
	}
	fmt.Fprintf(m.Stderr, "recorded %d adjustments from %s (ids %d–%d)\n", len(recs), pos[0], recs[0].ID, recs[len(recs)-1].ID)
	return nil
}
