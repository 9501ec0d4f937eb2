// Package notice writes the 通报 a hotline centre circulates: a Word document (.docx) in the layout of
// Chinese official documents (公文), generated from a period's bulletin, with the ranking workbook and
// the ticket detail as its attachments.
package notice

import (
	"fmt"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"sanlv/scoring"
)

// Config is what a centre sets once for its 通报: who issues it, to whom it goes, the 考核办法 it cites
// and how issues are numbered. It is read from YAML with every key checked.
type Config struct {
	// Issuer is the issuing body (发文机关), printed in the 红头 and the 落款.
	Issuer string `yaml:"issuer"`
	// Header is the 红头 line; empty prints the issuer.
	Header string `yaml:"header"`
	// To lists the 主送 addressees in order.
	To []string `yaml:"to"`
	// CC lists the 抄送 bodies; empty leaves the line out.
	CC []string `yaml:"cc"`
	// Policy names the 考核办法 the opening cites; a policy's own document title and number take
	// precedence when it carries them.
	Policy PolicyDocument `yaml:"policy"`
	// Issue numbers the 通报: 2025年第10期 (总第N期).
	Issue Issue `yaml:"issue"`
	// Requirements are the paragraphs of 下一步要求 besides the generated ones; may be empty.
	Requirements []string `yaml:"requirements"`
	// File is the settings file's name, for messages; ParseConfig sets it.
	File string `yaml:"-"`
}

// PolicyDocument is a 考核办法's title and 文号.
type PolicyDocument struct {
	Title  string `yaml:"title"`
	Number string `yaml:"number"`
}

// Issue numbers the monthly 通报: FirstPeriod (YYYY-MM) was 总第FirstTotal期; each month after it adds
// one. The yearly number is the month's count from January or from FirstPeriod when that is later.
type Issue struct {
	FirstPeriod string `yaml:"first_period"`
	FirstTotal  int    `yaml:"first_total"`
}

// ParseConfig reads and validates a 通报 configuration; every problem is reported with its key path,
// all in one *scoring.Error naming the file.
func ParseConfig(file string, data []byte) (Config, error) {
	var c Config
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return c, scoring.Errorf(scoring.Invalid, "%s: %v", file, err)
	}
	var errs []scoring.FieldError
	add := func(field, format string, args ...any) {
		errs = append(errs, scoring.FieldError{Field: field, Reason: fmt.Sprintf(format, args...)})
	}
	checkKeys(&root, "", map[string][]string{
		"":       {"issuer", "header", "to", "cc", "policy", "issue", "requirements"},
		"policy": {"title", "number"},
		"issue":  {"first_period", "first_total"},
	}, add)
	if len(errs) == 0 {
		if err := root.Decode(&c); err != nil {
			add("(top level)", "%v", err)
		}
	}
	if len(errs) == 0 {
		errs = c.check(errs)
	}
	c.File = file
	if len(errs) > 0 {
		msgs := make([]string, len(errs))
		for i, e := range errs {
			msgs[i] = e.Field + ": " + e.Reason
		}
		e := scoring.Errorf(scoring.Invalid, "%s: %s", file, strings.Join(msgs, "; "))
		e.Fields = errs
		return c, e
	}
	return c, nil
}

// checkKeys reports every key of a mapping that allowed does not list for its path, and every value
// that is not of the expected shape.
func checkKeys(n *yaml.Node, path string, allowed map[string][]string, add func(field, format string, args ...any)) {
	if n.Kind == yaml.DocumentNode {
		if len(n.Content) == 0 {
			add("(top level)", "empty file")
			return
		}
		n = n.Content[0]
	}
	keys, isMap := allowed[path]
	if !isMap {
		return
	}
	if n.Kind != yaml.MappingNode {
		add(orRoot(path), "line %d: want a mapping", n.Line)
		return
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := n.Content[i].Value
		full := k
		if path != "" {
			full = path + "." + k
		}
		known := false
		for _, a := range keys {
			known = known || a == k
		}
		if !known {
			add(full, "line %d: unknown key (known: %s)", n.Content[i].Line, strings.Join(keys, ", "))
			continue
		}
		v := n.Content[i+1]
		switch k {
		case "to", "cc", "requirements":
			if v.Kind != yaml.SequenceNode {
				add(full, "line %d: want a list of texts", v.Line)
			}
		}
		checkKeys(v, full, allowed, add)
	}
}

