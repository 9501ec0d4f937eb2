package store

import (
	"fmt"
	"strings"

	"sanlv/scoring"
)

// colType is how an assignment column is stored.
type colType uint8

const (
	cText colType = iota
	cEnum         // SMALLINT holding a scoring enum value
	cTri          // SMALLINT: 0 unknown, 1 yes, 2 no
	cBool         // BOOLEAN (PostgreSQL) or 0/1 INTEGER (SQLite)
	cInt          // INTEGER
	cTime         // BIGINT Unix seconds, NULL when empty
)

// column is one stored field of an assignment: the one declaration of a ticket field from which the
// store's column lists, staging table, COPY and INSERT values, reads, audit and upsert are derived.
// A test checks the table against the migrated schema of both databases.
type column struct {
	// id is the column's position in cols (iTicket, iUnit, …).
	id int
	// field is the field's name in SPEC §3.2 and §13.1 (ImportOptions.Present names fields so).
	field string
	// name is the store column.
	name string
	typ  colType
	// words names each enum value for the audit log; "" is written as null.
	words []string
	// override marks a field an exclusion or a callback correction may override.
	override bool
	// personal marks personal data: masked in the audit log and every answer.
	personal bool
	// unscored marks a text field scoring never reads (a lean read skips it).
	unscored bool
	// policyText marks a text field only a policy's scope or repeat window reads (Query.NoPolicyText skips it).
	policyText bool
	// bits is the width of a small field (enum, tri, bool) in the packed integer reads select.
	bits uint
	// num and setNum get and set a numeric field (enum, tri, bool as 0/1, int, time as Unix seconds).
	num    func(a *scoring.Assignment) int64
	setNum func(a *scoring.Assignment, v int64)
	// text and setText get and set a text field; the unit column has neither (its code comes from the directory).
	text    func(a *scoring.Assignment) string
	setText func(a *scoring.Assignment, v string)
}

func enumWords[T interface {
	~uint8
	String() string
}](n int) []string {
	w := make([]string, n)
	for i := range w {
		w[i] = T(i).String()
	}
	return w
}

// Number of values of each scoring enum; a test pins them against the scoring package.
const (
	nRoles          = 2
	nKinds          = 6
	nUrgencies      = 4
	nResolutions    = 4
	nSatisfactions  = 6
	nReturnStatuses = 3
)

func b2i(v bool) int64 {
	if v {
		return 1
	}
	return 0
}

// textCol declares a text field.
func textCol(field, name string, get func(*scoring.Assignment) *string) column {
	return column{field: field, name: name, typ: cText,
		text:    func(a *scoring.Assignment) string { return *get(a) },
		setText: func(a *scoring.Assignment, v string) { *get(a) = v }}
}

// timeCol declares a time field.
func timeCol(field, name string, get func(*scoring.Assignment) *int64) column {
	return column{field: field, name: name, typ: cTime,
		num:    func(a *scoring.Assignment) int64 { return *get(a) },
		setNum: func(a *scoring.Assignment, v int64) { *get(a) = v }}
}

// boolCol declares a boolean field.
func boolCol(field string, get func(*scoring.Assignment) *bool) column {
	return column{field: field, name: field, typ: cBool, bits: 1,
		num:    func(a *scoring.Assignment) int64 { return b2i(*get(a)) },
		setNum: func(a *scoring.Assignment, v int64) { *get(a) = v != 0 }}
}

// enumCol declares a small-integer field (an enum or a tri-state) of the given width in bits.
func enumCol[T ~uint8](field, name string, typ colType, bits uint, words []string, get func(*scoring.Assignment) *T) column {
	return column{field: field, name: name, typ: typ, bits: bits, words: words,
		num:    func(a *scoring.Assignment) int64 { return int64(*get(a)) },
		setNum: func(a *scoring.Assignment, v int64) { *get(a) = T(v) }}
}

// forPolicy returns c marked as read only for a policy's scope or repeat window.
func (c column) forPolicy() column {
	c.policyText = true
	return c
}

// with returns c with the flags set.
func (c column) with(override, personal, unscored bool) column {
	c.override, c.personal, c.unscored = override, personal, unscored
	return c
}

