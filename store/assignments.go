package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"sanlv/fields"
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
	// Kind, when set, keeps only rows of that kind.
	Kind *scoring.Kind
	// Ordered streams rows in key order (ticket_id, unit; byte order).
	Ordered bool
	// After, when set, starts after the key (AfterTicket, AfterUnit) in key order (with Ordered, for paging).
	After                  bool
	AfterTicket, AfterUnit string
	// Limit caps the rows read; 0 reads them all.
	Limit int
	// Lean skips the fields scoring does not use (exclude_reason); category, caller_phone, duplicate_of,
	// channel and hotline are read for the second edition's scope and repeat windows (SPEC §13.2, §13.7).
	Lean bool
	// NoPolicyText, with Lean, also skips category, caller_phone, channel and hotline: for a policy
	// without a scope or repeat window.
	NoPolicyText bool
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
	if db.pg {
		query, args := db.selectQuery(q, nil)
		return withPgx(ctx, db, func(c *pgx.Conn) error { return streamPG(ctx, c, dir, q.texts(), query, args, fn) })
	}
	wide, err := db.wideWindow(ctx, q)
	if err != nil {
		return err
	}
	query, args := db.selectQuery(q, nil)
	if wide {
		// SQLite would read a wide window through both time indexes (MULTI-INDEX OR), row by row;
		// one pass over the table is many times faster.
		query = strings.Replace(query, "FROM assignments a ", "FROM assignments a NOT INDEXED ", 1)
	}
	return db.streamSQL(ctx, dir, q.texts(), query, args, fn)
}

// wideWindow reports whether q's window covers more than a fifth of the span of the stored times.
func (db *DB) wideWindow(ctx context.Context, q Query) (bool, error) {
	if q.From == 0 && q.To == 0 || q.Unit != "" || q.TicketID != "" {
		return false, nil
	}
	var lo, hiReceived, hiClosed sql.NullInt64
	err := db.bun.DB.QueryRowContext(ctx, "SELECT (SELECT min(received_at) FROM assignments), "+
		"(SELECT max(received_at) FROM assignments), (SELECT max(closed_at) FROM assignments)").Scan(&lo, &hiReceived, &hiClosed)
	if err != nil {
		return false, dbError(err, "read the time span of assignments")
	}
	hi := max(hiReceived.Int64, hiClosed.Int64)
	if !lo.Valid || hi <= lo.Int64 {
		return true, nil
	}
	cover := min(q.To, hi) - max(q.From, lo.Int64)
	return cover*5 > hi-lo.Int64, nil
}

// flag places a small field of an assignment in the packed integer reads select, so that a row
// travels as a few values instead of one per field (the database formats fewer values: reads are faster).
type flag struct {
	col   int
	shift uint
}

// flagBits lists the small fields (enum, tri, bool) in table order with their shifts.
var flagBits = func() []flag {
	var out []flag
	var shift uint
	for _, c := range cols {
		if c.bits > 0 {
			out = append(out, flag{c.id, shift})
			shift += c.bits
		}
	}
	return out
}()

// readCols are the numeric columns (int, time) selected after ticket_id, unit and the packed flags, in order.
var readCols = func() []int {
	var out []int
	for _, c := range cols {
		if c.typ == cInt || c.typ == cTime {
			out = append(out, c.id)
		}
	}
	return out
}()

// textCols are the text columns selected after readCols: first those scoring always reads
// (duplicate_of), then those only a policy's scope or repeat window reads, then (in a full read only)
// the unscored ones.
var textCols = func() []int {
	var always, policy, unscored []int
	for _, c := range cols[2:] {
		switch {
		case c.typ != cText:
		case c.unscored:
			unscored = append(unscored, c.id)
		case c.policyText:
			policy = append(policy, c.id)
		default:
			always = append(always, c.id)
		}
	}
	return append(append(always, policy...), unscored...)
}()

// countTexts counts the columns of textCols with a flag.
func countTexts(flag func(c column) bool) int {
	n := 0
	for _, i := range textCols {
		if flag(cols[i]) {
			n++
		}
	}
	return n
}

