package assess_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// sqlText matches a string that reads like an SQL statement.
var sqlText = regexp.MustCompile(`(?is)\b(select\s.+\sfrom|insert\s+into|update\s+\w+\s+set|delete\s+from|create\s+table)\b`)

// parseDir parses the non-test Go files of a directory.
func parseDir(t *testing.T, dir string) []*ast.File {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	var out []*ast.File
	fset := token.NewFileSet()
	for _, p := range paths {
		if strings.HasSuffix(p, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, p, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, f)
	}
	if len(out) == 0 {
		t.Fatalf("no Go files in %s", dir)
	}
	return out
}

func TestTheAdaptersHoldNoSQL(t *testing.T) {
	for _, dir := range []string{"../api", "../cmd/sanlv", "."} {
		for _, f := range parseDir(t, dir) {
			for _, imp := range f.Imports {
				path, _ := strconv.Unquote(imp.Path.Value)
				if path == "database/sql" || strings.Contains(path, "uptrace/bun") || strings.Contains(path, "jackc/pgx") || strings.Contains(path, "sqlite") {
					t.Errorf("%s/%s imports %s: database access belongs to store", dir, f.Name.Name, path)
				}
			}
			ast.Inspect(f, func(n ast.Node) bool {
				if lit, ok := n.(*ast.BasicLit); ok && lit.Kind == token.STRING && sqlText.MatchString(lit.Value) {
					t.Errorf("%s: SQL in a string: %.60s", dir, lit.Value)
				}
				return true
			})
		}
	}
}

func TestScoringImportsNoPackageOfOurs(t *testing.T) {
	for _, f := range parseDir(t, "../scoring") {
		for _, imp := range f.Imports {
			if path, _ := strconv.Unquote(imp.Path.Value); strings.HasPrefix(path, "sanlv/") {
				t.Errorf("scoring imports %s", path)
			}
		}
	}
}
