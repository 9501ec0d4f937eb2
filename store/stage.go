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
func merge(ctx context.Context, db *DB, tx bun.Tx, batch int64, actor, why string) (inserted, updated int, err error) {
	pg := db.pg
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

	var set []string
	for _, c := range cols[2:] {
		set = append(set, c.name+" = excluded."+c.name)
	}
	set = append(set, "batch_id = excluded.batch_id")
	upsert := "INSERT INTO assignments (" + colNames("", cols) + ", batch_id) SELECT " + colNames("s", cols) + ", ? FROM " +
		stageTable + " s WHERE true ON CONFLICT (ticket_id, unit) DO UPDATE SET " + strings.Join(set, ", ") +
		" WHERE " + distinct(pg, "assignments", "excluded")
	r, err = tx.NewRaw(upsert, batch).Exec(ctx)
	if err != nil {
		return 0, 0, dbError(err, "store assignments")
	}
	n, _ = r.RowsAffected()
	return int(n) - updated, updated, nil
}

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

func (s *sqliteStage) merge(ctx context.Context, batch int64, actor, why string) (int, int, error) {
	return merge(ctx, s.db, s.tx, batch, actor, why)
}

func (s *sqliteStage) drop(ctx context.Context) error {
	_, err := s.tx.ExecContext(ctx, "DROP TABLE temp."+stageTable)
	return dbError(err, "staging table")
}

// unitCode returns the code of an assignment's unit.
func unitCode(dir *scoring.Directory, a *scoring.Assignment) string { return dir.Unit(a.Unit).Code }
