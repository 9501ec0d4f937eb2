package imports

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// bombXLSX writes a minimal workbook whose sheet (or shared strings) holds a part of n repeated
// bytes, and returns its path.
func bombXLSX(t *testing.T, part string, n int64) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "bomb.xlsx")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zw := zip.NewWriter(f)
	zw.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) { return flate.NewWriter(w, flate.BestSpeed) })
	small := map[string]string{
		"[Content_Types].xml":        `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>`,
		"_rels/.rels":                `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
		"xl/workbook.xml":            `<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>`,
		"xl/_rels/workbook.xml.rels": `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>`,
	}
	for name, body := range small {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(w, body)
	}
	write := func(name, head, fill, tail string, n int64) {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(w, head)
		if fill == "" {
			io.WriteString(w, tail)
			return
		}
		chunk := bytes.Repeat([]byte(fill), (1<<20)/len(fill))
		for left := n; left > 0; left -= int64(len(chunk)) {
			w.Write(chunk[:min(int64(len(chunk)), left)])
		}
		io.WriteString(w, tail)
	}
	const sheetHead = `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>`
	const sheetTail = `</t></is></c></row></sheetData></worksheet>`
	switch part {
	case "cell":
		write("xl/worksheets/sheet1.xml", sheetHead, "a", sheetTail, n)
		write("xl/sharedStrings.xml", `<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">`, "", `</sst>`, 0)
	case "strings":
		w, _ := zw.Create("xl/worksheets/sheet1.xml")
		io.WriteString(w, `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row></sheetData></worksheet>`)
		write("xl/sharedStrings.xml", `<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">`, "<si><t>工单编号</t></si>", `</sst>`, n)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestWorkbookBombsAreRefusedQuickly(t *testing.T) {
	if testing.Short() {
		t.Skip("writes gigabyte bombs")
	}
	tests := []struct {
		name string
		part string
		n    int64
		want string
	}{
		{"one 1 GB cell", "cell", 1 << 30, "zip bomb"},
		{"one 40 MB cell", "cell", 40 << 20, "zip bomb"},
		{"one 300 KB cell", "cell", 300 << 10, "longer than Excel's 32767 characters"},
		{"1 GB of shared strings", "strings", 1 << 30, "more than the 512 MB allowed"},
		{"200 MB of shared strings", "strings", 200 << 20, "zip bomb"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := bombXLSX(t, tt.part, tt.n)
			f, err := os.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			runtime.GC()
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			start := time.Now()
			_, _, _, err = collect(t, "bomb.xlsx", mustRead(t, f), testDir(t), Options{})
			el := time.Since(start)
			runtime.ReadMemStats(&after)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
			alloc := (after.TotalAlloc - before.TotalAlloc) >> 20
			if el > 2*time.Second || alloc > 300 {
				t.Errorf("refused after %v and %d MB allocated; want under 2 s and 300 MB", el, alloc)
			}
			t.Logf("%s: refused in %v, %d MB allocated: %v", tt.name, el.Round(time.Millisecond), alloc, err)
		})
	}
}

func mustRead(t *testing.T, r io.Reader) []byte {
	t.Helper()
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
