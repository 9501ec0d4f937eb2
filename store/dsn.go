package store

import (
	"errors"
	"io/fs"
	"os"
	"strings"
)

// MustExist refuses a SQLite database file that does not exist (NotFound), for commands that only
// read: opening a mistyped path would create an empty database and answer with nothing. A PostgreSQL
// DSN always passes (the server says whether the database exists).
func MustExist(dsn string) error {
	driver, out, _, err := resolveDSN(dsn)
	if err != nil || driver != "sqlite" {
		return err
	}
	path, _, _ := strings.Cut(out, "?")
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return notFound("database %s does not exist (check --db or $SANLV_DB; sanlv import creates one)", path)
	} else if err != nil {
		return dbError(err, "database %s", path)
	}
	return nil
}
