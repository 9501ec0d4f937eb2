package assess

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	"sanlv/imports"
	"sanlv/scoring"
	"sanlv/store"
)

// Files is a units file and a tickets file as a Source (with, optionally, a column mapping and an
// adjustments file). It keeps no editions: a previous period is scored from the same files.
type Files struct {
	Units, Tickets string
	// Mapping is a parsed column mapping for another platform's export; nil reads SPEC §3.2 headers.
	Mapping *imports.Mapping
	// Adjustments is a CSV of adjustments: unit, period, label, points, reason.
	Adjustments string
	// Sheet and HeaderRow override the detection of the tickets sheet and header row.
	Sheet     string
	HeaderRow int
	// SkipInvalid scores the valid rows when some rows are invalid (Skipped is told how many).
	SkipInvalid bool
	// Workers is the number of parallel readers of a plain CSV tickets file.
	Workers int
	// Notes receives each read's report of the choices it made (sheet, header row, skipped rows),
	// Skipped the report of a read whose invalid rows were skipped.
	Notes, Skipped func(rep *imports.Report)
}

// ReportError is a read with invalid rows: nothing was scored.
type ReportError struct {
	Report *imports.Report
	Err    error
}

func (e *ReportError) Error() string { return e.Err.Error() }
func (e *ReportError) Unwrap() error { return e.Err }

func (f *Files) note(rep *imports.Report) {
	if f.Notes != nil && rep != nil {
		f.Notes(rep)
	}
}

// Directory reads the units file.
func (f *Files) Directory() (*scoring.Directory, error) {
	if f.Units == "" || f.Tickets == "" {
		return nil, scoring.Errorf(scoring.Invalid, "give --units and --tickets (or --db)")
	}
	r, err := os.Open(f.Units)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	us, rep, err := imports.ReadUnits(f.Units, r)
	if err != nil {
		return nil, err
	}
	if rep.Invalid > 0 {
		return nil, &ReportError{Report: rep, Err: fmt.Errorf("%s: %d invalid rows; nothing scored (every unit must be valid: --skip-invalid skips tickets only)", f.Units, rep.Invalid)}
	}
	f.note(rep)
	return scoring.NewDirectory(us)
}

// adjustments reads the adjustments file with each unit named by its code.
func (f *Files) adjustments(dir *scoring.Directory) ([]scoring.Adjustment, error) {
	if f.Adjustments == "" {
		return nil, nil
	}
	r, err := os.Open(f.Adjustments)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	adjs, err := imports.ReadAdjustments(r, f.Adjustments)
	if err != nil {
		return nil, err
	}
	var problems []scoring.FieldError
	for i, a := range adjs {
		field := fmt.Sprintf("adjustment %d (%s %s %s)", i+1, a.Unit, a.Period, a.Label)
		u, ok := dir.Lookup(a.Unit)
		if !ok {
			problems = append(problems, scoring.FieldError{Field: field, Reason: fmt.Sprintf("unknown unit %q", a.Unit)})
			continue
		}
		if _, err := scoring.ParsePeriod(a.Period, 1, time.UTC); err != nil {
			problems = append(problems, scoring.FieldError{Field: field, Reason: fmt.Sprintf("period: %v", err)})
			continue
		}
		adjs[i].Unit = dir.Unit(u).Code
	}
	if len(problems) > 0 { // every wrong adjustment at once, so that one reading fixes all
		msgs := make([]string, len(problems))
		for i, p := range problems {
			msgs[i] = p.Field + ": " + p.Reason
		}
		return nil, &scoring.Error{Code: scoring.Invalid, Message: fmt.Sprintf("%s: %d of %d adjustments invalid: %s", f.Adjustments,
			len(problems), len(adjs), strings.Join(msgs, "; ")), Fields: problems}
	}
	return adjs, nil
}

// Books reads the tickets file once for every spec that shares the first one's time zone (a plain
// CSV in parallel), and once more for each other zone.
func (f *Files) Books(ctx context.Context, specs []store.BookSpec) ([]*scoring.Book, error) {
	dir, err := f.Directory()
	if err != nil {
		return nil, err
	}
	adjs, err := f.adjustments(dir)
	if err != nil {
		return nil, err
	}
	out := make([]*scoring.Book, len(specs))
	done := make([]bool, len(specs))
	for first := range specs {
		if done[first] {
			continue
		}
		var idx []int
		var group []store.BookSpec
		for i := first; i < len(specs); i++ {
			if !done[i] && specs[i].Policy.Loc.String() == specs[first].Policy.Loc.String() {
				idx, group, done[i] = append(idx, i), append(group, specs[i]), true
			}
		}
		bs, err := f.read(dir, group, adjs)
		if err != nil {
			return nil, err
		}
		for k, i := range idx {
			out[i] = bs[k]
		}
	}
	return out, nil
}

// options are the read options of the tickets file under p; lean when no policy reads the text fields.
func (f *Files) options(p *scoring.Policy, lean bool) imports.Options {
	return imports.Options{Loc: p.Loc, Lean: lean, Sheet: f.Sheet, HeaderRow: f.HeaderRow, Mapping: f.Mapping}
}

