package store

import (
	"fmt"
	"strings"

	"sanlv/fields"
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

// column is one stored field of an assignment, made from its declaration in the fields table: the
// store's column lists, staging table, COPY and INSERT values, reads, audit and upsert derive from it.
// A test checks the table against the migrated schema of both databases.
type column struct {
	// id is the column's position in cols (iTicket, iUnit, …), the field's fields.ID.
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

// Number of values of the enums a correction may set.
const (
	nResolutions   = scoring.Resolution(scoring.NumResolutions)
	nSatisfactions = scoring.Satisfaction(scoring.NumSatisfactions)
)

// colTypes is the store type of each field type.
var colTypes = [...]colType{fields.Text: cText, fields.Time: cTime, fields.Deadline: cTime, fields.Enum: cEnum,
	fields.Tri: cTri, fields.Bool: cBool, fields.Int: cInt}

// cols lists the stored fields of an assignment in store order (storeOrder, then the fields it does not
// name in table order); the first two are the key.
var cols = func() []column {
	var out []column
	named := map[fields.ID]bool{}
	for _, id := range storeOrder {
		named[id] = true
	}
	order := append([]fields.ID(nil), storeOrder[:]...)
	for _, f := range fields.All() {
		if !named[f.ID] {
			order = append(order, f.ID)
		}
	}
	for i, id := range order {
		f := fields.Get(id)
		out = append(out, column{id: i, field: f.Name, name: f.Column, typ: colTypes[f.Type], words: f.Words,
			override: f.Override, personal: f.Personal, unscored: f.Unscored, policyText: f.PolicyText, bits: f.Bits,
			num: f.Num, setNum: f.SetNum, text: f.Text, setText: f.SetText})
	}
	return out
}()

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
	nCols = int(fields.Count)
)

// storeOrder places the fields in the store's column lists. The digest of a published edition's inputs
// writes the values in this order, so it must not change: a field added to the fields table needs no
// entry here, it follows in table order.
var storeOrder = [...]fields.ID{iTicket: fields.TicketID, iUnit: fields.Unit, iRole: fields.Role, iKind: fields.Kind,
	iUrgency: fields.Urgency, iResolution: fields.Resolved, iSatisfaction: fields.Satisfaction, iContacted: fields.Contacted,
	iCallbackValid: fields.CallbackValid, iSupervised: fields.Supervised, iIncomplete: fields.Incomplete,
	iOpinion: fields.Opinion, iExcluded: fields.Excluded, iExcludeReason: fields.ExcludeReason,
	iRedispatches: fields.Redispatches, iReceived: fields.Received, iDispatched: fields.Dispatched,
	iContactAt: fields.ContactAt, iClosed: fields.Closed, iDue: fields.Due, iCategory: fields.Category,
	iPhone: fields.CallerPhone, iAccepted: fields.Accepted, iExtendedDue: fields.ExtendedDue, iReturn: fields.ReturnStatus,
	iReturned: fields.Returned, iDuplicateOf: fields.DuplicateOf, iChannel: fields.Channel, iHotline: fields.Hotline}

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
