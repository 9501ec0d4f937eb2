package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

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

// dropDuplicates deletes every staged row whose key an earlier row has (the reader reported them),
// returning the rows left.
func dropDuplicates(ctx context.Context, tx bun.Tx, staged int) (int, error) {
	if _, err := tx.ExecContext(ctx, "CREATE INDEX sanlv_stage_key ON "+stageTable+" (ticket_id, unit, row_no)"); err != nil {
		return 0, dbError(err, "index staged rows")
	}
	r, err := tx.ExecContext(ctx, "DELETE FROM "+stageTable+" WHERE EXISTS (SELECT 1 FROM "+stageTable+
		" f WHERE f.ticket_id = "+stageTable+".ticket_id AND f.unit = "+stageTable+".unit AND f.row_no < "+stageTable+".row_no)")
	if err != nil {
		return 0, dbError(err, "drop duplicate rows")
	}
	n, _ := r.RowsAffected()
	return staged - int(n), nil
}

// merge writes the audit entries of changed rows, then upserts the staged rows into assignments.
// An import at least as large as the stored table is a bulk load: the secondary indexes (and, on
// PostgreSQL, the unit foreign key) are dropped and rebuilt in the same transaction, which is several
// times faster than maintaining them row by row; concurrent readers then wait for the commit.
func merge(ctx context.Context, db *DB, tx bun.Tx, staged int, batch int64, actor, why string) (inserted, updated int, err error) {
	pg := db.pg
	var existing int
	if err := tx.NewRaw("SELECT count(*) FROM (SELECT 1 FROM assignments LIMIT ?) x", staged).Scan(ctx, &existing); err != nil {
		return 0, 0, dbError(err, "count assignments")
	}
	if existing > 0 {
		key := "s.ticket_id || '/' || s.unit"
		audit := "INSERT INTO audit_log (at, actor, entity, entity_key, action, old_values, new_values, why, batch_id) " +
			"SELECT ?, ?, ?, " + key + ", ?, " + jsonExpr(pg, "a", cols) + ", " + jsonExpr(pg, "s", cols) + ", ?, ? " +
			"FROM " + stageTable + " s JOIN assignments a ON a.ticket_id = s.ticket_id AND a.unit = s.unit WHERE " + distinct(pg, "a", "s")
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
		if restore, err = dropSecondary(ctx, tx, pg); err != nil {
			return 0, 0, err
		}
		db.log.Debug("bulk load: dropped secondary indexes", "stored", existing, "staged", staged)
	}
	var set []string
	for _, c := range cols[2:] {
		set = append(set, c.name+" = excluded."+c.name)
	}
	set = append(set, "batch_id = excluded.batch_id")
	upsert := "INSERT INTO assignments (" + colNames("", cols) + ", batch_id) SELECT " + colNames("s", cols) + ", ? FROM " +
		stageTable + " s WHERE true ON CONFLICT (ticket_id, unit) DO UPDATE SET " + strings.Join(set, ", ") +
		" WHERE " + distinct(pg, "assignments", "excluded")
	r, err := tx.NewRaw(upsert, batch).Exec(ctx)
	if err != nil {
		return 0, 0, dbError(err, "store assignments")
	}
	n, _ := r.RowsAffected()
	db.log.Debug("upserted", "rows", n)
	for _, ddl := range restore {
		if _, err := tx.ExecContext(ctx, ddl); err != nil {
			return 0, 0, dbError(err, "rebuild %q", ddl)
		}
	}
	return int(n) - updated, updated, nil
}

