package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"

	"sanlv/scoring"
)

// secondEditionSet reports whether any second-edition field (iAccepted on) of a row's values is set.
func secondEditionSet(vals []any) bool {
	for _, v := range vals[iAccepted:] {
		switch v := v.(type) {
		case nil:
		case string:
			if v != "" {
				return true
			}
		case int16:
			if v != 0 {
				return true
			}
		default:
			return true
		}
	}
	return false
}

// DigestPeriod is Digest of the period's window followed, when the period has adjustments, by each
// adjustment (id, unit, label, points, reason, revocation): an edition freezes the adjustments it used,
// and a later adjustment makes the stored inputs differ from the edition's. fn, when set, gets every row.
func (db *DB) DigestPeriod(ctx context.Context, per scoring.Period, fn func(dir *scoring.Directory, a *scoring.Assignment) error) (string, int64, error) {
	rows, n, err := db.digest(ctx, per.Start, per.End, fn)
	if err != nil {
		return "", 0, err
	}
	adjs, err := db.Adjustments(ctx, AdjustmentFilter{Periods: []string{per.ID}})
	if err != nil {
		return "", 0, err
	}
	return withAdjustments(rows, adjs), n, nil
}

// withAdjustments is the digest of a period's rows followed by its adjustments; rows alone when it has none.
func withAdjustments(rows string, adjs []Adjustment) string {
	if len(adjs) == 0 {
		return rows
	}
	h := sha256.New()
	fmt.Fprintf(h, "rows\x1f%s\n", rows)
	for _, a := range adjs {
		revokes := ""
		if a.Revokes != nil {
			revokes = strconv.FormatInt(*a.Revokes, 10)
		}
		fmt.Fprintf(h, "adjustment\x1f%d\x1f%s\x1f%s\x1f%s\x1f%s\x1f%s\x1f%s\n", a.ID, a.Unit, a.Period, a.Label,
			strconv.FormatFloat(a.Points, 'g', -1, 64), a.Reason, revokes)
	}
	return hex.EncodeToString(h.Sum(nil))
}
