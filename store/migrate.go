package store

import (
	"context"
	"embed"
	"fmt"
	"io/fs"

	"github.com/uptrace/bun/migrate"
)

// migrations holds one directory of SQL migrations per dialect, so that each keeps its honest DDL.
//
//go:embed migrations/sqlite/*.sql migrations/postgres/*.sql
var migrations embed.FS

// migrationLock is the PostgreSQL advisory lock key that serialises concurrent migrations.
const migrationLock = 7_320_345_12345

func (db *DB) migrator() (*migrate.Migrator, error) {
	dir := "migrations/sqlite"
	if db.pg {
		dir = "migrations/postgres"
	}
	sub, err := fs.Sub(migrations, dir)
	if err != nil {
		return nil, err
	}
	ms := migrate.NewMigrations()
	if err := ms.Discover(sub); err != nil {
		return nil, fmt.Errorf("migrations: %w", err)
	}
	return migrate.NewMigrator(db.wr, ms, migrate.WithMarkAppliedOnSuccess(true)), nil
}

// Migrate applies the migrations not yet applied and returns their names (empty when up to date).
func (db *DB) Migrate(ctx context.Context) ([]string, error) {
	m, err := db.migrator()
	if err != nil {
		return nil, err
	}
	if db.pg {
		conn, err := db.wr.Conn(ctx)
		if err != nil {
			return nil, fmt.Errorf("migrate: %w", err)
		}
		defer conn.Close()
		if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock(?)", migrationLock); err != nil {
			return nil, fmt.Errorf("migrate: lock: %w", err)
		}
		defer conn.ExecContext(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock(?)", migrationLock)
	}
	names, err := db.migrate(ctx, m)
	if err != nil && !db.pg {
		// Another process may have migrated the same SQLite file at the same moment: retry once.
		names, err = db.migrate(ctx, m)
	}
	return names, err
}

func (db *DB) migrate(ctx context.Context, m *migrate.Migrator) ([]string, error) {
	if err := m.Init(ctx); err != nil {
		return nil, fmt.Errorf("migrate: init: %w", err)
	}
	g, err := m.Migrate(ctx)
	if err != nil {
		return nil, fmt.Errorf("migrate %s: %w", db.name, err)
	}
	var names []string
	for _, mg := range g.Migrations {
		names = append(names, mg.Name)
		db.log.Info("migrated", "db", db.name, "migration", mg.Name)
	}
	return names, nil
}

// MigrationStatus lists every known migration and whether it has been applied.
func (db *DB) MigrationStatus(ctx context.Context) ([]Migration, error) {
	m, err := db.migrator()
	if err != nil {
		return nil, err
	}
	if err := m.Init(ctx); err != nil {
		return nil, fmt.Errorf("migrate: init: %w", err)
	}
	ms, err := m.MigrationsWithStatus(ctx)
	if err != nil {
		return nil, fmt.Errorf("migration status: %w", err)
	}
	out := make([]Migration, len(ms))
	for i, mg := range ms {
		out[i] = Migration{Name: mg.Name, Applied: mg.IsApplied(), AppliedAt: mg.MigratedAt}
	}
	return out, nil
}
