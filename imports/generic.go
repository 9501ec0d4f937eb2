package imports

import (
	"fmt"
	"strings"

	"sanlv/fields"
	"sanlv/scoring"
)

// generic reads a cell of a field the row parser has no code of its own for, by the type the fields
// table declares: a field added to the table is read, checked and stored with no change here.
func (p *rowParser) generic(c *collector, ln *line, f field, b []byte, a *scoring.Assignment) {
	fd := fields.Get(fields.ID(f))
	row := ln.row
	if fd.Required && !p.required(c, row, f, b) {
		return
	}
	if len(b) == 0 {
		return
	}
	switch fd.Type {
	case fields.Text:
		if p.text(c, ln, f, b) && fd.SetText != nil && !(p.lean && (fd.Unscored || fd.PolicyText)) {
			fd.SetText(a, p.strs.str(b))
		}
	case fields.Time, fields.Deadline:
		t, ok := p.datetime(b)
		if !ok {
			if t, ok = p.lenientTime(c, row, f, b); !ok {
				c.add(row, p.label[f], p.badTime(b))
				return
			}
		}
		fd.SetNum(a, t)
	case fields.Bool, fields.Tri:
		v, err := p.tri.read(b)
		p.check(c, row, f, err)
		switch {
		case fd.Type == fields.Tri:
			fd.SetNum(a, int64(v))
		case v == scoring.Yes:
			fd.SetNum(a, 1)
		default:
			fd.SetNum(a, 0)
		}
	case fields.Int:
		n, ok := parseCount(b)
		if !ok {
			c.add(row, p.label[f], fmt.Sprintf("not a whole number ≥ 0: %q", b))
			return
		}
		fd.SetNum(a, int64(n))
	case fields.Enum:
		if i, ok := enumIndex(fd, string(b)); ok {
			fd.SetNum(a, int64(i))
			return
		}
		c.add(row, p.label[f], fmt.Sprintf("unknown %s %q (accepted: %s)", fd.Name, b, strings.Join(nonEmpty(fd.Words, fd.Labels), ", ")))
	}
}

// enumIndex finds a value by its English word (any case) or Chinese label.
func enumIndex(fd fields.Field, s string) (int, bool) {
	s = strings.TrimSpace(s)
	for i, w := range fd.Words {
		if w != "" && strings.EqualFold(w, s) {
			return i, true
		}
	}
	for i, l := range fd.Labels {
		if l != "" && l == s {
			return i, true
		}
	}
	return 0, false
}

// nonEmpty lists the non-empty words of the lists.
func nonEmpty(lists ...[]string) []string {
	var out []string
	for _, l := range lists {
		for _, w := range l {
			if w != "" {
				out = append(out, w)
			}
		}
	}
	return out
}
