package scoring

import "regexp"

// digitRun finds a run of digits, perhaps after a + and with single spaces or hyphens between groups.
var digitRun = regexp.MustCompile(`\+?\d(?:[- ]?\d){6,}`)

// MaskPhones masks, with MaskPhone, whatever in a text reads as a phone number, so that a message
// quoting a cell never shows a caller's phone, even one found in the wrong column: an 11-digit mobile
// number (1xx xxxx xxxx, also after +86 or 86), a landline with its area code (0 and 9–11 more
// digits), and a local number of 7 or 8 digits. A run that is part of a word (T2025100300123), the
// fraction of a number (45930.5868055), a run of 9 or 10 digits, or a longer one that is no phone
// (a 14-digit timestamp, a numeric ticket id) is left as it is, so that the message still points
// at the ticket.
func MaskPhones(s string) string {
	digits := 0
	for i := 0; i < len(s) && digits < 7; i++ {
		if s[i]-'0' <= 9 {
			digits++
		}
	}
	if digits < 7 {
		return s // no phone, and no regexp: paths and messages go through here on every request
	}
	idx := digitRun.FindAllStringIndex(s, -1)
	if idx == nil {
		return s
	}
	out := make([]byte, 0, len(s))
	last := 0
	for _, m := range idx {
		a, b := m[0], m[1]
		if a > 0 && partOfWord(s[a-1]) || b < len(s) && partOfWord(s[b]) {
			continue
		}
		if !phoneDigits(s[a:b]) {
			continue
		}
		out = append(out, s[last:a]...)
		out = append(out, MaskPhone(s[a:b])...)
		last = b
	}
	return string(append(out, s[last:]...))
}

// partOfWord reports whether a byte next to a run of digits makes the run part of a word or number.
func partOfWord(c byte) bool {
	return c == '.' || c == '_' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z'
}

// phoneDigits reports whether a run found by digitRun has the digits of a phone number, in groups of
// at least three digits when it has groups (138-1234-5678, +86 138 1234 5678; not 2025-10-03).
func phoneDigits(run string) bool {
	d := make([]byte, 0, len(run))
	group := 0
	for i := 0; i <= len(run); i++ {
		if i < len(run) && run[i] >= '0' && run[i] <= '9' {
			d = append(d, run[i])
			group++
			continue
		}
		if i < len(run) && run[i] == '+' {
			continue
		}
		if group < 3 && !(len(d) == 2 && d[0] == '8' && d[1] == '6') {
			return false
		}
		group = 0
	}
	if len(d) == 13 && d[0] == '8' && d[1] == '6' {
		d = d[2:] // +86 138 1234 5678
	}
	switch n := len(d); {
	case n == 11 && d[0] == '1':
		return true
	case n >= 10 && n <= 12 && d[0] == '0':
		return true
	case n == 7 || n == 8:
		return true
	}
	return false
}
