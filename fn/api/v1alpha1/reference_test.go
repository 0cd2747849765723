package v1alpha1_test

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"maps"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"regprofile.dev/regprofile/fn/api/v1alpha1"
	"regprofile.dev/regprofile/internal/operator"
	"regprofile.dev/regprofile/internal/platforms"
	"regprofile.dev/regprofile/internal/rules"
	"regprofile.dev/regprofile/internal/testkit"
)

// The reference page is generated from the API's doc comments and the rule
// list, so it cannot drift from the code. UPDATE_GOLDEN=1 rewrites it.
func TestReferenceIsCurrent(t *testing.T) {
	testkit.Golden(t, "../../../docs/reference.md", reference(t))
}

// What internal/operator holds is generated into the reference, never
// written in a doc comment: every enum and every gated field of its tables
// is a field of the reference, whose row carries exactly the table's
// values and release, and no doc comment names a release a field needs or
// lists an enum's values.
func TestReferenceTakesOperatorFacts(t *testing.T) {
	ref := reference(t)
	row := func(rel string) string {
		for _, p := range []string{"spec." + rel, "spec.platforms.<platform>." + rel} {
			if _, line, ok := strings.Cut(ref, "| `"+p+"` |"); ok {
				line, _, _ = strings.Cut(line, "\n")
				return line
			}
		}
		t.Errorf("%s, in internal/operator's tables, is not a field of the reference", rel)
		return ""
	}
	listed := regexp.MustCompile("One of: ([^|]*?)\\.( |$)")
	value := regexp.MustCompile("`([^`]*)`")
	for _, rel := range operator.EnumFields() {
		r := row(rel)
		m := listed.FindStringSubmatch(r)
		if m == nil {
			t.Errorf("the reference's %s has no \"One of:\" from operator.Enums: %s", rel, r)
			continue
		}
		var got []string
		for _, v := range value.FindAllStringSubmatch(m[1], -1) {
			got = append(got, v[1])
		}
		if !slices.Equal(got, operator.Enums[rel]) {
			t.Errorf("the reference's %s lists %q, operator.Enums %q", rel, got, operator.Enums[rel])
		}
	}
	for _, f := range operator.GatedFields(operator.ConfigFieldSince) {
		if r := row("registry." + f); r != "" && !strings.Contains(r, "OpenShift "+operator.ConfigFieldSince[f].String()+" and later.") {
			t.Errorf("the reference's registry.%s does not give the release from operator.ConfigFieldSince: %s", f, r)
		}
	}
	release := regexp.MustCompile(`\b4\.[0-9]+\b`)
	for field, doc := range fieldDocs(t) {
		if release.MatchString(doc) {
			t.Errorf("the doc comment of %s names a release (%q); leave it to internal/operator's tables", field, release.FindString(doc))
		}
	}
	for rel, values := range operator.Enums {
		for _, sep := range []string{", ", " or "} {
			for i := 1; i < len(values); i++ {
				list := values[i-1] + sep + values[i]
				for field, doc := range fieldDocs(t) {
					if strings.Contains(doc, list) {
						t.Errorf("the doc comment of %s lists the values of %s (%q); the reference takes them from operator.Enums", field, rel, list)
					}
				}
			}
		}
	}
}

// A field's default is generated into the reference from the tables the
// defaulting code reads (platforms.Defaults) and from what the operator
// uses for a field left unset (operator.Defaults), never written in a doc
// comment: every entry of either table is a field of the reference whose
// row ends with it, and no doc comment states a default.
func TestReferenceTakesDefaults(t *testing.T) {
	ref := reference(t)
	rels := slices.Collect(maps.Keys(platforms.Defaults))
	rels = append(rels, slices.Collect(maps.Keys(operator.Defaults))...)
	for _, rel := range rels {
		if !strings.Contains(ref, "| `spec."+rel+"` |") && !strings.Contains(ref, "| `spec.platforms.<platform>."+rel+"` |") {
			t.Errorf("%q, in the defaults tables, is not a field of the reference", rel)
			continue
		}
		if !strings.Contains(ref, platforms.DefaultDoc(rel)+" |") && !strings.Contains(ref, platforms.DefaultDoc(rel)+" Same fields as") {
			t.Errorf("the reference's %s does not state the tables' default %q", rel, platforms.DefaultDoc(rel))
		}
	}
	stated := regexp.MustCompile(`(?:^|[.;:] )(?:Default\b|[Uu]nset means|(?:[a-z.]+ )?defaults to)`)
	for field, doc := range fieldDocs(t) {
		if m := stated.FindString(doc); m != "" {
			t.Errorf("the doc comment of %s states a default (%q); put it in internal/platforms.Defaults (or operator.Defaults) and say why in the comment", field, strings.TrimSpace(m))
		}
	}
}

