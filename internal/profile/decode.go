// Package profile decodes a RegistryProfile strictly and resolves it for one
// platform: the shared settings with the platform's own merged over them,
// remembering which layer set what so that findings name the field the user
// actually wrote.
package profile

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"os"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"regprofile.dev/regprofile/fn/api/v1alpha1"
	"regprofile.dev/regprofile/internal/diag"
)

// MaxProfileBytes bounds a profile file. A profile holds settings, not
// data; the bound keeps a mistaken or hostile input from costing gigabytes.
const MaxProfileBytes = 4 << 20

// ReadLimited reads at most MaxProfileBytes from r, and fails as soon as
// there is more: the input is bounded before it is read, so that /dev/zero
// or a runaway pipe costs 4 MiB and not all memory.
func ReadLimited(r io.Reader) ([]byte, diag.Findings) {
	data, err := io.ReadAll(io.LimitReader(r, MaxProfileBytes+1))
	if err != nil {
		return nil, diag.Findings{diag.Errorf("", "check that the file is readable", "cannot read it: %s", ioError(err))}
	}
	if len(data) > MaxProfileBytes {
		return nil, tooLarge(ProfileOrigin)
	}
	return data, nil
}

// ReadFile reads a profile file, or standard input for "-", within the
// size limit.
func ReadFile(name string, stdin io.Reader) ([]byte, diag.Findings) {
	if name == "-" {
		return ReadLimited(stdin)
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, diag.Findings{diag.Errorf("", "name an existing, readable profile file", "cannot open it: %s", ioError(err))}
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.IsDir() {
		return nil, diag.Findings{diag.Errorf("", "name a profile file", "a directory, not a profile file")}
	}
	return ReadLimited(f)
}

// ioError is an I/O error without the file name, which the caller prints.
func ioError(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

func tooLarge(src Origin) diag.Findings {
	fix := "keep large data (such as CA bundles) out of the profile, or split them"
	if src != ProfileOrigin {
		fix = src.DataFix
	}
	return diag.Findings{diag.Errorf("", fix, "the file is over %d MiB; %s is at most %d MiB", MaxProfileBytes>>20, src.Noun, MaxProfileBytes>>20)}
}

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
	docs, fs := readDocuments(data, 2, ProfileOrigin)
	if fs != nil {
		return nil, fs
	}
	switch len(docs) {
	case 0:
		return nil, diag.Findings{diag.Errorf("", "write a RegistryProfile (apiVersion "+v1alpha1.APIVersion+", kind "+v1alpha1.Kind+")", "the file is empty")}
	case 1:
	default:
		return nil, diag.Findings{diag.Errorf("", "keep one RegistryProfile per file", "the file holds more than one YAML document; a profile file holds exactly one")}
	}
	return yaml.NewRNode(docs[0]), nil
}

// ReadDocuments splits a YAML stream into its documents' root nodes,
// skipping empty ones, within the bounds every input shares: at most
// MaxProfileBytes and valid YAML. Callers run Expand on a document before
// reading it, which bounds its aliases and reports duplicate keys.
// Messages name src.
func ReadDocuments(data []byte, src Origin) ([]*yaml.Node, diag.Findings) {
	return readDocuments(data, 0, src)
}

// readDocuments reads at most limit documents (0: all of them).
func readDocuments(data []byte, limit int, src Origin) ([]*yaml.Node, diag.Findings) {
	if len(data) > MaxProfileBytes {
		return nil, tooLarge(src)
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
			return nil, diag.Findings{syntaxError(err, src)}
		}
		if n.Kind == yaml.DocumentNode && len(n.Content) == 1 && n.Content[0].Tag == "!!null" {
			continue // an empty document between separators
		}
		root := &n
		if root.Kind == yaml.DocumentNode {
			root = root.Content[0]
		}
		docs = append(docs, root)
		if limit > 0 && len(docs) >= limit {
			break
		}
	}
	return docs, nil
}

