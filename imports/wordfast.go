package imports

import "encoding/binary"

// fastWords is a direct-mapped cache of spellings of up to 16 bytes and their values (as bytes),
// looked up with no call and no error value; a spelling it misses goes to words.get.
type fastWords struct {
	slots [128]wordSlot
}

// wordSlot holds a spelling packed by packWord (n is its length + 1; 0 marks an empty slot).
type wordSlot struct {
	lo, hi uint64
	n      uint8
	v      uint8
}

// lookup returns the value cached for b, and whether there is one. Spellings of 4 to 16 bytes and
// empty ones are looked up here; others go to lookupOther.
func (w *fastWords) lookup(b []byte) (uint8, bool) {
	n := len(b)
	var lo, hi uint64
	switch {
	case n >= 8 && n <= 16:
		lo, hi = binary.LittleEndian.Uint64(b), binary.LittleEndian.Uint64(b[n-8:])
	case n >= 4 && n < 8:
		lo, hi = uint64(binary.LittleEndian.Uint32(b)), uint64(binary.LittleEndian.Uint32(b[n-4:]))
	case n != 0:
		return w.lookupOther(b)
	}
	e := &w.slots[wordIndex(lo, hi, n)]
	return e.v, e.lo == lo && e.hi == hi && int(e.n) == n+1
}

func (w *fastWords) lookupOther(b []byte) (uint8, bool) {
	lo, hi, ok := packWord(b)
	if !ok {
		return 0, false
	}
	e := &w.slots[wordIndex(lo, hi, len(b))]
	return e.v, e.lo == lo && e.hi == hi && int(e.n) == len(b)+1
}

// packWord packs a spelling of up to 16 bytes into two words; with its length they identify it.
func packWord(b []byte) (lo, hi uint64, ok bool) {
	n := len(b)
	switch {
	case n >= 8 && n <= 16:
		return binary.LittleEndian.Uint64(b), binary.LittleEndian.Uint64(b[n-8:]), true
	case n >= 4 && n < 8:
		return uint64(binary.LittleEndian.Uint32(b)), uint64(binary.LittleEndian.Uint32(b[n-4:])), true
	case n > 0 && n < 4:
		return uint64(b[0]) | uint64(b[n/2])<<8 | uint64(b[n-1])<<16, 0, true
	}
	return 0, 0, n == 0
}

func wordIndex(lo, hi uint64, n int) uint64 {
	return ((lo*0x9E3779B97F4A7C15 ^ hi + uint64(n)) * 0xD6E8FEB86659FD93) >> 57
}

// put caches the value of b when it is short and its slot is free.
func (w *fastWords) put(b []byte, v uint8) {
	lo, hi, ok := packWord(b)
	if !ok {
		return
	}
	if e := &w.slots[wordIndex(lo, hi, len(b))]; e.n == 0 {
		*e = wordSlot{lo: lo, hi: hi, n: uint8(len(b) + 1), v: v}
	}
}
