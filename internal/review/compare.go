// Package review compares what a repository renders at two revisions, for
// pull-request review: overlay by overlay and resource by resource, with
// field-level changes (computed by homeport/dyff) and risk flags for the
// changes that can lose data or break clients. It lives outside the main
// regprofile binary (see fn/cmd/regprofile-diff), which stays lean.
package review

import (
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"

	"github.com/gonvenience/ytbx"
	"github.com/homeport/dyff/pkg/dyff"
	yamlv3 "gopkg.in/yaml.v3"
	"sigs.k8s.io/kustomize/kyaml/kio"
	sigsyaml "sigs.k8s.io/yaml"
)

// Object is one rendered resource.
type Object struct {
	APIVersion, Kind, Namespace, Name string
	// YAML is the object as rendered.
	YAML string
	// Doc is the object decoded, for the risk checks.
	Doc map[string]any
}

// ID names the object for people: Kind/namespace/name, or Kind/name.
func (o *Object) ID() string {
	if o.Namespace == "" {
		return o.Kind + "/" + o.Name
	}
	return o.Kind + "/" + o.Namespace + "/" + o.Name
}

// key matches an object across revisions: its API group, not its version,
// so that a version bump shows as a change rather than a replacement.
func (o *Object) key() string {
	group, _, _ := strings.Cut(o.APIVersion, "/")
	if !strings.Contains(o.APIVersion, "/") {
		group = ""
	}
	return group + " " + o.ID()
}

// ParseObjects reads a YAML stream of rendered resources.
func ParseObjects(stream string) ([]*Object, error) {
	nodes, err := (&kio.ByteReader{Reader: strings.NewReader(stream), OmitReaderAnnotations: true}).Read()
	if err != nil {
		return nil, err
	}
	out := make([]*Object, 0, len(nodes))
	for _, n := range nodes {
		s, err := n.String()
		if err != nil {
			return nil, err
		}
		o := &Object{APIVersion: n.GetApiVersion(), Kind: n.GetKind(), Namespace: n.GetNamespace(), Name: n.GetName(), YAML: s}
		if err := sigsyaml.Unmarshal([]byte(s), &o.Doc); err != nil {
			return nil, fmt.Errorf("%s: %w", o.ID(), err)
		}
		out = append(out, o)
	}
	return out, nil
}

// Rendering is what one revision renders: overlay name to objects. An
// overlay missing from the map does not exist at that revision.
type Rendering map[string][]*Object

// Statuses of overlays, resources and fields.
const (
	Added     = "added"
	Removed   = "removed"
	Changed   = "changed"
	Unchanged = "unchanged"
	Reordered = "reordered"
)

// Report is the whole comparison.
type Report struct {
	Base     string        `json:"base"`
	Head     string        `json:"head"`
	Risks    []Risk        `json:"risks"`
	Overlays []OverlayDiff `json:"overlays"`
}

// OverlayDiff is one overlay's (one platform's) changes.
type OverlayDiff struct {
	Name      string         `json:"name"`
	Status    string         `json:"status"`
	Added     int            `json:"added"`
	Removed   int            `json:"removed"`
	Changed   int            `json:"changed"`
	Resources []ResourceDiff `json:"resources"`
}

// ResourceDiff is one resource's change. Fields lists what changed in a
// changed resource; YAML is the whole object when it was added or removed
// in an overlay that exists on both sides.
type ResourceDiff struct {
	APIVersion string        `json:"apiVersion"`
	Kind       string        `json:"kind"`
	Namespace  string        `json:"namespace,omitempty"`
	Name       string        `json:"name"`
	Status     string        `json:"status"`
	Fields     []FieldChange `json:"fields,omitempty"`
	YAML       string        `json:"yaml,omitempty"`
}

// ID names the resource as Object.ID does.
func (r ResourceDiff) ID() string {
	return (&Object{Kind: r.Kind, Namespace: r.Namespace, Name: r.Name}).ID()
}

// FieldChange is one field-level change. From and To are YAML.
type FieldChange struct {
	Path   string `json:"path"`
	Change string `json:"change"`
	From   string `json:"from,omitempty"`
	To     string `json:"to,omitempty"`
}

// HasChanges reports whether anything rendered differs.
func (r *Report) HasChanges() bool {
	for _, o := range r.Overlays {
		if o.Status != Unchanged {
			return true
		}
	}
	return false
}

// Compare compares two renderings.
func Compare(base, head Rendering, baseLabel, headLabel string) (*Report, error) {
	rep := &Report{Base: baseLabel, Head: headLabel, Risks: []Risk{}}
	names := map[string]bool{}
	for n := range base {
		names[n] = true
	}
	for n := range head {
		names[n] = true
	}
	for _, name := range slices.Sorted(maps.Keys(names)) {
		b, inBase := base[name]
		h, inHead := head[name]
		od := OverlayDiff{Name: name, Status: Unchanged, Resources: []ResourceDiff{}}
		switch {
		case !inBase:
			od.Status = Added
		case !inHead:
			od.Status = Removed
		}
		diffs, err := compareObjects(b, h, od.Status == Unchanged)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		od.Resources = append([]ResourceDiff{}, diffs...)
		for _, d := range diffs {
			switch d.Status {
			case Added:
				od.Added++
			case Removed:
				od.Removed++
			case Changed:
				od.Changed++
			}
		}
		if od.Status == Unchanged && len(diffs) > 0 {
			od.Status = Changed
		}
		rep.Overlays = append(rep.Overlays, od)
		rep.Risks = append(rep.Risks, risks(name, b, h, od.Status)...)
	}
	sortRisks(rep.Risks)
	return rep, nil
}

