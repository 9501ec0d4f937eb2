package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"sort"
	"time"

	"github.com/uptrace/bun"

	"sanlv/fixtures"
	"sanlv/scoring"
)

// Audit entity and action of calendars.
const (
	EntityCalendar       = "calendar"
	ActionCalendarImport = "calendar.import"
)

// StoredCalendar is a working-day calendar a centre imported (the YAML of fixtures/calendars).
type StoredCalendar struct {
	bun.BaseModel `bun:"table:calendars"`

	Name   string `bun:"name,pk" json:"name"`
	Year   int    `bun:"year" json:"year"`
	Source string `bun:"source" json:"-"`
	SHA256 string `bun:"sha256" json:"sha256"`
	// Replaces is true when the import overrode a shipped calendar of the same name (--replace).
	Replaces   bool      `bun:"replaces" json:"replaces"`
	ImportedBy string    `bun:"imported_by" json:"imported_by"`
	ImportedAt time.Time `bun:"imported_at" json:"imported_at"`
}

// CalendarInfo describes a calendar policies can name: a shipped one or a stored one.
type CalendarInfo struct {
	Name string `json:"name"`
	Year int    `json:"year"`
	// Origin is shipped, stored, or replaced (stored, overriding the shipped calendar of its name).
	Origin   string `json:"origin"`
	Holidays int    `json:"holidays"`
	Workdays int    `json:"workdays"`
	// ImportedBy and ImportedAt are set for a stored calendar.
	ImportedBy string    `json:"imported_by,omitempty"`
	ImportedAt time.Time `json:"imported_at,omitzero"`
}

// shipped reports whether a calendar of the name is embedded in the program.
func shipped(name string) bool {
	for _, n := range fixtures.CalendarNames() {
		if n == name {
			return true
		}
	}
	return false
}

// ImportCalendar stores a calendar YAML (name, year, holidays, workdays; SPEC §4). A calendar named
// like a shipped one (cn-2025) or an already stored one is replaced only when replace is set, else
// the import is a Conflict. Importing the same content again stores nothing (changed is false).
func (db *DB) ImportCalendar(ctx context.Context, file string, data []byte, replace bool, actor string) (rec StoredCalendar, changed bool, err error) {
	c, err := scoring.ParseCalendar(data)
	if err != nil {
		return rec, false, dbError(err, "%s", file)
	}
	sum := sha256.Sum256(data)
	rec = StoredCalendar{Name: c.Name, Year: c.Year, Source: string(data), SHA256: hex.EncodeToString(sum[:]),
		Replaces: shipped(c.Name), ImportedBy: actor, ImportedAt: db.now().UTC()}
	err = db.inTx(ctx, func(tx bun.Tx) error {
		var old StoredCalendar
		sel := tx.NewSelect().Model(&old).Where("name = ?", c.Name)
		if db.pg {
			sel = sel.For("UPDATE")
		}
		err := sel.Scan(ctx)
		exists := err == nil
		switch {
		case err != nil && !noRows(err):
			return dbError(err, "read calendar %s", c.Name)
		case exists && old.SHA256 == rec.SHA256:
			rec = old
			return nil
		case exists && !replace:
			return conflict("%s: calendar %s is already stored (imported by %s): import it with --replace to replace it", file, c.Name, old.ImportedBy)
		case !exists && rec.Replaces && !replace:
			return conflict("%s: calendar %s is shipped with sanlv: import it with --replace to override the shipped one, or give it another name", file, c.Name)
		}
		changed = true
		q := tx.NewInsert().Model(&rec)
		if exists {
			q = q.On("CONFLICT (name) DO UPDATE").Set("year = EXCLUDED.year, source = EXCLUDED.source, sha256 = EXCLUDED.sha256, " +
				"replaces = EXCLUDED.replaces, imported_by = EXCLUDED.imported_by, imported_at = EXCLUDED.imported_at")
		}
		if _, err := q.Exec(ctx); err != nil {
			return dbError(err, "store calendar %s", c.Name)
		}
		e := AuditEntry{Actor: actor, Entity: EntityCalendar, Key: c.Name, Action: ActionCalendarImport,
			After: mustJSON(rec), Why: "import " + file}
		if exists {
			e.Before = mustJSON(old)
		}
		if err := db.audit(ctx, tx, e); err != nil {
			return err
		}
		return db.bumpVersion(ctx, tx)
	})
	if err != nil {
		return StoredCalendar{}, false, err
	}
	if changed { // stored policies parsed with the old calendars are parsed again
		db.parsed.Clear()
	}
	return rec, changed, nil
}

// storedCalendar returns the stored calendar of the name, nil when there is none.
func (db *DB) storedCalendar(ctx context.Context, name string) (*scoring.Calendar, error) {
	var rec StoredCalendar
	if err := db.bun.NewSelect().Model(&rec).Where("name = ?", name).Scan(ctx); err != nil {
		if noRows(err) {
			return nil, nil
		}
		return nil, dbError(err, "read calendar %s", name)
	}
	c, err := scoring.ParseCalendar([]byte(rec.Source))
	if err != nil {
		return nil, dbError(err, "stored calendar %s", name)
	}
	return c, nil
}

// CalendarSource finds a calendar for policies that are not stored (a --policy file or a shipped
// policy scored from the database): a stored one first, else the configured (shipped) ones.
func (db *DB) CalendarSource(ctx context.Context) scoring.CalendarSource {
	return db.calendarSource(ctx)
}

// calendarSource finds a calendar for policies: a stored one first, else the configured (shipped) ones.
func (db *DB) calendarSource(ctx context.Context) scoring.CalendarSource {
	return func(name string) (*scoring.Calendar, error) {
		c, err := db.storedCalendar(ctx, name)
		if err != nil || c != nil {
			return c, err
		}
		return db.cal(name)
	}
}

// Calendars lists the calendars policies can name, shipped and stored, by name; a stored calendar
// that replaces a shipped one is listed once, as replaced.
func (db *DB) Calendars(ctx context.Context) ([]CalendarInfo, error) {
	var stored []StoredCalendar
	if err := db.bun.NewSelect().Model(&stored).Scan(ctx); err != nil {
		return nil, dbError(err, "read calendars")
	}
	byName := map[string]CalendarInfo{}
	for _, n := range fixtures.CalendarNames() {
		c, err := fixtures.Calendar(n)
		if err != nil {
			return nil, err
		}
		byName[n] = CalendarInfo{Name: n, Year: c.Year, Origin: "shipped", Holidays: len(c.Holidays), Workdays: len(c.Workdays)}
	}
	for _, r := range stored {
		c, err := scoring.ParseCalendar([]byte(r.Source))
		if err != nil {
			return nil, dbError(err, "stored calendar %s", r.Name)
		}
		origin := "stored"
		if _, ok := byName[r.Name]; ok {
			origin = "replaced"
		}
		byName[r.Name] = CalendarInfo{Name: r.Name, Year: c.Year, Origin: origin, Holidays: len(c.Holidays), Workdays: len(c.Workdays),
			ImportedBy: r.ImportedBy, ImportedAt: r.ImportedAt}
	}
	out := make([]CalendarInfo, 0, len(byName))
	for _, c := range byName {
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}
