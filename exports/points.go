package exports

import (
	"fmt"
	"sort"

	"sanlv/scoring"
)

// PointLines builds the 扣分明细 lines of period pi from the explanations of every unit: one line per
// assignment and rule that gave non-zero points, ordered by unit (directory order) and ticket.
// rows are the assignments the book was built from.
func PointLines(b *scoring.Book, pi int, rows []scoring.Assignment) ([]PointLine, error) {
	var out []PointLine
	for i := range rows {
		a := &rows[i]
		if a.Unit < 0 || int(a.Unit) >= b.Directory().Len() || b.PeriodOf(a) != pi {
			continue
		}
		l, err := b.Line(a)
		if err != nil {
			return nil, fmt.Errorf("points of unit %s: %w", b.Directory().Unit(a.Unit).Code, err)
		}
		out = AppendPoints(out, b.Directory().Unit(a.Unit), &l)
	}
	SortPoints(out, b.Directory())
	return out, nil
}

// AppendPoints appends the non-zero rule points of one explained assignment of unit u.
func AppendPoints(out []PointLine, u scoring.Unit, l *scoring.Line) []PointLine {
	for _, rp := range l.Points {
		if rp.Points != 0 {
			out = append(out, PointLine{Unit: u.Code, UnitName: u.Name, TicketID: l.TicketID, Rule: rp.Label, Points: rp.Points})
		}
	}
	return out
}

// SortPoints orders point lines by unit (directory order), then ticket, keeping rule order within a ticket.
func SortPoints(lines []PointLine, dir *scoring.Directory) {
	pos := func(code string) int32 { i, _ := dir.Lookup(code); return i }
	sort.SliceStable(lines, func(i, j int) bool {
		a, b := &lines[i], &lines[j]
		if a.Unit != b.Unit {
			return pos(a.Unit) < pos(b.Unit)
		}
		return a.TicketID < b.TicketID
	})
}
