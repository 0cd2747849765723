package review

import (
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"

	"k8s.io/apimachinery/pkg/api/resource"
)

// Risk flags, in the order a report lists them: what loses data first.
const (
	FlagStorageSwitch   = "storage-switch"
	FlagPVCImmutable    = "pvc-immutable"
	FlagStorageDeletion = "storage-deletion"
	FlagRWOReplicas     = "rwo-replicas"
	FlagCredentials     = "credentials-source"
	FlagRouteHostname   = "route-hostname"
	FlagEmptyDir        = "emptydir"
)

var flagOrder = []string{FlagStorageSwitch, FlagPVCImmutable, FlagStorageDeletion, FlagRWOReplicas, FlagCredentials, FlagRouteHostname, FlagEmptyDir}

// Risk is one dangerous change, with a one-line reason.
type Risk struct {
	Flag     string `json:"flag"`
	Overlay  string `json:"overlay"`
	Resource string `json:"resource"`
	Reason   string `json:"reason"`
}

const (
	registryGroup     = "imageregistry.operator.openshift.io"
	credentialsSecret = "image-registry-private-configuration-user"
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

func (s side) get(group, kind, namespace, name string) *Object {
	o := &Object{APIVersion: group + "/v", Kind: kind, Namespace: namespace, Name: name}
	return s[o.key()]
}

func (s side) config() *Object { return s.get(registryGroup, "Config", "", "cluster") }

// risks flags the dangerous changes between an overlay's two renders. A
// flag is raised for a change, never for a state both revisions share.
func risks(overlay string, baseObjs, headObjs []*Object) []Risk {
	base, head := index(baseObjs), index(headObjs)
	var out []Risk
	flag := func(name string, o *Object, format string, args ...any) {
		out = append(out, Risk{Flag: name, Overlay: overlay, Resource: o.ID(), Reason: fmt.Sprintf(format, args...)})
	}
	bc, hc := base.config(), head.config()

	if bc != nil && hc != nil {
		if from, to := backend(bc), backend(hc); from != "" && to != "" && from != to {
			flag(FlagStorageSwitch, hc, "storage backend %s → %s: the registry starts on empty storage (images on %s are not moved), and a server-side apply can leave the old stanza on the live Config", from, to, from)
		}
	}

	for _, b := range baseObjs {
		if b.Kind != "PersistentVolumeClaim" {
			continue
		}
		if h := head[b.key()]; h != nil {
			for _, r := range pvcChanges(b, h) {
				flag(FlagPVCImmutable, h, "%s", r)
			}
		}
	}

	if hc != nil && str(hc.Doc, "spec", "managementState") == "Removed" && (bc == nil || str(bc.Doc, "spec", "managementState") != "Removed") {
		if str(hc.Doc, "spec", "storage", "managementState") == "Unmanaged" {
			flag(FlagStorageDeletion, hc, "managementState Removed: the operator removes the registry and pulls and pushes stop; the storage stays, as it is Unmanaged")
		} else {
			flag(FlagStorageDeletion, hc, "managementState Removed: the operator removes the registry and deletes the storage it manages")
		}
	}
	if bc != nil && hc == nil {
		flag(FlagStorageDeletion, bc, "the Config is deleted: the operator then removes the registry and deletes the storage it manages")
	}
	if bp := base.get(registryGroup, "ImagePruner", "", "cluster"); bp != nil && head.get(registryGroup, "ImagePruner", "", "cluster") == nil {
		flag(FlagStorageDeletion, bp, "the ImagePruner is deleted: the operator recreates it with its own defaults (keep 3 tag revisions, prune daily), deleting images this profile kept")
	}

	if claim, replicas := rwoReplicas(head, hc); claim != "" {
		if before, _ := rwoReplicas(base, bc); before == "" {
			flag(FlagRWOReplicas, hc, "%d replicas on ReadWriteOnce claim %s: pods on other nodes cannot mount it and the rollout hangs; use 1 replica with Recreate, or a ReadWriteMany volume", replicas, claim)
		}
	}

	out = append(out, credentialRisks(overlay, base, head)...)

	if bc != nil && hc != nil {
		for _, r := range routeChanges(bc, hc) {
			flag(FlagRouteHostname, hc, "%s", r)
		}
	}

	if hc != nil && hasKey(hc.Doc, "spec", "storage", "emptyDir") && (bc == nil || !hasKey(bc.Doc, "spec", "storage", "emptyDir")) {
		flag(FlagEmptyDir, hc, "emptyDir storage: every image is lost when the registry pod restarts; not for production")
	}
	return out
}

// backend is the Config's storage backend (s3, pvc, ...), "" if none.
func backend(o *Object) string {
	storage, _ := lookup(o.Doc, "spec", "storage").(map[string]any)
	var names []string
	for k := range storage {
		if k != "managementState" {
			names = append(names, k)
		}
	}
	sort.Strings(names)
	return strings.Join(names, "+")
}

// pvcChanges lists changes Kubernetes refuses on a bound claim.
func pvcChanges(b, h *Object) []string {
	var out []string
	for _, f := range []struct{ field, path string }{
		{"accessModes", "spec.accessModes"},
		{"storageClassName", "spec.storageClassName"},
		{"volumeMode", "spec.volumeMode"},
	} {
		from, to := fmt.Sprint(lookup(b.Doc, "spec", f.field)), fmt.Sprint(lookup(h.Doc, "spec", f.field))
		if from != to {
			out = append(out, fmt.Sprintf("%s %s → %s: immutable on a bound claim; Kubernetes refuses the change, the claim must be recreated and its images copied", f.path, display(lookup(b.Doc, "spec", f.field)), display(lookup(h.Doc, "spec", f.field))))
		}
	}
	from, to := str(b.Doc, "spec", "resources", "requests", "storage"), str(h.Doc, "spec", "resources", "requests", "storage")
	if qf, err1 := resource.ParseQuantity(from); err1 == nil {
		if qt, err2 := resource.ParseQuantity(to); err2 == nil && qt.Cmp(qf) < 0 {
			out = append(out, fmt.Sprintf("spec.resources.requests.storage %s → %s: a claim cannot shrink; Kubernetes refuses the change", from, to))
		}
	}
	return out
}

// rwoReplicas returns the claim and replicas when the Config runs more than
// one replica on a claim rendered ReadWriteOnce only.
func rwoReplicas(s side, cfg *Object) (string, int) {
	if cfg == nil {
		return "", 0
	}
	replicas, _ := lookup(cfg.Doc, "spec", "replicas").(float64)
	claim := str(cfg.Doc, "spec", "storage", "pvc", "claim")
	if replicas <= 1 || claim == "" {
		return "", 0
	}
	pvc := s.get("", "PersistentVolumeClaim", "openshift-image-registry", claim)
	if pvc == nil {
		return "", 0
	}
	modes := fmt.Sprint(lookup(pvc.Doc, "spec", "accessModes"))
	if strings.Contains(modes, "ReadWriteOnce") && !strings.Contains(modes, "ReadWriteMany") {
		return claim, int(replicas)
	}
	return "", 0
}

// credentialRisks flags a changed source for the registry's storage
// credentials: the ExternalSecret that writes them appearing, going, or
// reading from another store or other entries.
func credentialRisks(overlay string, base, head side) []Risk {
	find := func(s side) *Object {
		for _, k := range slices.Sorted(maps.Keys(s)) {
			o := s[k]
			if o.Kind == "ExternalSecret" && str(o.Doc, "spec", "target", "name") == credentialsSecret {
				return o
			}
		}
		return nil
	}
	b, h := find(base), find(head)
	risk := func(o *Object, reason string) []Risk {
		return []Risk{{Flag: FlagCredentials, Overlay: overlay, Resource: o.ID(), Reason: reason}}
	}
	switch {
	case b == nil && h == nil:
		return nil
	case b == nil:
		if base.config() == nil {
			return nil // a new overlay: nothing changes source
		}
		return risk(h, fmt.Sprintf("credentials now come from %s through an ExternalSecret; the secret it replaces is overwritten", store(h)))
	case h == nil:
		if head.config() == nil {
			return nil // the overlay is gone; storage-deletion says what matters
		}
		return risk(b, fmt.Sprintf("the ExternalSecret reading %s is gone: %s is no longer kept in sync, and must now come from elsewhere", store(b), credentialsSecret))
	}
	if store(b) != store(h) {
		return risk(h, fmt.Sprintf("credentials store %s → %s: check that the new store holds every key, or the registry loses access to its storage", store(b), store(h)))
	}
	if from, to := remoteRefs(b), remoteRefs(h); from != to {
		return risk(h, fmt.Sprintf("credentials entries %s → %s: check that the new entries exist, or the registry loses access to its storage", from, to))
	}
	return nil
}

func store(o *Object) string {
	return str(o.Doc, "spec", "secretStoreRef", "kind") + "/" + str(o.Doc, "spec", "secretStoreRef", "name")
}

// remoteRefs lists an ExternalSecret's keys and the entries they read.
func remoteRefs(o *Object) string {
	data, _ := lookup(o.Doc, "spec", "data").([]any)
	var refs []string
	for _, d := range data {
		m, _ := d.(map[string]any)
		ref := str(m, "remoteRef", "key")
		if p := str(m, "remoteRef", "property"); p != "" {
			ref += "#" + p
		}
		refs = append(refs, str(m, "secretKey")+"="+ref)
	}
	sort.Strings(refs)
	return "[" + strings.Join(refs, ", ") + "]"
}

// routeChanges lists routes whose hostname changes or that go away.
func routeChanges(b, h *Object) []string {
	hosts := func(o *Object) map[string]string {
		m := map[string]string{}
		routes, _ := lookup(o.Doc, "spec", "routes").([]any)
		for _, r := range routes {
			rm, _ := r.(map[string]any)
			m[str(rm, "name")] = str(rm, "hostname")
		}
		return m
	}
	from, to := hosts(b), hosts(h)
	var out []string
	for _, name := range slices.Sorted(maps.Keys(from)) {
		newHost, kept := to[name]
		switch {
		case !kept:
			out = append(out, fmt.Sprintf("route %s (%s) is removed: clients, pull secrets and mirrors that use its hostname break", name, orGenerated(from[name])))
		case newHost != from[name]:
			out = append(out, fmt.Sprintf("route %s hostname %s → %s: clients, pull secrets and mirrors that use the old hostname break", name, orGenerated(from[name]), orGenerated(newHost)))
		}
	}
	if lookup(b.Doc, "spec", "defaultRoute") == true && lookup(h.Doc, "spec", "defaultRoute") != true {
		out = append(out, "defaultRoute true → false: the default-route hostname goes away and clients that use it break")
	}
	return out
}

func sortRisks(rs []Risk) {
	sort.SliceStable(rs, func(i, j int) bool {
		a, b := rs[i], rs[j]
		if ra, rb := slices.Index(flagOrder, a.Flag), slices.Index(flagOrder, b.Flag); ra != rb {
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

func display(v any) string {
	switch x := v.(type) {
	case nil:
		return "(unset)"
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = fmt.Sprint(e)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	}
	return fmt.Sprint(v)
}

func orGenerated(host string) string {
	if host == "" {
		return "(generated)"
	}
	return host
}