type asg = scoring.Assignment

// cols lists the stored fields of an assignment in table order; the first two are the key.
var cols = numbered([]column{
	textCol("ticket_id", "ticket_id", func(a *asg) *string { return &a.TicketID }),
	{field: "unit", name: "unit", typ: cText},
	enumCol("role", "role", cEnum, 1, enumWords[scoring.Role](nRoles), func(a *asg) *scoring.Role { return &a.Role }),
	enumCol("kind", "kind", cEnum, 3, enumWords[scoring.Kind](nKinds), func(a *asg) *scoring.Kind { return &a.Kind }),
	enumCol("urgency", "urgency", cEnum, 2, enumWords[scoring.Urgency](nUrgencies), func(a *asg) *scoring.Urgency { return &a.Urgency }),
	enumCol("resolved", "resolution", cEnum, 2, enumWords[scoring.Resolution](nResolutions),
		func(a *asg) *scoring.Resolution { return &a.Resolution }).with(true, false, false),
	enumCol("satisfaction", "satisfaction", cEnum, 3, enumWords[scoring.Satisfaction](nSatisfactions),
		func(a *asg) *scoring.Satisfaction { return &a.Satisfaction }).with(true, false, false),
	enumCol("contacted", "contacted", cTri, 2, nil, func(a *asg) *scoring.Tri { return &a.Contacted }).with(true, false, false),
	boolCol("callback_valid", func(a *asg) *bool { return &a.CallbackValid }).with(true, false, false),
	boolCol("supervised", func(a *asg) *bool { return &a.Supervised }),
	boolCol("incomplete_materials", func(a *asg) *bool { return &a.IncompleteMaterials }),
	boolCol("opinion_incident", func(a *asg) *bool { return &a.OpinionIncident }),
	boolCol("excluded", func(a *asg) *bool { return &a.Excluded }).with(true, false, false),
	textCol("exclude_reason", "exclude_reason", func(a *asg) *string { return &a.ExcludeReason }).with(true, false, true),
	{field: "redispatches", name: "redispatches", typ: cInt,
		num:    func(a *asg) int64 { return int64(a.Redispatches) },
		setNum: func(a *asg, v int64) { a.Redispatches = int32(v) }},
	timeCol("received_at", "received_at", func(a *asg) *int64 { return &a.Received }),
	timeCol("dispatched_at", "dispatched_at", func(a *asg) *int64 { return &a.Dispatched }),
	timeCol("contacted_at", "contacted_at", func(a *asg) *int64 { return &a.ContactAt }),
	timeCol("closed_at", "closed_at", func(a *asg) *int64 { return &a.Closed }),
	timeCol("due_at", "due_at", func(a *asg) *int64 { return &a.Due }),
	textCol("category", "category", func(a *asg) *string { return &a.Category }).forPolicy(),
	textCol("caller_phone", "caller_phone", func(a *asg) *string { return &a.CallerPhone }).with(false, true, false).forPolicy(),
	// Second edition (SPEC §13.1).
	timeCol("accepted_at", "accepted_at", func(a *asg) *int64 { return &a.Accepted }),
	timeCol("extended_due_at", "extended_due_at", func(a *asg) *int64 { return &a.ExtendedDue }),
	enumCol("return_status", "return_status", cEnum, 2, enumWords[scoring.ReturnStatus](nReturnStatuses),
		func(a *asg) *scoring.ReturnStatus { return &a.Return }),
	timeCol("returned_at", "returned_at", func(a *asg) *int64 { return &a.Returned }),
	textCol("duplicate_of", "duplicate_of", func(a *asg) *string { return &a.DuplicateOf }),
	textCol("channel", "channel", func(a *asg) *string { return &a.Channel }).forPolicy(),
	textCol("hotline", "hotline", func(a *asg) *string { return &a.Hotline }).forPolicy(),
})

// numbered sets each column's id to its position (before the tables derived from cols are built).
func numbered(cs []column) []column {
	for i := range cs {
		cs[i].id = i
	}
	return cs
}

