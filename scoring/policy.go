package scoring

import (
	"bytes"
	"errors"
	"fmt"
	"hash/maphash"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"reflect"
	"regexp"
	"slices"

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
		return it.Max * math.Max(0, math.Min(1, (v-it.Zero)/(it.Full-it.Zero)))
	}
	for _, b := range it.Bands {
		if (b.Min == nil || v >= *b.Min) && (b.Max == nil || v <= *b.Max) {
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

// ReadsText reports whether scoring needs the rows' caller phone and category (duplicates.same names
// one of them): a lean read that leaves them empty would find no repeats.
func (p *Policy) ReadsText() bool { return p.sameMask&(samePhone|sameCategory) != 0 }

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
	errs := append(shape, suppressUnder(c.errs, shape)...)
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

// suppressUnder drops compiler errors on a key (or its parents or children) whose value already has a shape error.
func suppressUnder(errs, shape []FieldError) []FieldError {
	related := func(a, b string) bool {
		under := func(x, y string) bool {
			return strings.HasPrefix(x, y) && (len(x) == len(y) || x[len(y)] == '.' || x[len(y)] == '[')
		}
		return under(a, b) || under(b, a)
	}
	var out []FieldError
	for _, e := range errs {
		keep := true
		for _, s := range shape {
			if related(e.Field, s.Field) {
				keep = false
				break
			}
		}
		if keep {
			out = append(out, e)
		}
	}
	return out
}

// sortFieldErrors orders problems by key path, then reason, each once.
func sortFieldErrors(errs []FieldError) []FieldError {
	sort.SliceStable(errs, func(i, j int) bool {
		if errs[i].Field != errs[j].Field {
			return errs[i].Field < errs[j].Field
		}
		return errs[i].Reason < errs[j].Reason
	})
	out := errs[:0]
	for i, e := range errs {
		if i > 0 && e == errs[i-1] {
			continue
		}
		out = append(out, e)
	}
	return out
}

var yamlLine = regexp.MustCompile(`line (\d+)`)

// cleanYAMLError strips the decoder's prefix and any Go type names from a YAML error.
func cleanYAMLError(err error) string {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	if i := strings.Index(msg, " into "); i >= 0 {
		msg = msg[:i]
	}
	return strings.ReplaceAll(msg, "unmarshal errors:\n  ", "")
}

// syntaxError reports a YAML syntax error at the key path of its line.
func syntaxError(data []byte, err error) FieldError {
	msg := cleanYAMLError(err)
	m := yamlLine.FindStringSubmatch(msg)
	if m == nil {
		return FieldError{Field: "(top level)", Reason: "not valid YAML: " + msg}
	}
	line, _ := strconv.Atoi(m[1])
	return FieldError{Field: orRoot(pathAtLine(data, line)), Reason: "not valid YAML: " + msg}
}

// pathAtLine guesses the key path of a line from the indentation of the block keys above it.
func pathAtLine(data []byte, line int) string {
	type key struct {
		indent int
		name   string
	}
	var stack []key
	for i, l := range strings.Split(string(data), "\n") {
		if i >= line {
			break
		}
		t := strings.TrimLeft(l, " ")
		if t == "" || strings.HasPrefix(t, "#") {
			continue
		}
		indent := len(l) - len(t)
		t = strings.TrimPrefix(t, "- ")
		name, _, ok := strings.Cut(t, ":")
		if !ok || strings.ContainsAny(name, "{}[],\"'") {
			continue
		}
		for len(stack) > 0 && stack[len(stack)-1].indent >= indent {
			stack = stack[:len(stack)-1]
		}
		stack = append(stack, key{indent, strings.TrimSpace(name)})
	}
	names := make([]string, len(stack))
	for i, k := range stack {
		names[i] = k.name
	}
	return strings.Join(names, ".")
}

type compiler struct {
	errs []FieldError
	src  CalendarSource
	// acceptance is true when the policy has an acceptance key.
	acceptance bool
}

func (c *compiler) fail(field, format string, args ...any) {
	c.errs = append(c.errs, FieldError{Field: field, Reason: fmt.Sprintf(format, args...)})
}

func (c *compiler) compile(f *policyFile) *Policy {
	p := &Policy{Name: f.Name, Version: f.Version, StartDay: 1, seed: maphash.MakeSeed()}
	if f.Name == "" {
		c.fail("name", "required")
	}
	if f.Version == "" {
		c.fail("version", "required")
	}
	if f.Document != nil {
		p.Document = Document{Title: f.Document.Title, Number: f.Document.Number}
	}
	tz := f.Timezone
	if tz == "" {
		tz = "Asia/Shanghai"
	}
	loc, err := time.LoadLocation(tz)
	if err != nil {
		c.fail("timezone", "unknown time zone %q", tz)
		loc = time.UTC
	}
	p.Loc = loc
	if f.Period != nil {
		if f.Period.StartDay != nil {
			p.StartDay = *f.Period.StartDay
			if p.StartDay < 1 || p.StartDay > 28 {
				c.fail("period.start_day", "must be 1..28, got %d", p.StartDay)
			}
		}
		switch f.Period.Basis {
		case "", "closed":
		case "received":
			p.BasisReceived = true
		default:
			c.fail("period.basis", "must be closed or received, got %q", f.Period.Basis)
		}
	}
	p.ShowRaw = f.ShowRaw
	c.scope(p, f)
	c.kinds(p, f)
	c.roles(p, f)
	c.limits(p, f)
	c.duplicates(p, f)
	c.levels(p, f)
	c.scheme(p, &p.Scheme, "", f.Weights, f.Thresholds, f.Items, f.Final)
	c.groups(p, f)
	c.rules(p, f)
	for k := Kind(0); k < numKinds; k++ {
		for r := Role(0); r < numRoles; r++ {
			p.kindRole[k][r] = p.scored[k] && p.roleWeight[r] > 0
		}
	}
	c.adjustments(p, f)
	c.ranking(p, f)
	c.annual(p, f)
	c.calendar(p, f)
	return p
}

func (c *compiler) scope(p *Policy, f *policyFile) {
	if f.Scope == nil {
		return
	}
	list := func(path string, l *stringList) []string {
		if l == nil {
			return nil
		}
		if len(*l) == 0 {
			c.fail(path, "empty list: it would leave every row out of scope (remove the key to keep all)")
		}
		out := make([]string, len(*l))
		for i, v := range *l {
			out[i] = strings.TrimSpace(v)
			if out[i] == "" {
				c.fail(fmt.Sprintf("%s[%d]", path, i), "empty value")
			}
		}
		return out
	}
	p.Hotlines = list("scope.hotlines", f.Scope.Hotlines)
	p.Channels = list("scope.channels", f.Scope.Channels)
	p.scoped = p.Hotlines != nil || p.Channels != nil
}

func (c *compiler) duplicates(p *Policy, f *policyFile) {
	p.mergeRepeats = true
	d := f.Duplicates
	if d == nil {
		return
	}
	p.Duplicates = &Duplicates{Merge: true}
	switch d.Treat {
	case "", "merge":
	case "count":
		p.Duplicates.Merge, p.mergeRepeats = false, false
	default:
		c.fail("duplicates.treat", "must be merge or count, got %q", d.Treat)
	}
	if (d.Window == "") != (d.Same == nil) {
		c.fail("duplicates", "window and same go together (window: 30d, same: [caller_phone, category])")
	}
	if d.Window != "" {
		w, err := parseWindow(d.Window)
		if err != nil {
			c.fail("duplicates.window", "%v", err)
		}
		p.Duplicates.Window = w
	}
	if d.Same != nil {
		if len(*d.Same) == 0 {
			c.fail("duplicates.same", "empty list: name at least one of caller_phone, category, kind, channel")
		}
		for i, s := range *d.Same {
			bit := map[string]uint8{"caller_phone": samePhone, "category": sameCategory, "kind": sameKind, "channel": sameChannel}[s]
			if bit == 0 {
				c.fail(fmt.Sprintf("duplicates.same[%d]", i), "unknown field %q (want caller_phone, category, kind or channel)", s)
				continue
			}
			if p.sameMask&bit != 0 {
				c.fail(fmt.Sprintf("duplicates.same[%d]", i), "%s named twice", s)
			}
			p.sameMask |= bit
			p.Duplicates.Same = append(p.Duplicates.Same, s)
		}
	}
	if p.Duplicates.Window == 0 {
		p.sameMask = 0
	}
}

// parseWindow parses a repeat window: whole days (30d) or hours (72h), in seconds.
func parseWindow(s string) (int64, error) {
	s = strings.TrimSpace(s)
	unit := int64(86400)
	num := strings.TrimSuffix(s, "d")
	if num == s {
		num, unit = strings.TrimSuffix(s, "h"), 3600
		if num == s {
			return 0, fmt.Errorf("window %q: want days such as 30d (or hours such as 72h)", s)
		}
	}
	n, err := strconv.Atoi(num)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("window %q: want a positive whole number of days such as 30d", s)
	}
	return int64(n) * unit, nil
}

func (c *compiler) kinds(p *Policy, f *policyFile) {
	kinds := stringList{"help", "complaint", "report", "suggestion", "consult"}
	if f.ScoredKinds != nil {
		kinds = *f.ScoredKinds
	}
	for i, k := range kinds {
		kk, err := ParseKind(k)
		if err != nil {
			c.fail(fmt.Sprintf("scored_kinds[%d]", i), "%v", err)
			continue
		}
		p.scored[kk] = true
	}
}

func (c *compiler) roles(p *Policy, f *policyFile) {
	p.roleWeight = [numRoles]float64{Lead: 1, Co: 0}
	for _, k := range sortedKeys(f.Roles) {
		w := f.Roles[k]
		r, err := roleWords.parse(k)
		if err != nil {
			c.fail("roles."+k, "unknown role (want lead or co)")
			continue
		}
		if w < 0 || w > 1 || math.IsNaN(w) {
			c.fail("roles."+k, "weight must be between 0 and 1, got %v", w)
		}
		p.roleWeight[r] = w
	}
}

func (c *compiler) limitTable(path string, m map[string]string, out *[numUrgencies]Limit) {
	var named [numUrgencies]bool
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		u, err := urgencyWords.parse(k)
		if err != nil {
			c.fail(path+"."+k, "unknown urgency (want emergency, priority, normal, complex)")
			continue
		}
		named[u] = true
		l, err := ParseLimit(m[k])
		if err != nil {
			c.fail(path+"."+k, "%v", err)
			continue
		}
		out[u] = l
	}
	for u := Urgency(0); u < numUrgencies; u++ {
		if !named[u] {
			c.fail(path+"."+u.String(), "required")
		}
	}
}

