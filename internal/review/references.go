package review

import "fmt"

// References between the objects an overlay renders. After a sync, an
// object that stays on the cluster (rendered at the head, or left out but
// kept by Prune=false or Delete=false) may still name an object the sync
// deletes: the reference dangles. The table says which fields of which
// kinds name which objects, and what breaks.

// ref is one reference: the object named and where.
type ref struct {
	group, kind, namespace, name string
	// via is the field that names it; why says what breaks without it.
	via, why string
}

func (r ref) key() string { return keyOf(r.group, r.kind, r.namespace, r.name) }

// refsOf lists what an object names, by kind.
func refsOf(o *Object) []ref {
	var out []ref
	add := func(group, kind, namespace, name, via, why string) {
		if name != "" {
			out = append(out, ref{group, kind, namespace, name, via, why})
		}
	}
	d := o.Doc
	switch o.group() + "/" + o.Kind {
	case "config.openshift.io/Image":
		add("", "ConfigMap", "openshift-config", str(d, "spec", "additionalTrustedCA", "name"), "spec.additionalTrustedCA.name",
			"the cluster stops trusting those registries' CAs and pulls from them fail with x509 errors")
	case registryGroup + "/Config":
		add("", "PersistentVolumeClaim", registryNamespace, str(d, "spec", "storage", "pvc", "claim"), "spec.storage.pvc.claim",
			"the registry's volume goes, and its images with it")
		add("", "ConfigMap", "openshift-config", str(d, "spec", "storage", "s3", "trustedCA", "name"), "spec.storage.s3.trustedCA.name",
			"the registry stops trusting the S3 endpoint's CA and cannot reach its storage")
		if b := backend(o); b != "" && b != "pvc" && b != "emptyDir" {
			add("", "Secret", registryNamespace, credentialsSecret, "spec.storage."+b+" (its credentials)",
				"the registry loses access to its storage")
		}
	case "external-secrets.io/ExternalSecret":
		kind := str(d, "spec", "secretStoreRef", "kind")
		ns := o.Namespace
		if kind == "" {
			kind = "SecretStore"
		}
		if kind == "ClusterSecretStore" {
			ns = ""
		}
		add("external-secrets.io", kind, ns, str(d, "spec", "secretStoreRef", "name"), "spec.secretStoreRef",
			"the secret is no longer refreshed: rotated credentials never reach the registry")
	case "external-secrets.io/SecretStore", "external-secrets.io/ClusterSecretStore":
		sa := lookup(d, "spec", "provider", "kubernetes", "auth", "serviceAccount")
		if m, ok := sa.(map[string]any); ok {
			add("", "ServiceAccount", orDefault(str(m, "namespace"), o.Namespace), str(m, "name"), "spec.provider.kubernetes.auth.serviceAccount",
				"the store cannot sign in and its ExternalSecrets stop syncing")
		}
	case "/PersistentVolumeClaim", "objectbucket.io/ObjectBucketClaim":
		add("storage.k8s.io", "StorageClass", "", str(d, "spec", "storageClassName"), "spec.storageClassName",
			"the claim can no longer be expanded, provisioned again or cleaned up by its provisioner")
	case "rbac.authorization.k8s.io/RoleBinding", "rbac.authorization.k8s.io/ClusterRoleBinding":
		ns := o.Namespace
		if str(d, "roleRef", "kind") == "ClusterRole" {
			ns = ""
		}
		add("rbac.authorization.k8s.io", str(d, "roleRef", "kind"), ns, str(d, "roleRef", "name"), "roleRef", "the binding grants nothing")
		subjects, _ := lookup(d, "subjects").([]any)
		for _, s := range subjects {
			m, _ := s.(map[string]any)
			if str(m, "kind") == "ServiceAccount" {
				add("", "ServiceAccount", orDefault(str(m, "namespace"), o.Namespace), str(m, "name"), "subjects",
					"the binding's service account is gone")
			}
		}
	}
	return out
}

// produced is an object a controller writes for a rendered one: the
// secret an ExternalSecret writes. owned: the controller sets an owner
// reference, so the garbage collector deletes it with its producer.
func produced(o *Object) (r ref, owned, ok bool) {
	if o.group() != "external-secrets.io" || o.Kind != "ExternalSecret" {
		return ref{}, false, false
	}
	name := orDefault(str(o.Doc, "spec", "target", "name"), o.Name)
	policy := orDefault(str(o.Doc, "spec", "target", "creationPolicy"), "Owner")
	return ref{group: "", kind: "Secret", namespace: o.Namespace, name: name}, policy == "Owner", true
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func references(c *change, flag flagger) {
	// gone: what the sync deletes, and why.
	gone := map[string]string{}
	for _, b := range c.deleted() {
		why := "it leaves the render without Prune=false, so Argo CD prunes it"
		if c.overlayGone {
			why = "its overlay is removed and it lacks Delete=false, so Argo CD deletes it"
		}
		gone[b.key()] = why
	}
	var live []*Object
	for _, b := range c.base.sorted() {
		if o := c.live(b.key()); o != nil {
			live = append(live, o)
		}
	}
	for _, h := range c.head.sorted() {
		if c.base[h.key()] == nil {
			live = append(live, h)
		}
	}
	// A produced secret goes when its owner goes and nothing live writes it.
	writers := map[string]bool{}
	for _, o := range live {
		if r, _, ok := produced(o); ok {
			writers[r.key()] = true
		}
	}
	for _, b := range c.base.sorted() {
		if _, deleted := gone[b.key()]; !deleted {
			continue
		}
		if r, owned, ok := produced(b); ok && owned && !writers[r.key()] {
			gone[r.key()] = fmt.Sprintf("%s owns it (creationPolicy Owner) and is deleted, so the garbage collector deletes it", b.ID())
		}
	}
	for _, o := range live {
		for _, r := range refsOf(o) {
			why, ok := gone[r.key()]
			if !ok {
				continue
			}
			named := (&Object{Kind: r.kind, Namespace: r.namespace, Name: r.name}).ID()
			stays := "stays on the cluster"
			if c.head[o.key()] == nil {
				stays += " (kept by " + c.keptBy() + ", no longer rendered)"
			}
			flag(FlagDanglingReference, o, "names %s at %s and %s, but %s: %s; instead: keep %s rendered until nothing names it, or remove the reference first",
				named, r.via, stays, why, r.why, named)
		}
	}
}
