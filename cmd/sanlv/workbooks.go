package main

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"strings"

	"sanlv/assess"
	"sanlv/exports"
	"sanlv/fixtures"
	"sanlv/notice"
	"sanlv/scoring"
)

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
	if bl.PointsOmitted != "" {
		fmt.Fprintf(m.Stderr, "sanlv: 扣分明细 left out: %s\n", bl.PointsOmitted)
	}
	xlsx, docx, err := writeBulletin(out, bl.Bulletin, cfg)
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
// A --policy other than the one a published edition went out under is refused.
func (m *Main) bulletin(ctx context.Context, in *inputs, period, previous string, edition int) (assess.Bulletin, error) {
	if period == "" {
		return assess.Bulletin{}, fmt.Errorf("--period is required (2025-10, 2025-Q2 or 2025): %w", errUsage)
	}
	if !in.fromFiles() {
		db, err := m.openExistingDB(ctx, in.db)
		if err != nil {
			return assess.Bulletin{}, err
		}
		n, err := assess.Pick(ctx, strings.ToUpper(period), edition, false, db.LatestEdition)
		if err != nil {
			return assess.Bulletin{}, err
		}
		if n > 0 {
			var want *scoring.Policy
			if in.policy != "" {
				if want, err = m.policyNamed(ctx, in, in.policy); err != nil {
					return assess.Bulletin{}, err
				}
			}
			return assess.Published(ctx, db, strings.ToUpper(period), n, want, previous)
		}
	} else if edition > 0 {
		return assess.Bulletin{}, fmt.Errorf("--edition needs the database (editions are published there): %w", errUsage)
	}
	p, err := m.policyFor(ctx, in)
	if err != nil {
		return assess.Bulletin{}, err
	}
	src, err := m.source(ctx, in)
	if err != nil {
		return assess.Bulletin{}, err
	}
	return assess.Draft(ctx, src, p, period, previous)
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
	p, err := assess.StoredPolicy(ctx, db, name, version)
	if err != nil {
		return err
	}
	e, err := db.PublishFrozen(ctx, period, p, actor, assess.Freeze(db))
	if err != nil {
		return err
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
	_, src, b, err := m.scoreBook(ctx, &in, period, "")
	if err != nil {
		return err
	}
	n := 0
	err = writeFile(out, func(f *os.File) error {
		n, err = assess.Detail(ctx, src, f, b, "")
		return err
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "wrote %s: %d assignments of %s (caller phones masked)\n", out, n, period)
	return nil
}
