package api

import (
	"context"
	"maps"
	"sanlv/assess"
	"slices"
	"sync"
	"time"

	"sanlv/scoring"
	"sanlv/store"
)

// frozen is a published edition with its answers serialized once: an edition never changes.
type frozen struct {
	edition store.Edition
	card    scoring.Card
	// scorecards is the assess.CardView; rankings the rankingsView of every group; groups and units the
	// ranking of one group and the assess.UnitCardView of one unit, by group and unit code.
	scorecards, rankings []byte
	groups, units        map[string][]byte
	// gz holds gzip copies of the large answers (scorecards, rankings, each group's ranking), for
	// clients that accept them, as browsers do.
	gz map[*byte][]byte
}

// compressed returns the gzip copy of one of f's answers, or nil.
func (f *frozen) compressed(raw []byte) []byte {
	if len(raw) == 0 {
		return nil
	}
	return f.gz[&raw[0]]
}

// compress keeps a gzip copy of raw when it is large enough for that to pay.
func (f *frozen) compress(raw []byte) error {
	if len(raw) < 1400 {
		return nil
	}
	gz, err := gzipped(raw)
	if err != nil {
		return err
	}
	f.gz[&raw[0]] = gz
	return nil
}

func freeze(e store.Edition) (*frozen, error) {
	c, err := e.Scorecards()
	if err != nil {
		return nil, err
	}
	e.Card = nil
	return freezeCard(c, &e)
}

// freezeCard serializes the answers of a card once: of edition e, or live (a null edition) when e is nil.
func freezeCard(c scoring.Card, e *store.Edition) (*frozen, error) {
	f := &frozen{card: c, groups: map[string][]byte{}, units: map[string][]byte{}, gz: map[*byte][]byte{}}
	if e != nil {
		f.edition = *e
	}
	info := assess.InfoOf(e)
	var err error
	if f.scorecards, err = marshal(assess.CardView{Card: c, Edition: info}); err != nil {
		return nil, err
	}
	if f.rankings, err = marshal(assess.RankingsOf(&c, e, "")); err != nil {
		return nil, err
	}
	for i := range c.Units {
		sc := &c.Units[i]
		if _, ok := f.groups[sc.Group]; !ok {
			if f.groups[sc.Group], err = marshal(assess.RankingsOf(&c, e, sc.Group)); err != nil {
				return nil, err
			}
		}
		if f.units[sc.Code], err = marshal(assess.UnitCardView{Period: c.Period, Policy: c.Policy, Edition: info, Unit: *sc}); err != nil {
			return nil, err
		}
	}
	for _, raw := range append([][]byte{f.scorecards, f.rankings}, slices.Collect(maps.Values(f.groups))...) {
		if err := f.compress(raw); err != nil {
			return nil, err
		}
	}
	return f, nil
}

type editionKey struct {
	period string
	number int
}

type latestEntry struct {
	number  int
	expires time.Time
}

// editionCache keeps frozen editions (at most maxFrozen) and, for ttl, the latest edition number of each period.
type editionCache struct {
	ttl    time.Duration
	mu     sync.RWMutex
	byKey  map[editionKey]*frozen
	newest map[string]latestEntry
	// load serializes loading so that concurrent first reads of an edition decode it once.
	load sync.Mutex
}

const maxFrozen = 256

func newEditionCache(ttl time.Duration) *editionCache {
	return &editionCache{ttl: ttl, byKey: map[editionKey]*frozen{}, newest: map[string]latestEntry{}}
}

// latest returns the number of the latest edition of the period, 0 when unpublished.
func (c *editionCache) latest(ctx context.Context, db *store.DB, period string) (int, error) {
	now := time.Now()
	c.mu.RLock()
	e, ok := c.newest[period]
	c.mu.RUnlock()
	if ok && now.Before(e.expires) {
		return e.number, nil
	}
	n, err := db.LatestEdition(ctx, period)
	if err != nil {
		return 0, err
	}
	c.mu.Lock()
	if len(c.newest) > 10000 {
		clear(c.newest)
	}
	c.newest[period] = latestEntry{number: n, expires: now.Add(c.ttl)}
	c.mu.Unlock()
	return n, nil
}

// published records that the server itself published edition n of a period.
func (c *editionCache) published(period string, n int) {
	c.mu.Lock()
	c.newest[period] = latestEntry{number: n, expires: time.Now().Add(c.ttl)}
	c.mu.Unlock()
}

// get returns edition n of a period, frozen.
func (c *editionCache) get(ctx context.Context, db *store.DB, period string, n int) (*frozen, error) {
	k := editionKey{period, n}
	c.mu.RLock()
	f := c.byKey[k]
	c.mu.RUnlock()
	if f != nil {
		return f, nil
	}
	c.load.Lock()
	defer c.load.Unlock()
	c.mu.RLock()
	f = c.byKey[k]
	c.mu.RUnlock()
	if f != nil {
		return f, nil
	}
	e, err := db.Edition(ctx, period, n)
	if err != nil {
		return nil, err
	}
	if f, err = freeze(e); err != nil {
		return nil, err
	}
	c.mu.Lock()
	if len(c.byKey) >= maxFrozen {
		for k := range c.byKey { // drop one at random
			delete(c.byKey, k)
			break
		}
	}
	c.byKey[k] = f
	c.mu.Unlock()
	return f, nil
}
