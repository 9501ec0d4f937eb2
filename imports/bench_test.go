package imports

import (
	"bufio"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"sanlv/scoring"
)

var benchFile struct {
	once  sync.Once
	path  string
	rows  int
	units []scoring.Unit
	err   error
}

// benchData writes (once per run) a tickets CSV of 1M rows with canonical English values and 400
// units, shaped like the 10M-row production file (about 220 bytes a row).
func benchData(b *testing.B) (string, int, *scoring.Directory) {
	benchFile.once.Do(func() {
		const n = 1_000_000
		for i := range 400 {
			benchFile.units = append(benchFile.units, scoring.Unit{Code: fmt.Sprintf("U%03d", i+1), Name: fmt.Sprintf("第%d单位", i+1), Group: "street"})
		}
		dir, err := os.MkdirTemp("", "imports-bench")
		if err != nil {
			benchFile.err = err
			return
		}
		benchFile.path, benchFile.rows = filepath.Join(dir, "tickets.csv"), n
		f, err := os.Create(benchFile.path)
		if err != nil {
			benchFile.err = err
			return
		}
		defer f.Close()
		w := bufio.NewWriterSize(f, 1<<20)
		w.WriteString(header + "\n")
		rng := rand.New(rand.NewPCG(1, 1))
		kinds := []string{"consult", "help", "complaint", "report", "suggestion", "praise"}
		urg := []string{"normal", "normal", "normal", "emergency", "priority", "complex"}
		res := []string{"", "resolved", "resolved", "partial", "unresolved"}
		sat := []string{"", "very_satisfied", "satisfied", "satisfied", "basically_satisfied", "dissatisfied"}
		cats := []string{"城市管理/市容环境/占道经营", "住房/物业管理/电梯故障", "供水/停水/计划停水", "交通/停车管理/违章停车"}
		bools := []string{"true", "false", "false", ""}
		base := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC).Unix()
		ts := func(t int64) string { return time.Unix(t, 0).UTC().Format("2006-01-02 15:04:05") }
		for i := range n {
			recv := base + rng.Int64N(365*86400)
			disp := recv + rng.Int64N(3600)
			contact := disp + rng.Int64N(7200)
			closed := disp + rng.Int64N(10*86400)
			role := "lead"
			if rng.IntN(10) == 0 {
				role = "co"
			}
			fmt.Fprintf(w, "T%09d,U%03d,%s,%s,%s,%s,%s,%s,%s,%s,%s,%d,%s,%s,%s,%s,%s,%s,%s,false,,138%08d\n",
				i, rng.IntN(400)+1, role, ts(recv), ts(disp), ts(contact), ts(closed), ts(disp+7*86400),
				kinds[rng.IntN(6)], urg[rng.IntN(6)], cats[rng.IntN(4)], rng.IntN(2),
				bools[rng.IntN(2)], bools[rng.IntN(4)], res[rng.IntN(5)], sat[rng.IntN(6)],
				bools[1+rng.IntN(3)], bools[1+rng.IntN(3)], bools[1+rng.IntN(3)], rng.IntN(1e8))
		}
		benchFile.err = w.Flush()
	})
	if benchFile.err != nil {
		b.Fatal(benchFile.err)
	}
	dir, err := scoring.NewDirectory(benchFile.units)
	if err != nil {
		b.Fatal(err)
	}
	return benchFile.path, benchFile.rows, dir
}

func TestMain(m *testing.M) {
	code := m.Run()
	if benchFile.path != "" {
		os.RemoveAll(filepath.Dir(benchFile.path))
	}
	os.Exit(code)
}

func BenchmarkScanCSV(b *testing.B) {
	path, n, dir := benchData(b)
	st, _ := os.Stat(path)
	for _, workers := range []int{1, 2} {
		for _, lean := range []bool{true, false} {
			b.Run(fmt.Sprintf("workers=%d/lean=%v", workers, lean), func(b *testing.B) {
				b.SetBytes(st.Size())
				b.ReportAllocs()
				start, cpu0 := time.Now(), cpuTime()
				for b.Loop() {
					rep, err := ScanCSV(path, dir, Options{Lean: lean}, workers, func(w, row int, a *scoring.Assignment) error { return nil })
					if err != nil || rep.Rows != n || rep.Invalid != 0 {
						b.Fatalf("err %v, report %d rows, %d invalid %v", err, rep.Rows, rep.Invalid, rep.Errors)
					}
				}
				sec := time.Since(start).Seconds()
				b.ReportMetric(float64(n)*float64(b.N)/sec, "rows/s")
				// MB per CPU second: the rate of one core, which other processes on the machine do not change much.
				b.ReportMetric(float64(st.Size())*float64(b.N)/(cpuTime()-cpu0).Seconds()/1e6, "MB/cpu-s")
			})
		}
	}
}

func BenchmarkTickets(b *testing.B) {
	path, n, dir := benchData(b)
	st, _ := os.Stat(path)
	b.SetBytes(st.Size())
	b.ReportAllocs()
	start := time.Now()
	for b.Loop() {
		f, err := os.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		rep, err := Tickets("tickets.csv", f, dir, Options{}, func(row int, a *scoring.Assignment) error { return nil })
		f.Close()
		if err != nil || rep.Rows != n {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/time.Since(start).Seconds(), "rows/s")
}

func BenchmarkParseDatetime(b *testing.B) {
	c := newClock(defaultLoc())
	in := [][]byte{[]byte("2025-06-03 14:05:09"), []byte("2025/6/3 14:05"), []byte("2025-06-03T14:05:09+08:00")}
	for b.Loop() {
		for _, s := range in {
			if _, ok := c.parseDatetime(s); !ok {
				b.Fatal(string(s))
			}
		}
	}
}

func BenchmarkFindDuplicates10M(b *testing.B) {
	const n = 10_000_000
	var l keyLog
	for row := 2; row < n+2; row++ {
		l.add(row, rowKey(mix(uint64(row)), false))
	}
	b.ResetTimer()
	cpu0 := cpuTime()
	for b.Loop() {
		findDuplicates([]*keyLog{&l}, func(row, first int, invalid bool) { b.Fatal("duplicate") })
	}
	b.ReportMetric(float64(cpuTime()-cpu0)/float64(b.N)/1e6, "cpu-ms/op")
}

func BenchmarkFindDuplicatesParts(b *testing.B) {
	const n = 10_000_000
	var l keyLog
	for row := 2; row < n+2; row++ {
		l.add(row, rowKey(mix(uint64(row)), false))
	}
	for _, parts := range []int{1, 2} {
		b.Run(fmt.Sprint(parts), func(b *testing.B) {
			for b.Loop() {
				findDuplicatesIn([]*keyLog{&l}, parts, func(row, first int, invalid bool) { b.Fatal("duplicate") })
			}
		})
	}
}

func BenchmarkWords(b *testing.B) {
	w := words[scoring.Satisfaction]{parse: scoring.ParseSatisfaction}
	in := [][]byte{[]byte(""), []byte("very_satisfied"), []byte("satisfied"), []byte("basically_satisfied"), []byte("dissatisfied"), []byte("satisfied")}
	for b.Loop() {
		for _, s := range in {
			if _, err := w.get(s); err != nil {
				b.Fatal(err)
			}
		}
	}
}
