package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver

	"sanlv/fixtures"
	"sanlv/scoring"
	"sanlv/store"
	"sanlv/synth"
)

// world is the prepared city: its database, tokens and files.
type world struct {
	dsn      string
	dir      string
	units    []scoring.Unit
	admin    string
	deciders []string
	staff    []string
	// unitTokens holds one token per unit client, by unit code.
	unitTokens map[string]string
	unitCodes  []string
	// correction makes the correction file of each upload.
	correction *correction
	// baseline is each unit's excluded count in the period before the run.
	baseline map[string]int64
	cleanup  []func()
}

// prepare generates the city into a fresh database and creates the tokens.
func prepare(ctx context.Context, c config, log *slog.Logger) (*world, error) {
	w := &world{unitTokens: map[string]string{}, baseline: map[string]int64{}}
	w.dir = c.dir
	if w.dir != "" {
		if err := os.MkdirAll(w.dir, 0o755); err != nil {
			return nil, err
		}
	} else {
		d, err := os.MkdirTemp("", "sanlv-loadtest-*")
		if err != nil {
			return nil, err
		}
		w.dir = d
		if !c.keep {
			w.cleanup = append(w.cleanup, func() { os.RemoveAll(d) })
		}
	}
	switch c.db {
	case "sqlite":
		w.dsn = filepath.Join(w.dir, "sanlv.db")
	case "postgres":
		dsn, drop, err := pgSchema(c.pg)
		if err != nil {
			return nil, err
		}
		w.dsn = dsn
		if !c.keep {
			w.cleanup = append(w.cleanup, drop)
		}
	default:
		return nil, fmt.Errorf("--db %q: want sqlite or postgres", c.db)
	}
	scfg := synth.Config{Units: c.units, Assignments: c.assignments, Seed: 12345, Year: 2025}
	w.units = synth.Units(scfg)
	var units, tickets bytes.Buffer
	if err := synth.WriteUnits(&units, w.units); err != nil {
		return nil, err
	}
	if err := synth.WriteTickets(&tickets, scfg); err != nil {
		return nil, err
	}
	w.correction = newCorrection(tickets.Bytes(), c.correction, c.changes)
	db, err := store.OpenConfig(ctx, store.Config{DSN: w.dsn})
	if err != nil {
		return nil, err
	}
	defer db.Close()
	start := time.Now()
	if _, err := db.ImportUnits(ctx, "units.csv", bytes.NewReader(units.Bytes()), store.ImportOptions{Actor: "loadtest"}); err != nil {
		return nil, err
	}
	res, err := db.ImportTickets(ctx, "tickets.csv", bytes.NewReader(tickets.Bytes()), store.ImportOptions{Actor: "loadtest"})
	if err != nil {
		return nil, err
	}
	p, err := fixtures.Policy("district-2025")
	if err != nil {
		return nil, err
	}
	for _, name := range []string{"county-threshold", "district-2025"} {
		q, err := fixtures.Policy(name)
		if err != nil {
			return nil, err
		}
		rec, err := db.SavePolicy(ctx, q.Source, "loadtest")
		if err != nil {
			return nil, err
		}
		if name == "district-2025" {
			if _, err := db.ActivatePolicy(ctx, rec.Name, rec.Version, "loadtest"); err != nil {
				return nil, err
			}
		}
	}
	log.Info("city stored", "units", len(w.units), "assignments", res.Inserted, "elapsed", time.Since(start).Round(time.Millisecond))
	if w.admin, _, err = db.CreateToken(ctx, store.RoleAdmin, "", "考核办", "loadtest"); err != nil {
		return nil, err
	}
	for i := range c.deciders {
		tok, _, err := db.CreateToken(ctx, store.RoleCommittee, "", "委员"+strconv.Itoa(i+1), "loadtest")
		if err != nil {
			return nil, err
		}
		w.deciders = append(w.deciders, tok)
	}
	for i := range c.staff {
		tok, _, err := db.CreateToken(ctx, store.RoleCommittee, "", "查阅"+strconv.Itoa(i+1), "loadtest")
		if err != nil {
			return nil, err
		}
		w.staff = append(w.staff, tok)
	}
	for i := 0; i < c.unitClients && i < len(w.units); i++ {
		u := w.units[i*len(w.units)/min(c.unitClients, len(w.units))]
		tok, _, err := db.CreateToken(ctx, store.RoleUnit, u.Code, u.Name, "loadtest")
		if err != nil {
			return nil, err
		}
		w.unitTokens[u.Code] = tok
		w.unitCodes = append(w.unitCodes, u.Code)
	}
	b, err := db.Book(ctx, p, mustPeriod(p, c.period))
	if err != nil {
		return nil, err
	}
	card := b.Card(0)
	for _, sc := range card.Units {
		w.baseline[sc.Code] = sc.Counts.Excluded
	}
	return w, nil
}

