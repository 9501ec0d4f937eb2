package exports

import (
	"bytes"
	"slices"
	"strconv"
	"testing"

	"sanlv/scoring"
)

func TestWhatIfWorkbookComparesScoresAndRanks(t *testing.T) {
	district := loadWorked(t, "district-2025")
	county := loadWorked(t, "county-threshold")
	wi := scoring.Compare(district.book(t, "2025-10").Card(0), county.book(t, "2025-10").Card(0))
	var buf bytes.Buffer
	if err := WriteWhatIf(&buf, wi); err != nil {
		t.Fatal(err)
	}
	f := open(t, buf.Bytes())
	if got, want := f.GetSheetList(), []string{"说明", "街乡镇", "区级部门", "公共服务企业"}; !slices.Equal(got, want) {
		t.Fatalf("sheets = %v, want %v", got, want)
	}
	m := labels(t, f, "说明")
	if m["方案A"] != "接诉即办月度考核(区级示例) 2025.1" || m["方案B"] != "12345热线达标基数考核(县级示例) 2014.1" {
		t.Errorf("说明 policies = %q / %q", m["方案A"], m["方案B"])
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
			change, note = "—", "方案A未排名:样本不足;方案B未排名:样本不足"
		}
		for col, want := range map[int]string{3: wantRank(ua.Rank), 5: wantRank(ub.Rank), 7: change, 8: note} {
			if got := raw(t, f, sheet, ref(col, r)); got != want {
				t.Errorf("%s %s = %q, want %q", ua.Code, head[col-1], got, want)
			}
		}
	}
}
