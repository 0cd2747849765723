package profile

import (
	"regexp"
	"strconv"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"regprofile.dev/regprofile/internal/diag"
)

// Locate sets the file and line of each finding about a profile decoded
// from srcs (see DecodeSources), such as the rules' findings.
func Locate(srcs []Source, fs diag.Findings) diag.Findings {
	if len(fs) == 0 {
		return fs
	}
	nodes := make([]*yaml.RNode, len(srcs))
	for i, s := range srcs {
		n, bad := ParseDocument(s.Data)
		if bad != nil {
			return fs
		}
		nodes[i] = n
	}
	return Attribute(srcs, nodes, fs)
}

// locate sets the line of every finding whose path resolves in root.
func locate(root *yaml.Node, fs diag.Findings) diag.Findings {
	out := make(diag.Findings, len(fs))
	for i, f := range fs {
		if f.Line == 0 {
			f.Line, _ = lineOf(root, f.Path)
		}
		out[i] = f
	}
	return out
}

var index = regexp.MustCompile(`^\[(\d+)\]`)

// lineOf returns the line of the deepest part of path found under n, and
// whether that is the whole path: a key is matched whole, the longest
// first, since map keys (node selectors, platform names) may hold dots.
func lineOf(n *yaml.Node, path string) (int, bool) {
	line := 0
	for path != "" && n != nil {
		for n.Kind == yaml.AliasNode {
			n = n.Alias
		}
		path = strings.TrimPrefix(path, ".")
		if m := index.FindStringSubmatch(path); m != nil {
			i, _ := strconv.Atoi(m[1])
			if n.Kind != yaml.SequenceNode || i >= len(n.Content) {
				return line, false
			}
			n, path = n.Content[i], path[len(m[0]):]
			line = n.Line
			continue
		}
		if n.Kind != yaml.MappingNode {
			return line, false
		}
		var next *yaml.Node
		best := -1
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i].Value
			if len(k) > best && strings.HasPrefix(path, k) && (len(path) == len(k) || path[len(k)] == '.' || path[len(k)] == '[') {
				best, next, line = len(k), n.Content[i+1], n.Content[i].Line
			}
		}
		if next == nil {
			return line, false
		}
		n, path = next, path[best:]
	}
	return line, path == ""
}
