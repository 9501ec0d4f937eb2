package main

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"time"

	"sanlv/exports"
	"sanlv/fixtures"
	"sanlv/imports"
	"sanlv/notice"
	"sanlv/scoring"
	"sanlv/store"
)

// eachRow streams every assignment of the period window (by the policy's basis) from the files or the database;
// a non-empty unit code lets the database return only that unit's rows.
func (m *Main) eachRow(ctx context.Context, in *inputs, p *scoring.Policy, b *scoring.Book, per scoring.Period, unit string, fn func(*scoring.Assignment) error) error {
	if !in.fromFiles() {
		db, err := m.openExistingDB(ctx, in.db)
		if err != nil {
			return err
		}
		basis := store.ByClosed
		if p.BasisReceived {
			basis = store.ByReceived
		}
		return db.Stream(ctx, b.Directory(), store.Query{From: per.Start, To: per.End, Basis: basis, Unit: unit}, fn)
	}
	f, err := os.Open(in.tickets)
	if err != nil {
		return err
	}
	defer f.Close()
	opt := imports.Options{Loc: p.Loc}
	if in.mapping != "" {
		data, err := os.ReadFile(in.mapping)
		if err != nil {
			return err
		}
		if opt.Mapping, err = imports.ParseMapping(in.mapping, data); err != nil {
			return err
		}
	}
	_, err = imports.Tickets(in.tickets, f, b.Directory(), opt, func(_ int, a *scoring.Assignment) error {
		if per.Contains(basisTime(p, a)) {
			return fn(a)
		}
		return nil
	})
	return err
}

// basisTime is the instant that puts a row in a period (an approved return: its returned_at, SPEC §13.3).
func basisTime(p *scoring.Policy, a *scoring.Assignment) int64 {
	switch {
	case p.BasisReceived:
		return a.Received
	case a.Return == scoring.ReturnApproved:
		return a.Returned
	}
	return a.Closed
}

// writeFile creates path, lets write fill it, and removes it again when anything fails.
func writeFile(path string, write func(f *os.File) error) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := write(f); err != nil {
		f.Close()
		os.Remove(path)
		return err
	}
	if err := f.Close(); err != nil {
		os.Remove(path)
		return err
	}
	return nil
}

func (m *Main) runBulletin(ctx context.Context, args []string) error {
	var in inputs
	var period, previous, out, noticeFile string
	var edition int
	fs := m.flags("bulletin", "bulletin --period 2025-10 [--edition N] -o PREFIX [--notice FILE] [--db DSN | --units U --tickets T] [--policy P]")
	in.register(fs)
	fs.StringVar(&period, "period", "", "period: YYYY-MM, YYYY-Qn or YYYY")
	fs.StringVar(&previous, "previous", "", "previous period for 排名变化 and 环比 (default: the period before)")
	fs.IntVar(&edition, "edition", 0, "published edition to print (database only; default: the latest, or a draft when none is published)")
	fs.StringVar(&out, "o", "", "output prefix: writes PREFIX.xlsx (ranking workbook) and PREFIX.docx (通报); a .xlsx or .docx suffix is dropped")
	fs.StringVar(&noticeFile, "notice", "", "通报 settings YAML (issuer, 主送, 抄送, 考核办法, 期号); default: the sample city's fixtures/notice/city.yaml")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if out == "" {
		return fmt.Errorf("-o PREFIX is required: %w", errUsage)
	}
	cfg, err := m.noticeConfig(noticeFile)
	if err != nil {
		return err
	}
	bl, err := m.bulletin(ctx, &in, period, previous, edition)
	if err != nil {
		return err
	}
	xlsx, docx, err := writeBulletin(out, bl, cfg)
	if err != nil {
		return err
	}
	what := "草稿 (draft)"
	if bl.Edition > 0 {
		what = fmt.Sprintf("第%d版 (edition %d)", bl.Edition, bl.Edition)
	}
	fmt.Fprintf(m.Stdout, "wrote %s and %s: %s %s, %d units\n", xlsx, docx, exports.BulletinTitle(period), what, len(bl.Card.Units))
	if noticeFile == "" {
		fmt.Fprintln(m.Stderr, "the 通报 uses the sample city's settings (fixtures/notice/city.yaml): pass --notice FILE with your issuer, 主送, 抄送, 考核办法 and 期号")
	}
	return nil
}

