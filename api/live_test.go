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
