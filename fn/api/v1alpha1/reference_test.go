package v1alpha1_test

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"reflect"
	"strings"
	"testing"

	"regprofile.dev/regprofile/fn/api/v1alpha1"
	"regprofile.dev/regprofile/fn/platforms"
	"regprofile.dev/regprofile/fn/rules"
	"regprofile.dev/regprofile/internal/operator"
)

// The reference page is generated from the API's doc comments and the rule
// list, so it cannot drift from the code. UPDATE_GOLDEN=1 rewrites it.
func TestReferenceIsCurrent(t *testing.T) {
	got := reference(t)
	const path = "../../../docs/reference.md"
	if os.Getenv("UPDATE_GOLDEN") != "" {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil || string(want) != got {
		t.Errorf("docs/reference.md is out of date with the API or the rules; run UPDATE_GOLDEN=1 go test ./fn/api/... and review it")
	}
}

// fieldDocs maps "Type.Field" to the field's doc comment, from types.go.
func fieldDocs(t *testing.T) map[string]string {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "types.go", nil, parser.ParseComments)
	if err != nil {
		t.Fatal(err)
	}
	docs := map[string]string{}
	ast.Inspect(f, func(n ast.Node) bool {
		ts, ok := n.(*ast.TypeSpec)
		if !ok {
			return true
		}
		st, ok := ts.Type.(*ast.StructType)
		if !ok {
			return true
		}
		for _, field := range st.Fields.List {
			for _, name := range field.Names {
				docs[ts.Name.Name+"."+name.Name] = strings.Join(strings.Fields(field.Doc.Text()), " ")
			}
		}
		return true
	})
	return docs
}

func reference(t *testing.T) string {
	docs := fieldDocs(t)
	var b strings.Builder
	b.WriteString(`# RegistryProfile reference

<!-- Generated from fn/api/v1alpha1/types.go and fn/rules/rules.go by TestReferenceIsCurrent; do not edit. -->

` + "`apiVersion: regprofile.dev/v1alpha1`, `kind: RegistryProfile`." + `

Platforms: ` + "`" + strings.Join(platforms.Names(), "`, `") + "`" + `.

A platform's section (` + "`spec.platforms.<platform>`" + `) is merged over the shared settings when that
platform is rendered: nested objects merge field by field; scalars, lists and maps are replaced; a
storage backend chosen for the platform (directly, or through its ` + "`pvc`, `cinder` or `objectBucket`" + `
section) replaces the shared backend.

## Fields

| field | type | meaning, default and limits |
|---|---|---|
`)
	walk(&b, docs, reflect.TypeOf(v1alpha1.RegistryProfile{}), "", map[reflect.Type]string{})
	b.WriteString(`
## Fields by OpenShift release

` + "`spec.openshiftVersion`" + ` is checked against what that release's registry operator accepts: a field
the release lacks is an error naming the release that added it. Every field not listed here has
been in the API since 4.2. Each entry is checked against that release's own CRD (from
` + "`github.com/openshift/api`" + ` at pinned versions, see e2e/schema/releases.go).

| field | first release |
|---|---|
`)
	for _, f := range operator.GatedFields(operator.ConfigFieldSince) {
		fmt.Fprintf(&b, "| `registry.%s` | %s |\n", f, operator.ConfigFieldSince[f])
	}
	fmt.Fprintf(&b, "| `pruner` (the ImagePruner) | %s |\n", operator.PrunerSince)
	for _, f := range operator.GatedFields(operator.PrunerFieldSince) {
		fmt.Fprintf(&b, "| `pruner.%s` | %s |\n", f, operator.PrunerFieldSince[f])
	}
	fmt.Fprintf(&b, `
Older releases' CRDs also require fields that later ones do not; regprofile fills them in:
`+"`registry.logging: 2`"+` (the integer log level) up to %s, and `+"`registry.managementState: Managed`"+`
up to %s. Defaults never write a field the target release lacks.
`, operator.LoggingRequiredUntil, operator.ManagementStateRequiredUntil)
	b.WriteString(`
## Credential keys

The keys of ` + "`image-registry-private-configuration-user`" + ` the operator reads, per storage backend: what
` + "`credentials.externalSecret.data`" + ` maps, and what a secret managed out of band
(` + "`credentials.existingSecret: true`" + `) must hold. Required keys must all be present: the operator
refuses a partial secret.

| backend | required | optional |
|---|---|---|
`)
	for _, backend := range []string{operator.S3, operator.GCS, operator.Azure, operator.Swift} {
		k := operator.CredentialKeys[backend]
		fmt.Fprintf(&b, "| `%s` | %s | %s |\n", backend, codeList(k.Required), codeList(k.Optional))
	}
	b.WriteString(`
## Rules

Decoding is strict: an unknown field is an error naming its path, with a "did you mean" when a
known field is close; a value of the wrong type, a key written twice, a file that is empty or
holds more than one document are errors. Then ` + "`spec.platform`" + ` (or ` + "`--platform`" + `) must name a
platform, every key of ` + "`spec.platforms`" + ` must be a platform, and ` + "`spec.openshiftVersion`" + ` must be a
supported release. After defaults, every rule below runs; any error stops the render and nothing
is written.

| rule | what it checks |
|---|---|
`)
	for _, r := range rules.All {
		fmt.Fprintf(&b, "| `%s` | %s |\n", r.ID, escape(r.Doc))
	}
	return b.String()
}

// walk lists a struct's fields and descends into API structs; a struct
// already listed under another path is referred to, not repeated.
func walk(b *strings.Builder, docs map[string]string, t reflect.Type, path string, listed map[reflect.Type]string) {
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		p := strings.TrimPrefix(path+"."+name, ".")
		ft, kind := describe(f.Type)
		doc := docs[t.Name()+"."+f.Name]
		if first, ok := listed[ft]; ok && ft != nil {
			doc += " Same fields as `" + first + "`."
		}
		fmt.Fprintf(b, "| `%s` | %s | %s |\n", p, kind, escape(doc))
		if _, ok := listed[ft]; ft == nil || ok {
			continue
		}
		switch f.Type.Kind() {
		case reflect.Slice:
			p += "[]"
		case reflect.Map:
			p += "." + mapKey(name)
		}
		listed[ft] = p
		walk(b, docs, ft, p, listed)
	}
}

func mapKey(field string) string {
	if field == "platforms" {
		return "<platform>"
	}
	return "<KEY>"
}

// describe names a field's type for readers, and returns the API struct to
// descend into, if any.
func describe(t reflect.Type) (reflect.Type, string) {
	own := func(t reflect.Type) bool { return t.PkgPath() == reflect.TypeOf(v1alpha1.RegistryProfile{}).PkgPath() }
	switch t.Kind() {
	case reflect.Pointer:
		return describe(t.Elem())
	case reflect.Slice:
		inner, kind := describe(t.Elem())
		return inner, "list of " + kind
	case reflect.Map:
		inner, kind := describe(t.Elem())
		return inner, "map of " + kind
	case reflect.Struct:
		if own(t) {
			return t, "object"
		}
		if t.Name() == "Duration" {
			return nil, "duration"
		}
		return nil, "Kubernetes " + t.Name()
	case reflect.Int, reflect.Int32, reflect.Int64:
		return nil, "integer"
	}
	return nil, t.Kind().String()
}

func codeList(keys []string) string {
	if len(keys) == 0 {
		return "none"
	}
	return "`" + strings.Join(keys, "`, `") + "`"
}

func escape(s string) string { return strings.ReplaceAll(s, "|", "\\|") }
