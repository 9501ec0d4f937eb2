package api

import (
	"context"
	"log/slog"
	"net/http"
	"strconv"
	"sync"
	"time"

	"sanlv/scoring"
	"sanlv/store"
)

// CodeBusy is a caller with too much expensive live work in flight (429, with Retry-After).
const CodeBusy = "busy"

// busyRetry is the Retry-After of a CodeBusy answer, in seconds.
const busyRetry = 1

// liveCache keeps results computed from the stored rows (live scorecards, explanations, what-ifs,
// year-end appraisals) per data version (store.DB.DataVersion), so that every caller asking for the
// same result at the same version shares one computation.
//
// When the version has moved on, one computation for the new version starts and a read waits for it:
// up to quietWait when the data had been still for two refreshes before it changed (so that a write
// after a quiet time is read back at once), else up to wait; when it takes longer, the read gets the
// newest result computed (stale while revalidating). Under a stream of writes a live result lags the
// data by about one refresh plus one computation, and readers never queue behind it.
// A result that was never computed is waited for, by every caller that asks meanwhile. A caller may
// start at most perCaller computations at a time (beyond that: 429), and at most cap(work) run at once.
type liveCache struct {
	db        *store.DB
	log       *slog.Logger
	perCaller int
	timeout   time.Duration
	// wait is how long a read waits for the current version before it takes an older result.
	wait time.Duration
	// refresh is the least time between two computations of one result, so that a stream of writes
	// recomputes a result at most once per refresh instead of without pause.
	refresh time.Duration
	// work bounds the computations running at once; light the small ones (one unit's explanation),
	// which must not queue behind a year's appraisal.
	work, light chan struct{}

	ver struct {
		mu  sync.Mutex
		v   int64
		at  time.Time
		ttl time.Duration
		// changed is when a new version was last seen, and gap the time between the last two changes.
		changed time.Time
		gap     time.Duration
	}

	mu       sync.Mutex
	entries  map[string]*liveEntry
	inflight map[string]int
}

// liveEntry is one cached result and the computation of its next value, if one runs.
type liveEntry struct {
	has     bool
	version int64
	val     any
	// err is the failure of the last computation (for version errAt), given to those who waited for it.
	err   error
	errAt int64
	busy  bool
	done  chan struct{}
	// ended is when the last computation ended: the next starts refresh after it at the earliest.
	ended time.Time
}

// quietWait is how long a read waits for a result when the data had been still before its last change.
const quietWait = 5 * time.Second

// maxLiveEntries bounds the cache; beyond it, idle entries are dropped.
const maxLiveEntries = 8192

func newLiveCache(db *store.DB, log *slog.Logger, perCaller, workers int, timeout, ttl, wait, refresh time.Duration) *liveCache {
	c := &liveCache{db: db, log: log, perCaller: perCaller, timeout: timeout, wait: wait, refresh: refresh, work: make(chan struct{}, workers),
		light:   make(chan struct{}, workers+1),
		entries: map[string]*liveEntry{}, inflight: map[string]int{}}
	c.ver.ttl = ttl
	return c
}

// version returns the data version, read from the database at most once per ttl.
func (c *liveCache) version(ctx context.Context) (int64, error) {
	c.ver.mu.Lock()
	defer c.ver.mu.Unlock()
	if !c.ver.at.IsZero() && time.Since(c.ver.at) < c.ver.ttl {
		return c.ver.v, nil
	}
	v, err := c.db.DataVersion(ctx)
	if err != nil {
		return 0, err
	}
	now := time.Now()
	if v != c.ver.v {
		c.ver.gap = now.Sub(c.ver.changed)
		c.ver.changed = now
	}
	c.ver.v, c.ver.at = v, now
	return v, nil
}

// quiet reports whether the data had been still before its last change (no two changes within two refreshes).
func (c *liveCache) quiet() bool {
	c.ver.mu.Lock()
	defer c.ver.mu.Unlock()
	return c.ver.gap > 2*c.refresh
}

