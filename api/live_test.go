package api

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"sanlv/scoring"
	"sanlv/store/storetest"
)

func newTestLive(t *testing.T) *liveCache {
	dir := t.TempDir()
	db := storetest.Open(t, dir+"/live.db")
	return newLiveCache(db, slog.New(slog.DiscardHandler), 2, 2, 10*time.Second, time.Hour, time.Minute, time.Nanosecond)
}

func TestLiveResultsAreComputedOncePerVersion(t *testing.T) {
	c := newTestLive(t)
	var calls atomic.Int32
	compute := func(ctx context.Context) (any, error) {
		calls.Add(1)
		time.Sleep(50 * time.Millisecond)
		return "card", nil
	}
	var wg sync.WaitGroup
	for i := range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			v, err := c.get(context.Background(), "token:"+string(rune('a'+i%26)), "k", false, compute)
			if err != nil || v != "card" {
				t.Errorf("get: %v, %v", v, err)
			}
		}()
	}
	wg.Wait()
	if n := calls.Load(); n != 1 {
		t.Errorf("%d computations for 50 simultaneous reads of one version, want 1", n)
	}
	c.get(context.Background(), "x", "k", false, compute)
	if n := calls.Load(); n != 1 {
		t.Errorf("a cached read computed again (%d computations)", n)
	}
	c.changed()
	c.ver.v++ // as if another write had raised the version
	c.ver.at = time.Now()
	c.get(context.Background(), "x", "k", false, compute)
	if n := calls.Load(); n != 2 {
		t.Errorf("%d computations after the version moved on, want 2", n)
	}
}

func TestEachCallerMayStartTwoComputations(t *testing.T) {
	c := newTestLive(t)
	release := make(chan struct{})
	slow := func(ctx context.Context) (any, error) {
		<-release
		return 1, nil
	}
	for _, k := range []string{"a", "b"} {
		go c.get(context.Background(), "token:1", k, false, slow)
	}
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(time.Millisecond) {
		c.mu.Lock()
		n := c.inflight["token:1"]
		c.mu.Unlock()
		if n == 2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d computations started, want 2", n)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if _, err := c.get(ctx, "token:1", "c", false, slow); scoring.ErrorCode(err) != CodeBusy {
		t.Errorf("a third computation of one caller: %v, want %s", err, CodeBusy)
	}
	if _, err := c.get(ctx, "token:1", "a", false, slow); scoring.ErrorCode(err) == CodeBusy {
		t.Error("joining a computation already running was refused")
	}
	if _, err := c.get(ctx, "token:2", "c", false, slow); scoring.ErrorCode(err) == CodeBusy {
		t.Error("another caller was refused")
	}
	close(release)
	if v, err := c.get(context.Background(), "token:1", "c", false, slow); err != nil || v != 1 {
		t.Errorf("after the computations ended: %v, %v", v, err)
	}
}

func TestAfterAQuietTimeAReadWaitsForTheWrite(t *testing.T) {
	dir := t.TempDir()
	db := storetest.Open(t, dir+"/live.db")
	c := newLiveCache(db, slog.New(slog.DiscardHandler), 2, 2, 10*time.Second, time.Hour, time.Millisecond, 50*time.Millisecond)
	ctx := context.Background()
	var calls atomic.Int32
	compute := func(ctx context.Context) (any, error) {
		n := calls.Add(1)
		time.Sleep(100 * time.Millisecond)
		return n, nil
	}
	if v, _ := c.get(ctx, "x", "k", false, compute); v != int32(1) {
		t.Fatalf("first read: %v", v)
	}
	setVersion := func(v int64, gap time.Duration) {
		c.ver.mu.Lock()
		c.ver.v, c.ver.at, c.ver.gap, c.ver.changed = v, time.Now(), gap, time.Now()
		c.ver.mu.Unlock()
	}
	setVersion(2, time.Hour) // one write after a quiet hour
	if v, _ := c.get(ctx, "x", "k", false, compute); v != int32(2) {
		t.Errorf("a read after a write that followed a quiet time got %v, want the fresh result 2", v)
	}
	time.Sleep(60 * time.Millisecond)
	setVersion(3, 10*time.Millisecond) // writes in a stream
	start := time.Now()
	if v, _ := c.get(ctx, "x", "k", false, compute); v != int32(2) {
		t.Errorf("a read amid a stream of writes got %v, want the newest computed (2) at once", v)
	}
	if d := time.Since(start); d > 50*time.Millisecond {
		t.Errorf("a read amid a stream of writes waited %s", d)
	}
}
