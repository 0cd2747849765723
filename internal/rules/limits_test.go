package rules

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"slices"
	"strconv"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/util/validation"
)

// Each limit is the one its check enforces: a name of exactly the limit
// passes and one character more (or fewer, for a minimum) fails. Where
// apimachinery enforces the limit, it is asked too, so that the constant
// cannot drift from the API server's rule.
func TestLimits(t *testing.T) {
	long := func(n int) string { return strings.Repeat("a", n) }
	dotted := func(n int) string { // n characters: parts of 62, then the rest
		s := long(n)
		for i := gcsBucketPartMax - 1; i < n-1; i += gcsBucketPartMax - 1 {
			s = s[:i] + "." + s[i+1:]
		}
		return s
	}
	for _, c := range []struct {
		name     string
		min, max int
		ok       func(string) bool
		make     func(int) string
	}{
		{"DNS-1123 subdomain (apimachinery)", 1, dnsSubdomainMax, func(s string) bool { return len(validation.IsDNS1123Subdomain(s)) == 0 }, long},
		{"DNS-1123 subdomain (checkName)", 1, dnsSubdomainMax, func(s string) bool { return len(checkName("Route.Name", "", "p", s)) == 0 }, long},
		{"DNS-1123 label", 1, dnsLabelMax, func(s string) bool { return len(validation.IsDNS1123Label(s)) == 0 }, long},
		{"label value", 0, labelValueMax, func(s string) bool { return len(validation.IsValidLabelValue(s)) == 0 }, long},
		{"qualified name", 1, qualifiedNameMax, func(s string) bool { return len(validation.IsQualifiedName(s)) == 0 }, long},
		{"S3 bucket", s3BucketMin, s3BucketMax, func(s string) bool { return s3BucketProblem(s) == "" }, long},
		{"S3 bucket pattern", s3BucketMin, s3BucketMax, func(s string) bool { return s3BucketName().MatchString(s) }, long},
		{"GCS bucket", gcsBucketMin, gcsBucketMax, func(s string) bool { return gcsBucketProblem(s) == "" }, long},
		{"GCS bucket with dots", gcsBucketMin, gcsDottedBucketMax, func(s string) bool { return gcsBucketProblem(s) == "" }, dotted},
		{"Azure container", azureContainerMin, azureContainerMax, validAzureContainer, long},
		{"Azure storage account", azureAccountMin, azureAccountMax, func(s string) bool { return azureAccountName().MatchString(s) }, long},
	} {
		if !c.ok(c.make(c.max)) {
			t.Errorf("%s: %d characters, the limit, are refused", c.name, c.max)
		}
		if c.ok(c.make(c.max + 1)) {
			t.Errorf("%s: %d characters, above the limit, are accepted", c.name, c.max+1)
		}
		if c.min > 1 && c.ok(c.make(c.min-1)) {
			t.Errorf("%s: %d characters, below the minimum, are accepted", c.name, c.min-1)
		}
		if c.min > 0 && !c.ok(c.make(c.min)) {
			t.Errorf("%s: %d characters, the minimum, are refused", c.name, c.min)
		}
	}
	if gcsBucketProblem(long(gcsBucketPartMax+1)+".a") == "" {
		t.Errorf("GCS: a dotted name with a part of %d characters is accepted", gcsBucketPartMax+1)
	}
}

