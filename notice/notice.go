package notice

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"sanlv/exports"
	"sanlv/scoring"
)

// Write writes the 通报 of a bulletin as a Word document: 红头 with the 期号, title, 主送, an opening
// citing the 考核办法, 一、基本情况, 二、考核结果 per group with its table, 三、高频问题, 四、下一步要求,
// 附件, 落款 and 抄送. Every sentence is made from the numbers of the bulletin; the output depends only
// on its inputs (the date is the edition's publication day, or for a draft the day after the period).
func Write(w io.Writer, b exports.Bulletin, cfg Config) error {
	if b.Policy == nil {
		return scoring.Errorf(scoring.Invalid, "notice: no policy")
	}
	n := &writer{b: &b, cfg: cfg, p: b.Policy}
	if err := n.build(); err != nil {
		return err
	}
	return n.d.write(w, n.title(), n.date())
}

// Title is the 通报's title for a period: 关于2025年10月份12345接诉即办考核情况的通报.
func Title(period string) string {
	return "关于" + monthly(period) + "12345接诉即办考核情况的通报"
}

// monthly is a period as a 通报 names it: 2025年10月份, 2025年第2季度, 2025年度.
func monthly(period string) string {
	l := exports.PeriodLabel(period)
	if strings.HasSuffix(l, "月") {
		return l + "份"
	}
	return l
}

// IssueDate is the date a 通报 carries: the day its edition was published, or for a draft the first
// day after the period.
func IssueDate(b *exports.Bulletin) time.Time {
	loc := time.Local
	if b.Policy != nil && b.Policy.Loc != nil {
		loc = b.Policy.Loc
	}
	if b.Edition > 0 && !b.Generated.IsZero() {
		return b.Generated.In(loc)
	}
	if end, err := time.Parse(time.RFC3339, b.Card.Period.End); err == nil {
		return end.In(loc)
	}
	return time.Time{}
}

type writer struct {
	b   *exports.Bulletin
	cfg Config
	p   *scoring.Policy
	d   doc
}

func (n *writer) title() string {
	t := Title(n.b.Card.Period.ID)
	switch {
	case n.b.Edition <= 0:
		t += "（草稿）"
	case n.b.Edition > 1:
		t += fmt.Sprintf("（第%d版）", n.b.Edition)
	}
	return t
}

func (n *writer) date() time.Time { return IssueDate(n.b) }

func dateZh(t time.Time) string {
	return fmt.Sprintf("%d年%d月%d日", t.Year(), int(t.Month()), t.Day())
}

var numeralZh = []string{"一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二", "十三", "十四", "十五", "十六", "十七", "十八", "十九", "二十"}

func ordinal(i int) string {
	if i < len(numeralZh) {
		return numeralZh[i]
	}
	return strconv.Itoa(i + 1)
}

func (n *writer) build() error {
	c := &n.b.Card
	d := &n.d
	// 红头: issuing body in red, 期号, red rule.
	header := n.cfg.Header
	if header == "" {
		header = n.cfg.Issuer
	}
	d.para(para{style: "RedHead", before: 0, after: 240}, run{text: header, color: "FF0000", size: redSize(header)})
	issue := exports.PeriodLabel(c.Period.ID)
	if yearly, total, err := n.cfg.Issue.Number(c.Period.ID); err == nil {
		issue = fmt.Sprintf("%s年第%d期（总第%d期）", c.Period.ID[:4], yearly, total)
	} else if strings.Count(c.Period.ID, "-") == 1 && !strings.Contains(c.Period.ID, "Q") {
		return fmt.Errorf("notice: %w", err)
	}
	d.para(para{style: "Plain", align: "center", border: "FF0000", after: 480}, run{text: issue, size: size3})
	d.para(para{style: "Title", after: 560}, run{text: n.title()})
	// 主送.
	d.para(para{noInd: true}, run{text: strings.Join(n.cfg.To, "，") + "："})
	// The 考核办法 cited: the policy's own document when it names one, else the settings'.
	title, number, err := n.cfg.Cited(n.p)
	if err != nil {
		return err
	}
	cite := "根据《" + strings.Trim(title, "《》") + "》"
	if number != "" {
		cite += "（" + number + "）"
	}
	d.text(cite + "规定，现将" + monthly(c.Period.ID) + "（" + exports.PeriodDates(c.Period) + "）12345接诉即办考核情况通报如下：")
	n.basics()
	n.results()
	n.categories()
	n.next()
	n.attachments()
	n.signature()
	n.distribution()
	return nil
}
