package scoring

// Adjustment is a manual bonus or deduction (加分, 扣分, 质量抽检) of one unit in one period (SPEC §13.10).
// A wrong adjustment is never deleted: it is revoked by a later record with the opposite points.
type Adjustment struct {
	// Unit is the unit's code.
	Unit string `json:"unit"`
	// Period is the exact period id the adjustment belongs to, such as 2025-10.
	Period string  `json:"period"`
	Label  string  `json:"label"`
	Points float64 `json:"points"`
	Reason string  `json:"reason"`
}
