package imports

import (
	"fmt"
	"strings"
	"time"

	"sanlv/scoring"
)

// layout is how the columns of one tickets file feed the fields.
type layout struct {
	header []string
	// col is the column index of each field, -1 when the file has none.
	col [numFields]int
	// label names each field in messages: its column header, or its name.
	label [numFields]string
	// fixed is the mapping's default for a field without a column; nil when none.
	fixed [numFields][]byte
	// order lists the fields to read, by column.
	order   []field
	values  [numFields]map[string][]byte
	star    [numFields][]byte
	layouts []string
	loc     *time.Location
	ignored []string
	// pos orders the labels of a row's problems by column; fields without a column come last.
	pos map[string]int
}

// defaultLoc is the zone of datetimes without one when neither the options nor a mapping name one.
func defaultLoc() *time.Location {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		return time.FixedZone("CST", 8*3600) // Shanghai has had no daylight saving time since 1991
	}
	return loc
}

// resolveTickets matches the header of a tickets file to the fields, using the mapping when given.
func resolveTickets(name string, header []string, m *Mapping, loc *time.Location) (*layout, error) {
	if hint := separatorHint(header); hint != "" {
		return nil, fileError(name, "%s", hint)
	}
	l := &layout{header: header, loc: loc}
	if l.loc == nil {
		l.loc = defaultLoc()
	}
	keys := make([]string, len(header))
	for i, h := range header {
		keys[i] = headerKey(h)
	}
	used := make([]bool, len(header))
	// clash marks the fields given by more than one column (already reported).
	var clash [numFields]bool
	var errs []scoring.FieldError
	fail := func(field, format string, args ...any) {
		errs = append(errs, scoring.FieldError{Field: field, Reason: fmt.Sprintf(format, args...)})
	}
	for f := range numFields {
		l.col[f] = -1
		l.label[f] = f.String()
	}
	if m != nil {
		for f := range numFields {
			src, ok := m.columns[f]
			if !ok {
				continue
			}
			cols := find(keys, func(k string) bool { return k == headerKey(src) })
			switch len(cols) {
			case 0:
				fail(name+":1:"+src, "column %q of the mapping (for %s) is not in the file", src, f)
			case 1:
				l.col[f] = cols[0]
				used[cols[0]] = true
			default:
				fail(name+":1:"+src, "column %q (mapped to %s) appears %d times in the header (columns %s): rename or delete all but one in the file", src, f, len(cols), colNumbers(cols))
				clash[f] = true
				for _, c := range cols {
					used[c] = true
				}
			}
		}
		if m.loc != nil {
			l.loc = m.loc
		}
		l.layouts = m.layouts
	}
	// Columns the mapping says to ignore are not read even when their header is a standard one.
	skip := make([]bool, len(header))
	if m != nil {
		for i, k := range keys {
			if m.ignore[k] && !used[i] {
				skip[i], used[i] = true, true
			}
		}
	}
	for f := range numFields {
		if m != nil {
			if _, ok := m.columns[f]; ok {
				continue
			}
		}
		cols := find(keys, func(k string) bool { g, ok := standardHeaders[k]; return ok && g == f })
		cols = slicesDeleteUsed(cols, used)
		switch len(cols) {
		case 0:
		case 1:
			l.col[f] = cols[0]
			used[cols[0]] = true
		default:
			names := make([]string, len(cols))
			same := true
			for i, c := range cols {
				names[i] = strings.TrimSpace(header[c])
				same = same && keys[c] == keys[cols[0]]
				used[c] = true
			}
			clash[f] = true
			if same {
				// A mapping names columns by header, so it cannot choose between equal headers.
				fail(name+":1:"+names[0], "column %s (%s) appears %d times in the header (columns %s): rename or delete all but one in the file", names[0], f, len(cols), colNumbers(cols))
				continue
			}
			fail(name+":1:"+names[0], "columns %s all give %s: choose one with a column mapping", strings.Join(names, ", "), f)
		}
	}
	for f := range numFields {
		if l.col[f] >= 0 {
			l.label[f] = strings.TrimSpace(header[l.col[f]])
			continue
		}
		if m != nil {
			if v, ok := m.defaults[f]; ok {
				l.fixed[f] = []byte(v)
				continue
			}
		}
		if ticketFields[f].required && !clash[f] {
			fail(name+":1:"+f.String(), "missing required column %s (%s)", f, strings.Join(ticketFields[f].chinese, ", "))
		}
	}
	var ignore map[string]bool
	if m != nil {
		ignore = m.ignore
	}
	errs = append(errs, unknownColumns(name, header, used, l.absentHeaders(), ignore)...)
	if len(errs) > 0 {
		return nil, columnsError(name, errs)
	}
	l.order = fieldOrder(l)
	l.pos = map[string]int{"": -1}
	for f := range numFields {
		if l.col[f] >= 0 {
			l.pos[l.label[f]] = l.col[f]
		} else {
			l.pos[l.label[f]] = len(header) + int(f)
		}
	}
	for i, h := range header {
		if _, ok := l.pos[ignoredName(i, h)]; !ok {
			l.pos[ignoredName(i, h)] = i
		}
	}
	for i, h := range header {
		if !used[i] || skip[i] {
			l.ignored = append(l.ignored, ignoredName(i, h))
		}
	}
	if m != nil {
		for f, vs := range m.values {
			l.values[f] = map[string][]byte{}
			for from, to := range vs {
				if from == "*" {
					l.star[f] = []byte(to)
					continue
				}
				l.values[f][from] = []byte(to)
			}
		}
	}
	return l, nil
}

// fieldOrder lists the fields that have a column (in column order), then those with a default.
func fieldOrder(l *layout) []field {
	var order []field
	for c := range l.header {
		for f := range numFields {
			if l.col[f] == c {
				order = append(order, f)
			}
		}
	}
	for f := range numFields {
		if l.col[f] < 0 && l.fixed[f] != nil {
			order = append(order, f)
		}
	}
	return order
}

// ignoredName names an unused column for the report.
func ignoredName(i int, h string) string {
	if h = strings.TrimSpace(h); h != "" {
		return h
	}
	return fmt.Sprintf("column %d (no header)", i+1)
}

// colNumbers lists 0-based column indexes as the 1-based numbers a spreadsheet shows: "2, 6".
func colNumbers(cols []int) string {
	out := make([]string, len(cols))
	for i, c := range cols {
		out[i] = fmt.Sprint(c + 1)
	}
	return strings.Join(out, ", ")
}

// find returns the indexes of the keys that match.
func find(keys []string, match func(string) bool) []int {
	var out []int
	for i, k := range keys {
		if match(k) {
			out = append(out, i)
		}
	}
	return out
}

// slicesDeleteUsed drops the columns already taken by the mapping.
func slicesDeleteUsed(cols []int, used []bool) []int {
	out := cols[:0]
	for _, c := range cols {
		if !used[c] {
			out = append(out, c)
		}
	}
	return out
}

// separatorHint explains a header read as one column: the file uses another separator.
func separatorHint(header []string) string {
	if len(header) == 1 {
		for _, sep := range []string{";", "\t", "|"} {
			if strings.Contains(header[0], sep) {
				return fmt.Sprintf("the header is one column: is %q the separator? Save the file as CSV with commas", sep)
			}
		}
	}
	return ""
}
