package review

import (
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"

	"regprofile.dev/regprofile/internal/operator"
	"regprofile.dev/regprofile/internal/render"
)

// What the operator and Argo CD do when the registry's lifecycle changes:
// the operator's managementState, who manages the storage, the rollout on
// a ReadWriteOnce claim, the cluster's topology, and objects leaving the
// render.

// managementState reads a managementState; unset is Managed, the
// operator's default.
func managementState(o *Object, path ...string) string {
	return orDefault(str(o.Doc, path...), operator.Managed)
}

func lifecycle(c *change, flag flagger) {
	bc, hc := c.base.config(), c.head.config()
	if hc != nil {
		from := ""
		if bc != nil {
			from = managementState(bc, "spec", "managementState")
		}
		to := managementState(hc, "spec", "managementState")
		storage := managementState(hc, "spec", "storage", "managementState")
		switch {
		case from == to || (bc == nil && to != operator.Removed):
		case to == operator.Removed && storage == operator.Unmanaged:
			flag(FlagStorageDeletion, hc, "managementState %s → Removed: the operator removes the registry and pulls and pushes stop; the storage stays, as it is Unmanaged", orDefault(from, "(new)"))
		case to == operator.Removed:
			flag(FlagStorageDeletion, hc, "managementState %s → Removed: the operator removes the registry and deletes the storage it manages (spec.storage.managementState %s), with every image; instead: set spec.storage.managementState: Unmanaged first if the images must survive", orDefault(from, "(new)"), storage)
		case from == operator.Removed:
			flag(FlagManagementState, hc, "managementState Removed → %s: the operator deploys the registry again; storage it deleted comes back empty", to)
		case to == operator.Unmanaged:
			flag(FlagManagementState, hc, "managementState %s → Unmanaged: the operator stops reconciling the registry, so this and later changes of the Config are not applied", from)
		case from == operator.Unmanaged:
			flag(FlagManagementState, hc, "managementState Unmanaged → %s: the operator reconciles again and applies every change made to the Config meanwhile, at once", to)
		}
	}
	if bc != nil && hc != nil {
		from, to := managementState(bc, "spec", "storage", "managementState"), managementState(hc, "spec", "storage", "managementState")
		if from == operator.Unmanaged && to == operator.Managed {
			flag(FlagStorageManaged, hc, "spec.storage.managementState Unmanaged → %s: the operator takes the storage over, configures it as it sees fit, and deletes it with every image if managementState becomes Removed; instead: keep Unmanaged for storage provisioned outside the operator", display(lookup(hc.Doc, "spec", "storage", "managementState")))
		}
		topology(bc, hc, flag)
	}
	if h := rwoRollout(c.head, hc); h.claim != "" {
		if b := rwoRollout(c.base, bc); bc != nil && (h.replicas > 1 && b.replicas <= 1 || h.rolling && !b.rolling) {
			flag(FlagRWORollout, hc, "%s on ReadWriteOnce claim %s: a pod on another node cannot mount it and the rollout hangs; instead: 1 replica with rolloutStrategy: Recreate, or a ReadWriteMany volume", h, h.claim)
		}
	}
	removedObjects(c, flag)
}

// rwo is how the Config runs on a claim whose access modes are all
// single-node: replicas, and whether it rolls out with RollingUpdate (the
// default). claim is "" when the claim is not single-node only.
type rwo struct {
	claim    string
	replicas int
	rolling  bool
}

func (r rwo) String() string {
	var parts []string
	if r.replicas > 1 {
		parts = append(parts, fmt.Sprintf("%d replicas", r.replicas))
	}
	if r.rolling {
		parts = append(parts, "rolloutStrategy RollingUpdate")
	}
	return strings.Join(parts, " and ")
}

func rwoRollout(s side, cfg *Object) rwo {
	if cfg == nil {
		return rwo{}
	}
	claim := str(cfg.Doc, "spec", "storage", "pvc", "claim")
	pvc := s.get("", "PersistentVolumeClaim", registryNamespace, claim)
	if claim == "" || pvc == nil {
		return rwo{}
	}
	modes, _ := lookup(pvc.Doc, "spec", "accessModes").([]any)
	for _, m := range modes {
		if m != operator.ReadWriteOnce && m != "ReadWriteOncePod" {
			return rwo{}
		}
	}
	replicas, _ := lookup(cfg.Doc, "spec", "replicas").(float64)
	return rwo{claim: claim, replicas: int(replicas),
		rolling: orDefault(str(cfg.Doc, "spec", "rolloutStrategy"), operator.RollingUpdate) != operator.Recreate}
}

