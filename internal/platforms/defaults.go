package platforms

import (
	"net/url"
	"strings"

	"regprofile.dev/regprofile/fn/api/v1alpha1"
	"regprofile.dev/regprofile/internal/operator"
	"regprofile.dev/regprofile/internal/profile"
)

// Defaults every platform shares, and the operator's own names.
const (
	DefaultPVCName = "image-registry-pvc"
	DefaultPVCSize = "100Gi"
	// DefaultTrustedCAConfigMap holds the profile's trusted CAs in
	// openshift-config.
	DefaultTrustedCAConfigMap = "registry-cas"
)

// ApplyDefaults runs the platform's defaults, then the ones all platforms
// share. It only fills what is unset; rules then judge the result.
func ApplyDefaults(p Platform, r *profile.Resolved) {
	p.Default(r)
	if _, ok := p.(InstallerProvisioned); ok {
		// The operator chose replicas and strategy for the storage it
		// made: neither is defaulted, and no storage stanza is added (the
		// installer-storage rule refuses one the profile sets).
		applyVersionDefaults(r)
		return
	}
	storage := r.Storage()
	backends := profile.Backends(storage)

	if r.PVC != nil {
		setString(r, &r.PVC.Name, "pvc.name", DefaultPVCName)
		setString(r, &r.PVC.Size, "pvc.size", DefaultPVCSize)
		setString(r, &r.PVC.AccessMode, "pvc.accessMode", operator.ReadWriteOnce)
		setString(r, &r.PVC.VolumeMode, "pvc.volumeMode", operator.Filesystem)
		if len(backends) == 0 {
			storage.PVC = &v1alpha1.PVCStorage{}
			backends = []string{operator.PVC}
		}
		if storage.PVC != nil && storage.PVC.Claim == "" {
			storage.PVC.Claim = r.PVC.Name
		}
	}

	if s3 := storage.S3; s3 != nil && r.StorageCA != nil && s3.TrustedCA == nil {
		// Assigned even where the release lacks the field: the version
		// rule then says which release the CA needs.
		s3.TrustedCA = &v1alpha1.ConfigMapRef{Name: S3BundleName}
		r.Defaulted.S3TrustedCA = true
	}
	if inClusterEndpoint(storage) {
		// Nodes cannot resolve a cluster service's name, so a redirect to
		// the storage would break every pull: the registry serves blobs.
		setBool(r, &r.Registry.DisableRedirect, "registry.disableRedirect", true)
	}

	single := len(backends) == 1
	rwo := r.PVC != nil && r.PVC.AccessMode == operator.ReadWriteOnce
	if r.Registry.Replicas == nil {
		// One pod when the storage cannot be shared, two for availability
		// otherwise; a user-named claim of unknown access mode gets one,
		// the safe choice.
		n := int32(2)
		if single && (backends[0] == operator.EmptyDir || (backends[0] == operator.PVC && (r.PVC == nil || rwo))) {
			n = 1
		}
		if r.Topology == operator.SingleReplica {
			// One node: the operator bootstraps single-node clusters with
			// one replica on every storage.
			n = 1
		}
		r.Registry.Replicas = &n
		r.Defaulted.Replicas = true
	}
	if r.Registry.RolloutStrategy == "" && single && backends[0] == operator.PVC && releaseHas(r, "registry.rolloutStrategy") {
		switch {
		case rwo || (r.PVC == nil && *r.Registry.Replicas == 1):
			// The operator refuses a ReadWriteOnce claim unless pods are
			// replaced rather than rolled.
			r.Registry.RolloutStrategy = operator.Recreate
		case r.PVC != nil:
			// Written out so that a volume changed from ReadWriteOnce does
			// not keep the Recreate the cluster already has.
			r.Registry.RolloutStrategy = operator.RollingUpdate
		}
	}
	if storage.PVC != nil && storage.PVC.Claim == "" {
		// The operator creates image-registry-storage for an empty claim
		// and sets storage Managed itself (pkg/storage/pvc CreateStorage);
		// written out so that Git says what the cluster will.
		setString(r, &storage.ManagementState, "registry.storage.managementState", operator.Managed)
	}
	if single && backends[0] != operator.EmptyDir {
		// Storage the profile provides must outlive the registry: with
		// Managed, deleting the Config or setting Removed deletes it.
		setString(r, &storage.ManagementState, "registry.storage.managementState", operator.Unmanaged)
	}

	applyVersionDefaults(r)
}

