package store

import (
	"context"
	"encoding/json"
	"strings"

	"github.com/uptrace/bun"

	"sanlv/scoring"
)

// Correction changes a callback outcome of an assignment; nil fields stay as they are.
type Correction struct {
	Contacted     *scoring.Tri          `json:"contacted,omitempty"`
	Resolution    *scoring.Resolution   `json:"resolution,omitempty"`
	Satisfaction  *scoring.Satisfaction `json:"satisfaction,omitempty"`
	CallbackValid *bool                 `json:"callback_valid,omitempty"`
}

// validate checks that the correction changes something and holds known values.
func (c Correction) validate() error {
	var bad []scoring.FieldError
	if c.Contacted == nil && c.Resolution == nil && c.Satisfaction == nil && c.CallbackValid == nil {
		return invalid("correction: nothing to correct (contacted, resolution, satisfaction, callback_valid)")
	}
	if c.Contacted != nil && *c.Contacted > scoring.No {
		bad = append(bad, scoring.FieldError{Field: "contacted", Reason: "unknown value"})
	}
	if c.Resolution != nil && *c.Resolution >= nResolutions {
		bad = append(bad, scoring.FieldError{Field: "resolution", Reason: "unknown value"})
	}
	if c.Satisfaction != nil && *c.Satisfaction >= nSatisfactions {
		bad = append(bad, scoring.FieldError{Field: "satisfaction", Reason: "unknown value"})
	}
	if len(bad) > 0 {
		return &scoring.Error{Code: scoring.Invalid, Message: "correction: unknown values", Fields: bad}
	}
	return nil
}

// overrideCols are the fields exclusions and corrections change.
func overrideCols() []column {
	var out []column
	for _, c := range cols {
		if c.override {
			out = append(out, c)
		}
	}
	return out
}

// Exclude removes an assignment from scoring (剔除) with a reason. The imported values stay; the
// exclusion is kept beside them and audited with the values before and after.
func (db *DB) Exclude(ctx context.Context, ticketID, unit, reason, actor string) error {
	if strings.TrimSpace(reason) == "" {
		return invalid("exclude %s/%s: a reason is required", ticketID, unit)
	}
	return db.inTx(ctx, func(tx bun.Tx) error {
		return db.exclude(ctx, tx, ticketID, unit, reason, actor, reason)
	})
}

func (db *DB) exclude(ctx context.Context, tx bun.Tx, ticketID, unit, reason, actor, why string) error {
	t, r := true, reason
	return db.override(ctx, tx, ticketID, unit, ActionExclude, actor, why, func(o *overrideRow) {
		o.Excluded, o.ExcludeReason = &t, &r
	})
}

// Include returns an excluded assignment to scoring, audited like Exclude.
func (db *DB) Include(ctx context.Context, ticketID, unit, why, actor string) error {
	if strings.TrimSpace(why) == "" {
		return invalid("include %s/%s: a reason is required", ticketID, unit)
	}
	return db.inTx(ctx, func(tx bun.Tx) error {
		f, empty := false, ""
		return db.override(ctx, tx, ticketID, unit, ActionExclude, actor, why, func(o *overrideRow) {
			o.Excluded, o.ExcludeReason = &f, &empty
		})
	})
}

// CorrectCallback corrects the callback outcome of an assignment, audited with the values before and
// after and why; the imported values stay.
func (db *DB) CorrectCallback(ctx context.Context, ticketID, unit string, c Correction, why, actor string) error {
	if err := c.validate(); err != nil {
		return err
	}
	if strings.TrimSpace(why) == "" {
		return invalid("correct %s/%s: a reason is required", ticketID, unit)
	}
	return db.inTx(ctx, func(tx bun.Tx) error {
		return db.correct(ctx, tx, ticketID, unit, c, actor, why)
	})
}

func (db *DB) correct(ctx context.Context, tx bun.Tx, ticketID, unit string, c Correction, actor, why string) error {
	return db.override(ctx, tx, ticketID, unit, ActionCorrect, actor, why, func(o *overrideRow) {
		if c.Contacted != nil {
			v := int16(*c.Contacted)
			o.Contacted = &v
		}
		if c.Resolution != nil {
			v := int16(*c.Resolution)
			o.Resolution = &v
		}
		if c.Satisfaction != nil {
			v := int16(*c.Satisfaction)
			o.Satisfaction = &v
		}
		if c.CallbackValid != nil {
			v := *c.CallbackValid
			o.CallbackValid = &v
		}
	})
}

