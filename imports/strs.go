package imports

import (
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
