package imports

import (
	"strings"
	"testing"
)

func TestSplitLineIgnoresCommasPastTheLineEnd(t *testing.T) {
	for n := 0; n <= 130; n++ {
		text := strings.Repeat("a,", n/2) + strings.Repeat("b", n%2)
		buf := []byte(text + ",,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,")
		got := splitLine(buf[:len(text)], nil)
		want := strings.Split(text, ",")
		if len(got) != len(want) {
			t.Fatalf("length %d: %d fields, want %d", n, len(got), len(want))
		}
		for i := range want {
			if string(got[i]) != want[i] {
				t.Fatalf("length %d: field %d = %q, want %q", n, i, got[i], want[i])
			}
		}
	}
}
