package scoring_test

import (
	"strings"
	"testing"

	"sanlv/fixtures"
	"sanlv/scoring"
)

const districtYAML = `name: 接诉即办月度考核(区级示例)
version: "2025.1"
timezone: Asia/Shanghai
period: {start_day: 19, basis: closed}
calendar: [cn-2025, cn-2026]
scored_kinds: [help, complaint, report, suggestion, consult]
roles: {lead: 1, co: 0}
response: {mode: callback, limits: {emergency: 2h, priority: 24h, normal: 1wd, complex: 1wd}}
deadlines: {use_given_due: false, limits: {emergency: 2h, priority: 24h, normal: 7wd, complex: 15wd}}
resolution_weights: {resolved: 1, partial: 0.5, unresolved: 0}
satisfaction_weights: {very_satisfied: 1, satisfied: 1, basically_satisfied: 0.9, dissatisfied: 0, very_dissatisfied: 0}
satisfied_levels: [very_satisfied, satisfied, basically_satisfied]
unrated: exclude
weights: {response: 0.1, resolution: 0.5, satisfaction: 0.4}
thresholds: []
ticket_points:
  - {label: 双否, when: {callback_valid: true, resolved: [unresolved, partial], satisfied: false}, points: -1}
final: {base: 0, points_factor: 0, min: 0, max: 100}
ranking: {round: 2, tie_breakers: [resolution, satisfaction, response], min_callbacks: 10, top: 3, bottom: 3}
annual: {mode: mean_of_periods, grades: [{min: 90, name: 优秀}, {min: 0, name: 不合格}]}
`

func parse(yaml string) (*scoring.Policy, error) {
	return scoring.ParsePolicy([]byte(yaml), fixtures.Calendar)
}

func TestShippedPoliciesAreValid(t *testing.T) {
	for _, name := range fixtures.PolicyNames() {
		if _, err := fixtures.Policy(name); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	if _, err := parse(districtYAML); err != nil {
		t.Fatal(err)
	}
}

func TestPolicyValidationNamesTheKey(t *testing.T) {
	tests := []struct {
		name      string
		from, to  string
		wantField string
		wantText  string
	}{
		{"unknown top-level key", "unrated: exclude", "unrated: exclude\nweightz: {}", "weightz", "unknown key"},
		{"unknown nested key", "top: 3,", "topp: 3,", "ranking.topp", "unknown key"},
		{"unknown key in a rule condition", "satisfied: false}", "satisfied: false, angry: true}", "ticket_points[0].when.angry", "unknown key"},
		{"unknown rate in weights", "response: 0.1,", "responsiveness: 0.1,", "weights.responsiveness", "unknown rate"},
		{"weights not summing to 1", "satisfaction: 0.4}", "satisfaction: 0.3}", "weights", "must sum to 1"},
		{"bad working-day limit", "normal: 7wd", "normal: 7 days", "deadlines.limits.normal", "limit"},
		{"bad hour limit", "emergency: 2h, priority: 24h, normal: 7wd", "emergency: 2hours, priority: 24h, normal: 7wd", "deadlines.limits.emergency", "unit must be"},
		{"missing urgency limit", "complex: 15wd}", "}", "deadlines.limits.complex", "required"},
		{"bad direction", "thresholds: []", "thresholds: [{rate: on_time, direction: above, baseline: 0.9, per_point: 1, cap: 5}]", "thresholds[0].direction", "at_least or at_most"},
		{"unknown threshold rate", "thresholds: []", "thresholds: [{rate: speed, direction: at_least, baseline: 0.9, per_point: 1, cap: 5}]", "thresholds[0].rate", "unknown rate"},
		{"calendar not found", "[cn-2025, cn-2026]", "[cn-2025, cn-2099]", "calendar[1]", "not found"},
		{"unknown tie-breaker", "tie_breakers: [resolution,", "tie_breakers: [speed,", "ranking.tie_breakers[0]", "unknown rate"},
		{"unknown kind", "scored_kinds: [help,", "scored_kinds: [gossip,", "scored_kinds[0]", "unknown kind"},
		{"bad basis", "basis: closed", "basis: opened", "period.basis", "closed or received"},
		{"bad start day", "start_day: 19", "start_day: 31", "period.start_day", "1..28"},
		{"unknown resolution in a rule", "resolved: [unresolved, partial]", "resolved: [unresolved, halfway]", "ticket_points[0].when.resolved[1]", "unknown resolution"},
		{"unknown time zone", "Asia/Shanghai", "Mars/Olympus", "timezone", "unknown time zone"},
		{"missing name", "name: 接诉即办月度考核(区级示例)", "", "name", "required"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := strings.Replace(districtYAML, tt.from, tt.to, 1)
			if src == districtYAML {
				t.Fatalf("test does not change the policy")
			}
			_, err := parse(src)
			if err == nil {
				t.Fatal("want an error")
			}
			se, ok := err.(*scoring.Error)
			if !ok || se.Code != scoring.Invalid {
				t.Fatalf("err = %#v, want *scoring.Error invalid", err)
			}
			for _, f := range se.Fields {
				if f.Field == tt.wantField && strings.Contains(f.Reason, tt.wantText) {
					return
				}
			}
			t.Errorf("no field %q with %q in %v", tt.wantField, tt.wantText, se.Fields)
		})
	}
}

func TestPolicyDefaultsWhenKeysAreAbsent(t *testing.T) {
	p, err := parse("name: n\nversion: v\ncalendar: [cn-2025]\nresponse: {mode: callback}\ndeadlines: {limits: {emergency: 2h, priority: 24h, normal: 7wd, complex: 15wd}}\n")
	if err != nil {
		t.Fatal(err)
	}
	if p.Loc.String() != "Asia/Shanghai" || p.StartDay != 1 || p.Round != 2 || p.MinCallbacks != 10 {
		t.Errorf("defaults: zone %s start %d round %d min %v", p.Loc, p.StartDay, p.Round, p.MinCallbacks)
	}
	if p.Weights != [scoring.NumRates]float64{0.1, 0.5, 0.4, 0, 0, 0, 0, 0, 0, 0} {
		t.Errorf("default weights %v", p.Weights)
	}
}

func TestWorkingDayLimitNeedsACalendar(t *testing.T) {
	_, err := parse("name: n\nversion: v\nresponse: {mode: callback}\ndeadlines: {limits: {emergency: 2h, priority: 24h, normal: 7wd, complex: 15wd}}\n")
	if err == nil || !strings.Contains(err.Error(), "calendar: required") {
		t.Fatalf("err = %v", err)
	}
}
