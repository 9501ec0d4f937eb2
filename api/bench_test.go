package api_test

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"sanlv/api"
	"sanlv/store/storetest"
)

// BenchmarkPublishedReads is the load test of published reads: a real http.Server on 127.0.0.1:0 over
// SQLite holding the worked example with edition 1 of 2025-10 published, and 64 clients, each on its
// own keep-alive connection, sending b.N requests in all, rotating between the public rankings (all
// groups and one group), every unit's scorecards (admin) and one unit's scorecard (its own token).
// The server logs every request as `sanlv serve` does (to io.Discard). The clients speak HTTP/1.1 on
// raw connections, as wrk does, so that the load generator takes as little of the two cores as it
// can. It reports requests per second and the 50th and 99th percentile latencies:
//
//	go test ./api/ -run '^$' -bench PublishedReads -benchtime 200000x
func BenchmarkPublishedReads(b *testing.B) {
	const clients = 64
	e := newEnv(b, storetest.Open(b, storetest.SQLiteDSN(b)))
	e.setup()
	e.do("POST", "/api/v1/periods/2025-10/editions", "admin", nil, "").want(b, 201)

	s := api.New(api.Config{DB: e.db, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	srv := &http.Server{Handler: s.Handler(), ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	defer srv.Close()
	var reqs [][]byte
	for _, r := range []struct{ path, who string }{
		{"/api/v1/periods/2025-10/rankings", "S02"},
		{"/api/v1/periods/2025-10/rankings/street", "S01"},
		{"/api/v1/periods/2025-10/scorecards", "admin"},
		{"/api/v1/periods/2025-10/scorecards/S01", "S01"},
	} {
		reqs = append(reqs, fmt.Appendf(nil, "GET %s HTTP/1.1\r\nHost: %s\r\nAuthorization: Bearer %s\r\nUser-Agent: sanlv-load\r\n\r\n",
			r.path, ln.Addr(), e.tokens[r.who]))
	}
	conns := make([]*rawConn, clients)
	for c := range conns {
		if conns[c], err = dial(ln.Addr().String()); err != nil {
			b.Fatal(err)
		}
		defer conns[c].Close()
		for _, r := range reqs { // warm the connections and the edition cache
			if err := conns[c].do(r); err != nil {
				b.Fatal(err)
			}
		}
	}

	var next atomic.Int64
	lat := make([][]time.Duration, clients)
	var wg sync.WaitGroup
	b.ResetTimer()
	cpu0 := cpuTime()
	start := time.Now()
	for c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := next.Add(1) - 1
				if i >= int64(b.N) {
					return
				}
				t0 := time.Now()
				if err := conns[c].do(reqs[i%int64(len(reqs))]); err != nil {
					b.Error(err)
					return
				}
				lat[c] = append(lat[c], time.Since(t0))
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	cpu := cpuTime() - cpu0
	b.StopTimer()
	all := slices.Concat(lat...)
	if len(all) == 0 {
		return
	}
	slices.Sort(all)
	pct := func(p float64) float64 { return float64(all[int(p*float64(len(all)-1))].Microseconds()) / 1000 }
	b.ReportMetric(float64(len(all))/elapsed.Seconds(), "req/s")
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
	// CPU time of the process (server and clients) per request: what the load costs whatever else runs.
	b.ReportMetric(float64(cpu.Microseconds())/float64(len(all)), "cpu-µs/req")
}

// cpuTime returns the user and system CPU time the process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// rawConn is a keep-alive HTTP/1.1 connection that sends prepared requests and reads answers that have
// a Content-Length, as every answer of the API does.
type rawConn struct {
	net.Conn
	r *bufio.Reader
}

func dial(addr string) (*rawConn, error) {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		return nil, err
	}
	return &rawConn{Conn: c, r: bufio.NewReaderSize(c, 64<<10)}, nil
}

// do sends one request and reads its answer, which must be 200.
func (c *rawConn) do(req []byte) error {
	if _, err := c.Write(req); err != nil {
		return err
	}
	line, err := c.r.ReadSlice('\n')
	if err != nil {
		return err
	}
	if !bytes.HasPrefix(line, []byte("HTTP/1.1 200 ")) {
		return fmt.Errorf("answer %q", bytes.TrimSpace(line))
	}
	n := -1
	for {
		h, err := c.r.ReadSlice('\n')
		if err != nil {
			return err
		}
		if len(h) <= 2 {
			break
		}
		if k, v, ok := bytes.Cut(h, []byte(":")); ok && bytes.EqualFold(k, []byte("Content-Length")) {
			if n, err = strconv.Atoi(string(bytes.TrimSpace(v))); err != nil {
				return err
			}
		}
	}
	if n < 0 {
		return fmt.Errorf("answer without Content-Length")
	}
	_, err = c.r.Discard(n)
	return err
}
