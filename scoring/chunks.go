package scoring

// chunks owns the chunks of a book's waiting rows (24 bytes a row), bucket by bucket. A book made
// by NewBook maps them outside the garbage-collected heap on Linux (they hold no pointers): the
// collector then paces itself on the rest of the heap instead of letting it grow to twice the
// rows' size. Mapped chunks are unmapped as Finish sorts them, or when the book is dropped. The
// blocks of the rows' ticket ids are kept the same way, and unmapped when Finish is done.
type chunks struct {
	buckets  [pendingBuckets][][]pendRec
	idBlocks [][]byte // mapped blocks of the idStore
	mapped   bool     // new chunks are mapped; a chunk that could not be mapped is on the heap
}

// newIDBlock returns an empty block of capacity arenaBlock for an idStore.
func (c *chunks) newIDBlock() []byte {
	if c != nil && c.mapped {
		if blk, ok := mapBytes(arenaBlock); ok {
			c.idBlocks = append(c.idBlocks, blk)
			return blk
		}
	}
	return make([]byte, 0, arenaBlock)
}

// newChunk returns an empty chunk of capacity chunkLen.
func (c *chunks) newChunk() []pendRec {
	if c.mapped {
		if ch, ok := mapChunk(); ok {
			return ch
		}
	}
	return make([]pendRec, 0, chunkLen)
}

// release frees the chunks of bucket b (unmapping a chunk on the heap does nothing).
func (c *chunks) release(b int) {
	for _, ch := range c.buckets[b] {
		unmapChunk(ch)
	}
	c.buckets[b] = nil
}

// releaseAll frees every chunk and id block; it runs when Finish is done, or a book is dropped.
func (c *chunks) releaseAll() {
	for b := range c.buckets {
		c.release(b)
	}
	for _, blk := range c.idBlocks {
		unmapBytes(blk)
	}
	c.idBlocks = nil
}
