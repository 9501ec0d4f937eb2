//go:build !linux

package scoring

// canMap reports whether chunks can be mapped outside the heap here.
const canMap = false

func mapChunk() ([]pendRec, bool) { return nil, false }

func unmapChunk([]pendRec) {}

func mapBytes(int) ([]byte, bool) { return nil, false }

func unmapBytes([]byte) {}
