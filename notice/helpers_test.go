package notice

import (
	"bytes"
	"io"
	"io/fs"
	"testing"

	"sanlv/exports"
	"sanlv/fixtures"
	"sanlv/fixtures/fixturetest"
	"sanlv/imports"
	"sanlv/scoring"
	"sanlv/synth"
)

// sampleConfig is the shipped settings of the sample city.
func sampleConfig(t testing.TB) Config {
	t.Helper()
	data, err := fs.ReadFile(fixtures.Files(), "notice/city.yaml")
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := ParseConfig("fixtures/notice/city.yaml", data)
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// city builds the draft bulletin of a period from a units list and a tickets file, with the
// previous period, the point lines and the category counts, as the bulletin command does.
func city(t testing.TB, policy string, units []scoring.Unit, tickets func() io.Reader, period string) exports.Bulletin {
	t.Helper()
	p, err := fixtures.Policy(policy)
	if err != nil {
		t.Fatal(err)
	}
	dir, err := scoring.NewDirectory(units)
	if err != nil {
		t.Fatal(err)
	}
	prevID, _ := scoring.Previous(period)
	prev, err := scoring.ParsePeriod(prevID, p.StartDay, p.Loc)
	if err != nil {
		t.Fatal(err)
	}
	cur, err := scoring.ParsePeriod(period, p.StartDay, p.Loc)
	if err != nil {
		t.Fatal(err)
	}
	b, err := scoring.NewBook(p, dir, []scoring.Period{prev, cur})
	if err != nil {
		t.Fatal(err)
	}
	var rows []scoring.Assignment
	var now, before exports.Categories
	if _, err := imports.Tickets("tickets.csv", tickets(), dir, imports.Options{Loc: p.Loc}, func(_ int, a *scoring.Assignment) error {
		switch b.PeriodOf(a) {
		case 0:
			before.Add(a)
		case 1:
			now.Add(a)
			rows = append(rows, *a)
		}
		return b.Add(a)
	}); err != nil {
		t.Fatal(err)
	}
	points, err := fixturetest.PointLines(b, 1, rows)
	if err != nil {
		t.Fatal(err)
	}
	pc := b.Card(0)
	return exports.Bulletin{Card: b.CardWithTrend(1, 0), Policy: p, Points: points, Previous: &pc,
		Reference: exports.PeriodLabel(prevID) + "（按所给数据计算）", Categories: now.Counts(), PreviousCategories: before.Counts()}
}

// sampleCity is the draft bulletin of the shipped sample city for 2025-10.
func sampleCity(t testing.TB, policy string) exports.Bulletin {
	t.Helper()
	f, err := fixtures.Files().Open("city/units.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	units, _, err := imports.ReadUnits("units.csv", f)
	if err != nil {
		t.Fatal(err)
	}
	return city(t, policy, units, func() io.Reader {
		data, err := fs.ReadFile(fixtures.Files(), "city/tickets.csv")
		if err != nil {
			t.Fatal(err)
		}
		return bytes.NewReader(data)
	}, "2025-10")
}

// synthCity is the draft bulletin of a synthetic city with n units.
func synthCity(t testing.TB, n, assignments int) exports.Bulletin {
	t.Helper()
	cfg := synth.Config{Units: n, Assignments: assignments, Seed: 1, Year: 2025}
	var buf bytes.Buffer
	if err := synth.WriteTickets(&buf, cfg); err != nil {
		t.Fatal(err)
	}
	return city(t, "district-2025", synth.Units(cfg), func() io.Reader { return bytes.NewReader(buf.Bytes()) }, "2025-10")
}