// topology flags a change of the cluster's topology as the profile
// declared it (render.TopologyAnnotation on the Config; unset is
// HighlyAvailable): a single node cannot run several replicas nor a
// ReadWriteMany-only rollout, and a cluster that grows out of one node
// needs shared storage.
func topology(bc, hc *Object, flag flagger) {
	from, to := topologyOf(bc), topologyOf(hc)
	if from == to {
		return
	}
	flag(FlagTopology, hc, "spec.topology %s → %s: the registry's replicas, rollout and storage were chosen for the old topology; check that the storage is reachable from every node that runs the registry", from, to)
}

func topologyOf(cfg *Object) string {
	if t, _ := lookup(cfg.Doc, "metadata", "annotations", render.TopologyAnnotation).(string); t != "" {
		return t
	}
	return operator.HighlyAvailable
}

// removedObjects flags what leaves the render: the operator's singletons
// when Argo CD deletes them, anything kept on the cluster unmanaged.
func removedObjects(c *change, flag flagger) {
	for _, b := range c.base.sorted() {
		if c.head[b.key()] != nil {
			continue
		}
		kept := c.kept(b)
		switch {
		case kept:
			flag(FlagOrphaned, b, "leaves the render but stays on the cluster (%s) as last applied, and Argo CD no longer updates it; delete it by hand if it must go", c.keptBy())
		case b.group() == registryGroup && b.Kind == "Config":
			flag(FlagStorageDeletion, b, "the Config is deleted: the operator then removes the registry and deletes the storage it manages; instead: keep it rendered, or mark it Prune=false,Delete=false")
		case b.Kind == "PersistentVolumeClaim" && b.group() == "" || b.Kind == "ObjectBucketClaim" && b.group() == "objectbucket.io":
			flag(FlagStorageDeletion, b, "the claim is deleted: its provisioner deletes the volume or bucket, and the images in it, unless the reclaim policy is Retain; instead: keep it rendered, or mark it Prune=false,Delete=false")
		case b.group() == registryGroup && b.Kind == "ImagePruner":
			flag(FlagStorageDeletion, b, "the ImagePruner is deleted: the operator recreates it with its own defaults (keep 3 tag revisions, prune daily), deleting images this profile kept")
		}
	}
}

// credentialRisks flags a changed source for the registry's storage
// credentials: the ExternalSecret that writes them appearing, going, or
// reading from another store or other entries.
func credentialRisks(c *change, flag flagger) {
	find := func(s side) *Object {
		for _, o := range s.sorted() {
			if o.Kind == "ExternalSecret" && str(o.Doc, "spec", "target", "name") == credentialsSecret {
				return o
			}
		}
		return nil
	}
	b, h := find(c.base), find(c.head)
	switch {
	case b == nil && h == nil:
	case b == nil:
		if c.base.config() != nil {
			flag(FlagCredentials, h, "credentials now come from %s through an ExternalSecret; it overwrites the secret in place, so check that the new source holds every key first", store(h))
		}
	case h == nil:
		if c.head.config() != nil {
			flag(FlagCredentials, b, "the ExternalSecret reading %s is gone: %s is no longer kept in sync, and must now come from elsewhere", store(b), credentialsSecret)
		}
	case store(b) != store(h):
		flag(FlagCredentials, h, "credentials store %s → %s: check that the new store holds every key, or the registry loses access to its storage", store(b), store(h))
	case remoteRefs(b) != remoteRefs(h):
		flag(FlagCredentials, h, "credentials entries %s → %s: check that the new entries exist, or the registry loses access to its storage", remoteRefs(b), remoteRefs(h))
	}
}

func store(o *Object) string {
	return orDefault(str(o.Doc, "spec", "secretStoreRef", "kind"), "SecretStore") + "/" + str(o.Doc, "spec", "secretStoreRef", "name")
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

// routeRisks flags routes whose hostname changes or that go away.
func routeRisks(c *change, flag flagger) {
	b, h := c.base.config(), c.head.config()
	if b == nil || h == nil {
		return
	}
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
	for _, name := range slices.Sorted(maps.Keys(from)) {
		newHost, kept := to[name]
		switch {
		case !kept:
			flag(FlagRouteHostname, h, "route %s (%s) is removed: clients, pull secrets and mirrors that use its hostname break", name, orGenerated(from[name]))
		case newHost != from[name]:
			flag(FlagRouteHostname, h, "route %s hostname %s → %s: clients, pull secrets and mirrors that use the old hostname break", name, orGenerated(from[name]), orGenerated(newHost))
		}
	}
	if lookup(b.Doc, "spec", "defaultRoute") == true && lookup(h.Doc, "spec", "defaultRoute") != true {
		flag(FlagRouteHostname, h, "defaultRoute true → false: the default-route hostname goes away and clients that use it break")
	}
}

func orGenerated(host string) string {
	if host == "" {
		return "(generated)"
	}
	return host
}