// noticeConfig reads the 通报 settings of --notice, or the shipped sample city's.
func (m *Main) noticeConfig(path string) (notice.Config, error) {
	var data []byte
	var err error
	if path == "" {
		path = "fixtures/notice/city.yaml"
		data, err = fs.ReadFile(fixtures.Files(), "notice/city.yaml")
	} else {
		data, err = os.ReadFile(path)
	}
	if err != nil {
		return notice.Config{}, err
	}
	cfg, err := notice.ParseConfig(path, data)
	if err != nil {
		return cfg, m.fail(err)
	}
	return cfg, nil
}

// writeBulletin writes the ranking workbook and the 通报 of a bulletin beside each other: prefix.xlsx and
// prefix.docx (a .xlsx or .docx suffix of prefix is dropped); nothing is left behind when either fails.
func writeBulletin(prefix string, bl exports.Bulletin, cfg notice.Config) (xlsx, docx string, err error) {
	prefix = strings.TrimSuffix(strings.TrimSuffix(prefix, ".xlsx"), ".docx")
	xlsx, docx = prefix+".xlsx", prefix+".docx"
	if err := writeFile(xlsx, func(f *os.File) error { return exports.WriteBulletin(f, bl) }); err != nil {
		return "", "", err
	}
	if err := writeFile(docx, func(f *os.File) error { return notice.Write(f, bl, cfg) }); err != nil {
		os.Remove(xlsx)
		return "", "", err
	}
	return xlsx, docx, nil
}

