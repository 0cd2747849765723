// Package rules holds every check regprofile makes, in one list. Each rule
// knows the operator behaviour it guards against; its findings name the
// profile field to change and how.
package rules

import (
	"encoding/json"
	"fmt"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/robfig/cron/v3"
	"k8s.io/apimachinery/pkg/api/resource"

	"regprofile.dev/regprofile/fn/api/v1alpha1"
	"regprofile.dev/regprofile/internal/diag"
	"regprofile.dev/regprofile/internal/manifest"
	"regprofile.dev/regprofile/internal/operator"
	"regprofile.dev/regprofile/internal/platforms"
	"regprofile.dev/regprofile/internal/profile"
)

// Rule is one check on a resolved, defaulted profile.
type Rule struct {
	// ID names the rule in the docs.
	ID string
	// Doc says what the rule enforces and why.
	Doc string
	// Check returns the rule's findings.
	Check func(c *Context) []diag.Finding
}

// Context is what a rule looks at.
type Context struct {
	R        *profile.Resolved
	Platform platforms.Platform
}

func (c *Context) path(rel string) string { return c.R.Path(rel).String() }

// uses reports whether the profile chose a storage the platform accepts; a
// storage it does not accept is reported once, by platform-backend, and its
// section is not checked further (it was not defaulted either).
func (c *Context) uses(s *platforms.Storage) bool {
	return s.Chosen(c.R) && platforms.Accepts(c.Platform, s)
}

// All is every rule, in the order the docs list them.
var All = []Rule{
	{"installer-storage", "On a platform with installer-provisioned infrastructure (" + strings.Join(installerPlatforms(), ", ") + ") the operator created and manages the storage: the profile sets no storage and no volume or bucket helper; credentials may still be overridden.", installerStorage},
	{"one-backend", "Exactly one storage backend. The operator fails with MultiStoragesError on two, and leaves a Removed-bootstrapped registry down with none.", oneBackend},
	{"platform-backend", "The storage is one the platform accepts (docs/storage.md; emptyDir is accepted everywhere, for non-production clusters); the fix names the platforms that do accept it.", platformBackend},
	{"topology", "spec.topology is " + orList(operator.Enums["topology"]) + "; " + operator.SingleReplica + " (one node) warns above 1 replica.", topology},
	{"release-storage", "What the target release's operator and platform accept beyond its fields (docs/reference.md, Release facts): a " + operator.ReadWriteOnce + " claim only from " + operator.Facts["accessMode."+operator.ReadWriteOnce].Since.String() + " (before, the operator's checkPVC refuses it), a CSI class only from the release that ships its driver, a platform and a topology only from the release that supports them, Swift credential keys only from the release that reads them.", releaseStorage},
	{"emptydir", "emptyDir holds images in the pod: at most 1 replica, and a warning that it is not for production.", emptyDir},
	{"replicas", "Replicas are " + rangeOf("RegistrySpec.Replicas") + "; 2 or more on a volume need accessMode " + operator.ReadWriteMany + ".", replicas},
	{"rwo-recreate", "A " + operator.ReadWriteOnce + " volume needs rolloutStrategy " + operator.Recreate + ": a rolling update would start a second pod that cannot mount it.", rwoRecreate},
	{"volume", "A volume the profile creates: a valid size (below " + platforms.DefaultPVCSize + " warns), " + orList(operator.Enums["pvc.accessMode"]) + ", " + operator.Filesystem + ", a class or defaultStorageClass but not both, and the claim the registry uses. The operator's own name, " + operator.ClaimName + ", is accepted: the Config names the claim, and the operator then uses it as it is (on rhosp-cinder, where the installer made one, it warns). An empty claim warns: the operator then creates and owns " + operator.ClaimName + ".", volume},
	{"persistent-volume", "A static volume: exactly one of nfs (server, absolute path) and local (absolute path, nodeName); NFS with 2 or more replicas warns that the export needs no_wdelay (documents 000 §3.3.1, §3.4.1).", persistentVolume},
	{"cinder", "rhosp-cinder's StorageClass needs an availability zone.", cinderClass},
	{"s3", "S3 needs a bucket and a region (the driver refuses to start without one, even with a custom endpoint); a regionEndpoint has a scheme; chunkSizeMiB is " + rangeOf("S3.ChunkSizeMiB") + "; keyID needs encrypt.", s3Storage},
	{"object-bucket", "An ODF bucket claim: a known class, a valid fixed bucket name, and an endpoint with a scheme and no port (required for external-mode classes, which have no in-cluster endpoint).", objectBucket},
	{"gcs", "GCS needs a bucket.", gcsStorage},
	{"swift", "Swift needs a container (without one the operator creates and owns its own); authURL is an http or https URL; authVersion a number.", swiftStorage},
	{"azure", "Azure needs an account and a container named by Azure's rules; cloudName and networkAccess take known values.", azureStorage},
	{"storage-state", "storage.managementState is " + orList(operator.Enums["registry.storage.managementState"]) + "; " + operator.Managed + " on storage the profile provides warns, as removing the registry then deletes it.", storageState},
	{"enums", "managementState, logLevel, operatorLogLevel and rolloutStrategy take the operator's values.", enums},
	{"routes", "Route names are set, unique and not " + operator.DefaultRoute + " (the operator's own route).", routes},
	{"route-secrets", "A route's secretSource: exactly one of externalSecret and certificate, writing the kubernetes.io/tls secret secretName names (required; not the storage credentials secret; each secret written by one route). An ExternalSecret maps tls.crt and tls.key, which the API server requires of the type, and optionally tls.cacrt, which the operator reads as the route's CA certificate. A certificate names its issuer (Issuer or ClusterIssuer, or any kind of an external issuer's group) and DNS names, by default the route's hostname; names that miss the hostname warn.", routeSecrets},
	{"requests", "Request limits are " + rangeOf("RequestLimits.MaxRunning") + ".", requests},
	{"credentials", "Credentials: one source, only for object storage, with every key the backend needs and no others.", credentials},
	{"storage-ca", "An https S3 endpoint gets a CA the registry can verify it with: one on a cluster service needs storageCA (the service CA; nothing in openshift-config holds it under ca-bundle.crt, the only key the operator reads); a bucket claim's route with the injected cluster bundle warns that the bundle lacks the ingress CA. storageCA is for S3 only, with PEM certificates and no private key.", storageCA},
	{"trusted-cas", "Trusted CAs: a host[:port], each once, with PEM certificates and no private key.", trustedCAs},
	{"image-config", "The registry's fields of image.config.openshift.io/cluster: a valid trustedCAConfigMap name (used only with trustedCAs), and externalRegistryHostnames that are host[:port], each once.", imageConfig},
	{"access", "Access subjects: User, Group or ServiceAccount, a namespace only (and always) for service accounts, a valid project, no project for metrics scrapers.", access},
	{"pruner", "The pruner's schedule is a cron expression; counts are " + rangeOf("PrunerSpec.KeepTagRevisions") + ". With the registry " + operator.Removed + " or " + operator.Unmanaged + " it prunes image metadata only, which warns.", pruner},
	{"names", "Every name that becomes an object's name (the profile's, routes and their secrets, claims, storage classes, secret stores, service accounts), and every namespace, follows Kubernetes' rule for it: the fields' limits above.", names},
	{"scheduling", "nodeSelector labels and tolerations as the API server validates them: qualified keys, valid values, operators " + orList(tolerationOperators) + ", effects " + orList(taintEffects) + ".", scheduling},
	{"resources", "Container resources: cpu, memory, ephemeral-storage, hugepages-* or a qualified extended resource; no negative quantity; no request above its limit.", containerResources},
	{"buckets", "Bucket, container, account and region names follow their provider's rules (S3, GCS, Azure).", buckets},
	{"remove-fields", "registry.removeFields names storage backends of the live Config (storage.<backend>, any backend the Config has), each once, never the one the profile renders or the installer provisioned.", removeFields},
	{"openshift-version", fmt.Sprintf("Every rendered field is one the target release accepts: a field the release lacks is an error naming the first release that has it. %s to %s use the integer logging (logLevel is %s); releases before %s have no ImagePruner.",
		operator.Oldest, operator.LoggingRequiredUntil, operator.ConfigFieldSince["logLevel"], operator.PrunerSince), openshiftVersion},
}

