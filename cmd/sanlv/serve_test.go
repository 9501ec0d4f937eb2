package main

import (
	"context"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"sanlv/api"
)

func TestServeAnswersWithATokenAndShutsDownGracefully(t *testing.T) {
	dsn := filepath.Join(t.TempDir(), "sanlv.db")
	token, stderr, err := run(t, "token", "create", "--role", "admin", "--name", "测试", "--db", dsn)
	if err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	m := NewMain()
	m.Stderr, m.Stdout = io.Discard, io.Discard
	defer m.Close()
	db, err := m.openDB(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- serve(ctx, m, ln, api.New(api.Config{DB: db, Logger: m.Logger}).Handler(), dsn, time.Second)
	}()
	req, _ := http.NewRequest("GET", "http://"+ln.Addr().String()+"/api/v1/me", nil)
	req.Header.Set("Authorization", "Bearer "+strings.TrimSpace(token))
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || !strings.Contains(string(body), "admin") {
		t.Errorf("GET /me: %d %s", res.StatusCode, body)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("serve returned %v after shutdown", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("serve did not shut down")
	}
}