// scoredTexts is how many of textCols a lean read selects; alwaysTexts how many one that skips the policy texts selects.
var (
	scoredTexts = countTexts(func(c column) bool { return !c.unscored })
	alwaysTexts = countTexts(func(c column) bool { return !c.unscored && !c.policyText })
)

// texts is how many of textCols q selects.
func (q Query) texts() int {
	switch {
	case !q.Lean:
		return len(textCols)
	case q.NoPolicyText:
		return alwaysTexts
	}
	return scoredTexts
}

// colRef is a column of assignment a with its override applied.
func colRef(c column) string {
	if c.override {
		return "COALESCE(o." + c.name + ", a." + c.name + ")"
	}
	return "a." + c.name
}

// answerCols are the callback answers a correction may change: their values as imported travel in
// the packed integer too, after the small fields, with a bit saying a correction changed one (raw
// rates read them, SPEC §13.8).
var answerCols = []fields.ID{fields.CallbackValid, fields.Contacted, fields.Resolved, fields.Satisfaction}

// importedBits are the shifts of the imported answers (in answerCols' order) and of the corrected bit.
var importedBits, correctedShift = func() ([]flag, uint) {
	shift := uint(0)
	for _, f := range flagBits {
		shift = max(shift, f.shift+cols[f.col].bits)
	}
	var out []flag
	for _, id := range answerCols {
		c := colOf(id)
		out = append(out, flag{c.id, shift})
		shift += c.bits
	}
	return out, shift
}()

// colOf returns the store column of a field.
func colOf(id fields.ID) column {
	name := fields.Get(id).Name
	for _, c := range cols {
		if c.field == name {
			return c
		}
	}
	panic("store: no column for field " + name)
}

// flagsExpr packs the small fields into one integer, then the callback answers as imported and
// whether a correction overrides any of them.
func flagsExpr(pg bool) string {
	var parts []string
	cast := func(e string) string {
		if pg {
			return e + "::int"
		}
		return e
	}
	for _, f := range flagBits {
		parts = append(parts, fmt.Sprintf("(%s << %d)", cast(colRef(cols[f.col])), f.shift))
	}
	var set []string
	for _, f := range importedBits {
		parts = append(parts, fmt.Sprintf("(%s << %d)", cast("a."+cols[f.col].name), f.shift))
		set = append(set, "o."+cols[f.col].name+" IS NOT NULL")
	}
	parts = append(parts, fmt.Sprintf("((CASE WHEN %s THEN 1 ELSE 0 END) << %d)", strings.Join(set, " OR "), correctedShift))
	return strings.Join(parts, " | ")
}

// unpack sets the small fields of a from the packed integer, and a.Imported when a correction
// changed its callback answers.
func unpack(a *scoring.Assignment, f int64) {
	for _, b := range flagBits {
		c := &cols[b.col]
		c.setNum(a, f>>b.shift&(1<<c.bits-1))
	}
	a.Imported = scoring.Answers{}
	if f>>correctedShift&1 == 0 {
		return
	}
	var im scoring.Assignment
	for _, b := range importedBits {
		c := &cols[b.col]
		c.setNum(&im, f>>b.shift&(1<<c.bits-1))
	}
	a.Imported = scoring.Answers{Set: true, CallbackValid: im.CallbackValid, Contacted: im.Contacted,
		Resolution: im.Resolution, Satisfaction: im.Satisfaction}
}