// A field's limits (the range of a number or a duration, the names it
// takes) are generated into the reference from the tables the rules check
// them with (rules.Limits), never written in a doc comment: every field of
// those tables is a field of the API whose row carries its limits, and no
// doc comment states a range, a length or the kind of name Kubernetes
// limits.
func TestReferenceTakesLimits(t *testing.T) {
	ref, docs := reference(t), fieldDocs(t)
	for _, field := range rules.LimitFields() {
		if _, ok := docs[field]; !ok {
			t.Errorf("rules.Limits has %s, which is not a field of fn/api/v1alpha1", field)
			continue
		}
		if !strings.Contains(ref, " "+rules.Limits(field)+" ") && !strings.Contains(ref, " "+rules.Limits(field)+" |") {
			t.Errorf("the reference does not state %s's limits %q", field, rules.Limits(field))
		}
	}
	for field, doc := range docs {
		for _, what := range testkit.HandWrittenLimits(doc) {
			t.Errorf("the doc comment of %s writes %s; the reference takes it from internal/rules' limits", field, what)
		}
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

<!-- Generated from fn/api/v1alpha1/types.go, internal/rules/rules.go, internal/operator and the defaults in internal/platforms by TestReferenceIsCurrent; do not edit. -->

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
		doc := joinSentences(docs[t.Name()+"."+f.Name], operatorFacts(p), limits(t, f), defaultDoc(p))
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

// limits is the reference's sentence on the names field f of t takes,
// from the rules' table. A platform's field that replaces a shared one
// takes the shared one's names: the rules check whichever applies.
func limits(t reflect.Type, f reflect.StructField) string {
	if t == reflect.TypeOf(v1alpha1.PlatformSpec{}) {
		if shared, ok := reflect.TypeOf(v1alpha1.RegistryProfileSpec{}).FieldByName(f.Name); ok {
			return limits(reflect.TypeOf(v1alpha1.RegistryProfileSpec{}), shared)
		}
	}
	return rules.Limits(t.Name() + "." + f.Name)
}

// operatorFacts are the sentences the reference adds to a field's doc
// comment from internal/operator's tables, so that no doc comment restates
// them: the values the field takes ("One of:") and the release that added
// it. p is the field's path in the reference.
func operatorFacts(p string) string {
	rel := relPath(p)
	var out []string
	if values, ok := operator.Enums[rel]; ok {
		subject := rel[strings.LastIndex(rel, ".")+1:]
		quoted := make([]string, len(values))
		for i, v := range values {
			quoted[i] = "`" + v + "`"
			if f, ok := operator.Facts[subject+"."+v]; ok {
				quoted[i] += fmt.Sprintf(" (OpenShift %s and later)", f.Since)
			}
		}
		out = append(out, "One of: "+strings.Join(quoted, ", ")+".")
	}
	if since, ok := fieldSince(rel); ok {
		out = append(out, fmt.Sprintf("OpenShift %s and later.", since))
	}
	switch rel {
	case "openshiftVersion":
		out = append(out, fmt.Sprintf("From %s to %s.", operator.Oldest, operator.Newest))
	case "registry.logging":
		out = append(out, fmt.Sprintf("Required by OpenShift %s to %s; deprecated from %s, which has logLevel.",
			operator.Oldest, operator.LoggingRequiredUntil, operator.ConfigFieldSince["logLevel"]))
	}
	return strings.Join(out, " ")
}

// fieldSince is the release that added the field at rel, when that is
// later than the oldest release; rel's parents are not consulted, so a
// release is given once, on the field that has it.
func fieldSince(rel string) (operator.Version, bool) {
	if f, ok := strings.CutPrefix(rel, "registry."); ok {
		v, ok := operator.ConfigFieldSince[f]
		return v, ok
	}
	if rel == "pruner" {
		return operator.PrunerSince, true
	}
	if f, ok := strings.CutPrefix(rel, "pruner."); ok {
		v, ok := operator.PrunerFieldSince[f]
		return v, ok
	}
	return operator.Version{}, false
}

// relPath is a reference path as internal/operator's and
// internal/platforms' tables name it: relative to spec, or to
// spec.platforms.<platform> for the fields only a platform has.
func relPath(p string) string {
	rel := strings.TrimPrefix(p, "spec.")
	if r, ok := strings.CutPrefix(rel, "platforms.<platform>."); ok {
		return r
	}
	return rel
}

// defaultDoc is the default of the field at p, from the tables. A
// platform's field that replaces a shared one (credentials, registry, ...)
// has none of its own: unset, the shared one applies.
func defaultDoc(p string) string {
	rel := relPath(p)
	top, _, _ := strings.Cut(rel, ".")
	if _, shared := reflect.TypeOf(v1alpha1.RegistryProfileSpec{}).FieldByNameFunc(func(name string) bool {
		f, _ := reflect.TypeOf(v1alpha1.RegistryProfileSpec{}).FieldByName(name)
		return strings.Split(f.Tag.Get("json"), ",")[0] == top
	}); shared && p != "spec."+rel {
		return ""
	}
	return platforms.DefaultDoc(rel)
}

// joinSentences joins a doc comment and the sentences generated after it,
// skipping empty ones.
func joinSentences(parts ...string) string {
	var out []string
	for _, s := range parts {
		if s != "" {
			out = append(out, s)
		}
	}
	return strings.Join(out, " ")
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
