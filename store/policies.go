package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"time"

	"github.com/uptrace/bun"

	"sanlv/scoring"
)

// PolicyRecord is one stored version of a policy; every version is kept and at most one per name is active.
type PolicyRecord struct {
	bun.BaseModel `bun:"table:policies"`

	ID          int64     `bun:"id,pk,autoincrement" json:"id"`
	Name        string    `bun:"name" json:"name"`
	Version     string    `bun:"version" json:"version"`
	Source      string    `bun:"source" json:"-"`
	SHA256      string    `bun:"sha256" json:"sha256"`
	Active      bool      `bun:"active" json:"active"`
	CreatedBy   string    `bun:"created_by" json:"created_by"`
	CreatedAt   time.Time `bun:"created_at" json:"created_at"`
	ActivatedAt time.Time `bun:"activated_at,nullzero" json:"activated_at,omitzero"`
	// Created is set by SavePolicy when this call stored the version (false when it was already stored).
	Created bool `bun:"-" json:"-"`
}

// parsePolicy parses the stored YAML with the database's calendars (stored ones first).
// A stored version never changes, so each is parsed once (by its SHA-256) and shared until a calendar
// is stored: callers must not modify the policy.
func (db *DB) parsePolicy(ctx context.Context, r *PolicyRecord) (*scoring.Policy, error) {
	if p, ok := db.parsed.Load(r.SHA256); ok && r.SHA256 != "" {
		return p.(*scoring.Policy), nil
	}
	p, err := scoring.ParsePolicy([]byte(r.Source), db.calendarSource(ctx))
	if err != nil {
		return nil, dbError(err, "stored policy %s %s", r.Name, r.Version)
	}
	db.parsed.Store(r.SHA256, p)
	return p, nil
}

// SavePolicy validates a policy file and stores it as a new version of its name. Saving the same
// content again returns the stored record; a different content under an existing name and version is
// a Conflict (versions are immutable: give it a new version).
func (db *DB) SavePolicy(ctx context.Context, yaml []byte, actor string) (PolicyRecord, error) {
	p, err := scoring.ParsePolicy(yaml, db.calendarSource(ctx))
	if err != nil {
		return PolicyRecord{}, err
	}
	sum := sha256.Sum256(yaml)
	rec := PolicyRecord{Name: p.Name, Version: p.Version, Source: string(yaml), SHA256: hex.EncodeToString(sum[:]),
		CreatedBy: actor, CreatedAt: db.now().UTC()}
	err = db.inTx(ctx, func(tx bun.Tx) error {
		var old PolicyRecord
		err := tx.NewSelect().Model(&old).Where("name = ? AND version = ?", p.Name, p.Version).Scan(ctx)
		if err == nil {
			if old.SHA256 != rec.SHA256 {
				return conflict("policy %q version %q is already stored with other content: give the new content a new version", p.Name, p.Version)
			}
			rec = old
			return nil
		}
		if !noRows(err) {
			return dbError(err, "read policy")
		}
		if _, err := tx.NewInsert().Model(&rec).Returning("id").Exec(ctx); err != nil {
			return dbError(err, "store policy %s %s", p.Name, p.Version)
		}
		rec.Created = true
		return db.audit(ctx, tx, AuditEntry{Actor: actor, Entity: EntityPolicy, Key: strconv.FormatInt(rec.ID, 10),
			Action: ActionPolicySave, After: mustJSON(map[string]string{"name": rec.Name, "version": rec.Version, "sha256": rec.SHA256})})
	})
	return rec, err
}

// ActivatePolicy makes a stored version the active one of its name.
func (db *DB) ActivatePolicy(ctx context.Context, name, version, actor string) (PolicyRecord, error) {
	var rec PolicyRecord
	err := db.inTx(ctx, func(tx bun.Tx) error {
		if db.pg {
			// Two activations of one name take turns, so that the second sees the first's result.
			if _, err := tx.NewSelect().Model((*PolicyRecord)(nil)).Column("id").Where("name = ?", name).For("UPDATE").Exec(ctx); err != nil {
				return dbError(err, "lock policy %q", name)
			}
		}
		if err := tx.NewSelect().Model(&rec).Where("name = ? AND version = ?", name, version).Scan(ctx); err != nil {
			return dbError(err, "policy %q version %q", name, version)
		}
		if rec.Active {
			return nil
		}
		var prev PolicyRecord
		hadPrev := true
		if err := tx.NewSelect().Model(&prev).Where("name = ? AND active", name).Scan(ctx); err != nil {
			if !noRows(err) {
				return dbError(err, "read policy")
			}
			hadPrev = false
		}
		if hadPrev {
			if _, err := tx.NewUpdate().Model((*PolicyRecord)(nil)).Set("active = ?", false).Where("id = ?", prev.ID).Exec(ctx); err != nil {
				return dbError(err, "deactivate policy")
			}
		}
		rec.Active, rec.ActivatedAt = true, db.now().UTC()
		if _, err := tx.NewUpdate().Model(&rec).Column("active", "activated_at").WherePK().Exec(ctx); err != nil {
			return dbError(err, "activate policy")
		}
		if err := db.bumpVersion(ctx, tx); err != nil {
			return err
		}
		var before []byte
		if hadPrev {
			before = mustJSON(map[string]string{"name": prev.Name, "version": prev.Version})
		}
		return db.audit(ctx, tx, AuditEntry{Actor: actor, Entity: EntityPolicy, Key: strconv.FormatInt(rec.ID, 10),
			Action: ActionPolicyActivate, Before: before, After: mustJSON(map[string]string{"name": rec.Name, "version": rec.Version})})
	})
	return rec, err
}

// ActivePolicy returns the most recently activated policy (NotFound when none is active).
func (db *DB) ActivePolicy(ctx context.Context) (*scoring.Policy, error) {
	var rec PolicyRecord
	err := db.bun.NewSelect().Model(&rec).Where("active").OrderExpr("activated_at DESC, id DESC").Limit(1).Scan(ctx)
	if err != nil {
		if noRows(err) {
			return nil, notFound("no active policy: save and activate one (sanlv policy save FILE --activate, or POST /api/v1/policies then /activate)")
		}
		return nil, dbError(err, "read active policy")
	}
	return db.parsePolicy(ctx, &rec)
}

// Policy returns a stored policy version; an empty version is the name's active version.
func (db *DB) Policy(ctx context.Context, name, version string) (*scoring.Policy, PolicyRecord, error) {
	var rec PolicyRecord
	q := db.bun.NewSelect().Model(&rec).Where("name = ?", name)
	if version == "" {
		q = q.Where("active")
	} else {
		q = q.Where("version = ?", version)
	}
	if err := q.Scan(ctx); err != nil {
		return nil, rec, dbError(err, "policy %q version %q", name, version)
	}
	p, err := db.parsePolicy(ctx, &rec)
	return p, rec, err
}

// Policies lists every stored policy version by name, then age.
func (db *DB) Policies(ctx context.Context) ([]PolicyRecord, error) {
	var out []PolicyRecord
	err := db.bun.NewSelect().Model(&out).OrderExpr("name, id").Scan(ctx)
	return out, dbError(err, "list policies")
}
