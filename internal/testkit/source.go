package testkit

import (
	"go/ast"
	"go/token"
	"regexp"
	"strconv"

	"regprofile.dev/regprofile/internal/operator"
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

var (
	// releaseWritten is a release, 4.N, that is not part of a section
	// number such as §3.4.1.
	releaseWritten = regexp.MustCompile(`(?:^|[^§.0-9])(4\.[0-9]+)\b`)
	word           = regexp.MustCompile(`[A-Za-z][A-Za-z-]*[A-Za-z]`)
	// limitWritten is a limit: a length ("253 characters", "3 to 63
	// lower-case letters"), the kind of name Kubernetes limits ("a DNS
	// subdomain", "DNS-1123 labels"), or a range standing as a clause of
	// its own ("Limits: 0 or more;", ". 5 to 5120.").
	limitWritten = regexp.MustCompile(`\b[0-9]+(?: to [0-9]+)? (?:[a-z-]+ ){0,2}(?:characters|chars|letters|bytes)\b|\bDNS(?:-1123)? (?:subdomain|label)s?\b|(?:^|[.;:] )(?:From )?[0-9]+(?: or more| to [0-9]+)(?:[.;]|$)`)
)

// HandWrittenFacts lists what text writes by hand that internal/operator
// or the rules' limits hold: a release number, a value of operator.Enums,
// operator.ClaimName or operator.DefaultRoute, or a limit on a name
// (HandWrittenLimits).
func HandWrittenFacts(text string) []string {
	values := map[string]bool{operator.ClaimName: true, operator.DefaultRoute: true}
	for _, vs := range operator.Enums {
		for _, v := range vs {
			values[v] = true
		}
	}
	var out []string
	for _, m := range releaseWritten.FindAllStringSubmatch(text, -1) {
		out = append(out, "the release "+m[1])
	}
	for _, w := range word.FindAllString(text, -1) {
		if values[w] {
			out = append(out, "the operator's value "+strconv.Quote(w))
		}
	}
	return append(out, HandWrittenLimits(text)...)
}

// HandWrittenLimits lists the limits that text writes by hand: the rules
// check them (internal/rules, limits.go), and the reference states each
// field's from the same tables.
func HandWrittenLimits(text string) []string {
	var out []string
	for _, m := range limitWritten.FindAllString(text, -1) {
		out = append(out, "the limit "+strconv.Quote(m))
	}
	return out
}
