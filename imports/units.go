package imports

import (
	"fmt"
	"io"
	"strings"

	"sanlv/scoring"
)

// unitColumns are the columns of a units file (SPEC §3.1) with their Chinese headers.
var unitColumns = []struct {
	name, chinese string
	required      bool
}{
	{"code", "单位编码", true},
	{"name", "单位名称", true},
	{"group", "分组", true},
	{"parent", "上级单位", false},
	{"population", "常住人口", false},
}

// ReadUnits reads a units file (CSV or XLSX, recognised by content) with English or Chinese headers.
// It returns the units of the valid rows, in file order, and a report of every invalid row: an empty
// code, name or group, a population that is not a whole number, a duplicate code, a name that is
// another unit's code. The error is for a file that cannot be read at all.
func ReadUnits(name string, r io.Reader) ([]scoring.Unit, *Report, error) {
	t, err := openTableAt(name, r, pick{}, unitProbe)
	if err != nil {
		return nil, nil, headerErr(name, err, func(h []string) error {
			var miss []string
			for _, uc := range unitColumns {
				if uc.required && !hasHeader(h, uc.name, uc.chinese) {
					miss = append(miss, fmt.Sprintf("%s (%s)", uc.name, uc.chinese))
				}
			}
			return fmt.Errorf("missing required column %s", strings.Join(miss, ", "))
		})
	}
	defer t.close()
	col := make([]int, len(unitColumns))
	label := make([]string, len(unitColumns))
	var missing []string
	used := make([]bool, len(t.header))
	for j, uc := range unitColumns {
		col[j], label[j] = -1, uc.name
		for i, h := range t.header {
			if k := headerKey(h); k == uc.name || k == headerKey(uc.chinese) {
				if col[j] >= 0 {
					return nil, nil, fileError(name, "columns %s and %s both give %s", label[j], strings.TrimSpace(h), uc.name)
				}
				col[j], label[j], used[i] = i, strings.TrimSpace(h), true
			}
		}
		if col[j] < 0 && uc.required {
			missing = append(missing, fmt.Sprintf("%s (%s)", uc.name, uc.chinese))
		}
	}
	if len(missing) == 0 {
		if errs := unknownColumns(name, t.header, used, unitKnown(col), nil); len(errs) > 0 {
			return nil, nil, columnsError(name, errs)
		}
	}
	if len(missing) > 0 {
		if hint := separatorHint(t.header); hint != "" {
			return nil, nil, fileError(name, "%s", hint)
		}
		return nil, nil, fileError(name, "missing required column %s", strings.Join(missing, ", "))
	}
	c := newCollector(name, 0)
	var units []scoring.Unit
	var rows []int
	firstRow := map[string]int{}
	firstName := map[string]int{}
	for {
		ln, err := t.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, nil, err
		}
		row, cells := ln.row, ln.cells
		if blank(cells) {
			continue
		}
		if totalsRow(cells) {
			c.totals = append(c.totals, row)
			continue
		}
		c.last = row
		c.begin()
		switch {
		case t.shapeProblem(c, ln):
		default:
			u := readUnit(c, row, cells, col, label)
			if u.Code != "" {
				if first, dup := firstRow[u.Code]; dup {
					c.add(row, label[0], fmt.Sprintf("duplicate of row %d", first))
				} else {
					firstRow[u.Code] = row
				}
			}
			if u.Name != "" {
				k := nameKey(u.Name)
				if first, dup := firstName[k]; dup {
					c.add(row, label[1], fmt.Sprintf("same name as the unit in row %d (a ticket naming it could not tell them apart)", first))
				} else {
					firstName[k] = row
				}
			}
			if !c.bad {
				units = append(units, u)
				rows = append(rows, row)
			}
		}
		c.end()
	}
	// A name that is another unit's code would make lookups ambiguous.
	kept := units[:0]
	for i, u := range units {
		if first, ok := firstRow[u.Name]; ok && u.Name != u.Code {
			c.add(rows[i], label[1], fmt.Sprintf("is the code of the unit in row %d", first))
			c.invalid++
			continue
		}
		kept = append(kept, u)
	}
	rep := report(name, 0, []*collector{c}, label[0])
	for i, h := range t.header {
		if !used[i] {
			rep.Ignored = append(rep.Ignored, ignoredName(i, h))
		}
	}
	rep.Ignored = append(rep.Ignored, t.skipped...)
	rep.Sheet, rep.HeaderRow = t.sheet, t.headerRow
	rep.Notes = append(rep.Notes, t.notes...)
	groups := map[string]bool{}
	for _, u := range kept {
		if !scoring.StandardGroup(u.Group) && !groups[u.Group] {
			groups[u.Group] = true
			rep.Notes = append(rep.Notes, fmt.Sprintf("分组 %q 不是标准分组（street 街乡镇、department 区级部门、enterprise 公共服务企业）：按原样保留，作为单独分组排名，用政策的通用规则（可在政策 groups: 下为它另定规则）", u.Group))
		}
	}
	if rep.Rows == 0 {
		return nil, rep, fileError(name, "no data rows below the header")
	}
	return kept, rep, nil
}

// readUnit reads the cells of one units row.
func readUnit(c *collector, row int, cells [][]byte, col []int, label []string) scoring.Unit {
	get := func(j int) string {
		if col[j] < 0 || col[j] >= len(cells) {
			return ""
		}
		return string(trim(cells[col[j]]))
	}
	u := scoring.Unit{Code: unitCode(c, row, label[0], get(0)), Name: get(1), Group: scoring.GroupCode(get(2)), Parent: unitCode(c, row, label[3], get(3))}
	for j, v := range []string{u.Code, u.Name, u.Group} {
		if v == "" {
			c.add(row, label[j], "missing (required)")
		}
	}
	if p := get(4); p != "" {
		n, ok := parseCount([]byte(p))
		if !ok {
			c.add(row, label[4], fmt.Sprintf("not a whole number ≥ 0: %q", p))
		}
		u.Population = int64(n)
	}
	return u
}

// unitCode reads a unit code: full-width letters and digits (Ｓ０１) become ASCII and spaces inside
// are dropped, as tickets naming the unit are matched; the report notes each code so read.
func unitCode(c *collector, row int, column, s string) string {
	k := nameKey(s)
	if k != s {
		c.note(fmt.Sprintf("第 %d 行 %s「%s」按 %s 读取（统一全角/半角字符、去掉空格）", row, column, s, k))
	}
	return k
}

// unitProbe counts the required unit columns a candidate header row lacks.
func unitProbe(header []string) int {
	n := 0
	for _, uc := range unitColumns {
		if uc.required && !hasHeader(header, uc.name, uc.chinese) {
			n++
		}
	}
	return n
}

// hasHeader reports whether the header has a column named one of the names.
func hasHeader(header []string, names ...string) bool {
	for _, h := range header {
		k := headerKey(h)
		for _, n := range names {
			if k == headerKey(n) {
				return true
			}
		}
	}
	return false
}

// unitKnown lists the accepted headers of the columns a units file lacks, for "did you mean".
func unitKnown(col []int) []string {
	var out []string
	for j, uc := range unitColumns {
		if col[j] < 0 {
			out = append(out, uc.name, uc.chinese)
		}
	}
	return out
}
