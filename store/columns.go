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

// column is one stored field of an assignment.
type column struct {
	// id is the column's position in cols (iTicket, iUnit, …).
	id   int
	name string
	typ  colType
	// words names each enum value for the audit log; "" is written as null.
	words []string
	// override marks a field an exclusion or a callback correction may override.
	override bool
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
	nRoles         = 2
	nKinds         = 6
	nUrgencies     = 4
	nResolutions   = 4
	nSatisfactions = 6
)

// cols lists the stored fields of an assignment in table order; the first two are the key.
var cols = []column{
	{name: "ticket_id", typ: cText},
	{name: "unit", typ: cText},
	{name: "role", typ: cEnum, words: enumWords[scoring.Role](nRoles)},
	{name: "kind", typ: cEnum, words: enumWords[scoring.Kind](nKinds)},
	{name: "urgency", typ: cEnum, words: enumWords[scoring.Urgency](nUrgencies)},
	{name: "resolution", typ: cEnum, words: enumWords[scoring.Resolution](nResolutions), override: true},
	{name: "satisfaction", typ: cEnum, words: enumWords[scoring.Satisfaction](nSatisfactions), override: true},
	{name: "contacted", typ: cTri, override: true},
	{name: "callback_valid", typ: cBool, override: true},
	{name: "supervised", typ: cBool},
	{name: "incomplete_materials", typ: cBool},
	{name: "opinion_incident", typ: cBool},
	{name: "excluded", typ: cBool, override: true},
	{name: "exclude_reason", typ: cText, override: true},
	{name: "redispatches", typ: cInt},
	{name: "received_at", typ: cTime},
	{name: "dispatched_at", typ: cTime},
	{name: "contacted_at", typ: cTime},
	{name: "closed_at", typ: cTime},
	{name: "due_at", typ: cTime},
	{name: "category", typ: cText},
	{name: "caller_phone", typ: cText},
}

func init() {
	for i := range cols {
		cols[i].id = i
	}
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
	nCols
)

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

// distinct is a NULL-safe "a differs from b" over every non-key column.
func distinct(pg bool, a, b string) string {
	op := " IS NOT "
	if pg {
		op = " IS DISTINCT FROM "
	}
	var parts []string
	for _, c := range cols[2:] {
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

// values appends an assignment's stored values in cols order.
func values(dst []any, a *scoring.Assignment, unit string) []any {
	return append(dst,
		a.TicketID, unit, int16(a.Role), int16(a.Kind), int16(a.Urgency), int16(a.Resolution),
		int16(a.Satisfaction), int16(a.Contacted), a.CallbackValid, a.Supervised, a.IncompleteMaterials,
		a.OpinionIncident, a.Excluded, a.ExcludeReason, a.Redispatches,
		timeValue(a.Received), timeValue(a.Dispatched), timeValue(a.ContactAt), timeValue(a.Closed), timeValue(a.Due),
		a.Category, a.CallerPhone)
}
