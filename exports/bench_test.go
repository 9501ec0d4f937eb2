package exports

import (
	"fmt"
	"io"
	"runtime"
	"strconv"
	"sync"
	"testing"
	"time"

	"sanlv/fixtures"
	"sanlv/scoring"
)

// peak samples the heap while f runs and reports the highest HeapInuse and Sys in MB.
func peak(b *testing.B, f func()) {
	var mu sync.Mutex
	var heap, sys uint64
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(20 * time.Millisecond)
		defer t.Stop()
		var m runtime.MemStats
		for {
			runtime.ReadMemStats(&m)
			mu.Lock()
			heap, sys = max(heap, m.HeapInuse), max(sys, m.Sys)
			mu.Unlock()
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	f()
	close(done)
	wg.Wait()
	b.ReportMetric(float64(heap)/(1<<20), "peak-heap-MB")
	b.ReportMetric(float64(sys)/(1<<20), "peak-sys-MB")
}

func benchDirectory(b testing.TB, n int) *scoring.Directory {
	units := make([]scoring.Unit, n)
	groups := []string{"street", "department", "enterprise"}
	for i := range units {
		units[i] = scoring.Unit{Code: fmt.Sprintf("U%04d", i), Name: fmt.Sprintf("测试单位%04d", i), Group: groups[i%3]}
	}
	dir, err := scoring.NewDirectory(units)
	if err != nil {
		b.Fatal(err)
	}
	return dir
}

func BenchmarkDetail1M(b *testing.B) {
	dir := benchDirectory(b, 500)
	loc, _ := time.LoadLocation("Asia/Shanghai")
	start := time.Date(2025, 9, 19, 0, 0, 0, 0, loc).Unix()
	for b.Loop() {
		peak(b, func() {
			var out countWriter
			d, err := NewDetailWriter(&out, "bench", dir, loc)
			if err != nil {
				b.Fatal(err)
			}
			a := scoring.Assignment{Kind: scoring.Help, Category: "市政/道路/路面破损", CallerPhone: "13812341234",
				CallbackValid: true, Contacted: scoring.Yes, Resolution: scoring.Resolved, Satisfaction: scoring.Satisfied}
			eligible, late, pts := true, false, 1.0
			x := DetailExtra{Judged: true, Eligible: eligible, Late: late, Points: pts, Rules: "双满意＋1"}
			for i := range 1_000_000 {
				a.TicketID = "T" + strconv.Itoa(10_000_000+i)
				a.Unit = int32(i % 500)
				a.Received = start + int64(i)
				a.Dispatched = a.Received + 600
				a.ContactAt = a.Dispatched + 3600
				a.Closed = a.Dispatched + 86400
				x.Deadline = a.Dispatched + 7*86400
				if err := d.Add(&a, x); err != nil {
					b.Fatal(err)
				}
			}
			t0 := time.Now()
			if err := d.Close(); err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(time.Since(t0).Seconds(), "close-s")
			b.ReportMetric(float64(out)/(1<<20), "file-MB")
		})
	}
}

// benchCard is a ranked card of n units with made-up results, its trend and ten point lines per unit.
func benchCard(b *testing.B, n int) (scoring.Card, *scoring.Policy, []PointLine) {
	p, err := fixtures.Policy("district-2025")
	if err != nil {
		b.Fatal(err)
	}
	dir := benchDirectory(b, n)
	rate := func(num, den float64) scoring.Rate {
		v := num / den
		return scoring.Rate{Num: num, Den: den, Value: &v}
	}
	c := scoring.Card{Period: scoring.PeriodInfo{ID: "2025-10", Start: "2025-09-19T00:00:00+08:00", End: "2025-10-19T00:00:00+08:00"},
		Policy: p.Info()}
	prev := scoring.Card{}
	var lines []PointLine
	for i, u := range dir.Units() {
		den := float64(20 + i%30)
		s := scoring.Scorecard{Code: u.Code, Name: u.Name, Group: u.Group,
			Counts: scoring.Counts{Assignments: int64(den) + 3, Eligible: den, Callbacks: den - 1},
			Rates: scoring.Rates{Response: rate(den-float64(i%3), den), Resolution: rate(den-float64(i%5), den),
				Satisfaction: rate(den-float64(i%7)/2, den), OnTime: rate(den-float64(i%4), den),
				Redispatch: rate(float64(i%3), den), CallbackCoverage: rate(den-1, den)},
			Deductions: []scoring.Deduction{}, Points: scoring.Points{Total: float64(i%9) - 3}}
		final := 100 * (0.1**s.Rates.Response.Value + 0.5**s.Rates.Resolution.Value + 0.4**s.Rates.Satisfaction.Value)
		s.Composite, s.Final = &final, &final
		if i%17 == 0 {
			why := scoring.ReasonSmallSample
			s.UnrankedReason = &why
		}
		c.Units = append(c.Units, s)
		r := (i*7)%n + 1
		prev.Units = append(prev.Units, scoring.Scorecard{Code: u.Code, Ranked: i%5 != 0, Rank: &r})
		for k := range 10 {
			lines = append(lines, PointLine{Unit: u.Code, UnitName: u.Name, TicketID: "T" + strconv.Itoa(i*100+k),
				Rule: "双满意", Points: 1})
		}
	}
	p.Rank(&c, dir.Groups())
	scoring.AddTrend(&c, prev)
	return c, p, lines
}

func BenchmarkBulletin500(b *testing.B) {
	c, p, lines := benchCard(b, 500)
	at := time.Date(2025, 10, 20, 9, 0, 0, 0, time.UTC)
	for b.Loop() {
		if err := WriteBulletin(io.Discard, Bulletin{Card: c, Policy: p, Edition: 1, Points: lines, Generated: at}); err != nil {
			b.Fatal(err)
		}
	}
}

// countWriter counts the bytes written to it.
type countWriter int64

func (c *countWriter) Write(p []byte) (int, error) { *c += countWriter(len(p)); return len(p), nil }
