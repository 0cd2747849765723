package adopt

import (
	"fmt"
	"net/url"
	"reflect"
	"sort"
	"strings"
	"time"

	"regprofile.dev/regprofile/fn/api/v1alpha1"
	"regprofile.dev/regprofile/internal/diag"
	"regprofile.dev/regprofile/internal/manifest"
	"regprofile.dev/regprofile/internal/operator"
	"regprofile.dev/regprofile/internal/platforms"
	"regprofile.dev/regprofile/internal/profile"
)

// Names of the objects import reads.
const (
	registryGroup     = "imageregistry.operator.openshift.io"
	credentialsSecret = manifest.CredentialsSecret
	operatorPVCAnno   = "imageregistry.openshift.io" // on the claim the operator created
	singleton         = "cluster"
)

// operatorOwned are Config spec fields the operator writes and a profile
// never sends: a random secret, the config observer's output and the
// escape hatch for unsupported settings.
var operatorOwned = []string{"httpSecret", "observedConfig", "unsupportedConfigOverrides"}

// Cluster is one cluster's objects.
type Cluster struct {
	// Platform is the cluster's platform; empty to infer it from the
	// objects.
	Platform string
	// Inputs are the files holding the cluster's objects.
	Inputs []Input
}

// Credentials says what import writes for a credentials secret it finds:
// existingSecret: true, or an ExternalSecret skeleton to fill in.
type Credentials string

// Credential modes.
const (
	CredentialsExisting       Credentials = "existing"
	CredentialsExternalSecret Credentials = "externalsecret"
)

// clusterSettings is what one cluster's objects say, as profile fields
// (generic values, keyed as in the profile).
type clusterSettings struct {
	files    string // the cluster's input files, for messages
	platform string
	name     string // the profile name recorded on the objects, if any

	registry    map[string]any // spec.registry
	credentials map[string]any
	pvc         map[string]any
	cinder      map[string]any
	bucket      map[string]any // objectBucket
	hostnames   []any          // externalRegistryHostnames

	// Shared by every platform in a profile.
	trustedCAs []any
	caName     string
	access     map[string]any
	pruner     map[string]any
}

