package render

import (
	"sort"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"regprofile.dev/regprofile/fn/api/v1alpha1"
	"regprofile.dev/regprofile/internal/diag"
	"regprofile.dev/regprofile/internal/manifest"
)

// Platforms lists the platforms a profile names, sorted: the keys of
// spec.platforms and spec.platform.
func Platforms(p *v1alpha1.RegistryProfile) []string {
	seen := map[string]bool{}
	if p.Spec.Platform != "" {
		seen[p.Spec.Platform] = true
	}
	for name := range p.Spec.Platforms {
		seen[name] = true
	}
	out := make([]string, 0, len(seen))
	for name := range seen {
		out = append(out, name)
	}
	sort.Strings(out)
	return out
}

// Rendered is one platform's objects, each with its YAML.
type Rendered struct {
	Platform string
	Objects  []*manifest.Object
	YAML     map[*manifest.Object]string
}

// All renders every platform the profile names. A finding that
// some platforms report and others do not names them, unless its field
// path does already (spec.platforms.<platform>...).
func All(p *v1alpha1.RegistryProfile) ([]Rendered, diag.Findings) {
	names := Platforms(p)
	if len(names) == 0 {
		return nil, diag.Findings{diag.Errorf("spec.platforms", "add a section per platform to render (spec.platforms.<platform>: {}), or set spec.platform",
			"the profile names no platform to emit")}
	}
	var out []Rendered
	var order []string
	enc := newSerializer()
	found := map[string]diag.Finding{}
	on := map[string][]string{}
	failed := false
	for _, name := range names {
		objs, fs := Render(p, Options{Platform: name})
		for _, f := range fs {
			key := string(f.Severity) + " " + f.Text()
			if _, ok := found[key]; !ok {
				order = append(order, key)
				found[key] = f
			}
			on[key] = append(on[key], name)
		}
		if fs.HasErrors() {
			failed = true
			continue
		}
		r, err := enc.serialize(name, objs)
		if err != nil {
			return nil, diag.Findings{diag.Errorf("", "", "%v", err)}
		}
		out = append(out, r)
	}
	var fs diag.Findings
	for _, key := range order {
		f := found[key]
		if len(on[key]) < len(names) && !strings.HasPrefix(f.Path, "spec.platforms.") {
			f.Message += " (on " + strings.Join(on[key], ", ") + ")"
		}
		fs = append(fs, f)
	}
	if failed {
		return nil, fs.Sorted()
	}
	return out, fs.Sorted()
}

// serializer writes rendered objects as YAML. YAML encoding is most of
// what emit costs, and most objects (those bases/ holds) render the same
// on every platform: an object whose node tree equals one encoded before
// reuses that text, since the encoder's output depends on the tree alone.
type serializer struct {
	done map[string][]encoded // by object ID
}

type encoded struct {
	node *yaml.Node
	text string
}

func newSerializer() *serializer {
	return &serializer{done: map[string][]encoded{}}
}

func (s *serializer) serialize(platform string, objs []*manifest.Object) (Rendered, error) {
	r := Rendered{Platform: platform, Objects: objs, YAML: make(map[*manifest.Object]string, len(objs))}
	for _, o := range objs {
		rn, err := o.RNode()
		if err != nil {
			return r, err
		}
		r.YAML[o] = s.text(o.ID(), rn.YNode())
	}
	return r, nil
}

func (s *serializer) text(id string, n *yaml.Node) string {
	for _, e := range s.done[id] {
		if sameNode(e.node, n) {
			return e.text
		}
	}
	text := yaml.NewRNode(n).MustString()
	s.done[id] = append(s.done[id], encoded{node: n, text: text})
	return text
}

// sameNode reports whether two node trees encode the same: every field the
// encoder reads is equal (positions are not read).
func sameNode(a, b *yaml.Node) bool {
	if a == b {
		return true
	}
	if a == nil || b == nil {
		return false
	}
	if a.Kind != b.Kind || a.Style != b.Style || a.Tag != b.Tag || a.Value != b.Value || a.Anchor != b.Anchor ||
		a.HeadComment != b.HeadComment || a.LineComment != b.LineComment || a.FootComment != b.FootComment ||
		len(a.Content) != len(b.Content) || !sameNode(a.Alias, b.Alias) {
		return false
	}
	for i := range a.Content {
		if !sameNode(a.Content[i], b.Content[i]) {
			return false
		}
	}
	return true
}

// Beside serializes one platform's objects beside a render of every other
// platform the profile names, for finding what the platforms share (a
// platform that does not render is left out).
func Beside(p *v1alpha1.RegistryProfile, platform string, objs []*manifest.Object) ([]Rendered, error) {
	enc := newSerializer()
	self, err := enc.serialize(platform, objs)
	if err != nil {
		return nil, err
	}
	rs := []Rendered{self}
	for _, name := range Platforms(p) {
		if name == platform {
			continue
		}
		others, fs := Render(p, Options{Platform: name})
		if fs.HasErrors() {
			continue
		}
		r, err := enc.serialize(name, others)
		if err != nil {
			return nil, err
		}
		rs = append(rs, r)
	}
	return rs, nil
}
