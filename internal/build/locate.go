package build

import (
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"

	yaml3 "sigs.k8s.io/kustomize/kyaml/yaml"

	"regprofile.dev/regprofile/internal/krm"
)

// locator finds the file and line that set a result's field: the last
// strategic-merge patch that writes it, else the resource file that does.
// kustomize itself can only name the resource: the patch is merged away
// before any function sees it.
type locator struct {
	files []string // latest first: patches in reverse order, then resources
	docs  map[string][]*yaml3.Node
}

func newLocator(p *plan) *locator {
	l := &locator{docs: map[string][]*yaml3.Node{}}
	for i := len(p.patches) - 1; i >= 0; i-- {
		l.files = append(l.files, p.patches[i])
	}
	l.files = append(l.files, p.resources...)
	return l
}

// locate returns "file:line" for a result about a field of the
// profile, or "".
func (l *locator) locate(r *krm.Result) string {
	if r.Field == nil || r.Field.Path == "" || r.ResourceRef == nil {
		return ""
	}
	path := splitPath(r.Field.Path)
	best, bestLen, bestLine := "", 0, 0
	for _, f := range l.files {
		for _, doc := range l.load(f) {
			if !isObject(doc, r.ResourceRef.Kind, r.ResourceRef.Name) {
				continue
			}
			n, line := lookup(doc, path)
			if n > bestLen {
				best, bestLen, bestLine = f, n, line
			}
			if n == len(path) {
				return fmt.Sprintf("%s:%d", rel(best), bestLine)
			}
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf("%s:%d", rel(best), bestLine)
}

func (l *locator) load(file string) []*yaml3.Node {
	if docs, ok := l.docs[file]; ok {
		return docs
	}
	var docs []*yaml3.Node
	if data, err := os.ReadFile(file); err == nil {
		dec := yaml3.NewDecoder(strings.NewReader(string(data)))
		for {
			var n yaml3.Node
			if dec.Decode(&n) != nil {
				break
			}
			if len(n.Content) == 1 {
				docs = append(docs, n.Content[0])
			}
		}
	}
	l.docs[file] = docs
	return docs
}

func isObject(doc *yaml3.Node, kind, name string) bool {
	k := field(doc, "kind")
	md := field(doc, "metadata")
	return k != nil && k.Value == kind && md != nil && field(md, "name") != nil && field(md, "name").Value == name
}

func field(m *yaml3.Node, key string) *yaml3.Node {
	if m == nil || m.Kind != yaml3.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

// lookup follows path from doc as far as the document has it and returns
// how many steps it followed and the line of the last key it found.
func lookup(doc *yaml3.Node, path []string) (int, int) {
	n, line := doc, 0
	for i, step := range path {
		if idx, err := strconv.Atoi(step); err == nil {
			if n.Kind != yaml3.SequenceNode || idx >= len(n.Content) {
				return i, line
			}
			n = n.Content[idx]
			line = n.Line
			continue
		}
		if n.Kind != yaml3.MappingNode {
			return i, line
		}
		var next *yaml3.Node
		for j := 0; j+1 < len(n.Content); j += 2 {
			if n.Content[j].Value == step {
				next, line = n.Content[j+1], n.Content[j].Line
				break
			}
		}
		if next == nil {
			return i, line
		}
		n = next
	}
	return len(path), line
}

var indexRE = regexp.MustCompile(`\[(\d+)\]`)

// splitPath splits a field path such as spec.routes[1].name, or
// spec.platforms.aws-upi.registry, into its steps.
func splitPath(p string) []string {
	p = indexRE.ReplaceAllString(p, ".$1")
	return strings.Split(strings.Trim(p, "."), ".")
}