// installerPlatforms lists the platforms whose storage the installer
// provisioned.
func installerPlatforms() []string {
	var out []string
	for _, p := range platforms.All() {
		if _, ok := p.(platforms.InstallerProvisioned); ok {
			out = append(out, p.Name())
		}
	}
	return out
}

// Check runs every rule and returns their findings.
func Check(r *profile.Resolved, p platforms.Platform) diag.Findings {
	c := &Context{R: r, Platform: p}
	var fs diag.Findings
	for _, rule := range All {
		for _, f := range rule.Check(c) {
			f.Rule = rule.ID
			fs = append(fs, f)
		}
	}
	return fs
}

// CheckSelection checks what must hold before a profile can be resolved:
// the platform to render, the platform sections' names and the release.
// override is the --platform flag, if any.
func CheckSelection(p *v1alpha1.RegistryProfile, override string) (platforms.Platform, operator.Version, diag.Findings) {
	var fs diag.Findings
	names := platforms.Names()
	for _, key := range sortedKeys(p.Spec.Platforms) {
		if full, ok := platforms.ManagedOffering(key); ok {
			fs = append(fs, managedOffering("spec.platforms."+key, full))
		} else if _, ok := platforms.Lookup(key); !ok {
			fs = append(fs, unknownName("spec.platforms."+key, key, "platform", names))
		}
	}
	version, err := operator.ParseVersion(p.Spec.OpenShiftVersion)
	if err != nil {
		fs = append(fs, diag.Errorf("spec.openshiftVersion", "", "%v", err))
	}
	name, path := p.Spec.Platform, "spec.platform"
	if override != "" {
		name, path = override, "--platform"
	}
	var plat platforms.Platform
	switch {
	case name == "":
		fs = append(fs, diag.Errorf("spec.platform", "set spec.platform or pass --platform; one of: "+strings.Join(names, ", "), "no platform selected"))
	default:
		if full, ok := platforms.ManagedOffering(name); ok {
			fs = append(fs, managedOffering(path, full))
			break
		}
		var ok bool
		if plat, ok = platforms.Lookup(name); !ok {
			fs = append(fs, unknownName(path, name, "platform", names))
		}
	}
	return plat, version, fs
}

// managedOffering refuses a platform whose registry Red Hat SRE manages.
func managedOffering(path, offering string) diag.Finding {
	return diag.Errorf(path, platforms.ManagedFix,
		"on %s Red Hat SRE manages the image registry, its storage and its Config: nothing is rendered for it", offering)
}

func unknownName(path, got, what string, known []string) diag.Finding {
	if best := profile.Closest(got, known); best != "" {
		return diag.Errorf(path, "", "unknown %s; did you mean %q?", what, best)
	}
	return diag.Errorf(path, "use one of: "+strings.Join(known, ", "), "unknown %s", what)
}

func installer(c *Context) bool {
	_, ok := c.Platform.(platforms.InstallerProvisioned)
	return ok
}

func installerStorage(c *Context) []diag.Finding {
	ip, ok := c.Platform.(platforms.InstallerProvisioned)
	if !ok {
		return nil
	}
	_, what, byo := ip.InstallerStorage()
	var fs []diag.Finding
	if c.R.Registry.Replicas == nil {
		fs = append(fs, diag.Errorf(c.path("registry.replicas"), "set replicas: 2 where the registry stores images in Swift, or replicas: 1 and rolloutStrategy: Recreate on the Cinder claim",
			"on %s the replica count depends on the storage the installer provisioned (%s), and the Config requires one", c.Platform.Name(), what))
	}
	for _, set := range []struct {
		rel string
		on  bool
	}{
		{"registry.storage", c.R.Registry.Storage != nil}, {"pvc", c.R.PVC != nil},
		{"cinder", c.R.Cinder != nil}, {"objectBucket", c.R.ObjectBucket != nil},
	} {
		if set.on {
			fs = append(fs, diag.Errorf(c.path(set.rel), "remove "+set.rel+"; to bring your own storage, use platform "+byo,
				"on %s the installer provisioned the registry's storage (%s) and the operator manages it: a profile for it renders no storage",
				c.Platform.Name(), what))
		}
	}
	return fs
}

// platformBackends is the backend in use: the profile's, or on an
// installer-provisioned platform the one the operator configured.
func platformBackends(c *Context) []string {
	if ip, ok := c.Platform.(platforms.InstallerProvisioned); ok {
		backend, _, _ := ip.InstallerStorage()
		return []string{backend}
	}
	return profile.Backends(c.R.Registry.Storage)
}

func oneBackend(c *Context) []diag.Finding {
	if _, ok := c.Platform.(platforms.InstallerProvisioned); ok {
		return nil // installer-storage
	}
	backends := profile.Backends(c.R.Registry.Storage)
	switch len(backends) {
	case 0:
		if len(platforms.Chosen(c.R)) > 0 {
			return nil // a section of storage the platform does not accept: platform-backend reports it
		}
		return []diag.Finding{diag.Errorf(c.path("registry.storage"),
			"set "+joinOr(sections(c.Platform.Storages())),
			"no storage backend: the registry would have nowhere to store images")}
	case 1:
		return nil
	}
	return []diag.Finding{diag.Errorf(c.path("registry.storage"),
		"keep exactly one; a platform's backend replaces the shared one, but one section may not set two",
		"%d storage backends (%s): the operator accepts exactly one", len(backends), strings.Join(backends, ", "))}
}

func platformBackend(c *Context) []diag.Finding {
	if _, ok := c.Platform.(platforms.InstallerProvisioned); ok {
		return nil // installer-storage
	}
	var fs []diag.Finding
	for _, s := range platforms.Chosen(c.R) {
		if platforms.Accepts(c.Platform, s) {
			continue
		}
		fix := "use " + joinOr(sections(c.Platform.Storages())) + " on " + c.Platform.Name()
		switch others := platforms.AcceptedBy(s); len(others) {
		case 0:
		case 1:
			fix += ", or move it under spec.platforms." + others[0] + ", the platform that accepts it"
		default:
			fix += ", or move it under the section of a platform that accepts it: " + strings.Join(others, ", ")
		}
		fs = append(fs, diag.Errorf(c.path(s.Section), fix, "storage %s does not belong to platform %s", s.Name, c.Platform.Name()))
	}
	return fs
}

// joinOr joins "a, b or c".
func joinOr(list []string) string {
	if len(list) < 2 {
		return strings.Join(list, "")
	}
	return strings.Join(list[:len(list)-1], ", ") + " or " + list[len(list)-1]
}

// sections lists where a profile chooses each storage, emptyDir (accepted
// everywhere, never production) left out.
func sections(ss []*platforms.Storage) []string {
	var out []string
	for _, s := range ss {
		if s != platforms.EmptyDirStorage {
			out = append(out, s.Section)
		}
	}
	return out
}

func topology(c *Context) []diag.Finding {
	t := c.R.Topology
	if t == "" {
		return nil
	}
	fs := enum("spec.topology", "topology", t)
	if n := c.R.Registry.Replicas; t == operator.SingleReplica && n != nil && *n > 1 {
		fs = append(fs, diag.Warnf(c.path("registry.replicas"), "set replicas: 1, or remove it to get the default",
			"more than one replica on a single-node cluster: every replica runs on the one node, so more add no availability"))
	}
	return fs
}