// effectiveJSON returns the overridable fields of an assignment as they count now, as JSON.
func (db *DB) effectiveJSON(ctx context.Context, tx bun.Tx, ticketID, unit string) (json.RawMessage, error) {
	oc := overrideCols()
	var sel []string
	for _, c := range oc {
		sel = append(sel, "COALESCE(o."+c.name+", a."+c.name+") AS "+c.name)
	}
	q := "SELECT " + jsonExpr(db.pg, "e", oc) + " FROM (SELECT " + strings.Join(sel, ", ") +
		" FROM assignments a LEFT JOIN overrides o ON o.ticket_id = a.ticket_id AND o.unit = a.unit" +
		" WHERE a.ticket_id = ? AND a.unit = ?) e"
	var s string
	if err := tx.NewRaw(q, ticketID, unit).Scan(ctx, &s); err != nil {
		if noRows(err) {
			return nil, notFound("assignment %s of unit %s not found", ticketID, unit)
		}
		return nil, dbError(err, "read assignment %s/%s", ticketID, unit)
	}
	return json.RawMessage(s), nil
}

// override changes the override row of an assignment with change and audits the effective values
// before and after; a change that leaves the override as it was writes nothing.
func (db *DB) override(ctx context.Context, tx bun.Tx, ticketID, unit, action, actor, why string, change func(*overrideRow)) error {
	before, err := db.effectiveJSON(ctx, tx, ticketID, unit)
	if err != nil {
		return err
	}
	o := overrideRow{TicketID: ticketID, Unit: unit}
	err = tx.NewSelect().Model(&o).WherePK().Scan(ctx)
	if err != nil && !noRows(err) {
		return dbError(err, "read override %s/%s", ticketID, unit)
	}
	old := o
	change(&o)
	if sameOverride(&old, &o) {
		return nil
	}
	o.UpdatedBy, o.UpdatedAt = actor, db.now().UTC()
	if _, err := tx.NewInsert().Model(&o).On("CONFLICT (ticket_id, unit) DO UPDATE").
		Set("excluded = EXCLUDED.excluded, exclude_reason = EXCLUDED.exclude_reason, contacted = EXCLUDED.contacted").
		Set("resolution = EXCLUDED.resolution, satisfaction = EXCLUDED.satisfaction, callback_valid = EXCLUDED.callback_valid").
		Set("updated_by = EXCLUDED.updated_by, updated_at = EXCLUDED.updated_at").Exec(ctx); err != nil {
		return dbError(err, "store override %s/%s", ticketID, unit)
	}
	after, err := db.effectiveJSON(ctx, tx, ticketID, unit)
	if err != nil {
		return err
	}
	if err := db.bumpVersion(ctx, tx); err != nil {
		return err
	}
	return db.audit(ctx, tx, AuditEntry{Actor: actor, Entity: EntityAssignment, Key: ticketID + "/" + unit,
		Action: action, Before: before, After: after, Why: why})
}

// sameOverride reports whether two override rows set the same values.
func sameOverride(a, b *overrideRow) bool {
	return eq(a.Excluded, b.Excluded) && eq(a.ExcludeReason, b.ExcludeReason) && eq(a.Contacted, b.Contacted) &&
		eq(a.Resolution, b.Resolution) && eq(a.Satisfaction, b.Satisfaction) && eq(a.CallbackValid, b.CallbackValid)
}

func eq[T comparable](a, b *T) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}

// correctionJSON is a Correction as JSON: enumerations in their English words, contacted as a boolean.
type correctionJSON struct {
	Contacted     *bool   `json:"contacted,omitempty"`
	Resolution    *string `json:"resolution,omitempty"`
	Satisfaction  *string `json:"satisfaction,omitempty"`
	CallbackValid *bool   `json:"callback_valid,omitempty"`
}

// MarshalJSON writes the correction with words: {"resolution": "resolved", "contacted": true}.
func (c Correction) MarshalJSON() ([]byte, error) {
	var j correctionJSON
	if c.Contacted != nil && *c.Contacted != scoring.Unknown {
		v := *c.Contacted == scoring.Yes
		j.Contacted = &v
	}
	if c.Resolution != nil {
		v := c.Resolution.String()
		if v == "" {
			v = "none"
		}
		j.Resolution = &v
	}
	if c.Satisfaction != nil {
		v := c.Satisfaction.String()
		j.Satisfaction = &v
	}
	j.CallbackValid = c.CallbackValid
	return json.Marshal(j)
}

// UnmarshalJSON reads a correction written with words (English or Chinese, as in tickets files).
func (c *Correction) UnmarshalJSON(b []byte) error {
	var j correctionJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return invalid("correction: %v", err)
	}
	*c = Correction{CallbackValid: j.CallbackValid}
	if j.Contacted != nil {
		v := scoring.No
		if *j.Contacted {
			v = scoring.Yes
		}
		c.Contacted = &v
	}
	if j.Resolution != nil {
		s := *j.Resolution
		if s == "none" {
			s = ""
		}
		v, err := scoring.ParseResolution(s)
		if err != nil {
			return invalid("correction: %v", err)
		}
		c.Resolution = &v
	}
	if j.Satisfaction != nil {
		v, err := scoring.ParseSatisfaction(*j.Satisfaction)
		if err != nil {
			return invalid("correction: %v", err)
		}
		c.Satisfaction = &v
	}
	return nil
}
