package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash"
	"strconv"
	"time"

	"github.com/uptrace/bun"

	"sanlv/scoring"
)

// Edition is a published, frozen ranking of one period (SPEC §9).
type Edition struct {
	bun.BaseModel `bun:"table:editions"`

	ID     int64  `bun:"id,pk,autoincrement" json:"id"`
	Period string `bun:"period" json:"period"`
	// Number counts the editions of the period: 1, 2, …
	Number        int    `bun:"number" json:"number"`
	PolicyName    string `bun:"policy_name" json:"policy_name"`
	PolicyVersion string `bun:"policy_version" json:"policy_version"`
	PolicySHA256  string `bun:"policy_sha256" json:"policy_sha256"`
	// InputDigest is the SHA-256 of the units and of the period's assignment rows in key order (see Digest).
	InputDigest string    `bun:"input_digest" json:"input_digest"`
	InputRows   int64     `bun:"input_rows" json:"input_rows"`
	PublishedBy string    `bun:"published_by" json:"published_by"`
	PublishedAt time.Time `bun:"published_at" json:"published_at"`
	// Card is the frozen scorecards JSON exactly as published (empty in lists).
	Card json.RawMessage `bun:"card,type:json" json:"card,omitempty"`
	// Points is the frozen 扣分明细: every rule's points on every assignment of the period (empty in lists).
	Points json.RawMessage `bun:"points,type:json,nullzero" json:"-"`
	// Context is what the edition's bulletin prints beside the card, frozen at publishing by the
	// publisher's Freezer (empty for editions published before it was kept, and in lists).
	Context json.RawMessage `bun:"context,type:json,nullzero" json:"-"`
}

// Freezer returns what an edition keeps for its bulletin beside the card, given the card to publish
// and the period's rows (every row whose basis instant lies in the period, in scope or not, in key
// order) from the read that scored it.
type Freezer func(ctx context.Context, p *scoring.Policy, card scoring.Card, rows []scoring.Assignment) (json.RawMessage, error)

// PointLines decodes the frozen point lines.
func (e *Edition) PointLines() ([]scoring.PointLine, error) {
	var out []scoring.PointLine
	if len(e.Points) == 0 {
		return out, nil
	}
	if err := json.Unmarshal(e.Points, &out); err != nil {
		return nil, fmt.Errorf("edition %s/%d points: %w", e.Period, e.Number, err)
	}
	return out, nil
}

// Scorecards decodes the frozen card.
func (e *Edition) Scorecards() (scoring.Card, error) {
	var c scoring.Card
	if err := json.Unmarshal(e.Card, &c); err != nil {
		return c, fmt.Errorf("edition %s/%d: %w", e.Period, e.Number, err)
	}
	return c, nil
}

// Digest returns the SHA-256 (hex) of the inputs of the window [from, to): every unit, then every
// assignment whose closed_at or received_at is in the window, exclusions and corrections applied,
// in key order (byte order of ticket_id, unit) — and the number of those assignments.
// Each unit and row is written as its fields separated by 0x1F and ended by a newline.
func (db *DB) Digest(ctx context.Context, from, to int64) (string, int64, error) {
	return db.digest(ctx, from, to, nil)
}

// digest is Digest that also hands every row to fn, when fn is set.
func (db *DB) digest(ctx context.Context, from, to int64, fn func(dir *scoring.Directory, a *scoring.Assignment) error) (string, int64, error) {
	us, err := db.Units(ctx)
	if err != nil {
		return "", 0, err
	}
	return db.digestUnits(ctx, us, from, to, fn)
}

