package store

import (
	"context"
	"database/sql/driver"
	"fmt"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"sanlv/scoring"
)

// stageTable is the per-transaction staging table of a tickets import.
const stageTable = "sanlv_stage"

// stageDDL creates the staging table: the row number, then the assignment columns.
func stageDDL(pg bool) string {
	var b strings.Builder
	b.WriteString("CREATE TEMP TABLE " + stageTable + " (row_no BIGINT NOT NULL")
	for _, c := range cols {
		fmt.Fprintf(&b, ", %s %s", c.name, c.sqlType(pg))
	}
	b.WriteString(")")
	if pg {
		b.WriteString(" ON COMMIT DROP")
	}
	return b.String()
}

// createStage creates the staging table of a tickets import.
func createStage(ctx context.Context, tx bun.Tx, pg bool) error {
	if !pg {
		if _, err := tx.ExecContext(ctx, "DROP TABLE IF EXISTS temp."+stageTable); err != nil {
			return dbError(err, "staging table")
		}
	}
	_, err := tx.ExecContext(ctx, stageDDL(pg))
	return dbError(err, "staging table")
}

// dropStage drops the staging table (PostgreSQL drops it at commit).
func dropStage(ctx context.Context, tx bun.Tx, pg bool) error {
	if pg {
		return nil
	}
	_, err := tx.ExecContext(ctx, "DROP TABLE temp."+stageTable)
	return dbError(err, "staging table")
}

// dropDuplicates deletes every loaded row whose key an earlier row has (the reader reported them),
// returning the rows left. Loaded straight into assignments, SQLite already skipped them (ON CONFLICT
// DO NOTHING) and PostgreSQL, having no primary key during the load, keeps the first row by position.
func dropDuplicates(ctx context.Context, tx bun.Tx, pg, direct bool, loaded int) (int, error) {
	var q string
	switch {
	case direct && !pg:
		return loaded, nil
	case direct:
		q = "DELETE FROM assignments a USING assignments f WHERE f.ticket_id = a.ticket_id AND f.unit = a.unit AND f.ctid < a.ctid"
	default:
		if _, err := tx.ExecContext(ctx, "CREATE INDEX sanlv_stage_key ON "+stageTable+" (ticket_id, unit, row_no)"); err != nil {
			return 0, dbError(err, "index staged rows")
		}
		q = "DELETE FROM " + stageTable + " WHERE EXISTS (SELECT 1 FROM " + stageTable + " f WHERE f.ticket_id = " + stageTable +
			".ticket_id AND f.unit = " + stageTable + ".unit AND f.row_no < " + stageTable + ".row_no)"
	}
	r, err := tx.ExecContext(ctx, q)
	if err != nil {
		return 0, dbError(err, "drop duplicate rows")
	}
	n, _ := r.RowsAffected()
	return loaded - int(n), nil
}

// merge writes the audit entries of changed rows, then upserts the staged rows into assignments.
// An import at least as large as the stored table is a bulk load: the secondary indexes (and, on
// PostgreSQL, the unit foreign key) are dropped and rebuilt in the same transaction, which is several
// times faster than maintaining them row by row; concurrent readers then wait for the commit.
// Only the fields in present (nil: all) of an existing row are compared, audited and updated: a field
// absent from the file leaves that field of the stored rows as it was.
func merge(ctx context.Context, db *DB, tx bun.Tx, staged int, batch int64, actor, why string, present map[string]bool) (inserted, updated int, err error) {
	pg := db.pg
	fields := fieldCols(present)
	if len(fields) == 0 {
		return 0, 0, invalid("import: no field of the tickets besides the key is present")
	}
	audited := append(cols[:2:2], fields...)
	if pg {
		if _, err := tx.ExecContext(ctx, "ANALYZE "+stageTable); err != nil {
			return 0, 0, dbError(err, "analyze staged rows")
		}
	}
	var existing int
	if err := tx.NewRaw("SELECT count(*) FROM (SELECT 1 FROM assignments LIMIT ?) x", staged).Scan(ctx, &existing); err != nil {
		return 0, 0, dbError(err, "count assignments")
	}
	if existing > 0 {
		key := "s.ticket_id || '/' || s.unit"
		audit := "INSERT INTO audit_log (at, actor, entity, entity_key, action, old_values, new_values, why, batch_id) " +
			"SELECT ?, ?, ?, " + key + ", ?, " + jsonExpr(pg, "a", audited) + ", " + jsonExpr(pg, "s", audited) + ", ?, ? " +
			"FROM " + stageTable + " s JOIN assignments a ON a.ticket_id = s.ticket_id AND a.unit = s.unit WHERE " + distinct(pg, "a", "s", fields)
		r, err := tx.NewRaw(audit, db.now().UTC(), actor, EntityAssignment, ActionImportUpdate, why, batch).Exec(ctx)
		if err != nil {
			return 0, 0, dbError(err, "audit changed rows")
		}
		n, _ := r.RowsAffected()
		updated = int(n)
		db.log.Debug("audited changed rows", "rows", updated)
	}
	var restore []string
	if existing < staged {
		if restore, err = dropKeys(ctx, tx, pg, false); err != nil {
			return 0, 0, err
		}
		db.log.Debug("bulk load: dropped secondary indexes", "stored", existing, "staged", staged)
	}
	var set []string
	for _, c := range fields {
		set = append(set, c.name+" = excluded."+c.name)
	}
	set = append(set, "batch_id = excluded.batch_id")
	upsert := "INSERT INTO assignments (" + colNames("", cols) + ", batch_id) SELECT " + colNames("s", cols) + ", ? FROM " +
		stageTable + " s WHERE true ON CONFLICT (ticket_id, unit) DO UPDATE SET " + strings.Join(set, ", ") +
		" WHERE " + distinct(pg, "assignments", "excluded", fields)
	r, err := tx.NewRaw(upsert, batch).Exec(ctx)
	if err != nil {
		return 0, 0, dbError(err, "store assignments")
	}
	n, _ := r.RowsAffected()
	db.log.Debug("upserted", "rows", n)
	if err := rebuild(ctx, db, tx, restore); err != nil {
		return 0, 0, err
	}
	return int(n) - updated, updated, nil
}

