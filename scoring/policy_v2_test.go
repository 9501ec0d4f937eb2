package scoring_test

import (
	"reflect"
	"strings"
	"testing"

	"sanlv/scoring"
)

// fields parses a policy that must be invalid and returns its problems.
func fields(t *testing.T, src string) []scoring.FieldError {
	t.Helper()
	_, err := parse(src)
	se, ok := err.(*scoring.Error)
	if !ok || se.Code != scoring.Invalid {
		t.Fatalf("err = %#v, want *scoring.Error invalid", err)
	}
	return se.Fields
}

func TestSecondEditionValidationNamesTheKey(t *testing.T) {
	tests := []struct {
		name, from, to, wantField, wantText string
	}{
		{"type error", "response: 0.1,", "response: abc,", "weights.response", "line 14: want a number"},
		{"list where a mapping is wanted", "thresholds: []", "thresholds: {a: 1}", "thresholds", "want a list"},
		{"duplicate key", "unrated: exclude", "unrated: exclude\nunrated: zero", "unrated", "duplicate key"},
		{"empty list condition", "satisfied: false}", "satisfied: false, kind: []}", "ticket_points[0].when.kind", "empty list"},
		{"unknown return status", "satisfied: false}", "satisfied: false, return: [maybe]}", "ticket_points[0].when.return[0]", "unknown return status"},
		{"acceptance rate without the key", "thresholds: []", "thresholds: [{rate: acceptance, direction: at_least, baseline: 0.9, per_point: 1, cap: 5}]", "thresholds[0].rate", "acceptance key"},
		{"acceptance tie-breaker without the key", "tie_breakers: [resolution,", "tie_breakers: [acceptance,", "ranking.tie_breakers[0]", "acceptance key"},
		{"accepted_late without the key", "satisfied: false}", "satisfied: false, accepted_late: true}", "ticket_points[0].when.accepted_late", "acceptance key"},
		{"acceptance limits name every urgency", "thresholds: []", "acceptance: {limits: {emergency: 1h, priority: 2h, normal: 24h}}", "acceptance.limits.complex", "required"},
		{"item with both linear and bands", "thresholds: []", "items: [{label: x, rate: on_time, max: 5, linear: {zero: 0.5, full: 1}, bands: [{min: 0.9, points: 1}]}]", "items[0]", "exactly one"},
		{"item with neither", "thresholds: []", "items: [{label: x, rate: on_time}]", "items[0]", "exactly one"},
		{"band without bounds", "thresholds: []", "items: [{label: x, rate: on_time, bands: [{points: 1}]}]", "items[0].bands[0]", "min, max"},
		{"band with min above max", "thresholds: []", "items: [{label: x, rate: on_time, bands: [{min: 0.9, max: 0.8, points: 1}]}]", "items[0].bands[0]", "min 0.9 is above max 0.8"},
		{"group weights validated as a set", "thresholds: []", "groups: {department: {weights: {response: 0.5}}}", "groups.department.weights", "must sum to 1"},
		{"group key unknown", "thresholds: []", "groups: {department: {weightz: {}}}", "groups.department.weightz", "unknown key"},
		{"unknown same field", "thresholds: []", "duplicates: {window: 30d, same: [phone]}", "duplicates.same[0]", "unknown field"},
		{"bad window", "thresholds: []", "duplicates: {window: 30, same: [caller_phone]}", "duplicates.window", "30d"},
		{"bad treat", "thresholds: []", "duplicates: {treat: drop}", "duplicates.treat", "merge or count"},
		{"bad when_no_due", "use_given_due: false,", "use_given_due: true, when_no_due: never,", "deadlines.when_no_due", "limits or none"},
		{"bad annual mode", "mode: mean_of_periods", "mode: points", "annual.mode", "points_total"},
		{"empty scope list", "thresholds: []", "scope: {hotlines: []}", "scope.hotlines", "empty list"},
		{"adjustments min above max", "thresholds: []", "adjustments: {min: 5, max: -5}", "adjustments.min", "above max"},
		{"unknown condition", "satisfied: false}", "satisfied: false, angry: true}", "ticket_points[0].when.angry", "unknown key"},
		{"unknown item rate", "thresholds: []", "items: [{label: x, rate: speed, max: 5, linear: {zero: 0.5, full: 1}}]", "items[0].rate", "unknown rate"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := strings.Replace(districtYAML, tt.from, tt.to, 1)
			if src == districtYAML {
				t.Fatalf("test does not change the policy")
			}
			fs := fields(t, src)
			for _, f := range fs {
				if f.Field == tt.wantField && strings.Contains(f.Reason, tt.wantText) {
					return
				}
			}
			t.Errorf("no field %q with %q in %v", tt.wantField, tt.wantText, fs)
		})
	}
}

func TestValidationReportsAreSortedAndStable(t *testing.T) {
	bad := strings.NewReplacer(
		"roles: {lead: 1, co: 0}", "roles: {lead: 2, co: 3, boss: 1}",
		"normal: 7wd, complex: 15wd", "normal: 7days, complex: 15 wd",
		"response: 0.1, resolution: 0.5, satisfaction: 0.4", "speed: 0.1, charm: 0.5, luck: 0.4",
		"basically_satisfied: 0.9,", "basically_satisfied: 1.9, meh: 1,",
	).Replace(districtYAML)
	first := fields(t, bad)
	_, firstErr := parse(bad)
	for i := 0; i < 50; i++ {
		_, err := parse(bad)
		if got := err.(*scoring.Error); !reflect.DeepEqual(got.Fields, first) || err.Error() != firstErr.Error() {
			t.Fatalf("run %d differs:\n%s\n%s", i, err, firstErr)
		}
	}
	seen := map[scoring.FieldError]bool{}
	for i, f := range first {
		if i > 0 && first[i-1].Field > f.Field {
			t.Errorf("not sorted: %q before %q", first[i-1].Field, f.Field)
		}
		if seen[f] {
			t.Errorf("reported twice: %v", f)
		}
		seen[f] = true
	}
	count := 0
	for _, f := range first {
		if f.Field == "deadlines.limits.normal" {
			count++
		}
	}
	if count != 1 {
		t.Errorf("the bad limit is reported %d times, want once: %v", count, first)
	}
}

