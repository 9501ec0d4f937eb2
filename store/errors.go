package store

import (
	"database/sql"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"

	"sanlv/scoring"
)

// SQLite extended result codes for constraint violations.
const (
	sqliteConstraintCheck      = 275
	sqliteConstraintForeignKey = 787
	sqliteConstraintNotNull    = 1299
	sqliteConstraintPrimaryKey = 1555
	sqliteConstraintUnique     = 2067
)

// dbError wraps a driver error with what was being done and maps it onto a scoring.Error code:
// a unique violation is Conflict, a missing row NotFound, a foreign key or check violation Invalid.
func dbError(err error, format string, args ...any) error {
	if err == nil {
		return nil
	}
	what := fmt.Sprintf(format, args...)
	var se *scoring.Error
	if errors.As(err, &se) {
		return fmt.Errorf("%s: %w", what, err)
	}
	code := ""
	if errors.Is(err, sql.ErrNoRows) {
		code = scoring.NotFound
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch pe.Code {
		case "23505":
			code = scoring.Conflict
		case "23503", "23514", "23502", "22P02", "22003", "22021", "22P05":
			code = scoring.Invalid
		}
	}
	var le *sqlite.Error
	if errors.As(err, &le) {
		switch le.Code() {
		case sqliteConstraintUnique, sqliteConstraintPrimaryKey:
			code = scoring.Conflict
		case sqliteConstraintForeignKey, sqliteConstraintCheck, sqliteConstraintNotNull:
			code = scoring.Invalid
		}
	}
	if code == "" {
		return fmt.Errorf("%s: %w", what, err)
	}
	// The driver's text stays in the chain for logs, never in the message a client reads.
	return &wrapped{app: &scoring.Error{Code: code, Message: what + ": " + driverReason[code]}, cause: err}
}

// driverReason says in words what a mapped driver error means.
var driverReason = map[string]string{
	scoring.Conflict: "与已有数据冲突",
	scoring.Invalid:  "数据不符合约束",
	scoring.NotFound: "未找到",
}

// wrapped is a scoring.Error that keeps the driver error in the chain.
type wrapped struct {
	app   *scoring.Error
	cause error
}

func (w *wrapped) Error() string   { return w.app.Message }
func (w *wrapped) Unwrap() []error { return []error{w.app, w.cause} }

func notFound(format string, args ...any) error {
	return scoring.Errorf(scoring.NotFound, format, args...)
}

func invalid(format string, args ...any) error {
	return scoring.Errorf(scoring.Invalid, format, args...)
}

func conflict(format string, args ...any) error {
	return scoring.Errorf(scoring.Conflict, format, args...)
}

// noRows reports whether err says a query found no row.
func noRows(err error) bool { return errors.Is(err, sql.ErrNoRows) }