// bulletin assembles a period's bulletin: from files a draft; from the database a published edition
// (the latest, or the one asked for) with its frozen scorecards and 扣分明细, else a draft scored now.
// A --policy other than the one a published edition went out under is refused: the edition cannot be
// reprinted under another policy (score it with `sanlv score`, or publish a new edition).
// The previous period (as circulated) and the category counts come with it for 环比 and 高频问题.
func (m *Main) bulletin(ctx context.Context, in *inputs, period, previous string, edition int) (exports.Bulletin, error) {
	var bl exports.Bulletin
	if in.fromFiles() {
		if edition > 0 {
			return bl, fmt.Errorf("--edition needs the database (editions are published there): %w", errUsage)
		}
		if previous == "" {
			prev, err := scoring.Previous(period)
			if err != nil {
				return bl, err
			}
			previous = prev
		}
		p, b, err := m.scoreBook(ctx, in, period, previous)
		if err != nil {
			return bl, err
		}
		prev := b.Card(0)
		bl.Policy, bl.Card, bl.Previous = p, b.CardWithTrend(1, 0), &prev
		bl.Reference = exports.PeriodLabel(prev.Period.ID) + "（按所给数据计算）"
		bl.Generated = periodEnd(&bl.Card)
		var cur, before exports.Categories
		if bl.Points, err = m.pointLines(ctx, in, p, b, 1, &cur); err != nil {
			return bl, err
		}
		if err := m.eachRow(ctx, in, p, b, b.Periods()[0], "", func(a *scoring.Assignment) error { before.Add(a); return nil }); err != nil {
			return bl, err
		}
		bl.Categories, bl.PreviousCategories = cur.Counts(), before.Counts()
		return bl, nil
	}
	db, err := m.openExistingDB(ctx, in.db)
	if err != nil {
		return bl, err
	}
	if edition == 0 {
		if edition, err = db.LatestEdition(ctx, period); err != nil {
			return bl, err
		}
	}
	if edition == 0 { // nothing published: a draft
		if bl.Policy, err = m.policyFor(ctx, in); err != nil {
			return bl, err
		}
		per, err := scoring.ParsePeriod(period, bl.Policy.StartDay, bl.Policy.Loc)
		if err != nil {
			return bl, err
		}
		b, err := db.Book(ctx, bl.Policy, []scoring.Period{per})
		if err != nil {
			return bl, err
		}
		if bl.Card, err = db.CardOf(ctx, b); err != nil {
			return bl, err
		}
		bl.Generated = periodEnd(&bl.Card)
		var cur exports.Categories
		if bl.Points, err = m.pointLines(ctx, in, bl.Policy, b, 0, &cur); err != nil {
			return bl, err
		}
		bl.Categories = cur.Counts()
		return bl, m.previousOf(ctx, db, in, &bl)
	}
	e, err := db.Edition(ctx, period, edition)
	if err != nil {
		return bl, err
	}
	if in.policy != "" {
		p, err := m.loadPolicy(in.policy, in.calendars)
		if err != nil {
			return bl, err
		}
		if p.Name != e.PolicyName || p.Version != e.PolicyVersion {
			return bl, m.fail(scoring.Errorf(scoring.Conflict, "%s was published (edition %d) under %s %s, not under --policy %s (%s %s): "+
				"a published bulletin is printed only under its own policy; drop --policy, or score the other policy with `sanlv score`/`sanlv whatif`",
				period, e.Number, e.PolicyName, e.PolicyVersion, in.policy, p.Name, p.Version))
		}
	}
	if bl.Policy, _, err = db.Policy(ctx, e.PolicyName, e.PolicyVersion); err != nil {
		return bl, fmt.Errorf("edition %d of %s was published under %s %s: %w", e.Number, period, e.PolicyName, e.PolicyVersion, err)
	}
	if bl.Card, err = e.Scorecards(); err != nil {
		return bl, err
	}
	bl.Edition, bl.Generated = e.Number, e.PublishedAt
	if len(e.Points) == 0 {
		return bl, fmt.Errorf("edition %d of %s holds no frozen 扣分明细 (published before they were kept); publish a new edition", e.Number, period)
	}
	if bl.Points, err = e.PointLines(); err != nil {
		return bl, err
	}
	// Categories are not frozen with an edition: they are counted from the stored rows of the period.
	per, err := scoring.ParsePeriod(period, bl.Policy.StartDay, bl.Policy.Loc)
	if err != nil {
		return bl, err
	}
	dir, err := db.Directory(ctx)
	if err != nil {
		return bl, err
	}
	b, err := scoring.NewBook(bl.Policy, dir, []scoring.Period{per})
	if err != nil {
		return bl, err
	}
	var cur exports.Categories
	if err := m.eachRow(ctx, in, bl.Policy, b, per, "", func(a *scoring.Assignment) error { cur.Add(a); return nil }); err != nil {
		return bl, err
	}
	bl.Categories = cur.Counts()
	return bl, m.previousOf(ctx, db, in, &bl)
}

// previousOf sets the previous period of a bulletin from the database, as it was circulated, with
// its name and its category counts.
func (m *Main) previousOf(ctx context.Context, db *store.DB, in *inputs, bl *exports.Bulletin) error {
	id, err := scoring.Previous(bl.Card.Period.ID)
	if err != nil {
		return err
	}
	prev, err := db.Circulated(ctx, bl.Policy, id)
	if err != nil {
		return err
	}
	n, err := db.LatestEdition(ctx, id)
	if err != nil {
		return err
	}
	bl.Previous = &prev
	bl.Reference = exports.PeriodLabel(id) + fmt.Sprintf("第%d版", n)
	if n == 0 {
		bl.Reference = exports.PeriodLabel(id) + "（未发布，按现有数据计算）"
	}
	per, err := scoring.ParsePeriod(id, bl.Policy.StartDay, bl.Policy.Loc)
	if err != nil {
		return err
	}
	dir, err := db.Directory(ctx)
	if err != nil {
		return err
	}
	b, err := scoring.NewBook(bl.Policy, dir, []scoring.Period{per})
	if err != nil {
		return err
	}
	var cats exports.Categories
	if err := m.eachRow(ctx, in, bl.Policy, b, per, "", func(a *scoring.Assignment) error { cats.Add(a); return nil }); err != nil {
		return err
	}
	bl.PreviousCategories = cats.Counts()
	return nil
}

