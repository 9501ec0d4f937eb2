package imports

import "strings"

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
}

func (f field) String() string { return ticketFields[f].name }

// isTime reports whether the field holds a datetime.
func (f field) isTime() bool {
	return f == fReceived || f == fDispatched || f == fContactAt || f == fClosed || f == fDue
}

// fieldByName finds a field by its English name.
func fieldByName(name string) (field, bool) {
	for f := range numFields {
		if ticketFields[f].name == name {
			return f, true
		}
	}
	return 0, false
}

// headerKey normalises a header cell for matching: trimmed, without a byte-order mark, ASCII lower case.
func headerKey(s string) string {
	s = strings.TrimPrefix(s, "\uFEFF")
	return strings.ToLower(strings.TrimSpace(s))
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
