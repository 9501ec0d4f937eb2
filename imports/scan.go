package imports

import (
	"bytes"
	"fmt"
	"hash/maphash"
	"io"
	"os"
	"sync"
	"sync/atomic"

	"sanlv/scoring"
)

// pieceSize is how much of the file a worker takes at a time in ScanCSV.
const pieceSize = 1 << 20

// ScanCSV reads a tickets CSV file at path with workers goroutines, each calling fn(worker, row, a)
// for its valid rows (a is reused per worker; rows of one worker arrive in file order). Validation,
// report and row numbers are those of Tickets. The file is cut into pieces at record boundaries
// (quoted fields, even across lines, are handled); each piece's first row number is known before it
// is parsed, because a piece counts its records before parsing and pieces count in file order.
// A workbook or a GB18030 file is read by Tickets in the calling goroutine (worker 0).
// The first error of fn stops the scan and is returned with the report so far.
// Memory: a buffer of about a megabyte per worker, and 8 bytes a row for the duplicate check.
func ScanCSV(path string, dir *scoring.Directory, opt Options, workers int, fn func(worker, row int, a *scoring.Assignment) error) (*Report, error) {
	return scanCSV(path, dir, opt, workers, pieceSize, fn)
}

// piece is a part of the file; done is closed when its end and the row after it are known.
type piece struct {
	done   chan struct{}
	end    int64 // offset just past its last record
	next   int   // the row number after its last record
	failed bool
}

// scan is the shared state of one ScanCSV.
type scan struct {
	name      string
	f         *os.File
	size      int64
	dataStart int64
	firstRow  int // the row number of the first record after the header
	pieceSize int64
	pieces    []piece
	taken     atomic.Int64
	stop      atomic.Bool
	mu        sync.Mutex
	err       error
	fnErr     bool // err is fn's
}

// fail records the first error (fn's own when fromFn) and stops the workers.
func (s *scan) fail(err error, fromFn bool) {
	s.mu.Lock()
	if s.err == nil {
		s.err, s.fnErr = err, fromFn
	}
	s.mu.Unlock()
	s.stop.Store(true)
}

func scanCSV(path string, dir *scoring.Directory, opt Options, workers int, pieceLen int64,
	fn func(worker, row int, a *scoring.Assignment) error) (*Report, error) {
	name := path // as given, like the other readers and the caller's messages
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	head := make([]byte, min(st.Size(), headSize))
	if _, err := f.ReadAt(head, 0); err != nil && err != io.EOF {
		return nil, fmt.Errorf("%s: read: %w", name, err)
	}
	atEOF := int64(len(head)) == st.Size()
	sequential := func() (*Report, error) {
		if _, err := f.Seek(0, io.SeekStart); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		return Tickets(name, f, dir, opt, func(row int, a *scoring.Assignment) error { return fn(0, row, a) })
	}
	if len(head) == 0 || bytes.HasPrefix(head, zipMagic) || bytes.HasPrefix(head, oleMagic) {
		return sequential()
	}
	enc, bom, err := detectEncoding(name, head, atEOF)
	if err != nil {
		return nil, err
	}
	if enc != encUTF8 {
		return sequential() // GB18030: the stream reader decodes it
	}
	t, err := openCSV(name, bytes.NewReader(head[bom:]), encUTF8, opt.pick(), ticketProbe(opt.Mapping))
	if err != nil || (!atEOF && (t.off >= int64(len(head)-bom) || head[bom+int(t.off)-1] != '\n')) {
		return sequential() // no header in the head, or it runs to the head's end: the stream reader explains or copes
	}
	l, err := resolveTickets(name, t.header, opt.Mapping, opt.Loc)
	if err != nil {
		return nil, err
	}
	s := &scan{name: name, f: f, size: st.Size(), dataStart: int64(bom) + t.off, firstRow: t.headerRow + 1, pieceSize: pieceLen}
	np := (s.size - s.dataStart + pieceLen - 1) / pieceLen
	s.pieces = make([]piece, np)
	for i := range s.pieces {
		s.pieces[i].done = make(chan struct{})
	}
	workers = max(1, min(workers, int(np)))
	seed := maphash.MakeSeed()
	cs := make([]*collector, workers)
	var wg sync.WaitGroup
	for w := range workers {
		cs[w] = newCollector(name, opt.MaxErrors)
		p := newRowParser(l, dir, t, seed, opt.Lean)
		wg.Go(func() { s.work(w, p, cs[w], fn) })
	}
	wg.Wait()
	rep := finish(name, opt, l, t, cs)
	if s.err != nil && s.fnErr {
		return rep, s.err
	}
	if s.err != nil {
		return nil, s.err
	}
	if rep.Rows == 0 {
		return rep, fileError(name, "no data rows below the header")
	}
	return rep, nil
}