// periodEnd is the end of a card's period, the fixed time of a draft.
func periodEnd(c *scoring.Card) time.Time {
	t, _ := time.Parse(time.RFC3339, c.Period.End)
	return t
}

// pointLines lists the 扣分明细 of period pi of a book, streaming the period's rows, and counts their
// categories into cats.
func (m *Main) pointLines(ctx context.Context, in *inputs, p *scoring.Policy, b *scoring.Book, pi int, cats *exports.Categories) ([]scoring.PointLine, error) {
	var out []scoring.PointLine
	err := m.eachRow(ctx, in, p, b, b.Periods()[pi], "", func(a *scoring.Assignment) error {
		cats.Add(a)
		l, err := b.Line(a)
		if err != nil {
			return err
		}
		out = scoring.AppendPointLines(out, b.Directory().Unit(a.Unit), &l)
		return nil
	})
	scoring.SortPointLines(out, b.Directory())
	return out, err
}

// runPublish freezes a period's scorecards and 扣分明细 as its next edition.
func (m *Main) runPublish(ctx context.Context, args []string) error {
	var dsn, name, version, period, actor string
	fs := m.flags("publish", "publish --period 2025-10 [--policy NAME [--version V]] [--db DSN]")
	fs.StringVar(&dsn, "db", "", "database: SQLite path or postgres:// DSN (default $SANLV_DB, else sanlv.db)")
	fs.StringVar(&name, "policy", "", "stored policy name (default: the active policy)")
	fs.StringVar(&version, "version", "", "stored policy version (default: the name's active version)")
	fs.StringVar(&period, "period", "", "period: YYYY-MM, YYYY-Qn or YYYY")
	fs.StringVar(&actor, "actor", "", "who publishes, for the audit log (default $USER)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if period == "" {
		return fmt.Errorf("--period is required: %w", errUsage)
	}
	if actor == "" {
		actor = "cli:" + m.Getenv("USER")
	}
	db, err := m.openExistingDB(ctx, dsn)
	if err != nil {
		return err
	}
	var p *scoring.Policy
	if name == "" {
		p, err = db.ActivePolicy(ctx)
	} else {
		p, _, err = db.Policy(ctx, name, version)
	}
	if err != nil {
		return m.fail(err)
	}
	c, err := db.Card(ctx, p, period)
	if err != nil {
		return m.fail(err)
	}
	e, err := db.Publish(ctx, c.Period.ID, p, c, actor)
	if err != nil {
		return m.fail(err)
	}
	fmt.Fprintf(m.Stdout, "published %s edition %d under %s %s (%d input rows, digest %.12s…)\n",
		e.Period, e.Number, e.PolicyName, e.PolicyVersion, e.InputRows, e.InputDigest)
	return nil
}

func (m *Main) runExport(ctx context.Context, args []string) error {
	var in inputs
	var period, out string
	fs := m.flags("export", "export --period 2025-10 -o FILE [--db DSN | --units U --tickets T] [--policy P]")
	in.register(fs)
	fs.StringVar(&period, "period", "", "period: YYYY-MM, YYYY-Qn or YYYY")
	fs.StringVar(&out, "o", "", "output workbook (.xlsx)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if out == "" {
		return fmt.Errorf("-o FILE is required: %w", errUsage)
	}
	p, b, err := m.scoreBook(ctx, &in, period, "")
	if err != nil {
		return err
	}
	n := 0
	err = writeFile(out, func(f *os.File) error {
		dw, err := exports.NewDetailWriter(f, "12345接诉即办工单明细（"+exports.PeriodLabel(period)+"）", b.Directory(), p.Loc)
		if err != nil {
			return err
		}
		err = m.eachRow(ctx, &in, p, b, b.Periods()[0], "", func(a *scoring.Assignment) error {
			l, err := b.Line(a)
			if err != nil {
				return err
			}
			n++
			return dw.Add(a, exports.ExtraFromLine(&l, p.Loc))
		})
		if cerr := dw.Close(); err == nil {
			err = cerr
		}
		return err
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "wrote %s: %d assignments of %s (caller phones masked)\n", out, n, period)
	return nil
}
