package imports

import (
	"io"
	"strings"
	"testing"
)

func TestTabSeparatedTextReadsAsCSVLineForLine(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"plain fields", "a\tb\tc\n1\t2\t3\n", "a,b,c\n1,2,3\n"},
		{"a comma in a field is quoted", "a\tb,c\n", "a,\"b,c\"\n"},
		{"a bare quote is doubled and quoted", "5\"屏\tx\n", "\"5\"\"屏\",x\n"},
		{"a quoted field passes as it is", "\"a\tb\"\t\"say \"\"hi\"\"\"\n", "\"a\tb\",\"say \"\"hi\"\"\"\n"},
		{"a quoted field spans lines", "\"line 1\r\nline 2\"\tx\r\n", "\"line 1\r\nline 2\",x\r\n"},
		{"CRLF stays outside a quoted field", "a,1\tb\r\n", "\"a,1\",b\r\n"},
		{"empty fields", "\t\t\n", ",,\n"},
		{"no final line break", "a\tb", "a,b"},
		{"a quoted field last in the file", "a\t\"b\"", "a,\"b\""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := io.ReadAll(newTabsToCommas(strings.NewReader(tt.in)))
			if err != nil || string(got) != tt.want {
				t.Errorf("%q → %q, %v; want %q", tt.in, got, err, tt.want)
			}
			if strings.Count(string(got), "\n") != strings.Count(tt.in, "\n") {
				t.Errorf("%q: lines changed", tt.in)
			}
		})
	}
	for _, tt := range []struct {
		head string
		want bool
	}{
		{"工单编号\t承办单位\t受理时间\n", true},
		{"ticket_id,unit,received_at\n", false},
		{"标题\n工单编号\t承办单位\t备注\nT1\tS01\t已回访,满意\n", true},
		{"ticket_id,unit,remark\nT1,S01,\"a\tb\"\n", false},
	} {
		if got := tabSeparated([]byte(tt.head)); got != tt.want {
			t.Errorf("tabSeparated(%q) = %v, want %v", tt.head, got, tt.want)
		}
	}
}
