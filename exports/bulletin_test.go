package exports

import (
	"bytes"
	"fmt"
	"html"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"sanlv/scoring"
)

// previousRanks is a made-up previous period; S02 was not ranked then and E01 gets no trend at all.
var previousRanks = map[string]int{"S01": 3, "S03": 1, "D01": 1, "D04": 2, "D03": 3, "D02": 1, "E01": 1}

// wantChange is the 排名变化 each unit must show against previousRanks (same ranks under both policies).
var wantChange = map[string]string{"S01": "↑2", "S03": "↓1", "S02": "新", "D01": "持平", "D04": "↑1", "D03": "持平",
	"D02": "↓3", "E01": "—"}

var generated = time.Date(2025, 10, 20, 9, 30, 0, 0, time.UTC)

// workedBulletin scores the worked example for 2025-10 with a trend and writes its bulletin.
func workedBulletin(t testing.TB, policy string, edition int) ([]byte, *worked) {
	t.Helper()
	w := loadWorked(t, policy)
	b := w.book(t, "2025-10")
	card := b.Card(0)
	var prev scoring.Card
	for code, r := range previousRanks {
		prev.Units = append(prev.Units, scoring.Scorecard{Code: code, Ranked: true, Rank: &r})
	}
	scoring.AddTrend(&card, prev)
	card.Unit("E01").Trend = nil
	points, err := PointLines(b, 0, w.rows)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := WriteBulletin(&buf, Bulletin{Card: card, Policy: w.policy, Edition: edition, Points: points, Generated: generated}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes(), w
}

func TestBulletinRankingSheetsMatchScorecards(t *testing.T) {
	for _, tc := range []struct {
		policy      string
		top, bottom int
	}{{"district-2025", 3, 3}, {"county-threshold", 5, 5}} {
		t.Run(tc.policy, func(t *testing.T) {
			data, _ := workedBulletin(t, tc.policy, 2)
			want := expected(t, tc.policy)
			f := open(t, data)
			sheets := []string{"说明", "街乡镇", "区级部门", "公共服务企业", "扣分明细", "未排名", "图表"}
			if got := f.GetSheetList(); !slices.Equal(got, sheets) {
				t.Fatalf("sheets = %v, want %v", got, sheets)
			}
			for group, sheet := range map[string]string{"street": "街乡镇", "department": "区级部门", "enterprise": "公共服务企业"} {
				var units []scoring.Scorecard
				for _, u := range want.Units {
					if u.Group == group && u.Ranked {
						units = append(units, u)
					}
				}
				checkRankingSheet(t, f, sheet, units, tc.top, tc.bottom)
				checkPrint(t, f, sheet, 2)
			}
			if !strings.HasPrefix(raw(t, f, "街乡镇", "A1"), "12345接诉即办考核通报(2025年10月) 街乡镇排名(第2版)") {
				t.Errorf("街乡镇 title = %q", raw(t, f, "街乡镇", "A1"))
			}
		})
	}
}

// checkRankingSheet checks every cell of a ranking sheet against the expected scorecards of its ranked units.
func checkRankingSheet(t *testing.T, x *excelize.File, sheet string, units []scoring.Scorecard, top, bottom int) {
	t.Helper()
	checkHeader(t, x, sheet, 2, RankingColumns)
	for i, u := range units {
		row := i + 3
		at := func(col int) string { return ref(col, row) }
		wantFill := ""
		switch {
		case *u.Rank <= top:
			wantFill = "C6EFCE" // green
		case *u.Rank > len(units)-bottom:
			wantFill = "FFC7CE" // red
		}
		ints := []struct {
			col  int
			want int64
		}{{1, int64(*u.Rank)}, {3, u.Counts.Assignments}}
		for _, c := range ints {
			if got := number(t, x, sheet, at(c.col)); got != float64(c.want) {
				t.Errorf("%s!%s (%s) = %v, want %d", sheet, at(c.col), u.Code, got, c.want)
			}
			checkStyle(t, x, sheet, at(c.col), "1", wantFill)
		}
		if got := raw(t, x, sheet, at(2)); got != u.Name {
			t.Errorf("%s!%s = %q, want %q", sheet, at(2), got, u.Name)
		}
		checkStyle(t, x, sheet, at(2), "0", wantFill)
		if got := number(t, x, sheet, at(4)); got != u.Counts.Callbacks {
			t.Errorf("%s!%s callbacks of %s = %v, want %v", sheet, at(4), u.Code, got, u.Counts.Callbacks)
		}
		checkStyle(t, x, sheet, at(4), "0", wantFill)
		for k, r := range []scoring.Rate{u.Rates.Response, u.Rates.Resolution, u.Rates.Satisfaction, u.Rates.OnTime} {
			col := 5 + k
			if r.Value == nil {
				if got := raw(t, x, sheet, at(col)); got != "—" {
					t.Errorf("%s!%s = %q, want —", sheet, at(col), got)
				}
			} else {
				if got := number(t, x, sheet, at(col)); !near(got, *r.Value) {
					t.Errorf("%s!%s rate of %s = %v, want %v", sheet, at(col), u.Code, got, *r.Value)
				}
				if got, w := shown(t, x, sheet, at(col)), fmt.Sprintf("%.2f%%", *r.Value*100); got != w {
					t.Errorf("%s!%s shows %q, want %q", sheet, at(col), got, w)
				}
			}
			checkStyle(t, x, sheet, at(col), "10", wantFill)
		}
		deducted := 0.0
		for _, d := range u.Deductions {
			deducted += d.Points
		}
		for col, v := range map[int]float64{9: *u.Composite, 10: deducted, 11: u.Points.Total, 12: *u.Final} {
			w := round2(v)
			if got := number(t, x, sheet, at(col)); got != w {
				t.Errorf("%s!%s (%s) = %v, want %v", sheet, at(col), u.Code, got, w)
			}
			if got := shown(t, x, sheet, at(col)); got != strconv.FormatFloat(w, 'f', 2, 64) {
				t.Errorf("%s!%s shows %q, want %.2f", sheet, at(col), got, w)
			}
			checkStyle(t, x, sheet, at(col), "2", wantFill)
		}
		if got := raw(t, x, sheet, at(13)); got != wantChange[u.Code] {
			t.Errorf("%s!%s rank change of %s = %q, want %q", sheet, at(13), u.Code, got, wantChange[u.Code])
		}
		checkStyle(t, x, sheet, at(13), "0", wantFill)
	}
	end := len(units) + 3
	for col := 1; col <= len(RankingColumns); col++ {
		if got := raw(t, x, sheet, ref(col, end)); got != "" {
			t.Errorf("%s!%s = %q after the last ranked unit, want empty", sheet, ref(col, end), got)
		}
	}
}

func checkStyle(t *testing.T, f *excelize.File, sheet, cell, wantFmt, wantFill string) {
	t.Helper()
	n, fill := style(t, f, sheet, cell)
	if n != wantFmt || fill != wantFill {
		t.Errorf("%s!%s style: format %s fill %q, want format %s fill %q", sheet, cell, n, fill, wantFmt, wantFill)
	}
}

func TestBulletinNotesShowPeriodPolicyEditionAndTotals(t *testing.T) {
	for _, tc := range []struct {
		policy, dates, name, version string
		edition                      int
		wantEdition                  string
	}{
		{"district-2025", "2025年10月(2025年9月19日至2025年10月18日)", "接诉即办月度考核(区级示例)", "2025.1", 3, "第3版"},
		{"county-threshold", "2025年10月(2025年10月1日至2025年10月31日)", "12345热线达标基数考核(县级示例)", "2014.1", 0, "草稿(未发布)"},
	} {
		t.Run(tc.policy, func(t *testing.T) {
			data, _ := workedBulletin(t, tc.policy, tc.edition)
			want := expected(t, tc.policy)
			f := open(t, data)
			title := "12345接诉即办考核通报(2025年10月)"
			if tc.edition == 0 {
				title += "(草稿)"
			}
			if got := raw(t, f, "说明", "A1"); got != title {
				t.Errorf("title = %q, want %q", got, title)
			}
			m := labels(t, f, "说明")
			var assignments, excluded int64
			var eligible, callbacks, num, den float64
			for _, u := range want.Units {
				assignments += u.Counts.Assignments
				excluded += u.Counts.Excluded
				eligible += u.Counts.Eligible
				callbacks += u.Counts.Callbacks
				num += u.Rates.Satisfaction.Num
				den += u.Rates.Satisfaction.Den
			}
			for label, w := range map[string]string{"考核期": tc.dates, "考核办法": tc.name, "办法版本": tc.version,
				"版次": tc.wantEdition, "生成时间": "2025-10-20 17:30:00", "参评单位": "9", "排名单位": "8", "未排名单位": "1",
				"工单量": strconv.FormatInt(assignments, 10), "剔除": strconv.FormatInt(excluded, 10),
				"纳入考核": strconv.FormatFloat(eligible, 'f', -1, 64), "有效回访": strconv.FormatFloat(callbacks, 'f', -1, 64),
				"街乡镇": "街乡镇排名,3个单位", "区级部门": "区级部门排名,4个单位"} {
				if m[label] != w {
					t.Errorf("说明 %s = %q, want %q", label, m[label], w)
				}
			}
			if got, err := strconv.ParseFloat(m["满意率"], 64); err != nil || !near(got, num/den) {
				t.Errorf("说明 满意率 = %q, want %v", m["满意率"], num/den)
			}
			props, err := f.GetDocProps()
			if err != nil {
				t.Fatal(err)
			}
			if props.Title != title || props.Created != "2025-10-20T09:30:00Z" {
				t.Errorf("doc properties = %+v", props)
			}
		})
	}
}

func TestBulletinPointsSumToEachUnitsPointsAndDeductions(t *testing.T) {
	for _, policy := range []string{"district-2025", "county-threshold"} {
		t.Run(policy, func(t *testing.T) {
			data, w := workedBulletin(t, policy, 1)
			want := expected(t, policy)
			f := open(t, data)
			checkHeader(t, f, "扣分明细", 2, []string{"分组", "单位", "工单编号", "规则", "分值"})
			tickets := map[string]bool{}
			for _, a := range w.rows {
				tickets[w.dir.Unit(a.Unit).Name+"|"+a.TicketID] = true
			}
			rows, err := f.GetRows("扣分明细")
			if err != nil {
				t.Fatal(err)
			}
			sum := map[string]float64{}
			for r := 3; r <= len(rows); r++ {
				name, ticket := raw(t, f, "扣分明细", ref(2, r)), raw(t, f, "扣分明细", ref(3, r))
				if ticket != "—" && !tickets[name+"|"+ticket] {
					t.Errorf("扣分明细 row %d: ticket %s is not an assignment of %s", r, ticket, name)
				}
				if raw(t, f, "扣分明细", ref(4, r)) == "" {
					t.Errorf("扣分明细 row %d has no rule", r)
				}
				sum[name] += number(t, f, "扣分明细", ref(5, r))
				checkStyle(t, f, "扣分明细", ref(5, r), "2", "")
			}
			if len(rows) < 3 {
				t.Fatalf("扣分明细 has no lines")
			}
			for _, u := range want.Units {
				w := u.Points.Total
				for _, d := range u.Deductions {
					w -= d.Points
				}
				if !near(sum[u.Name], round2(w)) && !near(sum[u.Name], w) {
					t.Errorf("扣分明细 lines of %s sum to %v, want points %v minus deductions = %v", u.Code, sum[u.Name], u.Points.Total, w)
				}
			}
			checkPrint(t, f, "扣分明细", 2)
		})
	}
}

func TestBulletinListsUnrankedUnitsWithReasons(t *testing.T) {
	data, _ := workedBulletin(t, "district-2025", 1)
	f := open(t, data)
	rows, err := f.GetRows("未排名")
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{{"分组", "单位", "工单量", "纳入考核", "有效回访", "最终得分", "原因"},
		{"街乡镇", "南岭乡", "4", "4", "4", "95.50", "样本不足"}}
	if len(rows) != 3 || !slices.Equal(rows[1], want[0]) || !slices.Equal(rows[2], want[1]) {
		t.Errorf("未排名 = %q, want a title row then %q", rows, want)
	}
	checkPrint(t, f, "未排名", 2)
}

func TestBulletinHasABarChartPerGroup(t *testing.T) {
	data, _ := workedBulletin(t, "district-2025", 1)
	parts := entries(t, data)
	want := map[string]bool{"'街乡镇'!$L$3:$L$5": false, "'区级部门'!$L$3:$L$6": false, "'公共服务企业'!$L$3:$L$3": false}
	charts := 0
	for name, body := range parts {
		if !strings.HasPrefix(name, "xl/charts/chart") {
			continue
		}
		charts++
		body = html.UnescapeString(body)
		if !strings.Contains(body, "<barChart><barDir val=\"bar\">") {
			t.Errorf("%s is not a bar chart", name)
		}
		for r := range want {
			if strings.Contains(body, r) {
				want[r] = true
			}
		}
	}
	if charts != 3 {
		t.Errorf("%d charts, want 3 (one per group)", charts)
	}
	for r, ok := range want {
		if !ok {
			t.Errorf("no chart plots %s", r)
		}
	}
	f := open(t, data)
	checkPrint(t, f, "图表", 0)
	if !strings.Contains(parts["xl/worksheets/sheet7.xml"], "<drawing ") {
		t.Errorf("图表 (sheet7) has no drawing")
	}
}

var typeEntry = regexp.MustCompile(`<(Override|Default) [^>]*>`)

func TestBulletinIsDeterministic(t *testing.T) {
	a, _ := workedBulletin(t, "district-2025", 1)
	b, _ := workedBulletin(t, "district-2025", 1)
	ca, cb := cells(t, a), cells(t, b)
	if len(ca) < 100 {
		t.Fatalf("only %d cells", len(ca))
	}
	for k, v := range ca {
		if cb[k] != v {
			t.Errorf("%s: %q then %q", k, v, cb[k])
		}
	}
	if len(ca) != len(cb) {
		t.Errorf("%d cells then %d", len(ca), len(cb))
	}
	pa, pb := entries(t, a), entries(t, b)
	for name, body := range pa {
		if name == "[Content_Types].xml" { // excelize lists the content types in map order
			x, y := typeEntry.FindAllString(body, -1), typeEntry.FindAllString(pb[name], -1)
			slices.Sort(x)
			slices.Sort(y)
			if !slices.Equal(x, y) {
				t.Errorf("%s differs in content", name)
			}
		} else if pb[name] != body {
			t.Errorf("part %s differs", name)
		}
	}
	if len(pa) != len(pb) {
		t.Errorf("%d parts then %d", len(pa), len(pb))
	}
}

func TestBulletinNamesGroupSheetsValidly(t *testing.T) {
	used := map[string]bool{"说明": true}
	for _, tc := range []struct{ in, want string }{
		{"说明", "说明(2)"},
		{"a/b:c", "a_b_c"},
		{"", "未分组"},
		{"History", "History(2)"},
		{strings.Repeat("长", 40), strings.Repeat("长", 31)},
		{strings.Repeat("长", 40), strings.Repeat("长", 28) + "(2)"},
	} {
		if got := sheetName(tc.in, used); got != tc.want {
			t.Errorf("sheetName(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestBulletinWithAGroupWithoutRankedUnitsHasNoChartForIt(t *testing.T) {
	w := loadWorked(t, "district-2025")
	card := w.book(t, "2025-10").Card(0)
	e := card.Unit("E01")
	why := scoring.ReasonSmallSample
	e.Ranked, e.Rank, e.Mark, e.UnrankedReason = false, nil, "", &why
	var buf bytes.Buffer
	if err := WriteBulletin(&buf, Bulletin{Card: card, Policy: w.policy, Edition: 1}); err != nil {
		t.Fatal(err)
	}
	f := open(t, buf.Bytes())
	rows, err := f.GetRows("公共服务企业")
	if err != nil || len(rows) != 2 {
		t.Errorf("公共服务企业 has %d rows (%v), want the title and header only", len(rows), err)
	}
	unranked, _ := f.GetRows("未排名")
	if len(unranked) != 4 || unranked[3][1] != "区自来水公司" || unranked[3][6] != "样本不足" {
		t.Errorf("未排名 = %q, want 南岭乡 and 区自来水公司", unranked)
	}
	charts := 0
	for name := range entries(t, buf.Bytes()) {
		if strings.HasPrefix(name, "xl/charts/") {
			charts++
		}
	}
	if charts != 2 {
		t.Errorf("%d charts, want 2 (the groups with ranked units)", charts)
	}
}

func TestBulletinOfAnEmptyCardStillOpens(t *testing.T) {
	w := loadWorked(t, "district-2025")
	var buf bytes.Buffer
	if err := WriteBulletin(&buf, Bulletin{Card: scoring.Card{Period: scoring.PeriodInfo{ID: "2025-Q2"}}, Policy: w.policy}); err != nil {
		t.Fatal(err)
	}
	f := open(t, buf.Bytes())
	if got := f.GetSheetList(); !slices.Equal(got, []string{"说明", "扣分明细", "未排名", "图表"}) {
		t.Errorf("sheets = %v", got)
	}
	if got := raw(t, f, "说明", "A1"); got != "12345接诉即办考核通报(2025年第2季度)(草稿)" {
		t.Errorf("title = %q", got)
	}
}

func TestBulletinWithoutPolicyIsInvalid(t *testing.T) {
	err := WriteBulletin(io.Discard, Bulletin{})
	if scoring.ErrorCode(err) != scoring.Invalid {
		t.Errorf("err = %v, want an invalid error", err)
	}
}
