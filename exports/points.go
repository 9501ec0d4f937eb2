package exports

import (
	"fmt"

	"sanlv/scoring"
)

// PointLines builds the 扣分明细 lines of period pi from the explanations of every unit: one line per
// assignment and rule that gave non-zero points. rows are the assignments the book was built from.
func PointLines(b *scoring.Book, pi int, rows []scoring.Assignment) ([]PointLine, error) {
	dir := b.Directory()
	byUnit := make([][]int, dir.Len())
	for i := range rows {
		u := rows[i].Unit
		if u < 0 || int(u) >= dir.Len() || b.PeriodOf(&rows[i]) != pi {
			continue
		}
		byUnit[u] = append(byUnit[u], i)
	}
	var out []PointLine
	var own []scoring.Assignment
	for u, idx := range byUnit {
		if len(idx) == 0 {
			continue
		}
		own = own[:0]
		for _, i := range idx {
			own = append(own, rows[i])
		}
		e, err := b.Explain(pi, int32(u), own)
		if err != nil {
			return nil, fmt.Errorf("points of unit %s: %w", dir.Unit(int32(u)).Code, err)
		}
		for _, l := range e.Lines {
			for _, rp := range l.Points {
				if rp.Points != 0 {
					out = append(out, PointLine{Unit: e.Unit.Code, UnitName: e.Unit.Name, TicketID: l.TicketID,
						Rule: rp.Label, Points: rp.Points})
				}
			}
		}
	}
	return out, nil
}