// digestUnits is digest over units already read.
func (db *DB) digestUnits(ctx context.Context, us []scoring.Unit, from, to int64, fn func(dir *scoring.Directory, a *scoring.Assignment) error) (string, int64, error) {
	h := sha256.New()
	dir, err := scoring.NewDirectory(us)
	if err != nil {
		return "", 0, err
	}
	for _, u := range us {
		fmt.Fprintf(h, "unit\x1f%s\x1f%s\x1f%s\x1f%s\x1f%d\n", u.Code, u.Name, u.Group, u.Parent, u.Population)
	}
	// fn scores the window, which depends on rows of earlier periods too (overdue-open, closure,
	// repeats): it sees those rows as well; only the window's rows are digested.
	read := from
	if fn != nil {
		if read, err = db.scoringStart(ctx, from); err != nil {
			return "", 0, err
		}
	}
	in := func(t int64) bool { return read == from || t >= from && t < to }
	var n int64
	err = db.Stream(ctx, dir, Query{From: read, To: to, Basis: ByEither, Ordered: true}, func(a *scoring.Assignment) error {
		if in(a.Closed) || in(a.Received) {
			n++
			digestRow(h, a, dir.Unit(a.Unit).Code)
		}
		if fn != nil {
			return fn(dir, a)
		}
		return nil
	})
	if err != nil {
		return "", 0, err
	}
	return hex.EncodeToString(h.Sum(nil)), n, nil
}

// digestRow writes one row; the second-edition fields (SPEC §13.1) are written only when one of them
// is set, so that the digests of editions published before they existed stay valid.
func digestRow(h hash.Hash, a *scoring.Assignment, unit string) {
	b := make([]byte, 0, 256)
	vals := values(nil, a, unit)
	if !secondEditionSet(vals) {
		vals = vals[:iAccepted]
	}
	for i, v := range vals {
		if i > 0 {
			b = append(b, 0x1f)
		}
		switch v := v.(type) {
		case nil:
		case string:
			b = append(b, v...)
		case bool:
			b = strconv.AppendBool(b, v)
		default:
			b = fmt.Append(b, v)
		}
	}
	h.Write(append(b, '\n'))
}

// Publish freezes the card of a period as its next edition, with the policy version, the digest of
// the inputs and the 扣分明细 point lines. In the same pass that digests the inputs it scores them
// again: a card that differs from what the stored rows give (the data changed since the card was
// computed) is a Conflict. Publishing when the latest edition has the same policy, inputs and card is
// a Conflict too.
func (db *DB) Publish(ctx context.Context, period string, p *scoring.Policy, card scoring.Card, actor string) (Edition, error) {
	return db.publish(ctx, period, p, &card, actor, nil)
}

// PublishLive freezes the period as its next edition with the card its stored rows give under p in
// the pass that digests them (with rank changes against the previous period as circulated), so that
// writes running meanwhile cannot make it stale: the edition is the state that one read saw.
func (db *DB) PublishLive(ctx context.Context, period string, p *scoring.Policy, actor string) (Edition, error) {
	return db.publish(ctx, period, p, nil, actor, nil)
}

// PublishFrozen is PublishLive that also keeps what freeze returns as the edition's Context.
func (db *DB) PublishFrozen(ctx context.Context, period string, p *scoring.Policy, actor string, freeze Freezer) (Edition, error) {
	return db.publish(ctx, period, p, nil, actor, freeze)
}

