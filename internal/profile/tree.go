package profile

import (
	"regexp"
	"strconv"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"regprofile.dev/regprofile/internal/diag"
)

// Limits bound what one profile may cost, whatever its shape. Every stage
// after Expand walks the expanded tree once, so that time and memory stay
// linear in these numbers.
const (
	// MaxDepth bounds how deeply objects and lists nest. The deepest
	// field of the API (an affinity term's match expressions) is at
	// depth 12.
	MaxDepth = 64
	// MaxNodes bounds the values of the expanded tree (every key, value
	// and list item, each alias counted as many times as it is used).
	MaxNodes = 100_000
	// MaxExpandedBytes bounds the text of the expanded tree's scalars:
	// aliases cannot make a profile larger than a file may be.
	MaxExpandedBytes = MaxProfileBytes
	// MaxFindings bounds the findings the decoder reports about one
	// profile; the rest are counted.
	MaxFindings = 100
)

// Origin names what a reader reads, for the messages of the bounds every
// input shares (size, syntax, nesting, aliases): a profile, or the live
// objects import and leftovers read. A message names what was read.
type Origin struct {
	// Noun is what was read, with its article: "a profile", "an input file".
	Noun string
	// The fixes: keeping data small, and a structure's nesting.
	DataFix, DepthFix string
	// QuietSyntax hides the YAML parser's message, which may quote the
	// input, from syntax errors: only the line is given.
	QuietSyntax bool
}

// The origins regprofile reads.
var (
	ProfileOrigin = Origin{Noun: "a profile", DataFix: "keep data out of the profile",
		DepthFix: "flatten the structure; no profile field nests this deeply"}
	// LiveOrigin is what `oc get -o yaml` printed, which may hold any
	// object's values, secrets among them.
	LiveOrigin = Origin{Noun: "an input file", DataFix: "give only the registry's objects, split over several files",
		DepthFix: "give the objects as `oc get -o yaml` prints them; none of the registry's nests this deeply", QuietSyntax: true}
)

// the is the source's noun with "the" for its article.
func (s Origin) the() string {
	_, noun, _ := strings.Cut(s.Noun, " ")
	return "the " + noun
}

// pathNode is a field path built lazily: a walk extends it at no cost and
// only a finding turns it into text. Building the text for every node
// would cost depth times key length for each of them.
type pathNode struct {
	parent *pathNode
	key    string
	index  int // for a list item; key is then ""
	item   bool
}

func (p *pathNode) child(key string) *pathNode { return &pathNode{parent: p, key: key} }
func (p *pathNode) at(i int) *pathNode         { return &pathNode{parent: p, index: i, item: true} }

func (p *pathNode) path() diag.Path {
	if p == nil {
		return ""
	}
	var parts []*pathNode
	for q := p; q != nil; q = q.parent {
		parts = append(parts, q)
	}
	var out diag.Path
	for i := len(parts) - 1; i >= 0; i-- {
		if parts[i].item {
			out = out.Index(parts[i].index)
		} else {
			out = out.Child(parts[i].key)
		}
	}
	return out
}

func (p *pathNode) String() string { return p.path().String() }

// expander copies a YAML tree with every alias and merge key resolved,
// within the limits above.
type expander struct {
	src          Origin
	nodes, bytes int
	fs           diag.Findings
	stop         bool
}

// Expand returns a copy of the tree at n with aliases replaced by what
// they point at and merge keys (<<) merged in, so that every later check,
// the credential guard first, sees what a YAML reader would. It reports a
// key written twice in one object, and input over the limits: too deep,
// too many values, or aliases expanding beyond the size a file may have.
// On any error the tree is nil.
func Expand(n *yaml.Node) (*yaml.Node, diag.Findings) { return ExpandFrom(n, ProfileOrigin) }