// releaseStorage checks the release facts (operator.Facts) a profile relies on.
func releaseStorage(c *Context) []diag.Finding {
	v := c.R.Version
	var fs []diag.Finding
	needs := func(key, path, what, fix string) {
		if v.Accepts(key) {
			return
		}
		f := operator.Facts[key]
		if fix == "" {
			fix = fmt.Sprintf("set spec.openshiftVersion to %s or later", f.Since)
		}
		fs = append(fs, diag.Errorf(path, fix, "%s only from OpenShift %s (%s); spec.openshiftVersion is %s", what, f.Since, f.Source, v))
	}
	needs("platform."+c.Platform.Name(), "spec.platform", "platform "+c.Platform.Name()+" is supported", "")
	if c.R.Topology != "" {
		needs("topology."+c.R.Topology, "spec.topology", "topology "+c.R.Topology+" is known to the registry operator", "")
	}
	if pvc := c.R.PVC; c.uses(platforms.VolumeStorage) {
		if f, ok := operator.Facts["class."+pvc.StorageClassName]; ok && f.Instead != "" {
			needs("class."+pvc.StorageClassName, c.path("pvc.storageClassName"), "storage class "+pvc.StorageClassName+" ships",
				fmt.Sprintf("use storageClassName: %s, the class OpenShift %s has, or set spec.openshiftVersion to %s or later", f.Instead, v, f.Since))
		}
		if pvc.AccessMode == operator.ReadWriteOnce {
			needs("accessMode.ReadWriteOnce", c.path("pvc.accessMode"), "the registry operator accepts a ReadWriteOnce claim",
				fmt.Sprintf("set pvc.accessMode: ReadWriteMany on storage that supports it (NFS, CephFS, persistentVolume.nfs), or spec.openshiftVersion to %s or later", operator.Facts["accessMode.ReadWriteOnce"].Since))
		}
	}
	if platforms.ClaimStorage.Chosen(c.R) && !v.Accepts("accessMode.ReadWriteOnce") {
		fs = append(fs, diag.Warnf(c.path("registry.storage.pvc.claim"), "make sure the claim is ReadWriteMany",
			"the claim must be ReadWriteMany: before OpenShift 4.4 the registry operator refuses any other access mode"))
	}
	if cr := c.R.Credentials; cr != nil && cr.ExternalSecret != nil {
		for _, key := range sortedKeys(cr.ExternalSecret.Data) {
			needs("credentialKey."+key, c.path("credentials.externalSecret.data."+key), "the registry operator reads "+key, "")
		}
	}
	return fs
}

func persistentVolume(c *Context) []diag.Finding {
	pv := c.R.PV
	if !c.uses(platforms.PersistentVolumeStorage) {
		return nil
	}
	fs := checkName("PersistentVolume.Name", "", c.path("persistentVolume.name"), pv.Name)
	absolute := func(rel, value, what string) {
		switch {
		case value == "":
			fs = append(fs, diag.Errorf(c.path(rel), "set "+what, "a static volume needs %s", what))
		case !strings.HasPrefix(value, "/"):
			fs = append(fs, diag.Errorf(c.path(rel), "write the path from the root, e.g. /registry", "%s is not an absolute path", what))
		}
	}
	required := func(rel, value, what string) {
		if value == "" {
			fs = append(fs, diag.Errorf(c.path(rel), "set "+what, "a static volume needs %s", what))
		}
	}
	switch {
	case (pv.NFS == nil) == (pv.Local == nil):
		fs = append(fs, diag.Errorf(c.path("persistentVolume"), "set exactly one of nfs: {server, path} and local: {path, nodeName}",
			"a static volume is either an NFS export or a local volume"))
	case pv.NFS != nil:
		required("persistentVolume.nfs.server", pv.NFS.Server, "the NFS server")
		absolute("persistentVolume.nfs.path", pv.NFS.Path, "the exported path")
		if n := *c.R.Registry.Replicas; n > 1 {
			fs = append(fs, diag.Warnf(c.path("persistentVolume.nfs"), "export it with no_wdelay, e.g. /registry *(rw,sync,no_wdelay,no_root_squash)",
				"%d replicas share an NFS volume: the export needs the no_wdelay option (documents 000 §3.3.1, §3.4.1)", n))
		}
	case pv.Local != nil:
		absolute("persistentVolume.local.path", pv.Local.Path, "the volume's path on the node")
		required("persistentVolume.local.nodeName", pv.Local.NodeName, "the node holding the volume")
		if pv.Local.NodeName != "" {
			fs = append(fs, checkName("LocalVolume.NodeName", "", c.path("persistentVolume.local.nodeName"), pv.Local.NodeName)...)
		}
	}
	return fs
}

func swiftStorage(c *Context) []diag.Finding {
	s := c.R.Registry.Storage
	if s == nil || s.Swift == nil {
		return nil
	}
	sw := s.Swift
	var fs []diag.Finding
	if sw.Container == "" {
		fs = append(fs, diag.Errorf(c.path("registry.storage.swift.container"), "name the Swift container you created",
			"Swift storage needs a container: without one the operator creates and owns a container of its own"))
	}
	if sw.AuthURL != "" {
		if u, err := url.Parse(sw.AuthURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			fs = append(fs, diag.Errorf(c.path("registry.storage.swift.authURL"), "write the Keystone URL, e.g. https://keystone.example.com:5000/v3",
				"authURL is not an http or https URL"))
		}
	}
	if sw.AuthVersion != "" {
		if _, err := strconv.Atoi(sw.AuthVersion); err != nil {
			fs = append(fs, diag.Errorf(c.path("registry.storage.swift.authVersion"), `write the Identity API's major version, e.g. "3"`,
				"authVersion is not a number: the operator refuses it"))
		}
	}
	return fs
}

func emptyDir(c *Context) []diag.Finding {
	s := c.R.Registry.Storage
	if s == nil || s.EmptyDir == nil {
		return nil
	}
	fs := []diag.Finding{diag.Warnf(c.path("registry.storage.emptyDir"), "use object storage or a volume for production",
		"emptyDir storage loses every image when the registry pod restarts; not for production")}
	// A defaulted count follows the storage and is never the user's
	// mistake; with two backends it is already reported.
	if n := c.R.Registry.Replicas; n != nil && *n > 1 && !c.R.Defaulted.Replicas {
		fs = append(fs, diag.Errorf(c.path("registry.replicas"), "set replicas: 1, or use object storage or a ReadWriteMany volume",
			"emptyDir storage allows at most 1 replica, got %d: each pod would hold different images", *n))
	}
	return fs
}

func replicas(c *Context) []diag.Finding {
	if c.R.Registry.Replicas == nil {
		return nil // left to the operator (installer-provisioned storage)
	}
	n := *c.R.Registry.Replicas
	if f := checkBound("RegistrySpec.Replicas", c.path("registry.replicas"), int64(n)); f != nil {
		return f
	}
	s := c.R.Registry.Storage
	if n < 2 || s == nil || s.PVC == nil || c.R.Defaulted.Replicas {
		return nil
	}
	if c.R.PVC == nil && s.PVC.Claim == "" {
		return nil // the operator's own claim is ReadWriteMany
	}
	if c.R.PVC == nil {
		return []diag.Finding{diag.Warnf(c.path("registry.replicas"), "make sure claim "+s.PVC.Claim+" is ReadWriteMany, or set replicas: 1",
			"%d replicas share claim %s, which must be ReadWriteMany", n, s.PVC.Claim)}
	}
	if c.R.PVC.AccessMode != operator.ReadWriteMany {
		return []diag.Finding{diag.Errorf(c.path("registry.replicas"), "set replicas: 1, or pvc.accessMode: ReadWriteMany on storage that supports it",
			"%d replicas on a %s volume: 2 or more replicas need accessMode ReadWriteMany", n, c.R.PVC.AccessMode)}
	}
	return nil
}

