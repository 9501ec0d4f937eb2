// Package fields declares each ticket field once (SPEC §3.2 and §13.1): its names, how it is read,
// stored and shown. The readers, the store's column lists and the detail export derive from this table.
package fields

import (
	"slices"

	"sanlv/scoring"
)

// Type is how a field's value is written in a tickets file and held in an assignment.
type Type uint8

// Field types.
const (
	// Text is a string.
	Text Type = iota
	// Time is a datetime, held as Unix seconds (0 when empty).
	Time
	// Deadline is a datetime where a date without a time means the end of that day.
	Deadline
	// Enum is a scoring enum (role, kind, urgency, resolution, satisfaction, return status).
	Enum
	// Tri is a yes/no answer that may be unknown (scoring.Tri).
	Tri
	// Bool is a yes/no flag; an empty cell is no.
	Bool
	// Int is a whole number.
	Int
)

// IsTime reports whether the type holds a datetime.
func (t Type) IsTime() bool { return t == Time || t == Deadline }

// ID is a field's position in the table, in the column order of SPEC §3.2 then §13.1.
type ID uint8

// Field positions.
const (
	TicketID ID = iota
	Unit
	Role
	Received
	Dispatched
	ContactAt
	Closed
	Due
	Kind
	Urgency
	Category
	Redispatches
	CallbackValid
	Contacted
	Resolved
	Satisfaction
	Supervised
	Incomplete
	Opinion
	Excluded
	ExcludeReason
	CallerPhone
	// Second edition (SPEC §13.1).
	Accepted
	ExtendedDue
	ReturnStatus
	Returned
	DuplicateOf
	Channel
	Hotline
	// Count is the number of fields.
	Count
)

// Field is one ticket field.
type Field struct {
	ID ID
	// Name is the field's English name in SPEC §3.2 and §13.1 (the English header, the mapping key).
	Name string
	// Headers are the Chinese headers accepted for the field; the first is the canonical one.
	Headers []string
	// Required fields must be in every tickets file.
	Required bool
	Type     Type
	// Edition is the edition of the assessment model that introduced the field: 1, or 2 for SPEC §13.1.
	Edition int
	// Column is the store column.
	Column string
	// Bits is the width of a small field (enum, tri, bool) in the packed integer the store's reads select.
	Bits uint
	// Words names each enum value in English (the audit log); Labels in Chinese (the detail export).
	Words, Labels []string
	// Override marks a field an exclusion or a callback correction may override.
	Override bool
	// Personal marks personal data: masked in the audit log, the detail export and every answer.
	Personal bool
	// Unscored marks a text field scoring never reads (a lean read skips it).
	Unscored bool
	// PolicyText marks a text field only a policy's scope or repeat window reads.
	PolicyText bool
	// Heading is the column's heading in the detail export and Width its width.
	Heading string
	Width   float64
	// Num and SetNum get and set a numeric field (enum, tri, bool as 0/1, int, time as Unix seconds).
	Num    func(a *scoring.Assignment) int64
	SetNum func(a *scoring.Assignment, v int64)
	// Text and SetText get and set a text field; the unit field has neither (an assignment holds a
	// unit's index in the directory, its code comes from there).
	Text    func(a *scoring.Assignment) string
	SetText func(a *scoring.Assignment, v string)
}

// All returns every field in table order (a copy the caller may keep).
func All() []Field {
	out := make([]Field, Count)
	for i := range out {
		out[i] = Get(ID(i))
	}
	return out
}

// Get returns field id (a copy the caller may keep).
func Get(id ID) Field {
	f := table[id]
	f.Headers, f.Words, f.Labels = slices.Clone(f.Headers), slices.Clone(f.Words), slices.Clone(f.Labels)
	return f
}

// Names returns the English names of the fields of the given editions and earlier, in table order.
func Names(edition int) []string {
	var out []string
	for _, f := range table {
		if f.Edition <= edition {
			out = append(out, f.Name)
		}
	}
	return out
}

// ByName finds a field by its English name.
func ByName(name string) (ID, bool) {
	for _, f := range table {
		if f.Name == name {
			return f.ID, true
		}
	}
	return 0, false
}

// String returns the field's English name.
func (id ID) String() string {
	if id < Count {
		return table[id].Name
	}
	return "field?"
}

// Type returns the field's type.
func (id ID) Type() Type { return table[id].Type }
