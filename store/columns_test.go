package store

import (
	"testing"

	"sanlv/scoring"
)

// TestStoredEnumValues pins the integers stored for each word: they are the database's format and must
// not move when the scoring package changes.
func TestStoredEnumValues(t *testing.T) {
	parse := map[string]func(string) (uint8, error){
		"role":         func(s string) (uint8, error) { v, err := scoring.ParseRole(s); return uint8(v), err },
		"kind":         func(s string) (uint8, error) { v, err := scoring.ParseKind(s); return uint8(v), err },
		"urgency":      func(s string) (uint8, error) { v, err := scoring.ParseUrgency(s); return uint8(v), err },
		"resolution":   func(s string) (uint8, error) { v, err := scoring.ParseResolution(s); return uint8(v), err },
		"satisfaction": func(s string) (uint8, error) { v, err := scoring.ParseSatisfaction(s); return uint8(v), err },
		"contacted":    func(s string) (uint8, error) { v, err := scoring.ParseTri(s); return uint8(v), err },
		"return_status": func(s string) (uint8, error) {
			v, err := scoring.ParseReturnStatus(s)
			return uint8(v), err
		},
	}
	for _, c := range []struct {
		field string
		words []string // by stored value
	}{
		{"role", []string{"lead", "co"}},
		{"kind", []string{"consult", "help", "complaint", "report", "suggestion", "praise"}},
		{"urgency", []string{"normal", "emergency", "priority", "complex"}},
		{"resolution", []string{"", "resolved", "partial", "unresolved"}},
		{"satisfaction", []string{"unrated", "very_satisfied", "satisfied", "basically_satisfied", "dissatisfied", "very_dissatisfied"}},
		{"contacted", []string{"", "true", "false"}},
		{"return_status", []string{"none", "approved", "rejected"}},
	} {
		for want, w := range c.words {
			if w == "" && c.field == "role" {
				continue
			}
			got, err := parse[c.field](w)
			if err != nil || int(got) != want {
				t.Errorf("%s %q: stored as %d (%v), want %d", c.field, w, got, err, want)
			}
		}
		for _, col := range cols {
			if col.name == c.field && col.typ == cEnum && len(col.words) != len(c.words) {
				t.Errorf("%s: %d words in the audit log, want %d", c.field, len(col.words), len(c.words))
			}
		}
	}
	if len(cols) != nCols {
		t.Errorf("%d columns, want %d", len(cols), nCols)
	}
}

// TestPackedFlagsRoundTrip checks that every small field survives the packed integer reads use.
func TestPackedFlagsRoundTrip(t *testing.T) {
	a := scoring.Assignment{Role: scoring.Co, Kind: scoring.Praise, Urgency: scoring.Complex, Resolution: scoring.Unresolved,
		Satisfaction: scoring.VeryDissatisfied, Contacted: scoring.No, CallbackValid: true, Supervised: true,
		IncompleteMaterials: true, OpinionIncident: true, Excluded: true, Return: scoring.ReturnRejected}
	vals := map[int]int64{iRole: 1, iKind: 5, iUrgency: 3, iResolution: 3, iSatisfaction: 5, iContacted: 2,
		iCallbackValid: 1, iSupervised: 1, iIncomplete: 1, iOpinion: 1, iExcluded: 1, iReturn: 2}
	var f int64
	for _, b := range flagBits {
		f |= vals[b.col] << b.shift
	}
	var got scoring.Assignment
	unpack(&got, f)
	if got != a {
		t.Errorf("got %+v, want %+v", got, a)
	}
	unpack(&got, 0)
	if got != (scoring.Assignment{}) {
		t.Errorf("zero flags: got %+v", got)
	}
}

// TestPolicyTextsAreReadWhenAPolicyCanUseThem checks which policies make scoring read category,
// caller_phone, channel and hotline.
func TestLeanReadsSkipOnlyThePolicyTexts(t *testing.T) {
	if alwaysTexts != 1 || scoredTexts != 5 || len(textCols) != 6 || cols[textCols[0]].name != "duplicate_of" {
		t.Errorf("text columns: %d always, %d scored, %d in all, first %s", alwaysTexts, scoredTexts, len(textCols), cols[textCols[0]].name)
	}
}
