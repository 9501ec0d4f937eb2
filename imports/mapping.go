package imports

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"gopkg.in/yaml.v3"

	"sanlv/fields"
	"sanlv/scoring"
)

// Mapping maps the columns and value spellings of another system's export onto the tickets
// fields of SPEC §3.2. It is parsed from YAML:
//
//	columns:            # our field: source header (one source column may feed several fields)
//	  ticket_id: Unique Key
//	  received_at: Created Date
//	  dispatched_at: Created Date
//	  closed_at: Closed Date
//	  unit: Agency
//	  kind: Complaint Type
//	values:             # per field: source spelling → our value
//	  kind: {Noise - Residential: complaint, Illegal Parking: report, "*": help}
//	  unit: {NYPD: D01}
//	defaults: {callback_valid: "false", urgency: normal}
//	ignore: [工单状态, 备注]  # source columns not to read (even standard ones), without a "did you mean"
//	sheet: 工单明细          # workbook sheet, by name or 1-based number
//	header_row: 3          # row of the header
//	datetime_layouts: ["01/02/2006 03:04:05 PM"]
//	timezone: America/New_York
//
// A key given twice in one map is an error (YAML would keep the last); a file that is not UTF-8
// is refused with a hint to save it as UTF-8. Every error names its key path and line.
// Fields not named under columns are still found by their standard English or Chinese headers.
// Under values, a spelling is matched exactly against the trimmed cell; "*" stands for any other
// non-empty spelling; a spelling not listed (and no "*") is read as it is, so our own words keep
// working; "" may be listed to give empty cells a value. A target may be "" (read as an empty cell).
// defaults gives a constant to a field that has no column in the file; a field may not have both.
// datetime_layouts are Go time layouts tried before the built-in formats. timezone is the zone of
// the source's datetimes without a zone; it overrides Options.Loc.
type Mapping struct {
	name     string
	columns  map[field]string
	values   map[field]map[string]string
	defaults map[field]string
	layouts  []string
	loc      *time.Location
	// ignore lists source headers (normalised by headerKey) to leave unread without a "did you mean".
	ignore map[string]bool
	// sheet and headerRow choose where the table is (see Options.Sheet and Options.HeaderRow).
	sheet     string
	headerRow int
	// lines keeps the YAML line of each default and value target, for messages.
	lines map[string]int
}

// yamlErrLine finds the line a YAML syntax error names.
var yamlErrLine = regexp.MustCompile(`line (\d+)`)

var mappingKeys = []string{"columns", "values", "defaults", "ignore", "sheet", "header_row", "datetime_layouts", "timezone"}

// ParseMapping parses and checks a column-mapping file; every problem is reported, naming its key.
func ParseMapping(name string, data []byte) (*Mapping, error) {
	if !utf8.Valid(data) {
		return nil, fileError(name, "not UTF-8 (saved as GBK/GB18030?): 请另存为 UTF-8 编码后再试")
	}
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		msg := strings.TrimPrefix(err.Error(), "yaml: ")
		if m := yamlErrLine.FindStringSubmatch(msg); m != nil {
			line, _ := strconv.Atoi(m[1])
			msg += scoring.TabHint(data, line)
		}
		return nil, fileError(name, "not valid YAML: %s", msg)
	}
	if root.Kind == 0 || len(root.Content) == 0 {
		return nil, fileError(name, "empty file: a mapping has the keys %s", strings.Join(mappingKeys, ", "))
	}
	if top := root.Content[0]; top.Kind != yaml.MappingNode {
		return nil, fileError(name, "line %d: want a map of the keys %s, not a list or a single value", top.Line, strings.Join(mappingKeys, ", "))
	}
	mp := &mappingParser{m: &Mapping{name: name, columns: map[field]string{},
		values: map[field]map[string]string{}, defaults: map[field]string{}, ignore: map[string]bool{}, lines: map[string]int{}}}
	top := root.Content[0]
	mp.duplicates("", top)
	for i := 0; i+1 < len(top.Content); i += 2 {
		k, v := top.Content[i], top.Content[i+1]
		switch k.Value {
		case "columns":
			mp.columns(v)
		case "values":
			mp.values(v)
		case "defaults":
			mp.defaults(v)
		case "datetime_layouts":
			mp.layouts(v)
		case "timezone":
			mp.timezone(v)
		case "ignore":
			mp.ignoreList(v)
		case "sheet":
			if sh, ok := mp.scalar("sheet", v); ok {
				mp.m.sheet = strings.TrimSpace(sh)
			}
		case "header_row":
			if hr, ok := mp.scalar("header_row", v); ok {
				n, err := strconv.Atoi(strings.TrimSpace(hr))
				if err != nil || n < 1 {
					mp.fail("header_row", v, "must be a row number ≥ 1, not %q", hr)
				} else {
					mp.m.headerRow = n
				}
			}
		default:
			mp.fail(k.Value, k, "unknown key (known: %s)", strings.Join(mappingKeys, ", "))
		}
	}
	mp.check()
	if len(mp.errs) > 0 {
		msgs := make([]string, len(mp.errs))
		for i, e := range mp.errs {
			msgs[i] = e.Field + ": " + e.Reason
		}
		return nil, &scoring.Error{Code: scoring.Invalid, Message: name + ": " + strings.Join(msgs, "; "), Fields: mp.errs}
	}
	return mp.m, nil
}

