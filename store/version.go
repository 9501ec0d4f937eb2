package store

import (
	"context"

	"github.com/uptrace/bun"
)

// DataVersion returns the data version: a counter stored in the database and raised, in the same
// transaction, by every write that changes scoring results (imports that store rows, exclusions and
// corrections, approved appeals, policy activations, published editions). Results computed from the
// stored rows at one version stay valid until it changes, in every process serving the database.
func (db *DB) DataVersion(ctx context.Context) (int64, error) {
	var v int64
	err := db.bun.NewRaw("SELECT version FROM data_version WHERE id = 1").Scan(ctx, &v)
	return v, dbError(err, "read data version")
}

// bumpVersion raises the data version inside the write transaction tx. Every write that changes what
// scoring gives must call it before it commits.
func (db *DB) bumpVersion(ctx context.Context, tx bun.IDB) error {
	_, err := tx.NewRaw("UPDATE data_version SET version = version + 1 WHERE id = 1").Exec(ctx)
	return dbError(err, "raise data version")
}
