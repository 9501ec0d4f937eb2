package imports

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"

	"sanlv/scoring"
)

// messy returns a tickets CSV of n rows mixing everything a splitter can trip on: quoted fields
// with commas, quotes and line breaks, CRLF, blank lines, invalid and duplicate rows, a byte-order mark.
func messy(n int, seed uint64) string {
	rng := rand.New(rand.NewPCG(seed, 7))
	var b strings.Builder
	b.WriteString("\xEF\xBB\xBF" + header + "\r\n")
	units := []string{"S01", "S02", "D01", "区城市管理委员会", "X9"}
	for i := range n {
		cat := "城建/道路"
		switch rng.IntN(8) {
		case 0:
			cat = `"城建, 道路"`
		case 1:
			cat = "\"第一行\n第二行\""
		case 2:
			cat = `"说 ""引号"" 了"`
		case 3:
			cat = "\"\r\n\""
		}
		id := fmt.Sprintf("T%05d", i)
		if rng.IntN(20) == 0 && i > 0 {
			id = fmt.Sprintf("T%05d", rng.IntN(i)) // maybe a duplicate
		}
		closed := "2025-10-02 09:00"
		if rng.IntN(15) == 0 {
			closed = "2025-09-30 09:00" // before dispatched
		}
		row := with(map[string]string{"ticket_id": id, "unit": units[rng.IntN(len(units))], "category": cat, "closed_at": closed})
		switch rng.IntN(30) {
		case 0:
			row = "T,S01,lead" // ragged
		case 1:
			row = "" // blank
		}
		b.WriteString(row)
		if rng.IntN(3) == 0 {
			b.WriteString("\r\n")
		} else {
			b.WriteString("\n")
		}
	}
	b.WriteString(good) // no final line break
	return b.String()
}

// scanned is what ScanCSV passed to fn, by row, with a check that each worker's rows come in order.
func scanAll(t *testing.T, path string, dir *scoring.Directory, opt Options, workers int, piece int64) (map[int]scoring.Assignment, *Report, error) {
	t.Helper()
	var mu sync.Mutex
	got := map[int]scoring.Assignment{}
	last := make([]int, workers)
	rep, err := scanCSV(path, dir, opt, workers, piece, func(w, row int, a *scoring.Assignment) error {
		mu.Lock()
		defer mu.Unlock()
		if row <= last[w] {
			t.Errorf("worker %d: row %d after row %d", w, row, last[w])
		}
		last[w] = row
		if _, dup := got[row]; dup {
			t.Errorf("row %d passed twice", row)
		}
		got[row] = *a
		return nil
	})
	return got, rep, err
}

func TestScanCSVMatchesTickets(t *testing.T) {
	dir := testDir(t)
	tmp := t.TempDir()
	files := map[string]string{
		"messy.csv":     messy(400, 1),
		"messy-big.csv": messy(3000, 2),
		"plain.csv":     lines(header, good, with(map[string]string{"ticket_id": "T2"})),
		"titled.csv": lines("\"XX区12345热线工单明细表\n(2025年10月)\"", "导出时间：2025-11-01,,", header, good,
			with(map[string]string{"ticket_id": "T2", "due_at": "2025/10/10"}), with(map[string]string{"ticket_id": "T3", "unit": "城关　街道"}), "合计,2,,,,,,,,,,,,,,,,,,,,"),
		"long-row.csv": lines(header, with(map[string]string{"category": `"` + strings.Repeat("长,\n", 30000) + `"`}), good),
	}
	paths := map[string]string{}
	for name, data := range files {
		paths[name] = filepath.Join(tmp, name)
		if err := os.WriteFile(paths[name], []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := os.Stat(filepath.Join(workedDir, "tickets.csv")); err == nil {
		paths["worked tickets.csv"] = filepath.Join(workedDir, "tickets.csv")
		paths["worked gb18030"] = filepath.Join(workedDir, "tickets-zh-gb18030.csv")
		paths["worked xlsx"] = filepath.Join(workedDir, "tickets-zh.xlsx")
	}
	for name, path := range paths {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		dir := dir
		if strings.HasPrefix(name, "worked") {
			dir = workedUnits(t, "units.csv")
		}
		wantList, wantRows, wantRep, err := collect(t, path, data, dir, Options{MaxErrors: 50})
		if err != nil {
			t.Fatal(err)
		}
		want := map[int]scoring.Assignment{}
		for i, a := range wantList {
			want[wantRows[i]] = a
		}
		for _, piece := range []int64{1, 7, 100, 4096, pieceSize} {
			for _, workers := range []int{1, 2, 3} {
				t.Run(fmt.Sprintf("%s/piece=%d/workers=%d", name, piece, workers), func(t *testing.T) {
					got, rep, err := scanAll(t, path, dir, Options{MaxErrors: 50}, workers, piece)
					if err != nil {
						t.Fatal(err)
					}
					if !reflect.DeepEqual(rep, wantRep) {
						t.Errorf("report\n%+v\nwant\n%+v", rep, wantRep)
					}
					if !reflect.DeepEqual(got, want) {
						t.Errorf("%d assignments, want %d (or they differ)", len(got), len(want))
					}
				})
			}
		}
	}
}

func TestScanCSVLeanLeavesTextEmpty(t *testing.T) {
	path := filepath.Join(t.TempDir(), "t.csv")
	os.WriteFile(path, []byte(lines(header, with(map[string]string{"excluded": "1", "exclude_reason": "重复"}), good)), 0o600)
	got, rep, err := scanAll(t, path, testDir(t), Options{Lean: true}, 2, 64)
	if err != nil || rep.Invalid != 1 {
		t.Fatalf("err %v, report %+v", err, rep) // the second row duplicates the first
	}
	a := got[2]
	// The ticket id is kept: errors and repeats name it.
	if a.TicketID != "T1" || a.Category != "" || a.ExcludeReason != "" || a.CallerPhone != "" || !a.Excluded || a.Unit != 0 {
		t.Errorf("lean assignment %+v", a)
	}
}

func TestScanCSVStopsOnCallbackError(t *testing.T) {
	path := filepath.Join(t.TempDir(), "t.csv")
	os.WriteFile(path, []byte(messy(2000, 3)), 0o600)
	stop := errors.New("stop")
	calls := 0
	var mu sync.Mutex
	_, err := scanCSV(path, testDir(t), Options{}, 2, 512, func(w, row int, a *scoring.Assignment) error {
		mu.Lock()
		defer mu.Unlock()
		calls++
		if calls == 10 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) {
		t.Fatalf("err = %v, want fn's error", err)
	}
	if calls > 200 {
		t.Errorf("%d calls after the error", calls)
	}
}
