package imports

import (
	"io"
	"reflect"
	"strings"
	"testing"

	"sanlv/fields"
	"sanlv/scoring"
)

// byTypeFields are the fields whose own code the reading by type must agree with: every type but
// the enums (whose vocabularies also take synonyms) and the texts with side effects (keys, repeats).
var byTypeFields = []field{fReceived, fDispatched, fContactAt, fClosed, fDue, fRedispatches, fCallbackValid,
	fContacted, fSupervised, fIncomplete, fOpinion, fExcluded, fCategory, fCallerPhone}

// TestReadingByTypeAgreesWithEachFieldsOwnCode reads every cell of messy rows (bad values, blanks,
// Chinese and serial dates) of the fields above both ways: a field added to the fields table later
// is read by type, so the two must give the same values and the same problems.
func TestReadingByTypeAgreesWithEachFieldsOwnCode(t *testing.T) {
	dir := testDir(t)
	data := messy(2000, 5) + lines(
		with(map[string]string{"received_at": "2025年10月3日 14:05", "closed_at": "45931.5", "due_at": "2025/10/10", "redispatches": "-1"}),
		with(map[string]string{"dispatched_at": "", "contacted_at": "yesterday", "supervised": "maybe", "contacted": "?"}),
		with(map[string]string{"received_at": "", "closed_at": "2025-10-32 10:00", "due_at": "2025年10月3日14时05分", "redispatches": "x"}),
		with(map[string]string{"callback_valid": "是", "incomplete_materials": "否", "opinion_incident": "y?", "excluded": "no"}),
		with(map[string]string{"contacted_at": "2025/10/2", "closed_at": "2025-10-05T10:00:00+08:00", "redispatches": "3", "category": "城建　道路"}),
		with(map[string]string{"received_at": "2025-10-01 08", "due_at": "45940", "contacted": "false", "caller_phone": "13800001111"}),
	)
	cr, own, typed := twoParsers(t, data, dir)
	own.fast = false
	co, ct := newCollector("t.csv", 100000), newCollector("t.csv", 100000)
	compared := map[string]bool{}
	for _, f := range byTypeFields {
		compared[own.label[f]] = true
	}
	for row := 2; ; row++ {
		cells, err := cr.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		ln := &line{row: row, cells: cells, raw: cr.raw, malformed: cr.rec.malformed}
		var a scoring.Assignment
		if st := own.parse(co, ln, &a); st == rowBlank || st == rowTotals || len(cells) != len(own.header) {
			continue // not read field by field
		}
		for _, st := range typed.steps {
			if !compared[typed.label[st.f]] {
				continue
			}
			var g scoring.Assignment
			typed.generic(ct, ln, st.f, st.cell(ln.cells), &g)
			fd := fields.Get(fields.ID(st.f))
			if fd.Num != nil && fd.Num(&g) != fd.Num(&a) {
				t.Errorf("row %d %s: by type %d, own code %d", row, fd.Name, fd.Num(&g), fd.Num(&a))
			}
			if fd.Text != nil && fd.Text(&g) != fd.Text(&a) {
				t.Errorf("row %d %s: by type %q, own code %q", row, fd.Name, fd.Text(&g), fd.Text(&a))
			}
		}
	}
	var ownErrs []RowError
	for _, e := range co.errs {
		if compared[e.Column] && !strings.HasPrefix(e.Reason, "before ") && !strings.HasPrefix(e.Reason, "required when") { // not the checks across fields
			ownErrs = append(ownErrs, e)
		}
	}
	if !reflect.DeepEqual(ct.errs, ownErrs) {
		t.Errorf("problems differ:\nby type  %v\nown code %v", ct.errs, ownErrs)
	}
	if len(ownErrs) < 8 {
		t.Errorf("only %d problems: the rows do not exercise the checks", len(ownErrs))
	}
}

func TestEnumValuesAreReadByTheirWordsAndLabels(t *testing.T) {
	fd := fields.Get(fields.Urgency)
	for _, c := range []struct {
		in   string
		want int
		ok   bool
	}{{"emergency", int(scoring.Emergency), true}, {"Emergency", int(scoring.Emergency), true}, {"紧急", int(scoring.Emergency), true},
		{" 复杂 ", int(scoring.Complex), true}, {"很急", 0, false}} {
		if got, ok := enumIndex(fd, c.in); got != c.want || ok != c.ok {
			t.Errorf("%q: %d %v, want %d %v", c.in, got, ok, c.want, c.ok)
		}
	}
}
