package notice

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"unicode"

	"sanlv/exports"
	"sanlv/fixtures/fixturetest"
	"sanlv/scoring"
)

// needOffice returns the paths of soffice and pdftotext; without them the test skips, or fails under CI.
func needOffice(t *testing.T) (soffice, pdftotext string) {
	t.Helper()
	var err1, err2 error
	soffice, err1 = exec.LookPath("soffice")
	pdftotext, err2 = exec.LookPath("pdftotext")
	if err1 != nil || err2 != nil {
		msg := "LibreOffice (soffice) and poppler-utils (pdftotext) are needed to render the 通报 and the workbooks to PDF; .ci/run installs them"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return soffice, pdftotext
}

// toPDF converts files to PDF with one LibreOffice process and a profile of its own.
func toPDF(t *testing.T, soffice string, files ...string) {
	t.Helper()
	dir := filepath.Dir(files[0])
	profile := "file://" + filepath.Join(t.TempDir(), "profile")
	args := append([]string{"-env:UserInstallation=" + profile, "--headless", "--convert-to", "pdf", "--outdir", dir}, files...)
	if out, err := exec.Command(soffice, args...).CombinedOutput(); err != nil {
		t.Fatalf("soffice: %v\n%s", err, out)
	}
}

// pages returns the text of every page of a PDF with all white space removed (pdftotext spaces CJK
// text unevenly).
func pages(t *testing.T, pdftotext, pdf string) []string {
	t.Helper()
	out, err := exec.Command(pdftotext, pdf, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext %s: %v", pdf, err)
	}
	ps := strings.Split(string(out), "\f")
	if len(ps) > 0 && strings.TrimSpace(ps[len(ps)-1]) == "" {
		ps = ps[:len(ps)-1]
	}
	for i, p := range ps {
		ps[i] = strings.Map(func(r rune) rune {
			if unicode.IsSpace(r) {
				return -1
			}
			return r
		}, p)
	}
	return ps
}

func write(t *testing.T, path string, fn func(*bytes.Buffer) error) string {
	t.Helper()
	var buf bytes.Buffer
	if err := fn(&buf); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestRenderedNoticeAndWorkbooksReadBackFromPDF renders the sample city's 通报 and workbooks and a
// 120-unit city's with LibreOffice and reads the PDFs back: the 通报 has its 期号, 主送, the top and
// bottom units of each group, every group's table and the 落款 date; the 120-unit ranking workbook prints
// in at most 15 pages, each group's chart on one page with its first and last unit.
func TestRenderedNoticeAndWorkbooksReadBackFromPDF(t *testing.T) {
	soffice, pdftotext := needOffice(t)
	dir := t.TempDir()
	cfg := sampleConfig(t)
	sample := sampleCity(t, "district-2025")
	big := synthCity(t, 120, 120000)
	annual, whatif := otherBooks(t)
	files := []string{
		write(t, filepath.Join(dir, "sample-notice.docx"), func(b *bytes.Buffer) error { return Write(b, sample, cfg) }),
		write(t, filepath.Join(dir, "sample-book.xlsx"), func(b *bytes.Buffer) error { return exports.WriteBulletin(b, sample) }),
		write(t, filepath.Join(dir, "big-notice.docx"), func(b *bytes.Buffer) error { return Write(b, big, cfg) }),
		write(t, filepath.Join(dir, "big-book.xlsx"), func(b *bytes.Buffer) error { return exports.WriteBulletin(b, big) }),
		write(t, filepath.Join(dir, "annual.xlsx"), annual),
		write(t, filepath.Join(dir, "whatif.xlsx"), whatif),
	}
	// The second edition's worked example (policy-a, with its adjustments), when it is beside the repository.
	v2 := ""
	if d := fixturetest.WorkedV2Dir(); d != "" {
		if _, err := os.Stat(d); err == nil {
			v2 = d
			b := workedV2(t, filepath.Join(d, "policy-a.yaml"))
			files = append(files,
				write(t, filepath.Join(dir, "v2-notice.docx"), func(buf *bytes.Buffer) error { return Write(buf, b, cfg) }),
				write(t, filepath.Join(dir, "v2-book.xlsx"), func(buf *bytes.Buffer) error { return exports.WriteBulletin(buf, b) }))
		}
	}
	toPDF(t, soffice, files...)
	read := func(name string) []string { return pages(t, pdftotext, filepath.Join(dir, name+".pdf")) }
	if v2 != "" {
		doc := strings.Join(read("v2-notice"), "")
		for _, want := range []string{"退单通过15.5件，重复诉求并单20.5件，超期未办结10.5件", "退单率高于基数2.00%的有4个单位",
			"区住房和城乡建设委员会（31.03%）", "及时签收率", "重复诉求率"} {
			if !strings.Contains(doc, want) {
				t.Errorf("worked-v2 通报 PDF lacks %q", want)
			}
		}
		book := strings.Join(read("v2-book"), "")
		for _, want := range []string{"原始解决率", "及时签收率", "加分项及加减分明细", "合计＋4.5分，超出限额，按＋3分计", "新增指标明细", "99.79"} {
			if !strings.Contains(book, want) {
				t.Errorf("worked-v2 ranking workbook PDF lacks %q", want)
			}
		}
	}

	doc := strings.Join(read("sample-notice"), "")
	for _, want := range []string{"2025年第10期（总第34期）", "各街道办事处、乡镇人民政府，区政府各委办局，各公共服务企业：",
		"城关街道（90.67分）", "东湖街道（69.63分）", "区城市管理委员会（96.79分）", "区住房和城乡建设委员会（78.00分）",
		"区自来水公司（99.71分）", "表1", "街乡镇考核排名", "表2", "区级部门考核排名", "表3", "公共服务企业考核排名",
		"示例区12345市民服务热线管理办公室2025年10月19日"} {
		if !strings.Contains(doc, want) {
			t.Errorf("sample 通报 PDF lacks %q", want)
		}
	}
	if book := strings.Join(read("sample-book"), ""); !strings.Contains(book, "城关街道") || !strings.Contains(book, "90.67") {
		t.Errorf("sample ranking workbook PDF lacks 城关街道 90.67")
	}
	bigDoc := strings.Join(read("big-notice"), "")
	bigBook := read("big-book")
	if len(bigBook) > 15 {
		t.Errorf("the 120-unit ranking workbook prints on %d pages, want at most 15", len(bigBook))
	}
	for _, g := range []string{"street", "department", "enterprise"} {
		var ranked []*scoring.Scorecard
		for i := range big.Card.Units {
			if s := &big.Card.Units[i]; s.Group == g && s.Ranked {
				ranked = append(ranked, s)
			}
		}
		first, last := ranked[0], ranked[len(ranked)-1]
		for _, s := range []*scoring.Scorecard{first, last} {
			if want := s.Name + "（" + fmt.Sprintf("%.2f", scoring.RoundHalfUp(*s.Final, 2)) + "分）"; !strings.Contains(bigDoc, want) {
				t.Errorf("120-unit 通报 PDF does not name %q", want)
			}
		}
		title := scoring.GroupLabel(g) + "最终得分"
		var on []int
		for i, p := range bigBook {
			if strings.Contains(p, title) {
				on = append(on, i)
			}
		}
		if len(on) != 1 {
			t.Errorf("chart %s is on pages %v, want exactly one", title, on)
			continue
		}
		if p := bigBook[on[0]]; !strings.Contains(p, first.Name) || !strings.Contains(p, last.Name) {
			t.Errorf("chart %s: its page lacks the first (%s) or last (%s) unit", title, first.Name, last.Name)
		}
	}
	for _, name := range []string{"annual", "whatif"} {
		if text := strings.Join(read(name), ""); !strings.Contains(text, "城关街道") {
			t.Errorf("%s workbook PDF lacks 城关街道", name)
		}
	}
}

// otherBooks writes the sample city's year-end and what-if workbooks.
func otherBooks(t *testing.T) (annual, whatif func(*bytes.Buffer) error) {
	t.Helper()
	d := sampleCity(t, "district-2025")
	c := sampleCity(t, "county-threshold")
	wi := scoring.Compare(d.Card, c.Card)
	return func(b *bytes.Buffer) error {
			a := scoring.Annual{Year: "2025", Mode: "mean_of_periods", Policy: d.Card.Policy}
			for _, s := range d.Card.Units {
				u := scoring.AnnualUnit{Code: s.Code, Name: s.Name, Group: s.Group, Rank: s.Rank, Score: s.Final}
				a.Units = append(a.Units, u)
			}
			return exports.WriteAnnual(b, a, d.Policy)
		}, func(b *bytes.Buffer) error {
			return exports.WriteWhatIf(b, wi, exports.WhatIfSides{A: d.Policy, B: c.Policy, AWindow: d.Card.Period, BWindow: c.Card.Period})
		}
}
