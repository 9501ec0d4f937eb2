package store

import "testing"

func TestReportReasonsMaskPhones(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{`cannot read datetime "13812345678" (use 2025-06-03 14:05`, `cannot read datetime "138****5678" (use 2025-06-03 14:05`},
		{`unknown unit "65123456"`, `unknown unit "65****56"`},
		{`unknown unit "138-1234-5678"`, `unknown unit "138****5678"`},
		{`cannot read datetime "2025-13-01 10:00:00"`, `cannot read datetime "2025-13-01 10:00:00"`},
		{`not a whole number ≥ 0: "-3"`, `not a whole number ≥ 0: "-3"`},
		{`unknown unit "S99"`, `unknown unit "S99"`},
	} {
		if got := maskPhones(c.in); got != c.want {
			t.Errorf("maskPhones(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
