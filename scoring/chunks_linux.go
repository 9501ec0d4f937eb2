//go:build linux

package scoring

import (
	"syscall"
	"unsafe"
)

const chunkBytes = chunkLen * int(unsafe.Sizeof(pendRec{}))

// canMap reports whether chunks can be mapped outside the heap here.
const canMap = true

// mapChunk maps an empty chunk of capacity chunkLen outside the heap; ok is false when it cannot.
func mapChunk() (ch []pendRec, ok bool) {
	mem, err := syscall.Mmap(-1, 0, chunkBytes, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE|syscall.MAP_POPULATE)
	if err != nil {
		return nil, false
	}
	return unsafe.Slice((*pendRec)(unsafe.Pointer(unsafe.SliceData(mem))), chunkLen)[:0], true
}

// unmapChunk unmaps a chunk from mapChunk; a chunk on the heap is left to the collector (the
// system call refuses memory it did not map).
func unmapChunk(ch []pendRec) {
	if cap(ch) != chunkLen {
		return
	}
	_ = syscall.Munmap(unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(ch[:chunkLen]))), chunkBytes))
}

// mapBytes maps an empty byte block of capacity n outside the heap; ok is false when it cannot.
func mapBytes(n int) (blk []byte, ok bool) {
	mem, err := syscall.Mmap(-1, 0, n, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
	if err != nil {
		return nil, false
	}
	return mem[:0], true
}

// unmapBytes unmaps a block from mapBytes.
func unmapBytes(blk []byte) {
	if cap(blk) > 0 {
		_ = syscall.Munmap(blk[:cap(blk)])
	}
}
