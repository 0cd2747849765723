package schema

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	storagev1 "k8s.io/api/storage/v1"
	apivalidation "k8s.io/apimachinery/pkg/api/validation"
	"k8s.io/apimachinery/pkg/api/validation/path"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	utilvalidation "k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
	sigsjson "sigs.k8s.io/json"
)

// Built-in kinds have no CRD to validate against, and the API server's own
// validation lives in k8s.io/kubernetes, which cannot reasonably be imported.
// What we can do faithfully is what the server's decoder does with strict
// field validation: decode into the k8s.io/api Go types, rejecting unknown
// and duplicate fields and wrongly typed values (including malformed
// quantities and base64). On top of that come the server's metadata checks
// and a few semantic checks, ported from the server's validation, chosen
// because they catch manifests that decode fine but fail or misbehave when
// applied.

// builtinKind validates one built-in kind from its JSON encoding.
type builtinKind struct {
	validate func(raw []byte) []error
}

// builtinKinds is the registry of built-in kinds, keyed by apiVersion/kind.
func builtinKinds() map[schema.GroupVersionKind]builtinKind {
	core := corev1.SchemeGroupVersion
	rbac := rbacv1.SchemeGroupVersion
	storage := storagev1.SchemeGroupVersion
	return map[schema.GroupVersionKind]builtinKind{
		core.WithKind("ConfigMap"):                 builtin(true, apivalidation.NameIsDNSSubdomain, checkConfigMap),
		core.WithKind("Secret"):                    builtin(true, apivalidation.NameIsDNSSubdomain, checkSecret),
		core.WithKind("ServiceAccount"):            builtin[corev1.ServiceAccount](true, apivalidation.ValidateServiceAccountName, nil),
		core.WithKind("PersistentVolumeClaim"):     builtin(true, apivalidation.NameIsDNSSubdomain, checkPVC),
		core.WithKind("PersistentVolume"):          builtin(false, apivalidation.NameIsDNSSubdomain, checkPV),
		core.WithKind("Namespace"):                 builtin[corev1.Namespace](false, apivalidation.ValidateNamespaceName, nil),
		storage.WithKind("StorageClass"):           builtin(false, apivalidation.NameIsDNSSubdomain, checkStorageClass),
		batchv1.SchemeGroupVersion.WithKind("Job"): builtin[batchv1.Job](true, apivalidation.NameIsDNSSubdomain, nil),
		// RBAC object names only have to be valid path segments.
		rbac.WithKind("Role"):               builtin(true, path.ValidatePathSegmentName, checkRole),
		rbac.WithKind("ClusterRole"):        builtin(false, path.ValidatePathSegmentName, checkClusterRole),
		rbac.WithKind("RoleBinding"):        builtin(true, path.ValidatePathSegmentName, checkRoleBinding),
		rbac.WithKind("ClusterRoleBinding"): builtin(false, path.ValidatePathSegmentName, checkClusterRoleBinding),
	}
}

// builtin returns the validator for Go type T. namespaced says whether the
// kind requires metadata.namespace (namespaced) or forbids it (cluster
// scoped); nameFn validates metadata.name as the server does for the kind;
// check adds kind-specific semantic checks (may be nil).
func builtin[T any, P interface {
	*T
	metav1.Object
}](namespaced bool, nameFn apivalidation.ValidateNameFunc, check func(P) field.ErrorList) builtinKind {
	return builtinKind{validate: func(raw []byte) []error {
		obj := P(new(T))
		// Case-sensitive like the server; reports every unknown and
		// duplicate field, with its path, and keeps decoding past them.
		strictErrs, err := sigsjson.UnmarshalStrict(raw, obj)
		errs := append([]error(nil), strictErrs...)
		if err != nil {
			// A type error leaves obj partially decoded; semantic checks on
			// it would only add noise.
			return append(errs, fmt.Errorf("decoding into %T: %w", obj, err))
		}
		ferrs := apivalidation.ValidateObjectMetaAccessor(obj, namespaced, nameFn, field.NewPath("metadata"))
		if check != nil {
			ferrs = append(ferrs, check(obj)...)
		}
		for _, fe := range ferrs {
			errs = append(errs, fe)
		}
		return errs
	}}
}

