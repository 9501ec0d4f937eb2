package store

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"sanlv/scoring"
)

// Audit entity and actions of adjustments.
const (
	EntityAdjustment       = "adjustment"
	ActionAdjustmentAdd    = "adjustment.add"
	ActionAdjustmentRevoke = "adjustment.revoke"
)

// RevokeLabel is the label of a revocation record (SPEC §13.10).
const RevokeLabel = "撤销"

// Adjustment is a stored manual bonus or deduction (SPEC §13.10) with who recorded it and when.
// Adjustments are never deleted: a wrong one is revoked by a later record (Revokes names it) with
// the opposite points and the label 撤销; the revoked record then names its revocation (RevokedBy).
type Adjustment struct {
	bun.BaseModel `bun:"table:adjustments"`

	ID        int64     `bun:"id,pk,autoincrement" json:"id"`
	Unit      string    `bun:"unit" json:"unit"`
	Period    string    `bun:"period" json:"period"`
	Label     string    `bun:"label" json:"label"`
	Points    float64   `bun:"points" json:"points"`
	Reason    string    `bun:"reason" json:"reason"`
	Revokes   *int64    `bun:"revokes" json:"revokes"`
	RevokedBy *int64    `bun:"revoked_by" json:"revoked_by"`
	CreatedBy string    `bun:"created_by" json:"created_by"`
	CreatedAt time.Time `bun:"created_at" json:"created_at"`
}

// Scoring returns the adjustment as the scoring book takes it.
func (a Adjustment) Scoring() scoring.Adjustment {
	return scoring.Adjustment{Unit: a.Unit, Period: a.Period, Label: a.Label, Points: a.Points, Reason: a.Reason}
}

// validAdjustment trims and checks an adjustment: a known unit, a period id, a label, finite points, a
// reason. A phone number in the label or the reason (a reason may quote a caller) is masked: both are
// shown in scorecards and printed in the bulletin.
func validAdjustment(dir *scoring.Directory, a scoring.Adjustment) (scoring.Adjustment, error) {
	a.Unit, a.Period = strings.TrimSpace(a.Unit), strings.TrimSpace(a.Period)
	a.Label, a.Reason = scoring.MaskPhones(strings.TrimSpace(a.Label)), scoring.MaskPhones(strings.TrimSpace(a.Reason))
	what := "adjustment of " + a.Unit + " in " + a.Period
	u, ok := dir.Lookup(a.Unit)
	switch {
	case a.Unit == "":
		return a, invalid("adjustment: unit: required")
	case !ok:
		return a, invalid("%s: unit: unknown unit %q", what, a.Unit)
	case a.Label == "":
		return a, invalid("%s: label: required", what)
	case a.Reason == "":
		return a, invalid("%s: reason: required", what)
	case math.IsNaN(a.Points) || math.IsInf(a.Points, 0):
		return a, invalid("%s: points: not a number", what)
	}
	a.Unit = dir.Unit(u).Code // a unit may be named by its exact name
	if _, err := scoring.ParsePeriod(a.Period, 1, time.UTC); err != nil {
		return a, invalid("%s: period: %v", what, err)
	}
	return a, nil
}

