package imports

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"math/bits"
)

// record is one CSV record split into fields; fields point into the input or into scratch.
type record struct {
	fields  [][]byte
	scratch []byte
	bounds  []int
	// malformed is 1 + the index of a field with text after its closing quote, 0 when none.
	malformed int
}

// errUnterminated is returned for a quoted field still open at the end of the input.
var errUnterminated = errors.New("quoted field not closed before the end of the file")

// nextRecord splits the first CSV record of data (RFC 4180; a quote inside an unquoted field is
// literal; CRLF or LF line ends). It returns the bytes consumed including the line end; ok is false
// when data holds no complete record and more input may follow (atEOF false).
func nextRecord(data []byte, atEOF bool, rec *record) (n int, ok bool, err error) {
	i := bytes.IndexByte(data, '\n')
	var line []byte
	switch {
	case i >= 0:
		line, n = data[:i], i+1
	case !atEOF || len(data) == 0:
		return 0, false, nil
	default:
		line, n = data, len(data)
	}
	if bytes.IndexByte(line, '"') >= 0 {
		return splitQuoted(data, atEOF, rec)
	}
	if len(line) > 0 && line[len(line)-1] == '\r' {
		line = line[:len(line)-1]
	}
	rec.malformed = 0
	rec.fields = splitLine(line, rec.fields[:0])
	return n, true, nil
}

// splitLine splits a line without quotes at its commas. It finds the commas of 64 bytes at a
// time as a bit mask (under xor a comma is a zero byte, found exactly with no carries between
// bytes), so that the loop over fields mispredicts about once per 64 bytes instead of per word.
func splitLine(line []byte, fields [][]byte) [][]byte {
	start := 0
	for base := 0; base < len(line); base += 64 {
		var mask uint64
		if base+64 <= len(line) {
			mask = commaMask((*[64]byte)(line[base : base+64]))
		} else if base+64 <= cap(line) {
			// The bytes past the line's end are readable (the buffer goes on); their bits are dropped.
			mask = commaMask((*[64]byte)(line[base:base+64])) & (1<<(len(line)-base) - 1)
		} else {
			var pad [64]byte
			n := copy(pad[:], line[base:])
			mask = commaMask(&pad) & (1<<n - 1)
		}
		for mask != 0 {
			j := base + bits.TrailingZeros64(mask)
			fields = append(fields, line[start:j:j])
			start = j + 1
			mask &= mask - 1
		}
	}
	return append(fields, line[start:len(line):len(line)])
}

// commaMask returns bit i set when b[i] is a comma; the eight words are written out, as the
// compiler does not unroll the loop.
func commaMask(b *[64]byte) uint64 {
	le := binary.LittleEndian
	return commaBits(le.Uint64(b[0:])) | commaBits(le.Uint64(b[8:]))<<8 |
		commaBits(le.Uint64(b[16:]))<<16 | commaBits(le.Uint64(b[24:]))<<24 |
		commaBits(le.Uint64(b[32:]))<<32 | commaBits(le.Uint64(b[40:]))<<40 |
		commaBits(le.Uint64(b[48:]))<<48 | commaBits(le.Uint64(b[56:]))<<56
}

// commaBits returns bit k set when byte k of w is a comma (under xor a comma is a zero byte,
// found exactly with no carries between bytes).
func commaBits(w uint64) uint64 {
	const (
		commas = 0x2C2C2C2C2C2C2C2C
		low7   = 0x7F7F7F7F7F7F7F7F
		gather = 0x0102040810204080 // moves bit 8k to bit 56+k
	)
	x := w ^ commas
	m := ^((x&low7 + low7) | x | low7) >> 7
	return m * gather >> 56
}