// checkDataKeys applies the server's key rule for ConfigMap/Secret data:
// keys become file names when mounted, so only [-._a-zA-Z0-9] are allowed.
func checkDataKeys[V any](data map[string]V, fld *field.Path) field.ErrorList {
	var errs field.ErrorList
	for _, k := range sortedKeys(data) {
		for _, msg := range utilvalidation.IsConfigMapKey(k) {
			errs = append(errs, field.Invalid(fld.Key(k), k, msg))
		}
	}
	return errs
}

func checkConfigMap(cm *corev1.ConfigMap) field.ErrorList {
	errs := checkDataKeys(cm.Data, field.NewPath("data"))
	errs = append(errs, checkDataKeys(cm.BinaryData, field.NewPath("binaryData"))...)
	// The server rejects a key present in both maps: only one could be
	// projected into the mounted volume.
	for _, k := range sortedKeys(cm.BinaryData) {
		if _, dup := cm.Data[k]; dup {
			errs = append(errs, field.Invalid(field.NewPath("binaryData").Key(k), k, "duplicate of key present in data"))
		}
	}
	return errs
}

func checkSecret(s *corev1.Secret) field.ErrorList {
	errs := checkDataKeys(s.Data, field.NewPath("data"))
	errs = append(errs, checkDataKeys(s.StringData, field.NewPath("stringData"))...)

	// The server merges stringData into data before validating the type's
	// required keys, so look in both.
	value := func(k string) ([]byte, bool) {
		if v, ok := s.StringData[k]; ok {
			return []byte(v), true
		}
		v, ok := s.Data[k]
		return v, ok
	}
	requireKey := func(k string) {
		if _, ok := value(k); !ok {
			errs = append(errs, field.Required(field.NewPath("data").Key(k), fmt.Sprintf("secrets of type %s must have key %q (in data or stringData)", s.Type, k)))
		}
	}
	switch s.Type {
	case corev1.SecretTypeDockerConfigJson:
		// A pull secret that is not JSON fails every image pull, silently
		// from the manifest's point of view.
		requireKey(corev1.DockerConfigJsonKey)
		if v, ok := value(corev1.DockerConfigJsonKey); ok && !json.Valid(v) {
			errs = append(errs, field.Invalid(field.NewPath("data").Key(corev1.DockerConfigJsonKey), "<secret contents redacted>", "must be valid JSON"))
		}
	case corev1.SecretTypeTLS:
		requireKey(corev1.TLSCertKey)
		requireKey(corev1.TLSPrivateKeyKey)
	case corev1.SecretTypeBasicAuth:
		_, u := value(corev1.BasicAuthUsernameKey)
		_, p := value(corev1.BasicAuthPasswordKey)
		if !u && !p {
			errs = append(errs, field.Required(field.NewPath("data"), fmt.Sprintf("secrets of type %s must have key %q or %q", s.Type, corev1.BasicAuthUsernameKey, corev1.BasicAuthPasswordKey)))
		}
	}
	return errs
}

func checkPVC(pvc *corev1.PersistentVolumeClaim) field.ErrorList {
	var errs field.ErrorList
	spec := field.NewPath("spec")

	// A claim without access modes or a storage request is rejected by the
	// server; these are the omissions a template most often makes.
	modes := spec.Child("accessModes")
	supported := []string{
		string(corev1.ReadWriteOnce), string(corev1.ReadOnlyMany),
		string(corev1.ReadWriteMany), string(corev1.ReadWriteOncePod),
	}
	if len(pvc.Spec.AccessModes) == 0 {
		errs = append(errs, field.Required(modes, "at least 1 access mode is required"))
	}
	for i, m := range pvc.Spec.AccessModes {
		if !slices.Contains(supported, string(m)) {
			errs = append(errs, field.NotSupported(modes.Index(i), m, supported))
		}
	}

	// Decoding already proved the quantity parses (resource.Quantity
	// rejects malformed strings); the server also needs it present and > 0.
	storage := spec.Child("resources", "requests").Key(string(corev1.ResourceStorage))
	if q, ok := pvc.Spec.Resources.Requests[corev1.ResourceStorage]; !ok {
		errs = append(errs, field.Required(storage, "a storage request is required"))
	} else if q.Sign() <= 0 {
		errs = append(errs, field.Invalid(storage, q.String(), "must be greater than zero"))
	}

	if vm := pvc.Spec.VolumeMode; vm != nil {
		supported := []string{string(corev1.PersistentVolumeFilesystem), string(corev1.PersistentVolumeBlock)}
		if !slices.Contains(supported, string(*vm)) {
			errs = append(errs, field.NotSupported(spec.Child("volumeMode"), *vm, supported))
		}
	}
	return errs
}

