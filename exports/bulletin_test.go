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

	"sanlv/fixtures/fixturetest"
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
	points, err := fixturetest.PointLines(b, 0, w.rows)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := WriteBulletin(&buf, Bulletin{Card: card, Policy: w.policy, Edition: edition, Points: points, Generated: generated,
		Previous: &prev, Reference: "2025年9月第1版"}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes(), w
}

func TestBulletinRankingSheetsMatchScorecards(t *testing.T) {
	for _, tc := range []struct {
		policy string
		cols   []string
		charts []string
	}{
		{"district-2025", []string{"排名", "标注", "单位编码", "单位", "工单量", "有效回访", "响应率", "解决率", "满意率", "按时办结率",
			"综合得分", "最终得分", "排名变化"}, nil},
		{"county-threshold", []string{"排名", "标注", "单位编码", "单位", "工单量", "有效回访", "响应率", "解决率", "满意率", "按时办结率",
			"扣分", "最终得分", "排名变化"}, []string{"扣分汇总"}},
	} {
		t.Run(tc.policy, func(t *testing.T) {
			data, w := workedBulletin(t, tc.policy, 2)
			want := expected(t, tc.policy)
			f := open(t, data)
			sheets := append(append([]string{"说明", "街乡镇", "区级部门", "公共服务企业", "指标明细"}, tc.charts...),
				"未排名", "街乡镇图表", "区级部门图表", "公共服务企业图表")
			if got := f.GetSheetList(); !slices.Equal(got, sheets) {
				t.Fatalf("sheets = %v, want %v", got, sheets)
			}
			if got := RankingColumns(w.policy, "street", false); !slices.Equal(got, tc.cols) {
				t.Errorf("columns = %v, want %v", got, tc.cols)
			}
			for group, sheet := range map[string]string{"street": "街乡镇", "department": "区级部门", "enterprise": "公共服务企业"} {
				var units []scoring.Scorecard
				for _, u := range want.Units {
					if u.Group == group && u.Ranked {
						units = append(units, u)
					}
				}
				checkRankingSheet(t, f, sheet, tc.cols, units)
				checkPrint(t, f, sheet, 2)
			}
			if !strings.HasPrefix(raw(t, f, "街乡镇", "A1"), "12345接诉即办考核通报（2025年10月）　街乡镇排名（第2版）") {
				t.Errorf("街乡镇 title = %q", raw(t, f, "街乡镇", "A1"))
			}
		})
	}
}

