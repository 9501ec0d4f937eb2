package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"sanlv/api"
	"sanlv/store"
)

// runServe serves the HTTP API until ctx ends (SIGINT or SIGTERM), then shuts down gracefully.
func (m *Main) runServe(ctx context.Context, args []string) error {
	var addr, db, noticeFile string
	var maxBody int64
	var grace time.Duration
	var conns, perCaller, workers int
	fs := m.flags("serve", "serve [--addr :8080] [--db DSN] [--db-conns N]")
	fs.StringVar(&addr, "addr", ":8080", "address to listen on")
	fs.StringVar(&db, "db", "", "database: SQLite path or postgres:// DSN (default $SANLV_DB, else "+store.DefaultSQLite+")")
	fs.Int64Var(&maxBody, "max-body", 1<<20, "largest JSON or YAML request body in bytes (uploads: 512 MiB)")
	fs.DurationVar(&grace, "grace", 30*time.Second, "how long shutdown waits for requests in flight")
	fs.StringVar(&noticeFile, "notice", "", "通报 settings YAML for bulletin.docx (default: the sample city's fixtures/notice/city.yaml)")
	fs.IntVar(&conns, "db-conns", 0, fmt.Sprintf("database connections: PostgreSQL's pool (default %d), SQLite's readers beside its one writer (default %d)",
		store.DefaultPGConns, store.DefaultSQLiteConns))
	fs.IntVar(&perCaller, "live-per-caller", 2, "live computations one token may start at a time (more: 429)")
	fs.IntVar(&workers, "live-workers", 0, "live computations running at once (default: the number of CPUs less one, at least one)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	cfg, err := m.noticeConfig(noticeFile)
	if err != nil {
		return err
	}
	if m.LogLevel != nil {
		m.LogLevel.Set(slog.LevelInfo)
		// Access logs go out in batches, at most 100 ms late, and in full at shutdown.
		lb := newLogBuffer(m.Stderr, 100*time.Millisecond)
		m.closers = append(m.closers, lb.Close)
		m.Logger = slog.New(slog.NewTextHandler(lb, &slog.HandlerOptions{Level: m.LogLevel}))
	}
	// A database that does not exist yet has no token, so nobody could use the API it would serve:
	// a mistyped --db is refused rather than served empty.
	if err := store.MustExist(m.dsn(db)); err != nil {
		create := "sanlv token create"
		if db != "" {
			create += " --db " + db
		}
		return fmt.Errorf("%w; %s makes it with the first token", err, create)
	}
	d, err := store.OpenConfig(ctx, store.Config{DSN: m.dsn(db), Logger: m.Logger, MaxConns: conns})
	if err != nil {
		return m.fail(err)
	}
	m.closers = append(m.closers, d.Close)
	s := api.New(api.Config{DB: d, Logger: m.Logger, MaxBody: maxBody, Notice: &cfg, LivePerCaller: perCaller, LiveWorkers: workers})
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	return serve(ctx, m, ln, s.Handler(), d.String(), grace)
}

// serve runs an http.Server on ln until ctx ends, then waits up to grace for requests in flight.
func serve(ctx context.Context, m *Main, ln net.Listener, h http.Handler, dbName string, grace time.Duration) error {
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       10 * time.Minute, // uploads
		WriteTimeout:      15 * time.Minute, // downloads
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
	}
	m.Logger.Info("serving", "addr", ln.Addr().String(), "db", dbName, "api", "http://"+ln.Addr().String()+api.Prefix)
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	m.Logger.Info("shutting down", "grace", grace)
	sctx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	m.Logger.Info("stopped")
	return nil
}
