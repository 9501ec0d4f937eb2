package notice

import (
	"archive/zip"
	"fmt"
	"io"
	"strings"
	"time"
)

// Fonts of a 公文 and the names Word and LibreOffice may use when one is not installed.
const (
	fontTitle   = "方正小标宋简体"
	fontBody    = "仿宋_GB2312"
	fontHeading = "黑体"
	fontKai     = "楷体_GB2312"
	fontSong    = "宋体"
	fontLatin   = "Times New Roman"
)

// fontAlt lists each declared font's alternative names (fontTable.xml w:altName), the first that is
// installed being used.
var fontAlt = [][2]string{
	{fontTitle, "宋体,SimSun,Noto Serif CJK SC"},
	{fontBody, "仿宋,FangSong,Noto Serif CJK SC"},
	{fontHeading, "SimHei,Noto Sans CJK SC"},
	{fontKai, "楷体,KaiTi,Noto Serif CJK SC"},
	{fontSong, "SimSun,Noto Serif CJK SC"},
	{fontLatin, ""},
}

// Font sizes in half points: 三号 16 pt, 二号 22 pt, 小四 12 pt, 五号 10.5 pt, 四号 14 pt.
const (
	size3      = 32
	size2      = 44
	sizeSmall4 = 24
	size5      = 21
	size4      = 28
	size5small = 18 // 小五 9 pt, table headers
)

// Page geometry in twentieths of a point: A4, margins 37/35/28/26 mm.
const (
	pageW, pageH = 11906, 16838
	marginTop    = 2098
	marginBottom = 1984
	marginLeft   = 1588
	marginRight  = 1474
	textWidth    = pageW - marginLeft - marginRight
)

// doc is a WordprocessingML body being written.
type doc struct {
	b strings.Builder
}

// run is a piece of text with its own font settings; zero values take the paragraph style's.
type run struct {
	text  string
	font  string
	size  int
	bold  bool
	color string
}

// para is a paragraph's settings.
type para struct {
	style  string
	align  string // left, center, right, both
	noInd  bool   // no first-line indent
	right  int    // right indent in characters (×100)
	before int    // space before, twips
	after  int    // space after, twips
	border string // bottom border colour, for the 红头 rule
	keep   bool   // keep with next
	pageBr bool   // page break before
	bottom bool   // in a frame at the foot of the page (版记); consecutive ones share the frame
}

func esc(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '&':
			b.WriteString("&amp;")
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '"':
			b.WriteString("&quot;")
		default:
			if r < 0x20 && r != '\t' && r != '\n' {
				continue
			}
			b.WriteRune(r)
		}
	}
	return b.String()
}

func rPr(r run) string {
	var b strings.Builder
	if r.font != "" {
		latin := fontLatin
		fmt.Fprintf(&b, `<w:rFonts w:ascii="%s" w:hAnsi="%s" w:eastAsia="%s" w:cs="%s"/>`, latin, latin, r.font, latin)
	}
	if r.bold {
		b.WriteString(`<w:b/><w:bCs/>`)
	}
	if r.color != "" {
		fmt.Fprintf(&b, `<w:color w:val="%s"/>`, r.color)
	}
	if r.size > 0 {
		fmt.Fprintf(&b, `<w:sz w:val="%d"/><w:szCs w:val="%d"/>`, r.size, r.size)
	}
	if b.Len() == 0 {
		return ""
	}
	return "<w:rPr>" + b.String() + "</w:rPr>"
}