// duplicates refuses a key given twice in one map (YAML would silently keep the last).
func (mp *mappingParser) duplicates(path string, n *yaml.Node) {
	switch n.Kind {
	case yaml.MappingNode:
		seen := map[string]int{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			key := k.Value
			if path != "" {
				key = path + "." + k.Value
			}
			if first, dup := seen[k.Value]; dup {
				mp.fail(key, k, "key given twice (first at line %d)", first)
			} else {
				seen[k.Value] = k.Line
			}
			mp.duplicates(key, n.Content[i+1])
		}
	case yaml.SequenceNode:
		for i, c := range n.Content {
			mp.duplicates(fmt.Sprintf("%s[%d]", path, i), c)
		}
	}
}

// ignoreList reads the source headers to leave unread.
func (mp *mappingParser) ignoreList(n *yaml.Node) {
	if n.Kind != yaml.SequenceNode {
		mp.fail("ignore", n, "must be a list of source column headers")
		return
	}
	for i, v := range n.Content {
		if h, ok := mp.scalar(fmt.Sprintf("ignore[%d]", i), v); ok && strings.TrimSpace(h) != "" {
			mp.m.ignore[headerKey(h)] = true
		}
	}
}

type mappingParser struct {
	m    *Mapping
	errs []scoring.FieldError
}

func (mp *mappingParser) fail(key string, n *yaml.Node, format string, args ...any) {
	mp.errs = append(mp.errs, scoring.FieldError{Field: key,
		Reason: fmt.Sprintf("line %d: ", n.Line) + fmt.Sprintf(format, args...)})
}

// pairs walks a map node, checking that each key is a field name, and calls fn with the field and value node.
func (mp *mappingParser) pairs(path string, n *yaml.Node, fn func(f field, key string, v *yaml.Node)) {
	if n.Kind != yaml.MappingNode {
		mp.fail(path, n, "must be a map of field names")
		return
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		key := path + "." + k.Value
		f, ok := fieldByName(k.Value)
		if !ok {
			mp.fail(key, k, "unknown field (known: %s)", fieldList())
			continue
		}
		fn(f, key, v)
	}
}

// scalar returns the text of a scalar node, failing on lists and maps.
func (mp *mappingParser) scalar(key string, n *yaml.Node) (string, bool) {
	if n.Kind != yaml.ScalarNode {
		mp.fail(key, n, "must be a single value, not a %s", nodeKind(n))
		return "", false
	}
	if n.Tag == "!!null" {
		return "", true
	}
	return n.Value, true
}

// nodeKind names the kind of a YAML node for messages.
func nodeKind(n *yaml.Node) string {
	switch n.Kind {
	case yaml.SequenceNode:
		return "list"
	case yaml.MappingNode:
		return "map"
	case yaml.AliasNode:
		return "alias"
	}
	return "value"
}

func (mp *mappingParser) columns(n *yaml.Node) {
	mp.pairs("columns", n, func(f field, key string, v *yaml.Node) {
		s, ok := mp.scalar(key, v)
		if !ok {
			return
		}
		if strings.TrimSpace(s) == "" {
			mp.fail(key, v, "empty source column")
			return
		}
		mp.m.columns[f] = strings.TrimSpace(s)
	})
}

func (mp *mappingParser) values(n *yaml.Node) {
	mp.pairs("values", n, func(f field, key string, v *yaml.Node) {
		if v.Kind != yaml.MappingNode {
			mp.fail(key, v, "must be a map of source spelling to value")
			return
		}
		m := map[string]string{}
		for i := 0; i+1 < len(v.Content); i += 2 {
			from, ok1 := mp.scalar(key, v.Content[i])
			to, ok2 := mp.scalar(key+"."+from, v.Content[i+1])
			if !ok1 || !ok2 {
				continue
			}
			m[strings.TrimSpace(from)] = strings.TrimSpace(to)
			mp.m.lines["values."+f.String()+"."+strings.TrimSpace(from)] = v.Content[i+1].Line
		}
		mp.m.values[f] = m
	})
}

func (mp *mappingParser) defaults(n *yaml.Node) {
	mp.pairs("defaults", n, func(f field, key string, v *yaml.Node) {
		if s, ok := mp.scalar(key, v); ok {
			mp.m.defaults[f] = strings.TrimSpace(s)
			mp.m.lines[key] = v.Line
		}
	})
}

