package exports

import (
	"fmt"

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
		out = scoring.AppendPointLines(out, b.Directory().Unit(a.Unit), &l)
	}
	scoring.SortPointLines(out, b.Directory())
	return out, nil
}
