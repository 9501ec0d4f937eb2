package imports

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"sanlv/scoring"
)

// RowError is one problem in an input file.
type RowError struct {
	File string `json:"file"`
	// Row is the row number as a spreadsheet shows it: the header is row 1.
	Row int `json:"row"`
	// Column is the column header as it appears in the file; empty for a problem of the whole row.
	Column string `json:"column"`
	Reason string `json:"reason"`
}

// String formats the error as "tickets.csv:17: closed_at: before dispatched_at (…)".
func (e RowError) String() string {
	if e.Column == "" {
		return e.File + ":" + strconv.Itoa(e.Row) + ": " + e.Reason
	}
	return e.File + ":" + strconv.Itoa(e.Row) + ": " + e.Column + ": " + e.Reason
}

// Report summarizes a read.
type Report struct {
	File string `json:"file"`
	// Rows counts the data rows read (blank rows are not counted); Rows = Valid + Invalid.
	Rows    int `json:"rows"`
	Valid   int `json:"valid"`
	Invalid int `json:"invalid"`
	// Errors lists the problems in row order, at most Options.MaxErrors of them.
	Errors []RowError `json:"errors"`
	// Omitted counts the problems found beyond Options.MaxErrors.
	Omitted int `json:"omitted,omitempty"`
	// Ignored lists the headers of columns the reader did not use, and sheets it did not read.
	Ignored []string `json:"ignored,omitempty"`
	// Sheet is the sheet read (workbooks only); HeaderRow is the row of the header, as a spreadsheet shows it.
	Sheet     string `json:"sheet,omitempty"`
	HeaderRow int    `json:"header_row"`
	// Present lists the fields (English names, SPEC §3.2 and §13.1) the file gives, from a column
	// or a mapping default; a field not listed is absent from the file, not empty.
	Present []string `json:"present,omitempty"`
	// Totals lists the rows read as 合计/总计 lines under the data and skipped (not counted in Rows).
	Totals []int `json:"totals,omitempty"`
	// Notes are remarks that change no value: skipped sheets, title rows, dates read without a time,
	// unit names matched after normalisation, unknown groups.
	Notes []string `json:"notes,omitempty"`
}

// Has reports whether the file gives the field (English name, as in Present).
func (r *Report) Has(field string) bool {
	return r != nil && slices.Contains(r.Present, field)
}

// errPreview is how many problems Report.Err shows in its message.
const errPreview = 5

