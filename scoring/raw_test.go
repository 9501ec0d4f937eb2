package scoring_test

import (
	"math"
	"testing"

	"sanlv/scoring"
)

// TestRawRatesReadTheAnswersAsImported corrects the answers of an eligible row and of an excluded
// row: the rates follow the corrections, the raw rates (SPEC §13.8) the answers as imported.
func TestRawRatesReadTheAnswersAsImported(t *testing.T) {
	p := testPolicy(t, "")
	rows := []scoring.Assignment{good("1", 0), good("2", 0), good("3", 0), good("4", 0)}
	// Row 2 was imported not contacted, unresolved and dissatisfied; an appeal corrected it.
	rows[1].Imported = scoring.Answers{Set: true, CallbackValid: true, Contacted: scoring.No,
		Resolution: scoring.Unresolved, Satisfaction: scoring.Dissatisfied}
	// Row 3 is excluded; it was imported as an invalid callback, corrected to a valid one.
	rows[2].Excluded, rows[2].ExcludeReason = true, "无理诉求"
	rows[2].Imported = scoring.Answers{Set: true, CallbackValid: false, Contacted: scoring.Yes,
		Resolution: scoring.Resolved, Satisfaction: scoring.VerySatisfied}
	// Row 4 says it was corrected to what it already had: nothing changes.
	rows[3].Imported = scoring.Answers{Set: true, CallbackValid: true, Contacted: scoring.Yes,
		Resolution: scoring.Resolved, Satisfaction: scoring.VerySatisfied}
	s := card(t, p, rows).Unit("A")
	check := func(name string, r scoring.Rate, num, den float64) {
		t.Helper()
		if math.Abs(r.Num-num) > 1e-12 || math.Abs(r.Den-den) > 1e-12 {
			t.Errorf("%s = %v/%v, want %v/%v", name, r.Num, r.Den, num, den)
		}
	}
	// Rates: rows 1, 2 and 4, all contacted, resolved, very satisfied.
	check("response", s.Rates.Response, 3, 3)
	check("resolution", s.Rates.Resolution, 3, 3)
	check("satisfaction", s.Rates.Satisfaction, 3, 3)
	// Raw: rows 1, 2 (as imported: not contacted, unresolved, dissatisfied), 3 (excluded taken as
	// not, an invalid callback as imported: no callback) and 4.
	check("raw response", s.RawRates.Response, 2, 3)
	check("raw resolution", s.RawRates.Resolution, 2, 3)
	check("raw satisfaction", s.RawRates.Satisfaction, 2, 3)
	check("raw on_time", s.RawRates.OnTime, 4, 4)
}

// TestBooksCountEveryRowOfManyBatches feeds more rows than several batches hold, in an order that
// interleaves units, and checks each unit's counts against the rows given.
func TestBooksCountEveryRowOfManyBatches(t *testing.T) {
	p := testPolicy(t, "")
	const n = 100_003
	rows := make([]scoring.Assignment, n)
	want := map[string]float64{}
	for i := range rows {
		u := int32(i * 7 % 4)
		rows[i] = good("T"+string(rune('a'+i%26))+string(rune('0'+i%10)), u)
		if i%5 == 0 {
			rows[i].CallbackValid = false
		}
		want[units[u].Code]++
	}
	c := card(t, p, rows)
	for code, w := range want {
		s := c.Unit(code)
		if s.Counts.Assignments != int64(w) || s.Counts.Eligible != w {
			t.Errorf("%s: %d assignments, %v eligible; want %v", code, s.Counts.Assignments, s.Counts.Eligible, w)
		}
	}
}