// checkPV checks what the server requires of a PersistentVolume: access
// modes, a capacity, exactly one volume source, a known reclaim policy, an
// absolute path for NFS and local volumes, and node affinity for a local
// one.
func checkPV(pv *corev1.PersistentVolume) field.ErrorList {
	var errs field.ErrorList
	spec := field.NewPath("spec")
	if len(pv.Spec.AccessModes) == 0 {
		errs = append(errs, field.Required(spec.Child("accessModes"), "at least 1 access mode is required"))
	}
	if q, ok := pv.Spec.Capacity[corev1.ResourceStorage]; !ok || q.Sign() <= 0 {
		errs = append(errs, field.Required(spec.Child("capacity").Key(string(corev1.ResourceStorage)), "a capacity greater than zero is required"))
	}
	sources := 0
	if nfs := pv.Spec.NFS; nfs != nil {
		sources++
		if nfs.Server == "" {
			errs = append(errs, field.Required(spec.Child("nfs", "server"), ""))
		}
		if !strings.HasPrefix(nfs.Path, "/") {
			errs = append(errs, field.Invalid(spec.Child("nfs", "path"), nfs.Path, "must be an absolute path"))
		}
	}
	if local := pv.Spec.Local; local != nil {
		sources++
		if !strings.HasPrefix(local.Path, "/") {
			errs = append(errs, field.Invalid(spec.Child("local", "path"), local.Path, "must be an absolute path"))
		}
		if pv.Spec.NodeAffinity == nil || pv.Spec.NodeAffinity.Required == nil {
			errs = append(errs, field.Required(spec.Child("nodeAffinity"), "local volumes require node affinity"))
		}
	}
	if sources != 1 {
		errs = append(errs, field.Invalid(spec, sources, "exactly 1 volume source (nfs or local here) is required"))
	}
	supported := []string{string(corev1.PersistentVolumeReclaimRetain), string(corev1.PersistentVolumeReclaimDelete), string(corev1.PersistentVolumeReclaimRecycle)}
	if p := pv.Spec.PersistentVolumeReclaimPolicy; p != "" && !slices.Contains(supported, string(p)) {
		errs = append(errs, field.NotSupported(spec.Child("persistentVolumeReclaimPolicy"), p, supported))
	}
	return errs
}

func checkStorageClass(sc *storagev1.StorageClass) field.ErrorList {
	var errs field.ErrorList
	if sc.Provisioner == "" {
		errs = append(errs, field.Required(field.NewPath("provisioner"), ""))
	} else {
		for _, msg := range utilvalidation.IsQualifiedName(sc.Provisioner) {
			errs = append(errs, field.Invalid(field.NewPath("provisioner"), sc.Provisioner, msg))
		}
	}
	if p := sc.ReclaimPolicy; p != nil {
		supported := []string{string(corev1.PersistentVolumeReclaimDelete), string(corev1.PersistentVolumeReclaimRetain)}
		if !slices.Contains(supported, string(*p)) {
			errs = append(errs, field.NotSupported(field.NewPath("reclaimPolicy"), *p, supported))
		}
	}
	if m := sc.VolumeBindingMode; m != nil {
		supported := []string{string(storagev1.VolumeBindingImmediate), string(storagev1.VolumeBindingWaitForFirstConsumer)}
		if !slices.Contains(supported, string(*m)) {
			errs = append(errs, field.NotSupported(field.NewPath("volumeBindingMode"), *m, supported))
		}
	}
	return errs
}

func checkRole(r *rbacv1.Role) field.ErrorList {
	return checkPolicyRules(r.Rules, false, field.NewPath("rules"))
}

func checkClusterRole(r *rbacv1.ClusterRole) field.ErrorList {
	return checkPolicyRules(r.Rules, true, field.NewPath("rules"))
}

