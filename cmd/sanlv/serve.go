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
	fs := m.flags("serve", "serve [--addr :8080] [--db DSN]")
	fs.StringVar(&addr, "addr", ":8080", "address to listen on")
	fs.StringVar(&db, "db", "", "database: SQLite path or postgres:// DSN (default $SANLV_DB, else "+store.DefaultSQLite+")")
	fs.Int64Var(&maxBody, "max-body", 1<<20, "largest JSON or YAML request body in bytes (uploads: 512 MiB)")
	fs.DurationVar(&grace, "grace", 30*time.Second, "how long shutdown waits for requests in flight")
	fs.StringVar(&noticeFile, "notice", "", "通报 settings YAML for bulletin.docx (default: the sample city's fixtures/notice/city.yaml)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	cfg, err := m.noticeConfig(noticeFile)
	if err != nil {
		return err
	}
	if m.LogLevel != nil {
		m.LogLevel.Set(slog.LevelInfo)
	}
	d, err := m.openDB(ctx, db)
	if err != nil {
		return m.fail(err)
	}
	s := api.New(api.Config{DB: d, Logger: m.Logger, MaxBody: maxBody, Notice: &cfg})
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
