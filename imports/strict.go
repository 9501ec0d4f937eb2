package imports

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"sanlv/scoring"
)

// unknownColumns checks the columns the reader does not use: one whose header is close to a known
// header (within two edits, or one containing the other) is most likely a renamed or misspelled
// column, and reading the file without it would silently lose its values; it is an error with a
// "did you mean", unless ignore lists it. known lists the accepted headers of the fields the file
// lacks; the other unused columns are only listed in the report.
func unknownColumns(name string, header []string, used []bool, known []string, ignore map[string]bool) []scoring.FieldError {
	var errs []scoring.FieldError
	for i, h := range header {
		if used[i] {
			continue
		}
		k := headerKey(h)
		if k == "" || ignore[k] || otherColumns[k] {
			continue
		}
		if near := closest(k, known); near != "" && headerKey(near) == k {
			// Our own header of a field the mapping reads from another column: no misspelling to suggest.
			errs = append(errs, scoring.FieldError{Field: name + ":" + ignoredName(i, h),
				Reason: fmt.Sprintf("column %q is the usual header of a field the mapping reads from another column: map the field to it, or list it under ignore: in the mapping", ignoredName(i, h))})
		} else if near != "" {
			errs = append(errs, scoring.FieldError{Field: name + ":" + ignoredName(i, h),
				Reason: fmt.Sprintf("column %q is not a known column: did you mean %s? (if it is another column, list it under ignore: in a column mapping, --mapping)", ignoredName(i, h), near)})
		}
	}
	return errs
}

// otherColumns are headers of common 12345 exports that are not fields of ours although they look
// like one (工单状态 is one edit from 退单状态): they are only listed as ignored.
var otherColumns = map[string]bool{
	"工单状态": true, "办理状态": true, "处理状态": true, "办结状态": true, "回访状态": true, "审核状态": true,
	"工单标题": true, "诉求内容": true, "诉求标题": true, "来电人": true, "序号": true, "备注": true,
	"地址": true, "诉求地址": true, "所属区域": true, "处理结果": true, "回访结果": true, "承办人": true,
}

// closest returns the known header (as written) nearest to the normalised header k, or "".
func closest(k string, known []string) string {
	best, bestD := "", 3
	for _, kn := range known {
		kk := headerKey(kn)
		if kk == "" {
			continue
		}
		nk, nkk := utf8.RuneCountInString(k), utf8.RuneCountInString(kk)
		// The header holds a known one (是否有效回访(是/否)), or is at least half of one (满意 of 满意度).
		if nkk >= 2 && strings.Contains(k, kk) || nk >= 2 && 2*nk >= nkk && strings.Contains(kk, k) {
			if bestD > 0 {
				best, bestD = kn, 0
			}
			continue
		}
		if d := editDistance(k, kk); d <= 2 && 2*d < utf8.RuneCountInString(kk) && d < bestD {
			best, bestD = kn, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance between a and b, in runes.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			c := prev[j-1]
			if ra[i-1] != rb[j-1] {
				c++
			}
			cur[j] = min(c, prev[j]+1, cur[j-1]+1)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

// columnsError joins column problems into one error.
func columnsError(name string, errs []scoring.FieldError) error {
	msgs := make([]string, len(errs))
	for i, e := range errs {
		msgs[i] = e.Reason
	}
	return &scoring.Error{Code: scoring.Invalid, Message: name + ": " + strings.Join(msgs, "; "), Fields: errs}
}

// absentHeaders lists the accepted headers (English and Chinese) of the fields the layout lacks.
func (l *layout) absentHeaders() []string {
	var out []string
	for f := range numFields {
		if l.col[f] < 0 && l.fixed[f] == nil {
			out = append(out, ticketFields[f].name)
			out = append(out, ticketFields[f].chinese...)
		}
	}
	return out
}