func (c *compiler) limits(p *Policy, f *policyFile) {
	if f.Response == nil {
		c.fail("response", "required")
	} else {
		switch f.Response.Mode {
		case "callback", "":
		case "timestamp":
			p.respByStamp = true
		default:
			c.fail("response.mode", "must be callback or timestamp, got %q", f.Response.Mode)
		}
		if p.respByStamp || f.Response.Limits != nil {
			c.limitTable("response.limits", f.Response.Limits, &p.respLimit)
		}
	}
	if f.Acceptance != nil {
		p.HasAcceptance, c.acceptance = true, true
		c.limitTable("acceptance.limits", f.Acceptance.Limits, &p.accLimit)
	}
	if f.OnTime != nil {
		p.CountOpenOverdue = f.OnTime.CountOpenOverdue
	}
	if f.Deadlines == nil {
		c.fail("deadlines", "required")
		return
	}
	p.useGivenDue = f.Deadlines.UseGivenDue
	p.HonorExtensions = f.Deadlines.HonorExtensions
	switch f.Deadlines.WhenNoDue {
	case "", "limits":
	case "none":
		p.NoDueMeansNone = true
		if !p.useGivenDue {
			c.fail("deadlines.when_no_due", "none needs use_given_due: true (without given due dates every row would have no deadline)")
		}
	default:
		c.fail("deadlines.when_no_due", "must be limits or none, got %q", f.Deadlines.WhenNoDue)
	}
	c.limitTable("deadlines.limits", f.Deadlines.Limits, &p.dueLimit)
}

