package scoring

import "encoding/binary"

// idGroup is how many ticket ids share one restart point in an idStore.
const idGroup = 16

// idStore keeps the ticket ids of waiting rows front-coded: each id is stored as the length of the
// prefix it shares with the id stored before it and the rest, and every idGroup-th id whole. Ids
// read in file order share most of their bytes, so an id takes about 3 bytes instead of 15.
type idStore struct {
	blocks [][]byte
	starts []uint32 // per group: block<<20 | offset of its first id
	n      uint32   // ids stored, with the unused places of a merged store's last group
	last   []byte   // the id stored last
}

// store keeps id (at most 65,535 bytes are kept, for ordering) and returns its reference; new
// blocks come from own (nil: the heap).
func (s *idStore) store(id string, own *chunks) uint32 {
	if len(id) > 0xFFFF {
		id = id[:0xFFFF]
	}
	shared := 0
	if s.n%idGroup != 0 {
		for shared < len(id) && shared < len(s.last) && id[shared] == s.last[shared] {
			shared++
		}
	}
	rest := id[shared:]
	need := 2*binary.MaxVarintLen32 + len(rest)
	nb := len(s.blocks)
	if nb == 0 || len(s.blocks[nb-1])+need > arenaBlock {
		s.blocks = append(s.blocks, own.newIDBlock())
		nb++
	}
	blk := &s.blocks[nb-1]
	if s.n%idGroup == 0 {
		s.starts = append(s.starts, uint32(nb-1)<<20|uint32(len(*blk)))
	}
	*blk = binary.AppendUvarint(*blk, uint64(shared))
	*blk = binary.AppendUvarint(*blk, uint64(len(rest)))
	*blk = append(*blk, rest...)
	s.last = append(s.last[:shared], rest...)
	s.n++
	return s.n - 1
}

// get appends the id of ref to buf[:0] and returns it.
func (s *idStore) get(ref uint32, buf []byte) []byte {
	pos := s.starts[ref/idGroup]
	b, off := int(pos>>20), int(pos&(arenaBlock-1))
	buf = buf[:0]
	for k := uint32(0); k <= ref%idGroup; k++ {
		if off == len(s.blocks[b]) {
			b, off = b+1, 0 // the id did not fit in the block before
		}
		blk := s.blocks[b]
		shared, w := binary.Uvarint(blk[off:])
		off += w
		n, w := binary.Uvarint(blk[off:])
		off += w
		buf = append(buf[:shared], blk[off:off+int(n)]...)
		off += int(n)
	}
	return buf
}

// merge adopts o's blocks; it returns what to add to o's references. pd's last group is closed.
func (s *idStore) merge(o *idStore) uint32 {
	if o.n == 0 {
		return 0
	}
	base := (s.n + idGroup - 1) / idGroup * idGroup
	shift := uint32(len(s.blocks)) << 20
	for _, st := range o.starts {
		s.starts = append(s.starts, st+shift)
	}
	s.blocks = append(s.blocks, o.blocks...)
	s.n = base + o.n
	s.last = o.last
	return base
}

// arena keeps ticket ids whole, length-prefixed, in blocks: ref is block<<20 | offset.
type arena struct{ blocks [][]byte }

// store copies id into the arena (at most 65,535 bytes are kept).
func (a *arena) store(id string) uint32 {
	if len(id) > 0xFFFF {
		id = id[:0xFFFF]
	}
	n := len(a.blocks)
	if n == 0 || len(a.blocks[n-1])+len(id)+2 > arenaBlock {
		a.blocks = append(a.blocks, make([]byte, 0, max(arenaBlock, len(id)+2)))
		n++
	}
	blk := &a.blocks[n-1]
	off := len(*blk)
	*blk = append(*blk, byte(len(id)>>8), byte(len(id)))
	*blk = append(*blk, id...)
	return uint32(n-1)<<20 | uint32(off)
}

func (a *arena) id(ref uint32) []byte {
	blk := a.blocks[ref>>20]
	off := int(ref & (arenaBlock - 1))
	n := int(blk[off])<<8 | int(blk[off+1])
	return blk[off+2 : off+2+n]
}
