package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash"
	"strconv"
	"time"

	"github.com/uptrace/bun"

	"sanlv/scoring"
)

// Edition is a published, frozen ranking of one period (SPEC §9).
type Edition struct {
	bun.BaseModel `bun:"table:editions"`

	ID     int64  `bun:"id,pk,autoincrement" json:"id"`
	Period string `bun:"period" json:"period"`
	// Number counts the editions of the period: 1, 2, …
	Number        int    `bun:"number" json:"number"`
	PolicyName    string `bun:"policy_name" json:"policy_name"`
	PolicyVersion string `bun:"policy_version" json:"policy_version"`
	PolicySHA256  string `bun:"policy_sha256" json:"policy_sha256"`
	// InputDigest is the SHA-256 of the units and of the period's assignment rows in key order (see Digest).
	InputDigest string    `bun:"input_digest" json:"input_digest"`
	InputRows   int64     `bun:"input_rows" json:"input_rows"`
	PublishedBy string    `bun:"published_by" json:"published_by"`
	PublishedAt time.Time `bun:"published_at" json:"published_at"`
	// Card is the frozen scorecards JSON exactly as published (empty in lists).
	Card json.RawMessage `bun:"card,type:json" json:"card,omitempty"`
}

// Scorecards decodes the frozen card.
func (e *Edition) Scorecards() (scoring.Card, error) {
	var c scoring.Card
	if err := json.Unmarshal(e.Card, &c); err != nil {
		return c, fmt.Errorf("edition %s/%d: %w", e.Period, e.Number, err)
	}
	return c, nil
}

// Digest returns the SHA-256 (hex) of the inputs of the window [from, to): every unit, then every
// assignment whose closed_at or received_at is in the window, exclusions and corrections applied,
// in key order (byte order of ticket_id, unit) — and the number of those assignments.
// Each unit and row is written as its fields separated by 0x1F and ended by a newline.
func (db *DB) Digest(ctx context.Context, from, to int64) (string, int64, error) {
	h := sha256.New()
	us, err := db.Units(ctx)
	if err != nil {
		return "", 0, err
	}
	dir, err := scoring.NewDirectory(us)
	if err != nil {
		return "", 0, err
	}
	for _, u := range us {
		fmt.Fprintf(h, "unit\x1f%s\x1f%s\x1f%s\x1f%s\x1f%d\n", u.Code, u.Name, u.Group, u.Parent, u.Population)
	}
	var n int64
	err = db.Stream(ctx, dir, Query{From: from, To: to, Basis: ByEither, Ordered: true}, func(a *scoring.Assignment) error {
		n++
		digestRow(h, a, dir.Unit(a.Unit).Code)
		return nil
	})
	if err != nil {
		return "", 0, err
	}
	return hex.EncodeToString(h.Sum(nil)), n, nil
}

func digestRow(h hash.Hash, a *scoring.Assignment, unit string) {
	b := make([]byte, 0, 256)
	for i, v := range values(nil, a, unit) {
		if i > 0 {
			b = append(b, 0x1f)
		}
		switch v := v.(type) {
		case nil:
		case string:
			b = append(b, v...)
		case bool:
			b = strconv.AppendBool(b, v)
		default:
			b = fmt.Append(b, v)
		}
	}
	h.Write(append(b, '\n'))
}

// Publish freezes the card of a period as its next edition, with the policy version and the digest
// of the inputs. Publishing when the latest edition has the same policy, inputs and card is a Conflict.
func (db *DB) Publish(ctx context.Context, period string, p *scoring.Policy, card scoring.Card, actor string) (Edition, error) {
	per, err := scoring.ParsePeriod(period, p.StartDay, p.Loc)
	if err != nil {
		return Edition{}, err
	}
	if card.Period.ID != per.ID {
		return Edition{}, invalid("card is for period %q, not %q", card.Period.ID, per.ID)
	}
	if card.Policy != p.Info() {
		return Edition{}, invalid("card was computed under policy %s %s, not %s %s", card.Policy.Name, card.Policy.Version, p.Name, p.Version)
	}
	digest, rows, err := db.Digest(ctx, per.Start, per.End)
	if err != nil {
		return Edition{}, err
	}
	raw, err := json.Marshal(card)
	if err != nil {
		return Edition{}, fmt.Errorf("publish %s: %w", period, err)
	}
	psum := sha256.Sum256(p.Source)
	e := Edition{Period: per.ID, PolicyName: p.Name, PolicyVersion: p.Version, PolicySHA256: hex.EncodeToString(psum[:]),
		InputDigest: digest, InputRows: rows, PublishedBy: actor, PublishedAt: db.now().UTC(), Card: raw}
	err = db.inTx(ctx, func(tx bun.Tx) error {
		var last Edition
		err := tx.NewSelect().Model(&last).Where("period = ?", per.ID).OrderExpr("number DESC").Limit(1).Scan(ctx)
		switch {
		case err == nil:
			if last.InputDigest == e.InputDigest && last.PolicySHA256 == e.PolicySHA256 && string(last.Card) == string(raw) {
				return conflict("period %s: edition %d already has this policy, these inputs and this card", per.ID, last.Number)
			}
			e.Number = last.Number + 1
		case noRows(err):
			e.Number = 1
		default:
			return dbError(err, "read editions")
		}
		if _, err := tx.NewInsert().Model(&e).Returning("id").Exec(ctx); err != nil {
			return dbError(err, "publish %s", per.ID)
		}
		return db.audit(ctx, tx, AuditEntry{Actor: actor, Entity: EntityEdition, Key: per.ID + "/" + strconv.Itoa(e.Number),
			Action: ActionPublish, After: mustJSON(map[string]any{"policy": p.Info(), "input_digest": digest, "input_rows": rows})})
	})
	return e, err
}

// Editions lists the editions of a period (all periods when period is ""), without their cards.
func (db *DB) Editions(ctx context.Context, period string) ([]Edition, error) {
	var out []Edition
	q := db.bun.NewSelect().Model(&out).ExcludeColumn("card")
	if period != "" {
		q = q.Where("period = ?", period)
	}
	err := q.OrderExpr("period, number").Scan(ctx)
	return out, dbError(err, "list editions")
}

// Edition returns edition n of a period with its frozen card; n = 0 is the latest.
func (db *DB) Edition(ctx context.Context, period string, n int) (Edition, error) {
	var e Edition
	q := db.bun.NewSelect().Model(&e).Where("period = ?", period)
	if n > 0 {
		q = q.Where("number = ?", n)
	} else {
		q = q.OrderExpr("number DESC").Limit(1)
	}
	if err := q.Scan(ctx); err != nil {
		if noRows(err) {
			return e, notFound("period %s has no edition %d", period, n)
		}
		return e, dbError(err, "read edition")
	}
	return e, nil
}
