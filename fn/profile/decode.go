// Package profile decodes a RegistryProfile strictly and resolves it for one
// platform: the shared settings with the platform's own merged over them,
// remembering which layer set what so that findings name the field the user
// actually wrote.
package profile

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"regprofile.dev/regprofile/fn/api/v1alpha1"
	"regprofile.dev/regprofile/fn/diag"
)

// MaxProfileBytes bounds a profile file. A profile holds settings, not
// data; the bound keeps a mistaken or hostile input from costing gigabytes.
const MaxProfileBytes = 4 << 20

// DecodeBytes decodes a file that must hold exactly one RegistryProfile.
func DecodeBytes(data []byte) (*v1alpha1.RegistryProfile, diag.Findings) {
	node, fs := ParseDocument(data)
	if fs != nil {
		return nil, fs
	}
	return Decode(node)
}

// ParseDocument parses a file that must hold exactly one YAML document,
// a profile or a patch of one, without decoding it.
func ParseDocument(data []byte) (*yaml.RNode, diag.Findings) {
	if len(data) > MaxProfileBytes {
		return nil, diag.Findings{diag.Errorf("", "keep large data (such as CA bundles) out of the profile, or split them",
			"the file is %.1f MiB; a profile is at most %d MiB", float64(len(data))/(1<<20), MaxProfileBytes>>20)}
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var docs []*yaml.Node
	for {
		var n yaml.Node
		err := dec.Decode(&n)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, diag.Findings{syntaxError(err)}
		}
		if n.Kind == yaml.DocumentNode && len(n.Content) == 1 && n.Content[0].Tag == "!!null" {
			continue // an empty document between separators
		}
		docs = append(docs, &n)
	}
	switch len(docs) {
	case 0:
		return nil, diag.Findings{diag.Errorf("", "write a RegistryProfile (apiVersion "+v1alpha1.APIVersion+", kind "+v1alpha1.Kind+")", "the file is empty")}
	case 1:
	default:
		return nil, diag.Findings{diag.Errorf("", "keep one RegistryProfile per file", "the file holds %d YAML documents; a profile file holds exactly one", len(docs))}
	}
	root := docs[0]
	if root.Kind == yaml.DocumentNode {
		root = root.Content[0]
	}
	return yaml.NewRNode(root), nil
}

var syntaxLine = regexp.MustCompile(`^(?:yaml: )?line (\d+): `)

// syntaxError reports a YAML parse error at the line the parser names.
func syntaxError(err error) diag.Finding {
	msg := err.Error()
	f := diag.Errorf("", "fix the YAML syntax", "not valid YAML: %s", strings.TrimPrefix(msg, "yaml: "))
	if m := syntaxLine.FindStringSubmatch(msg); m != nil {
		f.Line, _ = strconv.Atoi(m[1])
		f.Message = "not valid YAML: " + msg[len(m[0]):]
	}
	return f
}

// Decode decodes one RegistryProfile node. Unknown fields and values of the
// wrong type are errors naming the field path and its line; an unknown
// field that the API has elsewhere is sent there ("move it to ..."), and
// otherwise gets a "did you mean" suggestion when a known field is close.
func Decode(node *yaml.RNode) (*v1alpha1.RegistryProfile, diag.Findings) {
	p, fs := decode(node)
	return p, locate(node.YNode(), fs)
}

func decode(node *yaml.RNode) (*v1alpha1.RegistryProfile, diag.Findings) {
	if node.YNode().Kind != yaml.MappingNode {
		return nil, diag.Findings{diag.Errorf("", "write a RegistryProfile object", "expected a YAML object, got %s", describeNode(node.YNode()))}
	}
	var dups diag.Findings
	if checkDuplicateKeys(node.YNode(), "", &dups); dups.HasErrors() {
		return nil, dups
	}
	// Decoding into a generic value first applies go-yaml's guard against
	// alias bombs before anything below expands an alias.
	var probe any
	if err := node.YNode().Decode(&probe); err != nil {
		fix := "fix the YAML"
		if strings.Contains(err.Error(), "aliasing") {
			fix = "write the values out instead of through anchors and aliases (&name, *name)"
		}
		return nil, diag.Findings{diag.Errorf("", fix, "not valid YAML: %s", strings.TrimPrefix(err.Error(), "yaml: "))}
	}
	var fs diag.Findings
	if clearCredentials(node.YNode(), "", &fs); fs.HasErrors() {
		return nil, fs.Sorted()
	}
	if fs := checkIdentity(node); fs != nil {
		return nil, fs
	}
	checkNode(node.YNode(), reflect.TypeOf(v1alpha1.RegistryProfile{}), "", &fs)
	if fs.HasErrors() {
		// "move it to spec.platforms.<platform>..." names the profile's
		// platform when it has one.
		if platform, _ := node.Pipe(yaml.Lookup("spec", "platform")); platform != nil && platform.YNode().Kind == yaml.ScalarNode && platform.YNode().Value != "" {
			for i := range fs {
				fs[i].Fix = strings.ReplaceAll(fs[i].Fix, "spec.platforms.<platform>.", "spec.platforms."+platform.YNode().Value+".")
			}
		}
		return nil, fs.Sorted()
	}
	data, err := node.MarshalJSON()
	if err != nil {
		return nil, diag.Findings{diag.Errorf("", "", "cannot read the profile: %v", err)}
	}
	var p v1alpha1.RegistryProfile
	if err := json.Unmarshal(data, &p); err != nil {
		// checkNode catches type errors with their paths; this is a backstop.
		return nil, diag.Findings{diag.Errorf("", "", "cannot decode the profile: %v", err)}
	}
	return &p, nil
}