func rwoRecreate(c *Context) []diag.Finding {
	s := c.R.Registry.Storage
	if c.R.PVC == nil || c.R.PVC.AccessMode != operator.ReadWriteOnce || s == nil || s.PVC == nil {
		return nil // no volume in use; the volume rule reports a conflict
	}
	if !c.R.Version.Has(operator.ConfigFieldSince, "rolloutStrategy") {
		return nil // before 4.4 there is no strategy to choose
	}
	if got := c.R.Registry.RolloutStrategy; got != operator.Recreate {
		return []diag.Finding{diag.Errorf(c.path("registry.rolloutStrategy"), "set rolloutStrategy: Recreate, or remove it to get the default",
			"a ReadWriteOnce volume needs rolloutStrategy Recreate, got %s", got)}
	}
	return nil
}

func volume(c *Context) []diag.Finding {
	if installer(c) { // installer-storage reports any storage
		return nil
	}
	var fs []diag.Finding
	if s := c.R.Registry.Storage; s != nil && s.PVC != nil && s.PVC.Claim == "" {
		fs = append(fs, diag.Warnf(c.path("registry.storage.pvc.claim"),
			"name a claim you created, or use the platform's pvc section to render one; set storage.managementState: Unmanaged to keep the claim when the registry is removed",
			"an empty claim makes the operator create %s (ReadWriteMany, 100Gi, the cluster's default class) and own it: storage is %s, and setting the registry Removed deletes the claim and every image on it",
			operator.ClaimName, operator.Managed))
	}
	v := c.R.PVC
	if !c.uses(platforms.VolumeStorage) {
		return fs
	}
	if platforms.UsesDefaultClass(v) && v.StorageClassName != "" {
		fs = append(fs, diag.Errorf(c.path("pvc.defaultStorageClass"), "remove storageClassName (and any section that creates a class), or defaultStorageClass",
			"defaultStorageClass leaves the class to the cluster, but the claim names a storageClassName"))
	}
	fs = append(fs, checkName("PVCVolume.Name", "", c.path("pvc.name"), v.Name)...)
	if v.Name == operator.ClaimName && c.Platform.Name() == "rhosp-cinder" {
		// The Config names the claim, so the operator uses it as it is
		// (pkg/storage/pvc); but on OpenStack it created a claim of that
		// name at install time, whose class and access mode cannot change.
		fs = append(fs, diag.Warnf(c.path("pvc.name"), "make class, access mode and volume mode those of the existing claim, or choose another name, e.g. "+platforms.DefaultPVCName,
			"on OpenStack the operator created %s at install time: a claim of that name applies only if its immutable fields match", v.Name))
	}
	if q, err := resource.ParseQuantity(v.Size); err != nil {
		fs = append(fs, diag.Errorf(c.path("pvc.size"), "write a size such as 100Gi", "not a valid size"))
	} else if q.Cmp(resource.MustParse(platforms.DefaultPVCSize)) < 0 {
		fs = append(fs, diag.Warnf(c.path("pvc.size"), "use at least 100Gi", "%s is below the 100Gi the registry documentation asks for", v.Size))
	}
	fs = append(fs, c.enum("pvc.accessMode", v.AccessMode)...)
	if v.VolumeMode != operator.Filesystem {
		fs = append(fs, diag.Errorf(c.path("pvc.volumeMode"), "set volumeMode: Filesystem", "the registry needs a Filesystem volume"))
	}
	if other := otherBackends(c.R.Registry.Storage, operator.PVC); len(other) > 0 {
		fs = append(fs, diag.Errorf(c.path("pvc"), "remove the pvc section, or the "+other[0]+" backend",
			"the pvc section creates a volume for the registry, but its storage is %s", strings.Join(other, ", ")))
	}
	if s := c.R.Registry.Storage; s != nil && s.PVC != nil && s.PVC.Claim != v.Name {
		fs = append(fs, diag.Errorf(c.path("registry.storage.pvc.claim"), "remove claim (it is set from pvc.name) or make the two equal",
			"the claim differs from the volume the profile creates (pvc.name)"))
	}
	return fs
}

func cinderClass(c *Context) []diag.Finding {
	cc := c.R.Cinder
	if cc == nil || installer(c) { // installer-storage reports it
		return nil
	}
	var fs []diag.Finding
	if cc.AvailabilityZone == "" {
		fs = append(fs, diag.Errorf(c.path("cinder.availabilityZone"), "set the Cinder availability zone for the registry volume (OpenShift does not check that it exists)",
			"the Cinder storage class needs an availability zone"))
	}
	fs = append(fs, checkName("CinderClass.StorageClassName", "", c.path("cinder.storageClassName"), cc.StorageClassName)...)
	return fs
}

func s3Storage(c *Context) []diag.Finding {
	s := c.R.Registry.Storage
	if s == nil || s.S3 == nil {
		return nil
	}
	s3 := s.S3
	var fs []diag.Finding
	if s3.Bucket == "" {
		fs = append(fs, diag.Errorf(c.path("registry.storage.s3.bucket"), "name the bucket you created",
			"S3 storage needs a bucket: without one the operator creates and owns a bucket of its own"))
	}
	if s3.Region == "" {
		fs = append(fs, diag.Errorf(c.path("registry.storage.s3.region"), "set the bucket's region (us-east-1 for S3-compatible stores)",
			"S3 storage needs a region: the registry's S3 driver does not start without one, even with a regionEndpoint"))
	}
	if s3.RegionEndpoint != "" && !c.R.Defaulted.S3RegionEndpoint { // else object-bucket reports it
		if u, err := url.Parse(s3.RegionEndpoint); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			fs = append(fs, diag.Errorf(c.path("registry.storage.s3.regionEndpoint"), "write a URL such as https://s3.example.com",
				"regionEndpoint is not an http or https URL"))
		}
	}
	if n := s3.ChunkSizeMiB; n != nil {
		fs = append(fs, checkBound("S3.ChunkSizeMiB", c.path("registry.storage.s3.chunkSizeMiB"), int64(*n))...)
	}
	if s3.KeyID != "" && (s3.Encrypt == nil || !*s3.Encrypt) {
		fs = append(fs, diag.Errorf(c.path("registry.storage.s3.keyID"), "set encrypt: true, or remove keyID",
			"keyID is only used when encrypt is true"))
	}
	if s3.TrustedCA != nil {
		fs = append(fs, checkName("ConfigMapRef.Name", "", c.path("registry.storage.s3.trustedCA.name"), s3.TrustedCA.Name)...)
	}
	if cf := s3.CloudFront; cf != nil {
		for field, v := range map[string]string{"baseURL": cf.BaseURL, "keypairID": cf.KeypairID, "privateKey.name": cf.PrivateKey.Name, "privateKey.key": cf.PrivateKey.Key} {
			if v == "" {
				fs = append(fs, diag.Errorf(c.path("registry.storage.s3.cloudFront."+field), "set it", "CloudFront needs %s", field))
			}
		}
	}
	return fs
}

