package exports

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"sanlv/scoring"
)

// SecondEditionRates returns the second-edition rates policy p uses (SPEC §13), in canonical order:
// 及时签收率, 办结率, 退单率, 重复诉求率; tables show a column for each.
func SecondEditionRates(p *scoring.Policy) []string {
	var out []string
	for _, r := range []string{scoring.RateAcceptance, scoring.RateClosure, scoring.RateReturn, scoring.RateRepeat} {
		if p.Uses(r) {
			out = append(out, r)
		}
	}
	return out
}

// PeriodLabel returns a period id in Chinese: 2025年10月, 2025年第2季度, 2025年度.
func PeriodLabel(id string) string {
	y, rest, ok := strings.Cut(id, "-")
	switch {
	case !ok:
		return y + "年度"
	case strings.HasPrefix(rest, "Q"):
		return y + "年第" + rest[1:] + "季度"
	}
	m, err := strconv.Atoi(rest)
	if err != nil {
		return id
	}
	return fmt.Sprintf("%s年%d月", y, m)
}

// BulletinTitle returns the bulletin's title for a period id: 12345接诉即办考核通报（2025年10月）.
func BulletinTitle(period string) string {
	return "12345接诉即办考核通报（" + PeriodLabel(period) + "）"
}

// periodDates shows a period's dates: 2025年9月19日至2025年10月18日 (the end is exclusive).
func periodDates(p scoring.PeriodInfo) string {
	start, err1 := time.Parse(time.RFC3339, p.Start)
	end, err2 := time.Parse(time.RFC3339, p.End)
	if err1 != nil || err2 != nil {
		return p.Start + " 至 " + p.End
	}
	day := func(t time.Time) string { return fmt.Sprintf("%d年%d月%d日", t.Year(), int(t.Month()), t.Day()) }
	return day(start) + "至" + day(end.Add(-time.Second))
}

// RankChange shows a trend: ↑2, ↓1, 持平, 新, or "—" when there is no trend or no change to show.
func RankChange(t *scoring.Trend) string {
	switch {
	case t == nil:
		return Dash
	case t.New:
		return "新"
	case t.Change == nil:
		return Dash
	}
	return rankDelta(*t.Change)
}

// rankDelta shows a rank change where positive means moved up.
func rankDelta(d int) string {
	switch {
	case d > 0:
		return "↑" + strconv.Itoa(d)
	case d < 0:
		return "↓" + strconv.Itoa(-d)
	}
	return "持平"
}

// edition shows an edition number: 第2版, or 草稿（未发布） for 0.
func edition(n int) string {
	if n <= 0 {
		return "草稿（未发布）"
	}
	return fmt.Sprintf("第%d版", n)
}

// whyZh is the Chinese reason of each scoring.Why* code.
var whyZh = map[string]string{scoring.WhyOpen: "未办结", scoring.WhyExcluded: "已剔除",
	scoring.WhyKindUnscored: "诉求类型不计分", scoring.WhyRoleUnscored: "主协办角色不计分"}

// PeriodDates shows a period's dates: 2025年9月19日至2025年10月18日 (the end is exclusive).
func PeriodDates(p scoring.PeriodInfo) string { return periodDates(p) }

// ZhPunct replaces ASCII brackets and punctuation written between Chinese text by their full-width
// forms: 通报(2025年10月) becomes 通报（2025年10月）.
func ZhPunct(s string) string {
	return strings.NewReplacer("(", "（", ")", "）", ",", "，", ":", "：", ";", "；").Replace(s)
}

// MarksShown reports whether a group with ranked units is large enough for 红榜 and 末位 marks: more
// ranked units than the top and bottom counts together, so that a small group is not all marked.
func MarksShown(p *scoring.Policy, ranked int) bool {
	return p.Top+p.Bottom > 0 && ranked > p.Top+p.Bottom
}

// MarkLabel is the mark a reader sees besides the colour, readable in grayscale: 红榜▲ for "top",
// 末位▼ for "bottom", empty otherwise.
func MarkLabel(mark string) string {
	switch mark {
	case "top":
		return "红榜▲"
	case "bottom":
		return "末位▼"
	}
	return ""
}

// FirstRanking reports whether the bulletin has nothing to compare ranks with: no previous period,
// or one in which no unit was ranked. Its 排名变化 then shows "—" (首次排名), not 新 for every unit.
func (b *Bulletin) FirstRanking() bool {
	if b.Previous == nil {
		return true
	}
	for i := range b.Previous.Units {
		if b.Previous.Units[i].Ranked {
			return false
		}
	}
	return true
}
