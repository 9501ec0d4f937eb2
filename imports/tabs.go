package imports

import (
	"bufio"
	"bytes"
	"errors"
	"io"
)

// tabSeparated reports whether the head of a text reads as tab-separated: outside quoted fields, its
// first lines hold more tabs than commas (Excel's 文本文件（制表符分隔） and Unicode text, .tsv files).
func tabSeparated(head []byte) bool {
	tabs, commas, lines := 0, 0, 0
	quoted := false
	for _, c := range head {
		switch {
		case c == '"':
			quoted = !quoted
		case quoted:
		case c == '\t':
			tabs++
		case c == ',':
			commas++
		case c == '\n':
			if lines++; lines == 30 {
				return tabs > commas
			}
		}
	}
	return tabs > commas
}

// tabsToCommas reads a tab-separated text as CSV with commas: a tab between fields becomes a comma, a
// field that holds a comma or a quote is quoted (a quote in it doubled), and a quoted field, quoted
// alike in both forms, passes as it is. Lines stay lines, so row numbers are those of the file.
type tabsToCommas struct {
	r      *bufio.Reader
	out    []byte // converted bytes not yet read
	field  []byte // the unquoted field being read
	start  bool   // at the start of a field
	quoted bool   // inside a quoted field
	quote  bool   // a quote seen inside a quoted field, not yet known to close it or be doubled
	err    error
}

func newTabsToCommas(r io.Reader) *tabsToCommas {
	return &tabsToCommas{r: bufio.NewReaderSize(r, 64<<10), start: true}
}

func (t *tabsToCommas) Read(p []byte) (int, error) {
	for len(t.out) == 0 && t.err == nil {
		chunk, err := t.r.ReadSlice('\n')
		for _, c := range chunk {
			t.put(c)
		}
		switch {
		case err == io.EOF:
			t.end()
			t.err = io.EOF
		case err != nil && !errors.Is(err, bufio.ErrBufferFull):
			t.err = err
		}
	}
	n := copy(p, t.out)
	t.out = t.out[n:]
	if n > 0 {
		return n, nil
	}
	return 0, t.err
}

// put converts one byte.
func (t *tabsToCommas) put(c byte) {
	if t.quoted {
		switch {
		case t.quote && c == '"': // a doubled quote
			t.out = append(t.out, '"', '"')
			t.quote = false
			return
		case t.quote: // the quote closed the field
			t.out = append(t.out, '"')
			t.quoted, t.quote = false, false
		case c == '"':
			t.quote = true
			return
		default:
			t.out = append(t.out, c)
			return
		}
	}
	switch {
	case t.start && c == '"':
		t.out = append(t.out, '"')
		t.quoted, t.start = true, false
	case c == '\t':
		t.flush()
		t.out = append(t.out, ',')
		t.start = true
	case c == '\n':
		t.flush()
		t.out = append(t.out, '\n')
		t.start = true
	default:
		t.field = append(t.field, c)
		t.start = false
	}
}

// flush writes the unquoted field read so far, quoted when it holds a comma or a quote.
func (t *tabsToCommas) flush() {
	f := t.field
	t.field = t.field[:0]
	cr := len(f) > 0 && f[len(f)-1] == '\r'
	if cr {
		f = f[:len(f)-1]
	}
	if bytes.IndexByte(f, ',') >= 0 || bytes.IndexByte(f, '"') >= 0 {
		t.out = append(t.out, '"')
		t.out = append(t.out, bytes.ReplaceAll(f, []byte(`"`), []byte(`""`))...)
		t.out = append(t.out, '"')
	} else {
		t.out = append(t.out, f...)
	}
	if cr {
		t.out = append(t.out, '\r')
	}
}

// end finishes the text: a pending closing quote and the last field.
func (t *tabsToCommas) end() {
	if t.quote {
		t.out = append(t.out, '"')
		t.quoted, t.quote = false, false
	}
	if !t.quoted {
		t.flush()
	}
}