// applyVersionDefaults fills what every platform shares besides storage:
// the CA ConfigMap's name and the fields older releases' CRDs require.
func applyVersionDefaults(r *profile.Resolved) {
	if len(r.TrustedCAs) > 0 {
		setString(r, &r.TrustedCAConfigMap, "trustedCAConfigMap", DefaultTrustedCAConfigMap)
	}
	for _, rt := range r.Registry.Routes {
		// A certificate for a route is for its host name.
		if src := rt.SecretSource; src != nil && src.Certificate != nil && src.Certificate.DNSNames == nil && rt.Hostname != "" {
			src.Certificate.DNSNames = []string{rt.Hostname}
		}
	}
	if !operator.LoggingRequiredUntil.Less(r.Version) && r.Registry.Logging == nil {
		two := int64(2) // the operator's own default: info
		r.Registry.Logging = &two
		r.Defaulted.Logging = true
	}
	if !operator.ManagementStateRequiredUntil.Less(r.Version) {
		setString(r, &r.Registry.ManagementState, "registry.managementState", operator.Managed)
	}
}

// inClusterEndpoint reports whether the registry would redirect clients to
// a blob endpoint inside the cluster: an S3 regionEndpoint or CloudFront
// URL on a cluster service. These are the only blob endpoints the Config
// names; Swift's authURL is Keystone, which hands out the object store's
// endpoint, and Azure and GCS endpoints follow from the cloud.
func inClusterEndpoint(s *v1alpha1.Storage) bool {
	if s == nil || s.S3 == nil {
		return false
	}
	endpoints := []string{s.S3.RegionEndpoint}
	if s.S3.CloudFront != nil {
		endpoints = append(endpoints, s.S3.CloudFront.BaseURL)
	}
	for _, e := range endpoints {
		if u, err := url.Parse(e); err == nil && IsClusterService(u.Hostname()) {
			return true
		}
	}
	return false
}

// IsClusterService reports whether host is a Service's cluster DNS name,
// which only pods resolve.
func IsClusterService(host string) bool {
	return strings.HasSuffix(host, ".svc") || strings.HasSuffix(host, ".svc.cluster.local")
}

// releaseHas reports whether the target release has the field at rel, a
// path under "registry.". Defaults never write a field the release lacks;
// a platform that cannot work without one assigns it directly, and the
// openshift-version rule then explains which release it needs.
func releaseHas(r *profile.Resolved, rel string) bool {
	field, ok := strings.CutPrefix(rel, "registry.")
	return !ok || r.Version.Has(operator.ConfigFieldSince, field)
}

// setManaged sets managementState: Managed on platforms where the operator
// bootstraps the registry as Removed for want of storage.
func setManaged(r *profile.Resolved) {
	if r.Registry.ManagementState == "" {
		r.Registry.ManagementState = operator.Managed
	}
}

// UsesDefaultClass reports whether a volume leaves its class to the
// cluster's default class.
func UsesDefaultClass(v *v1alpha1.PVCVolume) bool {
	return v.DefaultStorageClass != nil && *v.DefaultStorageClass
}

// setString fills an unset field the release has (rel names it) and, if it
// did, sets the flags that record it (r.Defaulted's).
func setString(r *profile.Resolved, field *string, rel, value string, defaulted ...*bool) {
	if *field == "" && value != "" && releaseHas(r, rel) {
		*field = value
		for _, d := range defaulted {
			*d = true
		}
	}
}

func setBool(r *profile.Resolved, field **bool, rel string, value bool) {
	if *field == nil && releaseHas(r, rel) {
		*field = &value
	}
}
