package imports

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"sanlv/fields"
)

// field is one column of the tickets file of SPEC §3.2 and §13.1: a position in the fields table.
type field uint8

// The fields by position in the fields table (a test pins each to its fields.ID).
const (
	fTicketID      = field(fields.TicketID)
	fUnit          = field(fields.Unit)
	fRole          = field(fields.Role)
	fReceived      = field(fields.Received)
	fDispatched    = field(fields.Dispatched)
	fContactAt     = field(fields.ContactAt)
	fClosed        = field(fields.Closed)
	fDue           = field(fields.Due)
	fKind          = field(fields.Kind)
	fUrgency       = field(fields.Urgency)
	fCategory      = field(fields.Category)
	fRedispatches  = field(fields.Redispatches)
	fCallbackValid = field(fields.CallbackValid)
	fContacted     = field(fields.Contacted)
	fResolved      = field(fields.Resolved)
	fSatisfaction  = field(fields.Satisfaction)
	fSupervised    = field(fields.Supervised)
	fIncomplete    = field(fields.Incomplete)
	fOpinion       = field(fields.Opinion)
	fExcluded      = field(fields.Excluded)
	fExcludeReason = field(fields.ExcludeReason)
	fCallerPhone   = field(fields.CallerPhone)
	fAccepted      = field(fields.Accepted)
	fExtendedDue   = field(fields.ExtendedDue)
	fReturnStatus  = field(fields.ReturnStatus)
	fReturned      = field(fields.Returned)
	fDuplicateOf   = field(fields.DuplicateOf)
	fChannel       = field(fields.Channel)
	fHotline       = field(fields.Hotline)
	numFields      = field(fields.Count)
	// lastOwn is the last field the readers have code of their own for; a field added to the fields
	// table after it is read, checked and stored by its declared type (see generic).
	lastOwn = fHotline
)

// ticketFields names each field and lists the Chinese headers accepted for it, from the fields table.
var ticketFields = func() (out [numFields]struct {
	name     string
	chinese  []string
	required bool
}) {
	for _, f := range fields.All() {
		out[f.ID].name, out[f.ID].chinese, out[f.ID].required = f.Name, f.Headers, f.Required
	}
	return out
}()

func (f field) String() string { return ticketFields[f].name }

// isDeadline reports whether the field is a deadline: a date without a time means the end of that day.
func (f field) isDeadline() bool { return fields.ID(f).Type() == fields.Deadline }

// fieldByName finds a field by its English name.
func fieldByName(name string) (field, bool) {
	for f := range numFields {
		if ticketFields[f].name == name {
			return f, true
		}
	}
	return 0, false
}

// headerKey normalises a header cell for matching: without a byte-order mark, in NFKC form (full-width
// letters, brackets and spaces become their ASCII forms), without any white space or line break, in
// lower case, and without the marks templates put around a header: a required-field asterisk in
// front or behind (`*工单编号`, `＊工单编号`) and a trailing colon (`承办单位：`). So `工单\n编号`,
// `诉求　类型`, `*工单编号` and `Ticket_ID ` match their fields.
func headerKey(s string) string {
	s = strings.TrimPrefix(s, "\uFEFF")
	if isPlainASCII(s) {
		return headerMarks(strings.ToLower(strings.TrimSpace(s)))
	}
	s = norm.NFKC.String(s)
	return headerMarks(strings.ToLower(strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || r == '\u200b' || r == '\ufeff' {
			return -1
		}
		return r
	}, s)))
}

// headerMarks strips a normalised header of required-field asterisks, a trailing colon and a
// template's (必填)/(选填) note, in any order; a header that is nothing but marks is kept as it is.
func headerMarks(k string) string {
	t := k
	for {
		u := strings.Trim(strings.TrimRight(t, ":"), "*")
		for _, note := range requiredNotes {
			u = strings.TrimSuffix(u, note)
		}
		if u == t {
			break
		}
		t = u
	}
	if t == "" {
		return k
	}
	return t
}

// requiredNotes are the notes templates put after a header to say whether it must be filled
// (normalised: NFKC turns （必填） into (必填)).
var requiredNotes = []string{"(必填)", "(选填)", "(必选)", "(可选)", "(非必填)", "(required)", "(optional)"}

// isPlainASCII reports whether s is printable ASCII without inner white space, so normalising changes nothing
// but the case and surrounding spaces.
func isPlainASCII(s string) bool {
	t := strings.TrimSpace(s)
	for i := 0; i < len(t); i++ {
		if t[i] <= ' ' || t[i] >= 0x7F {
			return false
		}
	}
	return true
}

// nameKey normalises a unit name for a second, lenient lookup: NFKC form (full-width brackets and
// letters become ASCII) without white space. Case is kept.
func nameKey(s string) string {
	s = norm.NFKC.String(s)
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || r == '\u200b' || r == '\ufeff' {
			return -1
		}
		return r
	}, s)
}

// standardHeaders maps every accepted header (normalised) onto its field.
var standardHeaders = func() map[string]field {
	m := map[string]field{}
	for f := range numFields {
		m[ticketFields[f].name] = f
		for _, h := range ticketFields[f].chinese {
			m[h] = f
		}
	}
	return m
}()

// fieldList returns the English names of all fields, for messages.
func fieldList() string {
	names := make([]string, numFields)
	for f := range numFields {
		names[f] = ticketFields[f].name
	}
	return strings.Join(names, ", ")
}
