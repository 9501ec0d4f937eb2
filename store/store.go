// Package store keeps Sanlv's data in a SQL database with bun: an embedded SQLite file by default,
// PostgreSQL in production, through the same code.
//
// Tables (migrations/, one directory per dialect, applied on Open): units, assignments (key
// ticket_id+unit; indexes on closed_at, received_at and unit+closed_at), overrides (exclusions and
// callback corrections decided in Sanlv, kept beside the imported values so that the originals are
// never lost and a re-import never undoes a decision), import_batches, policies (every version; one
// active per name), editions, appeals, audit_log (who, when, entity, before, after, why) and
// api_tokens (SHA-256 of the token only).
//
// Assignments are stored compactly: times as BIGINT Unix seconds (NULL for an empty cell),
// enumerations as SMALLINT holding the scoring package's values (role 0 lead, 1 co; kind 0 consult,
// 1 help, 2 complaint, 3 report, 4 suggestion, 5 praise; urgency 0 normal, 1 emergency, 2 priority,
// 3 complex; resolution 0 none, 1 resolved, 2 partial, 3 unresolved; satisfaction 0 unrated,
// 1 very satisfied … 5 very dissatisfied; contacted 0 unknown, 1 yes, 2 no), booleans as BOOLEAN
// (PostgreSQL) or 0/1 INTEGER (SQLite), the unit as its code. The audit log writes enumerations as
// their English words.
//
// Imports stream (flat memory) and are all-or-nothing: one transaction per file. Into an empty table
// rows go straight into assignments with its keys and indexes rebuilt at the end; otherwise through a
// staging table merged with INSERT … ON CONFLICT DO UPDATE … WHERE changed, the changed rows audited
// with their old values in the same statement set. Reads stream with the small fields packed into
// one integer, which halves the values the database formats per row.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"strings"
	"sync"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"
	"github.com/uptrace/bun/dialect/sqlitedialect"
	_ "modernc.org/sqlite" // registers the "sqlite" driver

	"sanlv/fixtures"
	"sanlv/scoring"
)

// DefaultSQLite is the database file used when no DSN is given.
const DefaultSQLite = "sanlv.db"

// Config configures Open.
type Config struct {
	// DSN selects the database: "" is the SQLite file sanlv.db in the working directory;
	// postgres:// or postgresql:// is PostgreSQL; sqlite:PATH, file:PATH or a plain path is SQLite.
	DSN string
	// Calendars resolves the calendars named by stored policies; nil uses the embedded fixtures.
	Calendars scoring.CalendarSource
	// Logger receives operational logs; nil discards them.
	Logger *slog.Logger
	// NoMigrate skips running migrations on open (for `sanlv migrate`, which runs them itself).
	NoMigrate bool
	// Now returns the current time; nil is time.Now.
	Now func() time.Time
	// ScanWorkers is how many PostgreSQL connections read a scoring window in parallel (in one exported
	// snapshot); 0 or 1 reads with one. More pays only when the database server has idle cores: on a
	// loaded two-core machine one stream was faster (see the benchmarks in the package's tests).
	ScanWorkers int
	// MaxConns caps the open connections: PostgreSQL's one pool (default 16, which leaves room on a
	// server with max_connections 100 for several processes and psql), SQLite's pool of readers
	// (default 16). SQLite writes go through one dedicated writer connection, so writers queue in the
	// process instead of spinning on the file lock.
	MaxConns int
	// MaxIdleConns is how many idle connections are kept (default MaxConns).
	MaxIdleConns int
}

// Default pool sizes (see Config.MaxConns).
const (
	DefaultPGConns     = 16
	DefaultSQLiteConns = 16
)

// DB is an open Sanlv database.
type DB struct {
	// bun reads; wr writes (the same pool on PostgreSQL, one connection on SQLite).
	bun  *bun.DB
	wr   *bun.DB
	pg   bool
	name string
	cal  scoring.CalendarSource
	log  *slog.Logger
	now  func() time.Time
	// workers is how many connections read a window in parallel (PostgreSQL).
	workers int
	// parsed holds the parsed stored policies by the SHA-256 of their source.
	parsed sync.Map
}

