// Package exports writes the Excel workbooks users read: the period bulletin (通报), the year-end
// appraisal, the what-if comparison and the ticket detail export (SPEC §11.3).
//
// Choices made here:
//   - Scores (综合得分, 扣分, 积分, 最终得分, 年度得分) are stored rounded half-up to the policy's
//     round with a matching number format, so that what prints is what ranked; rates are stored
//     unrounded with the format 0.00%.
//   - An undefined value is the text "—".
//   - Rank change is ↑n, ↓n, 持平 (unchanged), 新 (ranked now, not before), or "—" when no previous
//     period was compared.
//   - A ranking sheet lists the group's ranked units; unranked units are on 未排名 with the reason.
//     扣分 is the sum of threshold deductions, 积分 the ticket-point total; 扣分明细 lists both, the
//     deductions as negative lines without a ticket.
//   - The ticket detail export uses the tickets file's Chinese headers and its convention that an empty
//     flag cell means false, and shows the caller phone masked (138****1234).
package exports

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"
)

// Dash stands for an undefined value.
const Dash = "—"

// Cell kinds decide a cell's number format and alignment.
const (
	kText   = iota // left-aligned text
	kCenter        // centered text
	kInt           // whole number
	kNum           // general number (weighted counts such as 14.5)
	kPct           // rate, 0.00%
	kScore         // score, rounded to the policy's round
	// kDigits+d is a score shown with d decimals, for a sheet that mixes policies' rounding.
	kDigits = 100
)

// Row marks (scoring.Scorecard.Mark) and their fills.
const (
	markNone = iota
	markTop
	markBottom
)

// Fill colours of the top (红榜, light red) and bottom (末位, grey) rows, and the header; in grayscale
// the top rows stay light and the bottom rows dark, and the 标注 column says the same in words.
const (
	FillTop    = "FCE4E4"
	FillBottom = "A6A6A6"
	fillHeader = "D9D9D9"
)

// Fonts declared in the workbooks: 黑体 for titles and headers, 宋体 for the body.
const (
	fontTitle = "黑体"
	fontBody  = "宋体"
)

// Built-in number format ids of Excel.
const (
	fmtGeneral = 0
	fmtInt     = 1
	fmtFixed2  = 2
	fmtPct2    = 10
)

// cell is one value to write with its kind.
type cell struct {
	v any
	k int
}

// column is a table column: its header and kind.
type column struct {
	name string
	k    int
}

// book is a workbook being written with its cached styles.
type book struct {
	f      *excelize.File
	sheets int
	styles map[[2]int]int
	used   map[string]bool // lower-case sheet names taken
	// patches change parts as they are written (see savePatched).
	patches map[string]func([]byte) [][]byte
	charts  int
	note    int // style of a legend line
	round   int
	title   int
	head    int
	label   int
}

// newBook starts a workbook whose scores are shown with round decimals.
func newBook(round int) (*book, error) {
	b := &book{f: excelize.NewFile(), styles: map[[2]int]int{}, used: map[string]bool{}, patches: map[string]func([]byte) [][]byte{}, round: round}
	if err := b.f.SetDefaultFont(fontBody); err != nil {
		return nil, err
	}
	var err error
	if b.note, err = b.f.NewStyle(&excelize.Style{Font: &excelize.Font{Family: fontBody, Size: 10, Color: "000000"},
		Alignment: &excelize.Alignment{Horizontal: "left", Vertical: "top", WrapText: true}}); err != nil {
		return nil, err
	}
	if b.title, err = b.f.NewStyle(&excelize.Style{Font: &excelize.Font{Family: fontTitle, Size: 16},
		Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center"}}); err != nil {
		return nil, err
	}
	if b.head, err = b.f.NewStyle(&excelize.Style{Font: &excelize.Font{Family: fontTitle, Size: 11}, Border: borders(),
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{fillHeader}},
		Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}}); err != nil {
		return nil, err
	}
	if b.label, err = b.f.NewStyle(&excelize.Style{Font: &excelize.Font{Family: fontTitle, Size: 11, Bold: true}}); err != nil {
		return nil, err
	}
	return b, nil
}

func borders() []excelize.Border {
	var bs []excelize.Border
	for _, side := range []string{"left", "right", "top", "bottom"} {
		bs = append(bs, excelize.Border{Type: side, Color: "808080", Style: 1})
	}
	return bs
}

// scoreFormat returns the number format of scores with digits decimals: "0.00" for 2.
func scoreFormat(digits int) string {
	if digits <= 0 {
		return "0"
	}
	return "0." + strings.Repeat("0", digits)
}

