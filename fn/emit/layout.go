// Package emit writes what a RegistryProfile renders on every platform it
// names as a plain kustomize tree (the "rendered manifests" pattern):
// bases/ holds the objects every platform renders identically, and
// overlays/<platform>/ the rest, as whole resources. Building
// overlays/<platform> with plain kustomize (no plugins) gives the same bytes
// as the function gives for that platform through kustomize.
//
// Overlays hold whole objects rather than patches over a base object: a
// reviewer then reads exactly what is applied, and the bytes do not depend
// on how kustomize's patch merge orders new fields.
package emit

import (
	"fmt"
	"path"
	"sort"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"regprofile.dev/regprofile/fn/api/v1alpha1"
	"regprofile.dev/regprofile/fn/diag"
	"regprofile.dev/regprofile/fn/kobj"
	"regprofile.dev/regprofile/fn/render"
)

// Directories of the emitted tree.
const (
	BasesDir    = "bases"
	OverlaysDir = "overlays"
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
	Objects  []*kobj.Object
	YAML     map[*kobj.Object]string
}

// RenderAll renders every platform the profile names. A finding that
// some platforms report and others do not names them, unless its field
// path does already (spec.platforms.<platform>...).
func RenderAll(p *v1alpha1.RegistryProfile) ([]Rendered, diag.Findings) {
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
		objs, fs := render.Render(p, render.Options{Platform: name})
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

func (s *serializer) serialize(platform string, objs []*kobj.Object) (Rendered, error) {
	r := Rendered{Platform: platform, Objects: objs, YAML: make(map[*kobj.Object]string, len(objs))}
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

// ObjectFile is where an object's file goes inside its directory, as kpt
// names files by default: <namespace>/<kind>_<name>.yaml, the namespace
// left out for cluster-scoped objects.
func ObjectFile(o *kobj.Object) string {
	return path.Join(o.Namespace, strings.ToLower(o.Kind)+"_"+o.Name+".yaml")
}

// Shared returns the IDs of the objects that every rendered platform
// renders with the same bytes: those go to bases/.
func Shared(rs []Rendered) map[string]bool {
	count := map[string]int{}
	yamlOf := map[string]string{}
	for i, r := range rs {
		for _, o := range r.Objects {
			y := r.YAML[o]
			if i == 0 {
				yamlOf[o.ID()] = y
			}
			if yamlOf[o.ID()] == y {
				count[o.ID()]++
			}
		}
	}
	shared := map[string]bool{}
	for id, n := range count {
		if n == len(rs) {
			shared[id] = true
		}
	}
	return shared
}

// Path is where an object of a platform goes in the emitted tree, relative
// to its root: bases/... when shared, else overlays/<platform>/....
func Path(platform string, o *kobj.Object, shared map[string]bool) string {
	if shared[o.ID()] {
		return path.Join(BasesDir, ObjectFile(o))
	}
	return path.Join(OverlaysDir, platform, ObjectFile(o))
}

// Tree is the emitted tree: file contents by slash-separated path relative
// to the output directory.
type Tree map[string][]byte

// Build lays out the rendered platforms as a kustomize tree. source names
// the profile in the kustomization files' header comments.
func Build(rs []Rendered, source string) (Tree, error) {
	shared := Shared(rs)
	tree := Tree{}
	add := func(p string, data []byte) error {
		if _, dup := tree[p]; dup {
			return fmt.Errorf("two rendered objects map to the same file %s", p)
		}
		tree[p] = data
		return nil
	}
	var baseFiles []string
	for _, r := range rs {
		var own []string
		for _, o := range r.Objects {
			p := Path(r.Platform, o, shared)
			if shared[o.ID()] {
				if r.Platform != rs[0].Platform {
					continue // written once, from the first platform
				}
				baseFiles = append(baseFiles, ObjectFile(o))
			} else {
				own = append(own, ObjectFile(o))
			}
			if err := add(p, []byte(r.YAML[o])); err != nil {
				return nil, err
			}
		}
		header := fmt.Sprintf("What the %s platform renders beyond ../../bases.", r.Platform)
		k := kustomization(header, source, append([]string{"../../" + BasesDir}, own...))
		if err := add(path.Join(OverlaysDir, r.Platform, "kustomization.yaml"), k); err != nil {
			return nil, err
		}
	}
	header := fmt.Sprintf("What every platform (%s) renders the same.", PlatformNames(rs))
	if err := add(path.Join(BasesDir, "kustomization.yaml"), kustomization(header, source, baseFiles)); err != nil {
		return nil, err
	}
	return tree, nil
}

// PlatformNames lists the rendered platforms, comma separated.
func PlatformNames(rs []Rendered) string {
	names := make([]string, len(rs))
	for i, r := range rs {
		names[i] = r.Platform
	}
	return strings.Join(names, ", ")
}

// kustomization writes a Kustomization listing resources in the render's
// order (dependencies first); kustomize sorts its output by itself.
func kustomization(header, source string, resources []string) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "# %s\n# Written by \"regprofile emit\" from %s: do not edit; change the profile\n# and run regprofile emit again.\n", header, source)
	b.WriteString("apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n")
	if len(resources) == 0 {
		b.WriteString("resources: []\n")
		return []byte(b.String())
	}
	b.WriteString("resources:\n")
	for _, r := range resources {
		b.WriteString("- " + r + "\n")
	}
	return []byte(b.String())
}

// PathsFor returns, for each object one platform rendered, its path in the
// tree that Build lays out for the whole profile, so that kpt writes a
// render into the same files as emit. The other platforms the profile
// names are rendered to find what is shared; one that does not render
// (emit would refuse the profile) is left out of that comparison.
func PathsFor(p *v1alpha1.RegistryProfile, platform string, objs []*kobj.Object) ([]string, error) {
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
		others, fs := render.Render(p, render.Options{Platform: name})
		if fs.HasErrors() {
			continue
		}
		r, err := enc.serialize(name, others)
		if err != nil {
			return nil, err
		}
		rs = append(rs, r)
	}
	shared := Shared(rs)
	out := make([]string, len(objs))
	for i, o := range objs {
		out[i] = Path(platform, o, shared)
	}
	return out, nil
}
