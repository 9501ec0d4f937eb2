package scoring

import "unsafe"

// MappedBytes returns the bytes of a book's waiting rows and their ids held outside the heap.
func MappedBytes(b *Book) int {
	c := b.pend.set
	if c == nil || !c.mapped {
		return 0
	}
	n := 0
	for _, list := range c.buckets {
		for _, ch := range list {
			n += cap(ch) * int(unsafe.Sizeof(pendRec{}))
		}
	}
	for _, blk := range c.idBlocks {
		n += cap(blk)
	}
	return n
}
