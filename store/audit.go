package store

import (
	"context"
	"encoding/json"
	"time"

	"sanlv/scoring"
)

// Audit actions.
const (
	ActionImport         = "import"
	ActionImportUpdate   = "import.update"
	ActionExclude        = "exclude"
	ActionCorrect        = "correct"
	ActionAppealFile     = "appeal.file"
	ActionAppealDecide   = "appeal.decide"
	ActionPolicySave     = "policy.save"
	ActionPolicyActivate = "policy.activate"
	ActionPublish        = "edition.publish"
	ActionTokenCreate    = "token.create"
	ActionTokenRevoke    = "token.revoke"
)

// Audited entities.
const (
	EntityAssignment = "assignment"
	EntityUnit       = "unit"
	EntityAppeal     = "appeal"
	EntityPolicy     = "policy"
	EntityEdition    = "edition"
	EntityToken      = "token"
	EntityBatch      = "batch"
)

// audit appends one entry in the transaction tx.
func (db *DB) audit(ctx context.Context, tx idb, e AuditEntry) error {
	if e.At.IsZero() {
		e.At = db.now().UTC()
	}
	_, err := tx.NewInsert().Model(&e).Exec(ctx)
	return dbError(err, "audit %s %s", e.Entity, e.Key)
}

// AuditFilter selects audit entries; zero fields match everything.
type AuditFilter struct {
	Entity string
	Key    string
	Actor  string
	Action string
	Since  time.Time
	// Before, when set, keeps the entries older than this id (for paging, newest first).
	Before int64
	// Limit caps the number of entries (newest first); 0 means 1000.
	Limit int
}

// Audit reads the audit log, newest first, with caller phones masked.
func (db *DB) Audit(ctx context.Context, f AuditFilter) ([]AuditEntry, error) {
	q := db.bun.NewSelect().Model((*AuditEntry)(nil))
	if f.Entity != "" {
		q = q.Where("entity = ?", f.Entity)
	}
	if f.Key != "" {
		q = q.Where("entity_key = ?", f.Key)
	}
	if f.Actor != "" {
		q = q.Where("actor = ?", f.Actor)
	}
	if f.Action != "" {
		q = q.Where("action = ?", f.Action)
	}
	if f.Before > 0 {
		q = q.Where("id < ?", f.Before)
	}
	if !f.Since.IsZero() {
		q = q.Where("at >= ?", f.Since.UTC())
	}
	if f.Limit <= 0 {
		f.Limit = 1000
	}
	var out []AuditEntry
	if err := q.OrderExpr("id DESC").Limit(int64(f.Limit)).Scan(ctx, &out); err != nil {
		return nil, dbError(err, "read audit log")
	}
	for i := range out {
		out[i].Before = maskJSON(out[i].Before)
		out[i].After = maskJSON(out[i].After)
		out[i].Why = scoring.MaskPhones(out[i].Why)
	}
	return out, nil
}

// freeText are the keys of audited values that people write (an imported exclusion reason, an appeal's
// reason and comment, an adjustment's label and reason): a phone quoted in them is masked when read.
var freeText = []string{"exclude_reason", "reason", "comment", "label"}

// maskJSON masks the personal fields (caller_phone) of a JSON object, and the phones quoted in its
// free texts.
func maskJSON(raw json.RawMessage) json.RawMessage {
	if len(raw) == 0 {
		return raw
	}
	var m map[string]any
	if json.Unmarshal(raw, &m) != nil {
		return raw
	}
	masked := false
	for _, c := range cols {
		if p, ok := m[c.name].(string); ok && c.personal && p != "" {
			m[c.name], masked = scoring.MaskPhone(p), true
		}
	}
	for _, k := range freeText {
		if p, ok := m[k].(string); ok {
			if q := scoring.MaskPhones(p); q != p {
				m[k], masked = q, true
			}
		}
	}
	if !masked {
		return raw
	}
	out, err := json.Marshal(m)
	if err != nil {
		return raw
	}
	return out
}

// mustJSON marshals a value the store built itself.
func mustJSON(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}