// ExpandFrom is Expand for a document of src, whose messages name it.
func ExpandFrom(n *yaml.Node, src Origin) (*yaml.Node, diag.Findings) {
	if n.Kind == yaml.DocumentNode && len(n.Content) == 1 {
		n = n.Content[0]
	}
	e := &expander{src: src}
	out := e.copy(n, nil, 0)
	if e.fs.HasErrors() {
		return nil, e.fs
	}
	return out, nil
}

func (e *expander) fail(path *pathNode, fix, format string, args ...any) {
	if len(e.fs) < MaxFindings {
		e.fs = append(e.fs, diag.Errorf(path.String(), fix, format, args...))
	}
}

func (e *expander) copy(n *yaml.Node, path *pathNode, depth int) *yaml.Node {
	if e.stop {
		return nil
	}
	for hops := 0; n.Kind == yaml.AliasNode; hops++ {
		if n.Alias == nil || hops > MaxDepth {
			e.fail(path, "write the value out instead of through an alias", "an alias that points at nothing")
			e.stop = true
			return nil
		}
		n = n.Alias
	}
	e.nodes++
	e.bytes += len(n.Value)
	switch {
	case depth > MaxDepth:
		e.fail(path, e.src.DepthFix, "nested more than %d levels deep", MaxDepth)
		e.stop = true
		return nil
	case e.nodes > MaxNodes:
		e.fail(path, "write the values out instead of through anchors and aliases, and "+e.src.DataFix,
			"%s has more than %d values (aliases counted each time they are used); %s is at most %d", e.src.the(), MaxNodes, e.src.Noun, MaxNodes)
		e.stop = true
		return nil
	case e.bytes > MaxExpandedBytes:
		e.fail(path, "write the values out instead of through anchors and aliases (&name, *name), and "+e.src.DataFix,
			"%s's values, with aliases expanded, exceed %d MiB", e.src.the(), MaxExpandedBytes>>20)
		e.stop = true
		return nil
	}
	out := &yaml.Node{Kind: n.Kind, Style: n.Style, Tag: n.Tag, Value: n.Value, Line: n.Line, Column: n.Column}
	switch n.Kind {
	case yaml.SequenceNode:
		out.Content = make([]*yaml.Node, 0, len(n.Content))
		for i, c := range n.Content {
			out.Content = append(out.Content, e.copy(c, path.at(i), depth+1))
		}
	case yaml.MappingNode:
		e.mapping(n, out, path, depth)
	case yaml.DocumentNode:
		e.fail(path, "", "a nested YAML document")
		e.stop = true
	}
	if e.stop {
		return nil
	}
	return out
}

// mapping copies an object: its own keys first, each at most once, then
// the keys of merged objects that it does not set itself (YAML's merge key
// semantics: explicit keys win, and earlier merged objects win over later).
func (e *expander) mapping(n, out *yaml.Node, path *pathNode, depth int) {
	seen := map[string]int{}
	var merges []*yaml.Node
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if isMergeKey(k) {
			merges = append(merges, v)
			continue
		}
		key := e.copy(k, path, depth+1)
		if e.stop {
			return
		}
		if key.Kind != yaml.ScalarNode {
			e.fail(path, "use a plain string as the key", "an object key that is %s", kindOf(key))
			continue
		}
		if line, dup := seen[key.Value]; dup {
			e.fail(path.child(key.Value), "keep one of the two", "written twice, at lines %d and %d", line, k.Line)
			continue
		}
		seen[key.Value] = k.Line
		out.Content = append(out.Content, key, e.copy(v, path.child(key.Value), depth+1))
	}
	for _, m := range merges {
		for m.Kind == yaml.AliasNode && m.Alias != nil {
			m = m.Alias
		}
		sources := []*yaml.Node{m}
		if m.Kind == yaml.SequenceNode {
			sources = m.Content
		}
		for _, src := range sources {
			for src.Kind == yaml.AliasNode && src.Alias != nil {
				src = src.Alias
			}
			if src.Kind != yaml.MappingNode {
				e.fail(path.child("<<"), "merge an object (<<: *name, where &name marks an object)", "a merge key (<<) takes an object or a list of objects")
				return
			}
			merged := &yaml.Node{Kind: yaml.MappingNode}
			e.mapping(src, merged, path, depth)
			if e.stop {
				return
			}
			for i := 0; i+1 < len(merged.Content); i += 2 {
				if _, set := seen[merged.Content[i].Value]; set {
					continue
				}
				seen[merged.Content[i].Value] = merged.Content[i].Line
				out.Content = append(out.Content, merged.Content[i], merged.Content[i+1])
			}
		}
	}
}

