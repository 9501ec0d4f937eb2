package exports

import (
	"bytes"
	"compress/flate"
	"fmt"
	"io"
	"math/rand/v2"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"sanlv/scoring"
)

// writeDetail writes the worked rows with what scoring made of those in 2025-10; maxRows 0 keeps Excel's limit.
func writeDetail(t *testing.T, w *worked, maxRows int) []byte {
	t.Helper()
	b := w.book(t, "2025-10")
	extras := map[string]DetailExtra{}
	for u := range w.dir.Len() {
		e, err := b.Explain(0, int32(u), w.rows)
		if err != nil {
			t.Fatal(err)
		}
		for i := range e.Lines {
			extras[e.Unit.Code+"|"+e.Lines[i].TicketID] = ExtraFromLine(&e.Lines[i], w.policy.Loc)
		}
	}
	var buf bytes.Buffer
	d, err := NewDetailWriter(&buf, "2025-10 工单明细", w.dir, w.policy.Loc)
	if err != nil {
		t.Fatal(err)
	}
	if maxRows > 0 {
		d.sheet.maxRows = maxRows
	}
	for i := range w.rows {
		a := &w.rows[i]
		if err := d.Add(a, extras[w.dir.Unit(a.Unit).Code+"|"+a.TicketID]); err != nil {
			t.Fatal(err)
		}
	}
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

var maskedPhone = regexp.MustCompile(`^1\d{2}\*{4}\d{4}$`)

func TestDetailExportHasEveryAssignmentWithPhonesMasked(t *testing.T) {
	w := loadWorked(t, "district-2025")
	data := writeDetail(t, w, 0)
	for name, body := range entries(t, data) {
		for _, p := range w.phones {
			if strings.Contains(body, p) {
				t.Fatalf("%s shows the caller phone %s unmasked", name, p)
			}
		}
	}
	f := open(t, data)
	if got := f.GetSheetList(); !slices.Equal(got, []string{"工单明细"}) {
		t.Fatalf("sheets = %v", got)
	}
	checkHeader(t, f, "工单明细", 2, DetailColumns())
	rows, err := f.GetRows("工单明细")
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != len(w.rows)+2 {
		t.Fatalf("%d rows, want a title, a header and %d assignments", len(rows), len(w.rows))
	}
	if rows[0][0] != "2025-10 工单明细" {
		t.Errorf("title row = %q", rows[0])
	}
	loc := w.policy.Loc
	for i, a := range w.rows {
		r := i + 3
		u := w.dir.Unit(a.Unit)
		for col, want := range map[int]string{1: a.TicketID, 2: u.Code, 3: u.Name, 23: scoring.MaskPhone(a.CallerPhone)} {
			if got := raw(t, f, "工单明细", ref(col, r)); got != want {
				t.Errorf("row %d col %d = %q, want %q", r, col, got, want)
			}
		}
		if p := raw(t, f, "工单明细", ref(23, r)); a.CallerPhone != "" && !maskedPhone.MatchString(p) {
			t.Errorf("row %d phone shows as %q, want 138****1234 form", r, p)
		}
		for col, at := range map[int]int64{5: a.Received, 6: a.Dispatched, 7: a.ContactAt, 8: a.Closed, 9: a.Due} {
			want := ""
			if at != 0 {
				want = time.Unix(at, 0).In(loc).Format("2006-01-02 15:04:05")
			}
			if got := shown(t, f, "工单明细", ref(col, r)); got != want {
				t.Errorf("row %d %s shows %q, want %q", r, DetailColumns()[col-1], got, want)
			}
		}
		if a.Closed == 0 && raw(t, f, "工单明细", ref(24, r)) != "" {
			t.Errorf("row %d: open ticket %s has a scoring verdict", r, a.TicketID)
		}
	}
	// The first row of tickets.csv, by hand: a complex complaint dispatched Sun 2025-10-05 00:14, 15 working
	// days (10-09 … 10-28, with make-up Saturday 10-11) give 2025-10-29 00:00; closed 10-13, resolved and
	// very satisfied: 双满意 +1.
	// Flags (是否有效回访, 是否联系, 是否督办, 资料不全, 负面舆情, 是否剔除, 是否纳入考核, 是否超期) are 1 or 0
	// shown as 是 or 否 by their number format; excelize's own formatter reads only the first section,
	// so they are checked raw here.
	want := []string{"T0100098", "E01", "区自来水公司", "主办", "2025-10-04 22:00:00", "2025-10-05 00:14:00",
		"2025-10-05 03:14:00", "2025-10-13 07:55:00", "2025-10-10 00:14:00", "投诉", "复杂", "市场监管/消费纠纷/退换货",
		"0", "1", "1", "已解决", "非常满意", "0", "0", "0", "0", "", "136****5365", "1", "", "2025-10-29 00:00:00", "0", "1",
		"双满意＋1"}
	raws, err := f.GetRows("工单明细", excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	got := slices.Clone(rows[2])
	for _, c := range []int{13, 14, 17, 18, 19, 20, 23, 26} {
		got[c] = raws[2][c]
		if n, _ := style(t, f, "工单明细", ref(c+1, 3)); n != `"是";"是";"否"` {
			t.Errorf("%s format %q, want 是 for 1 and 否 for 0", DetailColumns()[c], n)
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("first row\n got %q\nwant %q", got, want)
	}
	panes, err := f.GetPanes("工单明细")
	if err != nil || !panes.Freeze || panes.YSplit != 2 {
		t.Errorf("title and header rows not frozen: %+v %v", panes, err)
	}
	sheet := entries(t, data)["xl/worksheets/sheet1.xml"]
	last := fmt.Sprintf("AJ%d", len(w.rows)+2)
	if !strings.Contains(sheet, `<dimension ref="A1:`+last+`">`) {
		t.Errorf("dimension is not A1:%s: %.200s", last, sheet[strings.Index(sheet, "<dimension"):])
	}
	if !strings.Contains(strings.ReplaceAll(sheet, "$", ""), `<autoFilter ref="A2:`+last+`"`) {
		t.Errorf("no autofilter over A2:%s", last)
	}
	var mins []int
	for _, m := range colMin.FindAllStringSubmatch(sheet, -1) {
		n, _ := strconv.Atoi(m[1])
		mins = append(mins, n)
	}
	if len(mins) == 0 || !slices.IsSorted(mins) {
		t.Errorf("column definitions out of order: %v", mins)
	}
	props, err := f.GetDocProps()
	if err != nil || !strings.HasPrefix(props.Created, time.Now().UTC().Format("2006-01-02")) {
		t.Errorf("document created %q (%v), want today", props.Created, err)
	}
}

var colMin = regexp.MustCompile(`<col min="([0-9]+)"`)

func TestDetailExportKeepsTheSecondsOfEveryDatetime(t *testing.T) {
	w := loadWorked(t, "district-2025")
	loc := w.policy.Loc
	var rows []scoring.Assignment
	// Every second of a day: a serial that falls just under its second would show the one before.
	base := time.Date(2025, 10, 9, 0, 0, 0, 0, loc).Unix()
	for s := int64(0); s < 86400; s += 61 { // 61 is prime to 60: every second of a minute
		a := w.rows[0]
		a.Received = base + s
		rows = append(rows, a)
	}
	var buf bytes.Buffer
	d, err := NewDetailWriter(&buf, "seconds", w.dir, loc)
	if err != nil {
		t.Fatal(err)
	}
	for i := range rows {
		if err := d.Add(&rows[i], DetailExtra{}); err != nil {
			t.Fatal(err)
		}
	}
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	f := open(t, buf.Bytes())
	got, err := f.GetRows("工单明细")
	if err != nil {
		t.Fatal(err)
	}
	for i, a := range rows {
		if want := time.Unix(a.Received, 0).In(loc).Format("2006-01-02 15:04:05"); got[i+2][4] != want {
			t.Fatalf("row %d shows %q, want %q", i+3, got[i+2][4], want)
		}
	}
}

func TestDetailExportStartsANewSheetWhenOneIsFull(t *testing.T) {
	w := loadWorked(t, "district-2025")
	f := open(t, writeDetail(t, w, 50))
	if got, want := f.GetSheetList(), []string{"工单明细", "工单明细2", "工单明细3"}; !slices.Equal(got, want) {
		t.Fatalf("sheets = %v, want %v", got, want)
	}
	var ids []string
	for k, sheet := range f.GetSheetList() {
		rows, err := f.GetRows(sheet)
		if err != nil {
			t.Fatal(err)
		}
		if want := []int{50, 50, 39}[k]; len(rows) != want {
			t.Errorf("%s has %d rows, want %d", sheet, len(rows), want)
		}
		if !slices.Equal(rows[1], DetailColumns()) {
			t.Errorf("%s header = %q", sheet, rows[1])
		}
		for _, r := range rows[2:] {
			ids = append(ids, r[0])
		}
	}
	var want []string
	for _, a := range w.rows {
		want = append(want, a.TicketID)
	}
	if !slices.Equal(ids, want) {
		t.Errorf("rows across sheets are not the assignments in order")
	}
}

func TestDetailExportIsDeterministic(t *testing.T) {
	w := loadWorked(t, "county-threshold")
	a, b := cells(t, writeDetail(t, w, 0)), cells(t, writeDetail(t, w, 0))
	if len(a) < 1000 || len(a) != len(b) {
		t.Fatalf("%d cells then %d", len(a), len(b))
	}
	for k, v := range a {
		if b[k] != v {
			t.Errorf("%s: %q then %q", k, v, b[k])
		}
	}
}

func TestDetailExportWithNoRowsHasTheHeader(t *testing.T) {
	w := loadWorked(t, "district-2025")
	var buf bytes.Buffer
	d, err := NewDetailWriter(&buf, "empty", w.dir, w.policy.Loc)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	if err := d.Add(&w.rows[0], DetailExtra{}); err == nil {
		t.Errorf("Add after Close succeeded")
	}
	rows, err := open(t, buf.Bytes()).GetRows("工单明细")
	if err != nil || len(rows) != 2 || !slices.Equal(rows[1], DetailColumns()) {
		t.Errorf("rows = %q (%v), want the title and header only", rows, err)
	}
}

func TestDeflaterOutputInflatesToTheInput(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var in bytes.Buffer
	for in.Len() < 3*chunkSize+12345 {
		in.WriteString(`<row r="` + strconv.Itoa(rng.IntN(1e6)) + `"><c t="inlineStr"><is><t>是</t></is></c></row>`)
		if rng.IntN(10) == 0 {
			b := make([]byte, rng.IntN(5000))
			for i := range b {
				b[i] = byte(rng.Uint32())
			}
			in.Write(b)
		}
	}
	for _, write := range []int{1, 7, 4096, chunkSize + 1} {
		var out bytes.Buffer
		d := newDeflater(&out)
		for p := in.Bytes(); len(p) > 0; {
			n := min(write, len(p))
			if _, err := d.Write(p[:n]); err != nil {
				t.Fatal(err)
			}
			p = p[n:]
		}
		if err := d.Close(); err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(flate.NewReader(&out))
		if err != nil {
			t.Fatalf("writes of %d: inflate: %v", write, err)
		}
		if !bytes.Equal(got, in.Bytes()) {
			t.Fatalf("writes of %d: inflated %d bytes, want the %d written", write, len(got), in.Len())
		}
	}
}
