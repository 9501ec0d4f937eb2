package exports

import (
	"fmt"
	"io"
	"runtime"
	"strconv"
	"sync"
	"testing"
	"time"

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

func benchDirectory(b *testing.B, n int) *scoring.Directory {
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
			d, err := NewDetailWriter(io.Discard, "bench", dir, loc)
			if err != nil {
				b.Fatal(err)
			}
			a := scoring.Assignment{Kind: scoring.Help, Category: "市政/道路/路面破损", CallerPhone: "13812341234",
				CallbackValid: true, Contacted: scoring.Yes, Resolution: scoring.Resolved, Satisfaction: scoring.Satisfied}
			eligible, late, pts := true, false, 1.0
			x := DetailExtra{Judged: true, Eligible: eligible, Late: late, Points: pts}
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
		})
	}
}