// platformName is the shape of a platform name (aws-upi, gcp-upi, ...).
// platformName and syntaxLine are compiled on first use (an error, or a
// platform to look up): not on every start of the function.
var platformName = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[a-z][a-z0-9-]{0,30}$`) })

var syntaxLine = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^(?:yaml: )?line (\d+): `) })

// syntaxError reports a YAML parse error at the line the parser names,
// without the value it quotes.
func syntaxError(err error, src Origin) diag.Finding {
	msg := nodeError(err)
	f := diag.Errorf("", "fix the YAML syntax", "not valid YAML: %s", msg)
	if m := syntaxLine().FindStringSubmatch(msg); m != nil {
		f.Line, _ = strconv.Atoi(m[1])
		f.Message = "not valid YAML: " + msg[len(m[0]):]
	}
	if src.QuietSyntax {
		f.Message = QuietYAMLMessage
	}
	return f
}

// QuietYAMLMessage is a syntax error's message for a source whose text is
// never repeated: the parser's own message may quote it.
const QuietYAMLMessage = "not valid YAML (the parser's message is not shown: it may quote the input)"

// Decode decodes one RegistryProfile node, in every mode (a file, a KRM
// item or functionConfig). It first expands aliases and merge keys within
// the limits (see Expand), so that every check, the credential guard
// first, sees the tree a YAML reader would. Unknown fields and values of
// the wrong type are errors naming the field path and its line; an unknown
// field that the API has elsewhere is sent there ("move it to ..."), and
// otherwise gets a "did you mean" suggestion when a known field is close.
func Decode(node *yaml.RNode) (*v1alpha1.RegistryProfile, diag.Findings) {
	p, tree, fs := decode(node)
	if tree == nil {
		tree = node.YNode()
	}
	return p, locate(tree, fs)
}

// decode returns the profile, or findings and the expanded tree (when
// expanding succeeded) to find their lines in.
func decode(node *yaml.RNode) (*v1alpha1.RegistryProfile, *yaml.Node, diag.Findings) {
	tree, fs := Expand(node.YNode())
	if fs.HasErrors() {
		return nil, nil, fs.Sorted()
	}
	if fs := ClearCredentials(tree, ""); fs.HasErrors() {
		return nil, tree, fs.Sorted()
	}
	if tree.Kind != yaml.MappingNode {
		return nil, tree, diag.Findings{diag.Errorf("", "write a RegistryProfile object", "expected a YAML object, got %s", kindOfValue(tree))}
	}
	if fs := checkIdentity(yaml.NewRNode(tree)); fs != nil {
		return nil, tree, fs
	}
	checkNode(tree, reflect.TypeOf(v1alpha1.RegistryProfile{}), nil, &fs)
	if fs.HasErrors() {
		// "move it to spec.platforms.<platform>..." names the profile's
		// platform when it has one of a platform name's shape (a fix
		// repeats no other value).
		if platform, _ := yaml.NewRNode(tree).Pipe(yaml.Lookup("spec", "platform")); platform != nil && platform.YNode().Kind == yaml.ScalarNode && platformName().MatchString(platform.YNode().Value) {
			for i := range fs {
				fs[i].Fix = strings.ReplaceAll(fs[i].Fix, "spec.platforms.<platform>.", "spec.platforms."+platform.YNode().Value+".")
			}
		}
		return nil, tree, fs.Sorted()
	}
	v, f := toValue(tree, nil)
	if f != nil {
		return nil, tree, diag.Findings{*f}
	}
	data, err := json.Marshal(v)
	if err != nil {
		return nil, tree, diag.Findings{diag.Errorf("", "", "cannot read the profile: %s", jsonError(err))}
	}
	var p v1alpha1.RegistryProfile
	if err := json.Unmarshal(data, &p); err != nil {
		// checkNode catches type errors with their paths; this is a backstop.
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return nil, tree, diag.Findings{diag.Errorf(te.Field, "", "expected %s", te.Type)}
		}
		return nil, tree, diag.Findings{diag.Errorf("", "", "cannot decode the profile: %s", jsonError(err))}
	}
	return &p, tree, nil
}

