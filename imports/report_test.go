package imports

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"sanlv/scoring"
)

func TestReportErrShowsTheFirstProblems(t *testing.T) {
	var rows []string
	for i := range 8 {
		rows = append(rows, with(map[string]string{"ticket_id": fmt.Sprint("T", i), "unit": "X"}))
	}
	_, _, rep, err := collect(t, "t.csv", []byte(lines(append([]string{header}, rows...)...)), testDir(t), Options{MaxErrors: 6})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Invalid != 8 || len(rep.Errors) != 6 || rep.Omitted != 2 {
		t.Fatalf("report: %d invalid, %d errors, %d omitted", rep.Invalid, len(rep.Errors), rep.Omitted)
	}
	var se *scoring.Error
	if !errors.As(rep.Err(), &se) {
		t.Fatal(rep.Err())
	}
	want := `t.csv: 8 of 8 rows invalid: t.csv:2: unit: unknown unit "X"; t.csv:3: unit: unknown unit "X"; ` +
		`t.csv:4: unit: unknown unit "X"; t.csv:5: unit: unknown unit "X"; t.csv:6: unit: unknown unit "X"; and 3 more problems`
	if se.Message != want {
		t.Errorf("message\n%s\nwant\n%s", se.Message, want)
	}
	if se.Code != scoring.Invalid || len(se.Fields) != 6 || se.Fields[0] != (scoring.FieldError{Field: "t.csv:2:unit", Reason: `unknown unit "X"`}) {
		t.Errorf("fields %+v", se.Fields)
	}
}

func TestTicketsReturnsTheCallbackError(t *testing.T) {
	stop := errors.New("stop")
	n := 0
	rep, err := Tickets("t.csv", strings.NewReader(lines(header, good, with(map[string]string{"ticket_id": "T2"}))), testDir(t), Options{},
		func(row int, a *scoring.Assignment) error { n++; return stop })
	if !errors.Is(err, stop) || n != 1 || rep == nil {
		t.Fatalf("err %v after %d calls, report %v", err, n, rep)
	}
}

func TestDuplicatesAcrossManyRows(t *testing.T) {
	var l keyLog
	const n = 200_000
	for row := 2; row < n+2; row++ {
		k := uint64(row)
		if row%50_000 == 0 {
			k = 7 // same key as row 7
		}
		l.add(row, rowKey(mix(k), row == 100_000))
	}
	l.add(n+10, 0) // a row without key after a gap
	for _, parts := range []int{1, 2, 4} {
		var got []string
		findDuplicatesIn([]*keyLog{&l}, parts, func(row, first int, invalid bool) {
			got = append(got, fmt.Sprint(row, "/", first, "/", invalid))
		})
		want := "50000/7/false 100000/7/true 150000/7/false 200000/7/false"
		if strings.Join(got, " ") != want {
			t.Errorf("%d partitions: duplicates %v, want %s", parts, got, want)
		}
	}
}
