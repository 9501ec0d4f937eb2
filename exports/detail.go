package exports

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"sanlv/fields"
	"sanlv/scoring"
)

// MaxRowsPerSheet is the most rows an Excel sheet holds; the detail export starts a new sheet past it.
const MaxRowsPerSheet = 1048576

// DetailSheet is the name of the detail export's first sheet; later ones are 工单明细2, 工单明细3, ….
const DetailSheet = "工单明细"

// detailCol is one column of the detail export: a ticket field, the unit's name, or part of what scoring
// made of the assignment.
type detailCol struct {
	heading string
	width   float64
	// op says how format fills the column from the field's getters num or text.
	op   detailOp
	num  func(a *scoring.Assignment) int64
	text func(a *scoring.Assignment) string
	// flag marks a column of 是/否 flags, written as 1 or 0.
	flag bool
	// name and words are an enum field's name and the Chinese labels of its values, boxed once so
	// that a row allocates less.
	name  string
	words []any
}

// detailOp is how a column is filled.
type detailOp uint8

const (
	opNone detailOp = iota // a column format leaves to the unit or to the extras
	opUnit
	opText
	// opMasked shows a personal field masked; opFreeText masks the phones quoted in a free text.
	opMasked
	opFreeText
	opTime
	opBool
	opTri
	opInt
	opEnum
	opSatisfaction // an enum shown only when rated or the callback was valid
)

// detailOpOf is the op of a field.
func detailOpOf(f fields.Field) detailOp {
	switch {
	case f.ID == fields.Unit:
		return opUnit
	case f.ID == fields.Satisfaction:
		return opSatisfaction
	case f.Personal:
		return opMasked
	case f.ID == fields.ExcludeReason:
		return opFreeText
	}
	return [...]detailOp{fields.Text: opText, fields.Time: opTime, fields.Deadline: opTime, fields.Bool: opBool,
		fields.Tri: opTri, fields.Int: opInt, fields.Enum: opEnum}[f.Type]
}

// The extra columns' positions in detailExtras.
const (
	xEligible = iota
	xWhy
	xDeadline
	xLate
	xPoints
	xRules
)

// detailExtras are the columns of what scoring made of an assignment.
var detailExtras = [...]detailCol{xEligible: {heading: "是否纳入考核", width: 8, flag: true}, xWhy: {heading: "不纳入原因", width: 16},
	xDeadline: {heading: "考核时限", width: 20}, xLate: {heading: "是否超期", width: 8, flag: true}, xPoints: {heading: "积分", width: 8},
	xRules: {heading: "积分规则", width: 24}}

// detailLayout is the columns of the detail export: the first-edition ticket fields in table order with
// 承办单位名称 after the unit, then detailExtras (whose first position is extraAt), then the fields of
// later editions, so that a new field adds a column at the end.
var detailLayout, extraAt = func() ([]detailCol, int) {
	var cols, later []detailCol
	for _, f := range fields.All() {
		c := detailCol{heading: f.Heading, width: f.Width, op: detailOpOf(f), num: f.Num, text: f.Text,
			flag: f.Type == fields.Bool || f.Type == fields.Tri, name: f.Name, words: boxed(f.Labels)}
		if f.Edition > 1 {
			later = append(later, c)
			continue
		}
		cols = append(cols, c)
		if f.ID == fields.Unit {
			cols = append(cols, detailCol{heading: "承办单位名称", width: 24})
		}
	}
	at := len(cols)
	return append(append(cols, detailExtras[:]...), later...), at
}()

// DetailColumns returns the headers of the ticket detail export, in order, on the row under the title.
// The ticket columns use the Chinese headers of the tickets file (SPEC §3.2 and §13.1) and every flag
// reads 是 or 否; 承办单位名称 and 是否纳入考核 … 积分规则 are extra: 积分规则 lists each rule's points on
// the assignment (the per-ticket 扣分明细 of the bulletin). The fields of SPEC §13.1 come last.
func DetailColumns() []string {
	out := make([]string, len(detailLayout))
	for i, c := range detailLayout {
		out[i] = c.heading
	}
	return out
}

// detailLast is the column name of the last detail column.
var detailLast, _ = excelize.ColumnNumberToName(len(detailLayout))

func boxed(words []string) []any {
	out := make([]any, len(words))
	for i, w := range words {
		if w != "" {
			out[i] = w
		}
	}
	return out
}

