package imports

import (
	"testing"

	"sanlv/scoring"
)

func TestWordsAgreeWithParseOnSimilarSpellings(t *testing.T) {
	w := words[scoring.Satisfaction]{parse: scoring.ParseSatisfaction}
	in := []string{"", "very_satisfied", "satisfied", "basically_satisfied", "dissatisfied", "satisfied ", "satisfie", "Satisfied",
		"very_satisfiee", "basically_satisfiee", "xsatisfied", "满意", "非常满意", "不满意", "基本满意", "satisfied\x00", "s", "sat", "sati"}
	for round := range 3 {
		for _, s := range in {
			want, wantErr := scoring.ParseSatisfaction(s)
			got, err := w.get([]byte(s))
			if got != want || (err == nil) != (wantErr == nil) {
				t.Errorf("round %d: get(%q) = %v, %v; want %v, %v", round, s, got, err, want, wantErr)
			}
		}
	}
}
