package store

import (
	"context"
	"fmt"
	"io"
	"strings"
	"unicode"

	"github.com/uptrace/bun"
	"golang.org/x/text/unicode/norm"

	"sanlv/imports"
	"sanlv/scoring"
)

// Directory returns the stored units in the order they were first imported.
func (db *DB) Directory(ctx context.Context) (*scoring.Directory, error) {
	return directory(ctx, db.bun)
}

// Units returns the stored units in the order they were first imported.
func (db *DB) Units(ctx context.Context) ([]scoring.Unit, error) {
	return units(ctx, db.bun)
}

func units(ctx context.Context, tx idb) ([]scoring.Unit, error) {
	var rows []unitRow
	if err := tx.NewSelect().Model(&rows).OrderExpr("ordinal").Scan(ctx); err != nil {
		return nil, dbError(err, "read units")
	}
	us := make([]scoring.Unit, len(rows))
	for i, r := range rows {
		us[i] = scoring.Unit{Code: r.Code, Name: r.Name, Group: r.Group, Parent: r.Parent, Population: r.Population}
	}
	return us, nil
}

func directory(ctx context.Context, tx idb) (*scoring.Directory, error) {
	us, err := units(ctx, tx)
	if err != nil {
		return nil, err
	}
	d, err := scoring.NewDirectory(us)
	if err != nil {
		return nil, dbError(err, "stored units")
	}
	return d, nil
}

// unitJSON is a unit as written to the audit log.
func unitJSON(u scoring.Unit) []byte { return mustJSON(u) }

// ImportUnits reads a units file (CSV or XLSX, SPEC §3.1) and stores it in one transaction: new units
// are appended in file order (their ordinal keeps the directory's order), changed units updated with
// an audit entry holding the old values, units missing from the file kept. With invalid rows nothing
// is stored unless opt.KeepValid. Importing the same file again stores nothing and says so.
func (db *DB) ImportUnits(ctx context.Context, name string, r io.Reader, opt ImportOptions) (*ImportResult, error) {
	start := db.now()
	res := &ImportResult{File: name}
	hr := newHashingReader(r)
	us, rep, err := imports.ReadUnits(name, hr)
	res.Elapsed = db.now().Sub(start)
	if err != nil {
		return res, err
	}
	res.Report, res.Read, res.Invalid = rep, rep.Rows, rep.Invalid
	if opt.Progress != nil {
		opt.Progress(rep.Rows)
	}
	if res.SHA256, err = hr.sum(); err != nil {
		return res, fmt.Errorf("%s: %w", name, err)
	}
	if rep.Invalid > 0 && !opt.KeepValid {
		return res, rep.Err()
	}
	err = db.runImport(ctx, name, func(_ bun.Conn, tx bun.Tx) error {
		var old []unitRow
		if err := tx.NewSelect().Model(&old).OrderExpr("ordinal").Scan(ctx); err != nil {
			return dbError(err, "read units")
		}
		byCode := make(map[string]*unitRow, len(old))
		next := int64(1)
		for i := range old {
			byCode[old[i].Code] = &old[i]
			next = max(next, old[i].Ordinal+1)
		}
		var inserts, updates []*unitRow
		var audits []AuditEntry
		seen := map[string]bool{}
		for _, u := range us {
			if seen[u.Code] {
				return invalid("%s: unit %s appears twice", name, u.Code)
			}
			seen[u.Code] = true
			o, ok := byCode[u.Code]
			if !ok {
				row := &unitRow{Code: u.Code, Ordinal: next, Name: u.Name, Group: u.Group, Parent: u.Parent, Population: u.Population}
				next++
				inserts = append(inserts, row)
				old = append(old, *row)
				continue
			}
			before := scoring.Unit{Code: o.Code, Name: o.Name, Group: o.Group, Parent: o.Parent, Population: o.Population}
			if before == u {
				continue
			}
			audits = append(audits, AuditEntry{Actor: opt.Actor, Entity: EntityUnit, Key: u.Code, Action: ActionImportUpdate,
				Before: unitJSON(before), After: unitJSON(u), Why: "import " + name})
			o.Name, o.Group, o.Parent, o.Population = u.Name, u.Group, u.Parent, u.Population
			updates = append(updates, o)
		}
		// The stored directory must stay valid: no unit named like another unit's code.
		all := make([]scoring.Unit, len(old))
		for i, o := range old {
			if p, ok := byCode[o.Code]; ok {
				o = *p
			}
			all[i] = scoring.Unit{Code: o.Code, Name: o.Name, Group: o.Group, Parent: o.Parent, Population: o.Population}
		}
		if _, err := scoring.NewDirectory(all); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		if err := sameNames(name, all, inserts, updates); err != nil {
			return err
		}
		res.Inserted, res.Updated = len(inserts), len(updates)
		res.Unchanged = len(us) - len(inserts) - len(updates)
		if !res.Changed() {
			var err error
			res.AlreadyImported, err = alreadyImported(ctx, tx, "units", res.SHA256)
			if err != nil {
				return err
			}
			return errNothingChanged
		}
		var err error
		if res.AlreadyImported, err = alreadyImported(ctx, tx, "units", res.SHA256); err != nil {
			return err
		}
		b, err := db.newBatch(ctx, tx, "units", name, res.SHA256, opt.Actor, start)
		if err != nil {
			return err
		}
		for _, u := range inserts {
			u.BatchID = &b.ID
			if _, err := tx.NewInsert().Model(u).Exec(ctx); err != nil {
				return dbError(err, "store unit %s", u.Code)
			}
		}
		for _, u := range updates {
			u.BatchID = &b.ID
			if _, err := tx.NewUpdate().Model(u).WherePK().Exec(ctx); err != nil {
				return dbError(err, "store unit %s", u.Code)
			}
		}
		for _, a := range audits {
			a.BatchID = &b.ID
			if err := db.audit(ctx, tx, a); err != nil {
				return err
			}
		}
		res.BatchID = b.ID
		return db.finishBatch(ctx, tx, b, res)
	})
	res.Elapsed = db.now().Sub(start)
	if err != nil {
		return res, err
	}
	db.log.Info("imported units", "file", name, "read", res.Read, "inserted", res.Inserted, "updated", res.Updated)
	return res, nil
}