// Err returns nil when there is no invalid row, else a *scoring.Error (code scoring.Invalid) whose Fields list
// every kept RowError and whose Message counts the invalid rows and shows the first problems.
func (r *Report) Err() error {
	if r == nil || r.Invalid == 0 {
		return nil
	}
	fields := make([]scoring.FieldError, len(r.Errors))
	for i, e := range r.Errors {
		fields[i] = scoring.FieldError{Field: e.File + ":" + strconv.Itoa(e.Row) + ":" + e.Column, Reason: e.Reason}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %d of %d rows invalid", r.File, r.Invalid, r.Rows)
	for i, e := range r.Errors {
		if i == errPreview {
			break
		}
		if i == 0 {
			b.WriteString(": ")
		} else {
			b.WriteString("; ")
		}
		b.WriteString(e.String())
	}
	if more := len(r.Errors) + r.Omitted - errPreview; more > 0 {
		fmt.Fprintf(&b, "; and %d more problems", more)
	}
	return &scoring.Error{Code: scoring.Invalid, Message: b.String(), Fields: fields}
}

// fileError is an *scoring.Error for a file that cannot be read at all.
func fileError(name, format string, args ...any) *scoring.Error {
	msg := fmt.Sprintf(format, args...)
	return &scoring.Error{Code: scoring.Invalid, Message: name + ": " + msg,
		Fields: []scoring.FieldError{{Field: name, Reason: msg}}}
}

// collector gathers the problems and counts of one reader (one worker of a parallel scan).
type collector struct {
	file    string
	max     int
	rows    int
	invalid int
	errs    []RowError
	omitted int
	bad     bool // the current row has a problem
	first   int  // index in errs of the current row's first problem
	keys    keyLog
	// notes are remarks on the read (not problems), each kept once.
	notes    []string
	noteSeen map[string]bool
	// dateOnly counts, per field, the cells with a date and no time, and the first such row.
	dateOnlyN     [numFields]int
	dateOnlyFirst [numFields]int
	// totals lists the rows read as 合计/总计 lines; last is the last data row met.
	totals []int
	last   int
}

// note records a remark on the read once.
func (c *collector) note(s string) {
	if c.noteSeen == nil {
		c.noteSeen = map[string]bool{}
	}
	if !c.noteSeen[s] {
		c.noteSeen[s] = true
		c.notes = append(c.notes, s)
	}
}

// dateOnly counts a cell of field f holding a date without a time.
func (c *collector) dateOnly(f field, row int) {
	if c.dateOnlyN[f] == 0 || row < c.dateOnlyFirst[f] {
		c.dateOnlyFirst[f] = row
	}
	c.dateOnlyN[f]++
}

func newCollector(file string, max int) *collector {
	if max <= 0 {
		max = 1000
	}
	return &collector{file: file, max: max}
}

// add records a problem of the current row.
func (c *collector) add(row int, column, reason string) {
	c.bad = true
	if n := len(c.errs); n >= c.max && (n == 0 || c.errs[n-1].Row != row) {
		c.omitted++ // not kept, so not masked: a file of bad rows costs no regexp a row
		return
	}
	reason = scoring.MaskPhones(reason) // a reason may quote a cell, and a phone may sit in any column
	if n := len(c.errs); n > 0 && c.errs[n-1] == (RowError{File: c.file, Row: row, Column: column, Reason: reason}) {
		return // one source column feeding two fields
	}
	if len(c.errs) >= c.max {
		c.omitted++
		return
	}
	c.errs = append(c.errs, RowError{File: c.file, Row: row, Column: column, Reason: reason})
}

// begin starts a row.
func (c *collector) begin() { c.bad, c.first = false, len(c.errs) }

// end finishes a row and counts it.
func (c *collector) end() {
	c.rows++
	if c.bad {
		c.invalid++
	}
}

// report merges collectors (in file order), finds duplicate keys and returns the report.
func report(file string, max int, cs []*collector, keyColumn string) *Report {
	if max <= 0 {
		max = 1000
	}
	r := &Report{File: file, Errors: []RowError{}}
	var logs []*keyLog
	seen := map[string]bool{}
	last := 0
	for _, c := range cs {
		r.Rows += c.rows
		r.Invalid += c.invalid
		r.Errors = append(r.Errors, c.errs...)
		r.Omitted += c.omitted
		logs = append(logs, &c.keys)
		for _, n := range c.notes {
			if !seen[n] {
				seen[n] = true
				r.Notes = append(r.Notes, n)
			}
		}
		r.Totals = append(r.Totals, c.totals...)
		if c.last > last {
			last = c.last
		}
	}
	slices.Sort(r.Totals)
	kept := r.Totals[:0]
	for _, t := range r.Totals {
		if t < last {
			// A sum line with data below it is not a trailing total: the row is invalid.
			r.Rows++
			r.Invalid++
			r.Errors = append(r.Errors, RowError{File: file, Row: t, Reason: "合计/总计 row with data rows below it (only sum lines after the last data row are skipped)"})
			continue
		}
		kept = append(kept, t)
	}
	r.Totals = kept
	for _, t := range r.Totals {
		r.Notes = append(r.Notes, fmt.Sprintf("第 %d 行是合计行，已跳过", t))
	}
	nkept := 0
	findDuplicates(logs, func(row, first int, invalid bool) {
		if !invalid {
			r.Invalid++
		}
		if nkept == max {
			r.Omitted++
			return
		}
		nkept++
		r.Errors = append(r.Errors, RowError{File: file, Row: row, Column: keyColumn,
			Reason: fmt.Sprintf("duplicate of row %d (same ticket_id and unit)", first)})
	})
	slices.SortStableFunc(r.Errors, func(a, b RowError) int { return a.Row - b.Row })
	if len(r.Errors) > max {
		r.Omitted += len(r.Errors) - max
		r.Errors = slices.Clip(r.Errors[:max])
	}
	r.Valid = r.Rows - r.Invalid
	return r
}