// work takes pieces in file order until none is left.
func (s *scan) work(w int, p *rowParser, c *collector, fn func(worker, row int, a *scoring.Assignment) error) {
	var buf []byte
	var a scoring.Assignment
	var rec record
	var cells byField
	ln := &line{}
	for !s.stop.Load() {
		i := int(s.taken.Add(1) - 1)
		if i >= len(s.pieces) {
			return
		}
		pc := &s.pieces[i]
		var err error
		var clean int
		buf, clean, err = s.piece(i, pc, buf, &rec)
		if err != nil {
			s.fail(err, false)
			return
		}
		if pc.failed {
			return
		}
		// Parse the piece: its records are buf[off:end] and its first row is known.
		start, row := s.dataStart, s.firstRow
		if i > 0 {
			start, row = s.pieces[i-1].end, s.pieces[i-1].next
		}
		off, end := int(start-s.nominal(i)), int(pc.end-s.nominal(i))
		for off < end {
			if s.stop.Load() {
				return
			}
			var st status
			n, done := 0, false
			if p.fast {
				// A line without quotes: its cells by field, and the row read from them.
				data := buf[off:end]
				if i := bytes.IndexByte(data, '\n'); i >= 0 && (off+i <= clean || bytes.IndexByte(data[:i], '"') < 0) {
					n = i + 1
					text := data[:i]
					if i > 0 && text[i-1] == '\r' {
						text = text[:i-1]
					}
					if k, ok := p.splitCells(text, &cells); ok {
						ln.row, ln.cells, ln.raw, ln.malformed = row, nil, data[:n], 0
						st, done = p.parseLine(c, ln, &cells, k, &a)
					}
				}
			}
			if !done {
				n, _, _ = nextRecord(buf[off:end], true, &rec)
				if n == 0 {
					break // cannot happen: the count found whole records here
				}
				ln.row, ln.cells, ln.raw, ln.malformed = row, rec.fields, buf[off:off+n], rec.malformed
				st = p.parse(c, ln, &a)
			}
			if st == rowValid {
				if err := fn(w, row, &a); err != nil {
					s.fail(err, true)
					return
				}
			}
			off += n
			row++
		}
	}
}

// nominal returns the offset where piece i nominally starts.
func (s *scan) nominal(i int) int64 { return s.dataStart + int64(i)*s.pieceSize }

// piece reads piece i into buf (from its nominal start), waits for the end of piece i-1, counts the
// records that start before its nominal end, and publishes its end and next row number. Bytes of
// buf before clean hold no quote (clean is -1 when that is not known).
func (s *scan) piece(i int, pc *piece, buf []byte, rec *record) (out []byte, clean int, err error) {
	clean = -1
	published := false
	defer func() {
		if !published {
			pc.failed = true
			close(pc.done)
		}
	}()
	lo := s.nominal(i)
	hi := min(lo+s.pieceSize, s.size)
	buf, err = s.read(buf[:0], lo, int(hi-lo))
	if err != nil {
		return buf, clean, err
	}
	start, row := s.dataStart, s.firstRow
	if i > 0 {
		prev := &s.pieces[i-1]
		<-prev.done
		if prev.failed {
			pc.failed = true
			close(pc.done)
			published = true
			return buf, clean, nil
		}
		start, row = prev.end, prev.next
	}
	pos, limit := int(start-lo), int(hi-lo)
	count := 0
	for pos < limit {
		seg := buf[pos:limit]
		q := bytes.IndexByte(seg, '"')
		if clean < 0 {
			// The records from the piece's start up to clean have no quote.
			clean = limit
			if q >= 0 {
				clean = pos + q
			}
		}
		bulk := seg
		if q >= 0 {
			bulk = seg[:q]
		}
		if k := bytes.LastIndexByte(bulk, '\n'); k >= 0 {
			count += bytes.Count(bulk[:k+1], []byte{'\n'})
			pos += k + 1
			if q < 0 && pos == limit {
				break
			}
			continue
		}
		// One record from pos: it has a quote, or it ends beyond the nominal end.
		for {
			atEOF := lo+int64(len(buf)) == s.size
			n, ok, err := nextRecord(buf[pos:], atEOF, rec)
			if err != nil {
				return buf, clean, fileError(s.name, "row %d: %v", row+count, err)
			}
			if ok {
				pos += n
				count++
				break
			}
			if len(buf)-pos > maxRecord {
				return buf, clean, fileError(s.name, "row %d: %v", row+count, errRecordTooLong)
			}
			more := min(int64(max(64<<10, len(buf)-pos)), s.size-lo-int64(len(buf)))
			if more <= 0 {
				return buf, clean, fmt.Errorf("%s: row %d: unexpected end of file", s.name, row+count)
			}
			if buf, err = s.read(buf, lo+int64(len(buf)), int(more)); err != nil {
				return buf, clean, err
			}
		}
	}
	// pos ≥ limit; pos > limit when the last record runs past the nominal end, or when the
	// previous piece's last record ran past this whole piece (then the piece is empty).
	pc.end, pc.next = lo+int64(pos), row+count
	published = true
	close(pc.done)
	return buf, clean, nil
}

// read appends n bytes of the file at off to buf.
func (s *scan) read(buf []byte, off int64, n int) ([]byte, error) {
	at := len(buf)
	buf = growLen(buf, at+n)
	if _, err := s.f.ReadAt(buf[at:], off); err != nil && err != io.EOF {
		return buf, fmt.Errorf("%s: read: %w", s.name, err)
	}
	return buf, nil
}

// growLen returns buf extended to length n, keeping its contents.
func growLen(buf []byte, n int) []byte {
	if n <= cap(buf) {
		return buf[:n]
	}
	nb := make([]byte, n, n+n/4)
	copy(nb, buf)
	return nb
}
