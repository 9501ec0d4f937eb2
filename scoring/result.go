package scoring

import "encoding/json"

// Rate names, in their canonical order.
const (
	RateResponse         = "response"
	RateResolution       = "resolution"
	RateSatisfaction     = "satisfaction"
	RateOnTime           = "on_time"
	RateRedispatch       = "redispatch"
	RateCallbackCoverage = "callback_coverage"
	RateAcceptance       = "acceptance"
	RateClosure          = "closure"
	RateReturn           = "return"
	RateRepeat           = "repeat"
)

// NumRates is the number of rates a scorecard carries.
const NumRates = 10

const numRates = NumRates

// rateNames lists every rate name in canonical order: the six of SPEC §5, then the four of §13.
var rateNames = [NumRates]string{RateResponse, RateResolution, RateSatisfaction, RateOnTime, RateRedispatch,
	RateCallbackCoverage, RateAcceptance, RateClosure, RateReturn, RateRepeat}

// RateNames returns every rate name in canonical order (a copy the caller may keep).
func RateNames() [NumRates]string { return rateNames }

// LowerIsBetter reports whether a lower value of the rate is better (redispatch, return, repeat).
func LowerIsBetter(rate string) bool {
	return rate == RateRedispatch || rate == RateReturn || rate == RateRepeat
}

// Unranked reasons.
const (
	ReasonNoData      = "无有效数据"
	ReasonSmallSample = "样本不足"
)

// Rate is a fraction with its weighted numerator and denominator; Value is nil when Den is 0.
type Rate struct {
	Num   float64  `json:"num"`
	Den   float64  `json:"den"`
	Value *float64 `json:"value"`
	// Absent marks a rate the policy does not define (acceptance without an acceptance key):
	// its JSON is {"num": null, "den": null, "value": null}.
	Absent bool `json:"-"`
}

// MarshalJSON writes the rate, with null num and den when it is absent.
func (r Rate) MarshalJSON() ([]byte, error) {
	if r.Absent {
		return []byte(`{"num":null,"den":null,"value":null}`), nil
	}
	type plain Rate
	return json.Marshal(plain(r))
}

// UnmarshalJSON reads a rate; null num and den make it Absent.
func (r *Rate) UnmarshalJSON(data []byte) error {
	var v struct{ Num, Den, Value *float64 }
	if err := json.Unmarshal(data, &v); err != nil {
		return err
	}
	*r = Rate{Value: v.Value, Absent: v.Num == nil && v.Den == nil}
	if v.Num != nil {
		r.Num = *v.Num
	}
	if v.Den != nil {
		r.Den = *v.Den
	}
	return nil
}

// Defined reports whether the rate has a non-zero denominator.
func (r Rate) Defined() bool { return r.Value != nil }

// Rates holds every indicator of SPEC §5.
type Rates struct {
	Response         Rate `json:"response"`
	Resolution       Rate `json:"resolution"`
	Satisfaction     Rate `json:"satisfaction"`
	OnTime           Rate `json:"on_time"`
	Redispatch       Rate `json:"redispatch"`
	CallbackCoverage Rate `json:"callback_coverage"`
	// Acceptance is 及时签收率 (SPEC §13.5); Absent when the policy has no acceptance key.
	Acceptance Rate `json:"acceptance"`
	// Closure is 办结率 (SPEC §13.6).
	Closure Rate `json:"closure"`
	// Return is 退单率 (SPEC §13.3); lower is better.
	Return Rate `json:"return"`
	// Repeat is 重复诉求率 (SPEC §13.7); lower is better.
	Repeat Rate `json:"repeat"`
}

// RawRates are the rates with nothing excluded, merged or corrected (原始三率, SPEC §13.8).
type RawRates struct {
	Response     Rate `json:"response"`
	Resolution   Rate `json:"resolution"`
	Satisfaction Rate `json:"satisfaction"`
	OnTime       Rate `json:"on_time"`
}

