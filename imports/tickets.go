package imports

import (
	"hash/maphash"
	"io"

	"sanlv/scoring"
)

// Tickets streams the rows of a tickets file: CSV (UTF-8 with or without a byte-order mark, or
// GB18030) or XLSX (first sheet, streamed), recognised by content. fn is called for each valid row
// with a reused *scoring.Assignment (copy what you keep; its strings are fresh per row) and the row
// number; invalid rows go to the report only. A duplicate key (ticket_id, unit) can only be seen
// after its first occurrence was passed to fn: the report then counts it invalid, and callers treat
// the read as invalid. The error is for input that cannot be read at all (empty file, unreadable
// workbook, missing required column, unknown encoding: a *scoring.Error with code Invalid naming
// the file), for I/O, or fn's own error, which stops the read and is returned as it is.
func Tickets(name string, r io.Reader, dir *scoring.Directory, opt Options, fn func(row int, a *scoring.Assignment) error) (*Report, error) {
	t, err := openTable(name, r)
	if err != nil {
		return nil, err
	}
	defer t.close()
	l, err := resolveTickets(name, t.header, opt.Mapping, opt.Loc)
	if err != nil {
		return nil, err
	}
	p := newRowParser(l, dir, t, maphash.MakeSeed(), opt.Lean)
	c := newCollector(name, opt.MaxErrors)
	var a scoring.Assignment
	for {
		ln, err := t.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		if p.parse(c, ln, &a) == rowValid {
			if err := fn(ln.row, &a); err != nil {
				return finish(name, opt, l, t, []*collector{c}), err
			}
		}
	}
	rep := finish(name, opt, l, t, []*collector{c})
	if rep.Rows == 0 {
		return rep, fileError(name, "no data rows below the header")
	}
	return rep, nil
}

// finish merges the collectors into the report.
func finish(name string, opt Options, l *layout, t *table, cs []*collector) *Report {
	rep := report(name, opt.MaxErrors, cs, l.label[fTicketID])
	rep.Ignored = append(append([]string(nil), l.ignored...), t.skipped...)
	return rep
}