// readCluster reads one cluster's objects and translates them.
func readCluster(c Cluster, creds Credentials, fs *Findings) *clusterSettings {
	var names []string
	byID := map[string]*object{}
	var objs []*object
	for _, in := range c.Inputs {
		names = append(names, in.Name)
		for _, o := range readObjects(in, fs) {
			id := o.group() + "/" + o.id()
			if prev, dup := byID[id]; dup {
				fs.add(o.file, diag.Errorf(o.id(), "give each object once", "%s is also in %s", o.id(), prev.file))
				continue
			}
			byID[id] = o
			objs = append(objs, o)
		}
	}
	if fs.HasErrors() {
		return nil
	}
	files := strings.Join(names, ", ")
	s := &clusterSettings{files: files, platform: c.Platform}
	first := func(kind, group, ns, name string) *object {
		for _, o := range objs {
			if o.kind == kind && o.group() == group && o.namespace == ns && (name == "" || o.name == name) {
				return o
			}
		}
		return nil
	}
	config := first("Config", registryGroup, "", singleton)
	if config == nil {
		fs.add(files, diag.Errorf("", "add it: oc get configs.imageregistry.operator.openshift.io/cluster -o yaml",
			"no registry Config (configs.imageregistry.operator.openshift.io/cluster) among the objects"))
		return nil
	}
	s.name = str(config.m, "metadata", "annotations", "regprofile.dev/profile")
	used := map[*object]bool{config: true}

	s.registry = translateSpec(config, "spec", reflect.TypeOf(v1alpha1.RegistrySpec{}), fs, operatorOwned...)
	if mw := mapAt(s.registry, "requests"); mw != nil {
		// The operator writes back maxWaitInQueue: 0s, which means unlimited.
		for _, rw := range []string{"read", "write"} {
			if l := mapAt(mw, rw); l != nil && l["maxWaitInQueue"] == "0s" {
				delete(l, "maxWaitInQueue")
			}
		}
		s.registry = asMap(cleanT(s.registry, reflect.TypeOf(v1alpha1.RegistrySpec{}), false))
	}
	if pr := first("ImagePruner", registryGroup, "", singleton); pr != nil {
		used[pr] = true
		spec := mapAt(pr.m, "spec")
		if ns, ok := spec["keepYoungerThan"].(int); ok && spec["keepYoungerThanDuration"] == nil {
			// The deprecated field counts nanoseconds.
			spec["keepYoungerThanDuration"] = (time.Duration(ns)).String()
		}
		delete(spec, "keepYoungerThan")
		s.pruner = translateSpec(pr, "spec", reflect.TypeOf(v1alpha1.PrunerSpec{}), fs)
	}
	if img := first("Image", "config.openshift.io", "", singleton); img != nil {
		used[img] = true
		s.caName = str(img.m, "spec", "additionalTrustedCA", "name")
		if h, ok := get(img.m, "spec", "externalRegistryHostnames").([]any); ok && len(h) > 0 {
			s.hostnames = h
		}
	}
	caName := s.caName
	if caName == "" {
		caName = platforms.DefaultTrustedCAConfigMap
	}
	if cm := first("ConfigMap", "", manifest.ConfigNamespace, platforms.S3BundleName); cm != nil {
		used[cm] = true // the bucket endpoint's CA bundle, rendered by default
	}
	if cm := first("ConfigMap", "", manifest.ConfigNamespace, caName); cm != nil {
		used[cm] = true
		s.caName = caName
		data := mapAt(cm.m, "data")
		for _, k := range sortedKeys(data) {
			pem, _ := data[k].(string)
			s.trustedCAs = append(s.trustedCAs, map[string]any{"registry": strings.Replace(k, "..", ":", 1), "pem": pem})
		}
	} else if s.caName != "" {
		fs.add(files, diag.Warnf("Image/cluster spec.additionalTrustedCA.name",
			fmt.Sprintf("add it: oc get configmap %s -n %s -o yaml", s.caName, manifest.ConfigNamespace),
			"names ConfigMap %s/%s, which is not among the objects: its CAs are not imported", manifest.ConfigNamespace, s.caName))
		s.caName = ""
	}
	s.access = readAccess(objs, used)
	readCredentials(s, objs, used, creds, fs)
	readRouteSecrets(s, objs, used, fs)

	if s.platform == "" {
		s.platform = inferPlatform(s, objs)
		if s.platform == "" {
			fs.add(files, diag.Errorf("Config/cluster spec.storage", "pass --platform (one of "+strings.Join(platforms.Names(), ", ")+")",
				"cannot tell the cluster's platform from its storage"))
			return nil
		}
	}
	if _, ok := platforms.Lookup(s.platform); !ok {
		if full, managed := platforms.ManagedOffering(s.platform); managed {
			fs.add(files, diag.Errorf("--platform", platforms.ManagedFix, "on %s Red Hat SRE manages the image registry, its storage and its Config: there is nothing to import", full))
		} else {
			fs.add(files, diag.Errorf("--platform", "use one of: "+strings.Join(platforms.Names(), ", "), "unknown platform %q", s.platform))
		}
		return nil
	}
	platformStorage(s, objs, used, fs)

	for _, o := range objs {
		if !used[o] {
			fs.add(o.file, diag.Finding{Severity: diag.Info, Path: o.id(), Message: "not one of the registry's objects import reads; ignored"})
		}
	}
	return s
}

// translateSpec takes an object's spec as profile fields: without the
// fields named in drop, without empty values, and without fields the
// profile's type lacks (each reported, since the profile cannot carry it
// and it stays on the cluster as it is).
func translateSpec(o *object, key string, t reflect.Type, fs *Findings, drop ...string) map[string]any {
	spec := mapAt(o.m, key)
	if spec == nil {
		return nil
	}
	for _, k := range drop {
		delete(spec, k)
	}
	spec = asMap(cleanT(spec, t, false))
	for _, p := range profile.PruneUnknown(spec, t, diag.Path(key)) {
		fs.add(o.file, diag.Warnf(o.id()+" "+p, "manage it outside the profile; server-side apply leaves it on the cluster as it is",
			"a RegistryProfile has no such field: it is not imported"))
	}
	return asMap(cleanT(spec, t, false))
}