func pPr(p para) string {
	var b strings.Builder
	if p.style != "" {
		fmt.Fprintf(&b, `<w:pStyle w:val="%s"/>`, p.style)
	}
	if p.keep {
		b.WriteString(`<w:keepNext/>`)
	}
	if p.bottom {
		fmt.Fprintf(&b, `<w:framePr w:w="%d" w:wrap="around" w:vAnchor="margin" w:hAnchor="margin" w:yAlign="bottom" w:xAlign="center"/>`, textWidth)
	}
	if p.pageBr {
		b.WriteString(`<w:pageBreakBefore/>`)
	}
	if p.border != "" {
		fmt.Fprintf(&b, `<w:pBdr><w:bottom w:val="single" w:sz="18" w:space="6" w:color="%s"/></w:pBdr>`, p.border)
	}
	if p.before > 0 || p.after > 0 {
		fmt.Fprintf(&b, `<w:spacing w:before="%d" w:after="%d"/>`, p.before, p.after)
	}
	switch {
	case p.noInd:
		fmt.Fprintf(&b, `<w:ind w:firstLineChars="0" w:firstLine="0" w:rightChars="%d"/>`, p.right)
	case p.right > 0:
		fmt.Fprintf(&b, `<w:ind w:rightChars="%d"/>`, p.right)
	}
	if p.align != "" {
		fmt.Fprintf(&b, `<w:jc w:val="%s"/>`, p.align)
	}
	if b.Len() == 0 {
		return ""
	}
	return "<w:pPr>" + b.String() + "</w:pPr>"
}

// para writes a paragraph of runs.
func (d *doc) para(p para, runs ...run) {
	d.b.WriteString("<w:p>")
	d.b.WriteString(pPr(p))
	for _, r := range runs {
		d.b.WriteString("<w:r>")
		d.b.WriteString(rPr(r))
		fmt.Fprintf(&d.b, `<w:t xml:space="preserve">%s</w:t>`, esc(r.text))
		d.b.WriteString("</w:r>")
	}
	d.b.WriteString("</w:p>")
}

// text writes a body paragraph (仿宋 三号, first line indented).
func (d *doc) text(s string) { d.para(para{}, run{text: s}) }

// table writes a table with a header row repeated on every page; widths are relative and scaled to
// the text width; align gives each column's alignment.
// size is the body cells' font size in half points; 0 keeps the table style's 五号.
func (d *doc) table(head []string, widths []int, align []string, rows [][]string, size int) {
	total := 0
	for _, w := range widths {
		total += w
	}
	tw := make([]int, len(widths))
	for i, w := range widths {
		tw[i] = w * textWidth / total
	}
	b := &d.b
	fmt.Fprintf(b, `<w:tbl><w:tblPr><w:tblStyle w:val="Grid"/><w:tblW w:w="%d" w:type="dxa"/><w:jc w:val="center"/>`, textWidth)
	b.WriteString(`<w:tblBorders>`)
	for _, side := range []string{"top", "left", "bottom", "right", "insideH", "insideV"} {
		fmt.Fprintf(b, `<w:%s w:val="single" w:sz="4" w:space="0" w:color="000000"/>`, side)
	}
	b.WriteString(`</w:tblBorders><w:tblLayout w:type="fixed"/><w:tblCellMar><w:left w:w="57" w:type="dxa"/><w:right w:w="57" w:type="dxa"/></w:tblCellMar></w:tblPr><w:tblGrid>`)
	for _, w := range tw {
		fmt.Fprintf(b, `<w:gridCol w:w="%d"/>`, w)
	}
	b.WriteString(`</w:tblGrid>`)
	row := func(cells []string, header bool) {
		b.WriteString(`<w:tr><w:trPr><w:cantSplit/>`)
		if header {
			b.WriteString(`<w:tblHeader/>`)
		}
		b.WriteString(`</w:trPr>`)
		for i, c := range cells {
			fmt.Fprintf(b, `<w:tc><w:tcPr><w:tcW w:w="%d" w:type="dxa"/><w:vAlign w:val="center"/></w:tcPr>`, tw[i])
			a := "center"
			if !header && i < len(align) && align[i] != "" {
				a = align[i]
			}
			r := run{text: c, size: size}
			if header {
				r.font, r.size = fontHeading, size5small
			}
			d.para(para{style: "TableText", align: a}, r)
			b.WriteString(`</w:tc>`)
		}
		b.WriteString(`</w:tr>`)
	}
	row(head, true)
	for _, r := range rows {
		row(r, false)
	}
	b.WriteString(`</w:tbl>`)
}