// style returns the style of a table cell of kind k on a row with mark m.
func (b *book) style(k, m int) (int, error) {
	key := [2]int{k, m}
	if id, ok := b.styles[key]; ok {
		return id, nil
	}
	s := &excelize.Style{Border: borders(), Font: &excelize.Font{Family: fontBody, Size: 11},
		Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center"}}
	switch k {
	case kText:
		s.Alignment.Horizontal, s.Alignment.WrapText = "left", true
	case kInt:
		s.NumFmt = fmtInt
	case kNum:
		s.NumFmt = fmtGeneral
	case kPct:
		s.NumFmt = fmtPct2
	case kScore:
		switch f := scoreFormat(b.round); f {
		case "0":
			s.NumFmt = fmtInt
		case "0.00":
			s.NumFmt = fmtFixed2
		default:
			s.CustomNumFmt = &f
		}
	}
	if k >= kDigits {
		switch f := scoreFormat(k - kDigits); f {
		case "0":
			s.NumFmt = fmtInt
		case "0.00":
			s.NumFmt = fmtFixed2
		default:
			s.CustomNumFmt = &f
		}
	}
	switch m {
	case markTop:
		s.Fill = excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{FillTop}}
	case markBottom:
		s.Fill = excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{FillBottom}}
	}
	id, err := b.f.NewStyle(s)
	if err != nil {
		return 0, err
	}
	b.styles[key] = id
	return id, nil
}

// addSheet adds a sheet; the first one renames the new file's Sheet1.
func (b *book) addSheet(name string) error {
	b.used[strings.ToLower(name)] = true
	b.sheets++
	if b.sheets == 1 {
		return b.f.SetSheetName("Sheet1", name)
	}
	_, err := b.f.NewSheet(name)
	return err
}

// table writes a sheet: a title row, a header row and the rows, with frozen header, sized columns,
// print settings and row marks (markTop/markBottom fill the row); marks may be nil.
func (b *book) table(sheet, title string, cols []column, rows [][]cell, marks []int) error {
	if err := b.addSheet(sheet); err != nil {
		return err
	}
	f := b.f
	last, _ := excelize.ColumnNumberToName(len(cols))
	if err := f.SetCellStr(sheet, "A1", title); err != nil {
		return err
	}
	if err := f.MergeCell(sheet, "A1", last+"1"); err != nil {
		return err
	}
	if err := f.SetCellStyle(sheet, "A1", last+"1", b.title); err != nil {
		return err
	}
	if err := f.SetRowHeight(sheet, 1, 28); err != nil {
		return err
	}
	widths := make([]int, len(cols))
	head := make([]any, len(cols))
	for i, c := range cols {
		head[i] = c.name
		widths[i] = textWidth(c.name)
	}
	if err := f.SetSheetRow(sheet, "A2", &head); err != nil {
		return err
	}
	if err := f.SetCellStyle(sheet, "A2", last+"2", b.head); err != nil {
		return err
	}
	vals := make([]any, len(cols))
	for r, row := range rows {
		n := r + 3
		m := markNone
		if marks != nil {
			m = marks[r]
		}
		for i, c := range row {
			vals[i] = c.v
			widths[i] = max(widths[i], valueWidth(c.v))
		}
		ref, _ := excelize.CoordinatesToCellName(1, n)
		if err := f.SetSheetRow(sheet, ref, &vals); err != nil {
			return err
		}
		for i, c := range row {
			id, err := b.style(c.k, m)
			if err != nil {
				return err
			}
			ref, _ := excelize.CoordinatesToCellName(i+1, n)
			if err := f.SetCellStyle(sheet, ref, ref, id); err != nil {
				return err
			}
		}
	}
	for i, w := range widths {
		name, _ := excelize.ColumnNumberToName(i + 1)
		if err := f.SetColWidth(sheet, name, name, float64(min(w+3, 60))); err != nil {
			return err
		}
	}
	if err := f.SetPanes(sheet, &excelize.Panes{Freeze: true, YSplit: 2, TopLeftCell: "A3", ActivePane: "bottomLeft",
		Selection: []excelize.Selection{{SQRef: "A3", ActiveCell: "A3", Pane: "bottomLeft"}}}); err != nil {
		return err
	}
	// A table of up to 50 rows is scaled onto one page, so that a last row is never left alone; a
	// longer one runs over as many pages as it needs (LibreOffice's fit to N pages does not count the
	// header rows repeated on each page, and would spill them onto a page of their own).
	tall := 0
	if len(rows)+2 <= 50 {
		tall = 1
	}
	return b.printable(sheet, 2, tall)
}

// printable sets A4 landscape, one page wide (and at most tall pages high; 0: as many as needed), page
// numbers, and the first titleRows rows repeated on every page.
func (b *book) printable(sheet string, titleRows, tall int) error {
	f := b.f
	size, orient, wide := 9, "landscape", 1
	if err := f.SetPageLayout(sheet, &excelize.PageLayoutOptions{Size: &size, Orientation: &orient,
		FitToWidth: &wide, FitToHeight: &tall}); err != nil {
		return err
	}
	fit := true
	if err := f.SetSheetProps(sheet, &excelize.SheetPropsOptions{FitToPage: &fit}); err != nil {
		return err
	}
	if err := f.SetHeaderFooter(sheet, &excelize.HeaderFooterOptions{OddFooter: "&C第&P页，共&N页"}); err != nil {
		return err
	}
	if titleRows == 0 {
		return nil
	}
	return f.SetDefinedName(&excelize.DefinedName{Name: "_xlnm.Print_Titles",
		RefersTo: fmt.Sprintf("%s!$1:$%d", quote(sheet), titleRows), Scope: sheet})
}