// sameNames refuses a unit of the file named like another unit of the stored directory (after
// removing spaces and full-width forms, as tickets' unit names are matched): a ticket naming it
// could not tell them apart. Units stored before keep their names; only this file's units are checked.
func sameNames(file string, all []scoring.Unit, inserts, updates []*unitRow) error {
	changed := map[string]bool{}
	for _, u := range inserts {
		changed[u.Code] = true
	}
	for _, u := range updates {
		changed[u.Code] = true
	}
	byName := map[string]string{}
	for _, u := range all {
		if k := unitNameKey(u.Name); k != "" && !changed[u.Code] {
			byName[k] = u.Code
		}
	}
	var problems []scoring.FieldError
	for _, u := range all {
		k := unitNameKey(u.Name)
		if k == "" || !changed[u.Code] {
			continue
		}
		if other, dup := byName[k]; dup && other != u.Code {
			problems = append(problems, scoring.FieldError{Field: "unit " + u.Code + " (" + u.Name + ")",
				Reason: "same name as the stored unit " + other + " (a ticket naming it could not tell them apart)"})
			continue
		}
		byName[k] = u.Code
	}
	if len(problems) == 0 {
		return nil
	}
	msgs := make([]string, len(problems))
	for i, p := range problems {
		msgs[i] = p.Field + ": " + p.Reason
	}
	return &scoring.Error{Code: scoring.Invalid, Message: fmt.Sprintf("%s: %d of %d new or changed units invalid: %s", file, len(problems), len(changed),
		strings.Join(msgs, "; ")), Fields: problems}
}

// unitNameKey is a unit name without spaces and with full-width forms folded, as names are matched.
func unitNameKey(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || r == '\u200b' || r == '\ufeff' {
			return -1
		}
		return r
	}, norm.NFKC.String(s))
}
