package scoring

import (
	"fmt"
	"strings"
)

// Role is an assignment's role on its ticket: the lead unit (主办) or a co-handler (协办).
type Role uint8

// Roles.
const (
	Lead Role = iota
	Co
	numRoles
)

// Kind is the kind of a citizen request (诉求类型).
type Kind uint8

// Kinds.
const (
	Consult Kind = iota
	Help
	Complaint
	Report
	Suggestion
	Praise
	numKinds
)

// Urgency is a ticket's urgency (紧急程度).
type Urgency uint8

// Urgencies; Normal is the default.
const (
	Normal Urgency = iota
	Emergency
	Priority
	Complex
	numUrgencies
)

// Resolution is the callback's answer on resolution (解决); ResolutionNone means no answer.
type Resolution uint8

// Resolution answers.
const (
	ResolutionNone Resolution = iota
	Resolved
	Partial
	Unresolved
	numResolutions
)

// Satisfaction is the callback's satisfaction level (满意度); Unrated means no answer.
type Satisfaction uint8

// Satisfaction levels of GB/T 39735-2020.
const (
	Unrated Satisfaction = iota
	VerySatisfied
	Satisfied
	BasicallySatisfied
	Dissatisfied
	VeryDissatisfied
	numSatisfactions
)

// Tri is a boolean that may be unknown (an empty cell).
type Tri uint8

// Tri values.
const (
	Unknown Tri = iota
	Yes
	No
)

// ReturnStatus is the state of a unit's return (退单) of an assignment (SPEC §13.3).
type ReturnStatus uint8

// Return states; ReturnNone is the default.
const (
	ReturnNone ReturnStatus = iota
	ReturnApproved
	ReturnRejected
	numReturnStatuses
)

// Number of values of each enum, for tables indexed by value.
const (
	NumRoles          = int(numRoles)
	NumKinds          = int(numKinds)
	NumUrgencies      = int(numUrgencies)
	NumResolutions    = int(numResolutions)
	NumSatisfactions  = int(numSatisfactions)
	NumReturnStatuses = int(numReturnStatuses)
)

// vocabulary maps canonical English names, Chinese labels and other accepted spellings onto values.
type vocabulary struct {
	what   string
	names  []string // canonical English name by value
	labels []string // Chinese label by value, as reports show it
	words  map[string]uint8
}

// newVocabulary accepts each value's name and label, and the extra spellings.
func newVocabulary(what string, names, labels []string, extra map[string]uint8) vocabulary {
	v := vocabulary{what: what, names: names, labels: labels, words: map[string]uint8{}}
	for i, n := range names {
		v.words[n] = uint8(i)
	}
	for i, l := range labels {
		v.words[l] = uint8(i)
	}
	for w, i := range extra {
		v.words[w] = i
	}
	return v
}

func (v vocabulary) parse(s string) (uint8, error) {
	s = strings.TrimSpace(s)
	if i, ok := v.words[s]; ok {
		return i, nil
	}
	if i, ok := v.words[strings.ToLower(s)]; ok {
		return i, nil
	}
	return 0, fmt.Errorf("unknown %s %q (accepted: %s)", v.what, s, strings.Join(v.names, ", "))
}

func (v vocabulary) name(i uint8) string {
	if int(i) < len(v.names) {
		return v.names[i]
	}
	return fmt.Sprintf("%s(%d)", v.what, i)
}

func (v vocabulary) label(i uint8) string {
	if int(i) < len(v.labels) {
		return v.labels[i]
	}
	return v.name(i)
}

// The vocabularies: English names, then Chinese labels, by value; then other accepted spellings.
var (
	roleWords = newVocabulary("role", []string{"lead", "co"}, []string{"主办", "协办"},
		map[string]uint8{"主办单位": 0, "co-handler": 1, "协办单位": 1})
	kindWords = newVocabulary("kind", []string{"consult", "help", "complaint", "report", "suggestion", "praise"},
		[]string{"咨询", "求助", "投诉", "举报", "建议", "表扬"}, nil)
	urgencyWords = newVocabulary("urgency", []string{"normal", "emergency", "priority", "complex"},
		[]string{"一般", "紧急", "优先", "复杂"}, map[string]uint8{"普通": 0})
	resolutionWords = newVocabulary("resolution", []string{"", "resolved", "partial", "unresolved"},
		[]string{"", "已解决", "部分解决", "未解决"}, map[string]uint8{"解决": 1})
	satisfactionWords = newVocabulary("satisfaction",
		[]string{"unrated", "very_satisfied", "satisfied", "basically_satisfied", "dissatisfied", "very_dissatisfied"},
		[]string{"未评价", "非常满意", "满意", "基本满意", "不满意", "非常不满意"}, map[string]uint8{"": 0})
	returnWords = newVocabulary("return status", []string{"none", "approved", "rejected"}, []string{"", "退单通过", "退单驳回"},
		map[string]uint8{"无": 0, "未退单": 0, "通过": 1, "驳回": 2})
	triWords = newVocabulary("boolean", []string{"", "true", "false"}, []string{"", "是", "否"},
		map[string]uint8{"1": 1, "y": 1, "yes": 1, "0": 2, "n": 2, "no": 2})
)