// The rules check a name only through fieldNames (checkName), and a number
// or a duration's range only through fieldBounds (checkBound), so that the
// reference's "Limits:", which Limits builds from the same tables, states
// every limit the rules enforce and no other: outside limits.go no code of
// the package calls apimachinery's validation or uses a limit's constant,
// pattern or rule; every literal field (and part) they are called with is
// in the tables (a call through a helper panics in the rules' tests
// otherwise); and every field of the tables is checked somewhere.
func TestNamesCheckedThroughTheTable(t *testing.T) {
	fset := token.NewFileSet()
	pkgs, err := parser.ParseDir(fset, ".", func(fi fs.FileInfo) bool { return !strings.HasSuffix(fi.Name(), "_test.go") }, 0)
	if err != nil {
		t.Fatal(err)
	}
	files := pkgs["rules"].Files
	limits := files["limits.go"]
	if limits == nil {
		t.Fatal("no limits.go")
	}
	shared := map[string]bool{"checkName": true, "checkBound": true, "rangeOf": true, "Limits": true, "LimitFields": true, "between": true}
	private := map[string]bool{}
	for _, d := range limits.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			private[d.Name.Name] = !shared[d.Name.Name]
		case *ast.GenDecl:
			for _, spec := range d.Specs {
				switch spec := spec.(type) {
				case *ast.ValueSpec:
					for _, n := range spec.Names {
						private[n.Name] = !shared[n.Name]
					}
				case *ast.TypeSpec:
					private[spec.Name.Name] = !shared[spec.Name.Name]
				}
			}
		}
	}
	named := map[string]bool{}
	calls := 0
	for name, f := range files {
		if name == "limits.go" {
			continue
		}
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.SelectorExpr:
				if x, ok := n.X.(*ast.Ident); ok && x.Name == "validation" {
					t.Errorf("%s: validation.%s checks a name outside limits.go; add the field to fieldNames and call checkName", fset.Position(n.Pos()), n.Sel.Name)
				}
			case *ast.Ident:
				if private[n.Name] {
					t.Errorf("%s: %s, a limit of limits.go, is used outside it; check the name with checkName", fset.Position(n.Pos()), n.Name)
				}
			case *ast.BasicLit:
				if s, err := strconv.Unquote(n.Value); err == nil && slices.Contains(LimitFields(), s) {
					named[s] = true
				}
			case *ast.CallExpr:
				id, ok := n.Fun.(*ast.Ident)
				if ok && (id.Name == "checkBound" || id.Name == "rangeOf") {
					calls++
					if field, ok := literal(n.Args[0]); !ok {
						t.Errorf("%s: %s's field is not a literal", fset.Position(n.Pos()), id.Name)
					} else if _, ok := fieldBounds[field]; !ok {
						t.Errorf("%s: %s(%q, ...) is not in fieldBounds", fset.Position(n.Pos()), id.Name, field)
					}
				}
				if !ok || id.Name != "checkName" || len(n.Args) != 4 {
					return true
				}
				calls++
				field, fok := literal(n.Args[0])
				part, pok := literal(n.Args[1])
				if fok && pok && !slices.ContainsFunc(fieldNames[field], func(f fieldName) bool { return f.part == part }) {
					t.Errorf("%s: checkName(%q, %q, ...) is not in fieldNames", fset.Position(n.Pos()), field, part)
				}
			}
			return true
		})
	}
	for _, field := range LimitFields() {
		if !named[field] {
			t.Errorf("the limits' tables have %s, which no check names: remove it, or check the field", field)
		}
	}
	if calls < 20 {
		t.Errorf("only %d checkName calls found: is the extraction broken?", calls)
	}
}

func literal(e ast.Expr) (string, bool) {
	lit, ok := e.(*ast.BasicLit)
	if !ok || lit.Kind != token.STRING {
		return "", false
	}
	s, err := strconv.Unquote(lit.Value)
	return s, err == nil
}

// Limits states, for each part of a field, the rule's doc; a field the
// rules do not check has none.
func TestLimitsSentence(t *testing.T) {
	if got, want := Limits("Azure.Container"), "Limits: "+between(azureContainerMin, azureContainerMax)+" lower-case letters and digits, with single hyphens between them."; got != want {
		t.Errorf("Limits(Azure.Container) = %q, want %q", got, want)
	}
	if got := Limits("RegistrySpec.NodeSelector"); !strings.HasPrefix(got, "Limits: keys: ") || !strings.Contains(got, "; values: ") {
		t.Errorf("Limits(RegistrySpec.NodeSelector) = %q, want its keys and values", got)
	}
	if got := Limits("Swift.AuthURL"); got != "" {
		t.Errorf("Limits(Swift.AuthURL) = %q, want none", got)
	}
	for _, field := range LimitFields() {
		for _, f := range fieldNames[field] {
			if fix, _ := f.rule.check(""); fix == "" && f.rule.doc != labelValueDoc {
				t.Errorf("%s %s: the empty name passes its rule", field, f.part)
			}
		}
	}
}
