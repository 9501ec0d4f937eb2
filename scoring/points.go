package scoring

import "sort"

// PointLine is one rule's points on one assignment, as a bulletin's 扣分明细 lists it.
type PointLine struct {
	Unit     string  `json:"unit"`
	UnitName string  `json:"unit_name"`
	TicketID string  `json:"ticket_id"`
	Rule     string  `json:"rule"`
	Points   float64 `json:"points"`
}

// AppendPointLines appends the non-zero rule points of one explained assignment of unit u.
func AppendPointLines(out []PointLine, u Unit, l *Line) []PointLine {
	for _, rp := range l.Points {
		if rp.Points != 0 {
			out = append(out, PointLine{Unit: u.Code, UnitName: u.Name, TicketID: l.TicketID, Rule: rp.Label, Points: rp.Points})
		}
	}
	return out
}

// SortPointLines orders point lines by unit (directory order), then ticket, keeping rule order within a ticket.
func SortPointLines(lines []PointLine, dir *Directory) {
	pos := func(code string) int32 { i, _ := dir.Lookup(code); return i }
	sort.SliceStable(lines, func(i, j int) bool {
		a, b := &lines[i], &lines[j]
		if a.Unit != b.Unit {
			return pos(a.Unit) < pos(b.Unit)
		}
		return a.TicketID < b.TicketID
	})
}
