package scoring

// WhatIfSide is a unit's result under one policy.
type WhatIfSide struct {
	Final          *float64 `json:"final"`
	Ranked         bool     `json:"ranked"`
	Rank           *int     `json:"rank"`
	UnrankedReason *string  `json:"unranked_reason"`
}

// WhatIfUnit compares a unit under two policies.
type WhatIfUnit struct {
	Code  string     `json:"code"`
	Name  string     `json:"name"`
	Group string     `json:"group"`
	A     WhatIfSide `json:"a"`
	B     WhatIfSide `json:"b"`
	// ScoreChange is B's final minus A's; nil unless both are defined.
	ScoreChange *float64 `json:"score_change"`
	// RankChange is A's rank minus B's (positive: B ranks the unit higher); nil unless ranked under both.
	RankChange *int `json:"rank_change"`
}

// WhatIf is the same data scored under two policies (SPEC §8).
type WhatIf struct {
	Period string       `json:"period"`
	A      PolicyInfo   `json:"a"`
	B      PolicyInfo   `json:"b"`
	Units  []WhatIfUnit `json:"units"`
}

// Compare lists, per unit of card a's order, the score and rank in a and b and the change.
func Compare(a, b Card) WhatIf {
	w := WhatIf{Period: a.Period.ID, A: a.Policy, B: b.Policy}
	inB := map[string]*Scorecard{}
	for i := range b.Units {
		inB[b.Units[i].Code] = &b.Units[i]
	}
	side := func(s *Scorecard) WhatIfSide {
		if s == nil {
			return WhatIfSide{UnrankedReason: strp(ReasonNoData)}
		}
		return WhatIfSide{Final: s.Final, Ranked: s.Ranked, Rank: s.Rank, UnrankedReason: s.UnrankedReason}
	}
	for i := range a.Units {
		sa := &a.Units[i]
		u := WhatIfUnit{Code: sa.Code, Name: sa.Name, Group: sa.Group, A: side(sa), B: side(inB[sa.Code])}
		if u.A.Final != nil && u.B.Final != nil {
			u.ScoreChange = f64(*u.B.Final - *u.A.Final)
		}
		if u.A.Rank != nil && u.B.Rank != nil {
			d := *u.A.Rank - *u.B.Rank
			u.RankChange = &d
		}
		w.Units = append(w.Units, u)
	}
	return w
}
