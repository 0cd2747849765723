package review

import (
	"fmt"
	"slices"
	"sort"
	"strings"
)

// Risk flags, in the order a report lists them: what the API server
// refuses first, then what loses data, then what breaks clients.
const (
	// FlagRefused: the API server refuses the update (an immutable field,
	// a CEL transition rule, an admission check). Argo CD's sync fails.
	FlagRefused = "refused"
	// FlagExpansion: a claim grows, which the API server accepts only if
	// its StorageClass allows volume expansion, and regprofile does not
	// render that class.
	FlagExpansion = "expansion"
	// FlagStorageLocation: where the images live changes (backend, bucket,
	// container, account, region, endpoint, claim, bucket claim).
	FlagStorageLocation = "storage-location"
	// FlagStorageDeletion: the operator deletes the registry or its
	// storage, or the pruner comes back with the operator's defaults.
	FlagStorageDeletion = "storage-deletion"
	// FlagNotApplied: the API server accepts the change, but the
	// controller that acts on the object does not apply it.
	FlagNotApplied = "not-applied"
	// FlagDanglingReference: an object that stays on the cluster names an
	// object that is pruned or deleted.
	FlagDanglingReference = "dangling-reference"
	// FlagStorageManaged: the operator takes the storage over.
	FlagStorageManaged = "storage-managed"
	// FlagManagementState: the operator stops or resumes managing the
	// registry.
	FlagManagementState = "management-state"
	// FlagRWORollout: several replicas, or a rolling update, on a
	// ReadWriteOnce claim.
	FlagRWORollout = "rwo-rollout"
	// FlagTopology: the cluster's topology, as the profile declares it,
	// changes.
	FlagTopology = "topology"
	// FlagCredentials: the storage credentials come from another source.
	FlagCredentials = "credentials-source"
	// FlagRouteHostname: a registry hostname clients use goes away.
	FlagRouteHostname = "route-hostname"
	// FlagEmptyDir: the images live in the pod.
	FlagEmptyDir = "emptydir"
	// FlagOrphaned: an object leaves the render but stays on the cluster
	// (Prune=false or Delete=false), no longer managed.
	FlagOrphaned = "orphaned"
)

// Flags lists every flag in report order.
var Flags = []string{FlagRefused, FlagExpansion, FlagStorageLocation, FlagStorageDeletion, FlagNotApplied,
	FlagDanglingReference, FlagStorageManaged, FlagManagementState, FlagRWORollout, FlagTopology,
	FlagCredentials, FlagRouteHostname, FlagEmptyDir, FlagOrphaned}

// Risk is one dangerous change, with a one-line reason: what happens, and
// for a refused update, what the API server answers and what to do
// instead.
type Risk struct {
	Flag     string `json:"flag"`
	Overlay  string `json:"overlay"`
	Resource string `json:"resource"`
	Reason   string `json:"reason"`
}

const (
	registryGroup     = "imageregistry.operator.openshift.io"
	registryNamespace = "openshift-image-registry"
	credentialsSecret = "image-registry-private-configuration-user"

	syncOptions = "argocd.argoproj.io/sync-options"
)

// side is one revision's objects of one overlay, by kind and name.
type side map[string]*Object

func index(objs []*Object) side {
	s := side{}
	for _, o := range objs {
		s[o.key()] = o
	}
	return s
}

// keyOf is the key of the object of this group, kind, namespace and name.
func keyOf(group, kind, namespace, name string) string {
	return group + " " + (&Object{Kind: kind, Namespace: namespace, Name: name}).ID()
}

func (s side) get(group, kind, namespace, name string) *Object {
	return s[keyOf(group, kind, namespace, name)]
}

func (s side) config() *Object { return s.get(registryGroup, "Config", "", "cluster") }

// sorted lists a side's objects in key order.
func (s side) sorted() []*Object {
	keys := make([]string, 0, len(s))
	for k := range s {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]*Object, len(keys))
	for i, k := range keys {
		out[i] = s[k]
	}
	return out
}

// group is the object's API group ("" for the core group).
func (o *Object) group() string {
	g, _, ok := strings.Cut(o.APIVersion, "/")
	if !ok {
		return ""
	}
	return g
}