// publish is Publish with a card to check, or PublishLive without one. The rows are read in one
// statement, which sees one consistent state of the database on both dialects.
func (db *DB) publish(ctx context.Context, period string, p *scoring.Policy, want *scoring.Card, actor string, freeze Freezer) (Edition, error) {
	per, err := scoring.ParsePeriod(period, p.StartDay, p.Loc)
	if err != nil {
		return Edition{}, err
	}
	if want != nil && want.Period.ID != per.ID {
		return Edition{}, invalid("card is for period %q, not %q", want.Period.ID, per.ID)
	}
	if want != nil && want.Policy != p.Info() {
		return Edition{}, invalid("card was computed under policy %s %s, not %s %s", want.Policy.Name, want.Policy.Version, p.Name, p.Version)
	}
	// One read gives the book, the digest and the point lines, so that they are of one state (see snapshot).
	snap, err := db.snapshot(ctx, p, per)
	if err != nil {
		return Edition{}, err
	}
	book, digest, rows, points := snap.book, snap.digest, snap.rows, snap.points
	var card scoring.Card
	if want != nil {
		if !sameScores(book.Card(0), *want) {
			return Edition{}, conflict("period %s: the card to publish differs from what the stored rows give now; score again and publish", per.ID)
		}
		card = *want
	} else if card, err = db.CardOf(ctx, book); err != nil {
		return Edition{}, err
	}
	raw, err := json.Marshal(card)
	if err != nil {
		return Edition{}, fmt.Errorf("publish %s: %w", period, err)
	}
	rawPoints, err := json.Marshal(points)
	if err != nil {
		return Edition{}, fmt.Errorf("publish %s: %w", period, err)
	}
	var frozen json.RawMessage
	if freeze != nil {
		if frozen, err = freeze(ctx, p, card, snap.window); err != nil {
			return Edition{}, err
		}
	}
	psum := sha256.Sum256(p.Source)
	e := Edition{Period: per.ID, PolicyName: p.Name, PolicyVersion: p.Version, PolicySHA256: hex.EncodeToString(psum[:]),
		InputDigest: digest, InputRows: rows, PublishedBy: actor, PublishedAt: db.now().UTC(), Card: raw, Points: rawPoints, Context: frozen}
	err = db.inTx(ctx, func(tx bun.Tx) error {
		if db.pg {
			// Publishers of one period take turns, so that each numbers its edition after the last.
			if _, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock(hashtext(?))", "edition "+per.ID); err != nil {
				return dbError(err, "lock editions of %s", per.ID)
			}
		}
		var last Edition
		err := tx.NewSelect().Model(&last).Where("period = ?", per.ID).OrderExpr("number DESC").Limit(1).Scan(ctx)
		switch {
		case err == nil:
			if last.InputDigest == e.InputDigest && last.PolicySHA256 == e.PolicySHA256 && string(last.Card) == string(raw) {
				return conflict("period %s: edition %d already has this policy, these inputs and this card", per.ID, last.Number)
			}
			e.Number = last.Number + 1
		case noRows(err):
			e.Number = 1
		default:
			return dbError(err, "read editions")
		}
		if _, err := tx.NewInsert().Model(&e).Returning("id").Exec(ctx); err != nil {
			if err = dbError(err, "publish %s", per.ID); scoring.ErrorCode(err) == scoring.Conflict {
				return conflict("%s 刚刚发布了第 %d 版，请重新发布", per.ID, e.Number)
			}
			return err
		}
		// The next period's live rank changes compare with this edition.
		if err := db.bumpVersion(ctx, tx); err != nil {
			return err
		}
		return db.audit(ctx, tx, AuditEntry{Actor: actor, Entity: EntityEdition, Key: per.ID + "/" + strconv.Itoa(e.Number),
			Action: ActionPublish, After: mustJSON(map[string]any{"policy": p.Info(), "input_digest": digest, "input_rows": rows})})
	})
	return e, err
}

// Editions lists the editions of a period (all periods when period is ""), without their cards.
func (db *DB) Editions(ctx context.Context, period string) ([]Edition, error) {
	var out []Edition
	q := db.bun.NewSelect().Model(&out).ExcludeColumn("card", "points", "context")
	if period != "" {
		q = q.Where("period = ?", period)
	}
	err := q.OrderExpr("period, number").Scan(ctx)
	return out, dbError(err, "list editions")
}

// Edition returns edition n of a period with its frozen card; n = 0 is the latest.
func (db *DB) Edition(ctx context.Context, period string, n int) (Edition, error) {
	var e Edition
	q := db.bun.NewSelect().Model(&e).Where("period = ?", period)
	if n > 0 {
		q = q.Where("number = ?", n)
	} else {
		q = q.OrderExpr("number DESC").Limit(1)
	}
	if err := q.Scan(ctx); err != nil {
		if noRows(err) {
			return e, notFound("period %s has no edition %d", period, n)
		}
		return e, dbError(err, "read edition")
	}
	return e, nil
}

