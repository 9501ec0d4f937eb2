package scoring

import (
	"fmt"
	"reflect"
	"strings"

	"gopkg.in/yaml.v3"
)

// policyFile is the YAML shape of a policy (SPEC §10); pointers tell an absent key from a zero value.
type policyFile struct {
	Name                string              `yaml:"name"`
	Version             string              `yaml:"version"`
	Timezone            string              `yaml:"timezone"`
	Period              *periodSpec         `yaml:"period"`
	Calendar            stringList          `yaml:"calendar"`
	ScoredKinds         *stringList         `yaml:"scored_kinds"`
	Roles               map[string]float64  `yaml:"roles"`
	Response            *responseSpec       `yaml:"response"`
	Deadlines           *deadlineSpec       `yaml:"deadlines"`
	ResolutionWeights   map[string]float64  `yaml:"resolution_weights"`
	SatisfactionWeights map[string]float64  `yaml:"satisfaction_weights"`
	SatisfiedLevels     *stringList         `yaml:"satisfied_levels"`
	Unrated             string              `yaml:"unrated"`
	Weights             *map[string]float64 `yaml:"weights"`
	Thresholds          []thresholdSpec     `yaml:"thresholds"`
	TicketPoints        []ruleSpec          `yaml:"ticket_points"`
	Final               *finalSpec          `yaml:"final"`
	Ranking             *rankingSpec        `yaml:"ranking"`
	Annual              *annualSpec         `yaml:"annual"`
}

type periodSpec struct {
	StartDay *int   `yaml:"start_day"`
	Basis    string `yaml:"basis"`
}

type responseSpec struct {
	Mode   string            `yaml:"mode"`
	Limits map[string]string `yaml:"limits"`
}

type deadlineSpec struct {
	UseGivenDue bool              `yaml:"use_given_due"`
	Limits      map[string]string `yaml:"limits"`
}

type thresholdSpec struct {
	Rate      string   `yaml:"rate"`
	Direction string   `yaml:"direction"`
	Baseline  *float64 `yaml:"baseline"`
	PerPoint  *float64 `yaml:"per_point"`
	Cap       *float64 `yaml:"cap"`
}

type ruleSpec struct {
	Label  string        `yaml:"label"`
	When   conditionSpec `yaml:"when"`
	Points *float64      `yaml:"points"`
}

type conditionSpec struct {
	CallbackValid       *bool      `yaml:"callback_valid"`
	Contacted           *bool      `yaml:"contacted"`
	Resolved            stringList `yaml:"resolved"`
	Satisfied           *bool      `yaml:"satisfied"`
	Overdue             *bool      `yaml:"overdue"`
	Supervised          *bool      `yaml:"supervised"`
	IncompleteMaterials *bool      `yaml:"incomplete_materials"`
	OpinionIncident     *bool      `yaml:"opinion_incident"`
	Kind                stringList `yaml:"kind"`
	Urgency             stringList `yaml:"urgency"`
	Redispatched        *bool      `yaml:"redispatched"`
}

type finalSpec struct {
	Base         *float64 `yaml:"base"`
	PointsFactor *float64 `yaml:"points_factor"`
	Min          *float64 `yaml:"min"`
	Max          *float64 `yaml:"max"`
}

type rankingSpec struct {
	Round        *int        `yaml:"round"`
	TieBreakers  *stringList `yaml:"tie_breakers"`
	MinCallbacks *float64    `yaml:"min_callbacks"`
	Top          *int        `yaml:"top"`
	Bottom       *int        `yaml:"bottom"`
}

type annualSpec struct {
	Mode   string      `yaml:"mode"`
	Grades []gradeSpec `yaml:"grades"`
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

// checkKeys walks node against the struct type t and reports every key t does not declare, with its path.
func checkKeys(n *yaml.Node, t reflect.Type, path string, errs *[]FieldError) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		checkKeys(n.Content[0], t, path, errs)
		return
	}
	if n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	switch {
	case t == stringListType:
		return
	case t.Kind() == reflect.Struct:
		if n.Kind != yaml.MappingNode {
			*errs = append(*errs, FieldError{Field: orRoot(path), Reason: fmt.Sprintf("line %d: want a mapping", n.Line)})
			return
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			key := n.Content[i].Value
			f, ok := fieldByTag(t, key)
			if !ok {
				*errs = append(*errs, FieldError{Field: join(path, key), Reason: fmt.Sprintf("line %d: unknown key", n.Content[i].Line)})
				continue
			}
			checkKeys(n.Content[i+1], f.Type, join(path, key), errs)
		}
	case t.Kind() == reflect.Slice && n.Kind == yaml.SequenceNode:
		for i, c := range n.Content {
			checkKeys(c, t.Elem(), fmt.Sprintf("%s[%d]", path, i), errs)
		}
	case t.Kind() == reflect.Map && n.Kind == yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			checkKeys(n.Content[i+1], t.Elem(), join(path, n.Content[i].Value), errs)
		}
	}
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
