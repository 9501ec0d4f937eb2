package store_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"testing"
	"time"

	"sanlv/scoring"
	"sanlv/store"
	"sanlv/store/storetest"
	"sanlv/synth"
)

// benchRows reads a row count from the environment, else def.
func benchRows(name string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(name)); err == nil && n > 0 {
		return n
	}
	return def
}

// writeCity writes a synthetic city's units and tickets files into dir.
func writeCity(b *testing.B, dir string, cfg synth.Config) (units []byte, tickets string) {
	b.Helper()
	var u bytes.Buffer
	if err := synth.WriteUnits(&u, synth.Units(cfg)); err != nil {
		b.Fatal(err)
	}
	tickets = filepath.Join(dir, "tickets.csv")
	f, err := os.Create(tickets)
	if err != nil {
		b.Fatal(err)
	}
	if err := synth.WriteTickets(f, cfg); err != nil {
		b.Fatal(err)
	}
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
	return u.Bytes(), tickets
}

func openBench(b *testing.B, pg bool) *store.DB {
	if pg {
		return storetest.Open(b, storetest.PostgresDSN(b))
	}
	return storetest.Open(b, storetest.SQLiteDSN(b))
}

// BenchmarkImportTickets imports a generated tickets file (SANLV_BENCH_ROWS rows, default 200k) into an
// empty database, per iteration.
func BenchmarkImportTickets(b *testing.B) {
	n := benchRows("SANLV_BENCH_ROWS", 200_000)
	cfg := synth.Config{Units: 400, Assignments: n, Seed: 1, Year: 2025}
	units, tickets := writeCity(b, b.TempDir(), cfg)
	for _, name := range []string{"sqlite", "postgres"} {
		b.Run(name, func(b *testing.B) {
			ctx := context.Background()
			var total time.Duration
			var peak uint64
			for b.Loop() {
				b.StopTimer()
				db := openBench(b, name == "postgres")
				if _, err := db.ImportUnits(ctx, "units.csv", bytes.NewReader(units), store.ImportOptions{}); err != nil {
					b.Fatal(err)
				}
				f, err := os.Open(tickets)
				if err != nil {
					b.Fatal(err)
				}
				runtime.GC()
				b.StartTimer()
				start := time.Now()
				res, err := db.ImportTickets(ctx, "tickets.csv", f, store.ImportOptions{Progress: func(int) {
					var m runtime.MemStats
					runtime.ReadMemStats(&m)
					peak = max(peak, m.HeapInuse)
				}})
				total += time.Since(start)
				b.StopTimer()
				f.Close()
				if err != nil || res.Inserted != n {
					b.Fatalf("%+v %v", res, err)
				}
				db.Close()
				b.StartTimer()
			}
			b.ReportMetric(float64(n)*float64(b.N)/total.Seconds(), "rows/s")
			b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
		})
	}
}

// BenchmarkScoreYear scores a generated year (SANLV_BENCH_SCORE_ROWS assignments, default 1M) from the
// database under the district policy: twelve monthly periods, streamed.
func BenchmarkScoreYear(b *testing.B) {
	n := benchRows("SANLV_BENCH_SCORE_ROWS", 1_000_000)
	cfg := synth.Config{Units: 400, Assignments: n, Seed: 2, Year: 2025}
	units, tickets := writeCity(b, b.TempDir(), cfg)
	p := policy(b, "district-2025")
	periods, err := p.AnnualPeriods("2025")
	if err != nil {
		b.Fatal(err)
	}
	for _, name := range []string{"sqlite", "postgres"} {
		b.Run(name, func(b *testing.B) {
			ctx := context.Background()
			db := openBench(b, name == "postgres")
			if _, err := db.ImportUnits(ctx, "units.csv", bytes.NewReader(units), store.ImportOptions{}); err != nil {
				b.Fatal(err)
			}
			f, err := os.Open(tickets)
			if err != nil {
				b.Fatal(err)
			}
			start := time.Now()
			if _, err := db.ImportTickets(ctx, "tickets.csv", f, store.ImportOptions{}); err != nil {
				b.Fatal(err)
			}
			f.Close()
			b.Logf("%s: imported %d rows in %v", name, n, time.Since(start))
			if pg := db.Postgres(); pg {
				if _, err := db.Bun().ExecContext(ctx, "VACUUM ANALYZE assignments"); err != nil {
					b.Fatal(err)
				}
			}
			runtime.GC()
			var peak uint64
			b.ResetTimer()
			for b.Loop() {
				var book *scoring.Book
				book, err = db.Book(ctx, p, periods)
				if err != nil {
					b.Fatal(err)
				}
				var m runtime.MemStats
				runtime.ReadMemStats(&m)
				peak = max(peak, m.HeapInuse)
				_ = book.Annual("2025")
			}
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
			b.ReportMetric(float64(peak)/(1<<20), "heap-MB")
		})
	}
}