func objectBucket(c *Context) []diag.Finding {
	ob := c.R.ObjectBucket
	if !c.uses(platforms.ObjectBucketStorage) {
		return nil
	}
	fs := oneOf(c.path("objectBucket.storageClassName"), ob.StorageClassName, platforms.BucketClasses...)
	fs = append(fs, checkName("ObjectBucket.BucketName", "", c.path("objectBucket.bucketName"), ob.BucketName)...)
	u, err := url.Parse(ob.Endpoint)
	switch {
	case c.R.Defaulted.ObjectBucketEndpoint:
		// The class's own service, valid.
	case ob.Endpoint == "":
		if contains(platforms.BucketClasses, ob.StorageClassName) { // else reported above
			fs = append(fs, diag.Errorf(c.path("objectBucket.endpoint"), "set the object store's S3 URL, e.g. https://rgw.example.com",
				"%s has no in-cluster endpoint: with ODF in external mode the object store runs outside the cluster", ob.StorageClassName))
		}
	case err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https"):
		fs = append(fs, diag.Errorf(c.path("objectBucket.endpoint"), "write the endpoint with its scheme, e.g. https://s3-openshift-storage.apps.example.com",
			"the endpoint needs an http:// or https:// scheme"))
	case u.Port() != "":
		fs = append(fs, diag.Errorf(c.path("objectBucket.endpoint"), "remove :"+u.Port()+" and use the route or service's default port",
			"the endpoint has a port: ODF's S3 endpoints are reached without one"))
	}
	if other := otherBackends(c.R.Registry.Storage, operator.S3); len(other) > 0 {
		fs = append(fs, diag.Errorf(c.path("objectBucket"), "remove the objectBucket section, or the "+other[0]+" backend",
			"the objectBucket section creates a bucket for the registry, but its storage is %s", strings.Join(other, ", ")))
	}
	if s := c.R.Registry.Storage; s != nil && s.S3 != nil && s.S3.Bucket != ob.BucketName {
		fs = append(fs, diag.Errorf(c.path("registry.storage.s3.bucket"), "remove s3.bucket (it is set from objectBucket.bucketName) or make the two equal",
			"the bucket differs from the bucket claim's (objectBucket.bucketName)"))
	}
	return fs
}

// otherBackends lists the backends set besides the one a helper provides.
func otherBackends(s *v1alpha1.Storage, provided string) []string {
	var out []string
	for _, b := range profile.Backends(s) {
		if b != provided {
			out = append(out, b)
		}
	}
	return out
}

func gcsStorage(c *Context) []diag.Finding {
	s := c.R.Registry.Storage
	if s == nil || s.GCS == nil || s.GCS.Bucket != "" {
		return nil
	}
	return []diag.Finding{diag.Errorf(c.path("registry.storage.gcs.bucket"), "name the bucket you created",
		"GCS storage needs a bucket: without one the operator creates and owns a bucket of its own")}
}

func azureStorage(c *Context) []diag.Finding {
	s := c.R.Registry.Storage
	if s == nil || s.Azure == nil {
		return nil
	}
	az := s.Azure
	var fs []diag.Finding
	if az.AccountName == "" {
		fs = append(fs, diag.Errorf(c.path("registry.storage.azure.accountName"), "name the storage account you created", "Azure storage needs an accountName"))
	}
	switch {
	case az.Container == "":
		fs = append(fs, diag.Errorf(c.path("registry.storage.azure.container"), "name the blob container you created", "Azure storage needs a container"))
	default:
		fs = append(fs, checkName("Azure.Container", "", c.path("registry.storage.azure.container"), az.Container)...)
	}
	if az.CloudName != "" {
		fs = append(fs, c.enum("registry.storage.azure.cloudName", az.CloudName)...)
	}
	if na := az.NetworkAccess; na != nil {
		if na.Type != "" {
			fs = append(fs, c.enum("registry.storage.azure.networkAccess.type", na.Type)...)
		}
		if na.Internal != nil && na.Type != operator.AzureInternal {
			fs = append(fs, diag.Errorf(c.path("registry.storage.azure.networkAccess.internal"), "set type: Internal, or remove internal",
				"internal is only allowed when type is Internal"))
		}
	}
	return fs
}

func storageState(c *Context) []diag.Finding {
	s := c.R.Registry.Storage
	if s == nil || s.ManagementState == "" {
		return nil
	}
	fs := c.enum("registry.storage.managementState", s.ManagementState)
	if s.ManagementState == operator.Managed && s.EmptyDir == nil && (s.PVC == nil || s.PVC.Claim != "") {
		fs = append(fs, diag.Warnf(c.path("registry.storage.managementState"), "remove it to get Unmanaged, unless the operator should own this storage",
			"with Managed, deleting the registry Config or setting managementState: Removed deletes this storage and every image in it"))
	}
	return fs
}

func enums(c *Context) []diag.Finding {
	reg := c.R.Registry
	var fs []diag.Finding
	for _, e := range []struct{ rel, value string }{
		{"registry.managementState", reg.ManagementState},
		{"registry.logLevel", reg.LogLevel},
		{"registry.operatorLogLevel", reg.OperatorLogLevel},
		{"registry.rolloutStrategy", reg.RolloutStrategy},
	} {
		if e.value != "" {
			fs = append(fs, c.enum(e.rel, e.value)...)
		}
	}
	return fs
}

// enum checks a value against the ones the operator accepts for the field
// (operator.Enums, keyed by rel); path is where a finding points.
func enum(path, rel, value string) []diag.Finding {
	allowed, ok := operator.Enums[rel]
	if !ok {
		panic("rules: no operator.Enums entry for " + rel)
	}
	return oneOf(path, value, allowed...)
}

// enum checks the field at rel, reported where the profile set it.
func (c *Context) enum(rel, value string) []diag.Finding { return enum(c.path(rel), rel, value) }

func routes(c *Context) []diag.Finding {
	var fs []diag.Finding
	seen := map[string]int{}
	for i, rt := range c.R.Registry.Routes {
		p := c.path(fmt.Sprintf("registry.routes[%d].name", i))
		switch {
		case rt.Name == "":
			fs = append(fs, diag.Errorf(p, "name the route", "a route needs a name"))
		case rt.Name == operator.DefaultRoute:
			fs = append(fs, diag.Errorf(p, "set defaultRoute: true for that route, or choose another name",
				"%s is the operator's own route", operator.DefaultRoute))
		default:
			if j, dup := seen[rt.Name]; dup {
				fs = append(fs, diag.Errorf(p, "give each route its own name", "the name is already used by routes[%d]", j))
			}
			seen[rt.Name] = i
		}
		if rt.Hostname != "" {
			fs = append(fs, checkName("Route.Hostname", "", c.path(fmt.Sprintf("registry.routes[%d].hostname", i)), rt.Hostname)...)
		}
	}
	return fs
}

// Keys of a route's TLS secret: a kubernetes.io/tls secret needs tls.crt
// and tls.key (the API server refuses one without them); the operator also
// reads tls.cacrt as the route's CA certificate (pkg/resource/route.go).
var (
	routeSecretKeys         = []string{"tls.crt", "tls.key"}
	routeSecretOptionalKeys = []string{"tls.cacrt"}
)