// dropKeys drops the secondary indexes of assignments and, on PostgreSQL, its foreign keys — with all,
// also its primary key and the foreign keys referencing it (only for a load into an empty table) —
// and returns the statements that recreate them, for rebuild.
func dropKeys(ctx context.Context, tx bun.Tx, pg, all bool) ([]string, error) {
	type object struct{ name, ddl string }
	read := func(q string) ([]object, error) {
		rows, err := tx.QueryContext(ctx, q)
		if err != nil {
			return nil, dbError(err, "read the schema of assignments")
		}
		defer rows.Close()
		var out []object
		for rows.Next() {
			var o object
			if err := rows.Scan(&o.name, &o.ddl); err != nil {
				return nil, dbError(err, "read the schema of assignments")
			}
			out = append(out, o)
		}
		return out, dbError(rows.Err(), "read the schema of assignments")
	}
	var drop, restore []string
	if !pg {
		idx, err := read("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'assignments' AND sql IS NOT NULL")
		if err != nil {
			return nil, err
		}
		for _, o := range idx {
			drop = append(drop, `DROP INDEX "`+o.name+`"`)
			restore = append(restore, o.ddl)
		}
	} else {
		q := "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() AND tablename = 'assignments'" +
			" AND indexname NOT IN (SELECT conname FROM pg_constraint WHERE conrelid = 'assignments'::regclass)"
		idx, err := read(q)
		if err != nil {
			return nil, err
		}
		own, err := read("SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = 'assignments'::regclass AND contype IN ('f', 'p') ORDER BY contype DESC")
		if err != nil {
			return nil, err
		}
		var refs []object
		if all {
			if refs, err = read("SELECT conrelid::regclass::text || ' ' || quote_ident(conname), pg_get_constraintdef(oid) FROM pg_constraint WHERE confrelid = 'assignments'::regclass AND contype = 'f'"); err != nil {
				return nil, err
			}
		}
		drop = append(drop, "SET LOCAL maintenance_work_mem = '256MB'")
		for _, o := range refs {
			table, con, _ := strings.Cut(o.name, " ")
			drop = append(drop, "ALTER TABLE "+table+" DROP CONSTRAINT "+con)
		}
		for _, o := range own { // primary key first when restoring
			if strings.HasPrefix(o.ddl, "PRIMARY KEY") && !all {
				continue
			}
			drop = append(drop, "ALTER TABLE assignments DROP CONSTRAINT "+pgIdent(o.name))
			restore = append(restore, "ALTER TABLE assignments ADD CONSTRAINT "+pgIdent(o.name)+" "+o.ddl)
		}
		for _, o := range idx {
			drop = append(drop, "DROP INDEX "+pgIdent(o.name))
			restore = append(restore, o.ddl)
		}
		for _, o := range refs {
			table, con, _ := strings.Cut(o.name, " ")
			restore = append(restore, "ALTER TABLE "+table+" ADD CONSTRAINT "+con+" "+o.ddl)
		}
	}
	for _, q := range drop {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return nil, dbError(err, "bulk load: %s", q)
		}
	}
	return restore, nil
}