func orRoot(path string) string {
	if path == "" {
		return "(top level)"
	}
	return path
}

// check validates the values.
func (c *Config) check(errs []scoring.FieldError) []scoring.FieldError {
	add := func(field, reason string) { errs = append(errs, scoring.FieldError{Field: field, Reason: reason}) }
	if strings.TrimSpace(c.Issuer) == "" {
		add("issuer", "required: the issuing body (发文机关)")
	}
	if len(c.To) == 0 {
		add("to", "required: at least one 主送 addressee")
	}
	for i, s := range c.To {
		if strings.TrimSpace(s) == "" {
			add(fmt.Sprintf("to[%d]", i), "empty addressee")
		}
	}
	for i, s := range c.CC {
		if strings.TrimSpace(s) == "" {
			add(fmt.Sprintf("cc[%d]", i), "empty addressee")
		}
	}
	for i, s := range c.Requirements {
		if strings.TrimSpace(s) == "" {
			add(fmt.Sprintf("requirements[%d]", i), "empty paragraph")
		}
	}
	if c.Policy.Title != "" && strings.TrimSpace(c.Policy.Title) == "" {
		add("policy.title", "blank: give the 考核办法's title the opening cites, or leave the key out when every policy names its document")
	}
	if strings.TrimSpace(c.Policy.Title) == "" && c.Policy.Number != "" {
		add("policy.number", "a 文号 without policy.title: give the title too")
	}
	if _, _, err := month(c.Issue.FirstPeriod); err != nil {
		add("issue.first_period", err.Error())
	}
	if c.Issue.FirstTotal < 1 {
		add("issue.first_total", "must be a whole number ≥ 1 (总第N期 of first_period)")
	}
	return errs
}

// Cited returns the 考核办法's title and 文号 the 通报 of policy p cites: the policy's own document when it
// names a title (SPEC §13), else the settings' policy.title and policy.number. With neither title it is
// an error naming the settings file, so that a 通报 never cites an empty 《》.
func (c *Config) Cited(p *scoring.Policy) (title, number string, err error) {
	if p != nil && strings.TrimSpace(p.Document.Title) != "" {
		return p.Document.Title, p.Document.Number, nil
	}
	if strings.TrimSpace(c.Policy.Title) != "" {
		return c.Policy.Title, c.Policy.Number, nil
	}
	file := c.File
	if file == "" {
		file = "notice settings"
	}
	e := scoring.Errorf(scoring.Invalid, "%s: policy.title: required: the policy names no document title (document.title), so the settings must give the 考核办法's title the opening cites", file)
	e.Fields = []scoring.FieldError{{Field: "policy.title", Reason: "required: the policy names no document title"}}
	return "", "", e
}

// month parses YYYY-MM.
func month(id string) (year, mon int, err error) {
	y, m, ok := strings.Cut(id, "-")
	if ok && len(y) == 4 && len(m) == 2 {
		year, err1 := strconv.Atoi(y)
		mon, err2 := strconv.Atoi(m)
		if err1 == nil && err2 == nil && mon >= 1 && mon <= 12 {
			return year, mon, nil
		}
	}
	return 0, 0, fmt.Errorf("%q is not a month YYYY-MM", id)
}

// Number returns the issue numbers of a monthly period: its number in the year (第N期) and in all
// (总第N期). A period before first_period, or not a month, is an error.
func (i Issue) Number(period string) (yearly, total int, err error) {
	y, m, err := month(period)
	if err != nil {
		return 0, 0, fmt.Errorf("issue number: period %w", err)
	}
	fy, fm, err := month(i.FirstPeriod)
	if err != nil {
		return 0, 0, fmt.Errorf("issue number: first_period %w", err)
	}
	since := (y-fy)*12 + m - fm
	if since < 0 {
		return 0, 0, scoring.Errorf(scoring.Invalid, "issue number: period %s is before issue.first_period %s", period, i.FirstPeriod)
	}
	yearly = m
	if fy == y {
		yearly = m - fm + 1
	}
	return yearly, i.FirstTotal + since, nil
}
