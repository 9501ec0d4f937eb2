package store_test

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"sanlv/store"
	"sanlv/store/storetest"
	"sanlv/synth"
)

// Environment of the child process of TestKillDuringImport.
const (
	envChildDSN  = "SANLV_KILL_CHILD_DSN"
	envChildFile = "SANLV_KILL_CHILD_FILE"
)

// TestKillChild is the child process of TestKillDuringImport: it imports a file, printing its progress.
func TestKillChild(t *testing.T) {
	dsn := os.Getenv(envChildDSN)
	if dsn == "" {
		t.Skip("helper process of TestKillDuringImport (runs only as its child)")
	}
	db, err := store.OpenConfig(context.Background(), store.Config{DSN: dsn})
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(os.Getenv(envChildFile))
	if err != nil {
		t.Fatal(err)
	}
	_, err = db.ImportTickets(context.Background(), "big.csv", f, store.ImportOptions{Actor: "child",
		Progress: func(rows int) { fmt.Printf("rows %d\n", rows) }})
	fmt.Printf("done %v\n", err)
}

// TestKillDuringImport SIGKILLs a real process in the middle of a large import, and once more after it
// has read the whole file (merging or committing), and checks the database holds all of the file or none of it.
func TestKillDuringImport(t *testing.T) {
	if testing.Short() {
		t.Skip("slow: kills an importing process")
	}
	cfg := synth.Config{Units: 50, Assignments: 200_000, Seed: 3, Year: 2025}
	units, small := city(t, synth.Config{Units: 50, Assignments: 1000, Seed: 3, Year: 2024}) // other ticket ids (T2024…)
	big := filepath.Join(t.TempDir(), "big.csv")
	f, err := os.Create(big)
	if err != nil {
		t.Fatal(err)
	}
	if err := synth.WriteTickets(f, cfg); err != nil {
		t.Fatal(err)
	}
	f.Close()
	dsns := map[string]func(t *testing.T) string{
		"sqlite":   func(t *testing.T) string { return filepath.Join(t.TempDir(), "kill.db") },
		"postgres": func(t *testing.T) string { return storetest.PostgresDSN(t) },
	}
	for _, name := range []string{"sqlite", "postgres"} {
		t.Run(name, func(t *testing.T) {
			dsn := dsns[name](t)
			ctx := context.Background()
			db, err := store.OpenConfig(ctx, store.Config{DSN: dsn})
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			if _, err := db.ImportUnits(ctx, "units.csv", bytes.NewReader(units), store.ImportOptions{}); err != nil {
				t.Fatal(err)
			}
			before := schema(t, db)
			// Killed while loading into the empty table (its keys dropped for the load): nothing stored, keys back.
			killChild(t, dsn, big, func(line string) bool { return progressAtLeast(line, 50_000) })
			if n := count(t, db); n != 0 {
				t.Fatalf("after a kill mid-import into an empty table: %d rows, want 0", n)
			}
			if got := schema(t, db); got != before {
				t.Fatalf("schema after the kill:\n%s\nwant\n%s", got, before)
			}
			checkIntegrity(t, db)
			if _, err := db.ImportTickets(ctx, "small.csv", bytes.NewReader(small), store.ImportOptions{}); err != nil {
				t.Fatal(err)
			}
			digest, rows, err := db.Digest(ctx, 0, 0)
			if err != nil {
				t.Fatal(err)
			}
			// Killed while streaming rows into the staging table: nothing of the file may be stored.
			killChild(t, dsn, big, func(line string) bool { return progressAtLeast(line, 50_000) })
			if d, n, err := db.Digest(ctx, 0, 0); err != nil || d != digest || n != rows {
				t.Fatalf("after a kill mid-import: %d rows (want %d), digest changed %v, %v", n, rows, d != digest, err)
			}
			checkIntegrity(t, db)
			// Killed after the last row was read (staging, merging or committing): all or nothing.
			killChild(t, dsn, big, func(line string) bool { return progressAtLeast(line, cfg.Assignments) })
			n := count(t, db)
			if n != rows && n != rows+int64(cfg.Assignments) {
				t.Fatalf("after a kill at the end: %d rows, want %d or %d", n, rows, rows+int64(cfg.Assignments))
			}
			t.Logf("killed at the end of the file: %d rows stored (before: %d)", n, rows)
			checkIntegrity(t, db)
			// The database still works: the import completes.
			res, err := db.ImportTickets(ctx, "big.csv", mustOpen(t, big), store.ImportOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if got := count(t, db); got != rows+int64(cfg.Assignments) || res.Read != cfg.Assignments {
				t.Errorf("after the full import: %d rows, want %d", got, rows+int64(cfg.Assignments))
			}
		})
	}
}

func mustOpen(t *testing.T, path string) *os.File {
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func progressAtLeast(line string, n int) bool {
	v, ok := strings.CutPrefix(line, "rows ")
	if !ok {
		return false
	}
	k, _ := strconv.Atoi(v)
	return k >= n
}

// killChild starts the child import and SIGKILLs it when a line of its output satisfies when.
func killChild(t *testing.T, dsn, file string, when func(line string) bool) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestKillChild$", "-test.v")
	cmd.Env = append(os.Environ(), envChildDSN+"="+dsn, envChildFile+"="+file)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(out)
	killed := false
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "done") {
			t.Fatalf("the child finished before it was killed: %s", line)
		}
		if when(line) {
			if err := cmd.Process.Kill(); err != nil {
				t.Fatal(err)
			}
			killed = true
			break
		}
	}
	cmd.Wait()
	if !killed {
		t.Fatal("the child ended without reaching the kill point")
	}
}

// schema lists the indexes and constraints of the database's tables.
func schema(t *testing.T, db *store.DB) string {
	t.Helper()
	q := "SELECT type || ' ' || name || ' ' || coalesce(sql, '') FROM sqlite_master ORDER BY name"
	if db.Postgres() {
		q = "SELECT conrelid::regclass::text || ' ' || conname || ' ' || pg_get_constraintdef(oid) FROM pg_constraint " +
			"WHERE connamespace = current_schema()::regnamespace UNION ALL " +
			"SELECT indexdef FROM pg_indexes WHERE schemaname = current_schema() ORDER BY 1"
	}
	var rows []string
	if err := db.Bun().NewRaw(q).Scan(context.Background(), &rows); err != nil {
		t.Fatal(err)
	}
	return strings.Join(rows, "\n")
}

// checkIntegrity runs SQLite's integrity check (PostgreSQL needs none: an aborted transaction leaves nothing).
func checkIntegrity(t *testing.T, db *store.DB) {
	t.Helper()
	if db.Postgres() {
		return
	}
	var s string
	if err := db.Bun().QueryRowContext(context.Background(), "PRAGMA integrity_check").Scan(&s); err != nil || s != "ok" {
		t.Errorf("integrity check: %s %v", s, err)
	}
}