// ByName returns the rate with the given name, and false for an unknown name.
func (r *Rates) ByName(name string) (*Rate, bool) {
	switch name {
	case RateResponse:
		return &r.Response, true
	case RateResolution:
		return &r.Resolution, true
	case RateSatisfaction:
		return &r.Satisfaction, true
	case RateOnTime:
		return &r.OnTime, true
	case RateRedispatch:
		return &r.Redispatch, true
	case RateCallbackCoverage:
		return &r.CallbackCoverage, true
	case RateAcceptance:
		return &r.Acceptance, true
	case RateClosure:
		return &r.Closure, true
	case RateReturn:
		return &r.Return, true
	case RateRepeat:
		return &r.Repeat, true
	}
	return nil, false
}

// Counts are the counts shown with the rates.
type Counts struct {
	Assignments int64   `json:"assignments"`
	Eligible    float64 `json:"eligible"`
	Callbacks   float64 `json:"callbacks"`
	Excluded    int64   `json:"excluded"`
	// Returned is the weighted number of approved returns in the period that pass the filters (SPEC §13.3).
	Returned float64 `json:"returned"`
	// OverdueOpen is the weighted number of rows still open past a deadline in the period (SPEC §13.6).
	OverdueOpen float64 `json:"overdue_open"`
	// Duplicates is the weighted number of merged repeats of the period (SPEC §13.7).
	Duplicates float64 `json:"duplicates"`
}

// ItemPoints is what one item of the policy gave (SPEC §13.9); Points is nil when its rate is undefined.
type ItemPoints struct {
	Label  string   `json:"label"`
	Rate   string   `json:"rate"`
	Points *float64 `json:"points"`
}

// AdjustmentLine is one manual adjustment as a scorecard lists it, unclamped (SPEC §13.10).
type AdjustmentLine struct {
	Label  string  `json:"label"`
	Points float64 `json:"points"`
	Reason string  `json:"reason"`
}

// Deduction is the points one threshold rule deducted.
type Deduction struct {
	Rate   string  `json:"rate"`
	Points float64 `json:"points"`
}

// Points is the ticket-point total and its mean per eligible assignment.
type Points struct {
	Total         float64  `json:"total"`
	PerAssignment *float64 `json:"per_assignment"`
}

// Trend compares a unit's rank with the previous period's.
type Trend struct {
	PreviousRank *int `json:"previous_rank"`
	// Change is previous rank minus rank: positive moved up; nil when not ranked in both.
	Change *int `json:"change"`
	// New is true when the unit is ranked now but was not ranked in the previous period.
	New bool `json:"new"`
}

// Scorecard is one unit's result for one period (SPEC §11.1).
type Scorecard struct {
	Code       string      `json:"code"`
	Name       string      `json:"name"`
	Group      string      `json:"group"`
	Counts     Counts      `json:"counts"`
	Rates      Rates       `json:"rates"`
	RawRates   RawRates    `json:"raw_rates"`
	Per10k     *float64    `json:"per_10k"`
	Composite  *float64    `json:"composite"`
	Deductions []Deduction `json:"deductions"`
	// Items and Adjustments are empty lists when the policy or period has none.
	Items          []ItemPoints     `json:"items"`
	Adjustments    []AdjustmentLine `json:"adjustments"`
	Points         Points           `json:"points"`
	Final          *float64         `json:"final"`
	Rank           *int             `json:"rank"`
	Ranked         bool             `json:"ranked"`
	UnrankedReason *string          `json:"unranked_reason"`
	// Mark is "top" (红榜), "bottom" (末位) or "" within the unit's group.
	Mark  string `json:"mark,omitempty"`
	Trend *Trend `json:"trend,omitempty"`
}

// PeriodInfo is the period as shown in results.
type PeriodInfo struct {
	ID    string `json:"id"`
	Start string `json:"start"`
	End   string `json:"end"`
}

// PolicyInfo names the policy a result was computed under.
type PolicyInfo struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// Card is the scorecards of every unit for one period, ordered by group, rank, unranked last.
type Card struct {
	Period PeriodInfo  `json:"period"`
	Policy PolicyInfo  `json:"policy"`
	Units  []Scorecard `json:"units"`
}

// Unit returns the scorecard of the unit with the code, or nil.
func (c *Card) Unit(code string) *Scorecard {
	for i := range c.Units {
		if c.Units[i].Code == code {
			return &c.Units[i]
		}
	}
	return nil
}
