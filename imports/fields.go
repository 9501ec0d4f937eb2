package imports

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// field is one column of the tickets file of SPEC §3.2.
type field uint8

const (
	fTicketID field = iota
	fUnit
	fRole
	fReceived
	fDispatched
	fContactAt
	fClosed
	fDue
	fKind
	fUrgency
	fCategory
	fRedispatches
	fCallbackValid
	fContacted
	fResolved
	fSatisfaction
	fSupervised
	fIncomplete
	fOpinion
	fExcluded
	fExcludeReason
	fCallerPhone
	fAccepted
	fExtendedDue
	fReturnStatus
	fReturned
	fDuplicateOf
	fChannel
	fHotline
	numFields
)

// ticketFields names each field and lists the Chinese headers accepted for it (SPEC §3.2).
var ticketFields = [numFields]struct {
	name     string
	chinese  []string
	required bool
}{
	fTicketID:      {"ticket_id", []string{"工单编号"}, true},
	fUnit:          {"unit", []string{"承办单位", "承办单位编码"}, true},
	fRole:          {"role", []string{"工单性质", "主协办"}, false},
	fReceived:      {"received_at", []string{"受理时间", "来电时间", "创建时间"}, true},
	fDispatched:    {"dispatched_at", []string{"派单时间"}, true},
	fContactAt:     {"contacted_at", []string{"联系时间", "首次联系时间"}, false},
	fClosed:        {"closed_at", []string{"办结时间"}, false},
	fDue:           {"due_at", []string{"办理时限", "截止时间"}, false},
	fKind:          {"kind", []string{"诉求类型"}, true},
	fUrgency:       {"urgency", []string{"紧急程度"}, false},
	fCategory:      {"category", []string{"问题分类"}, false},
	fRedispatches:  {"redispatches", []string{"二次交办次数"}, false},
	fCallbackValid: {"callback_valid", []string{"是否有效回访"}, false},
	fContacted:     {"contacted", []string{"是否联系"}, false},
	fResolved:      {"resolved", []string{"是否解决"}, false},
	fSatisfaction:  {"satisfaction", []string{"满意度", "是否满意"}, false},
	fSupervised:    {"supervised", []string{"是否督办"}, false},
	fIncomplete:    {"incomplete_materials", []string{"资料不全"}, false},
	fOpinion:       {"opinion_incident", []string{"负面舆情"}, false},
	fExcluded:      {"excluded", []string{"是否剔除"}, false},
	fExcludeReason: {"exclude_reason", []string{"剔除原因"}, false},
	fCallerPhone:   {"caller_phone", []string{"来电号码"}, false},
	fAccepted:      {"accepted_at", []string{"签收时间"}, false},
	fExtendedDue:   {"extended_due_at", []string{"延期截止时间", "延期至"}, false},
	fReturnStatus:  {"return_status", []string{"退单状态", "退单"}, false},
	fReturned:      {"returned_at", []string{"退单时间"}, false},
	fDuplicateOf:   {"duplicate_of", []string{"重复工单", "并单主工单"}, false},
	fChannel:       {"channel", []string{"来源渠道"}, false},
	fHotline:       {"hotline", []string{"热线号码", "被叫号码"}, false},
}

func (f field) String() string { return ticketFields[f].name }

// isTime reports whether the field holds a datetime.
func (f field) isTime() bool {
	switch f {
	case fReceived, fDispatched, fContactAt, fClosed, fDue, fAccepted, fExtendedDue, fReturned:
		return true
	}
	return false
}

// isDeadline reports whether the field is a deadline: a date without a time means the end of that day.
func (f field) isDeadline() bool { return f == fDue || f == fExtendedDue }

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
// lower case. So `工单\n编号`, `诉求　类型` and `Ticket_ID ` match their fields.
func headerKey(s string) string {
	s = strings.TrimPrefix(s, "\uFEFF")
	if isPlainASCII(s) {
		return strings.ToLower(strings.TrimSpace(s))
	}
	s = norm.NFKC.String(s)
	return strings.ToLower(strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || r == '\u200b' || r == '\ufeff' {
			return -1
		}
		return r
	}, s))
}

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