// sameScores reports whether two cards give every unit the same scores and ranks (trends aside).
func sameScores(a, b scoring.Card) bool {
	strip := func(c scoring.Card) string {
		for i := range c.Units {
			c.Units[i].Trend = nil
		}
		raw, _ := json.Marshal(c)
		return string(raw)
	}
	a.Units = append([]scoring.Scorecard(nil), a.Units...)
	b.Units = append([]scoring.Scorecard(nil), b.Units...)
	return strip(a) == strip(b)
}

// Circulated returns the card a period was published with (its latest edition), or, when it has
// none, the card its stored rows give now under p. Rank changes compare against it, so that a
// bulletin's 排名变化 refers to the ranking that went out.
func (db *DB) Circulated(ctx context.Context, p *scoring.Policy, period string) (scoring.Card, error) {
	c, _, err := db.CirculatedEdition(ctx, p, period)
	return c, err
}

// CirculatedEdition is Circulated with the number of the edition the card comes from (0 when it is
// scored now), read together so that a label never names another edition than the card's.
func (db *DB) CirculatedEdition(ctx context.Context, p *scoring.Policy, period string) (scoring.Card, int, error) {
	n, err := db.LatestEdition(ctx, period)
	if err != nil {
		return scoring.Card{}, 0, err
	}
	if n > 0 {
		e, err := db.Edition(ctx, period, n)
		if err != nil {
			return scoring.Card{}, 0, err
		}
		c, err := e.Scorecards()
		return c, n, err
	}
	per, err := scoring.ParsePeriod(period, p.StartDay, p.Loc)
	if err != nil {
		return scoring.Card{}, 0, err
	}
	b, err := db.Book(ctx, p, []scoring.Period{per})
	if err != nil {
		return scoring.Card{}, 0, err
	}
	return b.Card(0), 0, nil
}

// Card scores a period under p from the stored rows, with each unit's rank change against the
// previous period as it was circulated (see Circulated).
func (db *DB) Card(ctx context.Context, p *scoring.Policy, period string) (scoring.Card, error) {
	cur, err := scoring.ParsePeriod(period, p.StartDay, p.Loc)
	if err != nil {
		return scoring.Card{}, err
	}
	b, err := db.Book(ctx, p, []scoring.Period{cur})
	if err != nil {
		return scoring.Card{}, err
	}
	return db.CardOf(ctx, b)
}

// CardOf is the card of a book's first period with each unit's rank change against the previous
// period as it was circulated.
func (db *DB) CardOf(ctx context.Context, b *scoring.Book) (scoring.Card, error) {
	c := b.Card(0)
	prevID, err := scoring.Previous(c.Period.ID)
	if err != nil {
		return c, err
	}
	if _, err := scoring.ParsePeriod(prevID, b.Policy().StartDay, b.Policy().Loc); err != nil {
		return c, nil // the first period there can be has no previous one
	}
	prev, err := db.Circulated(ctx, b.Policy(), prevID)
	if err != nil {
		return c, err
	}
	scoring.AddTrend(&c, prev)
	return c, nil
}

// CirculatedCards returns the card of each period of a book as it went out: its latest edition when
// that edition was published under the book's policy (name and version), else the card the book
// scores now; editions[i] is the edition used for period i, 0 when none.
func CirculatedCards(ctx context.Context, db *DB, b *scoring.Book) (cards []scoring.Card, editions []int, err error) {
	p := b.Policy()
	for i, per := range b.Periods() {
		id := per.Info(p.Loc).ID
		n, err := db.LatestEdition(ctx, id)
		if err != nil {
			return nil, nil, err
		}
		if n > 0 {
			e, err := db.Edition(ctx, id, n)
			if err != nil {
				return nil, nil, err
			}
			if e.PolicyName == p.Name && e.PolicyVersion == p.Version {
				c, err := e.Scorecards()
				if err != nil {
					return nil, nil, err
				}
				cards, editions = append(cards, c), append(editions, n)
				continue
			}
		}
		cards, editions = append(cards, b.Card(i)), append(editions, 0)
	}
	return cards, editions, nil
}