// splitQuoted splits a record that has quoted fields, which may span lines.
func splitQuoted(data []byte, atEOF bool, rec *record) (n int, ok bool, err error) {
	rec.scratch, rec.bounds, rec.malformed = rec.scratch[:0], rec.bounds[:0], 0
	i := 0
	for {
		start := len(rec.scratch)
		if i < len(data) && data[i] == '"' {
			i++
			for {
				j := bytes.IndexByte(data[i:], '"')
				if j < 0 {
					if atEOF {
						return 0, false, errUnterminated
					}
					return 0, false, nil
				}
				rec.scratch = append(rec.scratch, data[i:i+j]...)
				i += j + 1
				if i == len(data) && !atEOF {
					return 0, false, nil // the next byte may be a second quote
				}
				if i < len(data) && data[i] == '"' {
					rec.scratch = append(rec.scratch, '"')
					i++
					continue
				}
				break
			}
			for i < len(data) && data[i] != ',' && data[i] != '\n' {
				if data[i] == '\r' && (i+1 == len(data) || data[i+1] == '\n') {
					i++
					continue
				}
				if rec.malformed == 0 {
					rec.malformed = len(rec.bounds)/2 + 1
				}
				rec.scratch = append(rec.scratch, data[i])
				i++
			}
		} else {
			j := i
			for j < len(data) && data[j] != ',' && data[j] != '\n' {
				j++
			}
			if j == len(data) && !atEOF {
				return 0, false, nil
			}
			f := data[i:j]
			if j < len(data) && data[j] == '\n' || j == len(data) {
				f = bytes.TrimSuffix(f, []byte{'\r'})
			}
			rec.scratch = append(rec.scratch, f...)
			i = j
		}
		rec.bounds = append(rec.bounds, start, len(rec.scratch))
		if i >= len(data) {
			if !atEOF {
				return 0, false, nil
			}
			n = len(data)
			break
		}
		if data[i] == ',' {
			i++
			continue
		}
		n = i + 1 // data[i] == '\n'
		break
	}
	rec.fields = rec.fields[:0]
	for k := 0; k < len(rec.bounds); k += 2 {
		a, b := rec.bounds[k], rec.bounds[k+1]
		rec.fields = append(rec.fields, rec.scratch[a:b:b])
	}
	return n, true, nil
}

// maxRecord bounds one CSV record, so that a stray quote cannot swallow a whole file into memory.
const maxRecord = 16 << 20

// csvReader streams the records of a CSV input with a buffer of bounded size.
type csvReader struct {
	r     io.Reader
	buf   []byte
	start int // first unconsumed byte
	end   int // end of data in buf
	eof   bool
	rec   record
	raw   []byte // bytes of the last record, for the UTF-8 check
	off   int64  // bytes consumed so far
}

func newCSVReader(r io.Reader) *csvReader {
	return &csvReader{r: r, buf: make([]byte, 256<<10)}
}

// next returns the fields of the next record, or io.EOF after the last.
func (cr *csvReader) next() ([][]byte, error) {
	for {
		data := cr.buf[cr.start:cr.end]
		n, ok, err := nextRecord(data, cr.eof, &cr.rec)
		if err != nil {
			return nil, err
		}
		if ok {
			cr.raw = data[:n]
			cr.start += n
			cr.off += int64(n)
			return cr.rec.fields, nil
		}
		if cr.eof {
			return nil, io.EOF
		}
		if err := cr.fill(); err != nil {
			return nil, err
		}
	}
}

// fill reads more input, moving unconsumed data to the front and growing the buffer when full.
func (cr *csvReader) fill() error {
	if cr.start > 0 {
		cr.end = copy(cr.buf, cr.buf[cr.start:cr.end])
		cr.start = 0
	}
	if cr.end == len(cr.buf) {
		if len(cr.buf) >= maxRecord {
			return errRecordTooLong
		}
		cr.buf = append(cr.buf, make([]byte, len(cr.buf))...)
	}
	n, err := cr.r.Read(cr.buf[cr.end:])
	cr.end += n
	if err == io.EOF {
		cr.eof = true
		return nil
	}
	return err
}

var errRecordTooLong = errors.New("a row longer than 16 MB (a quote not closed?)")

// crOnly fails when the first lines of the input end with a lone CR (classic Mac OS line ends),
// which would read the whole file as one row.
func (cr *csvReader) crOnly() error {
	for !cr.eof && cr.end < 64<<10 {
		if err := cr.fill(); err != nil {
			return nil // the read error comes again with the first record
		}
		if bytes.IndexByte(cr.buf[:cr.end], '\n') >= 0 {
			return nil
		}
	}
	data := cr.buf[cr.start:cr.end]
	if bytes.IndexByte(data, '\n') < 0 && bytes.Count(data, []byte{'\r'}) > 1 {
		return errors.New("lines end with CR only (old Mac line ends): save it again as CSV UTF-8 with Windows or Unix line ends")
	}
	return nil
}
