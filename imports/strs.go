package imports

import "unsafe"

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
