package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"sanlv/scoring"
)

// Basis selects which time of an assignment a window applies to.
type Basis uint8

// Bases.
const (
	// ByClosed selects rows whose closed_at is in the window (open rows never match).
	ByClosed Basis = iota
	// ByReceived selects rows whose received_at is in the window.
	ByReceived
	// ByEither selects rows whose closed_at or received_at is in the window: every row that can
	// count in a period's scorecard under either basis, including requests per 10k (received rows).
	ByEither
)

// Query selects assignments to stream.
type Query struct {
	// From and To bound the window [From, To) in Unix seconds; both 0 selects every row.
	From, To int64
	Basis    Basis
	// Unit, when set, keeps only that unit's rows (by code).
	Unit string
	// TicketID, when set, keeps only that ticket's rows.
	TicketID string
	// Ordered streams rows in key order (ticket_id, unit; byte order).
	Ordered bool
	// Lean skips the fields scoring does not use (category, exclude_reason, caller_phone).
	Lean bool
}

// Assignments streams the assignments in [from, to) by basis, exclusions and corrections applied,
// with flat memory. The *Assignment passed to fn is reused: copy it to keep it. Unit indexes refer
// to the directory db.Directory returns at the time of the call.
func (db *DB) Assignments(ctx context.Context, from, to int64, basis Basis, fn func(*scoring.Assignment) error) error {
	dir, err := db.Directory(ctx)
	if err != nil {
		return err
	}
	return db.Stream(ctx, dir, Query{From: from, To: to, Basis: basis}, fn)
}

// Stream streams the assignments q selects with their unit indexes in dir (see Assignments).
func (db *DB) Stream(ctx context.Context, dir *scoring.Directory, q Query, fn func(*scoring.Assignment) error) error {
	cs := cols
	if q.Lean {
		cs = leanCols()
	}
	query, args := db.selectQuery(cs, q)
	if db.pg {
		return db.streamPG(ctx, dir, cs, query, args, fn)
	}
	return db.streamSQL(ctx, dir, cs, query, args, fn)
}

// selectQuery builds the SELECT for q with driver placeholders ($n for PostgreSQL, ? for SQLite).
func (db *DB) selectQuery(cs []column, q Query) (string, []any) {
	var where []string
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		if db.pg {
			return fmt.Sprintf("$%d", len(args))
		}
		return "?"
	}
	if q.From != 0 || q.To != 0 {
		closed := fmt.Sprintf("(a.closed_at >= %s AND a.closed_at < %s)", arg(q.From), arg(q.To))
		received := fmt.Sprintf("(a.received_at >= %s AND a.received_at < %s)", arg(q.From), arg(q.To))
		switch q.Basis {
		case ByClosed:
			where = append(where, closed)
		case ByReceived:
			where = append(where, received)
		default:
			where = append(where, "("+closed+" OR "+received+")")
		}
	}
	if q.Unit != "" {
		where = append(where, "a.unit = "+arg(q.Unit))
	}
	if q.TicketID != "" {
		where = append(where, "a.ticket_id = "+arg(q.TicketID))
	}
	s := "SELECT " + effective(cs) + " FROM assignments a LEFT JOIN overrides o ON o.ticket_id = a.ticket_id AND o.unit = a.unit"
	if len(where) > 0 {
		s += " WHERE " + strings.Join(where, " AND ")
	}
	if q.Ordered {
		s += " ORDER BY a.ticket_id, a.unit"
	}
	return s, args
}

// streamSQL reads rows through database/sql (SQLite).
func (db *DB) streamSQL(ctx context.Context, dir *scoring.Directory, cs []column, query string, args []any, fn func(*scoring.Assignment) error) error {
	rows, err := db.bun.DB.QueryContext(ctx, query, args...)
	if err != nil {
		return dbError(err, "read assignments")
	}
	defer rows.Close()
	var (
		a     scoring.Assignment
		dest  = make([]any, len(cs))
		texts = make([]sql.RawBytes, len(cs))
		ints  = make([]sql.NullInt64, len(cs))
	)
	for i, c := range cs {
		if c.typ == cText {
			dest[i] = &texts[i]
		} else {
			dest[i] = &ints[i]
		}
	}
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return dbError(err, "read assignments")
		}
		a = scoring.Assignment{}
		for i, c := range cs {
			if err := set(&a, dir, c, texts[i], ints[i].Int64); err != nil {
				return err
			}
		}
		if err := fn(&a); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return dbError(err, "read assignments")
	}
	return nil
}

// set stores one column's value into a; text is the value of a text column, n of any other.
func set(a *scoring.Assignment, dir *scoring.Directory, c column, text []byte, n int64) error {
	switch c.id {
	case iTicket:
		a.TicketID = string(text)
	case iUnit:
		u, ok := dir.LookupBytes(text)
		if !ok {
			return scoring.Errorf(scoring.Internal, "assignment %s: unit %q is not in the directory", a.TicketID, text)
		}
		a.Unit = u
	case iRole:
		a.Role = scoring.Role(n)
	case iKind:
		a.Kind = scoring.Kind(n)
	case iUrgency:
		a.Urgency = scoring.Urgency(n)
	case iResolution:
		a.Resolution = scoring.Resolution(n)
	case iSatisfaction:
		a.Satisfaction = scoring.Satisfaction(n)
	case iContacted:
		a.Contacted = scoring.Tri(n)
	case iCallbackValid:
		a.CallbackValid = n != 0
	case iSupervised:
		a.Supervised = n != 0
	case iIncomplete:
		a.IncompleteMaterials = n != 0
	case iOpinion:
		a.OpinionIncident = n != 0
	case iExcluded:
		a.Excluded = n != 0
	case iExcludeReason:
		a.ExcludeReason = string(text)
	case iRedispatches:
		a.Redispatches = int32(n)
	case iReceived:
		a.Received = n
	case iDispatched:
		a.Dispatched = n
	case iContactAt:
		a.ContactAt = n
	case iClosed:
		a.Closed = n
	case iDue:
		a.Due = n
	case iCategory:
		a.Category = string(text)
	case iPhone:
		a.CallerPhone = string(text)
	}
	return nil
}

// Assignment returns one assignment (exclusions and corrections applied) with its unit index in dir.
func (db *DB) Assignment(ctx context.Context, dir *scoring.Directory, ticketID, unit string) (scoring.Assignment, error) {
	var out scoring.Assignment
	found := false
	err := db.Stream(ctx, dir, Query{TicketID: ticketID, Unit: unit}, func(a *scoring.Assignment) error {
		out, found = *a, true
		return nil
	})
	if err != nil {
		return out, err
	}
	if !found {
		return out, notFound("assignment %s of unit %s not found", ticketID, unit)
	}
	return out, nil
}

// Count returns the number of stored assignments.
func (db *DB) Count(ctx context.Context) (int64, error) {
	n, err := db.bun.NewSelect().Table("assignments").Count(ctx)
	return int64(n), dbError(err, "count assignments")
}
