package imports

import (
	"fmt"
	"testing"

	"sanlv/scoring"
)

func TestWordsCacheKnowsEverySpelling(t *testing.T) {
	w := words[scoring.Satisfaction]{parse: scoring.ParseSatisfaction}
	in := []string{"", "very_satisfied", "satisfied", "basically_satisfied", "dissatisfied", "very_dissatisfied",
		"unrated", "未评价", "非常满意", "满意", "基本满意", "不满意", "非常不满意", "是", "否", " 满意 ", "Satisfied", "s", "sa"}
	for round := range 3 {
		for _, s := range in {
			want, wantErr := scoring.ParseSatisfaction(s)
			got, err := w.get([]byte(s))
			if got != want || fmt.Sprint(err) != fmt.Sprint(wantErr) {
				t.Errorf("round %d: %q = %v, %v; want %v, %v", round, s, got, err, want, wantErr)
			}
		}
	}
	// Spellings that differ only in the middle of a long word.
	k := words[scoring.Kind]{parse: scoring.ParseKind}
	for _, s := range []string{"complaint", "complbint", "complaint", "compl\\x00int"} {
		want, wantErr := scoring.ParseKind(s)
		got, err := k.get([]byte(s))
		if got != want || fmt.Sprint(err) != fmt.Sprint(wantErr) {
			t.Errorf("%q = %v, %v; want %v, %v", s, got, err, want, wantErr)
		}
	}
}
