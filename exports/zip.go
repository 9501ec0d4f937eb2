package exports

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"io"
	"runtime"
	"sort"
	"sync"

	"github.com/xuri/excelize/v2"
)

// savePatched writes f to w as it is zipped, instead of excelize's default of building the whole file
// in memory first; entries are deflated at the fastest level on every core, which matters for the
// million-row detail export. The first write of each named part goes through its patch function,
// for what excelize cannot write (a chart's data-point colours, a streamed sheet's dimension). That
// write may be large (a whole streamed sheet): a patch must not copy it (see replaceFirst).
func savePatched(f *excelize.File, w io.Writer, patches map[string]func([]byte) [][]byte) error {
	f.SetZipWriter(func(io.Writer) excelize.ZipWriter {
		zw := zip.NewWriter(w)
		zw.RegisterCompressor(zip.Deflate, func(out io.Writer) (io.WriteCloser, error) {
			return newDeflater(out), nil
		})
		return &patchZip{Writer: zw, patches: patches}
	})
	if ct := f.ContentTypes; ct != nil {
		// excelize adds the image extensions in map order: sorted, the same workbook is the same bytes.
		sort.SliceStable(ct.Defaults, func(i, j int) bool { return ct.Defaults[i].Extension < ct.Defaults[j].Extension })
	}
	return f.Write(io.Discard)
}

// patchZip is a zip writer that patches the first write of some parts.
type patchZip struct {
	*zip.Writer
	patches map[string]func([]byte) [][]byte
}

func (z *patchZip) Create(name string) (io.Writer, error) {
	w, err := z.Writer.Create(name)
	if fn, ok := z.patches[name]; ok && err == nil {
		return &firstWrite{w: w, fn: fn}, nil
	}
	return w, err
}

// firstWrite passes its first write through fn, which returns the pieces to write instead.
type firstWrite struct {
	w    io.Writer
	fn   func([]byte) [][]byte
	done bool
}

func (f *firstWrite) Write(p []byte) (int, error) {
	if f.done {
		return f.w.Write(p)
	}
	f.done = true
	for _, piece := range f.fn(p) {
		if _, err := f.w.Write(piece); err != nil {
			return 0, err
		}
	}
	return len(p), nil
}

// replaceFirst returns a patch that replaces the first old within the first 64 KiB of a part with
// new, as three pieces that share p's memory (a streamed sheet's first write may be all of it).
func replaceFirst(old, new string) func([]byte) [][]byte {
	return func(p []byte) [][]byte {
		i := bytes.Index(p[:min(len(p), 64<<10)], []byte(old))
		if i < 0 {
			return [][]byte{p}
		}
		return [][]byte{p[:i], []byte(new), p[i+len(old):]}
	}
}

// chunkSize is the input each worker deflates independently.
const chunkSize = 1 << 20

// deflater is a deflate writer that compresses chunks in parallel. Each chunk is a separate run of
// sync-flushed blocks and the stream ends with an empty final block, which concatenates into one
// valid deflate stream (as pigz does).
type deflater struct {
	out     io.Writer
	buf     *[]byte
	order   chan chan *[]byte
	done    chan error
	workers chan struct{}
	pool    sync.Pool // *flate.Writer
	bufs    sync.Pool // *[]byte, input chunks and compressed output
}

func newDeflater(out io.Writer) *deflater {
	d := &deflater{out: out, order: make(chan chan *[]byte, 2*runtime.GOMAXPROCS(0)), done: make(chan error, 1),
		workers: make(chan struct{}, runtime.GOMAXPROCS(0))}
	d.pool.New = func() any { fw, _ := flate.NewWriter(nil, flate.BestSpeed); return fw }
	d.bufs.New = func() any { b := make([]byte, 0, chunkSize); return &b }
	go d.drain()
	return d
}

// drain writes the compressed chunks in input order.
func (d *deflater) drain() {
	var err error
	for c := range d.order {
		b := <-c
		if err == nil {
			_, err = d.out.Write(*b)
		}
		*b = (*b)[:0]
		d.bufs.Put(b)
	}
	d.done <- err
}

func (d *deflater) Write(p []byte) (int, error) {
	n := len(p)
	for len(p) > 0 {
		if d.buf == nil {
			d.buf = d.bufs.Get().(*[]byte)
		}
		k := min(len(p), chunkSize-len(*d.buf))
		*d.buf = append(*d.buf, p[:k]...)
		p = p[k:]
		if len(*d.buf) == chunkSize {
			d.flushChunk()
		}
	}
	return n, nil
}

// flushChunk hands the buffered input to a worker.
func (d *deflater) flushChunk() {
	in := d.buf
	d.buf = nil
	c := make(chan *[]byte, 1)
	d.order <- c
	d.workers <- struct{}{}
	go func() {
		defer func() { <-d.workers }()
		fw := d.pool.Get().(*flate.Writer)
		out := (*sliceWriter)(d.bufs.Get().(*[]byte))
		fw.Reset(out)
		_, _ = fw.Write(*in)
		_ = fw.Flush()
		d.pool.Put(fw)
		*in = (*in)[:0]
		d.bufs.Put(in)
		c <- (*[]byte)(out)
	}()
}

// Close compresses what is left, ends the stream and waits for every chunk to be written.
func (d *deflater) Close() error {
	if d.buf != nil && len(*d.buf) > 0 {
		d.flushChunk()
	}
	c := make(chan *[]byte, 1)
	d.order <- c
	var end sliceWriter
	fw, _ := flate.NewWriter(&end, flate.BestSpeed)
	_ = fw.Close()
	c <- (*[]byte)(&end)
	close(d.order)
	return <-d.done
}

// sliceWriter collects written bytes.
type sliceWriter []byte

func (s *sliceWriter) Write(p []byte) (int, error) { *s = append(*s, p...); return len(p), nil }