func asMap(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}

// Roles import turns back into access entries, as render binds them.
var roleGroups = map[string]string{"registry-viewer": "viewers", "registry-editor": "editors", "prometheus-scraper": "metricsScrapers"}

// readAccess turns bindings to the registry's roles into access entries.
func readAccess(objs []*object, used map[*object]bool) map[string]any {
	access := map[string][]any{}
	for _, o := range objs {
		if o.group() != "rbac.authorization.k8s.io" {
			continue
		}
		if o.kind == "ClusterRole" && o.name == "prometheus-scraper" {
			used[o] = true // rendered with its binding
			continue
		}
		if (o.kind != "ClusterRoleBinding" && o.kind != "RoleBinding") || str(o.m, "roleRef", "kind") != "ClusterRole" {
			continue
		}
		group, ok := roleGroups[str(o.m, "roleRef", "name")]
		if !ok || (group == "metricsScrapers" && o.kind == "RoleBinding") {
			continue
		}
		used[o] = true
		subjects, _ := o.m["subjects"].([]any)
		for _, sub := range subjects {
			sm, _ := sub.(map[string]any)
			e := map[string]any{"kind": sm["kind"], "name": sm["name"]}
			if ns, _ := sm["namespace"].(string); ns != "" && sm["kind"] == "ServiceAccount" {
				e["namespace"] = ns
			}
			if o.kind == "RoleBinding" {
				e["project"] = o.namespace
			}
			access[group] = append(access[group], e)
		}
	}
	if len(access) == 0 {
		return nil
	}
	out := map[string]any{}
	for g, l := range access {
		sort.SliceStable(l, func(i, j int) bool { return fmt.Sprint(l[i]) < fmt.Sprint(l[j]) })
		out[g] = l
	}
	return out
}

// platformStorage shapes the storage for the platform: none on
// installer-provisioned platforms; a pvc section for a claim the profile
// can manage; an objectBucket section for the ODF bucket claim the profile
// would render; otherwise the existing claim or bucket, named as it is.
func platformStorage(s *clusterSettings, objs []*object, used map[*object]bool, fs *Findings) {
	plat, _ := platforms.Lookup(s.platform)
	storage := mapAt(s.registry, "storage")
	if _, ok := plat.(platforms.InstallerProvisioned); ok {
		if storage != nil {
			delete(s.registry, "storage")
			fs.add(s.files, diag.Finding{Severity: diag.Info, Path: "Config/cluster spec.storage",
				Message: fmt.Sprintf("left to the operator: on %s the installer provisioned the storage, and the profile renders none", s.platform)})
		}
		return
	}
	if storage == nil {
		return
	}
	if claim := str(storage, "pvc", "claim"); claim != "" {
		pvc := find(objs, "PersistentVolumeClaim", "", manifest.RegistryNamespace, claim)
		if pvc == nil {
			return // an existing claim, used as it is
		}
		used[pvc] = true
		if _, operators := mapAt(pvc.m, "metadata", "annotations")[operatorPVCAnno]; operators {
			return // the operator's own claim: named, never rendered
		}
		spec := mapAt(pvc.m, "spec")
		vol := map[string]any{"name": claim, "size": str(spec, "resources", "requests", "storage"),
			"storageClassName": spec["storageClassName"], "volumeMode": spec["volumeMode"]}
		if modes, _ := spec["accessModes"].([]any); len(modes) > 0 {
			vol["accessMode"] = modes[0]
		}
		s.pvc = asMap(clean(vol))
		delete(storage, "pvc")
		if class := find(objs, "StorageClass", "storage.k8s.io", "", str(spec, "storageClassName")); class != nil &&
			str(class.m, "provisioner") == "cinder.csi.openstack.org" && s.platform == "rhosp-cinder" {
			used[class] = true
			s.cinder = asMap(clean(map[string]any{"storageClassName": class.name, "availabilityZone": str(class.m, "parameters", "availability")}))
			delete(s.pvc, "storageClassName")
		}
		return
	}
	if bucket := str(storage, "s3", "bucket"); bucket != "" {
		for _, o := range objs {
			if o.kind != "ObjectBucketClaim" || o.group() != "objectbucket.io" || str(o.m, "spec", "bucketName") != bucket {
				continue
			}
			used[o] = true
			if o.name != platforms.BucketClaimName || o.namespace != manifest.RegistryNamespace || s.platform != "baremetal-odf-rgw" {
				fs.add(o.file, diag.Finding{Severity: diag.Info, Path: o.id(),
					Message: "kept as an existing bucket: the profile names bucket " + bucket + " and does not render this claim"})
				return
			}
			s.bucket = asMap(clean(map[string]any{"storageClassName": str(o.m, "spec", "storageClassName"), "bucketName": bucket,
				"endpoint": str(storage, "s3", "regionEndpoint")}))
			if str(s.credentials, "externalSecret", "storeRef", "name") == platforms.BucketStoreName {
				// The platform's own: a store reading the claim's secret,
				// rendered again by default.
				s.credentials = nil
				for _, k := range []string{"ServiceAccount", "Role", "RoleBinding", "SecretStore"} {
					for _, o := range objs {
						if o.kind == k && o.namespace == manifest.RegistryNamespace && o.name == platforms.BucketStoreName {
							used[o] = true
						}
					}
				}
			}
			return
		}
	}
}

