package rules_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"testing"

	"regprofile.dev/regprofile/internal/testkit"
)

// A rule's description takes what internal/operator holds (an enum's
// values, a release, the operator's names) from its tables, never writes
// it: the string literals that make up rules.All's descriptions contain
// no release number and no value of operator.Enums, operator.ClaimName or
// operator.DefaultRoute.
func TestRuleDocsTakeOperatorFacts(t *testing.T) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "rules.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var all *ast.CompositeLit
	ast.Inspect(f, func(n ast.Node) bool {
		if vs, ok := n.(*ast.ValueSpec); ok && len(vs.Names) == 1 && vs.Names[0].Name == "All" && len(vs.Values) == 1 {
			all, _ = vs.Values[0].(*ast.CompositeLit)
		}
		return all == nil
	})
	if all == nil {
		t.Fatal("rules.go declares no var All = []Rule{...}")
	}
	checked := 0
	for _, elt := range all.Elts {
		rule, ok := elt.(*ast.CompositeLit)
		if !ok || len(rule.Elts) < 2 {
			t.Fatalf("%s: not a Rule{ID, Doc, Check} literal", fset.Position(elt.Pos()))
		}
		testkit.StringLiterals(rule.Elts[1], func(lit *ast.BasicLit, s string) {
			checked++
			for _, what := range testkit.HandWrittenFacts(s) {
				t.Errorf("%s: a rule's description writes %s; take it from internal/operator", fset.Position(lit.Pos()), what)
			}
		})
	}
	if checked < len(all.Elts) {
		t.Errorf("only %d description literals found for %d rules: is the extraction broken?", checked, len(all.Elts))
	}
}
