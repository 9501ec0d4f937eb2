package scoring

// chunks owns the chunks of a book's waiting rows (24 bytes a row), bucket by bucket, and the blocks
// of their ticket ids; Finish releases each bucket as it sorts it, and everything when it is done.
type chunks struct {
	buckets  [pendingBuckets][][]pendRec
	idBlocks [][]byte
}

// newIDBlock returns an empty block of capacity arenaBlock for an idStore.
func (c *chunks) newIDBlock() []byte { return make([]byte, 0, arenaBlock) }

// newChunk returns an empty chunk of capacity chunkLen.
func (c *chunks) newChunk() []pendRec { return make([]pendRec, 0, chunkLen) }

// release frees the chunks of bucket b.
func (c *chunks) release(b int) { c.buckets[b] = nil }

// releaseAll frees every chunk and id block.
func (c *chunks) releaseAll() {
	for b := range c.buckets {
		c.release(b)
	}
	c.idBlocks = nil
}
