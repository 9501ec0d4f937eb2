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

func TestMaskPhonesInMessagesMasksPhonesOnly(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{`cannot read datetime "13812345678" (use 2025-06-03 14:05`, `cannot read datetime "138****5678" (use 2025-06-03 14:05`},
		{`unknown unit "65123456"`, `unknown unit "65****56"`},
		{`unknown unit "138-1234-5678"`, `unknown unit "138****5678"`},
		{`unknown unit "138 1234 5678"`, `unknown unit "138****5678"`},
		{`unknown unit "+8613812345678"`, `unknown unit "+86****5678"`},
		{`unknown unit "010-65123456"`, `unknown unit "010****3456"`},
		{`unknown unit "02165123456"`, `unknown unit "021****3456"`},
		{`a: "13812345678", b: "13987654321"`, `a: "138****5678", b: "139****4321"`},
		// Not phones: dates, serials, ids, counts.
		{`cannot read datetime "2025-13-01 10:00:00"`, `cannot read datetime "2025-13-01 10:00:00"`},
		{`cannot read date "2025-06-31"`, `cannot read date "2025-06-31"`},
		{`cannot read date "2025 06 31"`, `cannot read date "2025 06 31"`},
		{`unknown unit "+86 138 1234 5678"`, `unknown unit "+86****5678"`},
		{`cannot read datetime "20251303140509"`, `cannot read datetime "20251303140509"`},
		{`Excel date number 45930.5868055 is after 9999`, `Excel date number 45930.5868055 is after 9999`},
		{`duplicate ticket_id "T2025100300123"`, `duplicate ticket_id "T2025100300123"`},
		{`duplicate ticket_id "2025100300123"`, `duplicate ticket_id "2025100300123"`},
		{`not a whole number ≥ 0: "-3"`, `not a whole number ≥ 0: "-3"`},
		{`unknown unit "S99"`, `unknown unit "S99"`},
		{`population 1234567890`, `population 1234567890`},
	} {
		if got := MaskPhones(c.in); got != c.want {
			t.Errorf("MaskPhones(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
