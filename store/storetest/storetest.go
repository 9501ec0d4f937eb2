// Package storetest gives tests real databases: a temporary SQLite file, and a fresh PostgreSQL schema when SANLV_TEST_PG is set.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the pgx driver

	"sanlv/store"
)

// PostgresDSN returns a DSN whose search_path is a fresh schema, dropped when the test ends;
// it skips the test with a visible message when SANLV_TEST_PG is not set.
func PostgresDSN(t testing.TB) string {
	t.Helper()
	base := os.Getenv("SANLV_TEST_PG")
	if base == "" {
		t.Skip("SANLV_TEST_PG not set: PostgreSQL half skipped (e.g. SANLV_TEST_PG=postgres://postgres@127.0.0.1:5432/test?sslmode=disable)")
	}
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	var b [6]byte
	rand.Read(b[:])
	schema := "t_" + hex.EncodeToString(b[:])
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		admin.Close()
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		admin.Exec("DROP SCHEMA " + schema + " CASCADE")
		admin.Close()
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// SQLiteDSN returns the path of a SQLite file in the test's temporary directory.
func SQLiteDSN(t testing.TB) string { return filepath.Join(t.TempDir(), "sanlv.db") }

// EachDatabase runs fn as a subtest against SQLite and against PostgreSQL (skipped without SANLV_TEST_PG).
func EachDatabase(t *testing.T, fn func(t *testing.T, dsn string)) {
	t.Run("sqlite", func(t *testing.T) { fn(t, SQLiteDSN(t)) })
	t.Run("postgres", func(t *testing.T) { fn(t, PostgresDSN(t)) })
}

// Open opens (and migrates) the database at dsn and closes it when the test ends; SANLV_TEST_LOG=1 shows its logs.
func Open(t testing.TB, dsn string) *store.DB {
	t.Helper()
	var logger *slog.Logger
	if os.Getenv("SANLV_TEST_LOG") != "" {
		logger = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	db, err := store.OpenConfig(context.Background(), store.Config{DSN: dsn, Logger: logger})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// EachDB runs fn as a subtest against an opened SQLite file and PostgreSQL schema (skipped without SANLV_TEST_PG).
func EachDB(t *testing.T, fn func(t *testing.T, db *store.DB)) {
	t.Helper()
	EachDatabase(t, func(t *testing.T, dsn string) { fn(t, Open(t, dsn)) })
}