func find(objs []*object, kind, group, ns, name string) *object {
	for _, o := range objs {
		if o.kind == kind && o.group() == group && o.namespace == ns && o.name == name {
			return o
		}
	}
	return nil
}

// readCredentials turns the credentials secret's source into
// spec.credentials. A Secret's data is never read.
func readCredentials(s *clusterSettings, objs []*object, used map[*object]bool, mode Credentials, fs *Findings) {
	if es := find(objs, "ExternalSecret", "external-secrets.io", manifest.RegistryNamespace, credentialsSecret); es != nil {
		used[es] = true
		s.credentials = map[string]any{"externalSecret": externalSecretSource(es)}
		return
	}
	secret := find(objs, "Secret", "", manifest.RegistryNamespace, credentialsSecret)
	if secret == nil {
		return
	}
	used[secret] = true
	if mode != CredentialsExternalSecret {
		s.credentials = map[string]any{"existingSecret": true}
		return
	}
	data := map[string]any{}
	for _, k := range sortedKeys(mapAt(secret.m, "data")) { // key names only
		if profile.IsCredentialKey(k) {
			data[k] = map[string]any{"key": "REPLACE-with-the-store-entry-for-" + k}
		}
	}
	s.credentials = map[string]any{"externalSecret": map[string]any{
		"storeRef": map[string]any{"kind": "ClusterSecretStore", "name": "replace-with-your-secret-store"},
		"data":     data,
	}}
	fs.add(secret.file, diag.Warnf(secret.id(), "fill in spec.credentials.externalSecret: the store's name and each key's entry",
		"replaced by an ExternalSecret skeleton with placeholders; its values were not read"))
}

// externalSecretSource turns an ExternalSecret into the profile's
// externalSecret section (the store and each key's entry; render writes the
// rest).
func externalSecretSource(es *object) map[string]any {
	src := map[string]any{"storeRef": asMap(clean(map[string]any{
		"name": str(es.m, "spec", "secretStoreRef", "name"), "kind": str(es.m, "spec", "secretStoreRef", "kind")}))}
	data := map[string]any{}
	items, _ := get(es.m, "spec", "data").([]any)
	for _, it := range items {
		im, _ := it.(map[string]any)
		key, _ := im["secretKey"].(string)
		data[key] = asMap(clean(map[string]any{"key": str(im, "remoteRef", "key"), "property": str(im, "remoteRef", "property")}))
	}
	src["data"] = data
	if ri := str(es.m, "spec", "refreshInterval"); ri != "" {
		if d, err := time.ParseDuration(ri); err == nil && d != time.Hour {
			src["refreshInterval"] = ri
		}
	}
	return src
}

