package scoring

import (
	"bytes"
	"errors"
	"fmt"
	"hash/maphash"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// MaxRules is the most ticket-point rules a policy may have.
const MaxRules = 32

// Limit is a time limit: natural seconds, or a number of working days.
type Limit struct {
	Seconds  int64
	Workdays int
	Text     string
}

// ParseLimit parses "2h", "24h", "30m" (natural time) or "7wd" (working days).
func ParseLimit(s string) (Limit, error) {
	s = strings.TrimSpace(s)
	num, unit := s, ""
	for i, r := range s {
		if r < '0' || r > '9' {
			num, unit = s[:i], s[i:]
			break
		}
	}
	n, err := strconv.Atoi(num)
	if err != nil || n <= 0 {
		return Limit{}, fmt.Errorf("limit %q: want a positive whole number followed by h, m or wd (2h, 7wd)", s)
	}
	switch unit {
	case "h":
		return Limit{Seconds: int64(n) * 3600, Text: s}, nil
	case "m":
		return Limit{Seconds: int64(n) * 60, Text: s}, nil
	case "wd":
		return Limit{Workdays: n, Text: s}, nil
	}
	return Limit{}, fmt.Errorf("limit %q: unit must be h, m or wd", s)
}

// Threshold is a baseline rule (达标基数).
type Threshold struct {
	Rate     string
	rate     int
	AtMost   bool
	Baseline float64
	PerPoint float64
	Cap      float64
}

// rateEps is how far apart two rate values may be and still be the same rate. A rate is a ratio of
// weighted counts whose binary sums miss the exact value by a few units in the last place (nine answers
// weighing 0.9 over nine callbacks give 0.8999999999999999), while rates that truly differ differ by far
// more; so a rate exactly at a band's edge, a linear item's zero or full or a baseline is judged at it
// (SPEC §13.9, §6), as tie-breakers are compared to 12 decimals.
const rateEps = 1e-12

// Shortfall returns the threshold's shortfall in percentage points for a rate value, 0 when the value
// meets the baseline (SPEC §6).
func (th *Threshold) Shortfall(v float64) float64 {
	short := th.Baseline - v
	if th.AtMost {
		short = v - th.Baseline
	}
	if short <= rateEps {
		return 0
	}
	return short * 100
}

// Misses reports whether a rate value falls short of the threshold's baseline.
func (th *Threshold) Misses(v float64) bool { return th.Shortfall(v) > 0 }

// Band is one band of a banded item: its points apply when the rate is ≥ Min and ≤ Max (each optional).
type Band struct {
	Min, Max *float64
	Points   float64
}

// Item turns one rate into points, linearly or by bands (SPEC §13.9).
type Item struct {
	Label string
	Rate  string
	rate  int
	// Linear items give Max × clamp((rate − Zero) / (Full − Zero), 0, 1).
	Linear          bool
	Max, Zero, Full float64
	// Bands are tried in order; the first that holds gives its points, none gives 0.
	Bands []Band
}

// Points returns the item's points for a rate value.
func (it *Item) Points(v float64) float64 {
	if it.Linear {
		switch {
		case math.Abs(v-it.Full) <= rateEps:
			return it.Max
		case math.Abs(v-it.Zero) <= rateEps:
			return 0
		}
		return it.Max * math.Max(0, math.Min(1, (v-it.Zero)/(it.Full-it.Zero)))
	}
	for _, b := range it.Bands {
		if (b.Min == nil || v >= *b.Min-rateEps) && (b.Max == nil || v <= *b.Max+rateEps) {
			return b.Points
		}
	}
	return 0
}

// Scheme is the part of a policy a group may replace: weights, thresholds, items and final (SPEC §13.11).
type Scheme struct {
	// Weights is indexed like RateNames; weighted marks the rates in the composite.
	Weights  [NumRates]float64
	weighted [NumRates]bool

	Thresholds []Threshold
	Items      []Item

	Base, PointsFactor, Min, Max float64
}

// Rule is a ticket-point rule (积分).
type Rule struct {
	Label  string
	Points float64
	must   uint32 // feature bits that must be set
	res    uint8  // allowed resolutions as bits; 0 means any
	kinds  uint8  // allowed kinds as bits; 0 means any
	urg    uint8  // allowed urgencies as bits; 0 means any
	ret    uint8  // allowed return states as bits; 0 means any
}

// Grade is an annual grade band: scores ≥ Min get Name.
type Grade struct {
	Min  float64 `json:"min"`
	Name string  `json:"name"`
}

// Document is the assessment rules document a bulletin cites (《…考核办法》, …〔2025〕12号).
type Document struct {
	Title  string `json:"title,omitempty"`
	Number string `json:"number,omitempty"`
}

// Duplicates is the policy's repeat-request rule (SPEC §13.7).
type Duplicates struct {
	// Window is the most seconds between two calls of a repeat; 0 when only duplicate_of marks repeats.
	Window int64
	// Same lists the fields that must be equal and non-empty: caller_phone, category, kind, channel.
	Same []string
	// Merge is true for treat: merge (a repeat is not eligible), false for treat: count.
	Merge bool
}

// Same-field bits of Duplicates.
const (
	samePhone = 1 << iota
	sameCategory
	sameKind
	sameChannel
)

// Policy is a validated assessment policy (考核办法), compiled for scoring.
type Policy struct {
	Name, Version string
	Document      Document
	Loc           *time.Location
	StartDay      int
	// BasisReceived assigns rows to periods by received_at instead of closed_at.
	BasisReceived bool
	Calendars     []string
	work          *Workdays

	// Hotlines and Channels are the scope (SPEC §13.2); nil means any.
	Hotlines, Channels []string
	scoped             bool

	scored      [numKinds]bool
	roleWeight  [numRoles]float64
	respByStamp bool
	respLimit   [numUrgencies]Limit
	useGivenDue bool
	// HonorExtensions makes an extended_due_at the deadline (SPEC §13.4).
	HonorExtensions bool
	// NoDueMeansNone is when_no_due: none.
	NoDueMeansNone bool
	dueLimit       [numUrgencies]Limit
	// HasAcceptance is true when the policy has an acceptance key (SPEC §13.5).
	HasAcceptance bool
	accLimit      [numUrgencies]Limit
	// CountOpenOverdue is on_time.count_open_overdue (SPEC §13.6).
	CountOpenOverdue bool
	// Duplicates is the duplicates key; nil when absent (duplicate_of rows are then merged).
	Duplicates   *Duplicates
	mergeRepeats bool
	sameMask     uint8
	seed         maphash.Seed // for the same-field hash
	resWeight    [numResolutions]float64
	satWeight    [numSatisfactions]float64
	satisfied    [numSatisfactions]bool
	unratedZero  bool
	// ShowRaw asks bulletins to show the raw rates; it changes no figure.
	ShowRaw bool

	// Scheme is the policy's own weights, thresholds, items and final; Groups replace it per group.
	Scheme
	Groups map[string]*Scheme

	Rules []Rule
	// comboRules[comboIndex(a)] is the set of rules whose lists admit a's resolution, kind, urgency and return.
	comboRules [numCombos]uint32
	usesRepeat bool             // some rule tests repeat
	musts      [MaxRules]uint32 // each rule's must, in rule order
	// kindRole[kind][role] is true for a scored kind in a role weighted above 0.
	kindRole [8][2]bool

	// AdjustMin and AdjustMax clamp the sum of a unit's adjustments in a period; nil when unbounded.
	AdjustMin, AdjustMax *float64

	Round        int
	TieBreakers  []string
	tieBreak     []int
	MinCallbacks float64
	Top, Bottom  int

	AnnualPooled bool
	// AnnualPointsTotal is annual mode points_total (积分制, SPEC §13.11).
	AnnualPointsTotal bool
	// MoneyPerPoint is the amount per annual point (元); 0 when the policy names none.
	MoneyPerPoint float64
	Grades        []Grade

	// Source is the YAML the policy was read from.
	Source []byte
}

// Info names the policy for results.
func (p *Policy) Info() PolicyInfo { return PolicyInfo{Name: p.Name, Version: p.Version} }

// SchemeOf returns the weights, thresholds, items and final that apply to the units of a group.
func (p *Policy) SchemeOf(group string) *Scheme {
	if s, ok := p.Groups[group]; ok {
		return s
	}
	return &p.Scheme
}

// ReadsText reports whether scoring needs the rows' caller phone, category, channel or hotline (a
// repeat window on them, or a scope): a lean read that leaves them empty would find no repeats.
func (p *Policy) ReadsText() bool {
	return p.sameMask&(samePhone|sameCategory|sameChannel) != 0 || p.scoped
}

// CalendarSource finds a calendar by name; ParsePolicy uses it for the policy's calendar list.
type CalendarSource func(name string) (*Calendar, error)

// ParsePolicy reads and validates a policy; every problem is reported with its key path in one *Error,
// sorted by key path.
func ParsePolicy(data []byte, calendars CalendarSource) (*Policy, error) {
	if !utf8.Valid(data) {
		return nil, &Error{Code: Invalid, Message: "policy: the file is not UTF-8 (it may be GBK or GB18030): save it as UTF-8",
			Fields: []FieldError{{Field: "(file)", Reason: "not UTF-8: save it as UTF-8"}}}
	}
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		fe := syntaxError(data, err)
		return nil, &Error{Code: Invalid, Message: "policy: " + fe.Field + ": " + fe.Reason, Fields: []FieldError{fe}}
	}
	if root.Kind == 0 {
		return nil, errorf(Invalid, "policy: empty file")
	}
	var shape []FieldError
	checkNode(&root, reflect.TypeOf(policyFile{}), "", &shape)
	var f policyFile
	if err := root.Decode(&f); err != nil {
		var te *yaml.TypeError
		if !errors.As(err, &te) || len(shape) == 0 {
			// checkNode reports every shape problem; a decoder error it missed is still reported, by line.
			shape = append(shape, FieldError{Field: "(top level)", Reason: cleanYAMLError(err)})
		}
	}
	c := &compiler{src: calendars}
	p := c.compile(&f)
	compiled := withLines(&root, suppressUnder(c.errs, shape))
	for _, s := range shape {
		if s.Field == "(top level)" {
			compiled = nil // the file is not a policy at all: its missing keys say nothing more
		}
	}
	errs := append(shape, compiled...)
	if len(errs) > 0 {
		errs = sortFieldErrors(errs)
		msgs := make([]string, len(errs))
		for i, e := range errs {
			msgs[i] = e.Field + ": " + e.Reason
		}
		return nil, &Error{Code: Invalid, Message: "policy: " + strings.Join(msgs, "; "), Fields: errs}
	}
	p.Source = bytes.Clone(data)
	return p, nil
}

// Uses reports whether any group's rules name the rate: a weight, a threshold, an item or a
// tie-breaker. Tables and bulletins show a second-edition rate only when the policy uses it.
func (p *Policy) Uses(rate string) bool {
	if slices.Contains(p.TieBreakers, rate) {
		return true
	}
	schemes := []*Scheme{&p.Scheme}
	for _, s := range p.Groups {
		schemes = append(schemes, s)
	}
	for _, s := range schemes {
		if i := rateIndex(rate); i >= 0 && s.Weights[i] != 0 {
			return true
		}
		for _, t := range s.Thresholds {
			if t.Rate == rate {
				return true
			}
		}
		for _, it := range s.Items {
			if it.Rate == rate {
				return true
			}
		}
	}
	return false
}

// HasItems reports whether any group's rules have items (SPEC §13.9).
func (p *Policy) HasItems() bool {
	if len(p.Items) > 0 {
		return true
	}
	for _, s := range p.Groups {
		if len(s.Items) > 0 {
			return true
		}
	}
	return false
}