// write zips the document with its parts; at dates the parts and the document properties.
func (d *doc) write(w io.Writer, title string, at time.Time) error {
	zw := zip.NewWriter(w)
	body := `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` +
		`<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><w:body>` +
		d.b.String() +
		fmt.Sprintf(`<w:sectPr><w:footerReference w:type="default" r:id="rId4"/><w:pgSz w:w="%d" w:h="%d"/>`+
			`<w:pgMar w:top="%d" w:right="%d" w:bottom="%d" w:left="%d" w:header="851" w:footer="992" w:gutter="0"/>`+
			`<w:docGrid w:type="lines" w:linePitch="579"/></w:sectPr></w:body></w:document>`,
			pageW, pageH, marginTop, marginRight, marginBottom, marginLeft)
	stamp := at.UTC().Format("2006-01-02T15:04:05Z")
	parts := [][2]string{
		{"[Content_Types].xml", contentTypes},
		{"_rels/.rels", rootRels},
		{"docProps/core.xml", fmt.Sprintf(coreXML, esc(title), stamp, stamp)},
		{"docProps/app.xml", appXML},
		{"word/document.xml", body},
		{"word/_rels/document.xml.rels", documentRels},
		{"word/styles.xml", stylesXML()},
		{"word/settings.xml", settingsXML},
		{"word/fontTable.xml", fontTableXML()},
		{"word/footer1.xml", footerXML},
	}
	for _, p := range parts {
		f, err := zw.CreateHeader(&zip.FileHeader{Name: p[0], Method: zip.Deflate, Modified: at})
		if err != nil {
			return err
		}
		if _, err := io.WriteString(f, p[1]); err != nil {
			return err
		}
	}
	return zw.Close()
}

const contentTypes = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/><Override PartName="/word/settings.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"/><Override PartName="/word/fontTable.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.fontTable+xml"/><Override PartName="/word/footer1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/><Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/><Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/></Types>`

const rootRels = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/></Relationships>`

const documentRels = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings" Target="settings.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/fontTable" Target="fontTable.xml"/><Relationship Id="rId4" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" Target="footer1.xml"/></Relationships>`

const coreXML = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:title>%s</dc:title><dc:creator>Sanlv</dc:creator><dc:language>zh-CN</dc:language><dcterms:created xsi:type="dcterms:W3CDTF">%s</dcterms:created><dcterms:modified xsi:type="dcterms:W3CDTF">%s</dcterms:modified></cp:coreProperties>`

const appXML = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"><Application>Sanlv</Application></Properties>`

const settingsXML = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:settings xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:defaultTabStop w:val="420"/><w:characterSpacingControl w:val="compressPunctuation"/><w:compat><w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" w:val="15"/></w:compat></w:settings>`

// footerXML is the page number of a 公文: — 1 —, 四号 宋体, centred.
const footerXML = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:ftr xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:p><w:pPr><w:jc w:val="center"/></w:pPr><w:r><w:rPr><w:rFonts w:ascii="宋体" w:hAnsi="宋体" w:eastAsia="宋体"/><w:sz w:val="28"/></w:rPr><w:t xml:space="preserve">— </w:t></w:r><w:r><w:rPr><w:rFonts w:ascii="宋体" w:hAnsi="宋体" w:eastAsia="宋体"/><w:sz w:val="28"/></w:rPr><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:rPr><w:rFonts w:ascii="宋体" w:hAnsi="宋体" w:eastAsia="宋体"/><w:sz w:val="28"/></w:rPr><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r><w:r><w:rPr><w:rFonts w:ascii="宋体" w:hAnsi="宋体" w:eastAsia="宋体"/><w:sz w:val="28"/></w:rPr><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:rPr><w:rFonts w:ascii="宋体" w:hAnsi="宋体" w:eastAsia="宋体"/><w:sz w:val="28"/></w:rPr><w:t>1</w:t></w:r><w:r><w:rPr><w:rFonts w:ascii="宋体" w:hAnsi="宋体" w:eastAsia="宋体"/><w:sz w:val="28"/></w:rPr><w:fldChar w:fldCharType="end"/></w:r><w:r><w:rPr><w:rFonts w:ascii="宋体" w:hAnsi="宋体" w:eastAsia="宋体"/><w:sz w:val="28"/></w:rPr><w:t xml:space="preserve"> —</w:t></w:r></w:p></w:ftr>`

func fontTableXML() string {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:fonts xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">`)
	for _, f := range fontAlt {
		fmt.Fprintf(&b, `<w:font w:name="%s">`, f[0])
		if f[1] != "" {
			fmt.Fprintf(&b, `<w:altName w:val="%s"/><w:charset w:val="86"/><w:family w:val="modern"/>`, f[1])
		} else {
			b.WriteString(`<w:charset w:val="00"/><w:family w:val="roman"/>`)
		}
		b.WriteString(`</w:font>`)
	}
	b.WriteString(`</w:fonts>`)
	return b.String()
}