// jsonError is encoding/json's message without any value it quotes.
func jsonError(err error) string {
	msg := err.Error()
	if i := strings.IndexAny(msg, "\"`"); i >= 0 {
		msg = strings.TrimSpace(msg[:i])
	}
	return msg
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
		fs = append(fs, diag.Errorf("apiVersion", "set apiVersion: "+v1alpha1.APIVersion, "expected %q", v1alpha1.APIVersion))
	}
	if kind != v1alpha1.Kind {
		fs = append(fs, diag.Errorf("kind", "set kind: "+v1alpha1.Kind, "expected %q", v1alpha1.Kind))
	}
	if meta, _ := node.Pipe(yaml.Lookup("metadata")); meta != nil && meta.YNode().Kind != yaml.MappingNode {
		return append(fs, typeMismatch((*pathNode)(nil).child("metadata"), "an object", meta.YNode()))
	}
	if name == "" {
		fs = append(fs, diag.Errorf("metadata.name", "name the profile, e.g. metadata.name: registry", "a profile needs a name"))
	}
	return fs
}

var apiPkgPath = reflect.TypeOf(v1alpha1.RegistryProfile{}).PkgPath()

var unmarshalerType = reflect.TypeOf((*json.Unmarshaler)(nil)).Elem()

// checkNode walks an expanded YAML tree alongside the Go type it decodes
// into and reports unknown fields and type mismatches with their paths.
// encoding/json alone would stop at the first problem and could not
// suggest a field name. It stops after MaxFindings findings.
func checkNode(n *yaml.Node, t reflect.Type, path *pathNode, fs *diag.Findings) {
	if len(*fs) >= MaxFindings || n.ShortTag() == "!!null" {
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
		for i := 0; i+1 < len(n.Content) && len(*fs) < MaxFindings; i += 2 {
			key, val := n.Content[i].Value, n.Content[i+1]
			f, ok := fields[key]
			if !ok {
				*fs = append(*fs, unknownField(t, path, key, fields))
				continue
			}
			checkNode(val, f.Type, path.child(key), fs)
		}
	case reflect.Map:
		if n.Kind != yaml.MappingNode {
			*fs = append(*fs, typeMismatch(path, "an object", n))
			return
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			checkNode(n.Content[i+1], t.Elem(), path.child(n.Content[i].Value), fs)
		}
	case reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			*fs = append(*fs, typeMismatch(path, "a list", n))
			return
		}
		for i, item := range n.Content {
			checkNode(item, t.Elem(), path.at(i), fs)
		}
	case reflect.String:
		if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!str" {
			*fs = append(*fs, typeMismatch(path, "a string", n))
		}
	case reflect.Bool:
		if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!bool" {
			*fs = append(*fs, typeMismatch(path, "true or false", n))
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!int" {
			*fs = append(*fs, typeMismatch(path, "a whole number", n))
			return
		}
		var i int64
		if err := n.Decode(&i); err != nil || i != i<<(64-t.Bits())>>(64-t.Bits()) {
			*fs = append(*fs, diag.Errorf(path.String(), "", "out of range for a %d-bit number", t.Bits()))
		}
	case reflect.Interface:
		// Any value is accepted.
	default:
		*fs = append(*fs, diag.Errorf(path.String(), "", "cannot check a value of Go type %s", t))
	}
}

// customFix says how to write a value of a type that parses itself.
var customFix = map[string]string{
	"Duration":    "write a duration such as 60m, 1h30m or 24h",
	"Quantity":    "write a quantity such as 100Gi, 500Mi, 500m or 2",
	"IntOrString": "write a whole number or a string",
}

// checkCustom decodes a value whose type parses itself (durations,
// quantities, int-or-string) so that a parse error carries the path. The
// parser's own message quotes the value, so it is not repeated.
func checkCustom(n *yaml.Node, t reflect.Type, path *pathNode, fs *diag.Findings) {
	v, f := toValue(n, path)
	if f != nil {
		*fs = append(*fs, *f)
		return
	}
	data, err := json.Marshal(v)
	if err == nil {
		err = json.Unmarshal(data, reflect.New(t).Interface())
	}
	if err != nil {
		what := t.Name()
		*fs = append(*fs, diag.Errorf(path.String(), customFix[what], "not a valid %s", strings.ToLower(what[:1])+what[1:]))
	}
}

