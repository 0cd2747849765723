package profile

import (
	"reflect"
	"strings"

	"regprofile.dev/regprofile/fn/api/v1alpha1"
	"regprofile.dev/regprofile/internal/diag"
	"regprofile.dev/regprofile/internal/operator"
)

// Resolved is a profile as it applies to one platform: the shared settings
// with the platform's merged over them. Later stages default, validate and
// render it; none of them looks at the raw profile again.
type Resolved struct {
	// Name is the profile's metadata.name.
	Name string
	// Platform is the platform being rendered.
	Platform string
	// Version is the target OpenShift release.
	Version operator.Version
	// Topology is spec.topology: HighlyAvailable (also when unset) or
	// SingleReplica.
	Topology string

	Registry     v1alpha1.RegistrySpec
	Credentials  *v1alpha1.Credentials
	StorageCA    *v1alpha1.StorageCA
	PVC          *v1alpha1.PVCVolume
	PV           *v1alpha1.PersistentVolume
	Cinder       *v1alpha1.CinderClass
	ObjectBucket *v1alpha1.ObjectBucket
	TrustedCAs   []v1alpha1.TrustedCA
	// TrustedCAConfigMap is the CA ConfigMap's name, defaulted.
	TrustedCAConfigMap        string
	ExternalRegistryHostnames []string
	Access                    *v1alpha1.Access
	Pruner                    *v1alpha1.PrunerSpec
	ArgoCD                    *v1alpha1.ArgoCDOptions

	// Defaulted says which values a default filled in, rather than the
	// profile; set by the defaulting step (internal/platforms).
	Defaulted Defaulted

	// fromPlatform holds the relative paths ("registry.replicas",
	// "credentials") whose value came from spec.platforms.<p>.
	fromPlatform map[string]bool
	// bundles holds each PEM text Bundle has parsed.
	bundles map[string]bundle
}

type bundle struct {
	pem string
	err error
}

// Bundle is a CA bundle of the profile as it is rendered: its certificates
// parsed strictly (ParseCertificates) and re-encoded from their DER
// (EncodeCertificates), or why the text is not one. The rules check a
// bundle and measure it, and the renderer writes it; parsing X.509 costs
// more than every other rule together, so each text is parsed once per
// Resolved. Not safe for concurrent use, as Resolved is not.
func (r *Resolved) Bundle(text string) (string, error) {
	if b, ok := r.bundles[text]; ok {
		return b.pem, b.err
	}
	certs, err := ParseCertificates(text)
	var b bundle
	if err != nil {
		b.err = err
	} else {
		b.pem = EncodeCertificates(certs)
	}
	if r.bundles == nil {
		r.bundles = map[string]bundle{}
	}
	r.bundles[text] = b
	return b.pem, b.err
}

// Defaulted records the values a later stage treats differently when a
// default, not the profile, set them: a rule tells "the user set 2" from
// "2 was implied", a platform renders what goes with a value it chose.
// Only values someone reads have a field; each is named for its path.
type Defaulted struct {
	// Replicas: registry.replicas.
	Replicas bool
	// Logging: registry.logging, which releases up to
	// operator.LoggingRequiredUntil require.
	Logging bool
	// S3Bucket, S3RegionEndpoint and S3TrustedCA:
	// registry.storage.s3.bucket, .regionEndpoint and .trustedCA.
	S3Bucket, S3RegionEndpoint, S3TrustedCA bool
	// AzureCloudName: registry.storage.azure.cloudName.
	AzureCloudName bool
	// ObjectBucketEndpoint: objectBucket.endpoint.
	ObjectBucketEndpoint bool
	// PVCStorageClassName: pvc.storageClassName.
	PVCStorageClassName bool
	// Credentials: the whole of credentials.
	Credentials bool
}

// ConfigFields maps the fields of the Config's spec (as
// operator.ConfigFieldSince names them) that a default may fill even where
// the release lacks them to whether it did: the version rule then says
// which release the platform's default needs.
func (d Defaulted) ConfigFields() map[string]bool {
	return map[string]bool{
		"storage.azure.cloudName": d.AzureCloudName,
		"storage.s3.trustedCA":    d.S3TrustedCA,
	}
}

