package exports

import (
	"fmt"
	"io"
	"strings"
	"time"

	"sanlv/scoring"
)

// whatIfRound is the decimals a what-if shows; scoring.WhatIf does not carry the policies' round, and
// both shipped policies round to 2.
const whatIfRound = 2

// WhatIfTitle returns the what-if workbook's title: 12345接诉即办考核方案比较(2025年10月).
func WhatIfTitle(period string) string {
	return "12345接诉即办考核方案比较(" + PeriodLabel(period) + ")"
}

// WriteWhatIf writes the what-if workbook (SPEC §8): 说明 naming the two policies, then one sheet per group
// with each unit's score and rank under policy A and B and the change. 得分变化 is B's shown score minus
// A's, so that the sheet adds up; 排名变化 ↑ means B ranks the unit higher.
func WriteWhatIf(w io.Writer, wi scoring.WhatIf) error {
	bk, err := newBook(whatIfRound)
	if err != nil {
		return err
	}
	title := WhatIfTitle(wi.Period)
	groups, sheets := groupSheets(len(wi.Units), func(i int) string { return wi.Units[i].Group }, SheetNotes)
	notes := [][2]any{{"考核期", PeriodLabel(wi.Period)},
		{"方案A", wi.A.Name + " " + wi.A.Version}, {"方案B", wi.B.Name + " " + wi.B.Version},
		{"得分变化", fmt.Sprintf("方案B得分−方案A得分(得分四舍五入保留%d位小数)", whatIfRound)},
		{"排名变化", "方案B相对方案A:↑上升,↓下降,持平;任一方案未排名为—"}, {"工作表", nil}}
	for i, g := range groups {
		notes = append(notes, [2]any{sheets[i], GroupLabel(g)})
	}
	if err := bk.notes(SheetNotes, title, notes); err != nil {
		return fmt.Errorf("what-if %s: %w", SheetNotes, err)
	}
	cols := []column{{"单位", kText}, {"方案A得分", kScore}, {"方案A排名", kInt}, {"方案B得分", kScore},
		{"方案B排名", kInt}, {"得分变化", kScore}, {"排名变化", kCenter}, {"备注", kText}}
	for gi, g := range groups {
		var rows [][]cell
		for i := range wi.Units {
			if u := &wi.Units[i]; u.Group == g {
				rows = append(rows, whatIfRow(u))
			}
		}
		if err := bk.table(sheets[gi], title+" "+GroupLabel(g), cols, rows, nil); err != nil {
			return fmt.Errorf("what-if sheet %s: %w", sheets[gi], err)
		}
	}
	return bk.finish(w, title, time.Time{})
}

func whatIfRow(u *scoring.WhatIfUnit) []cell {
	change := cell{Dash, kScore}
	if u.A.Final != nil && u.B.Final != nil {
		d := scoring.RoundHalfUp(*u.B.Final, whatIfRound) - scoring.RoundHalfUp(*u.A.Final, whatIfRound)
		change.v = scoring.RoundHalfUp(d, whatIfRound)
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
			notes = append(notes, s.name+"未排名:"+*s.side.UnrankedReason)
		}
	}
	return []cell{{u.Name, kText}, score(u.A.Final, whatIfRound), rank(u.A.Rank), score(u.B.Final, whatIfRound),
		rank(u.B.Rank), change, {moved, kCenter}, {strings.Join(notes, ";"), kText}}
}