func isMergeKey(k *yaml.Node) bool {
	return k.Kind == yaml.ScalarNode && k.Tag == "!!merge"
}

// toValue converts an expanded tree into the values encoding/json
// produces (maps, slices, strings, json.Number, bools, nil). Unlike
// go-yaml's decoder, whose duplicate-key check is quadratic in an object's
// width, it costs one pass: Expand has already rejected duplicate keys.
func toValue(n *yaml.Node, path *pathNode) (any, *diag.Finding) {
	switch n.Kind {
	case yaml.MappingNode:
		m := make(map[string]any, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			v, f := toValue(n.Content[i+1], path.child(n.Content[i].Value))
			if f != nil {
				return nil, f
			}
			m[n.Content[i].Value] = v
		}
		return m, nil
	case yaml.SequenceNode:
		s := make([]any, 0, len(n.Content))
		for i, c := range n.Content {
			v, f := toValue(c, path.at(i))
			if f != nil {
				return nil, f
			}
			s = append(s, v)
		}
		return s, nil
	}
	switch n.ShortTag() {
	case "!!null":
		return nil, nil
	case "!!bool":
		var b bool
		if err := n.Decode(&b); err != nil {
			return nil, &diag.Finding{Severity: diag.Error, Path: path.String(), Message: "not a valid true or false"}
		}
		return b, nil
	case "!!int":
		var i int64
		if err := n.Decode(&i); err == nil {
			return jsonNumber(strconv.FormatInt(i, 10)), nil
		}
		var u uint64
		if err := n.Decode(&u); err == nil {
			return jsonNumber(strconv.FormatUint(u, 10)), nil
		}
		f := diag.Errorf(path.String(), "write a smaller number", "a whole number too large for any field")
		return nil, &f
	case "!!float":
		var x float64
		if err := n.Decode(&x); err != nil || x != x || x > 1e308 || x < -1e308 {
			f := diag.Errorf(path.String(), "write a finite number", "not a number JSON can carry (infinity or NaN)")
			return nil, &f
		}
		return jsonNumber(strconv.FormatFloat(x, 'g', -1, 64)), nil
	}
	return n.Value, nil
}

// jsonNumber is a number kept as its decimal text.
type jsonNumber string

func (j jsonNumber) MarshalJSON() ([]byte, error) { return []byte(j), nil }

// kindOfValue names a converted value's type without its content.
func kindOfValue(n *yaml.Node) string {
	if n.Kind != yaml.ScalarNode {
		return kindOf(n)
	}
	switch n.ShortTag() {
	case "!!int", "!!float":
		return "a number"
	case "!!bool":
		return "true or false"
	case "!!null":
		return "null"
	case "!!str":
		return "a string"
	}
	return "a value"
}

// nodeError is a finding's text for a YAML library error: only go-yaml's
// own description and line, never the value it quotes.
func nodeError(err error) string {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	// The parser quotes input in `...` (a value): keep only what comes
	// before. It names an unknown anchor too, in '...' (where its own
	// punctuation is also quoted that way: "expected ',' or '}'").
	if i := strings.Index(msg, "`"); i >= 0 {
		msg = strings.TrimSpace(msg[:i])
	}
	if anchor := unknownAnchor.FindStringIndex(msg); anchor != nil {
		msg = msg[:anchor[0]] + "unknown anchor referenced" + msg[anchor[1]:]
	}
	return msg
}

// unknownAnchor is the parser's message naming an anchor it cannot find.
var unknownAnchor = regexp.MustCompile(`unknown anchor '.*' referenced`)
