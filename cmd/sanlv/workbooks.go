package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"sanlv/exports"
	"sanlv/imports"
	"sanlv/scoring"
	"sanlv/store"
)

// eachRow streams every assignment of the period window (by the policy's basis) from the files or the database;
// a non-empty unit code lets the database return only that unit's rows.
func (m *Main) eachRow(ctx context.Context, in *inputs, p *scoring.Policy, b *scoring.Book, per scoring.Period, unit string, fn func(*scoring.Assignment) error) error {
	if !in.fromFiles() {
		db, err := m.openDB(ctx, in.db)
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

func basisTime(p *scoring.Policy, a *scoring.Assignment) int64 {
	if p.BasisReceived {
		return a.Received
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
	var period, previous, out string
	var edition int
	fs := m.flags("bulletin", "bulletin --period 2025-10 [--edition N] -o FILE [--db DSN | --units U --tickets T] [--policy P]")
	in.register(fs)
	fs.StringVar(&period, "period", "", "period: YYYY-MM, YYYY-Qn or YYYY")
	fs.StringVar(&previous, "previous", "", "previous period for 排名变化 (default: the period before)")
	fs.IntVar(&edition, "edition", 0, "published edition to print (database only; default: the latest, or a draft when none is published)")
	fs.StringVar(&out, "o", "", "output workbook (.xlsx)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if out == "" {
		return fmt.Errorf("-o FILE is required: %w", errUsage)
	}
	bl, err := m.bulletin(ctx, &in, period, previous, edition)
	if err != nil {
		return err
	}
	if err := writeFile(out, func(f *os.File) error { return exports.WriteBulletin(f, bl) }); err != nil {
		return err
	}
	what := "草稿 (draft)"
	if bl.Edition > 0 {
		what = fmt.Sprintf("第%d版 (edition %d)", bl.Edition, bl.Edition)
	}
	fmt.Fprintf(m.Stdout, "wrote %s: %s %s, %d units\n", out, exports.BulletinTitle(period), what, len(bl.Card.Units))
	return nil
}

// bulletin assembles a period's bulletin: a published edition's frozen card, or a draft scored now.
func (m *Main) bulletin(ctx context.Context, in *inputs, period, previous string, edition int) (exports.Bulletin, error) {
	bl := exports.Bulletin{Generated: time.Now()}
	var frozen *store.Edition
	if !in.fromFiles() {
		db, err := m.openDB(ctx, in.db)
		if err != nil {
			return bl, err
		}
		eds, err := db.Editions(ctx, period)
		if err != nil {
			return bl, err
		}
		if edition == 0 && len(eds) > 0 {
			edition = eds[len(eds)-1].Number
		}
		if edition > 0 {
			e, err := db.Edition(ctx, period, edition)
			if err != nil {
				return bl, err
			}
			frozen = &e
			if in.policy == "" {
				p, _, err := db.Policy(ctx, e.PolicyName, e.PolicyVersion)
				if err != nil {
					return bl, err
				}
				bl.Policy = p
			}
		}
	} else if edition > 0 {
		return bl, fmt.Errorf("--edition needs the database (editions are published there): %w", errUsage)
	}
	if bl.Policy == nil {
		p, err := m.policyFor(ctx, in)
		if err != nil {
			return bl, err
		}
		bl.Policy = p
	}
	p := bl.Policy
	if previous == "" {
		prev, err := scoring.Previous(period)
		if err != nil {
			return bl, err
		}
		previous = prev
	}
	periods, err := periodWithPrevious(p, period, previous)
	if err != nil {
		return bl, err
	}
	b, err := m.book(ctx, in, p, periods)
	if err != nil {
		return bl, err
	}
	bl.Card = b.CardWithTrend(1, 0)
	if frozen != nil {
		card, err := frozen.Scorecards()
		if err != nil {
			return bl, err
		}
		scoring.AddTrend(&card, b.Card(0))
		bl.Card, bl.Edition = card, frozen.Number
		if len(frozen.Points) > 0 {
			bl.Points, err = frozen.PointLines()
			return bl, err
		}
	}
	err = m.eachRow(ctx, in, p, b, periods[1], "", func(a *scoring.Assignment) error {
		l, err := b.Line(a)
		if err != nil {
			return err
		}
		bl.Points = scoring.AppendPointLines(bl.Points, b.Directory().Unit(a.Unit), &l)
		return nil
	})
	scoring.SortPointLines(bl.Points, b.Directory())
	return bl, err
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
		dw, err := exports.NewDetailWriter(f, exports.BulletinTitle(period)+" 工单明细", b.Directory(), p.Loc)
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
