package exports_test

import (
	"bytes"
	"io"
	"io/fs"
	"testing"
	"time"

	"sanlv/exports"
	"sanlv/fixtures"
	"sanlv/fixtures/fixturetest"
	"sanlv/imports"
	"sanlv/notice"
	"sanlv/scoring"
	"sanlv/synth"
)

// BenchmarkBulletin500WithNotice writes what `sanlv bulletin` writes for a 500-unit city: the ranking
// workbook and the 通报.
func BenchmarkBulletin500WithNotice(b *testing.B) {
	p, err := fixtures.Policy("district-2025")
	if err != nil {
		b.Fatal(err)
	}
	cfg := synth.Config{Units: 500, Assignments: 100_000, Seed: 1, Year: 2025}
	var tickets bytes.Buffer
	if err := synth.WriteTickets(&tickets, cfg); err != nil {
		b.Fatal(err)
	}
	dir, err := scoring.NewDirectory(synth.Units(cfg))
	if err != nil {
		b.Fatal(err)
	}
	prev, _ := scoring.ParsePeriod("2025-09", p.StartDay, p.Loc)
	cur, _ := scoring.ParsePeriod("2025-10", p.StartDay, p.Loc)
	book, err := scoring.NewBook(p, dir, []scoring.Period{prev, cur})
	if err != nil {
		b.Fatal(err)
	}
	var rows []scoring.Assignment
	var cats exports.Categories
	if _, err := imports.Tickets("tickets.csv", &tickets, dir, imports.Options{Loc: p.Loc}, func(_ int, a *scoring.Assignment) error {
		if book.PeriodOf(a) == 1 {
			rows = append(rows, *a)
			cats.Add(a)
		}
		return book.Add(a)
	}); err != nil {
		b.Fatal(err)
	}
	points, err := fixturetest.PointLines(book, 1, rows)
	if err != nil {
		b.Fatal(err)
	}
	pc := book.Card(0)
	data, err := fs.ReadFile(fixtures.Files(), "notice/city.yaml")
	if err != nil {
		b.Fatal(err)
	}
	nc, err := notice.ParseConfig("city.yaml", data)
	if err != nil {
		b.Fatal(err)
	}
	bl := exports.Bulletin{Card: book.CardWithTrend(1, 0), Policy: p, Points: points, Previous: &pc,
		Reference: "2025年9月第1版", Categories: cats.Counts(), Edition: 1, Generated: time.Date(2025, 10, 20, 9, 0, 0, 0, time.UTC)}
	for b.Loop() {
		if err := exports.WriteBulletin(io.Discard, bl); err != nil {
			b.Fatal(err)
		}
		if err := notice.Write(io.Discard, bl, nc); err != nil {
			b.Fatal(err)
		}
	}
}
