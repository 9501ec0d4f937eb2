package scoring

import (
	"regexp"
	"sort"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// suppressUnder drops compiler errors on a key (or its parents or children) whose value already has a shape error.
func suppressUnder(errs, shape []FieldError) []FieldError {
	related := func(a, b string) bool {
		under := func(x, y string) bool {
			return strings.HasPrefix(x, y) && (len(x) == len(y) || x[len(y)] == '.' || x[len(y)] == '[')
		}
		return under(a, b) || under(b, a)
	}
	var out []FieldError
	for _, e := range errs {
		keep := true
		for _, s := range shape {
			if related(e.Field, s.Field) {
				keep = false
				break
			}
		}
		if keep {
			out = append(out, e)
		}
	}
	return out
}

// sortFieldErrors orders problems by key path, then reason, each once.
func sortFieldErrors(errs []FieldError) []FieldError {
	sort.SliceStable(errs, func(i, j int) bool {
		if errs[i].Field != errs[j].Field {
			return errs[i].Field < errs[j].Field
		}
		return errs[i].Reason < errs[j].Reason
	})
	out := errs[:0]
	for i, e := range errs {
		if i > 0 && e == errs[i-1] {
			continue
		}
		out = append(out, e)
	}
	return out
}

var yamlLine = regexp.MustCompile(`line (\d+)`)

// cleanYAMLError strips the decoder's prefix and any Go type names from a YAML error.
func cleanYAMLError(err error) string {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	if i := strings.Index(msg, " into "); i >= 0 {
		msg = msg[:i]
	}
	return strings.ReplaceAll(msg, "unmarshal errors:\n  ", "")
}

// syntaxError reports a YAML syntax error at the key path of its line.
func syntaxError(data []byte, err error) FieldError {
	msg := cleanYAMLError(err)
	m := yamlLine.FindStringSubmatch(msg)
	if m == nil {
		return FieldError{Field: "(top level)", Reason: "not valid YAML: " + msg}
	}
	line, _ := strconv.Atoi(m[1])
	return FieldError{Field: orRoot(pathAtLine(data, line)), Reason: "not valid YAML: " + msg + TabHint(data, line)}
}

// TabHint explains a YAML syntax error on a line indented with a tab, which YAML does not allow;
// it is empty for other lines.
func TabHint(data []byte, line int) string {
	lines := strings.Split(string(data), "\n")
	if line < 1 || line > len(lines) {
		return ""
	}
	l := lines[line-1]
	if strings.Contains(l[:len(l)-len(strings.TrimLeft(l, " \t"))], "\t") {
		return " (the line is indented with a tab: YAML needs spaces)"
	}
	return ""
}

// pathAtLine guesses the key path of a line from the indentation of the block keys above it.
func pathAtLine(data []byte, line int) string {
	type key struct {
		indent int
		name   string
	}
	var stack []key
	for i, l := range strings.Split(string(data), "\n") {
		if i >= line {
			break
		}
		t := strings.TrimLeft(l, " ")
		if t == "" || strings.HasPrefix(t, "#") {
			continue
		}
		indent := len(l) - len(t)
		t = strings.TrimPrefix(t, "- ")
		name, _, ok := strings.Cut(t, ":")
		if !ok || strings.ContainsAny(name, "{}[],\"'") {
			continue
		}
		for len(stack) > 0 && stack[len(stack)-1].indent >= indent {
			stack = stack[:len(stack)-1]
		}
		stack = append(stack, key{indent, strings.TrimSpace(name)})
	}
	names := make([]string, len(stack))
	for i, k := range stack {
		names[i] = k.name
	}
	return strings.Join(names, ".")
}

// pathStep matches one step of a key path: a key, optionally followed by list indices.
var pathStep = regexp.MustCompile(`^([^.\[]*)((?:\[\d+\])*)`)

// listIndex matches the indices of a path step.
var listIndex = regexp.MustCompile(`\d+`)

// nodeLine finds the line of the node at a key path (ticket_points[0].when.resolved) in a parsed
// document: the deepest node of the path that exists, 0 when not even its first key does.
func nodeLine(root *yaml.Node, path string) int {
	n := root
	if n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = n.Content[0]
	}
	line := 0
	for _, step := range strings.Split(path, ".") {
		m := pathStep.FindStringSubmatch(step)
		if m == nil || n.Kind != yaml.MappingNode {
			return line
		}
		var next *yaml.Node
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == m[1] {
				line, next = n.Content[i].Line, n.Content[i+1]
			}
		}
		if next == nil {
			return line
		}
		n = next
		for _, idx := range listIndex.FindAllString(m[2], -1) {
			i, _ := strconv.Atoi(idx)
			if n.Kind != yaml.SequenceNode || i >= len(n.Content) {
				return line
			}
			n = n.Content[i]
			line = n.Line
		}
	}
	return line
}

// withLines adds the line of its key to every problem that does not name one yet.
func withLines(root *yaml.Node, errs []FieldError) []FieldError {
	for i, e := range errs {
		if strings.HasPrefix(e.Reason, "line ") {
			continue
		}
		if line := nodeLine(root, e.Field); line > 0 {
			errs[i].Reason = "line " + strconv.Itoa(line) + ": " + e.Reason
		}
	}
	return errs
}
