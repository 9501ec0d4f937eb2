package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"sanlv/scoring"
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

// FileAppeal files an appeal on an assignment; an assignment has at most one pending appeal, and an
// assignment already excluded takes none (there is nothing left to remove).
func (db *DB) FileAppeal(ctx context.Context, ticketID, unit, reason, actor string) (Appeal, error) {
	a := Appeal{TicketID: ticketID, Unit: unit, Reason: strings.TrimSpace(reason), Status: AppealPending,
		FiledBy: actor, FiledAt: db.now().UTC()}
	if a.Reason == "" {
		return a, invalid("appeal on %s/%s: a reason is required", ticketID, unit)
	}
	err := db.inTx(ctx, func(tx bun.Tx) error {
		excluded, err := db.excluded(ctx, tx, ticketID, unit)
		if err != nil {
			return err
		}
		if excluded {
			return conflict("工单 %s（%s）已被剔除，无需申诉", ticketID, unit)
		}
		if _, err := tx.NewInsert().Model(&a).Returning("id").Exec(ctx); err != nil {
			if err = dbError(err, "file appeal on %s/%s", ticketID, unit); scoring.ErrorCode(err) == scoring.Conflict {
				return conflict("工单 %s（%s）已有待处理的申诉", ticketID, unit)
			}
			return err
		}
		return db.audit(ctx, tx, AuditEntry{Actor: actor, Entity: EntityAppeal, Key: strconv.FormatInt(a.ID, 10),
			Action: ActionAppealFile, After: mustJSON(a), Why: a.Reason})
	})
	return a, err
}

// excluded reports whether an assignment is excluded now (imported as excluded or excluded in Sanlv);
// a missing assignment is NotFound.
func (db *DB) excluded(ctx context.Context, tx bun.Tx, ticketID, unit string) (bool, error) {
	var ex []bool
	err := tx.NewRaw("SELECT COALESCE(o.excluded, a.excluded) FROM assignments a LEFT JOIN overrides o"+
		" ON o.ticket_id = a.ticket_id AND o.unit = a.unit WHERE a.ticket_id = ? AND a.unit = ?", ticketID, unit).Scan(ctx, &ex)
	if err != nil {
		return false, dbError(err, "find assignment %s/%s", ticketID, unit)
	}
	if len(ex) == 0 {
		return false, notFound("assignment %s of unit %s not found", ticketID, unit)
	}
	return ex[0], nil
}

// DecideAppeal approves or rejects a pending appeal with a comment; an approval applies action in the
// same transaction (audited on the assignment, the appeal named in why). The decision is a conditional
// transition (UPDATE … WHERE status = 'pending'), so of two simultaneous decisions exactly one wins
// and the other is a Conflict; approving an appeal on an assignment already excluded is a Conflict too.
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
			return decided(id, a.Status)
		}
		before := mustJSON(a)
		a.Status, a.DecidedBy, a.DecidedAt, a.Comment = AppealRejected, actor, db.now().UTC(), comment
		if approve {
			a.Status, a.Action = AppealApproved, mustJSON(action)
		}
		// The transition first: a concurrent decision waits here for this one to commit, then finds
		// the appeal no longer pending.
		res, err := tx.NewUpdate().Model(&a).Column("status", "decided_by", "decided_at", "comment", "action").
			WherePK().Where("status = ?", AppealPending).Exec(ctx)
		if err != nil {
			return dbError(err, "decide appeal %d", id)
		}
		if n, err := res.RowsAffected(); err != nil {
			return dbError(err, "decide appeal %d", id)
		} else if n != 1 {
			var now string
			if err := tx.NewSelect().Model((*Appeal)(nil)).Column("status").Where("id = ?", id).Scan(ctx, &now); err != nil {
				return dbError(err, "read appeal %d", id)
			}
			return decided(id, now)
		}
		if approve {
			excluded, err := db.excluded(ctx, tx, a.TicketID, a.Unit)
			if err != nil {
				return err
			}
			if excluded {
				return conflict("申诉 %d 的工单 %s（%s）已被剔除，只能驳回", id, a.TicketID, a.Unit)
			}
			why := fmt.Sprintf("appeal %d: %s", id, strings.TrimSpace(a.Reason+"; "+comment))
			if action.Exclude {
				err = db.exclude(ctx, tx, a.TicketID, a.Unit, action.Reason, actor, why)
			} else {
				err = db.correct(ctx, tx, a.TicketID, a.Unit, *action.Correct, actor, why)
			}
			if err != nil {
				return err
			}
		}
		return db.audit(ctx, tx, AuditEntry{Actor: actor, Entity: EntityAppeal, Key: strconv.FormatInt(id, 10),
			Action: ActionAppealDecide, Before: before, After: mustJSON(a), Why: comment})
	})
	return a, err
}

// decided is the Conflict of deciding an appeal that is no longer pending.
func decided(id int64, status string) error {
	word := map[string]string{AppealApproved: "批准", AppealRejected: "驳回"}[status]
	if word == "" {
		word = status
	}
	return conflict("申诉 %d 已被%s，不能再次决定", id, word)
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
