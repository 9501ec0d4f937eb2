package exports

import (
	"bytes"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"sanlv/scoring"
)

func TestWhatIfWorkbookComparesScoresAndRanks(t *testing.T) {
	district := loadWorked(t, "district-2025")
	county := loadWorked(t, "county-threshold")
	ca, cb := district.book(t, "2025-10").Card(0), county.book(t, "2025-10").Card(0)
	wi := scoring.Compare(ca, cb)
	var buf bytes.Buffer
	if err := WriteWhatIf(&buf, wi, WhatIfSides{A: district.policy, B: county.policy, AWindow: ca.Period, BWindow: cb.Period}); err != nil {
		t.Fatal(err)
	}
	f := open(t, buf.Bytes())
	if got, want := f.GetSheetList(), []string{"说明", "街乡镇", "区级部门", "公共服务企业"}; !slices.Equal(got, want) {
		t.Fatalf("sheets = %v, want %v", got, want)
	}
	m := labels(t, f, "说明")
	if m["方案A"] != "接诉即办月度考核（区级示例） 2025.1" || m["方案B"] != "12345热线达标基数考核（县级示例） 2014.1" {
		t.Errorf("说明 policies = %q / %q", m["方案A"], m["方案B"])
	}
	// The district month runs 9/19–10/18, the county month 10/1–10/31: the workbook says so.
	if m["方案A考核期"] != "2025年9月19日至2025年10月18日" || m["方案B考核期"] != "2025年10月1日至2025年10月31日" ||
		!strings.Contains(m["注意"], "两个方案的考核期不同") {
		t.Errorf("说明 windows = %q / %q, note %q", m["方案A考核期"], m["方案B考核期"], m["注意"])
	}
	head := []string{"单位", "方案A得分", "方案A排名", "方案B得分", "方案B排名", "得分变化", "排名变化", "备注"}
	a, b := expected(t, "district-2025"), expected(t, "county-threshold")
	row := rows{}
	for _, ua := range a.Units {
		ub := b.Unit(ua.Code)
		sheet, r := row.next(ua.Group)
		checkHeader(t, f, sheet, 2, head)
		if got := raw(t, f, sheet, ref(1, r)); got != ua.Name {
			t.Errorf("%s!A%d = %q, want %q", sheet, r, got, ua.Name)
			continue
		}
		for col, want := range map[int]float64{2: round2(*ua.Final), 4: round2(*ub.Final),
			6: round2(round2(*ub.Final) - round2(*ua.Final))} {
			if got := number(t, f, sheet, ref(col, r)); got != want {
				t.Errorf("%s %s = %v, want %v", ua.Code, head[col-1], got, want)
			}
			checkStyle(t, f, sheet, ref(col, r), "2", "")
		}
		wantRank := func(rank *int) string {
			if rank == nil {
				return "—"
			}
			return strconv.Itoa(*rank)
		}
		change, note := "持平", "" // the worked units rank the same under both policies
		if !ua.Ranked {
			change, note = "—", "方案A未排名：样本不足；方案B未排名：样本不足"
		}
		for col, want := range map[int]string{3: wantRank(ua.Rank), 5: wantRank(ub.Rank), 7: change, 8: note} {
			if got := raw(t, f, sheet, ref(col, r)); got != want {
				t.Errorf("%s %s = %q, want %q", ua.Code, head[col-1], got, want)
			}
		}
	}
}

func TestWhatIfShowsEachSideWithItsOwnRounding(t *testing.T) {
	district := loadWorked(t, "district-2025")
	whole := *district.policy
	whole.Round = 0
	c := district.book(t, "2025-10").Card(0)
	wi := scoring.Compare(c, c)
	var buf bytes.Buffer
	if err := WriteWhatIf(&buf, wi, WhatIfSides{A: district.policy, B: &whole, AWindow: c.Period, BWindow: c.Period}); err != nil {
		t.Fatal(err)
	}
	f := open(t, buf.Bytes())
	// 城关街道 scores 90.67 (SPEC's worked example): 90.67 under A, 91 under B (round 0), change 0.33.
	r := rowOf(mustRows(t, f, "街乡镇"), "城关街道") + 1
	for col, want := range map[int]string{2: "90.67", 4: "91", 6: "0.33"} {
		if got := shown(t, f, "街乡镇", ref(col, r)); got != want {
			t.Errorf("街乡镇 %s shows %q, want %q", ref(col, r), got, want)
		}
	}
	if m := labels(t, f, "说明"); m["方案B得分"] != "四舍五入保留0位小数，按此排名" || m["注意"] != "" {
		t.Errorf("说明 方案B得分 %q, 注意 %q", m["方案B得分"], m["注意"])
	}
}

func mustRows(t *testing.T, f interface {
	GetRows(string, ...excelize.Options) ([][]string, error)
}, sheet string) [][]string {
	t.Helper()
	rows, err := f.GetRows(sheet)
	if err != nil {
		t.Fatal(err)
	}
	return rows
}
