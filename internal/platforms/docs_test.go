package platforms_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"strings"
	"testing"

	"regprofile.dev/regprofile/internal/testkit"
)

// The descriptions of platforms and storage (docs/storage.md) and of the
// defaults (docs/reference.md) take releases and the operator's values
// from internal/operator, never write them: no string literal in a doc,
// Doc or Defaults entry of this package holds a release number or an
// operator value.
func TestDocsTakeOperatorFacts(t *testing.T) {
	fset := token.NewFileSet()
	pkgs, err := parser.ParseDir(fset, ".", func(fi fs.FileInfo) bool { return !strings.HasSuffix(fi.Name(), "_test.go") }, 0)
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	check := func(n ast.Node) {
		testkit.StringLiterals(n, func(lit *ast.BasicLit, s string) {
			checked++
			for _, what := range testkit.HandWrittenFacts(s) {
				t.Errorf("%s: a description writes %s; take it from internal/operator", fset.Position(lit.Pos()), what)
			}
		})
	}
	for _, pkg := range pkgs {
		ast.Inspect(pkg, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.KeyValueExpr:
				if id, ok := n.Key.(*ast.Ident); ok && (id.Name == "doc" || id.Name == "Doc") {
					check(n.Value)
				}
			case *ast.ValueSpec:
				if len(n.Names) == 1 && n.Names[0].Name == "Defaults" {
					check(n.Values[0])
				}
			}
			return true
		})
	}
	if checked < 20 {
		t.Errorf("only %d description literals found: is the extraction broken?", checked)
	}
}
