// Package adopt turns a running registry's objects, as `oc get -o yaml`
// prints them, into a RegistryProfile that renders the same spec fields:
// the first step in bringing a hand-configured cluster under GitOps.
//
// Data flows one way: read the objects (within the decoder's bounds), pick
// the registry's own, translate each into profile fields (dropping what the
// operator owns, status and metadata noise, and never copying a secret),
// share what every cluster has in common, drop what the platform's defaults
// already give, and check the result by rendering it.
package adopt

import (
	"fmt"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"regprofile.dev/regprofile/internal/diag"
	"regprofile.dev/regprofile/internal/profile"
)

// Input is one file of objects.
type Input struct {
	// Name is the file's name as the user gave it ("<stdin>" for -).
	Name string
	Data []byte
}

// Finding is a finding about one input file.
type Finding struct {
	File string
	diag.Finding
}

// Findings is a list of findings about input files.
type Findings []Finding

// HasErrors reports whether any finding is an error.
func (fs Findings) HasErrors() bool {
	for _, f := range fs {
		if f.Severity == diag.Error {
			return true
		}
	}
	return false
}

// Sorted returns the findings in diag's order (errors first, then by
// path and message), by file within each severity.
func (fs Findings) Sorted() Findings {
	out := append(Findings(nil), fs...)
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Severity == b.Severity && a.File != b.File {
			return a.File < b.File
		}
		return diag.Less(a.Finding, b.Finding)
	})
	return out
}

func (fs *Findings) add(file string, f diag.Finding) { *fs = append(*fs, Finding{file, f}) }

// object is one Kubernetes object read from an input file.
type object struct {
	file       string
	apiVersion string
	kind       string
	namespace  string
	name       string
	m          map[string]any
}

func (o *object) id() string {
	if o.namespace == "" {
		return o.kind + "/" + o.name
	}
	return o.kind + "/" + o.namespace + "/" + o.name
}

// group is the object's API group ("" for the core group).
func (o *object) group() string {
	g, _, found := strings.Cut(o.apiVersion, "/")
	if !found {
		return ""
	}
	return g
}

// maxObjects bounds how many objects the input may hold, Lists included.
const maxObjects = 10000

// readObjects reads every object of a file: several documents, a v1 List
// (what `oc get A B -o yaml` prints), or both. The file goes through the
// profile decoder's bounds (size, syntax, duplicate keys and alias bombs),
// whose messages name an input file. A YAML error names the file and the
// line, never the parser's message: the input may hold any secret, and the
// parser quotes what it could not read.
func readObjects(in Input, fs *Findings) []*object {
	docs, dfs := profile.ReadDocuments(in.Data, profile.LiveOrigin)
	for _, f := range dfs {
		fs.add(in.Name, f)
	}
	if dfs.HasErrors() {
		return nil
	}
	var out []*object
	var walk func(n *yaml.Node, path diag.Path)
	walk = func(n *yaml.Node, path diag.Path) {
		if len(out) >= maxObjects {
			return
		}
		if n.Kind != yaml.MappingNode {
			fs.add(in.Name, diag.Errorf(path.String(), "give the objects as `oc get -o yaml` prints them", "expected a Kubernetes object, got %s", profile.KindOf(n)))
			return
		}
		var m map[string]any
		if err := n.Decode(&m); err != nil {
			f := diag.Errorf(path.String(), "fix the YAML at that line", "%s", profile.QuietYAMLMessage)
			f.Line = errorLine(err, n)
			fs.add(in.Name, f)
			return
		}
		o := &object{file: in.Name, m: m, apiVersion: str(m, "apiVersion"), kind: str(m, "kind"),
			namespace: str(m, "metadata", "namespace"), name: str(m, "metadata", "name")}
		if items, ok := m["items"].([]any); ok && strings.HasSuffix(o.kind, "List") {
			itemsNode := field(n, "items")
			for i := range items {
				walk(itemsNode.Content[i], path.Child("items").Index(i))
			}
			return
		}
		if o.kind == "" || o.apiVersion == "" {
			fs.add(in.Name, diag.Errorf(path.String(), "give the objects as `oc get -o yaml` prints them", "an object without apiVersion and kind"))
			return
		}
		out = append(out, o)
	}
	for i, d := range docs {
		// Expand bounds aliases and reports keys written twice.
		d, efs := profile.ExpandFrom(d, profile.LiveOrigin)
		if efs.HasErrors() {
			for _, f := range efs {
				fs.add(in.Name, f)
			}
			continue
		}
		path := diag.Path("")
		if len(docs) > 1 {
			path = diag.Path(fmt.Sprintf("document %d", i+1))
		}
		walk(d, path)
	}
	if len(out) >= maxObjects {
		fs.add(in.Name, diag.Errorf("", "give only the registry's objects", "more than %d objects", maxObjects))
		return nil
	}
	return out
}

