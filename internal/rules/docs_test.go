package rules_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"regexp"
	"strings"
	"testing"

	"regprofile.dev/regprofile/internal/operator"
	"regprofile.dev/regprofile/internal/testkit"
)

// A rule's description takes what internal/operator holds (an enum's
// values, a release, the operator's names) from its tables, never writes
// it: the string literals that make up rules.All's descriptions contain
// no release number and no value of operator.Enums, operator.ClaimName or
// operator.DefaultRoute.
func TestRuleDocsTakeOperatorFacts(t *testing.T) {
	values := map[string]bool{operator.ClaimName: true, operator.DefaultRoute: true}
	for _, vs := range operator.Enums {
		for _, v := range vs {
			values[v] = true
		}
	}
	release := regexp.MustCompile(`(?:^|[^§.0-9])(4\.[0-9]+)\b`) // not a section, §3.4.1
	word := regexp.MustCompile(`[A-Za-z][A-Za-z-]*[A-Za-z]`)
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
			if m := release.FindStringSubmatch(s); m != nil {
				t.Errorf("%s: a rule's description writes the release %s; take it from internal/operator's tables", fset.Position(lit.Pos()), m[1])
			}
			for _, w := range word.FindAllString(s, -1) {
				if values[w] && !strings.Contains(s, "spec."+w) {
					t.Errorf("%s: a rule's description writes the operator's value %q; take it from internal/operator", fset.Position(lit.Pos()), w)
				}
			}
		})
	}
	if checked < len(all.Elts) {
		t.Errorf("only %d description literals found for %d rules: is the extraction broken?", checked, len(all.Elts))
	}
}