func routeSecrets(c *Context) []diag.Finding {
	var fs []diag.Finding
	writer := map[string]int{}
	for i, rt := range c.R.Registry.Routes {
		src := rt.SecretSource
		if src == nil {
			continue
		}
		base := fmt.Sprintf("registry.routes[%d]", i)
		p := func(rel string) string { return c.path(base + ".secretSource" + rel) }
		switch {
		case (src.ExternalSecret == nil) == (src.Certificate == nil):
			fs = append(fs, diag.Errorf(p(""), "set exactly one of externalSecret and certificate", "a route's secret has one source"))
			continue
		case rt.SecretName == "":
			fs = append(fs, diag.Errorf(c.path(base+".secretName"), "name the TLS secret the source writes, e.g. "+rt.Name+"-tls",
				"secretSource writes the route's secret, but the route names none"))
			continue
		case rt.SecretName == manifest.CredentialsSecret:
			fs = append(fs, diag.Errorf(c.path(base+".secretName"), "name a secret of the route's own, e.g. "+rt.Name+"-tls",
				"%s holds the storage credentials; a route's TLS secret cannot be it", rt.SecretName))
			continue
		}
		if j, dup := writer[rt.SecretName]; dup {
			fs = append(fs, diag.Errorf(p(""), fmt.Sprintf("keep the source on routes[%d] only; this route can name the same secret without one", j),
				"routes[%d] already writes the secret %s", j, rt.SecretName))
			continue
		}
		writer[rt.SecretName] = i
		if es := src.ExternalSecret; es != nil {
			fs = append(fs, externalSecretSource(func(rel string) string { return p(".externalSecret" + rel) }, es, "TLS secret key", routeSecretKeys, routeSecretOptionalKeys,
				func(key string) string {
					return fmt.Sprintf("a kubernetes.io/tls secret needs %s: the API server refuses one without it", key)
				})...)
			continue
		}
		fs = append(fs, certificate(c, base, rt, src.Certificate)...)
	}
	return fs
}

// removeFields checks the fields a PreSync hook removes from the live
// Config: only stale storage backends, never the one in use.
func removeFields(c *Context) []diag.Finding {
	var fs []diag.Finding
	allowed := make([]string, len(operator.ConfigBackends))
	for i, b := range operator.ConfigBackends {
		allowed[i] = "storage." + b
	}
	inUse := map[string]bool{}
	for _, b := range platformBackends(c) {
		inUse["storage."+b] = true
	}
	seen := map[string]int{}
	for i, f := range c.R.Registry.RemoveFields {
		p := c.path(fmt.Sprintf("registry.removeFields[%d]", i))
		switch j, dup := seen[f]; {
		case !contains(allowed, f):
			fs = append(fs, unknownName(p, f, "field to remove (a storage backend)", allowed))
		case dup:
			fs = append(fs, diag.Errorf(p, "list each field once", "already listed at removeFields[%d]", j))
		case inUse[f]:
			fs = append(fs, diag.Errorf(p, "remove it from removeFields; list only the backends the live Config has beside it",
				"%s is the registry's storage on this platform: removing it would take the storage the profile renders away", f))
		}
		seen[f] = i
	}
	return fs
}

// certificate checks a route's cert-manager Certificate: an issuer, and
// DNS names (by default the route's hostname) that cover the hostname.
func certificate(c *Context, base string, rt v1alpha1.Route, cert *v1alpha1.CertificateSource) []diag.Finding {
	p := func(rel string) string { return c.path(base + ".secretSource.certificate" + rel) }
	var fs []diag.Finding
	ref := cert.IssuerRef
	if ref.Name == "" {
		fs = append(fs, diag.Errorf(p(".issuerRef.name"), "name the Issuer or ClusterIssuer that signs the certificate", "an issuer is required"))
	} else {
		fs = append(fs, checkName("IssuerRef.Name", "", p(".issuerRef.name"), ref.Name)...)
	}
	switch {
	case ref.Group != "" && ref.Group != platforms.CertManagerGroup:
		fs = append(fs, checkName("IssuerRef.Group", "", p(".issuerRef.group"), ref.Group)...)
		if ref.Kind == "" {
			fs = append(fs, diag.Errorf(p(".issuerRef.kind"), "set the external issuer's kind", "an issuer of group %s needs a kind", ref.Group))
		}
	case ref.Kind != "":
		fs = append(fs, oneOf(p(".issuerRef.kind"), ref.Kind, "Issuer", "ClusterIssuer")...)
	}
	if len(cert.DNSNames) == 0 {
		return append(fs, diag.Errorf(p(".dnsNames"), "set the route's hostname, or list dnsNames",
			"a certificate needs a DNS name, and the route has no hostname (the router generates one)"))
	}
	covered := rt.Hostname == ""
	for i, name := range cert.DNSNames {
		fs = append(fs, checkName("CertificateSource.DNSNames", "", p(fmt.Sprintf(".dnsNames[%d]", i)), name)...)
		if name == rt.Hostname || (strings.HasPrefix(name, "*.") && strings.Count(rt.Hostname, ".") > 0 && rt.Hostname[strings.Index(rt.Hostname, "."):] == name[1:]) {
			covered = true
		}
	}
	if !covered {
		fs = append(fs, diag.Warnf(p(".dnsNames"), "add "+rt.Hostname+", or remove dnsNames to get it by default",
			"the certificate does not cover the route's hostname %s: clients will refuse it", rt.Hostname))
	}
	return fs
}

func requests(c *Context) []diag.Finding {
	rq := c.R.Registry.Requests
	if rq == nil {
		return nil
	}
	var fs []diag.Finding
	for name, l := range map[string]*v1alpha1.RequestLimits{"read": rq.Read, "write": rq.Write} {
		if l == nil {
			continue
		}
		if l.MaxRunning != nil {
			fs = append(fs, checkBound("RequestLimits.MaxRunning", c.path("registry.requests."+name+".maxRunning"), int64(*l.MaxRunning))...)
		}
		if l.MaxInQueue != nil {
			fs = append(fs, checkBound("RequestLimits.MaxInQueue", c.path("registry.requests."+name+".maxInQueue"), int64(*l.MaxInQueue))...)
		}
		if l.MaxWaitInQueue != nil {
			fs = append(fs, checkBound("RequestLimits.MaxWaitInQueue", c.path("registry.requests."+name+".maxWaitInQueue"), int64(l.MaxWaitInQueue.Duration))...)
		}
	}
	return fs
}

func credentials(c *Context) []diag.Finding {
	cr := c.R.Credentials
	if cr == nil {
		return nil
	}
	p := func(rel string) string { return c.path("credentials" + rel) }
	switch {
	case cr.ExternalSecret != nil && cr.ExistingSecret:
		return []diag.Finding{diag.Errorf(p(""), "keep externalSecret or existingSecret, not both", "two credential sources")}
	case cr.ExternalSecret == nil && !cr.ExistingSecret:
		return []diag.Finding{diag.Errorf(p(""), "set externalSecret, or existingSecret: true", "credentials name no source")}
	}
	backends := platformBackends(c)
	if len(backends) != 1 {
		return nil // one-backend reports it
	}
	keys, takes := operator.CredentialKeys[backends[0]]
	if !takes {
		return []diag.Finding{diag.Errorf(p(""), "remove credentials", "%s storage takes no credentials", backends[0])}
	}
	es := cr.ExternalSecret
	if es == nil {
		return nil
	}
	fs := externalSecretSource(func(rel string) string { return p(".externalSecret" + rel) }, es, backends[0]+" credential key", keys.Required, keys.Optional,
		func(key string) string {
			return fmt.Sprintf("%s storage needs %s: the operator refuses a secret without it", backends[0], key)
		})
	if len(keys.Sets) > 0 && !completeSet(keys.Sets, es.Data) {
		var alts []string
		for _, set := range keys.Sets {
			alts = append(alts, strings.Join(set, " and "))
		}
		fs = append(fs, diag.Errorf(p(".externalSecret.data"), "map "+strings.Join(alts, "; or "),
			"%s storage needs a complete set of credential keys: the operator refuses a secret without one", backends[0]))
	} else if len(keys.Required) == 0 && len(es.Data) == 0 {
		fs = append(fs, diag.Errorf(p(".externalSecret.data"), "map the keys: "+strings.Join(keys.Optional, ", "), "no keys mapped"))
	}
	return fs
}

