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

// openDB opens (and migrates) the database and closes it when Main closes.
func (m *Main) openDB(ctx context.Context, flagValue string) (*store.DB, error) {
	db, err := store.OpenConfig(ctx, store.Config{DSN: m.dsn(flagValue), Logger: m.Logger})
	if err != nil {
		return nil, err
	}
	m.closers = append(m.closers, db.Close)
	return db, nil
}
