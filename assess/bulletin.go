package assess

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"

	"sanlv/exports"
	"sanlv/scoring"
	"sanlv/store"
)

// Bulletin is a period's bulletin with a word on anything left out of it.
type Bulletin struct {
	exports.Bulletin
	// PointsOmitted says why 扣分明细 is empty although units lost points: an edition published
	// before point lines were frozen whose inputs changed since. "" when nothing is left out.
	PointsOmitted string
}

// PointLines lists the 扣分明细 of period pi of b — one line per row and rule that gave points, by
// unit (directory order) and ticket — reading the period's rows once and counting their
// categories into cats.
func PointLines(ctx context.Context, src Source, b *scoring.Book, pi int, cats *exports.Categories) ([]scoring.PointLine, error) {
	dir := b.Directory()
	var out []scoring.PointLine
	err := src.Rows(ctx, b, pi, "", func(a *scoring.Assignment) error {
		cats.Add(a)
		l, err := b.Line(a)
		if err != nil {
			return err
		}
		out = scoring.AppendPointLines(out, dir.Unit(a.Unit), &l)
		return nil
	})
	scoring.SortPointLines(out, dir)
	return out, err
}

// categories counts the rows of period id under p by category.
func categories(ctx context.Context, src Source, p *scoring.Policy, dir *scoring.Directory, id string) ([]exports.CategoryCount, error) {
	per, err := scoring.ParsePeriod(id, p.StartDay, p.Loc)
	if err != nil {
		return nil, err
	}
	b, err := scoring.NewBook(p, dir, []scoring.Period{per})
	if err != nil {
		return nil, err
	}
	var cats exports.Categories
	err = src.Rows(ctx, b, 0, "", func(a *scoring.Assignment) error {
		cats.Add(a)
		return nil
	})
	return cats.Counts(), err
}

// previousCard returns the card period id went out with and its name for 排名变化 and 环比: from
// the source's record, else scored now from the source.
func previousCard(ctx context.Context, src Source, p *scoring.Policy, id string) (scoring.Card, string, error) {
	c, label, ok, err := src.Previous(ctx, p, id)
	if err != nil || ok {
		return c, label, err
	}
	per, err := scoring.ParsePeriod(id, p.StartDay, p.Loc)
	if err != nil {
		return c, "", scoring.Errorf(scoring.Invalid, "previous period: %v", err)
	}
	b, err := Book(ctx, src, p, []scoring.Period{per})
	if err != nil {
		return c, "", err
	}
	return b.Card(0), exports.PeriodLabel(id) + "（按所给数据计算）", nil
}

// withPrevious sets the previous period of a bulletin (previous, else the period before), its name
// and its category counts, and each unit's rank change against it when trend is set.
func withPrevious(ctx context.Context, src Source, bl *exports.Bulletin, dir *scoring.Directory, previous string, trend bool) error {
	if previous == "" {
		var err error
		if previous, err = scoring.Previous(bl.Card.Period.ID); err != nil {
			return err
		}
	}
	prev, label, err := previousCard(ctx, src, bl.Policy, previous)
	if err != nil {
		return err
	}
	if trend {
		scoring.AddTrend(&bl.Card, prev)
	}
	bl.Previous, bl.Reference = &prev, label
	bl.PreviousCategories, err = categories(ctx, src, bl.Policy, dir, previous)
	return err
}

// Draft assembles the bulletin of a period scored now under p, against previous (default: the
// period before, as it went out, else scored now).
func Draft(ctx context.Context, src Source, p *scoring.Policy, period, previous string) (Bulletin, error) {
	var bl Bulletin
	per, err := scoring.ParsePeriod(period, p.StartDay, p.Loc)
	if err != nil {
		return bl, scoring.Errorf(scoring.Invalid, "period: %v", err)
	}
	b, err := Book(ctx, src, p, []scoring.Period{per})
	if err != nil {
		return bl, err
	}
	bl.Policy, bl.Card = p, b.Card(0)
	bl.Generated = periodEnd(&bl.Card)
	var cats exports.Categories
	if bl.Points, err = PointLines(ctx, src, b, 0, &cats); err != nil {
		return bl, err
	}
	bl.Categories = cats.Counts()
	return bl, withPrevious(ctx, src, &bl.Bulletin, b.Directory(), previous, true)
}

// frozenContext is what an edition keeps for its bulletin beside the card (store.Edition.Context), so
// that later imports, decisions and editions of the previous period never change a published 通报.
type frozenContext struct {
	Categories []exports.CategoryCount `json:"categories"`
	// Previous is the previous period as it had gone out when the edition was published; nil when it
	// could not be read then (the bulletin reads it when printed, as for older editions).
	Previous           *scoring.Card           `json:"previous,omitempty"`
	Reference          string                  `json:"reference,omitempty"`
	PreviousCategories []exports.CategoryCount `json:"previous_categories,omitempty"`
}