func (c *compiler) levels(p *Policy, f *policyFile) {
	p.resWeight = [numResolutions]float64{Resolved: 1, Partial: 0.5, Unresolved: 0}
	if f.ResolutionWeights != nil {
		got := map[Resolution]bool{}
		for _, k := range sortedKeys(f.ResolutionWeights) {
			w := f.ResolutionWeights[k]
			r, err := resolutionWords.parse(k)
			if err != nil || r == 0 {
				c.fail("resolution_weights."+k, "unknown level (want resolved, partial, unresolved)")
				continue
			}
			c.unit("resolution_weights."+k, w)
			p.resWeight[r], got[Resolution(r)] = w, true
		}
		for r := Resolved; r < numResolutions; r++ {
			if !got[r] {
				c.fail("resolution_weights."+r.String(), "required")
			}
		}
	}
	p.satWeight = [numSatisfactions]float64{VerySatisfied: 1, Satisfied: 1, BasicallySatisfied: 0.9}
	if f.SatisfactionWeights != nil {
		got := map[Satisfaction]bool{}
		for _, k := range sortedKeys(f.SatisfactionWeights) {
			w := f.SatisfactionWeights[k]
			s, err := satisfactionWords.parse(k)
			if err != nil || s == 0 {
				c.fail("satisfaction_weights."+k, "unknown level (want very_satisfied, satisfied, basically_satisfied, dissatisfied, very_dissatisfied)")
				continue
			}
			c.unit("satisfaction_weights."+k, w)
			p.satWeight[s], got[Satisfaction(s)] = w, true
		}
		for s := VerySatisfied; s < numSatisfactions; s++ {
			if !got[s] {
				c.fail("satisfaction_weights."+s.String(), "required")
			}
		}
	}
	levels := stringList{"very_satisfied", "satisfied", "basically_satisfied"}
	if f.SatisfiedLevels != nil {
		levels = *f.SatisfiedLevels
	}
	for i, l := range levels {
		s, err := satisfactionWords.parse(l)
		if err != nil || s == 0 {
			c.fail(fmt.Sprintf("satisfied_levels[%d]", i), "unknown level %q", l)
			continue
		}
		p.satisfied[s] = true
	}
	switch f.Unrated {
	case "", "exclude":
	case "zero":
		p.unratedZero = true
	default:
		c.fail("unrated", "must be exclude or zero, got %q", f.Unrated)
	}
}