// DetailExtra is what scoring made of an assignment, for the columns after the first edition's ticket fields.
type DetailExtra struct {
	// Judged says the fields below are known; when false their cells stay empty.
	Judged   bool
	Eligible bool
	// Why is the scoring.Why* code of an ineligible assignment.
	Why string
	// Deadline is the on-time deadline in Unix seconds (0 when not computed); Late and Points are
	// shown for eligible assignments only.
	Deadline int64
	Late     bool
	Points   float64
	// Rules lists each rule's non-zero points: 双满意＋1；资料不全－0.5.
	Rules string
}

// ExtraFromLine converts an explanation line (scoring.Book.Explain) into a DetailExtra.
func ExtraFromLine(l *scoring.Line, loc *time.Location) DetailExtra {
	x := DetailExtra{Judged: true, Eligible: l.Eligible, Why: l.Why, Points: l.PointsTotal}
	var rules []string
	for _, rp := range l.Points {
		if rp.Points != 0 {
			rules = append(rules, rp.Label+signed(rp.Points))
		}
	}
	x.Rules = strings.Join(rules, "；")
	if l.Late != nil {
		x.Late = *l.Late
	}
	if t, err := time.ParseInLocation("2006-01-02 15:04:05", l.Deadline, loc); err == nil {
		x.Deadline = t.Unix()
	}
	return x
}

// batchSize is how many rows Add hands to the writing goroutine at once.
const batchSize = 256

// batch is formatted rows waiting to be written: row r is vals[r*len(detailLayout):], and its
// datetime cells point into cells.
type batch struct {
	n     int
	vals  []any
	cells []excelize.Cell
}

// DetailWriter streams the ticket detail export of a period with flat memory; Close must be called. Add formats rows on the
// caller's goroutine and a second goroutine writes them; an error shows on a later Add or on Close.
type DetailWriter struct {
	w      io.Writer
	sheet  *detailSheet
	units  [][2]any // code and name of each unit of the directory
	loc    *time.Location
	cur    *batch
	queue  chan *batch
	free   chan *batch
	errc   chan error
	done   chan struct{}
	err    error
	closed bool
}

// detailSheet writes formatted rows into the workbook; only the writing goroutine uses it.
type detailSheet struct {
	f       *excelize.File
	sw      *excelize.StreamWriter
	title   string
	name    string   // the current sheet's name
	dims    []string // the range of each finished sheet
	now     func() time.Time
	maxRows int
	// titleStyle is the style of the title row.
	titleStyle int
	sheets     int
	row        int
	head       int
	// body is the rows' style: giving every row one spares excelize a search of the column ranges for each cell.
	body excelize.RowOpts
}

// NewDetailWriter starts a detail export titled title (the document title); datetimes are shown in loc.
func NewDetailWriter(w io.Writer, title string, dir *scoring.Directory, loc *time.Location) (*DetailWriter, error) {
	if loc == nil {
		loc = time.UTC
	}
	s := &detailSheet{f: excelize.NewFile(), title: title, maxRows: MaxRowsPerSheet, now: time.Now}
	var err error
	if s.titleStyle, err = s.f.NewStyle(&excelize.Style{Font: &excelize.Font{Family: fontTitle, Size: 14},
		Alignment: &excelize.Alignment{Horizontal: "left", Vertical: "center"}}); err != nil {
		return nil, err
	}
	if s.head, err = s.f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true},
		Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{fillHeader}}}); err != nil {
		return nil, err
	}
	if s.body.StyleID, err = s.f.NewStyle(&excelize.Style{Alignment: &excelize.Alignment{Vertical: "center"}}); err != nil {
		return nil, err
	}
	format := "yyyy-mm-dd hh:mm:ss"
	date, err := s.f.NewStyle(&excelize.Style{CustomNumFmt: &format})
	if err != nil {
		return nil, err
	}
	// A flag is the number 1 or 0 shown as 是 or 否: every reader shows the words, filters on them,
	// and the writer spares a string per cell (a million rows hold seven million flags).
	yesNo := `"` + scoring.BoolLabel(true) + `";"` + scoring.BoolLabel(true) + `";"` + scoring.BoolLabel(false) + `"`
	flag, err := s.f.NewStyle(&excelize.Style{CustomNumFmt: &yesNo, Alignment: &excelize.Alignment{Horizontal: "center"}})
	if err != nil {
		return nil, err
	}
	units := make([][2]any, dir.Len())
	for i, u := range dir.Units() {
		units[i] = [2]any{text(u.Code), text(u.Name)}
	}
	d := &DetailWriter{w: w, sheet: s, units: units, loc: loc, queue: make(chan *batch, 4), free: make(chan *batch, 8),
		errc: make(chan error, 1), done: make(chan struct{})}
	for range cap(d.free) {
		b := &batch{vals: make([]any, batchSize*len(detailLayout)), cells: make([]excelize.Cell, batchSize*len(detailLayout))}
		for i := range b.cells {
			b.cells[i].StyleID = date
			if detailLayout[i%len(detailLayout)].flag {
				b.cells[i].StyleID = flag
			}
		}
		d.free <- b
	}
	go d.run()
	return d, nil
}

