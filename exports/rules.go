package exports

import (
	"strings"

	"gopkg.in/yaml.v3"

	"sanlv/scoring"
)

// ruleConditions describes, in Chinese, the condition of each ticket-point rule of a policy, read from
// the policy's YAML source (the compiled rules keep only bit sets): 有效回访、已解决、不满意. A rule
// whose source cannot be read gets an empty description.
func ruleConditions(p *scoring.Policy) []string {
	var src struct {
		TicketPoints []struct {
			When yaml.Node `yaml:"when"`
		} `yaml:"ticket_points"`
	}
	if err := yaml.Unmarshal(p.Source, &src); err != nil {
		return nil
	}
	out := make([]string, len(src.TicketPoints))
	for i, r := range src.TicketPoints {
		n := &r.When
		if n.Kind != yaml.MappingNode {
			continue
		}
		var parts []string
		for k := 0; k+1 < len(n.Content); k += 2 {
			parts = append(parts, describe(n.Content[k].Value, n.Content[k+1]))
		}
		out[i] = strings.Join(parts, "、")
	}
	return out
}

// flagWords are the words of a boolean condition: when true, when false.
var flagWords = map[string][2]string{
	"callback_valid":       {"有效回访", "非有效回访"},
	"contacted":            {"已联系", "未联系"},
	"satisfied":            {"满意", "不满意"},
	"overdue":              {"超期", "未超期"},
	"supervised":           {"督办", "未督办"},
	"incomplete_materials": {"资料不全", "资料齐全"},
	"opinion_incident":     {"负面舆情", "无负面舆情"},
	"redispatched":         {"二次交办", "未二次交办"},
	"repeat":               {"重复诉求", "非重复诉求"},
	"accepted_late":        {"签收超时", "按时签收"},
}

// valueWord returns the Chinese word of a value a rule's condition key lists (scoring's label), or
// the value itself.
func valueWord(key, v string) string {
	label := ""
	switch key {
	case "resolved":
		if r, err := scoring.ParseResolution(v); err == nil {
			label = r.Label()
		}
	case "kind":
		if k, err := scoring.ParseKind(v); err == nil {
			label = k.Label()
		}
	case "urgency":
		if u, err := scoring.ParseUrgency(v); err == nil {
			label = u.Label()
		}
	case "return":
		if r, err := scoring.ParseReturnStatus(v); err == nil {
			if label = r.Label(); r == scoring.ReturnNone {
				label = "未退单"
			}
		}
	}
	if label == "" {
		return v
	}
	return label
}

func describe(key string, v *yaml.Node) string {
	if w, ok := flagWords[key]; ok {
		if v.Value == "false" {
			return w[1]
		}
		return w[0]
	}
	var vals []string
	if v.Kind == yaml.SequenceNode {
		for _, c := range v.Content {
			vals = append(vals, c.Value)
		}
	} else {
		vals = []string{v.Value}
	}
	for i, x := range vals {
		vals[i] = valueWord(key, x)
	}
	lead := map[string]string{"resolved": "", "kind": "诉求类型为", "urgency": "紧急程度为"}[key]
	if key == "return" {
		return strings.Join(vals, "或") // 退单驳回
	}
	return lead + strings.Join(vals, "或")
}
