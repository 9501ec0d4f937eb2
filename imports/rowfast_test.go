package imports

import (
	"hash/maphash"
	"io"
	"reflect"
	"strings"
	"testing"

	"sanlv/scoring"
)

// TestReadFastMatchesReadSteps reads rows of every kind (bad values, ragged, blank, repeated)
// with the field-order reader and with the step-by-step one, and compares what each gives.
func TestReadFastMatchesReadSteps(t *testing.T) {
	dir := testDir(t)
	data := messy(3000, 3) + lines(
		with(map[string]string{"ticket_id": "", "unit": "X9", "kind": "nope", "received_at": "2025-13-01 00:00", "redispatches": "-1"}),
		with(map[string]string{"ticket_id": " T77 ", "role": "maybe", "satisfaction": "meh", "excluded": "true", "exclude_reason": ""}),
		with(map[string]string{"dispatched_at": "", "callback_valid": "perhaps", "contacted": "?", "resolved": "??"}),
		with(map[string]string{"ticket_id": "1.2E+10", "closed_at": "2020-01-01 00:00", "supervised": "x", "opinion_incident": "y"}),
	)
	cr, fast, slow := twoParsers(t, data, dir)
	if !fast.fast {
		t.Fatal("the test layout is not read by readFast")
	}
	slow.fast = false
	cf, cs := newCollector("t.csv", 100000), newCollector("t.csv", 100000)
	for row := 2; ; row++ {
		cells, err := cr.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		ln := &line{row: row, cells: cells, raw: cr.raw, malformed: cr.rec.malformed}
		var af, as scoring.Assignment
		sf, ss := fast.parse(cf, ln, &af), slow.parse(cs, ln, &as)
		if sf != ss || !reflect.DeepEqual(af, as) {
			t.Fatalf("row %d: fast %v %+v, steps %v %+v", row, sf, af, ss, as)
		}
	}
	if !reflect.DeepEqual(cf.errs, cs.errs) || !reflect.DeepEqual(cf.keys, cs.keys) || cf.invalid != cs.invalid {
		t.Errorf("problems differ:\nfast  %v\nsteps %v", cf.errs, cs.errs)
	}
	if len(cs.errs) < 100 {
		t.Errorf("only %d problems: the rows do not exercise the checks", len(cs.errs))
	}
}

// twoParsers reads the header of a tickets CSV and returns its reader, positioned at the first row,
// and two parsers of its layout that share one seed.
func twoParsers(t *testing.T, data string, dir *scoring.Directory) (*csvReader, *rowParser, *rowParser) {
	t.Helper()
	cr := newCSVReader(strings.NewReader(strings.TrimPrefix(data, "\xEF\xBB\xBF")))
	head, err := cr.next()
	if err != nil {
		t.Fatal(err)
	}
	l, err := resolveTickets("t.csv", cellStrings(head), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	tb := &table{csv: true, header: cellStrings(head)}
	seed := maphash.MakeSeed()
	return cr, newRowParser(l, dir, tb, seed, false), newRowParser(l, dir, tb, seed, false)
}