// run writes queued batches until the queue closes; after an error it only drains the queue.
func (d *DetailWriter) run() {
	defer close(d.done)
	failed := false
	for b := range d.queue {
		for r := 0; r < b.n && !failed; r++ {
			n := len(detailLayout)
			if err := d.sheet.add(b.vals[r*n : (r+1)*n]); err != nil {
				d.errc <- fmt.Errorf("detail export: row %d: %w", d.sheet.row, err)
				failed = true
			}
		}
		d.free <- b
	}
}

// Add formats one assignment into the next row; extra is what scoring made of it (zero when unknown).
func (d *DetailWriter) Add(a *scoring.Assignment, extra DetailExtra) error {
	if d.closed {
		return fmt.Errorf("detail export: add after close")
	}
	if d.err != nil {
		return d.err
	}
	if d.cur == nil {
		select {
		case d.cur = <-d.free:
		case d.err = <-d.errc:
			return d.err
		}
		d.cur.n = 0
	}
	b, n := d.cur, len(detailLayout)
	d.format(a, &extra, b.vals[b.n*n:(b.n+1)*n], b.cells[b.n*n:(b.n+1)*n])
	b.n++
	if b.n == batchSize {
		d.queue <- b
		d.cur = nil
	}
	return nil
}

// format fills one row's values; datetimes and flags go through cells so that they carry their style.
func (d *DetailWriter) format(a *scoring.Assignment, extra *DetailExtra, v []any, cells []excelize.Cell) {
	stamp := func(i int, t int64) {
		v[i] = nil
		if t != 0 {
			_, off := time.Unix(t, 0).In(d.loc).Zone()
			// Half a millisecond over the second, so that no reader truncates 12:47:35 to 12:47:34
			// because the nearest double lies just under it.
			cells[i].Value = (float64(t+int64(off))+0.0005)/86400 + 25569
			v[i] = &cells[i]
		}
	}
	flag := func(i int, b bool) {
		cells[i].Value = 0
		if b {
			cells[i].Value = 1
		}
		v[i] = &cells[i]
	}
	for i := range detailLayout {
		c := &detailLayout[i]
		switch c.op {
		case opUnit:
			v[i], v[i+1] = nil, nil
			if a.Unit >= 0 && int(a.Unit) < len(d.units) {
				v[i], v[i+1] = d.units[a.Unit][0], d.units[a.Unit][1]
			}
		case opText:
			v[i] = text(c.text(a))
		case opMasked:
			v[i] = text(scoring.MaskPhone(c.text(a)))
		case opFreeText:
			v[i] = text(scoring.MaskPhones(c.text(a)))
		case opTime:
			stamp(i, c.num(a))
		case opBool:
			flag(i, c.num(a) != 0)
		case opTri:
			v[i] = nil
			if t := scoring.Tri(c.num(a)); t != scoring.Unknown {
				flag(i, t == scoring.Yes)
			}
		case opInt:
			v[i] = c.num(a)
		case opEnum:
			v[i] = c.word(c.num(a))
		case opSatisfaction:
			v[i] = nil
			// 未评价 is an answer only when the callback was valid.
			if a.Satisfaction != scoring.Unrated || a.CallbackValid {
				v[i] = c.word(c.num(a))
			}
		}
	}
	x := extraAt
	clear(v[x : x+len(detailExtras)])
	if extra.Judged {
		flag(x+xEligible, extra.Eligible)
		if extra.Eligible {
			v[x+xPoints], v[x+xRules] = extra.Points, text(extra.Rules)
			flag(x+xLate, extra.Late)
		} else if extra.Why != "" {
			why, ok := whyZh[extra.Why]
			if !ok {
				why = extra.Why
			}
			v[x+xWhy] = why
		}
		stamp(x+xDeadline, extra.Deadline)
	}
}

// word returns the label of an enum field's value v, or the field's name and the number for a value it does not know.
func (c *detailCol) word(v int64) any {
	if v >= 0 && v < int64(len(c.words)) {
		return c.words[v]
	}
	return c.name + "(" + strconv.FormatInt(v, 10) + ")"
}

