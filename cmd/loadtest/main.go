// Command loadtest runs Sanlv's month-end on loopback and checks that nothing went wrong.
//
// It generates a synthetic city (package synth), stores it in a fresh SQLite file or PostgreSQL schema,
// starts `sanlv serve` on 127.0.0.1 as a child process, and runs the month-end mix for a fixed time:
// unit clients reading rankings, their scorecards and explanations, paging their assignments and
// filing appeals; deciders approving (excluding) or rejecting the oldest pending appeals, often the
// same ones at once; staff readers; one importer re-uploading a correction file; one publisher. Then it
// stops the server and checks from the database that no acknowledged write was lost or doubled, that
// every audit entry matches a write, and that the scores reflect exactly the approved appeals. It
// prints requests per second, p50 and p99 per route class and the answers by status, and exits 1 when
// a check fails or any answer was a 5xx.
//
//	go run ./cmd/loadtest --db sqlite --duration 60s
//	go run ./cmd/loadtest --db postgres --pg postgres://postgres@127.0.0.1:5432/test?sslmode=disable
//	go run ./cmd/loadtest --published-reads 64 --duration 20s
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"time"
)

// config is what the flags set.
type config struct {
	db, pg, sanlv, period, dir string
	units, assignments         int
	unitClients, deciders      int
	staff                      int
	duration, think, warmup    time.Duration
	importEvery, publishEvery  time.Duration
	correction                 int
	changes                    float64
	maxConns                   int
	keep                       bool
	// reads, when set, runs that many published-edition readers instead of the month-end mix.
	reads int
}

func main() {
	var c config
	flag.StringVar(&c.db, "db", "sqlite", "database: sqlite or postgres")
	flag.StringVar(&c.pg, "pg", envOr("SANLV_TEST_PG", "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"), "PostgreSQL server (a fresh schema is made in it and dropped after)")
	flag.StringVar(&c.sanlv, "sanlv", "", "sanlv binary to serve with (default: go build ./cmd/sanlv)")
	flag.StringVar(&c.period, "period", "2025-06", "the month being closed")
	flag.StringVar(&c.dir, "dir", "", "working directory (default: a temporary one, removed after)")
	flag.IntVar(&c.units, "units", 300, "units in the city")
	flag.IntVar(&c.assignments, "assignments", 300000, "assignments in the year")
	flag.IntVar(&c.unitClients, "unit-clients", 170, "unit clients")
	flag.IntVar(&c.deciders, "deciders", 20, "deciders (committee tokens)")
	flag.IntVar(&c.staff, "staff", 6, "staff readers")
	flag.DurationVar(&c.duration, "duration", 60*time.Second, "how long the mix runs (at most 10 minutes)")
	flag.DurationVar(&c.warmup, "warmup", 10*time.Second, "how long the mix runs before measuring starts (its writes are checked too)")
	flag.DurationVar(&c.think, "think", time.Second, "mean pause of a unit client between requests (deciders and staff: half)")
	flag.DurationVar(&c.importEvery, "import-every", 2*time.Second, "pause between correction uploads")
	flag.DurationVar(&c.publishEvery, "publish-every", 2*time.Second, "pause between publishes")
	flag.IntVar(&c.correction, "correction", 5000, "rows in the correction file")
	flag.Float64Var(&c.changes, "changes", 0.1, "share of the correction's rows each upload changes (1: all)")
	flag.IntVar(&c.maxConns, "db-conns", 0, "the server's --db-conns (0: its default)")
	flag.IntVar(&c.reads, "published-reads", 0, "instead of the mix: publish once, then this many clients read the published rankings and scorecards without pause")
	flag.BoolVar(&c.keep, "keep", false, "keep the working directory and the PostgreSQL schema")
	flag.Parse()
	c.duration = min(c.duration, 10*time.Minute)
	c.warmup = min(c.warmup, time.Minute)
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	ok, err := run(ctx, c, log)
	if err != nil {
		fmt.Fprintln(os.Stderr, "loadtest:", err)
		os.Exit(2)
	}
	if !ok {
		os.Exit(1)
	}
}

func envOr(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}