func TestYAMLErrorsCarryNoGoTypeNames(t *testing.T) {
	for _, src := range []string{
		strings.Replace(districtYAML, "round: 2,", "round: two,", 1),
		strings.Replace(districtYAML, "weights: {response", "weights: [response", 1),
		strings.Replace(districtYAML, "points: -1}", "points: [-1]}", 1),
		strings.Replace(districtYAML, "use_given_due: false", "use_given_due: maybe", 1),
		"name: [unclosed\n",
		"just text",
	} {
		_, err := parse(src)
		if err == nil {
			t.Fatalf("no error for %q", src)
		}
		msg := err.Error()
		for _, bad := range []string{"!!", "scoring.", "unmarshal", "float64", "[]string", "map["} {
			if strings.Contains(msg, bad) {
				t.Errorf("message names %q: %s", bad, msg)
			}
		}
		if !strings.Contains(msg, "line ") {
			t.Errorf("message without a line: %s", msg)
		}
	}
}

func TestNonUTF8PolicyGetsASaveAsUTF8Hint(t *testing.T) {
	gbk := []byte("name: \xbd\xd3\xcb\xdf\xbc\xb4\xb0\xec\nversion: v\n") // 接诉即办 in GBK
	_, err := scoring.ParsePolicy(gbk, nil)
	if err == nil || !strings.Contains(err.Error(), "save it as UTF-8") {
		t.Errorf("err = %v", err)
	}
}

func TestSecondEditionPolicyKeysAreRead(t *testing.T) {
	src := strings.Replace(districtYAML, "thresholds: []", `document: {title: 《12345热线考核办法》, number: 某政办发〔2025〕12号}
scope: {hotlines: [12345, 12319], channels: [电话]}
acceptance: {limits: {emergency: 1h, priority: 2h, normal: 24h, complex: 1wd}}
on_time: {count_open_overdue: true}
duplicates: {window: 30d, same: [caller_phone, kind], treat: count}
show_raw: true
adjustments: {min: -10, max: 5}
thresholds: [{rate: repeat, direction: at_most, baseline: 0.1, per_point: 1, cap: 5}]`, 1)
	src = strings.Replace(src, "mode: mean_of_periods,", "mode: points_total, money_per_point: 300,", 1)
	p, err := parse(src)
	if err != nil {
		t.Fatal(err)
	}
	if p.Document.Title != "《12345热线考核办法》" || p.Document.Number != "某政办发〔2025〕12号" {
		t.Errorf("document %+v", p.Document)
	}
	if !reflect.DeepEqual(p.Hotlines, []string{"12345", "12319"}) || !p.HasAcceptance || !p.CountOpenOverdue || !p.ShowRaw {
		t.Errorf("scope %v acceptance %v overdue %v raw %v", p.Hotlines, p.HasAcceptance, p.CountOpenOverdue, p.ShowRaw)
	}
	if d := p.Duplicates; d == nil || d.Window != 30*86400 || d.Merge || !reflect.DeepEqual(d.Same, []string{"caller_phone", "kind"}) {
		t.Errorf("duplicates %+v", d)
	}
	if *p.AdjustMin != -10 || *p.AdjustMax != 5 || !p.AnnualPointsTotal || p.MoneyPerPoint != 300 {
		t.Errorf("adjustments %v..%v annual %v %v", *p.AdjustMin, *p.AdjustMax, p.AnnualPointsTotal, p.MoneyPerPoint)
	}
}

func TestPolicyReadsTextOnlyWhenAScopeOrRepeatWindowUsesIt(t *testing.T) {
	for _, c := range []struct {
		extra string
		want  bool
	}{
		{"", false},
		{"scope: {hotlines: [\"12345\"]}", true},
		{"scope: {channels: [电话]}", true},
		{"duplicates: {window: 30d, same: [caller_phone]}", true},
		{"duplicates: {window: 30d, same: [category, kind]}", true},
		{"duplicates: {window: 30d, same: [channel]}", true},
		{"duplicates: {window: 30d, same: [kind]}", false},
	} {
		if got := testPolicy(t, c.extra).ReadsText(); got != c.want {
			t.Errorf("%q: ReadsText %v, want %v", c.extra, got, c.want)
		}
	}
}

func TestPolicyUsesTheRatesItsRulesName(t *testing.T) {
	p := testPolicy(t, "acceptance: {limits: {emergency: 1h, priority: 2h, normal: 24h, complex: 24h}}\n"+
		"items: [{label: 签收, rate: acceptance, bands: [{min: 0.9, points: 3}]}]\n"+
		"groups: {department: {weights: {response: 0.5, resolution: 0.5}, thresholds: [{rate: return, direction: at_most, baseline: 0.02, per_point: 1, cap: 5}]}}\n"+
		"ranking: {min_callbacks: 1, top: 1, bottom: 1, tie_breakers: [repeat]}")
	for rate, want := range map[string]bool{"acceptance": true, "return": true, "repeat": true, "response": true,
		"closure": false, "on_time": false, "redispatch": false} {
		if got := p.Uses(rate); got != want {
			t.Errorf("Uses(%s) = %v, want %v", rate, got, want)
		}
	}
	if !p.HasItems() {
		t.Error("HasItems = false with an item")
	}
}
