package imports_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"

	"sanlv/fixtures/fixturetest"
	"sanlv/imports"
	"sanlv/scoring"
)

func TestReadAdjustmentsOfTheWorkedExample(t *testing.T) {
	path := filepath.Join(fixturetest.NeedV2(t), "adjustments.csv")
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	got, err := imports.ReadAdjustments(f, "adjustments.csv")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 12 {
		t.Fatalf("got %d adjustments, want 12", len(got))
	}
	for i, want := range map[int]scoring.Adjustment{
		0:  {Unit: "S01", Period: "2025-10", Label: "质量抽检", Points: -2, Reason: "抽检:答复口径不规范"},
		4:  {Unit: "S03", Period: "2025-09", Label: "创新加分", Points: 5, Reason: "上一期的加分(本期不计)"},
		9:  {Unit: "D02", Period: "2025-10", Label: "撤销", Points: 1.5, Reason: "撤销上一条抽检扣分(复核有误)"},
		11: {Unit: "E04", Period: "2025-10", Label: "媒体表扬", Points: 0.75, Reason: "市级媒体正面报道"},
	} {
		if got[i] != want {
			t.Errorf("row %d: got %+v, want %+v", i+2, got[i], want)
		}
	}
}

func TestReadAdjustmentsChineseHeadersAndEncodings(t *testing.T) {
	text := "单位,考核期,项目,分值,原因\nS01,2025-10,质量抽检,-0.5,抽检:回复不完整\n"
	gb, err := simplifiedchinese.GB18030.NewEncoder().String(text)
	if err != nil {
		t.Fatal(err)
	}
	want := scoring.Adjustment{Unit: "S01", Period: "2025-10", Label: "质量抽检", Points: -0.5, Reason: "抽检:回复不完整"}
	for name, data := range map[string]string{"utf-8": text, "bom": "\xEF\xBB\xBF" + text, "gb18030": gb} {
		got, err := imports.ReadAdjustments(strings.NewReader(data), "adj.csv")
		if err != nil || len(got) != 1 || got[0] != want {
			t.Errorf("%s: got %+v, %v", name, got, err)
		}
	}
}

func TestReadAdjustmentsReportsEveryBadRow(t *testing.T) {
	data := "unit,period,label,points,reason\n" +
		"S01,2025-10,加分,1,ok\n" +
		"S02,2025-10,加分,一分,r\n" +
		",2025-10,加分,1,r\n" +
		"S03,2025-10,扣分,-1,\n"
	_, err := imports.ReadAdjustments(strings.NewReader(data), "adj.csv")
	if scoring.ErrorCode(err) != scoring.Invalid {
		t.Fatalf("got %v, want invalid", err)
	}
	var fields []string
	for _, f := range err.(*scoring.Error).Fields {
		fields = append(fields, f.Field)
	}
	if strings.Join(fields, " ") != "adj.csv:3:points adj.csv:4:unit adj.csv:5:reason" {
		t.Errorf("fields: %v", fields)
	}
	if _, err := imports.ReadAdjustments(bytes.NewReader([]byte("unit,period,points\nS01,2025-10,1\n")), "adj.csv"); err == nil ||
		!strings.Contains(err.Error(), "label (项目)") {
		t.Errorf("missing columns: %v", err)
	}
}

// TestReadAdjustmentsMasksAPhoneQuotedInALabelOrReason reads an adjustments file whose texts quote a
// caller's phone: scored from files, they reach scorecards and the bulletin masked.
func TestReadAdjustmentsMasksAPhoneQuotedInALabelOrReason(t *testing.T) {
	file := "单位,考核期,项目,分值,原因\n" +
		"S01,2025-10,抽检13812345678,-1,回访市民 138 1234 5678 不满意\n" +
		"S02,2025-10,加分,1,工单T2025100300123表扬\n"
	got, err := imports.ReadAdjustments(strings.NewReader(file), "adjustments.csv")
	if err != nil {
		t.Fatal(err)
	}
	want := []scoring.Adjustment{
		{Unit: "S01", Period: "2025-10", Label: "抽检138****5678", Points: -1, Reason: "回访市民 138****5678 不满意"},
		{Unit: "S02", Period: "2025-10", Label: "加分", Points: 1, Reason: "工单T2025100300123表扬"},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d adjustments, want %d", len(got), len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("row %d: got %+v, want %+v", i+2, got[i], want[i])
		}
	}
}
