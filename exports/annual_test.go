package exports

import (
	"bytes"
	"slices"
	"strconv"
	"strings"
	"testing"

	"sanlv/scoring"
)

func TestAnnualWorkbookShowsMonthsScoreRankAndGrade(t *testing.T) {
	w := loadWorked(t, "district-2025")
	periods, err := w.policy.AnnualPeriods("2025")
	if err != nil {
		t.Fatal(err)
	}
	ids := make([]string, len(periods))
	for i, p := range periods {
		ids[i] = p.ID
	}
	a := w.book(t, ids...).Annual("2025")
	var buf bytes.Buffer
	if err := WriteAnnual(&buf, a, w.policy); err != nil {
		t.Fatal(err)
	}
	f := open(t, buf.Bytes())
	if got, want := f.GetSheetList(), []string{"说明", "街乡镇", "区级部门", "公共服务企业"}; !slices.Equal(got, want) {
		t.Fatalf("sheets = %v, want %v", got, want)
	}
	if got := raw(t, f, "说明", "A1"); got != "12345接诉即办年度考核（2025年度）" {
		t.Errorf("title = %q", got)
	}
	head := []string{"排名", "单位"}
	for m := 1; m <= 12; m++ {
		head = append(head, strconv.Itoa(m)+"月")
	}
	head = append(head, "计分月数", "年度得分", "等级", "备注")
	// Only October has enough callbacks to rank anyone, so the annual score is October's final.
	oct := expected(t, "district-2025")
	grade := map[string]string{"S01": "优秀", "S03": "良好", "S02": "合格", "D01": "优秀", "D04": "优秀", "D03": "良好",
		"D02": "合格", "E01": "优秀"}
	row := rows{}
	for _, u := range oct.Units {
		sheet, r := row.next(u.Group)
		checkHeader(t, f, sheet, 2, head)
		if got := raw(t, f, sheet, ref(2, r)); got != u.Name {
			t.Errorf("%s!%s = %q, want %q", sheet, ref(2, r), got, u.Name)
			continue
		}
		for m := 1; m <= 12; m++ {
			want := "—"
			if m == 10 && u.Ranked {
				want = strconv.FormatFloat(round2(*u.Final), 'f', -1, 64)
			}
			if got := raw(t, f, sheet, ref(2+m, r)); got != want {
				t.Errorf("%s %d月 = %q, want %q", u.Code, m, got, want)
			}
			checkStyle(t, f, sheet, ref(2+m, r), "2", "")
		}
		if !u.Ranked {
			for col, want := range map[int]string{1: "—", 15: "0", 16: "—", 17: "—", 18: scoring.ReasonNoData} {
				if got := raw(t, f, sheet, ref(col, r)); got != want {
					t.Errorf("%s!%s (unranked %s) = %q, want %q", sheet, ref(col, r), u.Code, got, want)
				}
			}
			continue
		}
		if got := number(t, f, sheet, ref(1, r)); got != float64(*u.Rank) {
			t.Errorf("%s annual rank = %v, want %d", u.Code, got, *u.Rank)
		}
		if got := number(t, f, sheet, ref(15, r)); got != 1 {
			t.Errorf("%s periods ranked = %v, want 1", u.Code, got)
		}
		if got := number(t, f, sheet, ref(16, r)); got != round2(*u.Final) {
			t.Errorf("%s annual score = %v, want %v", u.Code, got, round2(*u.Final))
		}
		checkStyle(t, f, sheet, ref(16, r), "2", "")
		if got := raw(t, f, sheet, ref(17, r)); got != grade[u.Code] {
			t.Errorf("%s grade = %q, want %q", u.Code, got, grade[u.Code])
		}
	}
	for _, sheet := range []string{"街乡镇", "区级部门", "公共服务企业"} {
		checkPrint(t, f, sheet, 2)
	}
}

func TestAnnualWorkbookPooledShowsTheYearsRates(t *testing.T) {
	w := loadWorked(t, "county-threshold")
	a := w.book(t, "2025").Annual("2025")
	var buf bytes.Buffer
	if err := WriteAnnual(&buf, a, w.policy); err != nil {
		t.Fatal(err)
	}
	f := open(t, buf.Bytes())
	// The rates with a baseline drive the county policy's score: those and the deductions are shown.
	head := []string{"排名", "单位", "工单量", "有效回访", "解决率", "满意率", "按时办结率", "二次交办率", "扣分", "年度得分", "等级", "备注"}
	checkHeader(t, f, "区级部门", 2, head)
	row := rows{}
	for _, u := range a.Units {
		sheet, r := row.next(u.Group)
		if got := raw(t, f, sheet, ref(2, r)); got != u.Name {
			t.Errorf("%s!%s = %q, want %q", sheet, ref(2, r), got, u.Name)
		}
		if u.Score != nil {
			if got := number(t, f, sheet, ref(10, r)); got != round2(*u.Score) {
				t.Errorf("%s score = %v, want %v", u.Code, got, round2(*u.Score))
			}
		}
		if got := number(t, f, sheet, ref(3, r)); got != float64(u.Card.Counts.Assignments) {
			t.Errorf("%s assignments = %v, want %d", u.Code, got, u.Card.Counts.Assignments)
		}
		if v := u.Card.Rates.OnTime.Value; v != nil {
			if got := number(t, f, sheet, ref(7, r)); !near(got, *v) {
				t.Errorf("%s on-time = %v, want %v", u.Code, got, *v)
			}
			checkStyle(t, f, sheet, ref(7, r), "10", "")
		}
		if v := u.Card.Rates.Redispatch.Value; v != nil {
			if got := number(t, f, sheet, ref(8, r)); !near(got, *v) {
				t.Errorf("%s redispatch = %v, want %v", u.Code, got, *v)
			}
		}
	}
}

func TestAnnualWorkbookNamesTheEditionOfEachMonthAndMarksTheOthers(t *testing.T) {
	w := loadWorked(t, "district-2025")
	periods, err := w.policy.AnnualPeriods("2025")
	if err != nil {
		t.Fatal(err)
	}
	ids := make([]string, len(periods))
	for i, p := range periods {
		ids[i] = p.ID
	}
	b := w.book(t, ids...)
	cards := make([]scoring.Card, len(ids))
	for i := range ids {
		cards[i] = b.Card(i)
	}
	// October as circulated in edition 2 said 91.43 for 城关街道, whatever the data says now.
	circulated := 91.43
	cards[9].Unit("S01").Final = &circulated
	editions := make([]int, 12)
	editions[9] = 2
	var buf bytes.Buffer
	if err := WriteAnnualOf(&buf, b.AnnualOf("2025", cards), w.policy, editions); err != nil {
		t.Fatal(err)
	}
	f := open(t, buf.Bytes())
	if got := raw(t, f, "街乡镇", "L2"); got != "10月" {
		t.Errorf("October's header = %q, want 10月 (it has an edition)", got)
	}
	if got := raw(t, f, "街乡镇", "K2"); got != "9月＊" {
		t.Errorf("September's header = %q, want 9月＊ (no edition)", got)
	}
	r := rowOf(mustRows(t, f, "街乡镇"), "城关街道") + 1
	if got := number(t, f, "街乡镇", ref(12, r)); got != 91.43 {
		t.Errorf("城关街道 10月 = %v, want the circulated 91.43", got)
	}
	m := labels(t, f, "说明")
	if m["月度得分"] != "取自各月已发布的通报（最新版次）：10月第2版" || !strings.HasPrefix(m["＊"], "1月、2月") {
		t.Errorf("说明 月度得分 %q, ＊ %q", m["月度得分"], m["＊"])
	}
}