func field(n *yaml.Node, key string) *yaml.Node {
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

// get walks nested maps.
func get(m map[string]any, path ...string) any {
	var v any = m
	for _, k := range path {
		mm, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = mm[k]
	}
	return v
}

func str(m map[string]any, path ...string) string {
	s, _ := get(m, path...).(string)
	return s
}

func mapAt(m map[string]any, path ...string) map[string]any {
	mm, _ := get(m, path...).(map[string]any)
	return mm
}

// clean removes nulls, empty strings, empty objects and empty lists, at any
// depth: the operator writes them back, and they mean "unset".
func clean(v any) any { return cleanT(v, nil, false) }

// cleanT is clean guided by the Go type the value decodes into (nil when
// unknown): an empty string is kept as a map's value, where it means
// something (nodeSelector: {node-role.kubernetes.io/infra: ""}).
func cleanT(v any, t reflect.Type, inMap bool) any {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch v := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, c := range v {
			var ct reflect.Type
			isMap := t != nil && t.Kind() == reflect.Map
			switch {
			case isMap:
				ct = t.Elem()
			case t != nil && t.Kind() == reflect.Struct:
				ct = fieldType(t, k)
			}
			if c = cleanT(c, ct, isMap); c != nil {
				out[k] = c
			}
		}
		if len(out) == 0 {
			if t != nil && t.Kind() == reflect.Struct && t.NumField() == 0 {
				return out // a marker such as emptyDir: {}
			}
			return nil
		}
		return out
	case []any:
		if len(v) == 0 {
			return nil
		}
		var et reflect.Type
		if t != nil && t.Kind() == reflect.Slice {
			et = t.Elem()
		}
		out := make([]any, 0, len(v))
		for _, c := range v {
			if c = cleanT(c, et, false); c != nil {
				out = append(out, c)
			} else {
				out = append(out, map[string]any{})
			}
		}
		return out
	case string:
		if v == "" && !inMap {
			return nil
		}
	}
	return v
}

// nonEmpty returns v, or nil when it is nil, an empty string, object or
// list; unlike clean it never changes what it keeps.
func nonEmpty(v any) any {
	switch x := v.(type) {
	case nil:
		return nil
	case string:
		if x == "" {
			return nil
		}
	case map[string]any:
		if len(x) == 0 {
			return nil
		}
	case []any:
		if len(x) == 0 {
			return nil
		}
	}
	return v
}

// yamlLine finds the line a YAML error names ("line 7: ...").
var yamlLine = regexp.MustCompile(`line (\d+)`)

// errorLine is the line of a YAML error: the one it names, else that of
// the first value that does not decode on its own (a value whose tag does
// not fit it, !!int on a word), else the object's.
func errorLine(err error, n *yaml.Node) int {
	if m := yamlLine.FindStringSubmatch(err.Error()); m != nil {
		if line, convErr := strconv.Atoi(m[1]); convErr == nil {
			return line
		}
	}
	if bad := undecodable(n); bad != nil {
		return bad.Line
	}
	return n.Line
}

// undecodable finds the first scalar of an (expanded, bounded) tree that
// does not decode.
func undecodable(n *yaml.Node) *yaml.Node {
	if n.Kind == yaml.ScalarNode {
		var v any
		if n.Decode(&v) != nil {
			return n
		}
		return nil
	}
	for _, c := range n.Content {
		if bad := undecodable(c); bad != nil {
			return bad
		}
	}
	return nil
}
