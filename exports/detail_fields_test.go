package exports

import (
	"bytes"
	"slices"
	"testing"
	"time"

	"sanlv/fields"
	"sanlv/scoring"
)

// TestDetailExportHasEveryField checks the detail export's columns: every field of the fields table
// by its heading, the first edition's in the order of SPEC §3.2 with the extras after them, and the
// seven fields of SPEC §13.1 last, with their widths.
func TestDetailExportHasEveryField(t *testing.T) {
	want := []string{"工单编号", "承办单位编码", "承办单位名称", "主协办", "受理时间", "派单时间", "联系时间", "办结时间",
		"办理时限", "诉求类型", "紧急程度", "问题分类", "二次交办次数", "是否有效回访", "是否联系", "是否解决", "满意度",
		"是否督办", "资料不全", "负面舆情", "是否剔除", "剔除原因", "来电号码", "是否纳入考核", "不纳入原因", "考核时限",
		"是否超期", "积分", "积分规则", "签收时间", "延期截止时间", "退单状态", "退单时间", "重复工单", "来源渠道", "热线号码"}
	if got := DetailColumns(); !slices.Equal(got, want) {
		t.Errorf("detail columns\n got %q\nwant %q", got, want)
	}
	widths := []float64{14, 12, 24, 8, 20, 20, 20, 20, 20, 10, 10, 28, 8, 8, 8, 10, 10, 8, 8, 8, 8, 20, 14, 8, 16, 20, 8, 8, 24,
		20, 20, 10, 20, 14, 10, 10}
	for i, c := range detailLayout {
		if i < len(widths) && c.width != widths[i] {
			t.Errorf("%s is %v wide, want %v", c.heading, c.width, widths[i])
		}
	}
	shown := map[string]int{}
	for _, c := range detailLayout {
		if c.op != opNone {
			shown[c.heading]++
		}
	}
	for _, f := range fields.All() {
		if shown[f.Heading] != 1 {
			t.Errorf("field %s is in the detail export %d times", f.Name, shown[f.Heading])
		}
	}
	if len(shown) != int(fields.Count) {
		t.Errorf("%d field columns for %d fields", len(shown), fields.Count)
	}
}

// TestDetailExportShowsTheSecondEditionFields writes one assignment with the SPEC §13.1 fields set.
func TestDetailExportShowsTheSecondEditionFields(t *testing.T) {
	dir, err := scoring.NewDirectory([]scoring.Unit{{Code: "S01", Name: "城关街道", Group: "street"}})
	if err != nil {
		t.Fatal(err)
	}
	loc := time.FixedZone("CST", 8*3600)
	at := func(s string) int64 {
		tm, err := time.ParseInLocation(time.DateTime, s, loc)
		if err != nil {
			t.Fatal(err)
		}
		return tm.Unix()
	}
	a := scoring.Assignment{TicketID: "T1", Kind: scoring.Report, Urgency: scoring.Emergency, Received: at("2025-10-09 08:00:00"),
		Dispatched: at("2025-10-09 08:30:00"), Accepted: at("2025-10-09 09:00:00"), ExtendedDue: at("2025-10-20 00:00:00"),
		Return: scoring.ReturnRejected, Returned: at("2025-10-09 10:15:30"), DuplicateOf: "T0", Channel: "微信", Hotline: "12319",
		Contacted: scoring.No, Redispatches: 2}
	var buf bytes.Buffer
	d, err := NewDetailWriter(&buf, "second", dir, loc)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Add(&a, DetailExtra{}); err != nil {
		t.Fatal(err)
	}
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	f := open(t, buf.Bytes())
	rows, err := f.GetRows(DetailSheet)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"T1", "S01", "城关街道", "主办", "2025-10-09 08:00:00", "2025-10-09 08:30:00", "", "", "", "举报", "紧急", "",
		"2", "否", "否", "", "", "否", "否", "否", "否", "", "", "", "", "", "", "", "",
		"2025-10-09 09:00:00", "2025-10-20 00:00:00", "退单驳回", "2025-10-09 10:15:30", "T0", "微信", "12319"}
	got := rows[2]
	for _, c := range []int{13, 14, 17, 18, 19, 20} { // flags: 1 or 0 shown as 是 or 否 by their number format
		if v := raw(t, f, DetailSheet, ref(c+1, 3)); v == "0" {
			got[c] = "否"
		} else if v == "1" {
			got[c] = "是"
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("row\n got %q\nwant %q", got, want)
	}
}
