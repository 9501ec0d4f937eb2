package api

import (
	"bufio"
	"bytes"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestAHandlerOutOfTimeAnswers503(t *testing.T) {
	var logs bytes.Buffer
	s, _ := wrapped(&logs, time.Second, nil)
	h := s.observe(s.limit(20*time.Millisecond, 16, s.serve(func(w http.ResponseWriter, r *http.Request) error {
		<-r.Context().Done()
		return fmt.Errorf("read assignments: %w", r.Context().Err()) // as a database driver reports it
	})))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
	if rec.Code != http.StatusServiceUnavailable || decodeError(t, rec).Code != CodeTimeout {
		t.Errorf("status %d: %s", rec.Code, rec.Body)
	}
}

func TestAStalledBodyEndsAtTheRequestLimit(t *testing.T) {
	var logs bytes.Buffer
	s, _ := wrapped(&logs, time.Second, nil)
	h := s.observe(s.limit(300*time.Millisecond, 1<<10, s.serve(func(w http.ResponseWriter, r *http.Request) error {
		var v struct {
			A string `json:"a"`
		}
		return s.decodeJSON(r, &v)
	})))
	srv := httptest.NewServer(h)
	defer srv.Close()
	conn, err := net.Dial("tcp", srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	// The body promises 100 bytes and sends 6, then nothing.
	fmt.Fprintf(conn, "POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"a\":\"")
	conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	start := time.Now()
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("no answer to a stalled body: %v", err)
	}
	defer res.Body.Close()
	var body bytes.Buffer
	body.ReadFrom(res.Body)
	if res.StatusCode != http.StatusServiceUnavailable || !strings.Contains(body.String(), CodeTimeout) {
		t.Errorf("status %d: %s", res.StatusCode, body.String())
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("answered after %s, want about the 300 ms limit", d)
	}
}
