package operator_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"regprofile.dev/regprofile/internal/operator"
	"regprofile.dev/regprofile/internal/testkit"
)

// The operator's values are written once, here: a rule, a default or a
// generator that writes one of them as a string literal of its own (a
// "Managed", a "REGISTRY_STORAGE_S3_ACCESSKEY") would drift from the table
// unseen. Tests are exempt: they may spell out what they expect.
func TestNoHardCodedOperatorValues(t *testing.T) {
	values := map[string]string{operator.ClaimName: "ClaimName", operator.DefaultRoute: "DefaultRoute"}
	for field, vs := range operator.Enums {
		for _, v := range vs {
			values[v] = "Enums[" + strconv.Quote(field) + "]"
		}
	}
	for backend, keys := range operator.CredentialKeys {
		for _, k := range append(append([]string(nil), keys.Required...), keys.Optional...) {
			values[k] = "CredentialKeys[" + strconv.Quote(backend) + "]"
		}
	}
	fset := token.NewFileSet()
	walk := func(path string, d fs.DirEntry, err error) error {
		if err == nil && d.IsDir() && (d.Name() == "operator" || d.Name() == "testkit") {
			return filepath.SkipDir // the tables themselves, and the tests' helpers
		}
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		testkit.StringLiterals(f, func(lit *ast.BasicLit, s string) {
			if table := values[s]; table != "" {
				t.Errorf("%s: %s is written by hand; use internal/operator's %s", fset.Position(lit.Pos()), lit.Value, table)
			}
		})
		return nil
	}
	for _, root := range []string{"../../fn", ".."} {
		if err := filepath.WalkDir(root, walk); err != nil {
			t.Fatal(err)
		}
	}
}
