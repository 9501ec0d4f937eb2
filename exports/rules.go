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

// valueWords are the Chinese words of the listed values.
var valueWords = map[string]string{
	"resolved": "已解决", "partial": "部分解决", "unresolved": "未解决",
	"consult": "咨询", "help": "求助", "complaint": "投诉", "report": "举报", "suggestion": "建议", "praise": "表扬",
	"emergency": "紧急", "priority": "优先", "normal": "一般", "complex": "复杂",
	"none": "未退单", "approved": "退单通过", "rejected": "退单被驳回",
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
		if w, ok := valueWords[x]; ok {
			vals[i] = w
		}
	}
	lead := map[string]string{"resolved": "", "kind": "诉求类型为", "urgency": "紧急程度为"}[key]
	if key == "return" {
		return strings.Join(vals, "或") // 退单被驳回
	}
	return lead + strings.Join(vals, "或")
}