func mustPeriod(p *scoring.Policy, id string) []scoring.Period {
	per, err := scoring.ParsePeriod(id, p.StartDay, p.Loc)
	if err != nil {
		panic(err)
	}
	return []scoring.Period{per}
}

// correction is a correction file of rows taken across the tickets file; each upload changes the
// satisfaction of a share of them (a different share each time), the other rows staying as stored.
type correction struct {
	header  string
	rows    [][]string
	satCol  int
	changes float64
	n       int
}

func newCorrection(tickets []byte, n int, changes float64) *correction {
	lines := strings.Split(strings.TrimSuffix(string(tickets), "\n"), "\n")
	c := &correction{header: lines[0], changes: changes}
	for i, h := range strings.Split(c.header, ",") {
		if h == "satisfaction" {
			c.satCol = i
		}
	}
	rows := lines[1:]
	step := max(1, len(rows)/max(n, 1))
	for i := 0; i < len(rows) && len(c.rows) < n; i += step {
		c.rows = append(c.rows, strings.Split(rows[i], ","))
	}
	return c
}

// next returns the next upload: the rows, with changes × rows of them changed since the last upload.
func (c *correction) next() []byte {
	var b strings.Builder
	b.WriteString(c.header + "\n")
	k := max(1, int(c.changes*float64(len(c.rows))))
	for i := range k {
		f := c.rows[(c.n*k+i)%len(c.rows)]
		if f[c.satCol] == "dissatisfied" {
			f[c.satCol] = "satisfied"
		} else {
			f[c.satCol] = "dissatisfied"
		}
	}
	c.n++
	for _, f := range c.rows {
		b.WriteString(strings.Join(f, ",") + "\n")
	}
	return []byte(b.String())
}

// pgSchema makes a fresh schema on the server and returns a DSN using it and a function that drops it.
func pgSchema(base string) (string, func(), error) {
	admin, err := sql.Open("pgx", base)
	if err != nil {
		return "", nil, err
	}
	var maxConns string
	if err := admin.QueryRow("SHOW max_connections").Scan(&maxConns); err != nil {
		admin.Close()
		return "", nil, fmt.Errorf("PostgreSQL at %s: %w", store.Redact(base), err)
	}
	slog.Info("PostgreSQL", "max_connections", maxConns)
	var b [6]byte
	rand.Read(b[:])
	schema := "loadtest_" + hex.EncodeToString(b[:])
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		admin.Close()
		return "", nil, err
	}
	u, err := url.Parse(base)
	if err != nil {
		admin.Close()
		return "", nil, err
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String(), func() {
		admin.Exec("DROP SCHEMA " + schema + " CASCADE")
		admin.Close()
	}, nil
}

// server is a running `sanlv serve`.
type server struct {
	cmd  *exec.Cmd
	base string
}

// startServer builds sanlv when needed and serves the database on a free loopback port.
func startServer(ctx context.Context, c config, w *world, log *slog.Logger) (*server, error) {
	bin := c.sanlv
	if bin == "" {
		bin = filepath.Join(w.dir, "sanlv")
		build := exec.CommandContext(ctx, "go", "build", "-o", bin, "./cmd/sanlv")
		build.Stdout, build.Stderr = os.Stderr, os.Stderr
		if err := build.Run(); err != nil {
			return nil, fmt.Errorf("go build ./cmd/sanlv (run loadtest from the repository, or give --sanlv): %w", err)
		}
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	addr := ln.Addr().String()
	ln.Close()
	logf, err := os.Create(filepath.Join(w.dir, "server.log"))
	if err != nil {
		return nil, err
	}
	args := []string{"serve", "--addr", addr, "--db", w.dsn}
	if c.maxConns > 0 {
		args = append(args, "--db-conns", strconv.Itoa(c.maxConns))
	}
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	s := &server{cmd: cmd, base: "http://" + addr}
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		res, err := http.Get(s.base + "/api/v1/openapi.json")
		if err == nil {
			res.Body.Close()
			break
		}
		if time.Now().After(deadline) {
			s.stop()
			return nil, fmt.Errorf("the server did not answer within 30 s (see %s)", logf.Name())
		}
	}
	log.Info("serving", "addr", addr, "log", logf.Name())
	return s, nil
}

// stop ends the server (SIGINT, then kill after 10 s) and waits for it.
func (s *server) stop() {
	s.cmd.Process.Signal(os.Interrupt)
	done := make(chan struct{})
	go func() { s.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		s.cmd.Process.Kill()
		<-done
	}
}
