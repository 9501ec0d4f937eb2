package notice

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"regexp"
	"strings"
	"testing"

	"sanlv/scoring"
)

func TestConfigRejectsUnknownKeysAndMissingValuesWithTheirPaths(t *testing.T) {
	for _, tc := range []struct{ name, yaml, want string }{
		{"unknown key", "issuer: 办公室\nto: [各单位]\npolicy: {title: 办法, numbr: 1号}\nissue: {first_period: \"2025-01\", first_total: 1}\n",
			"policy.numbr: line 3: unknown key"},
		{"missing issuer", "to: [各单位]\npolicy: {title: 办法}\nissue: {first_period: \"2025-01\", first_total: 1}\n", "issuer: required"},
		{"bad period", "issuer: 办公室\nto: [各单位]\npolicy: {title: 办法}\nissue: {first_period: \"2025-13\", first_total: 1}\n",
			"issue.first_period: \"2025-13\" is not a month"},
		{"to not a list", "issuer: 办公室\nto: 各单位\npolicy: {title: 办法}\nissue: {first_period: \"2025-01\", first_total: 1}\n",
			"to: line 2: want a list"},
		{"zero total", "issuer: 办公室\nto: [各单位]\npolicy: {title: 办法}\nissue: {first_period: \"2025-01\", first_total: 0}\n",
			"issue.first_total: must be"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseConfig("n.yaml", []byte(tc.yaml))
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "n.yaml: ") ||
				scoring.ErrorCode(err) != scoring.Invalid {
				t.Errorf("err = %v, want one naming n.yaml and %q", err, tc.want)
			}
		})
	}
}

func TestIssueNumbersCountMonthsFromTheFirstIssue(t *testing.T) {
	i := Issue{FirstPeriod: "2023-01", FirstTotal: 1}
	for _, tc := range []struct {
		period        string
		yearly, total int
	}{{"2023-01", 1, 1}, {"2025-10", 10, 34}, {"2026-01", 1, 37}} {
		y, n, err := i.Number(tc.period)
		if err != nil || y != tc.yearly || n != tc.total {
			t.Errorf("%s: 第%d期（总第%d期）, %v; want 第%d期（总第%d期）", tc.period, y, n, err, tc.yearly, tc.total)
		}
	}
	if y, n, err := (Issue{FirstPeriod: "2025-03", FirstTotal: 5}).Number("2025-10"); err != nil || y != 8 || n != 12 {
		t.Errorf("first issue in March: 第%d期（总第%d期）, %v; want 第8期（总第12期）", y, n, err)
	}
	if _, _, err := i.Number("2022-12"); err == nil {
		t.Errorf("a period before the first issue must be an error")
	}
}

// documentText is the text of a .docx's body, runs joined.
func documentText(t *testing.T, data []byte) string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range zr.File {
		if f.Name == "word/document.xml" {
			rc, _ := f.Open()
			x, _ := io.ReadAll(rc)
			rc.Close()
			return regexp.MustCompile(`<[^>]*>`).ReplaceAllString(string(x), "")
		}
	}
	t.Fatal("no word/document.xml")
	return ""
}

func TestNoticeOfTheSampleCitySaysWhoRankedWhereFromTheNumbers(t *testing.T) {
	b := sampleCity(t, "district-2025")
	var buf bytes.Buffer
	if err := Write(&buf, b, sampleConfig(t)); err != nil {
		t.Fatal(err)
	}
	text := documentText(t, buf.Bytes())
	// Numbers of the worked example (SPEC): 城关街道 90.67, 西山镇 81.93, 东湖街道 69.63; 南岭乡 has 4
	// callbacks under a minimum of 10; 124 assignments in the period.
	for _, want := range []string{
		"示例区12345接诉即办工作通报", "2025年第10期（总第34期）", "关于2025年10月份12345接诉即办考核情况的通报（草稿）",
		"各街道办事处、乡镇人民政府，区政府各委办局，各公共服务企业：",
		"根据《示例区12345市民服务热线接诉即办工作考核办法》（示热线办发〔2025〕3号）规定，现将2025年10月份（2025年9月19日至2025年10月18日）",
		"排名依次为：城关街道（90.67分）、西山镇（81.93分）、东湖街道（69.63分）。",
		"南岭乡（有效回访4件）有效回访少于10件，样本不足", "本期派单124件",
		"表1　街乡镇考核排名", "表2　区级部门考核排名", "表3　公共服务企业考核排名",
		"三、高频问题", "四、下一步要求", "附件：1．2025年10月份12345接诉即办考核排名表",
		"示例区12345市民服务热线管理办公室", "2025年10月19日", "抄送：区委办公室，",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("通报 lacks %q", want)
		}
	}
	if strings.ContainsAny(text, "(),:;") {
		t.Errorf("通报 has ASCII punctuation: %q", regexp.MustCompile(`.{0,12}[(),:;].{0,12}`).FindAllString(text, 5))
	}
}

func TestNoticeNamesTopAndBottomOfLargeGroupsAndUnitsBelowBaselines(t *testing.T) {
	b := synthCity(t, 40, 40000)
	var buf bytes.Buffer
	if err := Write(&buf, b, sampleConfig(t)); err != nil {
		t.Fatal(err)
	}
	text := documentText(t, buf.Bytes())
	groups := 0
	for _, g := range []string{"street", "department", "enterprise"} {
		var ranked []*scoring.Scorecard
		for i := range b.Card.Units {
			if s := &b.Card.Units[i]; s.Group == g && s.Ranked {
				ranked = append(ranked, s)
			}
		}
		if len(ranked) <= 6 {
			continue
		}
		groups++
		first, last := ranked[0], ranked[len(ranked)-1]
		for _, s := range []*scoring.Scorecard{first, last} {
			want := s.Name + "（" + strconvScore(*s.Final) + "分）"
			if !strings.Contains(text, want) {
				t.Errorf("通报 does not name %s of %s as %q", s.Code, g, want)
			}
		}
		if !strings.Contains(text, "前3名（红榜）依次为："+first.Name) {
			t.Errorf("%s: the top list does not start with %s", g, first.Name)
		}
	}
	if groups == 0 {
		t.Fatal("no group large enough to mark")
	}
}

func strconvScore(x float64) string { return fmt.Sprintf("%.2f", scoring.RoundHalfUp(x, 2)) }

func TestNoticeNamesTheUnitsBelowEachBaseline(t *testing.T) {
	b := sampleCity(t, "county-threshold")
	var buf bytes.Buffer
	if err := Write(&buf, b, sampleConfig(t)); err != nil {
		t.Fatal(err)
	}
	text := documentText(t, buf.Bytes())
	i := strings.Index(text, "达标基数方面，")
	if i < 0 {
		t.Fatalf("no 达标基数 paragraph in %q", text)
	}
	para := text[i:]
	para = para[:strings.Index(para, "。")]
	// The county policy's on-time baseline is 95%: every ranked unit under it is named with its rate.
	for _, s := range b.Card.Units {
		if !s.Ranked || s.Group != "street" || s.Rates.OnTime.Value == nil || *s.Rates.OnTime.Value >= 0.95 {
			continue
		}
		if want := fmt.Sprintf("%s（%.2f%%）", s.Name, *s.Rates.OnTime.Value*100); !strings.Contains(para, want) {
			t.Errorf("达标基数 paragraph lacks %s: %q", want, para)
		}
	}
}
