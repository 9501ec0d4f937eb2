package imports

import (
	"math/rand/v2"
	"testing"
	"unicode/utf8"
)

func TestValidUTF8AgreesWithStandardLibrary(t *testing.T) {
	cases := []string{"", "abc", "住房/物业管理/电梯故障", "\xed\xa0\x80", "\xe4\xbd", "a\xe4", "\xef\xbf\xbf", "\xe0\x80\x80", "\xc0\xaf", "\xf0\x9f\x98\x80", "\xff", "中\xed\x9f\xbf文"}
	for _, c := range cases {
		if got, want := validUTF8([]byte(c)), utf8.ValidString(c); got != want {
			t.Errorf("validUTF8(%q) = %v, want %v", c, got, want)
		}
	}
	r := rand.New(rand.NewPCG(1, 2))
	alphabet := []byte{'a', 0x80, 0x9F, 0xA0, 0xBF, 0xC0, 0xC2, 0xE0, 0xE1, 0xE4, 0xEC, 0xED, 0xEE, 0xEF, 0xF0, 0xF4, 0xF5, 0xFF}
	for range 200000 {
		b := make([]byte, r.IntN(8))
		for i := range b {
			b[i] = alphabet[r.IntN(len(alphabet))]
		}
		if got, want := validUTF8(b), utf8.Valid(b); got != want {
			t.Fatalf("validUTF8(%q) = %v, want %v", b, got, want)
		}
	}
}

func TestValidUTF8AgreesOnLongMixedText(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	pieces := []string{"a", "0123456789abcdef", ",", "住", "房", "\xed\xa0\x80", "\xe4\xbd", "\xff", "\xc2\xa0", "\xf0\x9f\x98\x80", "\x80"}
	for range 50000 {
		var b []byte
		for range r.IntN(40) {
			p := pieces[r.IntN(len(pieces))]
			if r.IntN(4) > 0 {
				p = pieces[r.IntN(6)] // mostly valid text
			}
			b = append(b, p...)
		}
		if got, want := validUTF8(b), utf8.Valid(b); got != want {
			t.Fatalf("validUTF8(%q) = %v, want %v", b, got, want)
		}
	}
}

func TestKnownTextAndShortASCIIAgreeWithStandardLibrary(t *testing.T) {
	p := &rowParser{}
	r := rand.New(rand.NewPCG(5, 6))
	pieces := []string{"a", "0123456789", "/", "住", "房", "\xed\xa0\x80", "\xe4\xbd", "\xff", "\x80"}
	for range 50000 {
		var b []byte
		for range r.IntN(12) {
			b = append(b, pieces[r.IntN(len(pieces))]...)
		}
		want := utf8.Valid(b)
		for range 2 { // the second time from the remembered texts
			if got := p.knownText(b); got != want {
				t.Fatalf("knownText(%q) = %v, want %v", b, got, want)
			}
		}
		if shortASCII(b) && !want {
			t.Fatalf("shortASCII(%q) for invalid text", b)
		}
	}
}