// Freeze returns the store.Freezer that keeps, with an edition, the period's category counts from the
// rows it was scored from and the previous period (card, name, category counts) as it had gone out.
func Freeze(db *store.DB) store.Freezer {
	return func(ctx context.Context, p *scoring.Policy, card scoring.Card, rows []scoring.Assignment) (json.RawMessage, error) {
		var cats exports.Categories
		for i := range rows {
			cats.Add(&rows[i])
		}
		fc := frozenContext{Categories: cats.Counts()}
		dir, err := db.Directory(ctx)
		if err != nil {
			return nil, err
		}
		bl := exports.Bulletin{Policy: p, Card: card}
		if err := withPrevious(ctx, DB{db}, &bl, dir, "", false); err == nil {
			fc.Previous, fc.Reference, fc.PreviousCategories = bl.Previous, bl.Reference, bl.PreviousCategories
		}
		raw, err := json.Marshal(fc)
		if err != nil {
			return nil, fmt.Errorf("freeze the bulletin of %s: %w", card.Period.ID, err)
		}
		return raw, nil
	}
}

// Published assembles the bulletin of edition n of a period: its frozen scorecards and 扣分明细
// under the policy it went out under, with the category counts and the previous period frozen with it
// (read now for editions published before they were kept, or when previous names another period).
// want, when set, must be that policy: an edition is never reprinted under another. An edition published before point lines were frozen gets them scored
// now when its inputs are unchanged, else none (PointsOmitted says why).
func Published(ctx context.Context, db *store.DB, period string, n int, want *scoring.Policy, previous string) (Bulletin, error) {
	var bl Bulletin
	e, err := db.Edition(ctx, period, n)
	if err != nil {
		return bl, err
	}
	p, err := EditionPolicy(ctx, db, &e)
	if err != nil {
		return bl, err
	}
	if want != nil && (want.Name != e.PolicyName || want.Version != e.PolicyVersion) {
		return bl, scoring.Errorf(scoring.Conflict, "%s was published (edition %d) under %s %s, not under %s %s: "+
			"a published bulletin is printed only under its own policy; score the other policy as a draft or a what-if",
			e.Period, e.Number, e.PolicyName, e.PolicyVersion, want.Name, want.Version)
	}
	if bl.Card, err = e.Scorecards(); err != nil {
		return bl, err
	}
	var fc *frozenContext
	if len(e.Context) > 0 {
		fc = new(frozenContext)
		if err := json.Unmarshal(e.Context, fc); err != nil {
			return bl, fmt.Errorf("edition %s/%d context: %w", e.Period, e.Number, err)
		}
	}
	bl.Policy, bl.Edition, bl.Generated = p, e.Number, e.PublishedAt
	src := DB{db}
	dir, err := db.Directory(ctx)
	if err != nil {
		return bl, err
	}
	same := len(e.Points) > 0
	if !same {
		if same, err = sameInputs(ctx, db, p, &e); err != nil {
			return bl, err
		}
	}
	switch {
	case len(e.Points) > 0:
		if bl.Points, err = e.PointLines(); err != nil {
			return bl, err
		}
		if fc != nil {
			bl.Categories = fc.Categories
		} else {
			bl.Categories, err = categories(ctx, src, p, dir, e.Period)
		}
	case same:
		var b *scoring.Book
		per, _ := scoring.ParsePeriod(e.Period, p.StartDay, p.Loc)
		if b, err = Book(ctx, src, p, []scoring.Period{per}); err != nil {
			return bl, err
		}
		var cats exports.Categories
		bl.Points, err = PointLines(ctx, src, b, 0, &cats)
		bl.Categories = cats.Counts()
	default:
		// Today's point lines would not add up to the frozen card.
		bl.PointsOmitted = fmt.Sprintf("the inputs changed after edition %d was published", e.Number)
		bl.Categories, err = categories(ctx, src, p, dir, e.Period)
	}
	if err != nil {
		return bl, err
	}
	if fc != nil && fc.Previous != nil && previous == "" {
		bl.Previous, bl.Reference, bl.PreviousCategories = fc.Previous, fc.Reference, fc.PreviousCategories
		return bl, nil
	}
	return bl, withPrevious(ctx, src, &bl.Bulletin, dir, previous, false)
}

// sameInputs reports whether the stored inputs and policy of a period are still those of the edition.
func sameInputs(ctx context.Context, db *store.DB, p *scoring.Policy, e *store.Edition) (bool, error) {
	sum := sha256.Sum256(p.Source)
	if hex.EncodeToString(sum[:]) != e.PolicySHA256 {
		return false, nil
	}
	per, err := scoring.ParsePeriod(e.Period, p.StartDay, p.Loc)
	if err != nil {
		return false, err
	}
	digest, _, err := db.DigestPeriod(ctx, per, nil)
	return digest == e.InputDigest, err
}

// periodEnd is the end of a card's period, the fixed date of a draft.
func periodEnd(c *scoring.Card) time.Time {
	t, _ := time.Parse(time.RFC3339, c.Period.End)
	return t
}
