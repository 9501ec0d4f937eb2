package scoring

import (
	"fmt"
	"reflect"
	"strings"

	"gopkg.in/yaml.v3"
)

// policyFile is the YAML shape of a policy (SPEC §10, §13); pointers tell an absent key from a zero value.
type policyFile struct {
	Name                string               `yaml:"name"`
	Version             string               `yaml:"version"`
	Document            *documentSpec        `yaml:"document"`
	Timezone            string               `yaml:"timezone"`
	Period              *periodSpec          `yaml:"period"`
	Calendar            stringList           `yaml:"calendar"`
	Scope               *scopeSpec           `yaml:"scope"`
	ScoredKinds         *stringList          `yaml:"scored_kinds"`
	Roles               map[string]float64   `yaml:"roles"`
	Response            *responseSpec        `yaml:"response"`
	Deadlines           *deadlineSpec        `yaml:"deadlines"`
	Acceptance          *acceptanceSpec      `yaml:"acceptance"`
	OnTime              *onTimeSpec          `yaml:"on_time"`
	Duplicates          *duplicatesSpec      `yaml:"duplicates"`
	ResolutionWeights   map[string]float64   `yaml:"resolution_weights"`
	SatisfactionWeights map[string]float64   `yaml:"satisfaction_weights"`
	SatisfiedLevels     *stringList          `yaml:"satisfied_levels"`
	Unrated             string               `yaml:"unrated"`
	ShowRaw             bool                 `yaml:"show_raw"`
	Weights             *map[string]float64  `yaml:"weights"`
	Thresholds          []thresholdSpec      `yaml:"thresholds"`
	Items               []itemSpec           `yaml:"items"`
	TicketPoints        []ruleSpec           `yaml:"ticket_points"`
	Final               *finalSpec           `yaml:"final"`
	Adjustments         *adjustmentsSpec     `yaml:"adjustments"`
	Groups              map[string]groupSpec `yaml:"groups"`
	Ranking             *rankingSpec         `yaml:"ranking"`
	Annual              *annualSpec          `yaml:"annual"`
}

type documentSpec struct {
	Title  string `yaml:"title"`
	Number string `yaml:"number"`
}

type periodSpec struct {
	StartDay *int   `yaml:"start_day"`
	Basis    string `yaml:"basis"`
}

type scopeSpec struct {
	Hotlines *stringList `yaml:"hotlines"`
	Channels *stringList `yaml:"channels"`
}

type responseSpec struct {
	Mode   string            `yaml:"mode"`
	Limits map[string]string `yaml:"limits"`
}

type deadlineSpec struct {
	UseGivenDue     bool              `yaml:"use_given_due"`
	HonorExtensions bool              `yaml:"honor_extensions"`
	WhenNoDue       string            `yaml:"when_no_due"`
	Limits          map[string]string `yaml:"limits"`
}

type acceptanceSpec struct {
	Limits map[string]string `yaml:"limits"`
}

type onTimeSpec struct {
	CountOpenOverdue bool `yaml:"count_open_overdue"`
}

type duplicatesSpec struct {
	Window string      `yaml:"window"`
	Same   *stringList `yaml:"same"`
	Treat  string      `yaml:"treat"`
}

type thresholdSpec struct {
	Rate      string   `yaml:"rate"`
	Direction string   `yaml:"direction"`
	Baseline  *float64 `yaml:"baseline"`
	PerPoint  *float64 `yaml:"per_point"`
	Cap       *float64 `yaml:"cap"`
}

type itemSpec struct {
	Label  string      `yaml:"label"`
	Rate   string      `yaml:"rate"`
	Max    *float64    `yaml:"max"`
	Linear *linearSpec `yaml:"linear"`
	Bands  []bandSpec  `yaml:"bands"`
}

type linearSpec struct {
	Zero *float64 `yaml:"zero"`
	Full *float64 `yaml:"full"`
}

type bandSpec struct {
	Min    *float64 `yaml:"min"`
	Max    *float64 `yaml:"max"`
	Points *float64 `yaml:"points"`
}

type ruleSpec struct {
	Label  string        `yaml:"label"`
	When   conditionSpec `yaml:"when"`
	Points *float64      `yaml:"points"`
}

type conditionSpec struct {
	CallbackValid       *bool       `yaml:"callback_valid"`
	Contacted           *bool       `yaml:"contacted"`
	Resolved            *stringList `yaml:"resolved"`
	Satisfied           *bool       `yaml:"satisfied"`
	Overdue             *bool       `yaml:"overdue"`
	Supervised          *bool       `yaml:"supervised"`
	IncompleteMaterials *bool       `yaml:"incomplete_materials"`
	OpinionIncident     *bool       `yaml:"opinion_incident"`
	Kind                *stringList `yaml:"kind"`
	Urgency             *stringList `yaml:"urgency"`
	Redispatched        *bool       `yaml:"redispatched"`
	Return              *stringList `yaml:"return"`
	AcceptedLate        *bool       `yaml:"accepted_late"`
	Repeat              *bool       `yaml:"repeat"`
}

type finalSpec struct {
	Base         *float64 `yaml:"base"`
	PointsFactor *float64 `yaml:"points_factor"`
	Min          *float64 `yaml:"min"`
	Max          *float64 `yaml:"max"`
}

type adjustmentsSpec struct {
	Min *float64 `yaml:"min"`
	Max *float64 `yaml:"max"`
}

