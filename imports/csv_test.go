package imports

import (
	"bytes"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
)

func TestSplitLineFindsEveryComma(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	alphabet := []byte(",,,-.:0129az \t\xE4\xB8\xAD\x80\xFF\x01+")
	for n := range 300 {
		line := make([]byte, n)
		for i := range line {
			line[i] = alphabet[rng.IntN(len(alphabet))]
		}
		got := splitLine(line, nil)
		want := bytes.Split(line, []byte{','})
		if len(got) != len(want) {
			t.Fatalf("%q: %d fields, want %d", line, len(got), len(want))
		}
		for i := range want {
			if !bytes.Equal(got[i], want[i]) {
				t.Fatalf("%q: field %d = %q, want %q", line, i, got[i], want[i])
			}
		}
	}
}

func TestNextRecordSplitsCSV(t *testing.T) {
	tests := []struct {
		name      string
		in        string
		atEOF     bool
		want      []string
		n         int
		ok        bool
		malformed int
	}{
		{"plain", "a,b,c\nrest", false, []string{"a", "b", "c"}, 6, true, 0},
		{"CRLF", "a,b\r\nrest", false, []string{"a", "b"}, 5, true, 0},
		{"last line without break", "a,b", true, []string{"a", "b"}, 3, true, 0},
		{"incomplete line", "a,b", false, nil, 0, false, 0},
		{"quoted comma", `"a,1",b` + "\n", false, []string{"a,1", "b"}, 8, true, 0},
		{"quoted line break", "\"a\nb\",c\r\nx", false, []string{"a\nb", "c"}, 9, true, 0},
		{"escaped quote", `"say ""hi""",x` + "\n", false, []string{`say "hi"`, "x"}, 15, true, 0},
		{"quote inside unquoted field is literal", `ab"c,d` + "\n", false, []string{`ab"c`, "d"}, 7, true, 0},
		{"text after closing quote", `"ab"c,d` + "\n", false, []string{"abc", "d"}, 8, true, 1},
		{"quoted field at end may continue", `a,"b"`, false, nil, 0, false, 0},
		{"quoted field at EOF", `a,"b"`, true, []string{"a", "b"}, 5, true, 0},
		{"empty quoted field and trailing comma", `"",` + "\n", false, []string{"", ""}, 4, true, 0},
		{"blank line", "\n", false, []string{""}, 1, true, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var rec record
			n, ok, err := nextRecord([]byte(tt.in), tt.atEOF, &rec)
			if err != nil || ok != tt.ok || n != tt.n {
				t.Fatalf("n=%d ok=%v err=%v, want n=%d ok=%v", n, ok, err, tt.n, tt.ok)
			}
			if !ok {
				return
			}
			var got []string
			for _, f := range rec.fields {
				got = append(got, string(f))
			}
			if !reflect.DeepEqual(got, tt.want) || rec.malformed != tt.malformed {
				t.Errorf("fields %q malformed %d, want %q %d", got, rec.malformed, tt.want, tt.malformed)
			}
		})
	}
	var rec record
	if _, _, err := nextRecord([]byte(`a,"b`+"\n"), true, &rec); err != errUnterminated {
		t.Errorf("unterminated quote: err = %v", err)
	}
}

func BenchmarkSplitLine(b *testing.B) {
	line := []byte(strings.TrimSuffix(good, "\n"))
	var fields [][]byte
	b.SetBytes(int64(len(line)))
	for b.Loop() {
		fields = splitLine(line, fields[:0])
	}
}