// compareObjects matches objects by identity; withYAML includes the whole
// object for additions and removals.
func compareObjects(base, head []*Object, withYAML bool) ([]ResourceDiff, error) {
	byKey := func(objs []*Object) map[string]*Object {
		m := map[string]*Object{}
		for _, o := range objs {
			m[o.key()] = o
		}
		return m
	}
	b, h := byKey(base), byKey(head)
	keys := map[string]bool{}
	for k := range b {
		keys[k] = true
	}
	for k := range h {
		keys[k] = true
	}
	var out []ResourceDiff
	for _, k := range slices.Sorted(maps.Keys(keys)) {
		from, to := b[k], h[k]
		switch {
		case from == nil:
			out = append(out, resourceDiff(to, Added, withYAML))
		case to == nil:
			out = append(out, resourceDiff(from, Removed, withYAML))
		case from.YAML != to.YAML:
			fields, err := FieldChanges(from.YAML, to.YAML)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", to.ID(), err)
			}
			if len(fields) > 0 {
				d := resourceDiff(to, Changed, false)
				d.Fields = fields
				out = append(out, d)
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].ID() < out[j].ID() })
	return out, nil
}

func resourceDiff(o *Object, status string, withYAML bool) ResourceDiff {
	d := ResourceDiff{APIVersion: o.APIVersion, Kind: o.Kind, Namespace: o.Namespace, Name: o.Name, Status: status}
	if withYAML {
		d.YAML = o.YAML
	}
	return d
}

// FieldChanges lists the field-level differences between two versions of
// one object, as dyff finds them: list entries are matched by their name
// (or other identifying field), not by position.
func FieldChanges(from, to string) ([]FieldChange, error) {
	docs := func(s string) (ytbx.InputFile, error) {
		var n yamlv3.Node
		if err := yamlv3.Unmarshal([]byte(s), &n); err != nil {
			return ytbx.InputFile{}, err
		}
		return ytbx.InputFile{Documents: []*yamlv3.Node{&n}}, nil
	}
	a, err := docs(from)
	if err != nil {
		return nil, err
	}
	b, err := docs(to)
	if err != nil {
		return nil, err
	}
	rep, err := dyff.CompareInputFiles(a, b, dyff.KubernetesEntityDetection(false))
	if err != nil {
		return nil, err
	}
	var out []FieldChange
	for _, d := range rep.Diffs {
		p := fieldPath(d.Path)
		for _, det := range d.Details {
			switch det.Kind {
			case dyff.ADDITION:
				out = append(out, perKey(p, Added, det.To)...)
			case dyff.REMOVAL:
				out = append(out, perKey(p, Removed, det.From)...)
			case dyff.ORDERCHANGE:
				out = append(out, FieldChange{Path: p, Change: Reordered, From: nodeYAML(det.From), To: nodeYAML(det.To)})
			default:
				out = append(out, FieldChange{Path: p, Change: Changed, From: nodeYAML(det.From), To: nodeYAML(det.To)})
			}
		}
	}
	return out, nil
}

// perKey splits the keys dyff reports added to (or removed from) a map
// into one change per key, so that each names its own field; a value is
// shown whole, as written.
func perKey(parent, change string, n *yamlv3.Node) []FieldChange {
	one := func(p string, v *yamlv3.Node) FieldChange {
		if change == Added {
			return FieldChange{Path: p, Change: change, To: nodeYAML(v)}
		}
		return FieldChange{Path: p, Change: change, From: nodeYAML(v)}
	}
	if n == nil || n.Kind != yamlv3.MappingNode {
		return []FieldChange{one(parent, n)}
	}
	var out []FieldChange
	for i := 0; i+1 < len(n.Content); i += 2 {
		p := n.Content[i].Value
		if parent != "(document)" {
			p = parent + "." + p
		}
		out = append(out, one(p, n.Content[i+1]))
	}
	return out
}

// fieldPath writes a dyff path as spec.routes[name=public].hostname.
func fieldPath(p *ytbx.Path) string {
	if p == nil {
		return "(document)"
	}
	var b strings.Builder
	for _, e := range p.PathElements {
		switch {
		case e.Key != "":
			fmt.Fprintf(&b, "[%s=%s]", e.Key, e.Name)
		case e.Name != "":
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(e.Name)
		default:
			fmt.Fprintf(&b, "[%d]", e.Idx)
		}
	}
	if b.Len() == 0 {
		return "(document)"
	}
	return b.String()
}

// nodeYAML writes a node as YAML; a scalar as its bare value.
func nodeYAML(n *yamlv3.Node) string {
	if n == nil {
		return ""
	}
	if n.Kind == yamlv3.ScalarNode && !strings.Contains(n.Value, "\n") {
		return n.Value
	}
	var b strings.Builder
	enc := yamlv3.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(n); err != nil {
		return fmt.Sprintf("<%v>", err)
	}
	_ = enc.Close()
	return strings.TrimSuffix(b.String(), "\n")
}