// groupSpec replaces, for the units of one group, the policy's keys it names (SPEC §13.11).
type groupSpec struct {
	Weights    *map[string]float64 `yaml:"weights"`
	Thresholds *[]thresholdSpec    `yaml:"thresholds"`
	Items      *[]itemSpec         `yaml:"items"`
	Final      *finalSpec          `yaml:"final"`
}

type rankingSpec struct {
	Round        *int        `yaml:"round"`
	TieBreakers  *stringList `yaml:"tie_breakers"`
	MinCallbacks *float64    `yaml:"min_callbacks"`
	Top          *int        `yaml:"top"`
	Bottom       *int        `yaml:"bottom"`
}

type annualSpec struct {
	Mode          string      `yaml:"mode"`
	MoneyPerPoint *float64    `yaml:"money_per_point"`
	Grades        []gradeSpec `yaml:"grades"`
}

type gradeSpec struct {
	Min  *float64 `yaml:"min"`
	Name string   `yaml:"name"`
}

// stringList accepts a YAML sequence of strings or a single string.
type stringList []string

func (l *stringList) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		*l = stringList{n.Value}
		return nil
	}
	var s []string
	if err := n.Decode(&s); err != nil {
		return err
	}
	*l = s
	return nil
}

var stringListType = reflect.TypeOf(stringList{})

// checkNode walks n against the Go type t and reports, with key path and line, every unknown or
// duplicate key and every value of the wrong shape (a mapping where a list is wanted, text where a
// number is wanted), so that no decoder message with Go type names reaches the user.
func checkNode(n *yaml.Node, t reflect.Type, path string, errs *[]FieldError) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if n.Kind == yaml.DocumentNode {
		if len(n.Content) > 0 {
			checkNode(n.Content[0], t, path, errs)
		}
		return
	}
	if n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	fail := func(format string, args ...any) {
		*errs = append(*errs, FieldError{Field: orRoot(path), Reason: fmt.Sprintf("line %d: ", n.Line) + fmt.Sprintf(format, args...)})
	}
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		return // an empty value: the key counts as absent
	}
	switch {
	case t == stringListType:
		switch n.Kind {
		case yaml.ScalarNode:
		case yaml.SequenceNode:
			for i, c := range n.Content {
				checkNode(c, reflect.TypeOf(""), fmt.Sprintf("%s[%d]", path, i), errs)
			}
		default:
			fail("want a list of words")
		}
	case t.Kind() == reflect.Struct:
		if n.Kind != yaml.MappingNode {
			fail("want a mapping of keys")
			return
		}
		seen := map[string]int{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			key := join(path, k.Value)
			if line, dup := seen[k.Value]; dup {
				*errs = append(*errs, FieldError{Field: key, Reason: fmt.Sprintf("line %d: duplicate key (first at line %d)", k.Line, line)})
				dropPair(n, i)
				i -= 2
				continue
			}
			seen[k.Value] = k.Line
			f, ok := fieldByTag(t, k.Value)
			if !ok {
				*errs = append(*errs, FieldError{Field: key, Reason: fmt.Sprintf("line %d: unknown key", k.Line)})
				continue
			}
			checkNode(n.Content[i+1], f.Type, key, errs)
		}
	case t.Kind() == reflect.Map:
		if n.Kind != yaml.MappingNode {
			fail("want a mapping of keys")
			return
		}
		seen := map[string]int{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			key := join(path, k.Value)
			if line, dup := seen[k.Value]; dup {
				*errs = append(*errs, FieldError{Field: key, Reason: fmt.Sprintf("line %d: duplicate key (first at line %d)", k.Line, line)})
				dropPair(n, i)
				i -= 2
				continue
			}
			seen[k.Value] = k.Line
			checkNode(n.Content[i+1], t.Elem(), key, errs)
		}
	case t.Kind() == reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			fail("want a list")
			return
		}
		for i, c := range n.Content {
			checkNode(c, t.Elem(), fmt.Sprintf("%s[%d]", path, i), errs)
		}
	default:
		if n.Kind != yaml.ScalarNode {
			fail("want a single value, not a %s", nodeKind(n.Kind))
			return
		}
		switch t.Kind() {
		case reflect.Float64:
			if n.Tag != "!!int" && n.Tag != "!!float" {
				fail("want a number, got %q", n.Value)
			}
		case reflect.Int:
			if n.Tag != "!!int" {
				fail("want a whole number, got %q", n.Value)
			}
		case reflect.Bool:
			if n.Tag != "!!bool" {
				fail("want true or false, got %q", n.Value)
			}
		}
	}
}

// dropPair removes the key and value at i from a mapping node, so that decoding sees the first of duplicate keys only.
func dropPair(n *yaml.Node, i int) {
	n.Content = append(n.Content[:i:i], n.Content[i+2:]...)
}

func nodeKind(k yaml.Kind) string {
	switch k {
	case yaml.MappingNode:
		return "mapping"
	case yaml.SequenceNode:
		return "list"
	}
	return "value"
}

func fieldByTag(t reflect.Type, key string) (reflect.StructField, bool) {
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if name, _, _ := strings.Cut(f.Tag.Get("yaml"), ","); name == key {
			return f, true
		}
	}
	return reflect.StructField{}, false
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func orRoot(path string) string {
	if path == "" {
		return "(top level)"
	}
	return path
}