// changed makes the next read ask the database for the version (after a write of this process).
func (c *liveCache) changed() {
	c.ver.mu.Lock()
	c.ver.at = time.Time{}
	c.ver.mu.Unlock()
}

// busyError is the answer to a caller over its limit.
func busyError() error {
	return newError(CodeBusy, "请求过于频繁：您已有计算在进行中，请稍后重试")
}

// get returns the result under key: cached at the current version, else (unless fresh) the newest
// cached one while it is recomputed, else computed now. caller names who asks ("" is the server itself,
// which has no limit); compute runs detached from the request, bounded by the cache's timeout.
func (c *liveCache) get(ctx context.Context, caller, key string, fresh bool, compute func(ctx context.Context) (any, error)) (any, error) {
	return c.fetch(ctx, caller, key, fresh, c.work, compute)
}

// getLight is get for a small computation, which takes a slot of its own kind.
func (c *liveCache) getLight(ctx context.Context, caller, key string, compute func(ctx context.Context) (any, error)) (any, error) {
	return c.fetch(ctx, caller, key, false, c.light, compute)
}

// fetch is get with the slots the computation takes.
func (c *liveCache) fetch(ctx context.Context, caller, key string, fresh bool, slots chan struct{}, compute func(ctx context.Context) (any, error)) (any, error) {
	v, err := c.version(ctx)
	if err != nil {
		return nil, err
	}
	for {
		c.mu.Lock()
		e := c.entries[key]
		if e == nil {
			c.evict()
			e = &liveEntry{}
			c.entries[key] = e
		}
		if e.has && e.version >= v {
			val := e.val
			c.mu.Unlock()
			return val, nil
		}
		if e.has && !fresh {
			val := e.val
			if !e.busy && (caller == "" || c.inflight[caller] < c.perCaller) {
				c.start(e, caller, v, c.refresh, slots, compute)
			}
			done := e.done
			busy := e.busy
			c.mu.Unlock()
			wait := c.wait
			if c.quiet() {
				// The first write after a quiet time is read back fresh.
				wait = quietWait
			}
			if busy {
				t := time.NewTimer(wait)
				select {
				case <-done:
				case <-t.C:
				case <-ctx.Done():
				}
				t.Stop()
				c.mu.Lock()
				if e.has && e.version >= v {
					val = e.val
				}
				c.mu.Unlock()
			}
			return val, nil
		}
		if !e.busy {
			if caller != "" && c.inflight[caller] >= c.perCaller {
				c.mu.Unlock()
				return nil, busyError()
			}
			c.start(e, caller, v, 0, slots, compute)
		}
		done := e.done
		c.mu.Unlock()
		select {
		case <-done:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		c.mu.Lock()
		switch {
		case e.has && e.version >= v:
			val := e.val
			c.mu.Unlock()
			return val, nil
		case e.err != nil && e.errAt >= v:
			err := e.err
			c.mu.Unlock()
			return nil, err
		}
		c.mu.Unlock() // a computation for an older version ended: start one for v
	}
}

// start runs compute for version v in the background, refresh after the last computation at the
// earliest; c.mu is held.
func (c *liveCache) start(e *liveEntry, caller string, v int64, refresh time.Duration, slots chan struct{}, compute func(ctx context.Context) (any, error)) {
	e.busy, e.done = true, make(chan struct{})
	if caller != "" {
		c.inflight[caller]++
	}
	delay := time.Until(e.ended.Add(refresh))
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), c.timeout)
		defer cancel()
		var val any
		var err error
		if delay > 0 {
			time.Sleep(delay)
			// The rows are read after this: the result holds at least the version now.
			if now, verr := c.version(ctx); verr == nil {
				v = max(v, now)
			}
		}
		if caller == "" {
			// The server's own computations run inside callers' ones (a card needs its book): taking a
			// slot here could wait for slots held by those waiting for this. They are one per key.
			val, err = compute(ctx)
		} else {
			select {
			case slots <- struct{}{}:
				val, err = compute(ctx)
				<-slots
			case <-ctx.Done():
				err = ctx.Err()
			}
		}
		c.mu.Lock()
		if err == nil {
			if !e.has || v >= e.version {
				e.has, e.val, e.version = true, val, v
			}
			e.err = nil
		} else {
			e.err, e.errAt = err, v
			if scoring.ErrorCode(err) == "" {
				c.log.Warn("live computation failed", "error", err)
			}
		}
		e.busy, e.ended = false, time.Now()
		close(e.done)
		if caller != "" {
			if c.inflight[caller]--; c.inflight[caller] <= 0 {
				delete(c.inflight, caller)
			}
		}
		c.mu.Unlock()
	}()
}