// Close writes the queued rows, finishes the export and writes the workbook; with no rows it writes the header only.
func (d *DetailWriter) Close() error {
	if d.closed {
		return d.err
	}
	d.closed = true
	if d.cur != nil && d.cur.n > 0 {
		d.queue <- d.cur
	}
	close(d.queue)
	<-d.done
	select {
	case err := <-d.errc:
		d.err = err
	default:
	}
	s := d.sheet
	defer s.f.Close()
	if d.err != nil {
		return d.err
	}
	if err := s.finish(d.w); err != nil {
		d.err = fmt.Errorf("detail export: %w", err)
	}
	return d.err
}

// startSheet flushes the current sheet and starts the next one with its header row.
func (d *detailSheet) startSheet() error {
	if err := d.flush(); err != nil {
		return err
	}
	d.sheets++
	name := DetailSheet
	if d.sheets == 1 {
		if err := d.f.SetSheetName("Sheet1", name); err != nil {
			return err
		}
	} else {
		name += strconv.Itoa(d.sheets)
		if _, err := d.f.NewSheet(name); err != nil {
			return err
		}
	}
	sw, err := d.f.NewStreamWriter(name)
	if err != nil {
		return err
	}
	d.sw, d.name = sw, name
	// The stream writer puts each range before the earlier ones: set them last to first, so that the
	// <col> elements come out in ascending order as Excel requires.
	for j := len(detailLayout); j > 0; {
		i := j - 1
		for i > 0 && detailLayout[i-1].width == detailLayout[j-1].width {
			i--
		}
		if err := sw.SetColWidth(i+1, j, detailLayout[j-1].width); err != nil {
			return err
		}
		j = i
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 2, TopLeftCell: "A3", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	title := d.title
	if d.sheets > 1 {
		title += "（续" + strconv.Itoa(d.sheets-1) + "）"
	}
	if err := sw.SetRow("A1", []any{excelize.Cell{StyleID: d.titleStyle, Value: title}}, excelize.RowOpts{Height: 24}); err != nil {
		return err
	}
	if err := sw.MergeCell("A1", detailLast+"1"); err != nil {
		return err
	}
	head := make([]any, len(detailLayout))
	for i, c := range detailLayout {
		head[i] = excelize.Cell{StyleID: d.head, Value: c.heading}
	}
	d.row = 2
	return sw.SetRow("A2", head)
}

// flush ends the current sheet: an autofilter over its header and rows, its dimension, and the rows
// written out.
func (d *detailSheet) flush() error {
	if d.sw == nil {
		return nil
	}
	ref := "A1:" + detailLast + strconv.Itoa(d.row)
	if err := d.f.AutoFilter(d.name, "A2:"+detailLast+strconv.Itoa(d.row), nil); err != nil {
		return err
	}
	d.dims = append(d.dims, ref)
	return d.sw.Flush()
}

// add writes one formatted row, starting a new sheet when the current one is full.
func (d *detailSheet) add(vals []any) error {
	if d.sw == nil || d.row >= d.maxRows {
		if err := d.startSheet(); err != nil {
			return fmt.Errorf("new sheet: %w", err)
		}
	}
	d.row++
	return d.sw.SetRow("A"+strconv.Itoa(d.row), vals, d.body)
}

// text leaves an empty string's cell empty.
func text(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// finish flushes the last sheet and writes the workbook.
func (d *detailSheet) finish(w io.Writer) error {
	if d.sw == nil {
		if err := d.startSheet(); err != nil {
			return err
		}
	}
	if err := d.flush(); err != nil {
		return err
	}
	now := d.now().UTC().Format(time.RFC3339)
	if err := d.f.SetDocProps(&excelize.DocProperties{Title: d.title, Creator: "Sanlv", LastModifiedBy: "Sanlv",
		Language: "zh-CN", Created: now, Modified: now}); err != nil {
		return err
	}
	d.f.SetActiveSheet(0)
	// The stream writer declares every sheet as A1; each gets the range it holds.
	patches := map[string]func([]byte) [][]byte{}
	for i, ref := range d.dims {
		patches["xl/worksheets/sheet"+strconv.Itoa(i+1)+".xml"] = replaceFirst(`<dimension ref="A1">`, `<dimension ref="`+ref+`">`)
	}
	if err := savePatched(d.f, w, patches); err != nil {
		return fmt.Errorf("write: %w", err)
	}
	return nil
}