// ParseRole parses lead/co or 主办/协办; an empty string is Lead.
func ParseRole(s string) (Role, error) {
	if strings.TrimSpace(s) == "" {
		return Lead, nil
	}
	i, err := roleWords.parse(s)
	return Role(i), err
}

// ParseKind parses a request kind in English or Chinese.
func ParseKind(s string) (Kind, error) { i, err := kindWords.parse(s); return Kind(i), err }

// ParseUrgency parses an urgency in English or Chinese; an empty string is Normal.
func ParseUrgency(s string) (Urgency, error) {
	if strings.TrimSpace(s) == "" {
		return Normal, nil
	}
	i, err := urgencyWords.parse(s)
	return Urgency(i), err
}

// ParseResolution parses a resolution answer; an empty string is ResolutionNone.
func ParseResolution(s string) (Resolution, error) {
	i, err := resolutionWords.parse(s)
	return Resolution(i), err
}

// ParseSatisfaction parses a satisfaction level; an empty string is Unrated.
// The yes/no answer of a 是否满意 column maps 是 to Satisfied and 否 to Dissatisfied.
func ParseSatisfaction(s string) (Satisfaction, error) {
	switch strings.TrimSpace(s) {
	case "是":
		return Satisfied, nil
	case "否":
		return Dissatisfied, nil
	}
	i, err := satisfactionWords.parse(s)
	return Satisfaction(i), err
}

// ParseReturnStatus parses none/approved/rejected or 退单通过/退单驳回; an empty string is ReturnNone.
func ParseReturnStatus(s string) (ReturnStatus, error) {
	i, err := returnWords.parse(s)
	return ReturnStatus(i), err
}

// ParseTri parses a boolean cell: true/false, 1/0, 是/否, Y/N; an empty cell is Unknown.
func ParseTri(s string) (Tri, error) { i, err := triWords.parse(s); return Tri(i), err }

func (r Role) String() string         { return roleWords.name(uint8(r)) }
func (k Kind) String() string         { return kindWords.name(uint8(k)) }
func (u Urgency) String() string      { return urgencyWords.name(uint8(u)) }
func (s Satisfaction) String() string { return satisfactionWords.name(uint8(s)) }
func (t Tri) String() string          { return triWords.name(uint8(t)) }
func (r ReturnStatus) String() string { return returnWords.name(uint8(r)) }

// String returns the canonical name, or "" for ResolutionNone.
func (r Resolution) String() string { return resolutionWords.name(uint8(r)) }

// Label returns the role in Chinese: 主办 or 协办.
func (r Role) Label() string { return roleWords.label(uint8(r)) }

// Label returns the kind in Chinese: 咨询, 求助, 投诉, 举报, 建议 or 表扬.
func (k Kind) Label() string { return kindWords.label(uint8(k)) }

// Label returns the urgency in Chinese: 一般, 紧急, 优先 or 复杂.
func (u Urgency) Label() string { return urgencyWords.label(uint8(u)) }

// Label returns the answer in Chinese (已解决, 部分解决, 未解决), or "" for ResolutionNone.
func (r Resolution) Label() string { return resolutionWords.label(uint8(r)) }

// Label returns the level in Chinese: 未评价, 非常满意, 满意, 基本满意, 不满意 or 非常不满意.
func (s Satisfaction) Label() string { return satisfactionWords.label(uint8(s)) }

// Label returns the state in Chinese (退单通过, 退单驳回), or "" for ReturnNone.
func (r ReturnStatus) Label() string { return returnWords.label(uint8(r)) }

// Label returns 是 for Yes, 否 for No and "" for Unknown.
func (t Tri) Label() string { return triWords.label(uint8(t)) }

// BoolLabel returns 是 for true and 否 for false.
func BoolLabel(v bool) string {
	if v {
		return Yes.Label()
	}
	return No.Label()
}