// externalSecretSource checks an ExternalSecret mapping, for the storage
// credentials or a route's TLS secret: the store, every key one of
// required or optional (what names such a key), each mapped to an entry,
// every required key present (missing says why), a refresh interval of 0
// or more. path maps a path relative to the externalSecret section.
func externalSecretSource(path func(rel string) string, es *v1alpha1.ExternalSecretSource, what string, required, optional []string, missing func(key string) string) []diag.Finding {
	var fs []diag.Finding
	if es.StoreRef.Name == "" {
		fs = append(fs, diag.Errorf(path(".storeRef.name"), "name the SecretStore or ClusterSecretStore", "a store name is required"))
	}
	if es.StoreRef.Kind != "" {
		fs = append(fs, oneOf(path(".storeRef.kind"), es.StoreRef.Kind, "SecretStore", "ClusterSecretStore")...)
	}
	known := append(append([]string(nil), required...), optional...)
	for _, key := range sortedKeys(es.Data) {
		if !contains(known, key) {
			fs = append(fs, unknownName(path(".data."+key), key, what, known))
			continue
		}
		if es.Data[key].Key == "" {
			fs = append(fs, diag.Errorf(path(".data."+key+".key"), "name the entry in the secret store", "the store entry's key is required"))
		}
	}
	for _, key := range required {
		if _, ok := es.Data[key]; !ok {
			fs = append(fs, diag.Errorf(path(".data"), "map "+key+" to an entry in the store", "%s", missing(key)))
		}
	}
	if es.RefreshInterval != nil {
		fs = append(fs, checkBound("ExternalSecretSource.RefreshInterval", path(".refreshInterval"), int64(es.RefreshInterval.Duration))...)
	}
	return fs
}

// maxConfigMapBytes is the API server's bound on a ConfigMap's data: the
// sum of every key's and value's length (ValidateConfigMap).
const maxConfigMapBytes = 1 << 20

func storageCA(c *Context) []diag.Finding {
	var fs []diag.Finding
	s := c.R.Registry.Storage
	if ca := c.R.StorageCA; ca != nil {
		if backends := profile.Backends(s); len(backends) == 1 && backends[0] != operator.S3 {
			fs = append(fs, diag.Errorf(c.path("storageCA"), "remove storageCA",
				"storageCA is the CA of an S3 endpoint (s3.trustedCA); %s storage has no CA setting", backends[0]))
		}
		fs = append(fs, checkPEM(c, c.path("storageCA.pem"), ca.PEM)...)
		if s != nil && s.S3 != nil && s.S3.TrustedCA != nil && !c.R.Defaulted.S3TrustedCA {
			fs = append(fs, diag.Errorf(c.path("registry.storage.s3.trustedCA"), "remove s3.trustedCA (storageCA sets it), or storageCA",
				"s3.trustedCA names a ConfigMap, but storageCA renders its CA as %s", platforms.S3BundleName))
		}
	}
	if s == nil || s.S3 == nil {
		return fs
	}
	u, err := url.Parse(s.S3.RegionEndpoint)
	if err != nil || u.Scheme != "https" {
		return fs
	}
	rel := "registry.storage.s3.regionEndpoint"
	if c.R.Defaulted.S3RegionEndpoint && c.R.ObjectBucket != nil {
		rel = "objectBucket.endpoint"
	}
	// A trustedCA the profile names itself is the profile's business; one
	// defaulted to the injected cluster bundle holds neither CA below.
	injected := c.R.Defaulted.S3TrustedCA && c.R.StorageCA == nil
	switch {
	case platforms.IsClusterService(u.Hostname()) && c.R.StorageCA == nil && (s.S3.TrustedCA == nil || injected):
		fs = append(fs, diag.Errorf(c.path(rel), `use the service's http endpoint, or set storageCA.pem to the service CA (oc get configmap openshift-service-ca.crt -n openshift-config -o jsonpath='{.data.service-ca\.crt}')`,
			"the https endpoint is a cluster service: the service CA signs its certificate, and no ConfigMap in openshift-config holds that CA under ca-bundle.crt, the only key the operator reads"))
	case injected:
		fs = append(fs, diag.Warnf(c.path(rel), `if the route uses the default ingress certificate, set storageCA.pem to the ingress CA (oc get configmap default-ingress-cert -n openshift-config-managed -o jsonpath='{.data.ca-bundle\.crt}')`,
			"the cluster's trusted CA bundle, which s3.trustedCA names by default, holds the system CAs and the proxy's trusted CAs, not the default ingress CA: a route with the default ingress certificate fails verification"))
	}
	return fs
}

// completeSet reports whether data maps every key of one of the sets.
func completeSet(sets [][]string, data map[string]v1alpha1.RemoteRef) bool {
	for _, set := range sets {
		complete := true
		for _, k := range set {
			if _, ok := data[k]; !ok {
				complete = false
			}
		}
		if complete {
			return true
		}
	}
	return false
}

func trustedCAs(c *Context) []diag.Finding {
	var fs []diag.Finding
	seen := map[string]int{}
	total := 0
	for i, ca := range c.R.TrustedCAs {
		base := diag.Path("spec.trustedCAs").Index(i)
		if f := checkName("TrustedCA.Registry", "", base.Child("registry").String(), ca.Registry); f != nil {
			fs = append(fs, f...)
		} else if j, dup := seen[ca.Registry]; dup {
			fs = append(fs, diag.Errorf(base.Child("registry").String(), "put every certificate for one registry in one pem", "the registry is already listed at trustedCAs[%d]", j))
		}
		seen[ca.Registry] = i
		if f := checkPEM(c, base.Child("pem").String(), ca.PEM); f != nil {
			fs = append(fs, f...)
			continue
		}
		bundle, _ := c.R.Bundle(ca.PEM)
		total += len(profile.TrustedCAKey(ca.Registry)) + len(bundle)
	}
	if total > maxConfigMapBytes {
		fs = append(fs, diag.Errorf("spec.trustedCAs", "trust fewer certificates, or put the bundle in a ConfigMap of your own",
			"the trusted CAs come to %d bytes; the ConfigMap that carries them holds at most 1 MiB (%d bytes)", total, maxConfigMapBytes))
	}
	return fs
}

func imageConfig(c *Context) []diag.Finding {
	var fs []diag.Finding
	if name := c.R.TrustedCAConfigMap; name != "" {
		fs = append(fs, checkName("RegistryProfileSpec.TrustedCAConfigMap", "", c.path("trustedCAConfigMap"), name)...)
		if len(c.R.TrustedCAs) == 0 {
			fs = append(fs, diag.Warnf(c.path("trustedCAConfigMap"), "add trustedCAs, or remove trustedCAConfigMap",
				"trustedCAConfigMap is not rendered: the profile lists no trustedCAs"))
		}
	}
	seen := map[string]int{}
	for i, h := range c.R.ExternalRegistryHostnames {
		p := c.path(fmt.Sprintf("externalRegistryHostnames[%d]", i))
		if f := checkName("RegistryProfileSpec.ExternalRegistryHostnames", "", p, h); f != nil {
			fs = append(fs, f...)
		} else if j, dup := seen[h]; dup {
			fs = append(fs, diag.Errorf(p, "list each host name once", "the host name is already listed at externalRegistryHostnames[%d]", j))
		}
		seen[h] = i
	}
	return fs
}

func checkPEM(c *Context, path, data string) []diag.Finding {
	if _, err := c.R.Bundle(data); err != nil {
		// Never echo the text: it may hold a key.
		return []diag.Finding{diag.Errorf(path, "paste only the CA certificates, each from -----BEGIN CERTIFICATE----- to -----END CERTIFICATE-----; keep keys out of the profile", "%v", err)}
	}
	return nil
}

