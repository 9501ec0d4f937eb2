package notice

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"sanlv/exports"
	"sanlv/fixtures"
	"sanlv/fixtures/fixturetest"
	"sanlv/imports"
	"sanlv/scoring"
)

// workedV2 is the draft bulletin of worked-v2 for 2025-10 under the policy file at path, scored from the
// files with the adjustments.
func workedV2(t *testing.T, path string) exports.Bulletin {
	t.Helper()
	dir := fixturetest.NeedV2(t)
	p, err := fixtures.LoadPolicy(path)
	if err != nil {
		t.Fatal(err)
	}
	open := func(name string) *os.File {
		f, err := os.Open(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { f.Close() })
		return f
	}
	units, _, err := imports.ReadUnits("units.csv", open("units.csv"))
	if err != nil {
		t.Fatal(err)
	}
	d, err := scoring.NewDirectory(units)
	if err != nil {
		t.Fatal(err)
	}
	period, err := scoring.ParsePeriod("2025-10", p.StartDay, p.Loc)
	if err != nil {
		t.Fatal(err)
	}
	b, err := scoring.NewBook(p, d, []scoring.Period{period})
	if err != nil {
		t.Fatal(err)
	}
	var rows []scoring.Assignment
	rep, err := imports.Tickets("tickets.csv", open("tickets.csv"), d, imports.Options{Loc: p.Loc}, func(_ int, a *scoring.Assignment) error {
		rows = append(rows, *a)
		return b.Add(a)
	})
	if err != nil || rep.Invalid > 0 {
		t.Fatalf("tickets.csv: %v %+v", err, rep)
	}
	adjs, err := imports.ReadAdjustments(open("adjustments.csv"), "adjustments.csv")
	if err != nil {
		t.Fatal(err)
	}
	if err := b.AddAdjustments(adjs); err != nil {
		t.Fatal(err)
	}
	points, err := fixturetest.PointLines(b, 0, rows)
	if err != nil {
		t.Fatal(err)
	}
	return exports.Bulletin{Card: b.Card(0), Policy: p, Points: points}
}

// expectedUnit is what the 通报 needs of an expected worked-v2 scorecard, read from the JSON alone.
type expectedUnit struct {
	code, name, group string
	ranked            bool
	rates             map[string]*float64
	returned, dups    float64
	overdue, repeats  float64
}

func expectedUnits(t *testing.T, policy string) []expectedUnit {
	t.Helper()
	doc := fixturetest.ExpectedV2(t, policy, "2025-10").(map[string]any)
	var out []expectedUnit
	for _, x := range doc["units"].([]any) {
		m := x.(map[string]any)
		c := m["counts"].(map[string]any)
		u := expectedUnit{code: m["code"].(string), name: m["name"].(string), group: m["group"].(string), ranked: m["ranked"].(bool),
			rates: map[string]*float64{}, returned: c["returned"].(float64), dups: c["duplicates"].(float64), overdue: c["overdue_open"].(float64)}
		for k, r := range m["rates"].(map[string]any) {
			if v, ok := r.(map[string]any)["value"].(float64); ok {
				u.rates[k] = &v
			}
		}
		if n, ok := m["rates"].(map[string]any)["repeat"].(map[string]any)["num"].(float64); ok {
			u.repeats = n
		}
		out = append(out, u)
	}
	return out
}

// section returns the text of a group's part of 二、考核结果: from its heading to the next one.
func section(t *testing.T, text, heading string) string {
	t.Helper()
	i := strings.Index(text, heading)
	if i < 0 {
		t.Fatalf("no %q in %q", heading, text)
	}
	s := text[i+len(heading):]
	for _, next := range []string{"（二）", "（三）", "三、高频问题", "四、下一步要求"} {
		if j := strings.Index(s, next); j >= 0 {
			s = s[:j]
		}
	}
	return s
}

