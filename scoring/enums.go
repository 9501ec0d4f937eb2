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

// vocabulary maps canonical English names and accepted Chinese spellings onto values.
type vocabulary struct {
	what  string
	names []string // canonical English name by value
	words map[string]uint8
}

func newVocabulary(what string, names []string, extra map[string]uint8) vocabulary {
	v := vocabulary{what: what, names: names, words: map[string]uint8{}}
	for i, n := range names {
		v.words[n] = uint8(i)
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

var (
	roleWords = newVocabulary("role", []string{"lead", "co"}, map[string]uint8{
		"主办": 0, "主办单位": 0, "co-handler": 1, "协办": 1, "协办单位": 1})
	kindWords = newVocabulary("kind", []string{"consult", "help", "complaint", "report", "suggestion", "praise"}, map[string]uint8{
		"咨询": 0, "求助": 1, "投诉": 2, "举报": 3, "建议": 4, "表扬": 5})
	urgencyWords = newVocabulary("urgency", []string{"normal", "emergency", "priority", "complex"}, map[string]uint8{
		"一般": 0, "普通": 0, "紧急": 1, "优先": 2, "复杂": 3})
	resolutionWords = newVocabulary("resolution", []string{"", "resolved", "partial", "unresolved"}, map[string]uint8{
		"已解决": 1, "解决": 1, "部分解决": 2, "未解决": 3})
	satisfactionWords = newVocabulary("satisfaction", []string{"unrated", "very_satisfied", "satisfied", "basically_satisfied", "dissatisfied", "very_dissatisfied"}, map[string]uint8{
		"": 0, "未评价": 0, "非常满意": 1, "满意": 2, "基本满意": 3, "不满意": 4, "非常不满意": 5})
	returnWords = newVocabulary("return status", []string{"none", "approved", "rejected"}, map[string]uint8{
		"": 0, "无": 0, "未退单": 0, "退单通过": 1, "通过": 1, "退单驳回": 2, "驳回": 2})
	triWords = newVocabulary("boolean", []string{"", "true", "false"}, map[string]uint8{
		"1": 1, "是": 1, "y": 1, "yes": 1, "0": 2, "否": 2, "n": 2, "no": 2})
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
