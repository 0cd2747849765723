package profile

import (
	"bytes"
	"regexp"
	"strconv"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"regprofile.dev/regprofile/fn/diag"
)

// Lines gives each finding that lacks one the line of the profile file data
// its field path stands on: the key of that field, or of the nearest parent
// the file writes (a rule about a defaulted field points at its parent).
// data is the file the findings are about; findings on other input are
// returned as they are.
func Lines(data []byte, fs diag.Findings) diag.Findings {
	if len(fs) == 0 || len(data) > MaxProfileBytes {
		return fs
	}
	var doc yaml.Node
	if err := yaml.NewDecoder(bytes.NewReader(data)).Decode(&doc); err != nil || doc.Kind != yaml.DocumentNode || len(doc.Content) != 1 {
		return fs
	}
	return locate(doc.Content[0], fs)
}

// locate sets the line of every finding whose path resolves in root.
func locate(root *yaml.Node, fs diag.Findings) diag.Findings {
	out := make(diag.Findings, len(fs))
	for i, f := range fs {
		if f.Line == 0 {
			f.Line = lineOf(root, f.Path)
		}
		out[i] = f
	}
	return out
}

var index = regexp.MustCompile(`^\[(\d+)\]`)

// lineOf returns the line of the deepest part of path found under n: a key
// is matched whole, the longest first, since map keys (node selectors,
// platform names) may hold dots.
func lineOf(n *yaml.Node, path string) int {
	line := 0
	for path != "" && n != nil {
		for n.Kind == yaml.AliasNode {
			n = n.Alias
		}
		path = strings.TrimPrefix(path, ".")
		if m := index.FindStringSubmatch(path); m != nil {
			i, _ := strconv.Atoi(m[1])
			if n.Kind != yaml.SequenceNode || i >= len(n.Content) {
				return line
			}
			n, path = n.Content[i], path[len(m[0]):]
			line = n.Line
			continue
		}
		if n.Kind != yaml.MappingNode {
			return line
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
			return line
		}
		n, path = next, path[best:]
	}
	return line
}