func access(c *Context) []diag.Finding {
	a := c.R.Access
	if a == nil {
		return nil
	}
	var fs []diag.Finding
	for _, group := range []struct {
		name     string
		subjects []v1alpha1.Subject
	}{{"viewers", a.Viewers}, {"editors", a.Editors}, {"metricsScrapers", a.MetricsScrapers}} {
		for i, s := range group.subjects {
			base := diag.Path("spec.access").Child(group.name).Index(i)
			fs = append(fs, oneOf(base.Child("kind").String(), s.Kind, "User", "Group", "ServiceAccount")...)
			if s.Name == "" {
				fs = append(fs, diag.Errorf(base.Child("name").String(), "name the user, group or service account", "a subject needs a name"))
			}
			switch {
			case s.Kind == "ServiceAccount" && s.Namespace == "":
				fs = append(fs, diag.Errorf(base.Child("namespace").String(), "set the service account's namespace", "a ServiceAccount subject needs a namespace"))
			case s.Kind != "ServiceAccount" && s.Namespace != "":
				fs = append(fs, diag.Errorf(base.Child("namespace").String(), "remove namespace; use project to limit the grant to one project", "only ServiceAccount subjects have a namespace"))
			}
			if s.Project == "" {
				continue
			}
			if group.name == "metricsScrapers" {
				fs = append(fs, diag.Errorf(base.Child("project").String(), "remove project", "metrics are cluster-wide: a metrics scraper cannot be limited to a project"))
			} else {
				fs = append(fs, checkName("Subject.Project", "", base.Child("project").String(), s.Project)...)
			}
		}
	}
	return fs
}

func pruner(c *Context) []diag.Finding {
	pr := c.R.Pruner
	if pr == nil {
		return nil
	}
	var fs []diag.Finding
	if pr.Schedule != "" {
		// The operator copies the schedule into a CronJob, whose API
		// (k8s.io/kubernetes pkg/apis/batch/validation validateScheduleFormat,
		// 1.31) refuses a new schedule that contains "TZ" anywhere and one
		// robfig/cron's ParseStandard refuses: the same two checks here.
		if strings.Contains(pr.Schedule, "TZ") {
			fs = append(fs, diag.Errorf("spec.pruner.schedule", "remove CRON_TZ= or TZ=: the pruner's schedule runs in the kube-controller-manager's time zone",
				"a time zone in the schedule: the CronJob API refuses CRON_TZ and TZ in spec.schedule"))
		} else if _, err := cron.ParseStandard(pr.Schedule); err != nil {
			fs = append(fs, diag.Errorf("spec.pruner.schedule", "write five cron fields, e.g. \"0 0 * * *\" (daily at midnight)", "not a valid cron schedule"))
		}
	}
	if pr.KeepTagRevisions != nil {
		fs = append(fs, checkBound("PrunerSpec.KeepTagRevisions", "spec.pruner.keepTagRevisions", int64(*pr.KeepTagRevisions))...)
	}
	if pr.SuccessfulJobsHistoryLimit != nil {
		fs = append(fs, checkBound("PrunerSpec.SuccessfulJobsHistoryLimit", "spec.pruner.successfulJobsHistoryLimit", int64(*pr.SuccessfulJobsHistoryLimit))...)
	}
	if pr.FailedJobsHistoryLimit != nil {
		fs = append(fs, checkBound("PrunerSpec.FailedJobsHistoryLimit", "spec.pruner.failedJobsHistoryLimit", int64(*pr.FailedJobsHistoryLimit))...)
	}
	if pr.KeepYoungerThanDuration != nil {
		fs = append(fs, checkBound("PrunerSpec.KeepYoungerThanDuration", "spec.pruner.keepYoungerThanDuration", int64(pr.KeepYoungerThanDuration.Duration))...)
	}
	if pr.LogLevel != "" {
		fs = append(fs, enum("spec.pruner.logLevel", "pruner.logLevel", pr.LogLevel)...)
	}
	// Document 003 ("Image Registry Operator in OpenShift Container
	// Platform"): the pruner job runs with --prune-registry=false unless
	// the registry is Managed, and then leaves the blobs in the storage.
	if state := c.R.Registry.ManagementState; state == operator.Removed || state == operator.Unmanaged {
		fs = append(fs, diag.Warnf("spec.pruner", "set registry.managementState: Managed to prune blobs too, or remove pruner",
			"with the registry's managementState %s, the pruner prunes image metadata only (--prune-registry=false): blobs stay in the storage", state))
	}
	return fs
}

func openshiftVersion(c *Context) []diag.Finding {
	v := c.R.Version
	var fs []diag.Finding
	gate := func(table map[string]operator.Version, prefix string, value any, defaulted map[string]bool) {
		if !v.Less(operator.NewestIn(table)) {
			return // nothing in the table is newer than the target: the common case, and listing the set fields is a tenth of a render
		}
		for _, field := range setFields(value) {
			gated, since := operator.Since(table, field)
			if gated != field || !v.Less(since) {
				continue // not gated, or reported at the gated parent
			}
			rel := prefix + field
			f := diag.Errorf(c.path(rel), fmt.Sprintf("remove it, or set spec.openshiftVersion to %s or later", since),
				"%s needs OpenShift %s or later; spec.openshiftVersion is %s", field, since, v)
			if defaulted[field] {
				f = diag.Errorf(c.path(rel), fmt.Sprintf("set spec.openshiftVersion to %s or later, or choose other storage", since),
					"%s, which %s needs here, is only in OpenShift %s and later; spec.openshiftVersion is %s", field, c.Platform.Name(), since, v)
			}
			fs = append(fs, f)
		}
	}
	gate(operator.ConfigFieldSince, "registry.", c.R.Registry, c.R.Defaulted.ConfigFields())
	if c.R.Pruner != nil {
		if v.Less(operator.PrunerSince) {
			fs = append(fs, diag.Errorf("spec.pruner", fmt.Sprintf("remove pruner, or set spec.openshiftVersion to %s or later", operator.PrunerSince),
				"the ImagePruner needs OpenShift %s or later; spec.openshiftVersion is %s", operator.PrunerSince, v))
		} else {
			gate(operator.PrunerFieldSince, "pruner.", c.R.Pruner, nil) // no default fills a pruner field
		}
	}
	if c.R.Registry.Logging != nil && !c.R.Defaulted.Logging && operator.LoggingRequiredUntil.Less(v) {
		fs = append(fs, diag.Warnf(c.path("registry.logging"), "use logLevel ("+orList(operator.Enums["registry.logLevel"])+")",
			"logging is deprecated since OpenShift %s", operator.ConfigFieldSince["logLevel"]))
	}
	return fs
}

// setFields lists the dotted paths of every object field set in an API
// value (lists and their items count as one field), parents first.
func setFields(value any) []string {
	data, err := json.Marshal(value)
	if err != nil {
		return nil
	}
	var m map[string]any
	if json.Unmarshal(data, &m) != nil {
		return nil
	}
	var out []string
	var walk func(prefix string, m map[string]any)
	walk = func(prefix string, m map[string]any) {
		for _, k := range sortedKeys(m) {
			out = append(out, prefix+k)
			if child, ok := m[k].(map[string]any); ok {
				walk(prefix+k+".", child)
			}
		}
	}
	walk("", m)
	return out
}

// orList writes values as "a, b or c".
func orList(values []string) string {
	if len(values) < 2 {
		return strings.Join(values, "")
	}
	return strings.Join(values[:len(values)-1], ", ") + " or " + values[len(values)-1]
}

func oneOf(path, value string, allowed ...string) []diag.Finding {
	if contains(allowed, value) {
		return nil
	}
	return []diag.Finding{unknownName(path, value, "value", allowed)}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func sortedKeys[K ~string, V any](m map[K]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, string(k))
	}
	sort.Strings(keys)
	return keys
}