// legend writes lines of explanation from row on, each merged across ncols columns.
func (b *book) legend(sheet string, row, ncols int, lines []string) error {
	last, _ := excelize.ColumnNumberToName(max(ncols, 2))
	for i, l := range lines {
		r := strconv.Itoa(row + i)
		if err := b.f.SetCellStr(sheet, "A"+r, l); err != nil {
			return err
		}
		if err := b.f.MergeCell(sheet, "A"+r, last+r); err != nil {
			return err
		}
		if err := b.f.SetCellStyle(sheet, "A"+r, last+r, b.note); err != nil {
			return err
		}
	}
	return nil
}

// notes writes a two-column sheet of labelled lines under a title; a nil value makes a bold section label,
// a cell value is styled by its kind.
func (b *book) notes(sheet, title string, lines [][2]any) error {
	if err := b.addSheet(sheet); err != nil {
		return err
	}
	f := b.f
	if err := f.SetCellStr(sheet, "A1", title); err != nil {
		return err
	}
	if err := f.MergeCell(sheet, "A1", "D1"); err != nil {
		return err
	}
	if err := f.SetCellStyle(sheet, "A1", "D1", b.title); err != nil {
		return err
	}
	for i, l := range lines {
		n := i + 3
		v := l[1]
		c, styled := v.(cell)
		if styled {
			v = c.v
		}
		row := []any{l[0], v}
		ref, _ := excelize.CoordinatesToCellName(1, n)
		if err := f.SetSheetRow(sheet, ref, &row); err != nil {
			return err
		}
		if styled {
			id, err := b.style(c.k, markNone)
			if err != nil {
				return err
			}
			if err := f.SetCellStyle(sheet, "B"+strconv.Itoa(n), "B"+strconv.Itoa(n), id); err != nil {
				return err
			}
		}
		if l[1] == nil {
			if err := f.SetCellStyle(sheet, ref, ref, b.label); err != nil {
				return err
			}
		}
	}
	if err := f.SetColWidth(sheet, "A", "A", 22); err != nil {
		return err
	}
	if err := f.SetColWidth(sheet, "B", "D", 30); err != nil {
		return err
	}
	return b.printable(sheet, 0, 1) // a notes sheet prints on one page
}

// finish sets the document properties, makes the first sheet active and writes the workbook.
func (b *book) finish(w io.Writer, title string, at time.Time) error {
	props := &excelize.DocProperties{Title: title, Creator: "Sanlv", LastModifiedBy: "Sanlv", Language: "zh-CN",
		Description: title}
	if !at.IsZero() {
		props.Created = at.UTC().Format(time.RFC3339)
		props.Modified = props.Created
	}
	if err := b.f.SetDocProps(props); err != nil {
		return err
	}
	b.f.SetActiveSheet(0)
	if err := savePatched(b.f, w, b.patches); err != nil {
		b.f.Close()
		return fmt.Errorf("write workbook: %w", err)
	}
	return b.f.Close()
}

// quote quotes a sheet name for a formula reference.
func quote(sheet string) string { return "'" + strings.ReplaceAll(sheet, "'", "''") + "'" }

// textWidth is the display width of s in Excel column units: two for a wide (CJK) character.
func textWidth(s string) int {
	w := 0
	for _, r := range s {
		if r >= 0x1100 {
			w += 2
		} else {
			w++
		}
	}
	return w
}

func valueWidth(v any) int {
	switch v := v.(type) {
	case string:
		return textWidth(v)
	case nil:
		return 0
	case float64:
		return len(strconv.FormatFloat(v, 'f', 2, 64))
	}
	return 6
}

// sheetName makes a valid, unused sheet name from s: no []:*?/\, at most 31 characters, not Excel's
// reserved History.
func sheetName(s string, used map[string]bool) string {
	used["history"] = true
	s = strings.Map(func(r rune) rune {
		if strings.ContainsRune(`[]:*?/\`, r) {
			return '_'
		}
		return r
	}, strings.Trim(s, "'"))
	if s == "" {
		s = "未分组"
	}
	s = truncate(s, 31)
	name := s
	for i := 2; used[strings.ToLower(name)]; i++ {
		suffix := fmt.Sprintf("(%d)", i)
		name = truncate(s, 31-len(suffix)) + suffix
	}
	used[strings.ToLower(name)] = true
	return name
}

// truncate cuts s to at most n UTF-16 code units, as Excel counts a sheet name.
func truncate(s string, n int) string {
	units := 0
	for i, r := range s {
		u := 1
		if r > 0xFFFF {
			u = 2
		}
		if units+u > n {
			return s[:i]
		}
		units += u
	}
	return s
}