// styleXML is one paragraph style: font, size, alignment, first-line indent and exact line spacing.
func styleXML(id, name, font string, size int, align string, indent bool, line int, bold bool) string {
	ind := `<w:ind w:firstLineChars="0" w:firstLine="0"/>`
	if indent {
		ind = fmt.Sprintf(`<w:ind w:firstLineChars="200" w:firstLine="%d"/>`, size*20)
	}
	spacing := `<w:spacing w:before="0" w:after="0" w:line="240" w:lineRule="auto"/>`
	if line > 0 {
		spacing = fmt.Sprintf(`<w:spacing w:before="0" w:after="0" w:line="%d" w:lineRule="exact"/>`, line)
	}
	b := ""
	if bold {
		b = `<w:b/><w:bCs/>`
	}
	def := ""
	if id == "Normal" {
		def = ` w:default="1"`
	}
	based := ""
	if id != "Normal" {
		based = `<w:basedOn w:val="Normal"/>`
	}
	// Only body text and headings keep to the document grid of 22 lines a page; a title, a table or the
	// 版记 snapped to it would get double-height lines.
	snap := `<w:snapToGrid w:val="0"/>`
	if id == "Normal" || strings.HasPrefix(id, "Heading") {
		snap = ""
	}
	return fmt.Sprintf(`<w:style w:type="paragraph"%s w:styleId="%s"><w:name w:val="%s"/>%s<w:qFormat/><w:pPr><w:widowControl/>`+snap+`%s%s<w:jc w:val="%s"/></w:pPr><w:rPr><w:rFonts w:ascii="%s" w:hAnsi="%s" w:eastAsia="%s" w:cs="%s"/>%s<w:sz w:val="%d"/><w:szCs w:val="%d"/></w:rPr></w:style>`,
		def, id, name, based, spacing, ind, align, fontLatin, fontLatin, font, fontLatin, b, size, size)
}

func stylesXML() string {
	return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">` +
		fmt.Sprintf(`<w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii="%s" w:hAnsi="%s" w:eastAsia="%s" w:cs="%s"/><w:kern w:val="2"/><w:sz w:val="%d"/><w:szCs w:val="%d"/><w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/></w:rPr></w:rPrDefault><w:pPrDefault/></w:docDefaults>`,
			fontLatin, fontLatin, fontBody, fontLatin, size3, size3) +
		styleXML("Normal", "Normal", fontBody, size3, "both", true, 560, false) +
		styleXML("Title", "Title", fontTitle, size2, "center", false, 620, false) +
		styleXML("Heading1", "heading 1", fontHeading, size3, "both", true, 560, false) +
		styleXML("Heading2", "heading 2", fontKai, size3, "both", true, 560, false) +
		styleXML("RedHead", "红头", fontTitle, size2, "center", false, 0, false) +
		styleXML("Caption", "caption", fontHeading, sizeSmall4, "center", false, 0, false) +
		styleXML("TableText", "表格文字", fontBody, size5, "center", false, 0, false) +
		styleXML("Plain", "版记", fontBody, size4, "left", false, 0, false) +
		`<w:style w:type="table" w:styleId="Grid"><w:name w:val="Table Grid"/></w:style></w:styles>`
}