// dropSecondary drops the indexes of assignments other than its primary key (and on PostgreSQL its
// foreign keys), returning the statements that recreate them.
func dropSecondary(ctx context.Context, tx bun.Tx, pg bool) ([]string, error) {
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
	if pg {
		idx, err := read("SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() AND tablename = 'assignments' AND indexdef NOT LIKE 'CREATE UNIQUE %'")
		if err != nil {
			return nil, err
		}
		fks, err := read("SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = 'assignments'::regclass AND contype = 'f'")
		if err != nil {
			return nil, err
		}
		drop = append(drop, "SET LOCAL maintenance_work_mem = '256MB'")
		for _, o := range idx {
			drop = append(drop, "DROP INDEX "+pgIdent(o.name))
			restore = append(restore, o.ddl)
		}
		for _, o := range fks {
			drop = append(drop, "ALTER TABLE assignments DROP CONSTRAINT "+pgIdent(o.name))
			restore = append(restore, "ALTER TABLE assignments ADD CONSTRAINT "+pgIdent(o.name)+" "+o.ddl)
		}
	} else {
		idx, err := read("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'assignments' AND sql IS NOT NULL")
		if err != nil {
			return nil, err
		}
		for _, o := range idx {
			drop = append(drop, `DROP INDEX "`+o.name+`"`)
			restore = append(restore, o.ddl)
		}
	}
	for _, q := range drop {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return nil, dbError(err, "bulk load: %s", q)
		}
	}
	return restore, nil
}

// pgIdent quotes a PostgreSQL identifier.
func pgIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// sqliteStage loads the staging table with multi-row INSERTs.
type sqliteStage struct {
	db  *DB
	tx  bun.Tx
	dir *scoring.Directory
}

// sqliteRowsPerInsert rows of 23 parameters each stay far below SQLite's 32766 parameters.
const sqliteRowsPerInsert = 64

func (s *sqliteStage) create(ctx context.Context) error {
	if _, err := s.tx.ExecContext(ctx, "DROP TABLE IF EXISTS temp."+stageTable); err != nil {
		return dbError(err, "staging table")
	}
	_, err := s.tx.ExecContext(ctx, stageDDL(false))
	return dbError(err, "staging table")
}

func insertSQL(rows int) string {
	one := "(" + strings.TrimSuffix(strings.Repeat("?,", len(cols)+1), ",") + ")"
	return "INSERT INTO " + stageTable + " VALUES " + strings.TrimSuffix(strings.Repeat(one+",", rows), ",")
}

func (s *sqliteStage) load(ctx context.Context, batches <-chan []stageRow, free chan<- []stageRow) (int, error) {
	full, err := s.tx.Tx.PrepareContext(ctx, insertSQL(sqliteRowsPerInsert))
	if err != nil {
		return 0, dbError(err, "stage rows")
	}
	defer full.Close()
	args := make([]any, 0, sqliteRowsPerInsert*(len(cols)+1))
	n := 0
	flush := func(stmt *sql.Stmt) error {
		_, err := stmt.ExecContext(ctx, args...)
		args = args[:0]
		return err
	}
	pending := 0
	for b := range batches {
		for i := range b {
			r := &b[i]
			args = append(args, int64(r.row))
			args = values(args, &r.a, unitCode(s.dir, &r.a))
			pending++
			if pending == sqliteRowsPerInsert {
				if err := flush(full); err != nil {
					return n, dbError(err, "stage rows")
				}
				n += pending
				pending = 0
			}
		}
		free <- b
	}
	if pending > 0 {
		stmt, err := s.tx.Tx.PrepareContext(ctx, insertSQL(pending))
		if err != nil {
			return n, dbError(err, "stage rows")
		}
		defer stmt.Close()
		if err := flush(stmt); err != nil {
			return n, dbError(err, "stage rows")
		}
		n += pending
	}
	return n, nil
}

func (s *sqliteStage) dropDuplicates(ctx context.Context, staged int) (int, error) {
	return dropDuplicates(ctx, s.tx, staged)
}

func (s *sqliteStage) merge(ctx context.Context, staged int, batch int64, actor, why string) (int, int, error) {
	return merge(ctx, s.db, s.tx, staged, batch, actor, why)
}

func (s *sqliteStage) drop(ctx context.Context) error {
	_, err := s.tx.ExecContext(ctx, "DROP TABLE temp."+stageTable)
	return dbError(err, "staging table")
}

// unitCode returns the code of an assignment's unit.
func unitCode(dir *scoring.Directory, a *scoring.Assignment) string { return dir.Unit(a.Unit).Code }
