package imports

import "encoding/binary"

// words caches the parsed value of each spelling met, so that a word costs a few comparisons:
// a slot picked by length and first and last bytes, else a scan of the spellings met. Spellings
// of up to 16 bytes are compared as a wordKey (two loads, no call); longer ones as strings.
type words[T ~uint8] struct {
	// fast caches the spellings met for lookups with no call (see fastWords).
	fast  fastWords
	slot  [64]int8 // 1 + index into keys, 0 when empty
	keys  []string
	packs []wordKey // packs[i] is keyOf(keys[i]); n is -1 for a long key
	vals  []T
	parse func(string) (T, error)
}

// wordKey holds a spelling of up to 16 bytes: its length and two words that cover all its bytes.
type wordKey struct {
	n      int
	lo, hi uint64
}

// keyOf packs b when it has at most 16 bytes; equal keys of equal length mean equal bytes.
func keyOf(b []byte) (wordKey, bool) {
	n := len(b)
	switch {
	case n > 16:
		return wordKey{n: -1}, false
	case n >= 8:
		return wordKey{n, binary.LittleEndian.Uint64(b), binary.LittleEndian.Uint64(b[n-8:])}, true
	}
	return shortKey(b), true
}

// shortKey is keyOf for fewer than 8 bytes.
func shortKey(b []byte) wordKey {
	n := len(b)
	if n >= 4 {
		return wordKey{n, uint64(binary.LittleEndian.Uint32(b)), uint64(binary.LittleEndian.Uint32(b[n-4:]))}
	}
	var x uint64
	for i := range n {
		x |= uint64(b[i]) << (8 * i)
	}
	return wordKey{n: n, lo: x}
}

// slotOf picks the slot of a spelling from its length and its first and last bytes.
func slotOf(b []byte) int {
	n := len(b)
	if n == 0 {
		return 0
	}
	return (n*37 + int(b[0])*5 + int(b[n-1])) & 63
}

func (w *words[T]) get(b []byte) (T, error) {
	h := slotOf(b)
	k, short := keyOf(b)
	if i := w.slot[h] - 1; i >= 0 && w.packs[i] == k && (short || w.keys[i] == string(b)) {
		return w.vals[i], nil
	}
	v, err := w.scan(b, h, k, short)
	if err == nil {
		w.fast.put(b, uint8(v))
	}
	return v, err
}

// read is get with the fast cache first.
func (w *words[T]) read(b []byte) (T, error) {
	if v, ok := w.fast.lookup(b); ok {
		return T(v), nil
	}
	return w.get(b)
}

// scan is get for a spelling not in its slot: a scan of the spellings met, else a parse.
func (w *words[T]) scan(b []byte, h int, k wordKey, short bool) (T, error) {
	if short {
		for i := range w.packs {
			if w.packs[i] == k {
				return w.vals[i], nil
			}
		}
	} else {
		for i, s := range w.keys {
			if s == string(b) {
				return w.vals[i], nil
			}
		}
	}
	v, err := w.parse(string(b))
	if err == nil && len(w.keys) < 64 {
		w.keys = append(w.keys, string(b))
		w.packs = append(w.packs, k)
		w.vals = append(w.vals, v)
		if w.slot[h] == 0 {
			w.slot[h] = int8(len(w.keys))
		}
	}
	return v, err
}

// step reads one field: from a column, or the mapping's default.
type step struct {
	f      field
	col    int    // -1: use fixed
	fixed  []byte // the mapping's default
	values map[string][]byte
	star   []byte
	// plain marks a column cell without value mapping, which parse reads inline.
	plain bool
}

// steps lists what to read for each row, in column order.
func (l *layout) steps() []step {
	var out []step
	for _, f := range l.order {
		col := l.col[f]
		out = append(out, step{f: f, col: col, fixed: l.fixed[f], values: l.values[f], star: l.star[f], plain: col >= 0 && l.values[f] == nil})
	}
	return out
}

// cell returns the step's trimmed, value-mapped cell; nil when the row has no such cell.
func (st *step) cell(cells [][]byte) []byte {
	if st.col < 0 {
		return st.fixed
	}
	var b []byte
	if st.col < len(cells) {
		b = cells[st.col]
		// Fast path: starts and ends with printable ASCII, nothing to trim.
		if n := len(b); n > 0 && (b[0]-0x21 > 0x5E || b[n-1]-0x21 > 0x5E) {
			b = trimSlow(b)
		}
	}
	if st.values != nil {
		if v, ok := st.values[string(b)]; ok {
			return v
		}
		if st.star != nil && len(b) > 0 {
			return st.star
		}
	}
	return b
}

// blank reports whether every cell of the row is empty.
func blank(cells [][]byte) bool {
	for _, c := range cells {
		if len(trim(c)) > 0 {
			return false
		}
	}
	return true
}

// parseCount parses a whole number ≥ 0 (an XLSX "2.0" too); an empty cell is 0.
func parseCount(b []byte) (int32, bool) {
	if len(b) == 0 {
		return 0, true
	}
	var n int64
	i := 0
	for ; i < len(b) && b[i] >= '0' && b[i] <= '9'; i++ {
		n = n*10 + int64(b[i]-'0')
		if n > 1<<31-1 {
			return 0, false
		}
	}
	if i == 0 {
		return 0, false
	}
	if i < len(b) && b[i] == '.' {
		for i++; i < len(b) && b[i] == '0'; i++ {
		}
	}
	return int32(n), i == len(b)
}

// trim removes spaces, tabs, line breaks, no-break spaces and ideographic spaces around a cell.
func trim(b []byte) []byte {
	if n := len(b); n == 0 || b[0] > ' ' && b[0] < 0x80 && b[n-1] > ' ' && b[n-1] < 0x80 {
		return b
	}
	return trimSlow(b)
}

func trimSlow(b []byte) []byte {
	for len(b) > 0 {
		switch {
		case b[0] == ' ' || b[0] == '\t' || b[0] == '\r' || b[0] == '\n':
			b = b[1:]
		case len(b) >= 2 && b[0] == 0xC2 && b[1] == 0xA0:
			b = b[2:]
		case len(b) >= 3 && b[0] == 0xE3 && b[1] == 0x80 && b[2] == 0x80:
			b = b[3:]
		default:
			goto end
		}
	}
end:
	for n := len(b); n > 0; n = len(b) {
		switch {
		case b[n-1] == ' ' || b[n-1] == '\t' || b[n-1] == '\r' || b[n-1] == '\n':
			b = b[:n-1]
		case n >= 2 && b[n-2] == 0xC2 && b[n-1] == 0xA0:
			b = b[:n-2]
		case n >= 3 && b[n-3] == 0xE3 && b[n-2] == 0x80 && b[n-1] == 0x80:
			b = b[:n-3]
		default:
			return b
		}
	}
	return b
}