func (mp *mappingParser) layouts(n *yaml.Node) {
	if n.Kind != yaml.SequenceNode {
		mp.fail("datetime_layouts", n, "must be a list of Go time layouts")
		return
	}
	ref := time.Date(2025, 6, 3, 14, 5, 9, 0, time.UTC)
	for i, v := range n.Content {
		key := fmt.Sprintf("datetime_layouts[%d]", i)
		l, ok := mp.scalar(key, v)
		if !ok {
			continue
		}
		t, err := time.Parse(l, ref.Format(l))
		if err != nil || t.Year() != 2025 || t.Month() != 6 || t.Day() != 3 {
			mp.fail(key, v, "%q is not a Go time layout with year, month and day (like \"01/02/2006 03:04:05 PM\")", l)
			continue
		}
		mp.m.layouts = append(mp.m.layouts, l)
	}
}

func (mp *mappingParser) timezone(n *yaml.Node) {
	s, ok := mp.scalar("timezone", n)
	if !ok {
		return
	}
	loc, err := time.LoadLocation(s)
	if err != nil || s == "" {
		mp.fail("timezone", n, "unknown time zone %q", s)
		return
	}
	mp.m.loc = loc
}

// check validates targets and defaults against each field's domain.
func (mp *mappingParser) check() {
	m := mp.m
	at := len(mp.errs)
	defer func() {
		for i := at; i < len(mp.errs); i++ {
			if l := m.lines[mp.errs[i].Field]; l > 0 {
				mp.errs[i].Reason = fmt.Sprintf("line %d: %s", l, mp.errs[i].Reason)
			}
		}
	}()
	c := newClock(time.UTC)
	for _, f := range slices.Sorted(maps.Keys(m.defaults)) {
		key := "defaults." + f.String()
		if _, ok := m.columns[f]; ok {
			mp.errs = append(mp.errs, scoring.FieldError{Field: key, Reason: "the field also has a source column under columns"})
			continue
		}
		v := m.defaults[f]
		if v == "" && ticketFields[f].required {
			mp.errs = append(mp.errs, scoring.FieldError{Field: key, Reason: "empty default for a required field"})
			continue
		}
		if reason := checkValue(f, v, m.layouts, c); reason != "" {
			mp.errs = append(mp.errs, scoring.FieldError{Field: key, Reason: reason})
		}
	}
	for _, f := range slices.Sorted(maps.Keys(m.values)) {
		for _, from := range slices.Sorted(maps.Keys(m.values[f])) {
			if reason := checkValue(f, m.values[f][from], m.layouts, c); reason != "" {
				mp.errs = append(mp.errs, scoring.FieldError{Field: "values." + f.String() + "." + from, Reason: reason})
			}
		}
	}
}

// checkValue returns why v is not a value of field f, or "": an enum by its scoring vocabulary (with
// its synonyms), any other field by its declared type.
func checkValue(f field, v string, layouts []string, c *clock) string {
	if v == "" {
		return ""
	}
	var err error
	switch f {
	case fRole:
		_, err = scoring.ParseRole(v)
	case fKind:
		_, err = scoring.ParseKind(v)
	case fUrgency:
		_, err = scoring.ParseUrgency(v)
	case fResolved:
		_, err = scoring.ParseResolution(v)
	case fSatisfaction:
		_, err = scoring.ParseSatisfaction(v)
	case fReturnStatus:
		_, err = scoring.ParseReturnStatus(v)
	default:
		return checkByType(f, v, layouts, c)
	}
	if err != nil {
		return err.Error()
	}
	return ""
}

// checkByType returns why v is not a value of field f by the type the fields table declares, or "".
func checkByType(f field, v string, layouts []string, c *clock) string {
	fd := fields.Get(fields.ID(f))
	var err error
	switch fd.Type {
	case fields.Bool, fields.Tri:
		_, err = scoring.ParseTri(v)
	case fields.Int:
		if _, ok := parseCount([]byte(v)); !ok {
			return fmt.Sprintf("not a whole number ≥ 0: %q", v)
		}
	case fields.Enum:
		if _, ok := enumIndex(fd, v); !ok {
			return fmt.Sprintf("unknown %s %q (accepted: %s)", fd.Name, v, strings.Join(nonEmpty(fd.Words, fd.Labels), ", "))
		}
	case fields.Time, fields.Deadline:
		for _, l := range layouts {
			if _, e := time.Parse(l, v); e == nil {
				return ""
			}
		}
		if _, ok := c.parseDatetime([]byte(v)); !ok {
			if _, _, _, ok := parseLenient([]byte(v)); !ok {
				return fmt.Sprintf("cannot read datetime %q", v)
			}
		}
	}
	if err != nil {
		return err.Error()
	}
	return ""
}

// WithPick returns a copy of m (an empty mapping when m is nil) that reads the given sheet (name or
// 1-based number) and header row; "" and 0 keep the mapping's own choice (or detection).
func (m *Mapping) WithPick(sheet string, headerRow int) *Mapping {
	var c Mapping
	if m != nil {
		c = *m
	} else {
		c = Mapping{columns: map[field]string{}, values: map[field]map[string]string{}, defaults: map[field]string{}, ignore: map[string]bool{}, lines: map[string]int{}}
	}
	if sheet != "" {
		c.sheet = sheet
	}
	if headerRow > 0 {
		c.headerRow = headerRow
	}
	return &c
}
