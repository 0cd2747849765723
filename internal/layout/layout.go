// Package layout lays out what a RegistryProfile renders on every platform
// it names as a plain kustomize tree (the "rendered manifests" pattern):
// bases/ holds the objects every platform renders identically, and
// overlays/<platform>/ the rest, as whole resources. Building
// overlays/<platform> with plain kustomize (no plugins) gives the same bytes
// as the function gives for that platform through kustomize.
//
// Overlays hold whole objects rather than patches over a base object: a
// reviewer then reads exactly what is applied, and the bytes do not depend
// on how kustomize's patch merge orders new fields.
package layout

import (
	"fmt"
	"path"
	"strings"

	"regprofile.dev/regprofile/fn/api/v1alpha1"
	"regprofile.dev/regprofile/internal/manifest"
	"regprofile.dev/regprofile/internal/render"
)

// Directories of the emitted tree.
const (
	BasesDir    = "bases"
	OverlaysDir = "overlays"
)

// ObjectFile is where an object's file goes inside its directory, as kpt
// names files by default: <namespace>/<kind>_<name>.yaml, the namespace
// left out for cluster-scoped objects.
func ObjectFile(o *manifest.Object) string {
	return path.Join(o.Namespace, strings.ToLower(o.Kind)+"_"+o.Name+".yaml")
}

// Shared returns the IDs of the objects that every rendered platform
// renders with the same bytes: those go to bases/.
func Shared(rs []render.Rendered) map[string]bool {
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
func Path(platform string, o *manifest.Object, shared map[string]bool) string {
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
func Build(rs []render.Rendered, source string) (Tree, error) {
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
func PlatformNames(rs []render.Rendered) string {
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
func PathsFor(p *v1alpha1.RegistryProfile, platform string, objs []*manifest.Object) ([]string, error) {
	rs, err := render.Beside(p, platform, objs)
	if err != nil {
		return nil, err
	}
	shared := Shared(rs)
	out := make([]string, len(objs))
	for i, o := range objs {
		out[i] = Path(platform, o, shared)
	}
	return out, nil
}