// OpenConfig opens a database with explicit configuration.
func OpenConfig(ctx context.Context, c Config) (*DB, error) {
	driver, dsn, pg, err := resolveDSN(c.DSN)
	if err != nil {
		return nil, err
	}
	name := Redact(c.DSN)
	if c.DSN == "" {
		name = DefaultSQLite
	}
	db := &DB{pg: pg, name: name, cal: c.Calendars, log: c.Logger, now: c.Now}
	sqldb, err := sql.Open(driver, dsn)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", name, err)
	}
	conns := c.MaxConns
	if pg {
		if conns <= 0 {
			conns = DefaultPGConns
		}
		db.bun = bun.NewDB(sqldb, pgdialect.New())
		db.wr = db.bun
	} else {
		if conns <= 0 {
			conns = DefaultSQLiteConns
		}
		db.bun = bun.NewDB(sqldb, sqlitedialect.New())
		// One writer: _txlock=immediate takes the write lock at BEGIN; the pool of one makes writers
		// queue here, bounded by their contexts, rather than on the busy timeout.
		wdb, err := sql.Open(driver, dsn+"&_txlock=immediate")
		if err != nil {
			sqldb.Close()
			return nil, fmt.Errorf("open %s: %w", name, err)
		}
		wdb.SetMaxOpenConns(1)
		wdb.SetMaxIdleConns(1)
		wdb.SetConnMaxIdleTime(0)
		db.wr = bun.NewDB(wdb, sqlitedialect.New())
	}
	idle := c.MaxIdleConns
	if idle <= 0 || idle > conns {
		idle = conns
	}
	sqldb.SetMaxOpenConns(conns)
	sqldb.SetMaxIdleConns(idle)
	sqldb.SetConnMaxIdleTime(5 * time.Minute)
	if db.cal == nil {
		db.cal = fixtures.Calendar
	}
	if db.log == nil {
		db.log = slog.New(slog.DiscardHandler)
	}
	if db.now == nil {
		db.now = time.Now
	}
	db.workers = max(1, c.ScanWorkers)
	if err := sqldb.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open %s: %w", db.name, err)
	}
	if !c.NoMigrate {
		if _, err := db.Migrate(ctx); err != nil {
			db.Close()
			return nil, err
		}
	}
	return db, nil
}

// Close closes the database.
func (db *DB) Close() error {
	err := db.bun.Close()
	if db.wr != db.bun {
		err = errors.Join(err, db.wr.Close())
	}
	return err
}

// Postgres reports whether the database is PostgreSQL (else SQLite).
func (db *DB) Postgres() bool { return db.pg }

// String names the database with any password removed.
func (db *DB) String() string { return db.name }

// Bun returns the underlying bun database, for read-only queries by other packages' tests.
func (db *DB) Bun() *bun.DB { return db.bun }

// sqlitePragmas are set on every pooled SQLite connection through the DSN.
const sqlitePragmas = "_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)&_pragma=busy_timeout(10000)" +
	"&_pragma=synchronous(NORMAL)&_pragma=cache_size(-65536)"

// resolveDSN maps a user DSN onto a driver name and driver DSN.
func resolveDSN(dsn string) (driver, out string, pg bool, err error) {
	switch {
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		return "pgx", dsn, true, nil
	case dsn == "":
		dsn = DefaultSQLite
	case strings.HasPrefix(dsn, "sqlite://"):
		dsn = strings.TrimPrefix(dsn, "sqlite://")
	case strings.HasPrefix(dsn, "sqlite:"):
		dsn = strings.TrimPrefix(dsn, "sqlite:")
	case strings.Contains(dsn, "://"):
		return "", "", false, scoring.Errorf(scoring.Invalid, "database %q: want postgres://…, sqlite:PATH or a file path", Redact(dsn))
	}
	path, query, _ := strings.Cut(strings.TrimPrefix(dsn, "file:"), "?")
	if path == "" || path == ":memory:" {
		return "", "", false, scoring.Errorf(scoring.Invalid, "database %q: an SQLite database must be a file", dsn)
	}
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		return "", "", false, scoring.Errorf(scoring.Invalid, "database %q is a directory", path)
	}
	q := sqlitePragmas
	if query != "" {
		q = query + "&" + q
	}
	return "sqlite", path + "?" + q, false, nil
}

// Redact removes the password from a database URL for display.
func Redact(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil || u.User == nil {
		return dsn
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}

// idb is a bun database or transaction.
type idb = bun.IDB

// inTx runs fn in one write transaction, committed when fn returns nil.
func (db *DB) inTx(ctx context.Context, fn func(tx bun.Tx) error) error {
	return db.wr.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error { return fn(tx) })
}