func TestWorkedV2NoticeNamesUnitsOffEachGroupsBaselines(t *testing.T) {
	dir := fixturetest.NeedV2(t)
	for _, tc := range []struct {
		policy string
		// baselines per group: rate → (baseline, at most).
		baselines map[string]map[string]struct {
			base   float64
			atMost bool
		}
		basics string
	}{
		{"policy-a", map[string]map[string]struct {
			base   float64
			atMost bool
		}{
			"department": {"return": {0.02, true}, "repeat": {0.05, true}},
		}, "退单通过%s件，重复诉求并单%s件，超期未办结%s件。"},
		{"policy-b", map[string]map[string]struct {
			base   float64
			atMost bool
		}{
			"street": {"on_time": {0.95, false}, "closure": {0.90, false}, "acceptance": {0.90, false}, "return": {0.05, true},
				"repeat": {0.10, true}, "satisfaction": {0.85, false}},
			"department": {"on_time": {0.95, false}, "closure": {0.90, false}, "acceptance": {0.90, false}, "return": {0.05, true},
				"repeat": {0.10, true}, "satisfaction": {0.85, false}},
		}, "退单通过%s件，重复诉求%s件（仍纳入考核）。"},
	} {
		t.Run(tc.policy, func(t *testing.T) {
			b := workedV2(t, filepath.Join(dir, tc.policy+".yaml"))
			var buf bytes.Buffer
			if err := Write(&buf, b, sampleConfig(t)); err != nil {
				t.Fatal(err)
			}
			text := documentText(t, buf.Bytes())
			if strings.ContainsAny(text, "(),:;") {
				t.Errorf("通报 has ASCII punctuation in %q", text)
			}
			want := expectedUnits(t, tc.policy)
			var returned, second, overdue float64
			for _, u := range want {
				returned += u.returned
				overdue += u.overdue
				if tc.policy == "policy-a" {
					second += u.dups
				} else {
					second += u.repeats
				}
			}
			basics := fmt.Sprintf(tc.basics, count(returned), count(second), count(overdue))
			if tc.policy == "policy-b" {
				basics = fmt.Sprintf(tc.basics, count(returned), count(second))
			}
			if !strings.Contains(text, basics) {
				t.Errorf("基本情况 lacks %q", basics)
			}
			if tc.policy == "policy-a" {
				// Only departments have baselines: 下一步要求 says so.
				n := 0
				for _, u := range want {
					if v := u.rates["return"]; u.group == "department" && u.ranked && v != nil && *v > 0.02 {
						n++
					}
				}
				if w := fmt.Sprintf("区级部门中退单率超过基数2.00%%的%d个单位", n); !strings.Contains(text, w) {
					t.Errorf("下一步要求 lacks %q", w)
				}
			}
			for k, group := range []string{"street", "department"} {
				sec := section(t, text, "（"+[]string{"一", "二"}[k]+"）"+scoring.GroupLabel(group))
				rules := tc.baselines[group]
				if len(rules) == 0 {
					if strings.Contains(sec, "达标基数方面") {
						t.Errorf("%s has no baselines but its section says %q", group, sec)
					}
					continue
				}
				for rate, r := range rules {
					type off struct {
						name string
						v    float64
					}
					var offs []off
					for _, u := range want {
						v := u.rates[rate]
						if u.group != group || !u.ranked || v == nil {
							continue
						}
						if (r.atMost && *v > r.base) || (!r.atMost && *v < r.base) {
							offs = append(offs, off{u.name, *v})
						}
					}
					label := scoring.RateLabel(rate)
					if len(offs) == 0 {
						if w := fmt.Sprintf("%s均达到基数%.2f%%", label, r.base*100); !strings.Contains(sec, w) {
							t.Errorf("%s: lacks %q in %q", group, w, sec)
						}
						continue
					}
					sort.SliceStable(offs, func(i, j int) bool {
						if r.atMost {
							return offs[i].v > offs[j].v
						}
						return offs[i].v < offs[j].v
					})
					names := make([]string, len(offs))
					for i, o := range offs {
						names[i] = fmt.Sprintf("%s（%.2f%%）", o.name, o.v*100)
					}
					word := "低于"
					if r.atMost {
						word = "高于"
					}
					w := fmt.Sprintf("%s%s基数%.2f%%的有%d个单位：%s", label, word, r.base*100, len(offs), strings.Join(names, "、"))
					if !strings.Contains(sec, w) {
						t.Errorf("%s: lacks %q in %q", group, w, sec)
					}
				}
			}
		})
	}
}