// syncOption reports whether the object's Argo CD sync options hold
// name=value (Prune=false, Delete=false).
func (o *Object) syncOption(opt string) bool {
	for _, s := range strings.Split(str(o.Doc, "metadata", "annotations", syncOptions), ",") {
		if strings.TrimSpace(s) == opt {
			return true
		}
	}
	return false
}

// change is what one sync does to one overlay: its objects before and
// after, and which objects leave the render. Argo CD keeps an object that
// leaves the render when it carries Prune=false (the overlay stays) or
// Delete=false (the overlay, that is the Application, is deleted), and
// deletes it otherwise (a sync with pruning, or a cascading delete).
type change struct {
	overlay    string
	base, head side
	// overlayGone: the overlay exists at the base revision only.
	overlayGone bool
	// overlayNew: the overlay exists at the head revision only.
	overlayNew bool
}

// kept reports whether an object of the base that leaves the render stays
// on the cluster.
func (c *change) kept(o *Object) bool {
	if c.overlayGone {
		return o.syncOption("Delete=false")
	}
	return o.syncOption("Prune=false")
}

// keptBy is the sync option that keeps an object leaving the render.
func (c *change) keptBy() string {
	if c.overlayGone {
		return "Delete=false"
	}
	return "Prune=false"
}

// live is the object as the cluster holds it after the sync: the head's,
// or the base's when it left the render but is kept; nil when it is gone.
func (c *change) live(key string) *Object {
	if h := c.head[key]; h != nil {
		return h
	}
	if b := c.base[key]; b != nil && c.kept(b) {
		return b
	}
	return nil
}

// deleted lists the base's objects that the sync deletes.
func (c *change) deleted() []*Object {
	var out []*Object
	for _, b := range c.base.sorted() {
		if c.head[b.key()] == nil && !c.kept(b) {
			out = append(out, b)
		}
	}
	return out
}

// checks is every risk check, each over one overlay's change.
var checks = []func(c *change, flag flagger){
	refusals,
	locations,
	references,
	lifecycle,
	credentialRisks,
	routeRisks,
}

type flagger func(name string, o *Object, format string, args ...any)

// risks flags the dangerous changes between an overlay's two renders. A
// flag is raised for a change, never for a state both revisions share.
func risks(overlay string, baseObjs, headObjs []*Object, status string) []Risk {
	c := &change{overlay: overlay, base: index(baseObjs), head: index(headObjs),
		overlayGone: status == Removed, overlayNew: status == Added}
	var out []Risk
	flag := func(name string, o *Object, format string, args ...any) {
		out = append(out, Risk{Flag: name, Overlay: overlay, Resource: o.ID(), Reason: fmt.Sprintf(format, args...)})
	}
	for _, check := range checks {
		check(c, flag)
	}
	return out
}

func sortRisks(rs []Risk) {
	sort.SliceStable(rs, func(i, j int) bool {
		a, b := rs[i], rs[j]
		if ra, rb := slices.Index(Flags, a.Flag), slices.Index(Flags, b.Flag); ra != rb {
			return ra < rb
		}
		if a.Overlay != b.Overlay {
			return a.Overlay < b.Overlay
		}
		if a.Resource != b.Resource {
			return a.Resource < b.Resource
		}
		return a.Reason < b.Reason
	})
}

func lookup(doc map[string]any, path ...string) any {
	var cur any = doc
	for _, p := range path {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		cur = m[p]
	}
	return cur
}

func str(doc map[string]any, path ...string) string {
	s, _ := lookup(doc, path...).(string)
	return s
}

func hasKey(doc map[string]any, path ...string) bool {
	parent, ok := lookup(doc, path[:len(path)-1]...).(map[string]any)
	if !ok {
		return false
	}
	_, ok = parent[path[len(path)-1]]
	return ok
}

// display writes a value compactly, for a reason.
func display(v any) string {
	switch x := v.(type) {
	case nil:
		return "(unset)"
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = display(e)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = k + ": " + display(x[k])
		}
		return "{" + strings.Join(parts, ", ") + "}"
	}
	return fmt.Sprint(v)
}