// AddAdjustments records adjustments in one transaction, in order (each audited with why); all or none.
func (db *DB) AddAdjustments(ctx context.Context, adjs []scoring.Adjustment, actor, why string) ([]Adjustment, error) {
	dir, err := db.Directory(ctx)
	if err != nil {
		return nil, err
	}
	why = scoring.MaskPhones(why)
	out := make([]Adjustment, len(adjs))
	var problems []scoring.FieldError
	for i, a := range adjs {
		if a, err = validAdjustment(dir, a); err != nil {
			if len(adjs) == 1 {
				return nil, err
			}
			// Of several (an imported file), every wrong one is named by its place, so that one reading fixes all.
			problems = append(problems, scoring.FieldError{Field: fmt.Sprintf("adjustment %d", i+1), Reason: err.Error()})
			continue
		}
		out[i] = Adjustment{Unit: a.Unit, Period: a.Period, Label: a.Label, Points: a.Points, Reason: a.Reason,
			CreatedBy: actor, CreatedAt: db.now().UTC()}
	}
	if len(problems) > 0 {
		msgs := make([]string, len(problems))
		for i, p := range problems {
			msgs[i] = p.Field + ": " + p.Reason
		}
		return nil, &scoring.Error{Code: scoring.Invalid, Message: fmt.Sprintf("%d of %d adjustments invalid: %s", len(problems), len(adjs),
			strings.Join(msgs, "; ")), Fields: problems}
	}
	err = db.inTx(ctx, func(tx bun.Tx) error {
		for i := range out {
			if _, err := tx.NewInsert().Model(&out[i]).Returning("id").Exec(ctx); err != nil {
				return dbError(err, "record adjustment of %s in %s", out[i].Unit, out[i].Period)
			}
			if err := db.audit(ctx, tx, AuditEntry{Actor: actor, Entity: EntityAdjustment, Key: strconv.FormatInt(out[i].ID, 10),
				Action: ActionAdjustmentAdd, After: mustJSON(out[i]), Why: why}); err != nil {
				return err
			}
		}
		return db.bumpVersion(ctx, tx)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// AddAdjustment records one adjustment.
func (db *DB) AddAdjustment(ctx context.Context, a scoring.Adjustment, actor string) (Adjustment, error) {
	out, err := db.AddAdjustments(ctx, []scoring.Adjustment{a}, actor, a.Reason)
	if err != nil {
		return Adjustment{}, err
	}
	return out[0], nil
}

// RevokeAdjustment revokes adjustment id with a reason: it records the revocation (label 撤销, the
// opposite points, same unit and period) and marks the original, in one transaction. An adjustment
// already revoked is a Conflict; a revocation cannot itself be revoked (record a new adjustment instead).
func (db *DB) RevokeAdjustment(ctx context.Context, id int64, reason, actor string) (Adjustment, error) {
	reason = scoring.MaskPhones(strings.TrimSpace(reason))
	if reason == "" {
		return Adjustment{}, invalid("revoke adjustment %d: reason: required", id)
	}
	var rev Adjustment
	err := db.inTx(ctx, func(tx bun.Tx) error {
		var orig Adjustment
		if err := tx.NewSelect().Model(&orig).Where("id = ?", id).Scan(ctx); err != nil {
			if noRows(err) {
				return notFound("adjustment %d not found", id)
			}
			return dbError(err, "read adjustment %d", id)
		}
		if orig.Revokes != nil {
			return invalid("adjustment %d revokes adjustment %d: a revocation cannot be revoked; record a new adjustment instead", id, *orig.Revokes)
		}
		if orig.RevokedBy != nil {
			return conflict("adjustment %d is already revoked by adjustment %d", id, *orig.RevokedBy)
		}
		rev = Adjustment{Unit: orig.Unit, Period: orig.Period, Label: RevokeLabel, Points: -orig.Points, Reason: reason,
			Revokes: &orig.ID, CreatedBy: actor, CreatedAt: db.now().UTC()}
		if _, err := tx.NewInsert().Model(&rev).Returning("id").Exec(ctx); err != nil {
			return dbError(err, "revoke adjustment %d", id)
		}
		// Conditional: of two concurrent revocations only one marks the original.
		r, err := tx.NewUpdate().Model((*Adjustment)(nil)).Set("revoked_by = ?", rev.ID).
			Where("id = ? AND revoked_by IS NULL", id).Exec(ctx)
		if err != nil {
			return dbError(err, "revoke adjustment %d", id)
		}
		if n, _ := r.RowsAffected(); n != 1 {
			return conflict("adjustment %d is already revoked", id)
		}
		before := mustJSON(orig)
		orig.RevokedBy = &rev.ID
		if err := db.audit(ctx, tx, AuditEntry{Actor: actor, Entity: EntityAdjustment, Key: strconv.FormatInt(id, 10),
			Action: ActionAdjustmentRevoke, Before: before, After: mustJSON(orig), Why: reason}); err != nil {
			return err
		}
		if err := db.audit(ctx, tx, AuditEntry{Actor: actor, Entity: EntityAdjustment, Key: strconv.FormatInt(rev.ID, 10),
			Action: ActionAdjustmentAdd, After: mustJSON(rev), Why: reason}); err != nil {
			return err
		}
		return db.bumpVersion(ctx, tx)
	})
	if err != nil {
		return Adjustment{}, err
	}
	return rev, nil
}

// AdjustmentFilter selects adjustments; zero fields match everything.
type AdjustmentFilter struct {
	// Periods keeps the adjustments of these exact period ids.
	Periods []string
	Unit    string
}

// Adjustments lists the stored adjustments in the order they were recorded (revocations included,
// each as its own record).
func (db *DB) Adjustments(ctx context.Context, f AdjustmentFilter) ([]Adjustment, error) {
	return adjustments(ctx, db.bun, f)
}

func adjustments(ctx context.Context, tx idb, f AdjustmentFilter) ([]Adjustment, error) {
	out := []Adjustment{}
	q := tx.NewSelect().Model(&out).Order("id")
	if len(f.Periods) > 0 {
		q = q.Where("period IN (?)", bun.In(f.Periods))
	}
	if f.Unit != "" {
		q = q.Where("unit = ?", f.Unit)
	}
	if err := q.Scan(ctx); err != nil {
		return nil, dbError(err, "read adjustments")
	}
	return out, nil
}

// ScoringAdjustments returns the stored adjustments of the periods as the scoring book takes them.
func (db *DB) ScoringAdjustments(ctx context.Context, periods []scoring.Period) ([]scoring.Adjustment, error) {
	ids := make([]string, len(periods))
	for i, p := range periods {
		ids[i] = p.ID
	}
	stored, err := db.Adjustments(ctx, AdjustmentFilter{Periods: ids})
	if err != nil {
		return nil, err
	}
	out := make([]scoring.Adjustment, len(stored))
	for i, a := range stored {
		out[i] = a.Scoring()
	}
	return out, nil
}