// Column positions in cols.
const (
	iTicket = iota
	iUnit
	iRole
	iKind
	iUrgency
	iResolution
	iSatisfaction
	iContacted
	iCallbackValid
	iSupervised
	iIncomplete
	iOpinion
	iExcluded
	iExcludeReason
	iRedispatches
	iReceived
	iDispatched
	iContactAt
	iClosed
	iDue
	iCategory
	iPhone
	iAccepted
	iExtendedDue
	iReturn
	iReturned
	iDuplicateOf
	iChannel
	iHotline
	nCols
)

// fieldCols returns the non-key columns whose fields are in present (nil: all of them), in table order.
func fieldCols(present map[string]bool) []column {
	var out []column
	for _, c := range cols[2:] {
		if present == nil || present[c.field] {
			out = append(out, c)
		}
	}
	return out
}

// colNames returns the names of cols, each prefixed with alias and a dot when alias is set.
func colNames(alias string, cs []column) string {
	var b strings.Builder
	for i, c := range cs {
		if i > 0 {
			b.WriteString(", ")
		}
		if alias != "" {
			b.WriteString(alias + ".")
		}
		b.WriteString(c.name)
	}
	return b.String()
}

// sqlType is the staging-table type of a column.
func (c column) sqlType(pg bool) string {
	switch {
	case c.typ == cText && pg:
		return `TEXT COLLATE "C"`
	case c.typ == cText:
		return "TEXT"
	case !pg:
		return "INTEGER"
	case c.typ == cEnum, c.typ == cTri:
		return "SMALLINT"
	case c.typ == cBool:
		return "BOOLEAN"
	case c.typ == cInt:
		return "INTEGER"
	}
	return "BIGINT"
}

// distinct is a NULL-safe "a differs from b" over the columns cs.
func distinct(pg bool, a, b string, cs []column) string {
	op := " IS NOT "
	if pg {
		op = " IS DISTINCT FROM "
	}
	var parts []string
	for _, c := range cs {
		parts = append(parts, a+"."+c.name+op+b+"."+c.name)
	}
	return "(" + strings.Join(parts, " OR ") + ")"
}

// jsonExpr builds a JSON object of the columns of the row alias, enums as words, in SQL.
func jsonExpr(pg bool, alias string, cs []column) string {
	var b strings.Builder
	if pg {
		b.WriteString("jsonb_build_object(")
	} else {
		b.WriteString("json_object(")
	}
	for i, c := range cs {
		if i > 0 {
			b.WriteString(", ")
		}
		ref := alias + "." + c.name
		fmt.Fprintf(&b, "'%s', ", c.name)
		switch {
		case c.typ == cEnum:
			b.WriteString("CASE " + ref)
			for v, w := range c.words {
				if w == "" {
					fmt.Fprintf(&b, " WHEN %d THEN NULL", v)
				} else {
					fmt.Fprintf(&b, " WHEN %d THEN '%s'", v, w)
				}
			}
			b.WriteString(" END")
		case c.typ == cTri && pg:
			b.WriteString("CASE " + ref + " WHEN 1 THEN true WHEN 2 THEN false END")
		case c.typ == cTri:
			b.WriteString("json(CASE " + ref + " WHEN 1 THEN 'true' WHEN 2 THEN 'false' ELSE 'null' END)")
		case c.typ == cBool && !pg:
			b.WriteString("json(CASE WHEN " + ref + " THEN 'true' ELSE 'false' END)")
		default:
			b.WriteString(ref)
		}
	}
	b.WriteString(")")
	return b.String()
}

// timeValue stores an empty time (0) as NULL.
func timeValue(t int64) any {
	if t == 0 {
		return nil
	}
	return t
}

// values appends an assignment's stored values in cols order, typed for pgx's COPY.
func values(dst []any, a *scoring.Assignment, unit string) []any {
	for i := range cols {
		c := &cols[i]
		switch {
		case c.id == iUnit:
			dst = append(dst, unit)
		case c.typ == cText:
			dst = append(dst, c.text(a))
		case c.typ == cBool:
			dst = append(dst, c.num(a) != 0)
		case c.typ == cTime:
			dst = append(dst, timeValue(c.num(a)))
		case c.typ == cInt:
			dst = append(dst, int32(c.num(a)))
		default:
			dst = append(dst, int16(c.num(a)))
		}
	}
	return dst
}
