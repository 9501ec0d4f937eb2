package main

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"sanlv/scoring"
	"sanlv/store"
)

// run prepares the city, runs the mix against a served database and checks the outcome; ok is false
// when a check failed or an answer was a 5xx.
func run(ctx context.Context, c config, log *slog.Logger) (bool, error) {
	w, err := prepare(ctx, c, log)
	if w != nil {
		defer func() {
			for _, f := range w.cleanup {
				f()
			}
		}()
	}
	if err != nil {
		return false, err
	}
	srv, err := startServer(ctx, c, w, log)
	if err != nil {
		return false, err
	}
	defer srv.stop()
	if c.reads > 0 {
		return publishedReads(ctx, c, w, srv, c.reads)
	}
	hc := &http.Client{Transport: &http.Transport{MaxIdleConns: 1000, MaxIdleConnsPerHost: 1000}, Timeout: 60 * time.Second}
	st := newStats()
	st.from = time.Now().Add(c.warmup)
	l := &ledger{filed: map[int64]string{}, decided: map[int64]string{}}
	mk := func(tok string) *client { return &client{http: hc, base: srv.base, token: tok, st: st} }

	load0 := loadAvg()
	log.Info("running the month-end mix", "db", c.db, "unit_clients", len(w.unitCodes), "deciders", len(w.deciders),
		"staff", len(w.staff), "warmup", c.warmup, "duration", c.duration, "think", c.think, "load_before", load0)
	rctx, cancel := context.WithTimeout(ctx, c.warmup+c.duration)
	defer cancel()
	start := st.from
	var wg sync.WaitGroup
	goRun := func(f func()) {
		wg.Add(1)
		go func() { defer wg.Done(); f() }()
	}
	for i, code := range w.unitCodes {
		cl := mk(w.unitTokens[code])
		goRun(func() { unitClient(rctx, cl, code, c.period, c.think, l, uint64(i)) })
	}
	for i, tok := range w.deciders {
		cl := mk(tok)
		goRun(func() { decider(rctx, cl, c.think, l, uint64(1000+i)) })
	}
	for i, tok := range w.staff {
		cl := mk(tok)
		goRun(func() { staffReader(rctx, cl, c.period, c.think, uint64(2000+i)) })
	}
	admin := mk(w.admin)
	goRun(func() { importer(rctx, admin, w.correction, c.importEvery, l) })
	goRun(func() { publisher(rctx, admin, c.period, c.publishEvery, l) })
	samples := sampleLoad(rctx)
	wg.Wait()
	elapsed := time.Since(start)
	fmt.Printf("\nmonth-end mix on %s: %d unit clients, %d deciders, %d staff, 1 importer (%d rows, %.0f%% changed, every %s), 1 publisher (every %s), %s measured after %s, think %s\n",
		c.db, len(w.unitCodes), len(w.deciders), len(w.staff), c.correction, 100*c.changes, c.importEvery, c.publishEvery, elapsed.Round(time.Millisecond), c.warmup, c.think)
	fivexx, none := st.report(os.Stdout, elapsed)
	fmt.Printf("machine: %d CPUs, load average before %s, during %s\n", runtime.NumCPU(), load0, <-samples)

	ok := true
	fail := func(format string, args ...any) {
		ok = false
		fmt.Printf("FAIL: "+format+"\n", args...)
	}
	if fivexx > 0 {
		fail("%d answers were 5xx", fivexx)
	}
	if none > 0 {
		fail("%d requests got no answer", none)
	}
	var measured []time.Time
	for _, t := range l.published {
		if !t.Before(start) {
			measured = append(measured, t)
		}
	}
	gap := maxGap(start, time.Now(), measured)
	fmt.Printf("publishes: %d editions; longest time without one: %s\n", len(l.editions), gap.Round(time.Millisecond))
	if gap > 10*time.Second {
		fail("no edition was published for %s", gap.Round(time.Millisecond))
	}
	if err := converged(ctx, mk(w.staff[0]), w, c); err != nil {
		fail("%v", err)
	}
	srv.stop()
	problems, err := verify(ctx, c, w, l)
	if err != nil {
		return false, err
	}
	for _, p := range problems {
		fail("%s", p)
	}
	if ok {
		fmt.Println("PASS: no 5xx, no lost or doubled write, no double decision, audit and scores match")
	}
	return ok, nil
}

// maxGap is the longest time in [from, to] without one of the times.
func maxGap(from, to time.Time, ts []time.Time) time.Duration {
	gap, last := time.Duration(0), from
	for _, t := range append(ts, to) {
		gap = max(gap, t.Sub(last))
		last = t
	}
	return gap
}

// converged checks that, once the writes stop, the live scorecards the API serves are those the
// stored rows give.
func converged(ctx context.Context, cl *client, w *world, c config) error {
	db, err := store.OpenConfig(ctx, store.Config{DSN: w.dsn})
	if err != nil {
		return err
	}
	defer db.Close()
	p, err := db.ActivePolicy(ctx)
	if err != nil {
		return err
	}
	want, err := db.Card(ctx, p, c.period)
	if err != nil {
		return err
	}
	for try := 0; ; try++ {
		status, b := cl.do(ctx, "final check", "GET", "/periods/"+c.period+"/scorecards?policy="+url.QueryEscape(p.Name), nil, "")
		var got scoring.Card
		if status == 200 && json.Unmarshal(b, &got) == nil {
			wb, _ := json.Marshal(want.Units)
			gb, _ := json.Marshal(got.Units)
			if string(wb) == string(gb) {
				return nil
			}
		}
		if try == 20 {
			return fmt.Errorf("20 s after the writes stopped the API still serves other scorecards than the stored rows give (status %d)", status)
		}
		time.Sleep(time.Second)
	}
}

// loadAvg reads the 1-minute load average ("" where there is none).
func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	return strings.Fields(string(b))[0]
}

// sampleLoad reports the highest 1-minute load average seen until ctx ends, and the busiest other processes.
func sampleLoad(ctx context.Context) <-chan string {
	out := make(chan string, 1)
	go func() {
		peak := 0.0
		t := time.NewTicker(5 * time.Second)
		defer t.Stop()
		for {
			if v, err := strconv.ParseFloat(loadAvg(), 64); err == nil {
				peak = max(peak, v)
			}
			select {
			case <-ctx.Done():
				out <- fmt.Sprintf("up to %.2f (top: %s)", peak, topProcs())
				return
			case <-t.C:
			}
		}
	}()
	return out
}

// topProcs names the three processes using most CPU now, as ps shows them.
func topProcs() string {
	b, err := exec.Command("ps", "-eo", "pcpu,comm", "--sort=-pcpu", "--no-headers").Output()
	if err != nil {
		return "?"
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	return strings.Join(lines[:min(3, len(lines))], ", ")
}
