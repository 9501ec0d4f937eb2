package imports

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"sanlv/scoring"
)

// v2Header is the English header with the second-edition columns (SPEC §13.1) appended.
const v2Header = header + ",accepted_at,extended_due_at,return_status,returned_at,duplicate_of,channel,hotline"

// v2Row is a valid row for v2Header: good plus the new cells.
func v2Row(accepted, extended, status, returned, dup, channel, hotline string) string {
	return good + "," + strings.Join([]string{accepted, extended, status, returned, dup, channel, hotline}, ",")
}

func TestSecondEditionColumnsAreRead(t *testing.T) {
	at := func(s string) int64 {
		tm, err := time.ParseInLocation("2006-01-02 15:04", s, shanghai)
		if err != nil {
			t.Fatal(err)
		}
		return tm.Unix()
	}
	data := lines(v2Header,
		v2Row("2025-10-01 09:30", "2025-10-20 18:00", "退单驳回", "2025-10-01 11:00", "T0", "网站", "12319"),
		strings.Replace(v2Row("", "", "", "", "", "", ""), "T1,", "T2,", 1))
	as, _, rep, err := collect(t, "tickets.csv", []byte(data), testDir(t), Options{})
	if err != nil || rep.Invalid != 0 || len(as) != 2 {
		t.Fatalf("err %v, report %+v", err, rep)
	}
	a := as[0]
	if a.Accepted != at("2025-10-01 09:30") || a.ExtendedDue != at("2025-10-20 18:00") || a.Return != scoring.ReturnRejected ||
		a.Returned != at("2025-10-01 11:00") || a.DuplicateOf != "T0" || a.Channel != "网站" || a.Hotline != "12319" {
		t.Errorf("row 2 = %+v", a)
	}
	b := as[1]
	if b.Accepted != 0 || b.ExtendedDue != 0 || b.Return != scoring.ReturnNone || b.Returned != 0 || b.DuplicateOf != "" || b.Channel != "" || b.Hotline != "" {
		t.Errorf("row 3 (empty new cells) = %+v", b)
	}
	for _, f := range []string{"accepted_at", "extended_due_at", "return_status", "returned_at", "duplicate_of", "channel", "hotline", "ticket_id"} {
		if !rep.Has(f) {
			t.Errorf("Present lacks %s: %v", f, rep.Present)
		}
	}

	// A file without the new columns leaves them empty and says they are absent.
	_, _, rep, err = collect(t, "tickets.csv", []byte(lines(header, good)), testDir(t), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Has("hotline") || rep.Has("return_status") || !rep.Has("caller_phone") {
		t.Errorf("Present = %v", rep.Present)
	}
}

func TestSecondEditionRowsAreChecked(t *testing.T) {
	tests := []struct {
		name string
		row  string
		want RowError
	}{
		{"accepted before dispatched", v2Row("2025-10-01 08:30", "", "", "", "", "", ""),
			RowError{Row: 2, Column: "accepted_at", Reason: "before dispatched_at (2025-10-01 08:30 < 2025-10-01 09:00)"}},
		{"returned before dispatched", v2Row("", "", "approved", "2025-10-01 08:59", "", "", ""),
			RowError{Row: 2, Column: "returned_at", Reason: "before dispatched_at (2025-10-01 08:59 < 2025-10-01 09:00)"}},
		{"extension before dispatched", v2Row("", "2025-09-30 23:00", "", "", "", "", ""),
			RowError{Row: 2, Column: "extended_due_at", Reason: "before dispatched_at (2025-09-30 23:00 < 2025-10-01 09:00)"}},
		{"return without a time", v2Row("", "", "退单通过", "", "", "", ""),
			RowError{Row: 2, Column: "returned_at", Reason: "required when return_status is approved"}},
		{"repeat of itself", v2Row("", "", "", "", "T1", "", ""),
			RowError{Row: 2, Column: "duplicate_of", Reason: `equals the row's own ticket_id "T1"`}},
		{"unknown return status", v2Row("", "", "maybe", "", "", "", ""),
			RowError{Row: 2, Column: "return_status"}},
		{"id turned into a number by Excel", v2Row("", "", "", "", "2.0251E+12", "", ""),
			RowError{Row: 2, Column: "duplicate_of"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			as, _, rep, err := collect(t, "tickets.csv", []byte(lines(v2Header, tt.row)), testDir(t), Options{})
			if err != nil {
				t.Fatal(err)
			}
			if len(as) != 0 || rep.Invalid != 1 || len(rep.Errors) != 1 {
				t.Fatalf("%d passed, report %+v", len(as), rep)
			}
			e := rep.Errors[0]
			if e.Row != tt.want.Row || e.Column != tt.want.Column || (tt.want.Reason != "" && e.Reason != tt.want.Reason) {
				t.Errorf("got %v, want %v", e, tt.want)
			}
		})
	}
}

func TestScientificTicketIDsAreRefusedWithAHint(t *testing.T) {
	_, _, rep, err := collect(t, "tickets.csv", []byte(lines(header, with(map[string]string{"ticket_id": "2.0251E+12"}))), testDir(t), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Invalid != 1 || len(rep.Errors) != 1 || !strings.Contains(rep.Errors[0].Reason, "Excel 把编号存成了数字") {
		t.Fatalf("report %+v", rep)
	}
}

func TestDeadlineDatesWithoutATimeEndTheDay(t *testing.T) {
	data := lines(header, with(map[string]string{"due_at": "2025/10/10", "received_at": "2025-10-01"}))
	as, _, rep, err := collect(t, "tickets.csv", []byte(data), testDir(t), Options{})
	if err != nil || len(as) != 1 {
		t.Fatalf("err %v, report %+v", err, rep)
	}
	if want := time.Date(2025, 10, 11, 0, 0, 0, 0, shanghai).Unix(); as[0].Due != want {
		t.Errorf("due %v, want 2025-10-11 00:00", time.Unix(as[0].Due, 0).In(shanghai))
	}
	if want := time.Date(2025, 10, 1, 0, 0, 0, 0, shanghai).Unix(); as[0].Received != want {
		t.Errorf("received %v, want 2025-10-01 00:00", time.Unix(as[0].Received, 0).In(shanghai))
	}
	if len(rep.Notes) != 2 || !strings.Contains(rep.Notes[0], "due_at") && !strings.Contains(rep.Notes[1], "due_at") {
		t.Errorf("notes %q", rep.Notes)
	}
}

func TestChineseDatetimes(t *testing.T) {
	c := newClock(shanghai)
	want := time.Date(2025, 10, 3, 14, 5, 0, 0, shanghai).Unix()
	for _, s := range []string{"2025年10月3日 14:05", "2025年10月3日14时05分", "2025年10月03日 14时05分00秒", "2025 年 10 月 3 日 14:05:00", "2025年10月3日14点05分"} {
		days, sec, dateOnly, ok := parseLenient([]byte(s))
		if !ok || dateOnly || c.unix(days, sec) != want {
			t.Errorf("%q: ok %v, date only %v, %v", s, ok, dateOnly, time.Unix(c.unix(days, sec), 0).In(shanghai))
		}
	}
	for _, s := range []string{"2025.10.3 14:05", "2025.10.03 14:05:00", "2025-10-03\u300014:05"} {
		days, sec, dateOnly, ok := parseLenient([]byte(s))
		if !ok || dateOnly || c.unix(days, sec) != want {
			t.Errorf("%q: ok %v, date only %v, %v", s, ok, dateOnly, time.Unix(c.unix(days, sec), 0).In(shanghai))
		}
	}
	for _, s := range []string{"2025年13月3日 14:05", "2025年10月3日 24:00", "2025年10月3日 14时", "2025-10-03 14", "2025年10月", "2025.10.3 14:5", "2025.10.3 14:05 下午"} {
		if _, _, _, ok := parseLenient([]byte(s)); ok {
			t.Errorf("%q read as a datetime", s)
		}
	}
}

func TestTwelveHourAndDigitsOnlyDatetimes(t *testing.T) {
	c := newClock(shanghai)
	at := func(d, h, m, s int) int64 { return time.Date(2025, 10, d, h, m, s, 0, shanghai).Unix() }
	tests := []struct {
		in       string
		want     int64
		dateOnly bool
	}{
		{"2025/10/3 下午 2:05:09", at(3, 14, 5, 9), false},
		{"2025/10/3 下午2:05", at(3, 14, 5, 0), false},
		{"2025/10/3 上午 12:05:00", at(3, 0, 5, 0), false}, // 上午 12 is just past midnight
		{"2025/10/3 下午 12:05:00", at(3, 12, 5, 0), false},
		{"2025-10-03 上午 9:30", at(3, 9, 30, 0), false},
		{"2025年10月3日 下午2:05", at(3, 14, 5, 0), false},
		{"2025-10-03 02:05:09 PM", at(3, 14, 5, 9), false},
		{"2025/10/3 12:05 am", at(3, 0, 5, 0), false},
		{"20251003140509", at(3, 14, 5, 9), false},
		{"202510031405", at(3, 14, 5, 0), false},
		{"20251003", at(3, 0, 0, 0), true},
	}
	for _, tt := range tests {
		days, sec, dateOnly, ok := parseCompact([]byte(tt.in))
		if !ok {
			days, sec, dateOnly, ok = parseLenient([]byte(tt.in))
		}
		if !ok || dateOnly != tt.dateOnly || c.unix(days, sec) != tt.want {
			t.Errorf("%q: ok %v, date only %v, %v; want %v", tt.in, ok, dateOnly, time.Unix(c.unix(days, sec), 0).In(shanghai), time.Unix(tt.want, 0).In(shanghai))
		}
	}
	// A month-first or day-first date names the mapping key that reads it.
	_, _, rep, err := collect(t, "t.csv", []byte(lines("ticket_id,unit,role,received_at,dispatched_at,kind", "T1,S01,lead,10/03/2025 02:05:09 PM,2025-10-03 15:00,complaint")), testDir(t), Options{})
	if err != nil || len(rep.Errors) != 1 || !strings.Contains(rep.Errors[0].Reason, "datetime_layouts") {
		t.Errorf("month-first date: err %v, errors %v; want a hint at datetime_layouts", err, rep.Errors)
	}
	// Two readings, or none: refused.
	for _, s := range []string{"2025/10/3 下午 14:05", "2025/10/3 上午 0:30", "2025/10/3 下午 2:05 PM", "10/03/2025 02:05:09 PM",
		"20251303140509", "20251003240000", "2025100314050", "1234567890123", "18991231"} {
		_, _, _, ok := parseCompact([]byte(s))
		if !ok {
			_, _, _, ok = parseLenient([]byte(s))
		}
		if ok {
			t.Errorf("%q read as a datetime", s)
		}
	}
}

func TestMisspelledColumnsAreRefusedWithDidYouMean(t *testing.T) {
	tests := []struct{ header, want string }{
		{"满意程度", "did you mean 满意度?"},
		{"是否有效回访(是/否)", "did you mean 是否有效回访?"},
		{"satisfation", "did you mean satisfaction?"},
		{"签收时刻", "did you mean 签收时间?"},
	}
	base := "工单编号,承办单位,受理时间,派单时间,诉求类型"
	row := "T1,S01,2025-10-01 08:00,2025-10-01 09:00,投诉,x"
	for _, tt := range tests {
		t.Run(tt.header, func(t *testing.T) {
			_, _, _, err := collect(t, "tickets.csv", []byte(lines(base+","+tt.header, row)), testDir(t), Options{})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
			m, perr := ParseMapping("m.yaml", []byte("ignore: ["+tt.header+"]\n"))
			if perr != nil {
				t.Fatal(perr)
			}
			_, _, rep, err := collect(t, "tickets.csv", []byte(lines(base+","+tt.header, row)), testDir(t), Options{Mapping: m})
			if err != nil || rep.Invalid != 0 || len(rep.Ignored) != 1 {
				t.Fatalf("with ignore: err %v, report %+v", err, rep)
			}
		})
	}
	// A column unlike any field, or a common export column that only looks like one, is only listed.
	for _, h := range []string{"备注", "工单状态"} {
		_, _, rep, err := collect(t, "tickets.csv", []byte(lines(base+","+h, row)), testDir(t), Options{})
		if err != nil || len(rep.Ignored) != 1 || rep.Ignored[0] != h {
			t.Fatalf("%s: err %v, report %+v", h, err, rep)
		}
	}
}

func TestHeaderRowAndSheetCanBeChosen(t *testing.T) {
	data := book(t, []sheetSpec{
		{name: "说明", rows: [][]any{{"工单编号", "说明"}}},
		{name: "明细", rows: [][]any{{"title"}, cellsOf("工单编号,承办单位,受理时间,派单时间,诉求类型"), cellsOf("T1,S01,2025-10-01 08:00,2025-10-01 09:00,投诉")}},
	})
	for _, opt := range []Options{{}, {Sheet: "明细"}, {Sheet: "2", HeaderRow: 2}} {
		as, _, rep, err := collect(t, "t.xlsx", data, testDir(t), opt)
		if err != nil || len(as) != 1 || rep.Sheet != "明细" || rep.HeaderRow != 2 {
			t.Errorf("%+v: err %v, report %+v", opt, err, rep)
		}
	}
	if _, _, _, err := collect(t, "t.xlsx", data, testDir(t), Options{Sheet: "汇总"}); err == nil || !strings.Contains(err.Error(), "no sheet") {
		t.Errorf("unknown sheet: %v", err)
	}
	if _, _, _, err := collect(t, "t.xlsx", data, testDir(t), Options{Sheet: "明细", HeaderRow: 1}); err == nil || !strings.Contains(err.Error(), "missing required column") {
		t.Errorf("wrong header row: %v", err)
	}
}

func TestSumRowsInsideTheDataAreInvalid(t *testing.T) {
	data := lines(header, good, "合计,,,,,,,,,,,,,,,,,,,,,", with(map[string]string{"ticket_id": "T2"}))
	as, _, rep, err := collect(t, "tickets.csv", []byte(data), testDir(t), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(as) != 2 || rep.Invalid != 1 || len(rep.Errors) != 1 || rep.Errors[0].Row != 3 || len(rep.Totals) != 0 {
		t.Fatalf("report %+v", rep)
	}
}

func TestUnitNamesMatchAfterNormalisingBrackets(t *testing.T) {
	dir, err := scoring.NewDirectory([]scoring.Unit{{Code: "S01", Name: "城关街道（东区）", Group: "street"}, {Code: "S02", Name: "城关街道(西区)", Group: "street"}})
	if err != nil {
		t.Fatal(err)
	}
	data := lines(header, with(map[string]string{"unit": "城关街道(东区)"}), with(map[string]string{"ticket_id": "T2", "unit": "城关街道（西区）"}))
	as, _, rep, err := collect(t, "tickets.csv", []byte(data), dir, Options{})
	if err != nil || len(as) != 2 || as[0].Unit != 0 || as[1].Unit != 1 || len(rep.Notes) != 2 {
		t.Fatalf("err %v, %+v, report %+v", err, as, rep)
	}
}

func TestUnitsWithTheSameNameAreRefused(t *testing.T) {
	data := lines("code,name,group", "S01,城关街道（东区）,street", "S02,城关街道(东区),street", "X1,新区,开发区")
	units, rep, err := ReadUnits("units.csv", strings.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if len(units) != 2 || rep.Invalid != 1 || rep.Errors[0].Row != 3 || !strings.Contains(rep.Errors[0].Reason, "row 2") {
		t.Fatalf("units %v, report %+v", units, rep)
	}
	if len(rep.Notes) != 1 || !strings.Contains(rep.Notes[0], "开发区") {
		t.Errorf("notes %q", rep.Notes)
	}
}

func TestWorkedV2TicketsAreRead(t *testing.T) {
	dirPath := filepath.Join(workedDir, "..", "worked-v2")
	uf, err := os.Open(filepath.Join(dirPath, "units.csv"))
	if err != nil {
		t.Skipf("worked-v2 not found: %v", err)
	}
	defer uf.Close()
	units, _, err := ReadUnits("units.csv", uf)
	if err != nil {
		t.Fatal(err)
	}
	dir, err := scoring.NewDirectory(units)
	if err != nil {
		t.Fatal(err)
	}
	tf, err := os.Open(filepath.Join(dirPath, "tickets.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer tf.Close()
	byRow := map[int]scoring.Assignment{}
	rep, err := Tickets("tickets.csv", tf, dir, Options{}, func(row int, a *scoring.Assignment) error { byRow[row] = *a; return nil })
	if err != nil || rep.Invalid != 0 || rep.Rows != 342 {
		t.Fatalf("err %v, report %+v", err, rep)
	}
	at := func(s string) int64 { return parseWorked(t, s).Unix() }
	// Rows checked by hand against the file (row numbers as a spreadsheet shows them).
	checks := []struct {
		row  int
		want func(a scoring.Assignment) bool
	}{
		{2, func(a scoring.Assignment) bool { // X01-RET-R1, 城关街道, rejected return
			return a.TicketID == "X01-RET-R1" && a.Unit == 0 && a.Accepted == at("2025-10-02 10:30") && a.Return == scoring.ReturnRejected &&
				a.Returned == at("2025-10-03 10:00") && a.Channel == "电话" && a.Hotline == "12345" && a.ExtendedDue == 0 && a.DuplicateOf == ""
		}},
		{21, func(a scoring.Assignment) bool { // X01-E01-RET2, approved, closed, never contacted
			return a.TicketID == "X01-E01-RET2" && a.Return == scoring.ReturnApproved && a.Returned == at("2025-10-13 09:00:00") && a.Closed == at("2025-10-14 10:00:00") && a.ContactAt == 0
		}},
		{26, func(a scoring.Assignment) bool { // X01-E02-REP repeats X01-E02-00 on 12358
			return a.DuplicateOf == "X01-E02-00" && a.Hotline == "12358" && a.Channel == "电话"
		}},
		{117, func(a scoring.Assignment) bool { // T0100074 with an extension
			return a.TicketID == "T0100074" && a.ExtendedDue == at("2025-10-19 20:57:00") && a.Due == at("2025-10-22 20:57:00")
		}},
		{7, func(a scoring.Assignment) bool {
			return a.TicketID == "T0100111" && a.Channel == "" && a.Hotline == "12319"
		}},
	}
	for _, c := range checks {
		a, ok := byRow[c.row]
		if !ok || !c.want(a) {
			t.Errorf("row %d = %+v", c.row, a)
		}
	}
}

func TestUnitsFileWithTitleRowsAndASumLine(t *testing.T) {
	data := book(t, []sheetSpec{{name: "单位", rows: [][]any{{"XX区承办单位名单"}, {"单位编码", "单位\n名称", "分　组", "常住人口"},
		{"S01", "城关街道", "街道", 52000}, {"D01", "区城市管理委员会", "区级部门"}, {"合计", "", "", 52000}}}})
	units, rep, err := ReadUnits("units.xlsx", bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if len(units) != 2 || rep.Invalid != 0 || rep.HeaderRow != 2 || len(rep.Totals) != 1 || rep.Totals[0] != 5 {
		t.Fatalf("units %v, report %+v", units, rep)
	}
	if units[0] != (scoring.Unit{Code: "S01", Name: "城关街道", Group: "street", Population: 52000}) {
		t.Errorf("unit = %+v", units[0])
	}
}

func TestExcelSerialsInCSVAreRoundedToTheSecond(t *testing.T) {
	// 45930.5868055 is 2025-09-30 14:05:00 less 0.04 s.
	// A yyyymmdd number is a date, not a serial: a due date without a time ends with its day.
	data := lines(header, with(map[string]string{"due_at": "20251010"}))
	got, _, rep, err := collect(t, "tickets.csv", []byte(data), testDir(t), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Due != time.Date(2025, 10, 11, 0, 0, 0, 0, shanghai).Unix() || len(rep.Notes) != 1 || !strings.Contains(rep.Notes[0], "只有日期") {
		t.Fatalf("due 20251010: %v, report %+v", got, rep)
	}
	data = lines(header, with(map[string]string{"received_at": "45930.5868055"}))
	as, _, rep, err := collect(t, "tickets.csv", []byte(data), testDir(t), Options{})
	if err != nil || len(as) != 1 {
		t.Fatalf("err %v, report %+v", err, rep)
	}
	if want := time.Date(2025, 9, 30, 14, 5, 0, 0, shanghai).Unix(); as[0].Received != want {
		t.Errorf("received %v", time.Unix(as[0].Received, 0).In(shanghai))
	}
}

func TestOpenTableReadsRowOneOfTheFirstSheet(t *testing.T) {
	for name, data := range map[string][]byte{
		"a.csv":  []byte(lines("unit,period,label,points,reason", "S01,2025-10,加分,1,好")),
		"a.xlsx": book(t, []sheetSpec{{name: "调整", rows: [][]any{cellsOf("unit,period,label,points,reason"), cellsOf("S01,2025-10,加分,1,好")}}, {name: "其他", rows: [][]any{{"x"}}}}),
	} {
		tb, err := openTable(name, bytes.NewReader(data))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		ln, err := tb.next()
		if err != nil || strings.Join(tb.header, ",") != "unit,period,label,points,reason" || ln.row != 2 || string(ln.cells[4]) != "好" {
			t.Errorf("%s: header %q, row %+v, err %v", name, tb.header, ln, err)
		}
		tb.close()
	}
}

func TestDamagedXLSIsAnErrorNotAPanic(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "tickets-titled.xls"))
	if err != nil {
		t.Fatal(err)
	}
	dir := testDir(t)
	for _, cut := range []int{600, 4096, 9000, 20000, 30000, len(data) - 100} {
		damaged := append([]byte(nil), data[:cut]...)
		if _, _, _, err := collect(t, "t.xls", damaged, dir, Options{}); err == nil {
			t.Errorf("cut at %d: no error", cut)
		}
	}
	// Flipped bytes inside the workbook stream.
	for _, at := range []int{5000, 12000, 17000, 25000} {
		damaged := append([]byte(nil), data...)
		for i := at; i < at+64 && i < len(damaged); i++ {
			damaged[i] ^= 0x5A
		}
		collect(t, "t.xls", damaged, dir, Options{}) // any outcome but a panic
	}
}

func TestIgnoredStandardColumnsAreNotRead(t *testing.T) {
	m, err := ParseMapping("m.yaml", []byte("ignore: [满意度]\n"))
	if err != nil {
		t.Fatal(err)
	}
	data := lines("工单编号,承办单位,受理时间,派单时间,诉求类型,满意度", "T1,S01,2025-10-01 08:00,2025-10-01 09:00,投诉,满意")
	as, _, rep, err := collect(t, "tickets.csv", []byte(data), testDir(t), Options{Mapping: m})
	if err != nil || len(as) != 1 || as[0].Satisfaction != scoring.Unrated || rep.Has("satisfaction") || len(rep.Ignored) != 1 {
		t.Fatalf("err %v, %+v, report %+v", err, as, rep)
	}
}

func TestHiddenSheetsAreReadOnlyWhenChosen(t *testing.T) {
	old := [][]any{cellsOf("工单编号,承办单位,受理时间,派单时间,诉求类型"), cellsOf("T0,S02,2025-09-01 08:00,2025-09-01 09:00,投诉")}
	cur := [][]any{cellsOf("工单编号,承办单位,受理时间,派单时间,诉求类型"), cellsOf("T1,S01,2025-10-01 08:00,2025-10-01 09:00,投诉")}
	data := book(t, []sheetSpec{{name: "旧数据", rows: old, hidden: true}, {name: "明细", rows: cur}})
	tests := []struct {
		opt        Options
		sheet, tid string
	}{
		{Options{}, "明细", "T1"},
		{Options{Sheet: "旧数据"}, "旧数据", "T0"},
		{Options{Sheet: "1"}, "旧数据", "T0"},
	}
	for _, tt := range tests {
		as, _, rep, err := collect(t, "t.xlsx", data, testDir(t), tt.opt)
		if err != nil || len(as) != 1 || as[0].TicketID != tt.tid || rep.Sheet != tt.sheet {
			t.Errorf("%+v: err %v, %d rows, report %+v", tt.opt, err, len(as), rep)
		}
	}
	// Without a visible sheet that has a header, the message names the hidden one.
	data = book(t, []sheetSpec{{name: "旧数据", rows: old, hidden: true}, {name: "说明", rows: [][]any{{"说明"}}}})
	_, _, _, err := collect(t, "t.xlsx", data, testDir(t), Options{})
	if err == nil || !strings.Contains(err.Error(), "sheet 旧数据: hidden") {
		t.Errorf("err = %v, want the hidden sheet named", err)
	}
}

func TestRequiredMarksAndColonsOnHeadersAreIgnored(t *testing.T) {
	tests := map[string]string{
		"*工单编号": "工单编号", "＊工单编号": "工单编号", "工单编号*": "工单编号", "承办单位：": "承办单位",
		"承办单位:": "承办单位", "*ticket_id:": "ticket_id", "*": "*", "满意度": "满意度",
		"工单编号（必填）": "工单编号", "满意度(选填)": "满意度", "*受理时间（必填）：": "受理时间", "ticket_id (required)": "ticket_id",
		"是否有效回访(是/否)": "是否有效回访(是/否)", "(必填)": "(必填)",
	}
	for in, want := range tests {
		if got := headerKey(in); got != want {
			t.Errorf("headerKey(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestARepeatedHeaderIsRefusedWithoutNoise(t *testing.T) {
	row := "T1,S01,2025-10-01 08:00,2025-10-01 09:00,投诉,T1"
	m, err := ParseMapping("m.yaml", []byte("columns: {ticket_id: 工单编号}\n"))
	if err != nil {
		t.Fatal(err)
	}
	for _, opt := range []Options{{}, {Mapping: m}} {
		_, _, _, err := collect(t, "dup.csv", []byte(lines("工单编号,承办单位,受理时间,派单时间,诉求类型,＊工单编号", row)), testDir(t), opt)
		if err == nil || !strings.Contains(err.Error(), "appears 2 times in the header (columns 1, 6): rename or delete all but one") {
			t.Errorf("mapping %v: err = %v, want the two columns named", opt.Mapping != nil, err)
			continue
		}
		// Neither "missing required column" nor "did you mean" for the column that is there twice.
		if msg := err.Error(); strings.Contains(msg, "missing required") || strings.Contains(msg, "did you mean") || strings.Contains(msg, "mapping") {
			t.Errorf("mapping %v: err = %v", opt.Mapping != nil, err)
		}
	}
}

func TestUnitCodesWithFullWidthFormsAreReadAsASCIIWithANote(t *testing.T) {
	units := "code,name,group,parent\nＳ０１,城关街道,street,\nS 02,东湖街道,street,Ｓ01\nD01,区城市管理委员会,department,\n"
	us, rep, err := ReadUnits("u.csv", strings.NewReader(units))
	if err != nil || len(us) != 3 {
		t.Fatalf("err %v, %d units", err, len(us))
	}
	for i, want := range [][2]string{{"S01", ""}, {"S02", "S01"}, {"D01", ""}} {
		if us[i].Code != want[0] || us[i].Parent != want[1] {
			t.Errorf("unit %d: code %q parent %q, want %q %q", i, us[i].Code, us[i].Parent, want[0], want[1])
		}
	}
	if len(rep.Notes) != 3 || !strings.Contains(rep.Notes[0], "第 2 行 code「Ｓ０１」按 S01 读取") {
		t.Errorf("notes %q", rep.Notes)
	}
}

func TestAHeaderRepeatedBelowTheDataIsOneProblem(t *testing.T) {
	head := "工单编号,承办单位,受理时间,派单时间,诉求类型"
	en := "ticket_id,unit,role,received_at,dispatched_at,kind"
	for name, data := range map[string][]byte{
		"t.csv":  []byte(lines(head, "T1,S01,2025-10-01 08:00,2025-10-01 09:00,投诉", "", head, "T2,S01,2025-10-01 08:00,2025-10-01 09:00,投诉")),
		"t.xlsx": workbook(t, [][]any{cellsOf(head), cellsOf("T1,S01,2025-10-01 08:00,2025-10-01 09:00,投诉"), {}, cellsOf(head), cellsOf("T2,S01,2025-10-01 08:00,2025-10-01 09:00,投诉")}),
		// English headers take the fast CSV path, which hands the repeated header to the slow one.
		"en.csv": []byte(lines(en, "T1,S01,lead,2025-10-01 08:00,2025-10-01 09:00,complaint", "", en, "T2,S01,lead,2025-10-01 08:00,2025-10-01 09:00,complaint")),
	} {
		_, _, rep, err := collect(t, name, data, testDir(t), Options{})
		if err != nil {
			t.Fatal(err)
		}
		if rep.Invalid != 1 || len(rep.Errors) != 1 || rep.Errors[0].Row != 4 || !strings.Contains(rep.Errors[0].Reason, "repeats the header row") {
			t.Errorf("%s: %d invalid, errors %v", name, rep.Invalid, rep.Errors)
		}
		if strings.HasSuffix(name, ".csv") {
			// The parallel scanner splits quote-free lines itself and must hand this one over too.
			path := filepath.Join(t.TempDir(), name)
			if err := os.WriteFile(path, data, 0o644); err != nil {
				t.Fatal(err)
			}
			_, rep, err := scanAll(t, path, testDir(t), Options{}, 1, 1<<20)
			if err != nil {
				t.Fatal(err)
			}
			if rep.Invalid != 1 || len(rep.Errors) != 1 || rep.Errors[0].Row != 4 || !strings.Contains(rep.Errors[0].Reason, "repeats the header row") {
				t.Errorf("%s, scanned: %d invalid, errors %v", name, rep.Invalid, rep.Errors)
			}
		}
	}
}

func TestAPhoneInAnyColumnIsMaskedInTheReport(t *testing.T) {
	data := lines("ticket_id,unit,role,received_at,dispatched_at,kind",
		"T1,S01,lead,13912345678,2025-10-03 15:00,complaint", // a phone shifted into a datetime column
		"T2,13812345678,lead,2025-10-03 14:00,2025-10-03 15:00,complaint")
	_, _, rep, err := collect(t, "t.csv", []byte(data), testDir(t), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Errors) != 2 {
		t.Fatalf("errors %v", rep.Errors)
	}
	for _, e := range rep.Errors {
		if strings.Contains(e.String(), "12345678") || !strings.Contains(e.String(), "****5678") {
			t.Errorf("%s: the phone is not masked", e)
		}
	}
}