// Resolve merges the platform's settings over the shared ones. It does not
// validate: the platform name and version are checked by the caller.
func Resolve(p *v1alpha1.RegistryProfile, platform string, version operator.Version) *Resolved {
	r := &Resolved{
		Name:                      p.Metadata.Name,
		Platform:                  platform,
		Version:                   version,
		Topology:                  p.Spec.Topology,
		TrustedCAs:                clone(p.Spec.TrustedCAs),
		TrustedCAConfigMap:        p.Spec.TrustedCAConfigMap,
		ExternalRegistryHostnames: clone(p.Spec.ExternalRegistryHostnames),
		Access:                    clone(p.Spec.Access),
		Pruner:                    clone(p.Spec.Pruner),
		Credentials:               clone(p.Spec.Credentials),
		StorageCA:                 clone(p.Spec.StorageCA),
		ArgoCD:                    clone(p.Spec.ArgoCD),
		fromPlatform:              map[string]bool{},
	}
	if p.Spec.Registry != nil {
		r.Registry = *clone(p.Spec.Registry)
	}
	ps, ok := p.Spec.Platforms[platform]
	if !ok {
		return r
	}
	ps = *clone(&ps)
	// Storage chosen for the platform, directly or through a helper that
	// creates it, replaces the shared backend rather than joining it: two
	// backends is the operator's MultiStoragesError, and per-platform
	// storage is the point of having platforms.
	choosesStorage := ps.PVC != nil || ps.PersistentVolume != nil || ps.Cinder != nil || ps.ObjectBucket != nil ||
		(ps.Registry != nil && len(Backends(ps.Registry.Storage)) > 0)
	if choosesStorage && r.Registry.Storage != nil {
		r.Registry.Storage = &v1alpha1.Storage{ManagementState: r.Registry.Storage.ManagementState}
	}
	if ps.Registry != nil {
		mergeStruct(reflect.ValueOf(&r.Registry).Elem(), reflect.ValueOf(ps.Registry).Elem(), "registry", r.fromPlatform)
	}
	if ps.Credentials != nil {
		r.Credentials = ps.Credentials
		r.fromPlatform["credentials"] = true
	}
	if ps.ExternalRegistryHostnames != nil {
		r.ExternalRegistryHostnames = ps.ExternalRegistryHostnames
		r.fromPlatform["externalRegistryHostnames"] = true
	}
	if ps.StorageCA != nil {
		r.StorageCA = ps.StorageCA
		r.fromPlatform["storageCA"] = true
	}
	r.PVC, r.PV, r.Cinder, r.ObjectBucket = ps.PVC, ps.PersistentVolume, ps.Cinder, ps.ObjectBucket
	return r
}

// mergeStruct copies every set field of src over dst. Structs of this API
// merge field by field; anything else (scalars, lists, maps, Kubernetes
// types such as affinity) is replaced whole, which is what a reader of a
// platform section expects.
func mergeStruct(dst, src reflect.Value, path string, set map[string]bool) {
	t := src.Type()
	for i := 0; i < t.NumField(); i++ {
		sf, df := src.Field(i), dst.Field(i)
		if sf.IsZero() {
			continue
		}
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		child := path + "." + name
		if sf.Kind() == reflect.Pointer && sf.Elem().Kind() == reflect.Struct && ownType(sf.Elem().Type()) && !df.IsNil() {
			mergeStruct(df.Elem(), sf.Elem(), child, set)
			continue
		}
		df.Set(sf)
		set[child] = true
	}
}

func ownType(t reflect.Type) bool {
	return t.PkgPath() == reflect.TypeOf(v1alpha1.RegistrySpec{}).PkgPath()
}

// clone deep-copies an API value, so that defaulting never writes into the
// decoded profile (which a caller may render for several platforms).
func clone[T any](v T) T {
	var out T
	deepCopy(reflect.ValueOf(&out).Elem(), reflect.ValueOf(v))
	return out
}

// deepCopy copies src into dst, which has its type and is settable,
// sharing no pointer, slice or map with it. A struct's unexported fields
// (resource.Quantity's cached forms) are copied as values, as the type's
// own DeepCopy does for its value fields. Reflection keeps it right for
// every field added to the API; a JSON round trip did the same at ten
// times the cost, a tenth of a whole render.
func deepCopy(dst, src reflect.Value) {
	switch src.Kind() {
	case reflect.Pointer:
		if !src.IsNil() {
			dst.Set(reflect.New(src.Type().Elem()))
			deepCopy(dst.Elem(), src.Elem())
		}
	case reflect.Slice:
		if !src.IsNil() {
			dst.Set(reflect.MakeSlice(src.Type(), src.Len(), src.Len()))
			for i := range src.Len() {
				deepCopy(dst.Index(i), src.Index(i))
			}
		}
	case reflect.Map:
		if !src.IsNil() {
			dst.Set(reflect.MakeMapWithSize(src.Type(), src.Len()))
			for it := src.MapRange(); it.Next(); {
				v := reflect.New(src.Type().Elem()).Elem()
				deepCopy(v, it.Value())
				dst.SetMapIndex(it.Key(), v)
			}
		}
	case reflect.Struct:
		dst.Set(src)
		for i := range src.NumField() {
			if src.Type().Field(i).IsExported() {
				deepCopy(dst.Field(i), src.Field(i))
			}
		}
	case reflect.Interface:
		if !src.IsNil() {
			v := reflect.New(src.Elem().Type()).Elem()
			deepCopy(v, src.Elem())
			dst.Set(v)
		}
	default:
		dst.Set(src)
	}
}

// Path returns the profile field a relative path ("registry.replicas",
// "pvc.size", "pruner.schedule") stands for, following the layer that set
// it: a value from spec.platforms.<p> is reported there, anything else under
// spec.
func (r *Resolved) Path(rel string) diag.Path {
	root, _, _ := strings.Cut(rel, ".")
	root, _, _ = strings.Cut(root, "[")
	switch root {
	case "pvc", "persistentVolume", "cinder", "objectBucket":
		return r.platformPath(rel)
	case "registry", "credentials", "externalRegistryHostnames", "storageCA":
		for p := rel; p != ""; p = operator.Parent(p) {
			if r.fromPlatform[p] {
				return r.platformPath(rel)
			}
		}
	}
	return diag.Path("spec").Child(rel)
}

func (r *Resolved) platformPath(rel string) diag.Path {
	return diag.Path("spec.platforms").Child(r.Platform).Child(rel)
}

// Storage returns the registry's storage, creating it when unset.
func (r *Resolved) Storage() *v1alpha1.Storage {
	if r.Registry.Storage == nil {
		r.Registry.Storage = &v1alpha1.Storage{}
	}
	return r.Registry.Storage
}
