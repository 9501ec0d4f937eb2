package exports

import (
	"fmt"
	"io"
	"strings"
	"time"

	"sanlv/scoring"
)

// WhatIfTitle returns the what-if workbook's title: 12345接诉即办考核方案比较（2025年10月）.
func WhatIfTitle(period string) string {
	return "12345接诉即办考核方案比较（" + PeriodLabel(period) + "）"
}

// WhatIfSides are the two policies of a what-if and the date window each scored (a policy's period
// may start on another day than the other's).
type WhatIfSides struct {
	A, B             *scoring.Policy
	AWindow, BWindow scoring.PeriodInfo
}

// WriteWhatIf writes the what-if workbook (SPEC §8): 说明 naming the two policies with the date window
// and rounding of each (and a warning when the windows differ), then one sheet per group with each
// unit's score and rank under policy A and B and the change. Each side's score is shown rounded as its
// policy ranks (round 0 shows 90, not 89.77, so that the ranks read right); 得分变化 is B's shown score
// minus A's, so that the sheet adds up; 排名变化 ↑ means B ranks the unit higher.
func WriteWhatIf(w io.Writer, wi scoring.WhatIf, sides WhatIfSides) error {
	if sides.A == nil || sides.B == nil {
		return scoring.Errorf(scoring.Invalid, "what-if workbook: both policies are needed")
	}
	ra, rb := sides.A.Round, sides.B.Round
	bk, err := newBook(max(ra, rb))
	if err != nil {
		return err
	}
	title := WhatIfTitle(wi.Period)
	groups, sheets := groupSheets(len(wi.Units), func(i int) string { return wi.Units[i].Group }, SheetNotes)
	window := func(p scoring.PeriodInfo) string { return periodDates(p) }
	notes := [][2]any{{"考核期", PeriodLabel(wi.Period)},
		{"方案A", ZhPunct(wi.A.Name) + " " + wi.A.Version},
		{"方案A考核期", window(sides.AWindow)},
		{"方案A得分", fmt.Sprintf("四舍五入保留%d位小数，按此排名", ra)},
		{"方案B", ZhPunct(wi.B.Name) + " " + wi.B.Version},
		{"方案B考核期", window(sides.BWindow)},
		{"方案B得分", fmt.Sprintf("四舍五入保留%d位小数，按此排名", rb)}}
	if sides.AWindow.Start != sides.BWindow.Start || sides.AWindow.End != sides.BWindow.End {
		notes = append(notes, [2]any{"注意", "两个方案的考核期不同，比较的是不同日期范围内的工单：方案A为" + window(sides.AWindow) +
			"，方案B为" + window(sides.BWindow)})
	}
	notes = append(notes, [2]any{"得分变化", "方案B得分－方案A得分（各按本方案的小数位数）"},
		[2]any{"排名变化", "方案B相对方案A：↑上升，↓下降，持平；任一方案未排名为—"}, [2]any{"工作表", nil})
	for i, g := range groups {
		notes = append(notes, [2]any{sheets[i], scoring.GroupLabel(g)})
	}
	if err := bk.notes(SheetNotes, title, notes); err != nil {
		return fmt.Errorf("what-if %s: %w", SheetNotes, err)
	}
	cols := []column{{"单位", kText}, {"方案A得分", kDigits + ra}, {"方案A排名", kInt}, {"方案B得分", kDigits + rb},
		{"方案B排名", kInt}, {"得分变化", kDigits + max(ra, rb)}, {"排名变化", kCenter}, {"备注", kText}}
	for gi, g := range groups {
		var rows [][]cell
		for i := range wi.Units {
			if u := &wi.Units[i]; u.Group == g {
				rows = append(rows, whatIfRow(u, ra, rb))
			}
		}
		if err := bk.table(sheets[gi], title+"　"+scoring.GroupLabel(g), cols, rows, nil); err != nil {
			return fmt.Errorf("what-if sheet %s: %w", sheets[gi], err)
		}
	}
	return bk.finish(w, title, time.Time{})
}

func whatIfRow(u *scoring.WhatIfUnit, ra, rb int) []cell {
	d := max(ra, rb)
	change := cell{Dash, kDigits + d}
	if u.A.Final != nil && u.B.Final != nil {
		diff := scoring.RoundHalfUp(*u.B.Final, rb) - scoring.RoundHalfUp(*u.A.Final, ra)
		change.v = scoring.RoundHalfUp(diff, d)
	}
	moved := Dash
	if u.RankChange != nil {
		moved = rankDelta(*u.RankChange)
	}
	var notes []string
	for _, s := range []struct {
		name string
		side scoring.WhatIfSide
	}{{"方案A", u.A}, {"方案B", u.B}} {
		if !s.side.Ranked && s.side.UnrankedReason != nil {
			notes = append(notes, s.name+"未排名："+*s.side.UnrankedReason)
		}
	}
	side := func(x *float64, r int) cell {
		c := score(x, r)
		c.k = kDigits + r
		return c
	}
	return []cell{{u.Name, kText}, side(u.A.Final, ra), rank(u.A.Rank), side(u.B.Final, rb),
		rank(u.B.Rank), change, {moved, kCenter}, {strings.Join(notes, "；"), kText}}
}