// checkRankingSheet checks every cell of a ranking sheet against the expected scorecards of its ranked
// units; the worked example's groups are too small to be marked, so no row is filled or labelled.
func checkRankingSheet(t *testing.T, x *excelize.File, sheet string, cols []string, units []scoring.Scorecard) {
	t.Helper()
	checkHeader(t, x, sheet, 2, cols)
	col := map[string]int{}
	for i, c := range cols {
		col[c] = i + 1
	}
	for i, u := range units {
		row := i + 3
		at := func(name string) string { return ref(col[name], row) }
		for name, want := range map[string]int64{"排名": int64(*u.Rank), "工单量": u.Counts.Assignments} {
			if got := number(t, x, sheet, at(name)); got != float64(want) {
				t.Errorf("%s!%s (%s) = %v, want %d", sheet, at(name), u.Code, got, want)
			}
			checkStyle(t, x, sheet, at(name), "1", "")
		}
		for name, want := range map[string]string{"单位": u.Name, "单位编码": u.Code, "标注": "", "排名变化": wantChange[u.Code]} {
			if got := raw(t, x, sheet, at(name)); got != want {
				t.Errorf("%s!%s %s of %s = %q, want %q", sheet, at(name), name, u.Code, got, want)
			}
			checkStyle(t, x, sheet, at(name), "0", "")
		}
		if got := number(t, x, sheet, at("有效回访")); got != u.Counts.Callbacks {
			t.Errorf("%s!%s callbacks of %s = %v, want %v", sheet, at("有效回访"), u.Code, got, u.Counts.Callbacks)
		}
		for name, r := range map[string]scoring.Rate{"响应率": u.Rates.Response, "解决率": u.Rates.Resolution, "满意率": u.Rates.Satisfaction,
			"按时办结率": u.Rates.OnTime} {
			if r.Value == nil {
				if got := raw(t, x, sheet, at(name)); got != "—" {
					t.Errorf("%s!%s = %q, want —", sheet, at(name), got)
				}
			} else {
				if got := number(t, x, sheet, at(name)); !near(got, *r.Value) {
					t.Errorf("%s!%s rate of %s = %v, want %v", sheet, at(name), u.Code, got, *r.Value)
				}
				if got, w := shown(t, x, sheet, at(name)), fmt.Sprintf("%.2f%%", *r.Value*100); got != w {
					t.Errorf("%s!%s shows %q, want %q", sheet, at(name), got, w)
				}
			}
			checkStyle(t, x, sheet, at(name), "10", "")
		}
		deducted := 0.0
		for _, d := range u.Deductions {
			deducted += d.Points
		}
		scores := map[string]float64{"最终得分": *u.Final}
		if col["综合得分"] > 0 {
			scores["综合得分"] = *u.Composite
		}
		if col["扣分"] > 0 {
			scores["扣分"] = deducted
		}
		for name, v := range scores {
			w := round2(v)
			if got := number(t, x, sheet, at(name)); got != w {
				t.Errorf("%s!%s (%s) = %v, want %v", sheet, at(name), u.Code, got, w)
			}
			if got := shown(t, x, sheet, at(name)); got != strconv.FormatFloat(w, 'f', 2, 64) {
				t.Errorf("%s!%s shows %q, want %.2f", sheet, at(name), got, w)
			}
			checkStyle(t, x, sheet, at(name), "2", "")
		}
	}
	end := len(units) + 3
	for c := 1; c <= len(cols); c++ {
		if got := raw(t, x, sheet, ref(c, end)); got != "" {
			t.Errorf("%s!%s = %q after the last ranked unit, want empty", sheet, ref(c, end), got)
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
		{"district-2025", "2025年10月（2025年9月19日至2025年10月18日）", "接诉即办月度考核（区级示例）", "2025.1", 3, "第3版"},
		{"county-threshold", "2025年10月（2025年10月1日至2025年10月31日）", "12345热线达标基数考核（县级示例）", "2014.1", 0, "草稿（未发布）"},
	} {
		t.Run(tc.policy, func(t *testing.T) {
			data, _ := workedBulletin(t, tc.policy, tc.edition)
			want := expected(t, tc.policy)
			f := open(t, data)
			title := "12345接诉即办考核通报（2025年10月）"
			if tc.edition == 0 {
				title += "（草稿）"
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
				"版次": tc.wantEdition, "参评单位": "9", "排名单位": "8", "未排名单位": "1",
				"排名变化": "与2025年9月第1版相比：↑上升，↓下降，持平，新为上期未排名",
				"工单量":  strconv.FormatInt(assignments, 10), "剔除": strconv.FormatInt(excluded, 10),
				"纳入考核": strconv.FormatFloat(eligible, 'f', -1, 64), "有效回访": strconv.FormatFloat(callbacks, 'f', -1, 64),
				"街乡镇": "街乡镇排名，3个单位；图表见“街乡镇图表”", "区级部门": "区级部门排名，4个单位；图表见“区级部门图表”"} {
				if m[label] != w {
					t.Errorf("说明 %s = %q, want %q", label, m[label], w)
				}
			}
			if tc.edition > 0 && m["发布时间"] != "2025-10-20 17:30:00" {
				t.Errorf("说明 发布时间 = %q", m["发布时间"])
			}
			for label, v := range m {
				if strings.ContainsAny(v, "(),:;") && label != "发布时间" {
					t.Errorf("说明 %s = %q has ASCII punctuation", label, v)
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

func TestBulletinSummaryAddsUpEachUnitsDeductions(t *testing.T) {
	data, _ := workedBulletin(t, "county-threshold", 1)
	want := expected(t, "county-threshold")
	f := open(t, data)
	head := []string{"分组", "单位编码", "单位", "按时办结率未达基数95%", "解决率未达基数90%", "满意率未达基数85%", "二次交办率超过基数5%", "合计"}
	checkHeader(t, f, "扣分汇总", 2, head)
	rows, err := f.GetRows("扣分汇总")
	if err != nil {
		t.Fatal(err)
	}
	seen := 0
	for _, u := range want.Units {
		w := 0.0
		for _, d := range u.Deductions {
			w -= d.Points
		}
		if round2(w) == 0 {
			continue
		}
		row := rowOf(rows, u.Code)
		if row < 0 {
			t.Errorf("扣分汇总 has no row for %s, which lost %v", u.Code, w)
			continue
		}
		seen++
		if got := number(t, f, "扣分汇总", ref(8, row+1)); got != round2(w) {
			t.Errorf("扣分汇总 合计 of %s = %v, want %v", u.Code, got, round2(w))
		}
	}
	if seen == 0 || len(rows)-2 != seen {
		t.Errorf("扣分汇总 has %d unit rows, want the %d units with deductions", len(rows)-2, seen)
	}
}

func TestBulletinHasNoSummaryWhenNoRuleChangesAScore(t *testing.T) {
	data, _ := workedBulletin(t, "district-2025", 1)
	f := open(t, data)
	if slices.Contains(f.GetSheetList(), "扣分汇总") {
		t.Errorf("the district policy's points count for nothing (factor 0), yet there is a 扣分汇总")
	}
	if m := labels(t, f, "说明"); !strings.Contains(m["扣分汇总"], "不列扣分汇总") || !strings.Contains(m["工单积分"], "不计入最终得分") {
		t.Errorf("说明 must say why: 扣分汇总 %q, 工单积分 %q", m["扣分汇总"], m["工单积分"])
	}
}

// rowOf is the index of the first row holding the value, or -1.
func rowOf(rows [][]string, v string) int {
	for i, r := range rows {
		if slices.Contains(r, v) {
			return i
		}
	}
	return -1
}

func TestBulletinListsUnrankedUnitsWithReasons(t *testing.T) {
	data, _ := workedBulletin(t, "district-2025", 1)
	f := open(t, data)
	rows, err := f.GetRows("未排名")
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{{"分组", "单位编码", "单位", "工单量", "纳入考核", "有效回访", "得分（不排名）", "原因"},
		{"街乡镇", "S04", "南岭乡", "4", "4", "4", "95.50", "样本不足（有效回访4件，少于10件）"}}
	if len(rows) != 3 || !slices.Equal(rows[1], want[0]) || !slices.Equal(rows[2], want[1]) {
		t.Errorf("未排名 = %q, want a title row then %q", rows, want)
	}
	checkPrint(t, f, "未排名", 2)
}

func TestBulletinHasABarChartPerGroupOnItsOwnPage(t *testing.T) {
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
		if m := axisMin.FindStringSubmatch(body); m == nil || m[1] == "0" {
			t.Errorf("%s: the score axis does not start from a floor near the scores (%v)", name, m)
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
}

func TestBulletinMarksOnlyGroupsLargerThanTopAndBottomAndColoursTheBars(t *testing.T) {
	w := loadWorked(t, "district-2025")
	var c scoring.Card
	c.Period = scoring.PeriodInfo{ID: "2025-10", Start: "2025-09-19T00:00:00+08:00", End: "2025-10-19T00:00:00+08:00"}
	for i := range 8 {
		r, final := i+1, 95-float64(i)
		mark := ""
		if r <= 3 {
			mark = "top"
		} else if r > 5 {
			mark = "bottom"
		}
		c.Units = append(c.Units, scoring.Scorecard{Code: fmt.Sprintf("S%02d", r), Name: fmt.Sprintf("第%d街道", r), Group: "street",
			Ranked: true, Rank: &r, Final: &final, Composite: &final, Mark: mark})
	}
	for i := range 4 {
		r, final := i+1, 90-float64(i)
		mark := map[bool]string{true: "top", false: "bottom"}[r <= 3]
		c.Units = append(c.Units, scoring.Scorecard{Code: fmt.Sprintf("D%02d", r), Name: fmt.Sprintf("第%d局", r), Group: "department",
			Ranked: true, Rank: &r, Final: &final, Composite: &final, Mark: mark})
	}
	var buf bytes.Buffer
	if err := WriteBulletin(&buf, Bulletin{Card: c, Policy: w.policy, Edition: 1}); err != nil {
		t.Fatal(err)
	}
	f := open(t, buf.Bytes())
	for row, want := range map[int][2]string{3: {"红榜▲", FillTop}, 5: {"红榜▲", FillTop}, 6: {"", ""}, 7: {"", ""}, 8: {"末位▼", FillBottom}, 10: {"末位▼", FillBottom}} {
		if got := raw(t, f, "街乡镇", ref(2, row)); got != want[0] {
			t.Errorf("街乡镇 row %d mark %q, want %q", row, got, want[0])
		}
		if _, fill := style(t, f, "街乡镇", ref(4, row)); fill != want[1] {
			t.Errorf("街乡镇 row %d fill %q, want %q", row, fill, want[1])
		}
	}
	for row := 3; row <= 6; row++ {
		if got := raw(t, f, "区级部门", ref(2, row)); got != "" {
			t.Errorf("区级部门 (4 units, top 3 + bottom 3) row %d is marked %q", row, got)
		}
	}
	if got := raw(t, f, "区级部门", "A8"); !strings.Contains(got, "不标注红榜和末位") {
		t.Errorf("区级部门 legend = %q", got)
	}
	if got := raw(t, f, "街乡镇", "A12"); !strings.Contains(got, "红榜▲为前3名") {
		t.Errorf("街乡镇 legend = %q", got)
	}
	if got := raw(t, f, "街乡镇", "A13"); got != "排名变化：本期为首次排名，记为—。" {
		t.Errorf("街乡镇 rank-change note = %q", got)
	}
	chart := entries(t, buf.Bytes())["xl/charts/chart1.xml"]
	for _, want := range []string{`<dPt><idx val="0"/>`, `srgbClr val="C00000"/>`, `<dPt><idx val="7"/>`, `srgbClr val="7F7F7F"/>`} {
		if !strings.Contains(chart, want) {
			t.Errorf("街乡镇 chart lacks %s", want)
		}
	}
	if strings.Contains(entries(t, buf.Bytes())["xl/charts/chart2.xml"], "<dPt>") {
		t.Errorf("区级部门 chart colours bars of an unmarked group")
	}
}

var axisMin = regexp.MustCompile(`<min val="([0-9.]+)"`)

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

func TestBulletinWithAGroupWithoutRankedUnitsHasNoSheetOrChartForIt(t *testing.T) {
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
	if slices.Contains(f.GetSheetList(), "公共服务企业") || slices.Contains(f.GetSheetList(), "公共服务企业图表") {
		t.Errorf("sheets %v: an empty group must not get a sheet", f.GetSheetList())
	}
	unranked, _ := f.GetRows("未排名")
	if len(unranked) != 4 || unranked[3][2] != "区自来水公司" || !strings.HasPrefix(unranked[3][7], "样本不足") {
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
	if got := f.GetSheetList(); !slices.Equal(got, []string{"说明"}) {
		t.Errorf("sheets = %v", got)
	}
	if got := raw(t, f, "说明", "A1"); got != "12345接诉即办考核通报（2025年第2季度）（草稿）" {
		t.Errorf("title = %q", got)
	}
}

func TestBulletinWithoutPolicyIsInvalid(t *testing.T) {
	err := WriteBulletin(io.Discard, Bulletin{})
	if scoring.ErrorCode(err) != scoring.Invalid {
		t.Errorf("err = %v, want an invalid error", err)
	}
}
