package exports

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"sanlv/fixtures"
	"sanlv/fixtures/fixturetest"
	"sanlv/imports"
	"sanlv/scoring"
)

// workedV2 is the second edition's worked example scored from its files, with its adjustments.
type workedV2 struct {
	policy *scoring.Policy
	book   *scoring.Book
	rows   []scoring.Assignment
}

// loadWorkedV2 reads units.csv, tickets.csv and adjustments.csv of worked-v2 with the importers and
// scores 2025-10 under policy (policy-a or policy-b).
func loadWorkedV2(t testing.TB, policy string) *workedV2 {
	t.Helper()
	return loadWorkedV2With(t, filepath.Join(fixturetest.NeedV2(t), policy+".yaml"), true)
}

// loadWorkedV2With is loadWorkedV2 under the policy file at path, with the adjustments file's when
// withFile, then extra adjustments.
func loadWorkedV2With(t testing.TB, path string, withFile bool, extra ...scoring.Adjustment) *workedV2 {
	t.Helper()
	dir := fixturetest.NeedV2(t)
	read := func(name string) *os.File {
		f, err := os.Open(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { f.Close() })
		return f
	}
	p, err := fixtures.LoadPolicy(path)
	if err != nil {
		t.Fatal(err)
	}
	units, rep, err := imports.ReadUnits("units.csv", read("units.csv"))
	if err != nil || rep.Invalid > 0 {
		t.Fatalf("units.csv: %v %+v", err, rep)
	}
	d, err := scoring.NewDirectory(units)
	if err != nil {
		t.Fatal(err)
	}
	period, err := scoring.ParsePeriod("2025-10", p.StartDay, p.Loc)
	if err != nil {
		t.Fatal(err)
	}
	w := &workedV2{policy: p}
	if w.book, err = scoring.NewBook(p, d, []scoring.Period{period}); err != nil {
		t.Fatal(err)
	}
	rep, err = imports.Tickets("tickets.csv", read("tickets.csv"), d, imports.Options{Loc: p.Loc}, func(row int, a *scoring.Assignment) error {
		w.rows = append(w.rows, *a)
		return w.book.Add(a)
	})
	if err != nil || rep.Invalid > 0 {
		t.Fatalf("tickets.csv: %v %+v", err, rep)
	}
	var adjs []scoring.Adjustment
	if withFile {
		if adjs, err = imports.ReadAdjustments(read("adjustments.csv"), "adjustments.csv"); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.book.AddAdjustments(append(adjs, extra...)); err != nil {
		t.Fatal(err)
	}
	return w
}

// bulletin writes the worked-v2 bulletin of 2025-10 as a draft.
func (w *workedV2) bulletin(t testing.TB) (Bulletin, []byte) {
	t.Helper()
	points, err := fixturetest.PointLines(w.book, 0, w.rows)
	if err != nil {
		t.Fatal(err)
	}
	bl := Bulletin{Card: w.book.Card(0), Policy: w.policy, Points: points}
	var buf bytes.Buffer
	if err := WriteBulletin(&buf, bl); err != nil {
		t.Fatal(err)
	}
	return bl, buf.Bytes()
}

// v2Unit is the part of an expected worked-v2 scorecard the bulletin shows, decoded independently of
// the scoring package's types.
type v2Unit struct {
	code, group, name string
	ranked            bool
	rates, raw        map[string]*float64
	final             *float64
	deductions, total float64
	perAssignment     *float64
	items             []v2Item
	adjustments       []v2Adjust
}

type v2Item struct {
	label, rate string
	points      *float64
}

type v2Adjust struct {
	label, reason string
	points        float64
}

// expectedV2 reads expected-<policy>-2025-10.json of worked-v2.
func expectedV2(t testing.TB, policy string) []v2Unit {
	t.Helper()
	doc := fixturetest.ExpectedV2(t, policy, "2025-10").(map[string]any)
	f := func(v any) *float64 {
		if x, ok := v.(float64); ok {
			return &x
		}
		return nil
	}
	var out []v2Unit
	for _, x := range doc["units"].([]any) {
		m := x.(map[string]any)
		u := v2Unit{code: m["code"].(string), group: m["group"].(string), name: m["name"].(string), ranked: m["ranked"].(bool),
			rates: map[string]*float64{}, raw: map[string]*float64{}, final: f(m["final"])}
		for k, r := range m["rates"].(map[string]any) {
			u.rates[k] = f(r.(map[string]any)["value"])
		}
		for k, r := range m["raw_rates"].(map[string]any) {
			u.raw[k] = f(r.(map[string]any)["value"])
		}
		for _, d := range m["deductions"].([]any) {
			u.deductions += d.(map[string]any)["points"].(float64)
		}
		u.total = m["points"].(map[string]any)["total"].(float64)
		u.perAssignment = f(m["points"].(map[string]any)["per_assignment"])
		for _, it := range m["items"].([]any) {
			im := it.(map[string]any)
			u.items = append(u.items, v2Item{im["label"].(string), im["rate"].(string), f(im["points"])})
		}
		for _, a := range m["adjustments"].([]any) {
			am := a.(map[string]any)
			u.adjustments = append(u.adjustments, v2Adjust{am["label"].(string), am["reason"].(string), am["points"].(float64)})
		}
		out = append(out, u)
	}
	return out
}

// table reads a sheet's table (title on row 1, headers on row 2) as one map per row, by header.
func table(t testing.TB, f *excelize.File, sheet string) []map[string]string {
	t.Helper()
	rows, err := f.GetRows(sheet, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatalf("%s: %v", sheet, err)
	}
	if len(rows) < 2 {
		t.Fatalf("%s: no table", sheet)
	}
	var out []map[string]string
	for _, r := range rows[2:] {
		if len(r) < 3 {
			break // the legend under the table
		}
		m := map[string]string{}
		for i, h := range rows[1] {
			if i < len(r) {
				m[h] = r[i]
			}
		}
		out = append(out, m)
	}
	return out
}

// sameNumber checks that a cell shows want (nil: the dash) within 1e-9.
func sameNumber(t *testing.T, where, got string, want *float64) {
	t.Helper()
	if want == nil {
		if got != Dash {
			t.Errorf("%s = %q, want %s", where, got, Dash)
		}
		return
	}
	x, err := strconv.ParseFloat(got, 64)
	if err != nil || math.Abs(x-*want) > 1e-9 {
		t.Errorf("%s = %q, want %v", where, got, *want)
	}
}

func f64(x float64) *float64 { return &x }

func TestWorkedV2BulletinShowsTheSecondEditionColumns(t *testing.T) {
	for _, tc := range []struct {
		policy string
		// cols are the ranking columns per group sheet after 单位.
		cols map[string][]string
		// adjMin and adjMax are the policy's adjustment limits.
		adjMin, adjMax float64
		// factor is each group's points factor.
		factor map[string]float64
	}{
		{"policy-a", map[string][]string{
			"街乡镇": {"工单量", "有效回访", "响应率", "解决率", "原始解决率", "满意率", "按时办结率", "及时签收率", "办结率", "退单率", "重复诉求率",
				"综合得分", "加分项", "加减分", "最终得分", "排名变化"},
			"区级部门": {"工单量", "有效回访", "响应率", "解决率", "原始解决率", "满意率", "按时办结率", "及时签收率", "办结率", "退单率", "重复诉求率",
				"综合得分", "扣分", "加分项", "积分", "加减分", "最终得分", "排名变化"},
		}, -5, 3, map[string]float64{"department": 5}},
		{"policy-b", map[string][]string{
			"街乡镇": {"工单量", "有效回访", "响应率", "解决率", "满意率", "按时办结率", "及时签收率", "办结率", "退单率", "重复诉求率",
				"扣分", "积分", "加减分", "最终得分", "排名变化"},
		}, math.Inf(-1), math.Inf(1), map[string]float64{"street": 1, "department": 1, "enterprise": 1}},
	} {
		t.Run(tc.policy, func(t *testing.T) {
			w := loadWorkedV2(t, tc.policy)
			_, data := w.bulletin(t)
			f := open(t, data)
			want := expectedV2(t, tc.policy)
			for sheet, cols := range tc.cols {
				head, err := f.GetRows(sheet)
				if err != nil {
					t.Fatal(err)
				}
				got := strings.Join(head[1][4:], ",")
				if got != strings.Join(cols, ",") {
					t.Errorf("%s columns = %s, want %s", sheet, got, strings.Join(cols, ","))
				}
			}
			seen := 0
			for _, group := range []string{"街乡镇", "区级部门", "公共服务企业"} {
				for _, row := range table(t, f, group) {
					var u *v2Unit
					for i := range want {
						if want[i].code == row["单位编码"] {
							u = &want[i]
						}
					}
					if u == nil || !u.ranked || scoring.GroupLabel(u.group) != group {
						t.Fatalf("%s shows %q, not a ranked unit of the group", group, row["单位编码"])
					}
					seen++
					at := func(col string) string { return group + " " + u.code + " " + col }
					for rate, label := range map[string]string{"acceptance": "及时签收率", "closure": "办结率", "return": "退单率", "repeat": "重复诉求率",
						"resolution": "解决率", "on_time": "按时办结率"} {
						sameNumber(t, at(label), row[label], u.rates[rate])
					}
					if _, ok := row["原始解决率"]; ok {
						sameNumber(t, at("原始解决率"), row["原始解决率"], u.raw["resolution"])
					} else if w.policy.ShowRaw {
						t.Errorf("%s: no 原始解决率", at(""))
					}
					if _, ok := row["加分项"]; ok {
						sum := f64(0)
						for _, it := range u.items {
							if it.points == nil {
								sum = nil
								break
							}
							*sum += *it.points
						}
						if sum != nil {
							sum = f64(round2(*sum))
						}
						sameNumber(t, at("加分项"), row["加分项"], sum)
					}
					adj := 0.0
					for _, a := range u.adjustments {
						adj += a.points
					}
					sameNumber(t, at("加减分"), row["加减分"], f64(round2(math.Max(tc.adjMin, math.Min(tc.adjMax, adj)))))
					if _, ok := row["扣分"]; ok {
						sameNumber(t, at("扣分"), row["扣分"], f64(round2(u.deductions)))
					}
					if _, ok := row["积分"]; ok {
						sameNumber(t, at("积分"), row["积分"], f64(round2(u.total)))
					}
					sameNumber(t, at("最终得分"), row["最终得分"], f64(round2(*u.final)))
				}
			}
			ranked := 0
			for _, u := range want {
				if u.ranked {
					ranked++
				}
			}
			if seen != ranked {
				t.Errorf("ranking sheets show %d units, want %d", seen, ranked)
			}
			checkAdjustSheet(t, f, want, tc.adjMin, tc.adjMax)
			// 扣分汇总's 合计 is what the deductions and the ticket points change in the final.
			summary := table(t, f, SheetSummary)
			if len(summary) == 0 {
				t.Fatalf("%s is empty", SheetSummary)
			}
			for _, r := range summary {
				for _, u := range want {
					if u.code != r["单位编码"] {
						continue
					}
					w := -u.deductions
					if u.perAssignment != nil {
						w += tc.factor[u.group] * *u.perAssignment
					}
					sameNumber(t, SheetSummary+" "+u.code+" 合计", r["合计"], f64(round2(w)))
				}
			}
			checkSecondRates(t, f, want)
		})
	}
}

// checkAdjustSheet checks that 加减分 lists every unit's items and adjustments, in order, unclamped, with
// the clamped sum after them, and nothing else.
func checkAdjustSheet(t *testing.T, f *excelize.File, want []v2Unit, lo, hi float64) {
	t.Helper()
	rows := table(t, f, SheetAdjust)
	zh := strings.NewReplacer(":", "：", "(", "（", ")", "）")
	k := 0
	next := func() map[string]string {
		if k >= len(rows) {
			t.Fatalf("%s ends after %d rows", SheetAdjust, k)
		}
		k++
		return rows[k-1]
	}
	for _, u := range want {
		if len(u.items) == 0 && len(u.adjustments) == 0 {
			continue
		}
		for _, it := range u.items {
			r := next()
			if r["单位编码"] != u.code || r["类别"] != "加分项" || r["项目"] != it.label || r["指标"] != scoring.RateLabel(it.rate) {
				t.Errorf("%s row %d = %v, want item %s of %s", SheetAdjust, k, r, it.label, u.code)
			}
			var pts *float64
			if it.points != nil {
				pts = f64(round2(*it.points))
			}
			sameNumber(t, SheetAdjust+" "+u.code+" "+it.label, r["分值"], pts)
			sameNumber(t, SheetAdjust+" "+u.code+" "+it.label+" 指标值", r["指标值"], u.rates[it.rate])
		}
		if len(u.adjustments) == 0 {
			continue
		}
		sum := 0.0
		for _, a := range u.adjustments {
			r := next()
			if r["单位编码"] != u.code || r["类别"] != "加减分" || r["项目"] != a.label || r["说明"] != zh.Replace(a.reason) {
				t.Errorf("%s row %d = %v, want adjustment %s (%s) of %s", SheetAdjust, k, r, a.label, a.reason, u.code)
			}
			sameNumber(t, SheetAdjust+" "+u.code+" "+a.label, r["分值"], f64(round2(a.points)))
			sum += a.points
		}
		r := next()
		if r["单位编码"] != u.code || r["类别"] != "加减分合计" {
			t.Errorf("%s row %d = %v, want the sum of %s", SheetAdjust, k, r, u.code)
		}
		sameNumber(t, SheetAdjust+" "+u.code+" 合计", r["分值"], f64(round2(math.Max(lo, math.Min(hi, sum)))))
	}
	if k != len(rows) {
		t.Errorf("%s has %d rows, want %d", SheetAdjust, len(rows), k)
	}
}

// checkSecondRates checks 新增指标明细 against the expected second-edition rates of every unit.
func checkSecondRates(t *testing.T, f *excelize.File, want []v2Unit) {
	t.Helper()
	rows := table(t, f, SheetRates2)
	if len(rows) != len(want) {
		t.Fatalf("%s has %d rows, want %d", SheetRates2, len(rows), len(want))
	}
	for i, u := range want {
		if rows[i]["单位"] != u.name {
			t.Fatalf("%s row %d is %q, want %q", SheetRates2, i+3, rows[i]["单位"], u.name)
		}
		for rate, label := range map[string]string{"acceptance": "及时签收率", "closure": "办结率", "return": "退单率", "repeat": "重复诉求率"} {
			sameNumber(t, SheetRates2+" "+u.code+" "+label, rows[i][label], u.rates[rate])
		}
	}
}

func TestWorkedV2NotesDescribeTheSecondEditionRulesInChinese(t *testing.T) {
	w := loadWorkedV2(t, "policy-a")
	_, data := w.bulletin(t)
	f := open(t, data)
	rows, err := f.GetRows(SheetNotes)
	if err != nil {
		t.Fatal(err)
	}
	var text strings.Builder
	for _, r := range rows[2:] {
		if len(r) > 1 {
			if strings.ContainsAny(r[1], ",;:()") {
				t.Errorf("说明 %q has ASCII punctuation", r[1])
			}
			if n := len([]rune(r[1])); n > notesWidth {
				t.Errorf("说明 %q is %d characters, more than a printed line holds", r[1], n)
			}
			text.WriteString(r[1])
		}
	}
	all := text.String()
	for _, want := range []string{
		"签收时限为紧急1小时、优先2小时、一般24小时、复杂24小时",
		"计入按时办结率的分母",
		"同一单位30天内来电号码、诉求分类均相同",
		"并单处理，不纳入考核",
		"按时办结：按时办结率为60%时得0分，达到95%得满分10分",
		"及时签收：及时签收率≥98%得5分，及时签收率≥90%得3分",
		"区级部门单位适用以下权重",
		"退单率高于2%时每差1个百分点扣0.5分",
		"每期合计限－5至＋3分",
		"不剔除、不并单、不采纳申诉更正", "退单率（低者在前）、二次交办率（低者在前）",
	} {
		if !strings.Contains(all, want) {
			t.Errorf("说明 does not say %q", want)
		}
	}
	m := labels(t, f, SheetNotes)
	for label, want := range map[string]string{"退单通过": "15.5", "重复诉求并单": "20.5", "超期未办结": "10.5"} {
		if m[label] != want {
			t.Errorf("说明 %s = %q, want %s", label, m[label], want)
		}
	}
}

func TestAnnualPointsTotalShowsPointsMoneyAndDisqualification(t *testing.T) {
	src, err := os.ReadFile(filepath.Join(fixturetest.NeedV2(t), "policy-a.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Replace(string(src), "annual: {mode: mean_of_periods,", "annual: {mode: points_total, money_per_point: 300,", 1)
	if text == string(src) {
		t.Fatal("policy-a.yaml has no annual line to change")
	}
	path := filepath.Join(t.TempDir(), "points.yaml")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	// S05 gets a deduction that makes its year negative: 3 points − 5 (the sum clamped to −5).
	w := loadWorkedV2With(t, path, true, scoring.Adjustment{Unit: "S05", Period: "2025-10", Label: "质量抽检", Points: -8, Reason: "抽检"})
	a := w.book.Annual("2025")
	var buf bytes.Buffer
	if err := WriteAnnual(&buf, a, w.policy); err != nil {
		t.Fatal(err)
	}
	f := open(t, buf.Bytes())
	// The year is October alone (the book scores one period): points total plus clamped adjustments.
	want := map[string]float64{}
	for _, u := range expectedV2(t, "policy-a") {
		adj := 0.0
		for _, x := range u.adjustments {
			adj += x.points
		}
		if u.code == "S05" {
			adj -= 8
		}
		want[u.code] = u.total + math.Max(-5, math.Min(3, adj))
	}
	names := map[string]string{}
	for _, u := range expectedV2(t, "policy-a") {
		names[u.name] = u.code
	}
	seen := 0
	for _, sheet := range []string{"街乡镇", "区级部门", "公共服务企业"} {
		head, err := f.GetRows(sheet)
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.Join(head[1], ","); got != "排名,单位,年度积分,金额（元）,等级,备注" {
			t.Errorf("%s columns = %s", sheet, got)
		}
		for _, r := range table(t, f, sheet) {
			code := names[r["单位"]]
			pts, ok := want[code]
			if !ok {
				t.Fatalf("%s shows %q", sheet, r["单位"])
			}
			seen++
			sameNumber(t, sheet+" "+code+" 年度积分", r["年度积分"], f64(round2(pts)))
			sameNumber(t, sheet+" "+code+" 金额", r["金额（元）"], f64(round2(pts*300)))
			wantNote := ""
			if pts < 0 {
				wantNote = "取消评优资格"
			}
			if r["备注"] != wantNote {
				t.Errorf("%s %s 备注 = %q, want %q", sheet, code, r["备注"], wantNote)
			}
		}
	}
	if seen != len(want) {
		t.Errorf("sheets show %d units, want %d", seen, len(want))
	}
	if want["S05"] >= 0 {
		t.Fatal("the test needs a negative year")
	}
	if m := labels(t, f, SheetNotes); !strings.Contains(m["金额"], "300元") || m["取消评优资格"] == "" {
		t.Errorf("说明 = %v, want the amount per point and 取消评优资格", m)
	}
}

func TestWorkedV2BulletinWithoutItemsOrAdjustmentsLeavesThemOut(t *testing.T) {
	w := loadWorkedV2With(t, filepath.Join(fixturetest.NeedV2(t), "policy-b.yaml"), false)
	_, data := w.bulletin(t)
	f := open(t, data)
	if slices.Contains(f.GetSheetList(), SheetAdjust) {
		t.Errorf("sheets = %v: a %s sheet with nothing to list", f.GetSheetList(), SheetAdjust)
	}
	head, err := f.GetRows("街乡镇")
	if err != nil {
		t.Fatal(err)
	}
	if slices.Contains(head[1], "加减分") || slices.Contains(head[1], "加分项") {
		t.Errorf("columns = %v: 加减分 or 加分项 without adjustments, limits or items", head[1])
	}
	if m := labels(t, f, SheetNotes); m[SheetAdjust] != "本期无加分项和加减分，不列加减分明细" {
		t.Errorf("说明 %s = %q", SheetAdjust, m[SheetAdjust])
	}
}