// selectQuery builds the SELECT for q with driver placeholders ($n for PostgreSQL, ? for SQLite); a
// chunk, when given, narrows a window query to the rows whose chunk time (closed_at when it is in the
// window, else received_at) is in [chunk[0], chunk[1]).
func (db *DB) selectQuery(q Query, chunk []int64) (string, []any) {
	var where []string
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		if db.pg {
			return fmt.Sprintf("$%d", len(args))
		}
		return "?"
	}
	between := func(col string, from, to int64) string {
		return fmt.Sprintf("(a.%s >= %s AND a.%s < %s)", col, arg(from), col, arg(to))
	}
	if q.From != 0 || q.To != 0 {
		switch {
		case q.Basis == ByClosed && chunk != nil:
			where = append(where, between("closed_at", chunk[0], chunk[1]))
		case q.Basis == ByClosed:
			where = append(where, between("closed_at", q.From, q.To))
		case q.Basis == ByReceived && chunk != nil:
			where = append(where, between("received_at", chunk[0], chunk[1]))
		case q.Basis == ByReceived:
			where = append(where, between("received_at", q.From, q.To))
		case chunk != nil:
			where = append(where, "("+between("closed_at", chunk[0], chunk[1])+" OR ("+between("received_at", chunk[0], chunk[1])+
				" AND (a.closed_at IS NULL OR NOT "+between("closed_at", q.From, q.To)+")))")
		default:
			where = append(where, "("+between("closed_at", q.From, q.To)+" OR "+between("received_at", q.From, q.To)+")")
		}
	}
	if q.Unit != "" {
		where = append(where, "a.unit = "+arg(q.Unit))
	}
	if q.TicketID != "" {
		where = append(where, "a.ticket_id = "+arg(q.TicketID))
	}
	if q.Kind != nil {
		where = append(where, "a.kind = "+arg(int16(*q.Kind)))
	}
	if q.After {
		// Each placeholder gets its own argument: SQLite fills "?" by position.
		where = append(where, fmt.Sprintf("(a.ticket_id > %s OR (a.ticket_id = %s AND a.unit > %s))",
			arg(q.AfterTicket), arg(q.AfterTicket), arg(q.AfterUnit)))
	}
	sel := []string{"a.ticket_id", "a.unit", flagsExpr(db.pg)}
	for _, i := range readCols {
		sel = append(sel, colRef(cols[i]))
	}
	for _, i := range textCols[:q.texts()] {
		sel = append(sel, colRef(cols[i]))
	}
	s := "SELECT " + strings.Join(sel, ", ") + " FROM assignments a LEFT JOIN overrides o ON o.ticket_id = a.ticket_id AND o.unit = a.unit"
	if len(where) > 0 {
		s += " WHERE " + strings.Join(where, " AND ")
	}
	if q.Ordered {
		s += " ORDER BY a.ticket_id, a.unit"
	}
	if q.Limit > 0 {
		s += fmt.Sprintf(" LIMIT %d", q.Limit)
	}
	return s, args
}

// unitOf looks a unit code up in the directory.
func unitOf(dir *scoring.Directory, ticket string, code []byte) (int32, error) {
	u, ok := dir.LookupBytes(code)
	if !ok {
		return 0, scoring.Errorf(scoring.Internal, "assignment %s: unit %q is not in the directory", ticket, code)
	}
	return u, nil
}

// streamSQL reads rows through database/sql (SQLite).
func (db *DB) streamSQL(ctx context.Context, dir *scoring.Directory, nTexts int, query string, args []any, fn func(*scoring.Assignment) error) error {
	rows, err := db.bun.DB.QueryContext(ctx, query, args...)
	if err != nil {
		return dbError(err, "read assignments")
	}
	defer rows.Close()
	var (
		a      scoring.Assignment
		ticket string
		unit   sql.RawBytes
		flags  int64
		nums   = make([]sql.NullInt64, len(readCols))
		texts  = make([]string, nTexts)
	)
	dest := []any{&ticket, &unit, &flags}
	for i := range nums {
		dest = append(dest, &nums[i])
	}
	for i := range texts {
		dest = append(dest, &texts[i])
	}
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return dbError(err, "read assignments")
		}
		a = scoring.Assignment{TicketID: ticket}
		for i, c := range readCols {
			cols[c].setNum(&a, nums[i].Int64)
		}
		for i, v := range texts {
			cols[textCols[i]].setText(&a, v)
		}
		unpack(&a, flags)
		if a.Unit, err = unitOf(dir, ticket, unit); err != nil {
			return err
		}
		if err := fn(&a); err != nil {
			return err
		}
	}
	return dbError(rows.Err(), "read assignments")
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

// BasisOf returns the basis that puts a row in a period under p: received_at or closed_at.
func BasisOf(p *scoring.Policy) Basis {
	if p.BasisReceived {
		return ByReceived
	}
	return ByClosed
}