// read scores the specs (of one time zone) in one read of the tickets file.
func (f *Files) read(dir *scoring.Directory, specs []store.BookSpec, adjs []scoring.Adjustment) ([]*scoring.Book, error) {
	lean := true
	for _, s := range specs {
		lean = lean && !s.Policy.ReadsText()
	}
	opt := f.options(specs[0].Policy, lean)
	workers := max(1, f.Workers)
	books := make([][]*scoring.Book, workers)
	for w := range books {
		books[w] = make([]*scoring.Book, len(specs))
		for i, s := range specs {
			b, err := scoring.NewBook(s.Policy, dir, s.Periods)
			if err != nil {
				return nil, err
			}
			books[w][i] = b
		}
	}
	add := func(w, row int, a *scoring.Assignment) error {
		for i, b := range books[w] {
			if err := b.Add(a); err != nil {
				return fmt.Errorf("%s:%d: %w%s", f.Tickets, row, err, CalendarHint(specs[i].Policy, err))
			}
		}
		return nil
	}
	var rep *imports.Report
	var err error
	if opt.Mapping == nil && !isWorkbook(f.Tickets) {
		rep, err = imports.ScanCSV(f.Tickets, dir, opt, workers, add)
	} else {
		r, ferr := os.Open(f.Tickets)
		if ferr != nil {
			return nil, ferr
		}
		defer r.Close()
		rep, err = imports.Tickets(f.Tickets, r, dir, opt, func(row int, a *scoring.Assignment) error { return add(0, row, a) })
	}
	if err != nil {
		return nil, err
	}
	f.note(rep)
	if rep.Invalid > 0 {
		if !f.SkipInvalid {
			return nil, &ReportError{Report: rep, Err: fmt.Errorf("%s: %d invalid rows; nothing scored (use --skip-invalid to score the %d valid rows)", f.Tickets, rep.Invalid, rep.Valid)}
		}
		if f.Skipped != nil {
			f.Skipped(rep)
		}
	}
	out := books[0]
	for _, bs := range books[1:] {
		for i, b := range bs {
			if err := out[i].Merge(b); err != nil {
				return nil, err
			}
		}
	}
	for _, b := range out {
		if err := store.FinishBook(b, adjs); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// each reads every row of the tickets file under b's policy and time zone.
func (f *Files) each(b *scoring.Book, fn func(*scoring.Assignment) error) error {
	r, err := os.Open(f.Tickets)
	if err != nil {
		return err
	}
	defer r.Close()
	opt := f.options(b.Policy(), false)
	_, err = imports.Tickets(f.Tickets, r, b.Directory(), opt, func(_ int, a *scoring.Assignment) error { return fn(a) })
	return err
}

// Rows reads the rows of period pi of b from the tickets file, in file order.
func (f *Files) Rows(ctx context.Context, b *scoring.Book, pi int, unit string, fn func(*scoring.Assignment) error) error {
	u, ok := int32(-1), unit == ""
	if !ok {
		if u, ok = b.Directory().Lookup(unit); !ok {
			return scoring.Errorf(scoring.NotFound, "unknown unit %q", unit)
		}
	}
	return f.each(b, func(a *scoring.Assignment) error {
		if (u >= 0 && a.Unit != u) || b.WindowOf(a) != pi {
			return nil
		}
		return fn(a)
	})
}

// History reads a unit's rows received before to from the tickets file, in file order.
func (f *Files) History(ctx context.Context, b *scoring.Book, unit string, to int64, fn func(*scoring.Assignment) error) error {
	u, ok := b.Directory().Lookup(unit)
	if !ok {
		return scoring.Errorf(scoring.NotFound, "unknown unit %q", unit)
	}
	return f.each(b, func(a *scoring.Assignment) error {
		if a.Unit != u || a.Received >= to {
			return nil
		}
		return fn(a)
	})
}

// Previous says files keep no record of what went out.
func (f *Files) Previous(ctx context.Context, p *scoring.Policy, id string) (scoring.Card, string, bool, error) {
	return scoring.Card{}, "", false, nil
}

// Circulated returns the cards b scores now: files keep no editions.
func (f *Files) Circulated(ctx context.Context, b *scoring.Book) ([]scoring.Card, []int, error) {
	var cards []scoring.Card
	var eds []int
	for i := range b.Periods() {
		cards, eds = append(cards, b.Card(i)), append(eds, 0)
	}
	return cards, eds, nil
}

// isWorkbook reports whether the file is an XLSX or .xls workbook, by its first bytes.
func isWorkbook(path string) bool {
	r, err := os.Open(path)
	if err != nil {
		return false
	}
	defer r.Close()
	var magic [4]byte
	n, _ := r.Read(magic[:])
	return n == 4 && (string(magic[:]) == "PK\x03\x04" || string(magic[:]) == "\xD0\xCF\x11\xE0")
}

// CalendarHint says how to add the calendar a deadline needs, when err is about a missing year.
func CalendarHint(p *scoring.Policy, err error) string { return store.CalendarHint(p, err) }