// rebuild runs the statements dropKeys returned (and, on PostgreSQL, refreshes the table's statistics).
func rebuild(ctx context.Context, db *DB, tx bun.Tx, restore []string) error {
	for _, q := range restore {
		start := time.Now()
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return dbError(err, "rebuild: %s", q)
		}
		db.log.Debug("rebuilt", "sql", q, "elapsed", time.Since(start))
	}
	if db.pg && len(restore) > 0 {
		// A bulk load changes the table's statistics a lot: give the planner fresh ones now, from a
		// small sample (autovacuum refines them later).
		for _, q := range []string{"SET LOCAL default_statistics_target = 10", "ANALYZE assignments", "RESET default_statistics_target"} {
			if _, err := tx.ExecContext(ctx, q); err != nil {
				return dbError(err, "analyze assignments")
			}
		}
	}
	return nil
}

// pgIdent quotes a PostgreSQL identifier.
func pgIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// sqliteLoader loads rows with multi-row INSERTs, through the driver directly: database/sql's
// conversion of every argument would cost a fifth of the load.
type sqliteLoader struct {
	conn   bun.Conn
	dir    *scoring.Directory
	direct bool
	batch  int64
}

// sqliteRowsPerInsert rows of 30 parameters each stay far below SQLite's 32766 parameters.
const sqliteRowsPerInsert = 64

// insertSQL inserts rows into the staging table (row number first) or into assignments (batch last,
// a key already loaded skipped: the reader reports it as a duplicate).
func insertSQL(direct bool, rows int) string {
	one := "(" + strings.TrimSuffix(strings.Repeat("?,", len(cols)+1), ",") + ")"
	values := strings.TrimSuffix(strings.Repeat(one+",", rows), ",")
	if direct {
		return "INSERT INTO assignments (" + colNames("", cols) + ", batch_id) VALUES " + values + " ON CONFLICT (ticket_id, unit) DO NOTHING"
	}
	return "INSERT INTO " + stageTable + " VALUES " + values
}

// driverValues appends an assignment's stored values in cols order as driver values.
func driverValues(dst []driver.NamedValue, a *scoring.Assignment, unit string) []driver.NamedValue {
	for i := range cols {
		c := &cols[i]
		var v driver.Value
		switch {
		case c.id == iUnit:
			v = unit
		case c.typ == cText:
			v = c.text(a)
		case c.typ == cTime:
			if t := c.num(a); t != 0 {
				v = t
			}
		default:
			v = c.num(a)
		}
		dst = append(dst, driver.NamedValue{Ordinal: len(dst) + 1, Value: v})
	}
	return dst
}

func (l *sqliteLoader) load(ctx context.Context, batches <-chan []stageRow, free chan<- []stageRow) (int, error) {
	stored := 0
	err := l.conn.Raw(func(dc any) error {
		conn, ok := dc.(driver.ConnPrepareContext)
		if !ok {
			return fmt.Errorf("driver connection %T cannot prepare", dc)
		}
		exec := func(rows int, args []driver.NamedValue) error {
			stmt, err := conn.PrepareContext(ctx, insertSQL(l.direct, rows))
			if err != nil {
				return err
			}
			defer stmt.Close()
			r, err := stmt.(driver.StmtExecContext).ExecContext(ctx, args)
			if err != nil {
				return err
			}
			n, _ := r.RowsAffected()
			stored += int(n)
			return nil
		}
		full, err := conn.PrepareContext(ctx, insertSQL(l.direct, sqliteRowsPerInsert))
		if err != nil {
			return err
		}
		defer full.Close()
		fullExec := full.(driver.StmtExecContext)
		args := make([]driver.NamedValue, 0, sqliteRowsPerInsert*(len(cols)+1))
		pending := 0
		for b := range batches {
			for i := range b {
				r := &b[i]
				if !l.direct {
					args = append(args, driver.NamedValue{Ordinal: len(args) + 1, Value: int64(r.row)})
				}
				args = driverValues(args, &r.a, unitCode(l.dir, &r.a))
				if l.direct {
					args = append(args, driver.NamedValue{Ordinal: len(args) + 1, Value: l.batch})
				}
				if pending++; pending == sqliteRowsPerInsert {
					res, err := fullExec.ExecContext(ctx, args)
					if err != nil {
						free <- b
						return err
					}
					n, _ := res.RowsAffected()
					stored += int(n)
					args, pending = args[:0], 0
				}
			}
			free <- b
		}
		if pending > 0 {
			return exec(pending, args)
		}
		return nil
	})
	return stored, dbError(err, "load rows")
}

// unitCode returns the code of an assignment's unit.
func unitCode(dir *scoring.Directory, a *scoring.Assignment) string { return dir.Unit(a.Unit).Code }
