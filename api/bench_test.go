package api_test

import (
	"io"
	"log/slog"
	"net"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"sanlv/api"
)

// BenchmarkPublishedReads is the load test of published reads: a real http.Server on 127.0.0.1:0 over
// SQLite holding the worked example with edition 1 of 2025-10 published, and 64 client goroutines
// sending b.N requests in all over keep-alive connections, rotating between the public rankings (all
// groups and one group), every unit's scorecards (admin) and one unit's scorecard (its own token).
// It reports requests per second and the 50th and 99th percentile latencies. Run it with
//
//	go test ./api/ -run '^$' -bench PublishedReads -benchtime 200000x
func BenchmarkPublishedReads(b *testing.B) {
	const clients = 64
	e := newEnv(b, openSQLite(b))
	e.setup()
	e.do("POST", "/api/v1/periods/2025-10/editions", "admin", nil, "").want(b, 201)

	// The server under test logs every request, as `sanlv serve` does (to nowhere here).
	s := api.New(api.Config{DB: e.db, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	srv := &http.Server{Handler: s.Handler(), ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	defer srv.Close()
	base := "http://" + ln.Addr().String()
	reqs := []struct{ path, who string }{
		{"/api/v1/periods/2025-10/rankings", "S02"},
		{"/api/v1/periods/2025-10/rankings/street", "S01"},
		{"/api/v1/periods/2025-10/scorecards", "admin"},
		{"/api/v1/periods/2025-10/scorecards/S01", "S01"},
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConns: clients, MaxIdleConnsPerHost: clients, DisableCompression: true}}
	send := func(i int) error {
		r := reqs[i%len(reqs)]
		req, _ := http.NewRequest("GET", base+r.path, nil)
		req.Header.Set("Authorization", "Bearer "+e.tokens[r.who])
		res, err := client.Do(req)
		if err != nil {
			return err
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if res.StatusCode != 200 {
			b.Errorf("%s: status %d", r.path, res.StatusCode)
		}
		return nil
	}
	for i := range clients { // warm the connections and the edition cache
		if err := send(i); err != nil {
			b.Fatal(err)
		}
	}

	var next atomic.Int64
	lat := make([][]time.Duration, clients)
	var wg sync.WaitGroup
	b.ResetTimer()
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
				if err := send(int(i)); err != nil {
					b.Error(err)
					return
				}
				lat[c] = append(lat[c], time.Since(t0))
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	all := slices.Concat(lat...)
	slices.Sort(all)
	if len(all) == 0 {
		return
	}
	pct := func(p float64) float64 { return float64(all[int(p*float64(len(all)-1))].Microseconds()) / 1000 }
	b.ReportMetric(float64(len(all))/elapsed.Seconds(), "req/s")
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
}
