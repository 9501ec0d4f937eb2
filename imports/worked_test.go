package imports

import (
	"sanlv/fixtures/fixturetest"

	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"sanlv/scoring"
)

var workedDir = fixturetest.WorkedDir()

// worked opens a file of the worked example, skipping the test when the example is absent.
func worked(t *testing.T, name string) *os.File {
	t.Helper()
	f, err := os.Open(filepath.Join(workedDir, name))
	if os.IsNotExist(err) {
		t.Skipf("worked example %s not found: %v", name, err)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func workedUnits(t *testing.T, name string) *scoring.Directory {
	t.Helper()
	units, rep, err := ReadUnits(name, worked(t, name))
	if err != nil {
		t.Fatalf("ReadUnits(%s): %v", name, err)
	}
	if rep.Rows != 9 || rep.Invalid != 0 || len(units) != 9 {
		t.Fatalf("ReadUnits(%s): %d rows, %d invalid, %d units; want 9, 0, 9", name, rep.Rows, rep.Invalid, len(units))
	}
	dir, err := scoring.NewDirectory(units)
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

func readAll(t *testing.T, name string, dir *scoring.Directory, opt Options) ([]scoring.Assignment, []int, *Report) {
	t.Helper()
	var out []scoring.Assignment
	var rows []int
	rep, err := Tickets(name, worked(t, name), dir, opt, func(row int, a *scoring.Assignment) error {
		out = append(out, *a)
		rows = append(rows, row)
		return nil
	})
	if err != nil {
		t.Fatalf("Tickets(%s): %v", name, err)
	}
	return out, rows, rep
}

func TestWorkedExampleFilesAgree(t *testing.T) {
	dir := workedUnits(t, "units.csv")
	dirZH := workedUnits(t, "units-zh.xlsx")
	if !reflect.DeepEqual(dir.Units(), dirZH.Units()) {
		t.Fatalf("units.csv and units-zh.xlsx differ:\n%v\n%v", dir.Units(), dirZH.Units())
	}
	if u := dir.Unit(0); u != (scoring.Unit{Code: "S01", Name: "城关街道", Group: "street", Population: 52000}) {
		t.Errorf("first unit = %+v", u)
	}
	want, _, rep := readAll(t, "tickets.csv", dir, Options{})
	if rep.Rows != 133 || rep.Valid != 133 || rep.Invalid != 0 || len(want) != 133 {
		t.Fatalf("tickets.csv: %+v, %d assignments; want 133 valid", rep, len(want))
	}
	shanghai, _ := time.LoadLocation("Asia/Shanghai")
	at := func(y, mo, d, h, mi int) int64 { return time.Date(y, time.Month(mo), d, h, mi, 0, 0, shanghai).Unix() }
	first := scoring.Assignment{
		TicketID: "T0100098", Unit: 8, Role: scoring.Lead, Kind: scoring.Complaint, Urgency: scoring.Complex,
		Resolution: scoring.Resolved, Satisfaction: scoring.VerySatisfied, Contacted: scoring.Yes, CallbackValid: true,
		Received: at(2025, 10, 4, 22, 0), Dispatched: at(2025, 10, 5, 0, 14), ContactAt: at(2025, 10, 5, 3, 14),
		Closed: at(2025, 10, 13, 7, 55), Due: at(2025, 10, 10, 0, 14),
		Category: "市场监管/消费纠纷/退换货", CallerPhone: "13631105365",
	}
	if want[0] != first {
		t.Errorf("row 2 =\n%+v\nwant\n%+v", want[0], first)
	}
	second := want[1] // T0100057M,D04,主办,2025/9/23 02:00,2025/9/23 04:47,...,举报,一般,...,是,是,已解决,基本满意,,Y
	if second.Received != at(2025, 9, 23, 2, 0) || second.Kind != scoring.Report || !second.IncompleteMaterials ||
		second.Satisfaction != scoring.BasicallySatisfied || second.Unit != 7 {
		t.Errorf("row 3 = %+v", second)
	}
	for _, name := range []string{"tickets-zh.xlsx", "tickets-zh-gb18030.csv"} {
		t.Run(name, func(t *testing.T) {
			got, _, rep := readAll(t, name, dirZH, Options{})
			if rep.Rows != 133 || rep.Invalid != 0 || len(rep.Ignored) != 0 {
				t.Fatalf("report %+v", rep)
			}
			if len(got) != len(want) {
				t.Fatalf("%d assignments, want %d", len(got), len(want))
			}
			for i := range want {
				if got[i] != want[i] {
					t.Errorf("assignment %d:\n got %+v\nwant %+v", i, got[i], want[i])
				}
			}
		})
	}
}