// evict drops idle entries when the cache is full; c.mu is held.
func (c *liveCache) evict() {
	if len(c.entries) < maxLiveEntries {
		return
	}
	for k, e := range c.entries {
		if !e.busy {
			delete(c.entries, k)
		}
		if len(c.entries) < maxLiveEntries*3/4 {
			return
		}
	}
}

// liveKey joins the parts of a cache key.
func liveKey(kind string, p *scoring.Policy, parts ...string) string {
	k := kind + "\x00" + p.Name + "\x00" + p.Version
	for _, s := range parts {
		k += "\x00" + s
	}
	return k
}

// callerKey names the caller for the per-caller limit: its token.
func callerKey(r *http.Request) string {
	p := caller(r)
	if p.token.ID == 0 {
		return "anonymous"
	}
	return "token:" + strconv.FormatInt(p.token.ID, 10)
}

// liveBook returns the book of one period under p (shared, read only): of the current data version
// when fresh, else perhaps the newest computed (see liveCache).
func (s *Server) liveBook(ctx context.Context, p *scoring.Policy, per scoring.Period, fresh bool) (*scoring.Book, error) {
	v, err := s.live.get(ctx, "", liveKey("book", p, per.ID), fresh, func(ctx context.Context) (any, error) {
		return s.db.Book(ctx, p, []scoring.Period{per})
	})
	if err != nil {
		return nil, err
	}
	return v.(*scoring.Book), nil
}

// liveFrozen returns the live card of a period under p, serialized like a frozen edition (with a null edition).
func (s *Server) liveFrozen(ctx context.Context, who string, p *scoring.Policy, id string) (*frozen, error) {
	per, err := period(p, id)
	if err != nil {
		return nil, err
	}
	v, err := s.live.get(ctx, who, liveKey("card", p, per.ID), false, func(ctx context.Context) (any, error) {
		b, err := s.liveBook(ctx, p, per, true)
		if err != nil {
			return nil, err
		}
		c, err := s.db.CardOf(ctx, b)
		if err != nil {
			return nil, err
		}
		return freezeCard(c, nil)
	})
	if err != nil {
		return nil, err
	}
	return v.(*frozen), nil
}

// activePolicy returns the active policy, read once per data version (activations raise it).
func (s *Server) activePolicy(ctx context.Context) (*scoring.Policy, error) {
	v, err := s.live.get(ctx, "", "active policy", true, func(ctx context.Context) (any, error) {
		return s.db.ActivePolicy(ctx)
	})
	if err != nil {
		return nil, err
	}
	return v.(*scoring.Policy), nil
}

// directory returns the stored units, read once per data version (unit imports raise it).
func (s *Server) directory(ctx context.Context) (*scoring.Directory, error) {
	v, err := s.live.get(ctx, "", "directory", true, func(ctx context.Context) (any, error) {
		return s.db.Directory(ctx)
	})
	if err != nil {
		return nil, err
	}
	return v.(*scoring.Directory), nil
}
