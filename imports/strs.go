package imports

import (
	"encoding/binary"
	"unicode/utf8"
	"unsafe"
)

// strBlock is the size of the blocks a strArena copies texts into.
const strBlock = 32 << 10

// strArena copies short cell texts into shared blocks, so that a row's texts cost no allocation
// each. Bytes a string points to are never written again, so the strings stay immutable; a block
// lives as long as one of its strings does.
type strArena struct{ blk []byte }

// str returns b as a string.
func (s *strArena) str(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	if len(b) > 256 {
		return string(b)
	}
	if len(s.blk)+len(b) > cap(s.blk) {
		s.blk = make([]byte, 0, strBlock)
	}
	off := len(s.blk)
	s.blk = append(s.blk, b...)
	return unsafe.String(&s.blk[off], len(b))
}

// fewTexts remembers the first few distinct values of one field, looked up before the interning map.
type fewTexts struct {
	vals [8]string
	n    int
}

// validUTF8 reports whether b is valid UTF-8, like utf8.Valid, but skips ASCII bytes and the
// three-byte sequences of common CJK text (lead E1–EC or EE–EF, two continuation bytes, which
// are always valid) without the general decoder; anything else goes to utf8.Valid.
func validUTF8(b []byte) bool {
	for i := 0; i < len(b); {
		c := b[i]
		if c < 0x80 {
			i++
			continue
		}
		if c >= 0xE1 && c <= 0xEF && c != 0xED && i+2 < len(b) && b[i+1]&0xC0 == 0x80 && b[i+2]&0xC0 == 0x80 {
			i += 3
			continue
		}
		return utf8.Valid(b[i:])
	}
	return true
}

// shortASCII reports whether b has 4 to 16 bytes, all ASCII: two overlapping loads tell.
func shortASCII(b []byte) bool {
	const high = 0x8080808080808080
	n := len(b)
	switch {
	case n >= 8 && n <= 16:
		return (binary.LittleEndian.Uint64(b)|binary.LittleEndian.Uint64(b[n-8:]))&high == 0
	case n >= 4 && n < 8:
		return (binary.LittleEndian.Uint32(b)|binary.LittleEndian.Uint32(b[n-4:]))&0x80808080 == 0
	}
	return false
}

// validTexts remembers texts found valid UTF-8 (up to 64 bytes, the first met in each slot), so
// that repeated values such as categories are checked by one comparison.
type validTexts struct {
	slots [64]string
}

// knownText reports whether b is valid UTF-8, remembering it when it is.
func (p *rowParser) knownText(b []byte) bool {
	n := len(b)
	if n < 8 || n > 64 {
		return validUTF8(b)
	}
	i := (binary.LittleEndian.Uint64(b)*0x9E3779B97F4A7C15 ^ binary.LittleEndian.Uint64(b[n-8:]) + uint64(n)) * 0xD6E8FEB86659FD93 >> 58
	e := &p.valid.slots[i]
	if *e == string(b) {
		return true
	}
	if !validUTF8(b) {
		return false
	}
	if *e == "" {
		*e = string(b)
	}
	return true
}
