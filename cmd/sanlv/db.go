package main

import (
	"context"

	"sanlv/store"
)

// dsn returns the database the user named: --db, else $SANLV_DB, else the SQLite file sanlv.db.
func (m *Main) dsn(flagValue string) string {
	if flagValue != "" {
		return flagValue
	}
	return m.Getenv("SANLV_DB")
}

// openDB opens (and migrates) the database, creating a SQLite file that does not exist yet, and closes
// it when Main closes; a command opens each database once, however many steps read it. Commands that
// only read use openExistingDB.
func (m *Main) openDB(ctx context.Context, flagValue string) (*store.DB, error) {
	dsn := m.dsn(flagValue)
	if db, ok := m.dbs[dsn]; ok {
		return db, nil
	}
	db, err := store.OpenConfig(ctx, store.Config{DSN: dsn, Logger: m.Logger})
	if err != nil {
		return nil, err
	}
	if m.dbs == nil {
		m.dbs = map[string]*store.DB{}
	}
	m.dbs[dsn] = db
	m.closers = append(m.closers, db.Close)
	return db, nil
}

// openExistingDB is openDB for commands that only read: a SQLite path that does not exist is an
// error, not a new empty database (a mistyped --db would otherwise print an empty ranking).
func (m *Main) openExistingDB(ctx context.Context, flagValue string) (*store.DB, error) {
	if err := store.MustExist(m.dsn(flagValue)); err != nil {
		return nil, err
	}
	return m.openDB(ctx, flagValue)
}
