package testkit

import (
	"go/ast"
	"go/token"
	"strconv"
)

// StringLiterals calls fn with every string literal under n and its
// value, for tests that check what source code writes by hand.
func StringLiterals(n ast.Node, fn func(lit *ast.BasicLit, value string)) {
	ast.Inspect(n, func(n ast.Node) bool {
		lit, ok := n.(*ast.BasicLit)
		if !ok || lit.Kind != token.STRING {
			return true
		}
		if s, err := strconv.Unquote(lit.Value); err == nil {
			fn(lit, s)
		}
		return true
	})
}