// Identity reads an object's apiVersion, kind and metadata name without
// trusting its shape: kyaml's getters panic when, say, metadata is a list.
func Identity(node *yaml.RNode) (apiVersion, kind, name string) {
	scalar := func(n *yaml.Node, path ...string) string {
		for _, key := range path {
			if n == nil || n.Kind != yaml.MappingNode {
				return ""
			}
			var next *yaml.Node
			for i := 0; i+1 < len(n.Content); i += 2 {
				if n.Content[i].Value == key {
					next = n.Content[i+1]
				}
			}
			n = next
		}
		if n == nil || n.Kind != yaml.ScalarNode {
			return ""
		}
		return n.Value
	}
	root := node.YNode()
	return scalar(root, "apiVersion"), scalar(root, "kind"), scalar(root, "metadata", "name")
}

func checkIdentity(node *yaml.RNode) diag.Findings {
	var fs diag.Findings
	apiVersion, kind, name := Identity(node)
	if apiVersion != v1alpha1.APIVersion {
		fs = append(fs, diag.Errorf("apiVersion", "set apiVersion: "+v1alpha1.APIVersion, "expected %q, got %q", v1alpha1.APIVersion, apiVersion))
	}
	if kind != v1alpha1.Kind {
		fs = append(fs, diag.Errorf("kind", "set kind: "+v1alpha1.Kind, "expected %q, got %q", v1alpha1.Kind, kind))
	}
	if meta, _ := node.Pipe(yaml.Lookup("metadata")); meta != nil && meta.YNode().Kind != yaml.MappingNode {
		return append(fs, typeMismatch("metadata", "an object", meta.YNode()))
	}
	if name == "" {
		fs = append(fs, diag.Errorf("metadata.name", "name the profile, e.g. metadata.name: registry", "a profile needs a name"))
	}
	return fs
}

var apiPkgPath = reflect.TypeOf(v1alpha1.RegistryProfile{}).PkgPath()

var unmarshalerType = reflect.TypeOf((*json.Unmarshaler)(nil)).Elem()

// checkNode walks a YAML node alongside the Go type it decodes into and
// reports unknown fields and type mismatches with their paths. encoding/json
// alone would stop at the first problem and could not suggest a field name.
func checkNode(n *yaml.Node, t reflect.Type, path diag.Path, fs *diag.Findings) {
	for n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	if n.Tag == "!!null" {
		return // null means unset, for every field
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if reflect.PointerTo(t).Implements(unmarshalerType) {
		checkCustom(n, t, path, fs)
		return
	}
	switch t.Kind() {
	case reflect.Struct:
		if n.Kind != yaml.MappingNode {
			*fs = append(*fs, typeMismatch(path, "an object", n))
			return
		}
		fields := jsonFields(t)
		for i := 0; i+1 < len(n.Content); i += 2 {
			key, val := n.Content[i].Value, n.Content[i+1]
			f, ok := fields[key]
			if !ok {
				*fs = append(*fs, unknownField(t, path, key, fields))
				continue
			}
			checkNode(val, f.Type, path.Child(key), fs)
		}
	case reflect.Map:
		if n.Kind != yaml.MappingNode {
			*fs = append(*fs, typeMismatch(path, "an object", n))
			return
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			checkNode(n.Content[i+1], t.Elem(), path.Child(n.Content[i].Value), fs)
		}
	case reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			*fs = append(*fs, typeMismatch(path, "a list", n))
			return
		}
		for i, item := range n.Content {
			checkNode(item, t.Elem(), path.Index(i), fs)
		}
	case reflect.String:
		if n.Kind != yaml.ScalarNode || n.Tag != "!!str" {
			*fs = append(*fs, typeMismatch(path, "a string", n))
		}
	case reflect.Bool:
		if n.Kind != yaml.ScalarNode || n.Tag != "!!bool" {
			*fs = append(*fs, typeMismatch(path, "true or false", n))
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		if n.Kind != yaml.ScalarNode || n.Tag != "!!int" {
			*fs = append(*fs, typeMismatch(path, "a whole number", n))
			return
		}
		if _, err := strconv.ParseInt(n.Value, 0, t.Bits()); err != nil {
			*fs = append(*fs, diag.Errorf(path.String(), "", "%s is out of range for a %d-bit number", n.Value, t.Bits()))
		}
	case reflect.Interface:
		// Any value is accepted.
	default:
		*fs = append(*fs, diag.Errorf(path.String(), "", "cannot check a value of Go type %s", t))
	}
}

// checkDuplicateKeys reports a key written twice in one object: YAML
// forbids it, and which value would win is anyone's guess. It does not
// follow aliases, so it costs one pass over the text however many there are.
func checkDuplicateKeys(n *yaml.Node, path diag.Path, fs *diag.Findings) {
	switch n.Kind {
	case yaml.SequenceNode:
		for i, c := range n.Content {
			checkDuplicateKeys(c, path.Index(i), fs)
		}
	case yaml.MappingNode:
		first := map[string]int{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			if line, dup := first[k.Value]; dup {
				*fs = append(*fs, diag.Errorf(path.Child(k.Value).String(), "keep one of the two", "written twice, at lines %d and %d", line, k.Line))
				continue
			}
			first[k.Value] = k.Line
			checkDuplicateKeys(n.Content[i+1], path.Child(k.Value), fs)
		}
	}
}

// checkCustom decodes a value whose type parses itself (durations,
// quantities, int-or-string) so that a parse error carries the path.
func checkCustom(n *yaml.Node, t reflect.Type, path diag.Path, fs *diag.Findings) {
	var v any
	err := n.Decode(&v)
	if err == nil {
		var data []byte
		if data, err = json.Marshal(v); err == nil {
			err = json.Unmarshal(data, reflect.New(t).Interface())
		}
	}
	if err != nil {
		what := strings.TrimPrefix(t.String(), "v1.")
		*fs = append(*fs, diag.Errorf(path.String(), "", "not a valid %s: %v", what, err))
	}
}

type jsonField struct {
	Type reflect.Type
}

// jsonFields maps a struct's JSON field names to their types, following
// inlined and embedded structs as encoding/json does.
func jsonFields(t reflect.Type) map[string]jsonField {
	out := map[string]jsonField{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			continue
		}
		if (f.Anonymous && name == "") || strings.Contains(opts, "inline") {
			ft := f.Type
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			for k, v := range jsonFields(ft) {
				out[k] = v
			}
			continue
		}
		if name == "" {
			name = f.Name
		}
		out[name] = jsonField{Type: f.Type}
	}
	return out
}

