package scoring

import "testing"

func TestMaskPhoneShowsAtMostAboutHalf(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"", ""},
		{"1234", "****"},
		{"12345", "1****5"},
		{"6512345", "6****45"},
		{"65123456", "65****56"},
		{"010651234", "01****34"},
		{"0106512345", "01****345"},
		{"13812341234", "138****1234"},
		{"+8613812341234", "+86****1234"},
	} {
		if got := MaskPhone(c.in); got != c.want {
			t.Errorf("MaskPhone(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