// checkPolicyRules ports the server's ValidatePolicyRule: a rule without
// verbs, or a resource rule without apiGroups or resources, grants nothing,
// which is always a mistake in a manifest.
func checkPolicyRules(rules []rbacv1.PolicyRule, isClusterRole bool, fld *field.Path) field.ErrorList {
	var errs field.ErrorList
	for i, r := range rules {
		p := fld.Index(i)
		if len(r.Verbs) == 0 {
			errs = append(errs, field.Required(p.Child("verbs"), "verbs must contain at least one value"))
		}
		if len(r.NonResourceURLs) > 0 {
			if !isClusterRole {
				errs = append(errs, field.Invalid(p.Child("nonResourceURLs"), r.NonResourceURLs, "namespaced rules cannot apply to non-resource URLs"))
			}
			if len(r.APIGroups) > 0 || len(r.Resources) > 0 || len(r.ResourceNames) > 0 {
				errs = append(errs, field.Invalid(p.Child("nonResourceURLs"), r.NonResourceURLs, "rules cannot apply to both regular resources and non-resource URLs"))
			}
			continue
		}
		if len(r.APIGroups) == 0 {
			errs = append(errs, field.Required(p.Child("apiGroups"), "resource rules must supply at least one api group"))
		}
		if len(r.Resources) == 0 {
			errs = append(errs, field.Required(p.Child("resources"), "resource rules must supply at least one resource"))
		}
	}
	return errs
}

func checkRoleBinding(b *rbacv1.RoleBinding) field.ErrorList {
	errs := checkRoleRef(b.RoleRef, []string{"Role", "ClusterRole"})
	return append(errs, checkSubjects(b.Subjects)...)
}

func checkClusterRoleBinding(b *rbacv1.ClusterRoleBinding) field.ErrorList {
	// A ClusterRoleBinding can only grant a ClusterRole.
	errs := checkRoleRef(b.RoleRef, []string{"ClusterRole"})
	return append(errs, checkSubjects(b.Subjects)...)
}

// checkRoleRef: roleRef is immutable once created, so a wrong one means
// deleting and recreating the binding; catch it before it is applied.
func checkRoleRef(ref rbacv1.RoleRef, kinds []string) field.ErrorList {
	var errs field.ErrorList
	fld := field.NewPath("roleRef")
	if ref.APIGroup != rbacv1.GroupName {
		errs = append(errs, field.NotSupported(fld.Child("apiGroup"), ref.APIGroup, []string{rbacv1.GroupName}))
	}
	if !slices.Contains(kinds, ref.Kind) {
		errs = append(errs, field.NotSupported(fld.Child("kind"), ref.Kind, kinds))
	}
	if ref.Name == "" {
		errs = append(errs, field.Required(fld.Child("name"), ""))
	} else {
		for _, msg := range path.ValidatePathSegmentName(ref.Name, false) {
			errs = append(errs, field.Invalid(fld.Child("name"), ref.Name, msg))
		}
	}
	return errs
}

// checkSubjects ports the server's subject rules, with one deliberate
// tightening: every ServiceAccount subject must name its namespace. The
// server accepts an empty namespace in a RoleBinding, but the authorizer then
// matches no service account at all, so the binding silently grants nothing.
func checkSubjects(subjects []rbacv1.Subject) field.ErrorList {
	var errs field.ErrorList
	kinds := []string{rbacv1.ServiceAccountKind, rbacv1.UserKind, rbacv1.GroupKind}
	for i, s := range subjects {
		p := field.NewPath("subjects").Index(i)
		if s.Name == "" {
			errs = append(errs, field.Required(p.Child("name"), ""))
		}
		switch s.Kind {
		case rbacv1.ServiceAccountKind:
			if s.APIGroup != "" {
				errs = append(errs, field.NotSupported(p.Child("apiGroup"), s.APIGroup, []string{""}))
			}
			if s.Name != "" {
				for _, msg := range apivalidation.ValidateServiceAccountName(s.Name, false) {
					errs = append(errs, field.Invalid(p.Child("name"), s.Name, msg))
				}
			}
			if s.Namespace == "" {
				errs = append(errs, field.Required(p.Child("namespace"), "ServiceAccount subjects must set a namespace"))
			}
		case rbacv1.UserKind, rbacv1.GroupKind:
			if s.APIGroup != rbacv1.GroupName {
				errs = append(errs, field.NotSupported(p.Child("apiGroup"), s.APIGroup, []string{rbacv1.GroupName}))
			}
		default:
			errs = append(errs, field.NotSupported(p.Child("kind"), s.Kind, kinds))
		}
	}
	return errs
}

// sortedKeys makes error order deterministic.
func sortedKeys[V any](m map[string]V) []string {
	return slices.Sorted(maps.Keys(m))
}
