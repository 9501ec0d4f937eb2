package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/uptrace/bun"
)

// Appeal statuses.
const (
	AppealPending  = "pending"
	AppealApproved = "approved"
	AppealRejected = "rejected"
)

// Appeal is a unit's request (申诉) to review one of its assignments, and the decision on it.
type Appeal struct {
	bun.BaseModel `bun:"table:appeals"`

	ID        int64     `bun:"id,pk,autoincrement" json:"id"`
	TicketID  string    `bun:"ticket_id" json:"ticket_id"`
	Unit      string    `bun:"unit" json:"unit"`
	Reason    string    `bun:"reason" json:"reason"`
	Status    string    `bun:"status" json:"status"`
	FiledBy   string    `bun:"filed_by" json:"filed_by"`
	FiledAt   time.Time `bun:"filed_at" json:"filed_at"`
	DecidedBy string    `bun:"decided_by,nullzero" json:"decided_by,omitempty"`
	DecidedAt time.Time `bun:"decided_at,nullzero" json:"decided_at,omitzero"`
	Comment   string    `bun:"comment" json:"comment"`
	// Action is what an approval did (an AppealAction as JSON).
	Action json.RawMessage `bun:"action,type:jsonb,nullzero" json:"action,omitempty"`
}

// AppealAction is what approving an appeal does: exclude the assignment with a reason, or correct its callback outcome.
type AppealAction struct {
	Exclude bool        `json:"exclude,omitempty"`
	Reason  string      `json:"reason,omitempty"`
	Correct *Correction `json:"correct,omitempty"`
}

func (a AppealAction) validate() error {
	switch {
	case a.Exclude && a.Correct != nil:
		return invalid("appeal action: exclude or correct, not both")
	case a.Exclude && strings.TrimSpace(a.Reason) == "":
		return invalid("appeal action: an exclusion needs a reason")
	case a.Exclude:
		return nil
	case a.Correct != nil:
		return a.Correct.validate()
	}
	return invalid("appeal action: approving needs an exclusion or a correction")
}

// FileAppeal files an appeal on an assignment; an assignment has at most one pending appeal.
func (db *DB) FileAppeal(ctx context.Context, ticketID, unit, reason, actor string) (Appeal, error) {
	a := Appeal{TicketID: ticketID, Unit: unit, Reason: strings.TrimSpace(reason), Status: AppealPending,
		FiledBy: actor, FiledAt: db.now().UTC()}
	if a.Reason == "" {
		return a, invalid("appeal on %s/%s: a reason is required", ticketID, unit)
	}
	err := db.inTx(ctx, func(tx bun.Tx) error {
		ok, err := tx.NewSelect().Table("assignments").Where("ticket_id = ? AND unit = ?", ticketID, unit).Exists(ctx)
		if err != nil {
			return dbError(err, "find assignment")
		}
		if !ok {
			return notFound("assignment %s of unit %s not found", ticketID, unit)
		}
		if _, err := tx.NewInsert().Model(&a).Returning("id").Exec(ctx); err != nil {
			err = dbError(err, "file appeal on %s/%s", ticketID, unit)
			return fmt.Errorf("%w (an appeal on it is already pending?)", err)
		}
		return db.audit(ctx, tx, AuditEntry{Actor: actor, Entity: EntityAppeal, Key: strconv.FormatInt(a.ID, 10),
			Action: ActionAppealFile, After: mustJSON(a), Why: a.Reason})
	})
	return a, err
}

// DecideAppeal approves or rejects a pending appeal with a comment; an approval applies action in the
// same transaction (audited on the assignment, the appeal named in why).
func (db *DB) DecideAppeal(ctx context.Context, id int64, approve bool, comment string, action AppealAction, actor string) (Appeal, error) {
	if approve {
		if err := action.validate(); err != nil {
			return Appeal{}, err
		}
	}
	var a Appeal
	err := db.inTx(ctx, func(tx bun.Tx) error {
		if err := tx.NewSelect().Model(&a).Where("id = ?", id).Scan(ctx); err != nil {
			if noRows(err) {
				return notFound("appeal %d not found", id)
			}
			return dbError(err, "read appeal %d", id)
		}
		if a.Status != AppealPending {
			return conflict("appeal %d is already %s", id, a.Status)
		}
		before := mustJSON(a)
		a.Status, a.DecidedBy, a.DecidedAt, a.Comment = AppealRejected, actor, db.now().UTC(), comment
		if approve {
			a.Status, a.Action = AppealApproved, mustJSON(action)
			why := fmt.Sprintf("appeal %d: %s", id, strings.TrimSpace(a.Reason+"; "+comment))
			var err error
			if action.Exclude {
				err = db.exclude(ctx, tx, a.TicketID, a.Unit, action.Reason, actor, why)
			} else {
				err = db.correct(ctx, tx, a.TicketID, a.Unit, *action.Correct, actor, why)
			}
			if err != nil {
				return err
			}
		}
		if _, err := tx.NewUpdate().Model(&a).Column("status", "decided_by", "decided_at", "comment", "action").WherePK().Exec(ctx); err != nil {
			return dbError(err, "decide appeal %d", id)
		}
		return db.audit(ctx, tx, AuditEntry{Actor: actor, Entity: EntityAppeal, Key: strconv.FormatInt(id, 10),
			Action: ActionAppealDecide, Before: before, After: mustJSON(a), Why: comment})
	})
	return a, err
}

// AppealFilter selects appeals; zero fields match everything.
type AppealFilter struct {
	Unit   string
	Status string
}

// Appeals lists appeals, oldest first.
func (db *DB) Appeals(ctx context.Context, f AppealFilter) ([]Appeal, error) {
	var out []Appeal
	q := db.bun.NewSelect().Model(&out)
	if f.Unit != "" {
		q = q.Where("unit = ?", f.Unit)
	}
	if f.Status != "" {
		q = q.Where("status = ?", f.Status)
	}
	err := q.OrderExpr("id").Scan(ctx)
	return out, dbError(err, "list appeals")
}

// Appeal returns one appeal.
func (db *DB) Appeal(ctx context.Context, id int64) (Appeal, error) {
	var a Appeal
	if err := db.bun.NewSelect().Model(&a).Where("id = ?", id).Scan(ctx); err != nil {
		if noRows(err) {
			return a, notFound("appeal %d not found", id)
		}
		return a, dbError(err, "read appeal %d", id)
	}
	return a, nil
}
