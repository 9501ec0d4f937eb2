package imports

import (
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"strings"

	"sanlv/scoring"
)

// Tickets streams the rows of a tickets file: CSV (UTF-8 with or without a byte-order mark, or
// GB18030), XLSX (streamed) or .xls, recognised by content; the sheet and header row are found as
// the package documentation says. fn is called for each valid row
// with a reused *scoring.Assignment (copy what you keep; its strings are fresh per row) and the row
// number; invalid rows go to the report only. A duplicate key (ticket_id, unit) can only be seen
// after its first occurrence was passed to fn: the report then counts it invalid, and callers treat
// the read as invalid. The error is for input that cannot be read at all (empty file, unreadable
// workbook, missing required column, unknown encoding: a *scoring.Error with code Invalid naming
// the file), for I/O, or fn's own error, which stops the read and is returned as it is.
func Tickets(name string, r io.Reader, dir *scoring.Directory, opt Options, fn func(row int, a *scoring.Assignment) error) (*Report, error) {
	t, err := openTableAt(name, r, opt.pick(), ticketProbe(opt.Mapping))
	if err != nil {
		return nil, headerErr(name, err, func(h []string) error {
			_, err := resolveTickets(name, h, opt.Mapping, opt.Loc)
			return err
		})
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
	rep.Sheet, rep.HeaderRow = t.sheet, t.headerRow
	for f := range numFields {
		if l.col[f] >= 0 || l.fixed[f] != nil {
			rep.Present = append(rep.Present, f.String())
		}
		n := 0
		for _, c := range cs {
			n += c.dateOnlyN[f]
		}
		if n > 0 {
			first := 0
			for _, c := range cs {
				if c.dateOnlyN[f] > 0 && (first == 0 || c.dateOnlyFirst[f] < first) {
					first = c.dateOnlyFirst[f]
				}
			}
			when := "当天 00:00"
			if f.isDeadline() {
				when = "当天结束（次日 00:00）"
			}
			rep.Notes = append(rep.Notes, fmt.Sprintf("%s：%d 个单元格只有日期没有时间（首见第 %d 行），按%s读取", l.label[f], n, first, when))
		}
	}
	rep.Notes = append(append([]string(nil), t.notes...), rep.Notes...)
	return rep
}

// pick returns where to read: the options' sheet and header row, else the mapping's.
func (opt Options) pick() pick {
	pk := pick{sheet: opt.Sheet, headerRow: opt.HeaderRow}
	if m := opt.Mapping; m != nil {
		if pk.sheet == "" {
			pk.sheet = m.sheet
		}
		if pk.headerRow == 0 {
			pk.headerRow = m.headerRow
		}
	}
	return pk
}

// ticketProbe counts the required ticket fields a candidate header row lacks.
func ticketProbe(m *Mapping) probe {
	return func(header []string) int {
		keys := make(map[string]bool, len(header))
		for _, h := range header {
			keys[headerKey(h)] = true
		}
		missing := 0
		for f := range numFields {
			if !ticketFields[f].required {
				continue
			}
			if m != nil {
				if src, ok := m.columns[f]; ok {
					if !keys[headerKey(src)] {
						missing++
					}
					continue
				}
				if _, ok := m.defaults[f]; ok {
					continue
				}
			}
			found := keys[ticketFields[f].name]
			for _, h := range ticketFields[f].chinese {
				found = found || keys[headerKey(h)]
			}
			if !found {
				missing++
			}
		}
		return missing
	}
}

// headerErr explains a failure to find the header row with the resolver's error for the closest candidate.
func headerErr(name string, err error, resolve func([]string) error) error {
	var nh *noHeader
	if !errors.As(err, &nh) {
		return err
	}
	var why error = errors.New("no column matches")
	if nh.best != nil {
		if e := resolve(nh.best); e != nil {
			why = errors.New(strings.TrimPrefix(e.Error(), name+": "))
		}
	}
	return nh.explain(name, why)
}