func TestNoticeCitesThePolicysOwnDocumentFirst(t *testing.T) {
	dir := fixturetest.NeedV2(t)
	src, err := os.ReadFile(filepath.Join(dir, "policy-a.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "doc.yaml")
	doc := "document: {title: 示例区接诉即办考核办法（第二版）, number: 示热线办发〔2026〕1号}\n"
	if err := os.WriteFile(path, append([]byte(doc), src...), 0o644); err != nil {
		t.Fatal(err)
	}
	withDoc := workedV2(t, path)
	without := workedV2(t, filepath.Join(dir, "policy-a.yaml"))
	var kept []string
	for _, l := range strings.Split(sampleSettings(t), "\n") {
		if !strings.HasPrefix(l, "policy:") && !strings.HasPrefix(l, "  title:") && !strings.HasPrefix(l, "  number:") {
			kept = append(kept, l)
		}
	}
	noTitle := strings.Join(kept, "\n")
	cfgNoTitle, err := ParseConfig("no-title.yaml", []byte(noTitle))
	if err != nil {
		t.Fatalf("settings without policy.title: %v", err)
	}
	for _, tc := range []struct {
		name string
		b    exports.Bulletin
		cfg  Config
		want string // the cited document, or the error's words
		fail bool
	}{
		{"the policy's document over the settings'", withDoc, sampleConfig(t), "根据《示例区接诉即办考核办法（第二版）》（示热线办发〔2026〕1号）规定", false},
		{"the policy's document without a settings title", withDoc, cfgNoTitle, "根据《示例区接诉即办考核办法（第二版）》（示热线办发〔2026〕1号）规定", false},
		{"the settings' document when the policy has none", without, sampleConfig(t), "根据《示例区12345市民服务热线接诉即办工作考核办法》（示热线办发〔2025〕3号）规定", false},
		{"no title anywhere", without, cfgNoTitle, "no-title.yaml: policy.title: required", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			err := Write(&buf, tc.b, tc.cfg)
			if tc.fail {
				if err == nil || !strings.Contains(err.Error(), tc.want) {
					t.Fatalf("error = %v, want one saying %q", err, tc.want)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if text := documentText(t, buf.Bytes()); !strings.Contains(text, tc.want) {
				t.Errorf("opening does not cite %q", tc.want)
			}
		})
	}
	for _, bad := range []struct{ from, to, field string }{
		{"  title: 示例区12345市民服务热线接诉即办工作考核办法\n", "  title: \"  \"\n", "policy.title"},
		{"  title: 示例区12345市民服务热线接诉即办工作考核办法\n", "", "policy.number"},
	} {
		_, err := ParseConfig("bad.yaml", []byte(strings.Replace(sampleSettings(t), bad.from, bad.to, 1)))
		if err == nil || !strings.Contains(err.Error(), bad.field) {
			t.Errorf("settings with %q: error = %v, want one naming %s", bad.to, err, bad.field)
		}
	}
}

// sampleSettings is the text of the shipped 通报 settings.
func sampleSettings(t *testing.T) string {
	t.Helper()
	data, err := fixtures.Files().Open("notice/city.yaml")
	if err != nil {
		t.Fatal(err)
	}
	defer data.Close()
	var buf bytes.Buffer
	if _, err := buf.ReadFrom(data); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}
