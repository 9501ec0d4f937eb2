package store

import (
	"encoding/json"
	"time"

	"github.com/uptrace/bun"
)

// Migration is a schema migration and whether it has been applied.
type Migration struct {
	Name      string    `json:"name"`
	Applied   bool      `json:"applied"`
	AppliedAt time.Time `json:"applied_at"`
}

// Batch is one successful import of a units or tickets file.
type Batch struct {
	bun.BaseModel `bun:"table:import_batches"`

	ID         int64     `bun:"id,pk,autoincrement" json:"id"`
	Kind       string    `bun:"kind" json:"kind"` // units or tickets
	File       string    `bun:"file" json:"file"`
	SHA256     string    `bun:"sha256" json:"sha256"`
	Read       int64     `bun:"rows_read" json:"read"`
	Inserted   int64     `bun:"inserted" json:"inserted"`
	Updated    int64     `bun:"updated" json:"updated"`
	Unchanged  int64     `bun:"unchanged" json:"unchanged"`
	Invalid    int64     `bun:"invalid" json:"invalid"`
	Actor      string    `bun:"actor" json:"actor"`
	StartedAt  time.Time `bun:"started_at" json:"started_at"`
	FinishedAt time.Time `bun:"finished_at" json:"finished_at"`
}

// unitRow is a stored unit.
type unitRow struct {
	bun.BaseModel `bun:"table:units"`

	Code       string `bun:"code,pk"`
	Ordinal    int64  `bun:"ordinal"`
	Name       string `bun:"name"`
	Group      string `bun:"group_name"`
	Parent     string `bun:"parent"`
	Population int64  `bun:"population"`
	BatchID    *int64 `bun:"batch_id"`
}

// overrideRow is the current exclusion or callback correction of one assignment; nil fields keep the imported value.
type overrideRow struct {
	bun.BaseModel `bun:"table:overrides"`

	TicketID      string    `bun:"ticket_id,pk"`
	Unit          string    `bun:"unit,pk"`
	Excluded      *bool     `bun:"excluded"`
	ExcludeReason *string   `bun:"exclude_reason"`
	Contacted     *int16    `bun:"contacted"`
	Resolution    *int16    `bun:"resolution"`
	Satisfaction  *int16    `bun:"satisfaction"`
	CallbackValid *bool     `bun:"callback_valid"`
	UpdatedBy     string    `bun:"updated_by"`
	UpdatedAt     time.Time `bun:"updated_at"`
}

// AuditEntry is one line of the audit log: who changed what, when, from what to what, and why.
type AuditEntry struct {
	bun.BaseModel `bun:"table:audit_log"`

	ID     int64     `bun:"id,pk,autoincrement" json:"id"`
	At     time.Time `bun:"at" json:"at"`
	Actor  string    `bun:"actor" json:"actor"`
	Entity string    `bun:"entity" json:"entity"`
	// Key identifies the entity: ticket_id/unit for an assignment, the code of a unit, an id otherwise.
	Key    string `bun:"entity_key" json:"key"`
	Action string `bun:"action" json:"action"`
	// Before and After hold the changed entity's values (JSON); caller_phone is masked when read.
	Before  json.RawMessage `bun:"old_values,type:jsonb,nullzero" json:"before"`
	After   json.RawMessage `bun:"new_values,type:jsonb,nullzero" json:"after"`
	Why     string          `bun:"why" json:"why"`
	BatchID *int64          `bun:"batch_id" json:"batch_id,omitempty"`
}
