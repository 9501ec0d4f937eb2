package assess

import (
	"time"

	"sanlv/scoring"
	"sanlv/store"
)

// EditionInfo says which published edition a result comes from; null in a live (draft) result.
type EditionInfo struct {
	Number      int       `json:"number"`
	PublishedAt time.Time `json:"published_at"`
	PublishedBy string    `json:"published_by"`
	InputDigest string    `json:"input_digest"`
	InputRows   int64     `json:"input_rows"`
}

// InfoOf returns what the edition says of itself; nil for none (a live result).
func InfoOf(e *store.Edition) *EditionInfo {
	if e == nil {
		return nil
	}
	return &EditionInfo{Number: e.Number, PublishedAt: e.PublishedAt, PublishedBy: e.PublishedBy,
		InputDigest: e.InputDigest, InputRows: e.InputRows}
}

// CardView is a period's scorecards (SPEC §11.1) and the edition they come from.
type CardView struct {
	scoring.Card
	Edition *EditionInfo `json:"edition"`
}

// UnitCardView is one unit's scorecard of a period.
type UnitCardView struct {
	Period  scoring.PeriodInfo `json:"period"`
	Policy  scoring.PolicyInfo `json:"policy"`
	Edition *EditionInfo       `json:"edition"`
	Unit    scoring.Scorecard  `json:"unit"`
}

// RankingEntry is a unit's line of the public ranking: what the bulletin's ranking sheet shows, unrounded.
type RankingEntry struct {
	Rank           *int           `json:"rank"`
	Code           string         `json:"code"`
	Name           string         `json:"name"`
	Ranked         bool           `json:"ranked"`
	UnrankedReason *string        `json:"unranked_reason"`
	Mark           string         `json:"mark,omitempty"`
	Assignments    int64          `json:"assignments"`
	Callbacks      float64        `json:"callbacks"`
	Response       *float64       `json:"response"`
	Resolution     *float64       `json:"resolution"`
	Satisfaction   *float64       `json:"satisfaction"`
	OnTime         *float64       `json:"on_time"`
	Composite      *float64       `json:"composite"`
	Deductions     float64        `json:"deductions"`
	Points         float64        `json:"points"`
	Final          *float64       `json:"final"`
	Trend          *scoring.Trend `json:"trend,omitempty"`
}

// GroupRanking is the ranking of one group.
type GroupRanking struct {
	Group string         `json:"group"`
	Units []RankingEntry `json:"units"`
}

// RankingsView is the public ranking of a period, per group in the card's order.
type RankingsView struct {
	Period  scoring.PeriodInfo `json:"period"`
	Policy  scoring.PolicyInfo `json:"policy"`
	Edition *EditionInfo       `json:"edition"`
	Groups  []GroupRanking     `json:"groups"`
}

// RankingsOf builds the ranking of every group of the card, or of one group when group is set.
func RankingsOf(c *scoring.Card, e *store.Edition, group string) RankingsView {
	v := RankingsView{Period: c.Period, Policy: c.Policy, Edition: InfoOf(e), Groups: []GroupRanking{}}
	for i := range c.Units {
		sc := &c.Units[i]
		if group != "" && sc.Group != group {
			continue
		}
		if n := len(v.Groups); n == 0 || v.Groups[n-1].Group != sc.Group {
			v.Groups = append(v.Groups, GroupRanking{Group: sc.Group})
		}
		g := &v.Groups[len(v.Groups)-1]
		ded := 0.0
		for _, d := range sc.Deductions {
			ded += d.Points
		}
		g.Units = append(g.Units, RankingEntry{Rank: sc.Rank, Code: sc.Code, Name: sc.Name, Ranked: sc.Ranked,
			UnrankedReason: sc.UnrankedReason, Mark: sc.Mark, Assignments: sc.Counts.Assignments, Callbacks: sc.Counts.Callbacks,
			Response: sc.Rates.Response.Value, Resolution: sc.Rates.Resolution.Value, Satisfaction: sc.Rates.Satisfaction.Value,
			OnTime: sc.Rates.OnTime.Value, Composite: sc.Composite, Deductions: ded, Points: sc.Points.Total, Final: sc.Final,
			Trend: sc.Trend})
	}
	return v
}

// lineStamp is the layout of times in scoring.Line.
const lineStamp = "2006-01-02 15:04:05"

// RFC3339 rewrites a scoring.Line time as RFC 3339 in the zone; "" stays "".
func RFC3339(s string, loc *time.Location) string {
	if s == "" {
		return ""
	}
	t, err := time.ParseInLocation(lineStamp, s, loc)
	if err != nil {
		return s
	}
	return t.Format(time.RFC3339)
}

// ExplanationView is the explanation with the times of its lines (the period's and the others) in RFC 3339
// and any phone quoted in an exclusion's reason masked.
func ExplanationView(e scoring.Explanation, p *scoring.Policy) scoring.Explanation {
	for _, ls := range [][]scoring.Line{e.Lines, e.Others} {
		for i := range ls {
			l := &ls[i]
			l.Dispatched = RFC3339(l.Dispatched, p.Loc)
			l.Closed = RFC3339(l.Closed, p.Loc)
			l.Deadline = RFC3339(l.Deadline, p.Loc)
			l.ExcludeReason = scoring.MaskPhones(l.ExcludeReason)
		}
	}
	return e
}
