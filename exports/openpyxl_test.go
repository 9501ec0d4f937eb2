package exports

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"sanlv/scoring"
)

// openpyxlScript prints what openpyxl reads from a workbook as JSON.
const openpyxlScript = `
import datetime, json, sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
out = {"sheets": wb.sheetnames, "cells": {}, "formats": {}, "print": {}}
for ws in wb.worksheets:
    cells, formats = {}, {}
    for row in ws.iter_rows():
        for c in row:
            if c.value is None:
                continue
            v = c.value
            if isinstance(v, datetime.datetime):
                v = "@dt:" + (v + datetime.timedelta(microseconds=500000)).strftime("%Y-%m-%d %H:%M:%S")
            cells[c.coordinate] = v if isinstance(v, str) else float(v)
            formats[c.coordinate] = c.number_format
    out["cells"][ws.title] = cells
    out["formats"][ws.title] = formats
    ps = ws.page_setup
    out["print"][ws.title] = {
        "orientation": ps.orientation, "paper": str(ps.paperSize), "fit_width": str(ps.fitToWidth),
        "fit_to_page": bool(ws.sheet_properties.pageSetUpPr and ws.sheet_properties.pageSetUpPr.fitToPage),
        "title_rows": ws.print_title_rows or "", "freeze": ws.freeze_panes or "", "charts": len(ws._charts)}
json.dump(out, sys.stdout, ensure_ascii=False)
`

// openpyxl finds a Python with openpyxl, or skips the test with a visible message.
func openpyxl(t *testing.T) string {
	t.Helper()
	for _, py := range []string{"python3", "/usr/bin/python3"} {
		if exec.Command(py, "-c", "import openpyxl").Run() == nil {
			return py
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("CI must check workbooks with a second reader: no python3 with openpyxl (apt-get install -y python3-openpyxl)")
	}
	t.Skip("SKIP second reader: no python3 with openpyxl (apt-get install -y python3-openpyxl)")
	return ""
}

type openpyxlBook struct {
	Sheets  []string                              `json:"sheets"`
	Cells   map[string]map[string]any             `json:"cells"`
	Formats map[string]map[string]string          `json:"formats"`
	Print   map[string]map[string]json.RawMessage `json:"print"`
}

// readOpenpyxl reads a workbook with openpyxl.
func readOpenpyxl(t *testing.T, py string, data []byte) openpyxlBook {
	t.Helper()
	path := filepath.Join(t.TempDir(), "book.xlsx")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(py, "-c", openpyxlScript, path)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("openpyxl could not read the workbook: %v\n%s", err, stderr.Bytes())
	}
	var got openpyxlBook
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("openpyxl output: %v", err)
	}
	return got
}

// sameCells checks openpyxl reads every non-empty cell as excelize does, and returns how many it compared.
func sameCells(t *testing.T, data []byte, got openpyxlBook) int {
	t.Helper()
	f := open(t, data)
	if !slices.Equal(got.Sheets, f.GetSheetList()) {
		t.Fatalf("openpyxl sheets %v, excelize %v", got.Sheets, f.GetSheetList())
	}
	compared := 0
	for _, sheet := range f.GetSheetList() {
		rows, err := f.GetRows(sheet)
		if err != nil {
			t.Fatal(err)
		}
		for r, row := range rows {
			for c, v := range row {
				if v == "" {
					continue
				}
				at := ref(c+1, r+1)
				compared++
				switch pv := got.Cells[sheet][at].(type) {
				case string:
					if d, ok := strings.CutPrefix(pv, "@dt:"); ok {
						if d != v {
							t.Errorf("%s!%s: openpyxl reads the date %s, excelize shows %s", sheet, at, d, v)
						}
					} else if pv != raw(t, f, sheet, at) {
						t.Errorf("%s!%s: openpyxl %q, excelize %q", sheet, at, pv, raw(t, f, sheet, at))
					}
				case float64:
					if x, err := strconv.ParseFloat(raw(t, f, sheet, at), 64); err != nil || x != pv {
						t.Errorf("%s!%s: openpyxl %v, excelize %q", sheet, at, pv, raw(t, f, sheet, at))
					}
				default:
					t.Errorf("%s!%s: openpyxl reads %v, excelize %q", sheet, at, pv, v)
				}
			}
		}
	}
	return compared
}

func TestBulletinOpensInOpenpyxlWithTheSameCells(t *testing.T) {
	py := openpyxl(t)
	data, _ := workedBulletin(t, "district-2025", 1)
	got := readOpenpyxl(t, py, data)
	if n := sameCells(t, data, got); n < 200 {
		t.Errorf("only %d cells compared", n)
	}
	// 排名, 工单量, 响应率, 解决率, 满意率, 按时办结率, 综合得分, 最终得分 of the district policy's columns.
	wantFormats := map[string]string{"A3": "0", "E3": "0", "G3": "0.00%", "J3": "0.00%", "K3": "0.00", "L3": "0.00"}
	for _, sheet := range []string{"街乡镇", "区级部门", "公共服务企业"} {
		for at, w := range wantFormats {
			if g := got.Formats[sheet][at]; g != w {
				t.Errorf("openpyxl %s!%s format %q, want %q", sheet, at, g, w)
			}
		}
		p := got.Print[sheet]
		for k, w := range map[string]string{"orientation": `"landscape"`, "paper": `"9"`, "fit_width": `"1"`,
			"fit_to_page": "true", "title_rows": `"$1:$2"`, "freeze": `"A3"`} {
			if string(p[k]) != w {
				t.Errorf("openpyxl %s %s = %s, want %s", sheet, k, p[k], w)
			}
		}
	}
	for _, sheet := range []string{"街乡镇图表", "区级部门图表", "公共服务企业图表"} {
		if c := string(got.Print[sheet]["charts"]); c != "1" {
			t.Errorf("openpyxl finds %s charts on %s, want 1", c, sheet)
		}
	}
}

func TestOtherWorkbooksOpenInOpenpyxlWithTheSameCells(t *testing.T) {
	py := openpyxl(t)
	district, county := loadWorked(t, "district-2025"), loadWorked(t, "county-threshold")
	var annual, whatIf bytes.Buffer
	if err := WriteAnnual(&annual, county.book(t, "2025").Annual("2025"), county.policy); err != nil {
		t.Fatal(err)
	}
	ca, cb := district.book(t, "2025-10").Card(0), county.book(t, "2025-10").Card(0)
	wi := scoring.Compare(ca, cb)
	if err := WriteWhatIf(&whatIf, wi, WhatIfSides{A: district.policy, B: county.policy, AWindow: ca.Period, BWindow: cb.Period}); err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string][]byte{"annual": annual.Bytes(), "what-if": whatIf.Bytes(),
		"detail": writeDetail(t, district, 100)} {
		t.Run(name, func(t *testing.T) {
			if n := sameCells(t, data, readOpenpyxl(t, py, data)); n < 50 {
				t.Errorf("only %d cells compared", n)
			}
		})
	}
}
