package api_test

import (
	"bytes"
	"math"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"sanlv/store"
	"sanlv/store/storetest"
)

const xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// workbook checks a download's headers and reads the workbook back.
func workbook(t *testing.T, res *response, ascii, name string) *excelize.File {
	t.Helper()
	res.want(t, 200)
	if ct := res.header.Get("Content-Type"); ct != xlsxType {
		t.Errorf("content type %q", ct)
	}
	cd := res.header.Get("Content-Disposition")
	prefix := `attachment; filename="` + ascii + `"; filename*=UTF-8''`
	if !strings.HasPrefix(cd, prefix) {
		t.Errorf("Content-Disposition %q, want it to start with %q", cd, prefix)
	} else if got, err := url.PathUnescape(strings.TrimPrefix(cd, prefix)); err != nil || got != name {
		t.Errorf("UTF-8 file name %q (%v), want %q", got, err, name)
	}
	f, err := excelize.OpenReader(bytes.NewReader(res.body))
	if err != nil {
		t.Fatalf("read the workbook back: %v", err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// rowWith returns the first row of a sheet with a cell equal to v.
func rowWith(t *testing.T, f *excelize.File, sheet, v string) []string {
	t.Helper()
	rows, err := f.GetRows(sheet, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatalf("sheet %s: %v", sheet, err)
	}
	for _, r := range rows {
		for _, c := range r {
			if c == v {
				return r
			}
		}
	}
	t.Fatalf("sheet %s has no row with %q", sheet, v)
	return nil
}

func cellNear(t *testing.T, what, cell string, want float64) {
	t.Helper()
	x, err := strconv.ParseFloat(cell, 64)
	if err != nil || math.Abs(x-want) > 0.005 {
		t.Errorf("%s = %q, want %.2f", what, cell, want)
	}
}

func TestDownloadsAreWorkbooksWithChineseNames(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		e.setup()
		e.do("POST", "/api/v1/periods/2025-10/editions", "admin", nil, "").want(t, 201)

		// The published bulletin: the brief's example name, the frozen ranking, every point line.
		res := e.get("/api/v1/periods/2025-10/bulletin.xlsx", "committee")
		cd := res.header.Get("Content-Disposition")
		if !strings.Contains(cd, "filename*=UTF-8''12345%E6%8E%A5") || !strings.HasSuffix(cd, "%E9%80%9A%E6%8A%A5.xlsx") {
			t.Errorf("Content-Disposition %q", cd)
		}
		f := workbook(t, res, "bulletin-2025-10.xlsx", "12345接诉即办2025年10月第1版考核通报.xlsx")
		row := rowWith(t, f, "街乡镇", "城关街道")
		if row[0] != "1" {
			t.Errorf("城关街道 rank %q, want 1", row[0])
		}
		cellNear(t, "城关街道 最终得分", row[11], 90.67)

		// After an approved appeal the inputs differ: the edition's bulletin keeps its numbers; a draft
		// shows the new score.
		ap := e.postJSON("/api/v1/appeals", "S01", map[string]any{"ticket_id": "T0100014", "reason": "已解决"}).want(t, 201).json(t)
		e.postJSON("/api/v1/appeals/"+jsonNum(ap["id"])+"/decision", "admin", map[string]any{"decision": "approve",
			"comment": "属实", "correct": map[string]any{"resolution": "resolved"}}).want(t, 200)
		res = e.get("/api/v1/periods/2025-10/bulletin.xlsx?edition=1", "admin")
		f = workbook(t, res, "bulletin-2025-10.xlsx", "12345接诉即办2025年10月第1版考核通报.xlsx")
		cellNear(t, "edition 1 城关街道", rowWith(t, f, "街乡镇", "城关街道")[11], 90.67)
		if h := res.header.Get("X-Sanlv-Points"); h != "" {
			t.Errorf("edition 1 froze its point lines, yet the download says %q", h)
		}
		res = e.get("/api/v1/periods/2025-10/bulletin.xlsx?policy="+url.QueryEscape(districtName), "admin")
		f = workbook(t, res, "bulletin-2025-10.xlsx", "12345接诉即办2025年10月考核通报草稿.xlsx")
		cellNear(t, "draft 城关街道", rowWith(t, f, "街乡镇", "城关街道")[11], 94)

		// A unit's detail export holds its own rows only, phones masked.
		f = workbook(t, e.get("/api/v1/periods/2025-10/detail.xlsx", "S01"), "detail-2025-10-S01.xlsx", "12345接诉即办工单明细-城关街道（2025年10月）.xlsx")
		rows, err := f.GetRows("工单明细")
		if err != nil {
			t.Fatal(err)
		}
		header := rowWith(t, f, "工单明细", "工单编号")
		col := map[string]int{}
		for i, h := range header {
			col[h] = i
		}
		masked := regexp.MustCompile(`^1[0-9]{2}\*\*\*\*[0-9]{4}$`)
		n := 0
		for _, r := range rows {
			if len(r) <= col["来电号码"] || !strings.HasPrefix(r[0], "T0") {
				continue
			}
			n++
			if r[col["承办单位编码"]] != "S01" {
				t.Errorf("S01's export has a row of %s", r[col["承办单位编码"]])
			}
			if !masked.MatchString(r[col["来电号码"]]) {
				t.Errorf("phone %q not masked", r[col["来电号码"]])
			}
		}
		if n != 15 {
			t.Errorf("S01's export has %d rows, want 15", n)
		}

		// The year-end and what-if workbooks.
		// October comes from edition 1 as it went out (90.67), not from the data after the appeal (94).
		f = workbook(t, e.get("/api/v1/years/2025/annual.xlsx", "committee"), "annual-2025.xlsx", "12345接诉即办年度考核（2025年度）.xlsx")
		cellNear(t, "annual 城关街道 10月", rowWith(t, f, "街乡镇", "城关街道")[11], 90.67)
		if head := rowWith(t, f, "街乡镇", "排名"); head[11] != "10月" || head[10] != "9月＊" {
			t.Errorf("annual headers %q: want 10月 (edition 1) and 9月＊ (none)", head)
		}
		f = workbook(t, e.get("/api/v1/periods/2025-10/whatif.xlsx?policy_b="+url.QueryEscape("12345热线达标基数考核(县级示例)"), "committee"),
			"whatif-2025-10.xlsx", "12345接诉即办考核方案比较（2025年10月）.xlsx")
		rowWith(t, f, "街乡镇", "城关街道")

		e.checkNoPhones(t)
	})
}

func TestBulletinDocxIsTheNoticeOfTheSameEdition(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		e.setup()
		e.do("POST", "/api/v1/periods/2025-10/editions", "admin", nil, "").want(t, 201)
		res := e.get("/api/v1/periods/2025-10/bulletin.docx", "committee").want(t, 200)
		if ct := res.header.Get("Content-Type"); ct != "application/vnd.openxmlformats-officedocument.wordprocessingml.document" {
			t.Errorf("content type %q", ct)
		}
		prefix := `attachment; filename="bulletin-2025-10.docx"; filename*=UTF-8''`
		cd := res.header.Get("Content-Disposition")
		if got, err := url.PathUnescape(strings.TrimPrefix(cd, prefix)); !strings.HasPrefix(cd, prefix) || err != nil ||
			got != "关于2025年10月份12345接诉即办考核情况的通报（第1版）.docx" {
			t.Errorf("Content-Disposition %q", cd)
		}
		doc := text(res.body)
		// The sample city's settings: 2023-01 was 总第1期, so 2025-10 is 总第34期.
		for _, want := range []string{"2025年第10期（总第34期）", "各街道办事处、乡镇人民政府", "城关街道（90.67分）", "区自来水公司",
			"示热线办发〔2025〕3号", "2025年10月份（2025年9月19日至2025年10月18日）"} {
			if !strings.Contains(doc, want) {
				t.Errorf("通报 lacks %q", want)
			}
		}
		if res := e.get("/api/v1/periods/2025-10/bulletin.docx", "S01"); res.status != 403 {
			t.Errorf("a unit token got %d for the 通报, want 403", res.status)
		}
	})
}