// readRouteSecrets gives each route whose TLS secret an ExternalSecret or a
// cert-manager Certificate in the registry's namespace writes a
// secretSource. A Certificate's fields beyond issuerRef and dnsNames stay
// on the cluster, reported.
func readRouteSecrets(s *clusterSettings, objs []*object, used map[*object]bool, fs *Findings) {
	routes, _ := s.registry["routes"].([]any)
	for _, r := range routes {
		rt, _ := r.(map[string]any)
		name := str(rt, "secretName")
		if name == "" {
			continue
		}
		if es := find(objs, "ExternalSecret", "external-secrets.io", manifest.RegistryNamespace, name); es != nil && !used[es] {
			used[es] = true
			rt["secretSource"] = map[string]any{"externalSecret": externalSecretSource(es)}
			continue
		}
		for _, o := range objs {
			if o.kind != "Certificate" || o.group() != "cert-manager.io" || o.namespace != manifest.RegistryNamespace || str(o.m, "spec", "secretName") != name || used[o] {
				continue
			}
			used[o] = true
			spec := mapAt(o.m, "spec")
			cert := asMap(clean(map[string]any{"issuerRef": asMap(clean(map[string]any{
				"name": str(spec, "issuerRef", "name"), "kind": str(spec, "issuerRef", "kind"), "group": str(spec, "issuerRef", "group")}))}))
			if dns, _ := spec["dnsNames"].([]any); !(len(dns) == 1 && dns[0] == rt["hostname"]) {
				cert["dnsNames"] = dns // else the default
			}
			rt["secretSource"] = map[string]any{"certificate": cert}
			for _, k := range sortedKeys(spec) {
				if k != "issuerRef" && k != "dnsNames" && k != "secretName" {
					fs.add(o.file, diag.Warnf(o.id()+" spec."+k, "manage the Certificate outside the profile to keep it, and remove the route's secretSource",
						"a route's certificate in a RegistryProfile has issuerRef and dnsNames only: the rendered Certificate would drop it"))
				}
			}
			if o.name != name {
				fs.add(o.file, diag.Warnf(o.id(), "delete Certificate "+o.name+" once the rendered one is Ready",
					"the profile renders the route's Certificate under the secret's name, %s, beside this one", name))
			}
			break
		}
	}
}

// Storage classes that tell a volume's platform.
var classPlatforms = map[string]string{
	"thin-csi": "vsphere-block", "thin": "vsphere-block",
	"nutanix-volume": "nutanix", "nutanix-files": "nutanix",
	platforms.CephFSClass: "baremetal-odf-rgw", "ocs-external-storagecluster-cephfs": "baremetal-odf-rgw",
	"standard-csi": "rhosp-cinder",
}

// inferPlatform tells the platform from the storage when it is plain:
// cloud storage the operator manages is installer-provisioned, storage
// the user named is their own.
func inferPlatform(s *clusterSettings, objs []*object) string {
	storage := mapAt(s.registry, "storage")
	managed := str(storage, "managementState") == operator.Managed
	switch {
	case storage["s3"] != nil:
		if u, err := url.Parse(str(storage, "s3", "regionEndpoint")); err == nil && u.Host != "" &&
			(strings.HasSuffix(u.Hostname(), ".svc") || strings.Contains(u.Hostname(), "openshift-storage")) {
			return "baremetal-odf-rgw"
		}
		if managed {
			return "aws-ipi"
		}
		return "aws-upi"
	case storage["gcs"] != nil:
		if managed {
			return "gcp-ipi"
		}
		return "gcp-upi"
	case storage["azure"] != nil:
		if managed {
			return "azure-ipi"
		}
		if str(storage, "azure", "cloudName") == operator.AzureUSGovernmentCloud {
			return "azure-gov"
		}
	case storage["swift"] != nil:
		return "rhosp-ipi"
	case storage["pvc"] != nil:
		claim := str(storage, "pvc", "claim")
		if pvc := find(objs, "PersistentVolumeClaim", "", manifest.RegistryNamespace, claim); pvc != nil {
			class := str(pvc.m, "spec", "storageClassName")
			if sc := find(objs, "StorageClass", "storage.k8s.io", "", class); sc != nil && str(sc.m, "provisioner") == "cinder.csi.openstack.org" {
				return "rhosp-cinder"
			}
			return classPlatforms[class]
		}
	}
	return ""
}

func sortedKeys(m map[string]any) []string { return profile.SortedKeys(m) }