func (c *compiler) unit(path string, w float64) {
	if w < 0 || w > 1 || math.IsNaN(w) {
		c.fail(path, "must be between 0 and 1, got %v", w)
	}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func rateIndex(name string) int {
	for i, n := range rateNames {
		if n == name {
			return i
		}
	}
	return -1
}

// rate checks a rate name at path: it must exist, and acceptance needs the acceptance key.
func (c *compiler) rate(path, name string) int {
	i := rateIndex(name)
	switch {
	case i < 0:
		c.fail(path, "unknown rate %q (want one of %s)", name, strings.Join(rateNames[:], ", "))
	case name == RateAcceptance && !c.acceptance:
		c.fail(path, "rate acceptance needs the policy's acceptance key (acceptance: {limits: …})")
	}
	return i
}

// scheme compiles weights, thresholds, items and final into s; prefix is "" or "groups.<group>.".
func (c *compiler) scheme(p *Policy, s *Scheme, prefix string, weights *map[string]float64, ths []thresholdSpec, items []itemSpec, fin *finalSpec) {
	c.weights(s, prefix, weights)
	c.thresholds(s, prefix, ths)
	c.items(s, prefix, items)
	c.final(s, prefix, fin)
}

func (c *compiler) weights(s *Scheme, prefix string, given *map[string]float64) {
	w := map[string]float64{RateResponse: 0.1, RateResolution: 0.5, RateSatisfaction: 0.4}
	if given != nil {
		w = *given
	}
	s.Weights, s.weighted = [NumRates]float64{}, [NumRates]bool{}
	sum := 0.0
	for _, name := range sortedKeys(w) {
		v := w[name]
		path := prefix + "weights." + name
		i := c.rate(path, name)
		if i < 0 {
			continue
		}
		if v < 0 || math.IsNaN(v) {
			c.fail(path, "must not be negative, got %v", v)
		}
		s.Weights[i], s.weighted[i] = v, true
		sum += v
	}
	if len(w) > 0 && math.Abs(sum-1) > 1e-9 {
		c.fail(prefix+"weights", "weights sum to %v, must sum to 1", sum)
	}
}

func (c *compiler) thresholds(s *Scheme, prefix string, ths []thresholdSpec) {
	s.Thresholds = nil
	for i, t := range ths {
		path := fmt.Sprintf("%sthresholds[%d]", prefix, i)
		th := Threshold{Rate: t.Rate, rate: c.rate(path+".rate", t.Rate)}
		switch t.Direction {
		case "at_least":
		case "at_most":
			th.AtMost = true
		default:
			c.fail(path+".direction", "must be at_least or at_most, got %q", t.Direction)
		}
		th.Baseline = c.required(path+".baseline", t.Baseline)
		th.PerPoint = c.required(path+".per_point", t.PerPoint)
		th.Cap = c.required(path+".cap", t.Cap)
		c.unit(path+".baseline", th.Baseline)
		if th.PerPoint < 0 || th.Cap < 0 {
			c.fail(path, "per_point and cap must not be negative")
		}
		s.Thresholds = append(s.Thresholds, th)
	}
}

func (c *compiler) items(s *Scheme, prefix string, items []itemSpec) {
	s.Items = nil
	for i, it := range items {
		path := fmt.Sprintf("%sitems[%d]", prefix, i)
		item := Item{Label: it.Label, Rate: it.Rate, rate: c.rate(path+".rate", it.Rate)}
		if it.Label == "" {
			c.fail(path+".label", "required")
		}
		switch {
		case it.Linear != nil && it.Bands != nil:
			c.fail(path, "give exactly one of linear and bands, not both")
		case it.Linear == nil && it.Bands == nil:
			c.fail(path, "give exactly one of linear (with max) and bands")
		case it.Linear != nil:
			item.Linear = true
			item.Max = c.required(path+".max", it.Max)
			item.Zero = c.required(path+".linear.zero", it.Linear.Zero)
			item.Full = c.required(path+".linear.full", it.Linear.Full)
			c.unit(path+".linear.zero", item.Zero)
			c.unit(path+".linear.full", item.Full)
			if it.Linear.Zero != nil && it.Linear.Full != nil && item.Zero == item.Full {
				c.fail(path+".linear", "zero and full must differ")
			}
		default:
			if it.Max != nil {
				c.fail(path+".max", "max belongs to a linear item; a band gives its own points")
			}
			if len(it.Bands) == 0 {
				c.fail(path+".bands", "empty list: give at least one band")
			}
			for j, b := range it.Bands {
				bp := fmt.Sprintf("%s.bands[%d]", path, j)
				band := Band{Points: c.required(bp+".points", b.Points)}
				if b.Min == nil && b.Max == nil {
					c.fail(bp, "give min, max or both")
				}
				if b.Min != nil {
					band.Min = f64(c.required(bp+".min", b.Min))
					c.unit(bp+".min", *band.Min)
				}
				if b.Max != nil {
					band.Max = f64(c.required(bp+".max", b.Max))
					c.unit(bp+".max", *band.Max)
				}
				item.Bands = append(item.Bands, band)
			}
		}
		s.Items = append(s.Items, item)
	}
}

func (c *compiler) groups(p *Policy, f *policyFile) {
	if len(f.Groups) == 0 {
		return
	}
	p.Groups = map[string]*Scheme{}
	for _, g := range sortedKeys(f.Groups) {
		gs := f.Groups[g]
		prefix := "groups." + g + "."
		s := p.Scheme // a group key replaces the policy's key as a whole
		s.Thresholds = slices.Clone(s.Thresholds)
		s.Items = slices.Clone(s.Items)
		if gs.Weights != nil {
			c.weights(&s, prefix, gs.Weights)
		}
		if gs.Thresholds != nil {
			c.thresholds(&s, prefix, *gs.Thresholds)
		}
		if gs.Items != nil {
			c.items(&s, prefix, *gs.Items)
		}
		if gs.Final != nil {
			c.final(&s, prefix, gs.Final)
		}
		if gs.Weights == nil && gs.Thresholds == nil && gs.Items == nil && gs.Final == nil {
			c.fail("groups."+g, "names none of weights, thresholds, items, final")
		}
		p.Groups[g] = &s
	}
}

func (c *compiler) required(path string, v *float64) float64 {
	if v == nil {
		c.fail(path, "required")
		return 0
	}
	if math.IsNaN(*v) || math.IsInf(*v, 0) {
		c.fail(path, "must be a finite number")
	}
	return *v
}

// Feature bits of an assignment tested by rules.
const (
	fCallbackValid = 1 << iota
	fCallbackInvalid
	fContacted
	fNotContacted
	fSatisfied
	fUnsatisfied
	fOverdue
	fNotOverdue
	fSupervised
	fNotSupervised
	fIncomplete
	fNotIncomplete
	fOpinion
	fNotOpinion
	fRedispatched
	fNotRedispatched
	fAcceptedLate
	fAcceptedOnTime
	fRepeat
	fNotRepeat
)

func (c *compiler) rules(p *Policy, f *policyFile) {
	if len(f.TicketPoints) > MaxRules {
		c.fail("ticket_points", "at most %d rules", MaxRules)
		return
	}
	for i, r := range f.TicketPoints {
		path := fmt.Sprintf("ticket_points[%d]", i)
		ru := Rule{Label: r.Label, Points: c.required(path+".points", r.Points)}
		if r.Label == "" {
			c.fail(path+".label", "required")
		}
		w := r.When
		flag := func(b *bool, yes, no uint32) {
			if b != nil && *b {
				ru.must |= yes
			} else if b != nil {
				ru.must |= no
			}
		}
		flag(w.CallbackValid, fCallbackValid, fCallbackInvalid)
		flag(w.Contacted, fContacted, fNotContacted)
		flag(w.Satisfied, fSatisfied, fUnsatisfied)
		flag(w.Overdue, fOverdue, fNotOverdue)
		flag(w.Supervised, fSupervised, fNotSupervised)
		flag(w.IncompleteMaterials, fIncomplete, fNotIncomplete)
		flag(w.OpinionIncident, fOpinion, fNotOpinion)
		flag(w.Redispatched, fRedispatched, fNotRedispatched)
		flag(w.AcceptedLate, fAcceptedLate, fAcceptedOnTime)
		flag(w.Repeat, fRepeat, fNotRepeat)
		if w.AcceptedLate != nil && !c.acceptance {
			c.fail(path+".when.accepted_late", "needs the policy's acceptance key (acceptance: {limits: …})")
		}
		if w.Repeat != nil {
			p.usesRepeat = true
		}
		list := func(key string, l *stringList, words vocabulary, what string, zeroOK bool) uint8 {
			if l == nil {
				return 0
			}
			if len(*l) == 0 {
				c.fail(path+".when."+key, "empty list: it matches nothing (remove the key to match any)")
				return 0
			}
			var bits uint8
			for j, s := range *l {
				v, err := words.parse(s)
				if err != nil || (v == 0 && !zeroOK) {
					c.fail(fmt.Sprintf("%s.when.%s[%d]", path, key, j), "unknown %s %q", what, s)
					continue
				}
				bits |= 1 << v
			}
			return bits
		}
		ru.res = list("resolved", w.Resolved, resolutionWords, "resolution", false)
		ru.kinds = list("kind", w.Kind, kindWords, "kind", true)
		ru.urg = list("urgency", w.Urgency, urgencyWords, "urgency", true)
		ru.ret = list("return", w.Return, returnWords, "return status", true)
		p.Rules = append(p.Rules, ru)
	}
	for i := range p.Rules {
		p.musts[i] = p.Rules[i].must
		for res := Resolution(0); res < numResolutions; res++ {
			for k := Kind(0); k < numKinds; k++ {
				for u := Urgency(0); u < numUrgencies; u++ {
					for rs := ReturnStatus(0); rs < numReturnStatuses; rs++ {
						if p.Rules[i].allows(res, k, u, rs) {
							a := Assignment{Resolution: res, Kind: k, Urgency: u, Return: rs}
							p.comboRules[comboIndex(&a)] |= 1 << i
						}
					}
				}
			}
		}
	}
}

func (c *compiler) final(s *Scheme, prefix string, fin *finalSpec) {
	s.Base, s.PointsFactor, s.Min, s.Max = 0, 0, 0, 100
	if fin == nil {
		return
	}
	opt := func(path string, v *float64, def float64) float64 {
		if v == nil {
			return def
		}
		return c.required(path, v)
	}
	s.Base = opt(prefix+"final.base", fin.Base, 0)
	s.PointsFactor = opt(prefix+"final.points_factor", fin.PointsFactor, 0)
	s.Min = opt(prefix+"final.min", fin.Min, 0)
	s.Max = opt(prefix+"final.max", fin.Max, 100)
	if s.Min > s.Max {
		c.fail(prefix+"final.min", "min %v is above max %v", s.Min, s.Max)
	}
}

func (c *compiler) adjustments(p *Policy, f *policyFile) {
	a := f.Adjustments
	if a == nil {
		return
	}
	if a.Min != nil {
		p.AdjustMin = f64(c.required("adjustments.min", a.Min))
	}
	if a.Max != nil {
		p.AdjustMax = f64(c.required("adjustments.max", a.Max))
	}
	if p.AdjustMin != nil && p.AdjustMax != nil && *p.AdjustMin > *p.AdjustMax {
		c.fail("adjustments.min", "min %v is above max %v", *p.AdjustMin, *p.AdjustMax)
	}
}

func (c *compiler) ranking(p *Policy, f *policyFile) {
	p.Round, p.MinCallbacks, p.Top, p.Bottom = 2, 10, 3, 3
	p.TieBreakers = []string{RateResolution, RateSatisfaction, RateResponse}
	if r := f.Ranking; r != nil {
		if r.Round != nil {
			p.Round = *r.Round
		}
		if r.TieBreakers != nil {
			p.TieBreakers = *r.TieBreakers
		}
		if r.MinCallbacks != nil {
			p.MinCallbacks = *r.MinCallbacks
		}
		if r.Top != nil {
			p.Top = *r.Top
		}
		if r.Bottom != nil {
			p.Bottom = *r.Bottom
		}
	}
	if p.Round < 0 || p.Round > 6 {
		c.fail("ranking.round", "must be 0..6, got %d", p.Round)
	}
	if p.MinCallbacks < 0 || p.Top < 0 || p.Bottom < 0 {
		c.fail("ranking", "min_callbacks, top and bottom must not be negative")
	}
	for i, t := range p.TieBreakers {
		p.tieBreak = append(p.tieBreak, c.rate(fmt.Sprintf("ranking.tie_breakers[%d]", i), t))
	}
}

func (c *compiler) annual(p *Policy, f *policyFile) {
	p.Grades = []Grade{{90, "优秀"}, {80, "良好"}, {60, "合格"}, {0, "不合格"}}
	if f.Annual == nil {
		return
	}
	switch f.Annual.Mode {
	case "", "mean_of_periods":
	case "pooled":
		p.AnnualPooled = true
	case "points_total":
		p.AnnualPointsTotal = true
	default:
		c.fail("annual.mode", "must be mean_of_periods, pooled or points_total, got %q", f.Annual.Mode)
	}
	if f.Annual.MoneyPerPoint != nil {
		p.MoneyPerPoint = c.required("annual.money_per_point", f.Annual.MoneyPerPoint)
		if p.MoneyPerPoint < 0 {
			c.fail("annual.money_per_point", "must not be negative, got %v", p.MoneyPerPoint)
		}
		if !p.AnnualPointsTotal {
			c.fail("annual.money_per_point", "belongs to mode points_total")
		}
	}
	if f.Annual.Grades != nil {
		p.Grades = nil
		for i, g := range f.Annual.Grades {
			path := fmt.Sprintf("annual.grades[%d]", i)
			if g.Name == "" {
				c.fail(path+".name", "required")
			}
			p.Grades = append(p.Grades, Grade{Min: c.required(path+".min", g.Min), Name: g.Name})
		}
		sort.SliceStable(p.Grades, func(i, j int) bool { return p.Grades[i].Min > p.Grades[j].Min })
	}
}

func (c *compiler) calendar(p *Policy, f *policyFile) {
	p.Calendars = f.Calendar
	var cals []*Calendar
	for i, name := range f.Calendar {
		if c.src == nil {
			c.fail(fmt.Sprintf("calendar[%d]", i), "calendar %q not found (no calendars available)", name)
			continue
		}
		cal, err := c.src(name)
		if err != nil {
			c.fail(fmt.Sprintf("calendar[%d]", i), "calendar %q not found: %v", name, err)
			continue
		}
		cals = append(cals, cal)
	}
	needed := ""
	for u := Urgency(0); u < numUrgencies; u++ {
		if p.HasAcceptance && p.accLimit[u].Workdays > 0 {
			needed = "acceptance.limits." + u.String()
		}
		if p.respByStamp && p.respLimit[u].Workdays > 0 {
			needed = "response.limits." + u.String()
		}
		if p.dueLimit[u].Workdays > 0 {
			needed = "deadlines.limits." + u.String()
		}
	}
	if len(cals) == 0 {
		if needed != "" && len(f.Calendar) == 0 {
			c.fail("calendar", "required: %s counts working days", needed)
		}
		return
	}
	w, err := NewWorkdays(p.Loc, cals)
	if err != nil {
		c.fail("calendar", "%v", err)
		return
	}
	p.work = w
}