type jsonField struct {
	Type reflect.Type
}

// jsonFieldsCache holds jsonFields' answers: the API's types are few, the
// objects of a hostile profile many.
var jsonFieldsCache sync.Map

// jsonFields maps a struct's JSON field names to their types, following
// inlined and embedded structs as encoding/json does.
func jsonFields(t reflect.Type) map[string]jsonField {
	if m, ok := jsonFieldsCache.Load(t); ok {
		return m.(map[string]jsonField)
	}
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
	jsonFieldsCache.Store(t, out)
	return out
}

// unknownField reports a key the type lacks. The key is part of the path
// already, so the message does not repeat it. A field the API has at
// another level is sent there ("move it to ..."); otherwise a known field
// is suggested when one is close. A key far longer than any field name is
// no typo, and comparing it would cost its length times theirs.
func unknownField(t reflect.Type, path *pathNode, key string, fields map[string]jsonField) diag.Finding {
	names := make([]string, 0, len(fields))
	for k := range fields {
		names = append(names, k)
	}
	sort.Strings(names)
	at := path.child(key)
	// A known field written at the wrong level is likelier than a typo.
	// Within a Kubernetes type (a toleration, an affinity) the API's own
	// fields are no likely home.
	if places := FieldPlaces(key, path.path()); len(places) > 0 && t.PkgPath() == apiPkgPath {
		fix := "move it to " + places[0]
		if len(places) > 1 {
			fix += " (or " + strings.Join(places[1:], ", or ") + ")"
		}
		return diag.Errorf(at.String(), fix, "unknown field here")
	}
	if len(key) <= maxSuggestLen {
		if best := Closest(key, names); best != "" {
			return diag.Errorf(at.String(), "", "unknown field; did you mean %q?", best)
		}
	}
	return diag.Errorf(at.String(), "remove it; known fields here: "+strings.Join(names, ", "), "unknown field")
}

// maxSuggestLen is the longest name Closest compares.
const maxSuggestLen = 64

// typeMismatch reports a value of the wrong type. It names what was
// written (a string, a number, a list) but never repeats it: any field may
// hold what someone pasted by mistake.
func typeMismatch(path *pathNode, want string, n *yaml.Node) diag.Finding {
	fix := ""
	if want == "a string" && n.Kind == yaml.ScalarNode {
		fix = "quote the value"
	}
	return diag.Errorf(path.String(), fix, "expected %s, got %s", want, kindOfValue(n))
}

// KindOf names what a node is without its value.
func KindOf(n *yaml.Node) string { return kindOf(n) }

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
	if len(s) > maxSuggestLen {
		return ""
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

// PruneUnknown removes, from a generic value decoded from YAML or JSON, the
// fields that the Go type t does not have, and returns their paths under
// path. Values of types that parse themselves (durations, quantities) are
// left alone.
func PruneUnknown(v any, t reflect.Type, path diag.Path) []string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if reflect.PointerTo(t).Implements(unmarshalerType) {
		return nil
	}
	var out []string
	switch t.Kind() {
	case reflect.Struct:
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		fields := jsonFields(t)
		for _, k := range SortedKeys(m) {
			f, ok := fields[k]
			if !ok {
				out = append(out, path.Child(k).String())
				delete(m, k)
				continue
			}
			out = append(out, PruneUnknown(m[k], f.Type, path.Child(k))...)
		}
	case reflect.Map:
		if m, ok := v.(map[string]any); ok {
			for _, k := range SortedKeys(m) {
				out = append(out, PruneUnknown(m[k], t.Elem(), path.Child(k))...)
			}
		}
	case reflect.Slice:
		if l, ok := v.([]any); ok {
			for i, item := range l {
				out = append(out, PruneUnknown(item, t.Elem(), path.Index(i))...)
			}
		}
	}
	return out
}

// SortedKeys returns a map's keys, sorted.
func SortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