func unknownField(t reflect.Type, path diag.Path, key string, fields map[string]jsonField) diag.Finding {
	names := make([]string, 0, len(fields))
	for k := range fields {
		names = append(names, k)
	}
	sort.Strings(names)
	// A known field written at the wrong level is likelier than a typo.
	// Within a Kubernetes type (a toleration, an affinity) the API's own
	// fields are no likely home.
	if places := FieldPlaces(key, path); len(places) > 0 && t.PkgPath() == apiPkgPath {
		fix := "move it to " + places[0]
		if len(places) > 1 {
			fix += " (or " + strings.Join(places[1:], ", or ") + ")"
		}
		return diag.Errorf(path.Child(key).String(), fix, "unknown field %q here", key)
	}
	if best := Closest(key, names); best != "" {
		return diag.Errorf(path.Child(key).String(), "", "unknown field %q; did you mean %q?", key, best)
	}
	return diag.Errorf(path.Child(key).String(), "remove it; known fields here: "+strings.Join(names, ", "), "unknown field %q", key)
}

func typeMismatch(path diag.Path, want string, n *yaml.Node) diag.Finding {
	if strings.Contains(string(path), "credentials") {
		// Whatever was written there may be a secret: never repeat it.
		return diag.Errorf(path.String(), "", "expected %s, got %s", want, kindOf(n))
	}
	fix := ""
	if want == "a string" && n.Kind == yaml.ScalarNode {
		fix = fmt.Sprintf("quote the value: %q", n.Value)
	}
	return diag.Errorf(path.String(), fix, "expected %s, got %s", want, describeNode(n))
}

// kindOf names what a node is without its value.
func kindOf(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "an object"
	case yaml.SequenceNode:
		return "a list"
	}
	return "a value"
}

// describeNode names what a node is, with its value when it is a scalar.
func describeNode(n *yaml.Node) string {
	if n.Kind != yaml.ScalarNode {
		return kindOf(n)
	}
	switch n.Tag {
	case "!!str":
		return fmt.Sprintf("the string %q", n.Value)
	case "!!int":
		return "the number " + n.Value
	case "!!float":
		return "the number " + n.Value
	case "!!bool":
		return n.Value
	}
	return strconv.Quote(n.Value)
}

// Closest returns the candidate nearest to s by edit distance, or "" when
// none is near enough to be a likely typo.
func Closest(s string, candidates []string) string {
	best, bestDist := "", -1
	for _, c := range candidates {
		d := editDistance(strings.ToLower(s), strings.ToLower(c))
		if bestDist < 0 || d < bestDist {
			best, bestDist = c, d
		}
	}
	limit := len(s) / 3
	if limit < 2 {
		limit = 2
	}
	if bestDist < 0 || bestDist > limit {
		return ""
	}
	return best
}

// editDistance is the Levenshtein distance between a and b.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
