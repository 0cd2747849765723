// Package render turns a RegistryProfile into the registry's resources for
// one platform. Data flows one way: select the platform, resolve the
// platform's settings over the shared ones, default, validate, build the
// objects, annotate. Nothing is built when validation finds an error.
package render

import (
	"encoding/json"
	"reflect"
	"sort"
	"strings"

	"regprofile.dev/regprofile/fn/api/v1alpha1"
	"regprofile.dev/regprofile/internal/diag"
	"regprofile.dev/regprofile/internal/manifest"
	"regprofile.dev/regprofile/internal/platforms"
	"regprofile.dev/regprofile/internal/profile"
	"regprofile.dev/regprofile/internal/rules"
)

// Names of what regprofile renders.
const (
	// OwnerAnnotation marks every rendered object with the profile it came
	// from, so that a re-run (kpt fn render) replaces its own earlier
	// output instead of duplicating it, and never touches anything else.
	OwnerAnnotation = "regprofile.dev/profile"
	// TopologyAnnotation carries spec.topology on the Config when the
	// profile declares a single-node cluster. The Config has no field for
	// it (the operator reads the cluster's Infrastructure), so this is how
	// a render says which topology it was chosen for, and how regprofile
	// diff sees a topology change.
	TopologyAnnotation = "regprofile.dev/topology"

	CredentialsSecret = manifest.CredentialsSecret
	// TLSSecretType is the type of a route's TLS secret.
	TLSSecretType = "kubernetes.io/tls"
	singleton     = "cluster"
)

// Options change how a profile renders.
type Options struct {
	// Platform overrides spec.platform when set.
	Platform string
}

// Render renders a profile for one platform. It returns the objects in a
// fixed order, or none and the findings that stopped it. Warnings come
// back with objects.
func Render(p *v1alpha1.RegistryProfile, opts Options) ([]*manifest.Object, diag.Findings) {
	plat, version, fs := rules.CheckSelection(p, opts.Platform)
	if fs.HasErrors() {
		return nil, fs.Sorted()
	}
	r := profile.Resolve(p, plat.Name(), version)
	platforms.ApplyDefaults(plat, r)
	fs = append(fs, rules.Check(r, plat)...)
	if fs.HasErrors() {
		return nil, fs.Sorted()
	}
	objs := build(r, plat)
	annotate(r, objs)
	manifest.Sort(objs)
	return objs, fs.Sorted()
}

// build renders what every platform shares, then the platform's own.
func build(r *profile.Resolved, plat platforms.Platform) []*manifest.Object {
	objs := []*manifest.Object{
		// Cluster-scoped singleton: never give it a namespace.
		manifest.New("imageregistry.operator.openshift.io/v1", "Config", "", singleton, map[string]any{"spec": configSpec(r)}),
	}
	if r.Pruner != nil {
		objs = append(objs, manifest.New("imageregistry.operator.openshift.io/v1", "ImagePruner", "", singleton, map[string]any{"spec": r.Pruner}))
	}
	objs = append(objs, imageConfigObjects(r)...)
	objs = append(objs, storageCAObjects(r)...)
	objs = append(objs, accessObjects(r.Access)...)
	objs = append(objs, credentialObjects(r.Credentials)...)
	objs = append(objs, routeSecretObjects(r.Registry.Routes)...)
	objs = append(objs, removeFieldObjects(r)...)
	return append(objs, plat.Objects(r)...)
}

// imageConfigObjects renders the CA ConfigMap and the registry's fields of
// the cluster's image configuration: additionalTrustedCA naming the
// ConfigMap, and externalRegistryHostnames. Only what the profile sets is
// sent, so that under server-side apply the object's other fields stay with
// their owners. CA keys follow the registry's rule: host:port is written
// host..port, since ':' cannot appear in a ConfigMap key.
func imageConfigObjects(r *profile.Resolved) []*manifest.Object {
	var objs []*manifest.Object
	spec := map[string]any{}
	if len(r.TrustedCAs) > 0 {
		data := map[string]string{}
		for _, ca := range r.TrustedCAs {
			// The certificates as parsed and re-encoded, never the input text.
			bundle, err := r.Bundle(ca.PEM)
			if err != nil {
				panic("render: trusted CA not validated: " + err.Error()) // the trusted-cas rule refuses it first
			}
			data[profile.TrustedCAKey(ca.Registry)] = bundle
		}
		cm := manifest.New("v1", "ConfigMap", manifest.ConfigNamespace, r.TrustedCAConfigMap, map[string]any{"data": data})
		cm.NamedBySingleton = true
		objs = append(objs, cm)
		spec["additionalTrustedCA"] = map[string]any{"name": r.TrustedCAConfigMap}
	}
	if len(r.ExternalRegistryHostnames) > 0 {
		spec["externalRegistryHostnames"] = r.ExternalRegistryHostnames
	}
	if len(spec) == 0 {
		return nil
	}
	return append(objs, manifest.New("config.openshift.io/v1", "Image", "", singleton, map[string]any{"spec": spec}))
}

// storageCAObjects renders the profile's storage CA under ca-bundle.crt,
// the only key the operator reads, in the ConfigMap s3.trustedCA names.
func storageCAObjects(r *profile.Resolved) []*manifest.Object {
	s := r.Registry.Storage
	if r.StorageCA == nil || s == nil || s.S3 == nil || s.S3.TrustedCA == nil {
		return nil
	}
	cm := manifest.New("v1", "ConfigMap", manifest.ConfigNamespace, s.S3.TrustedCA.Name, map[string]any{
		"data": map[string]string{"ca-bundle.crt": certificatesPEM(r, r.StorageCA.PEM)},
	})
	cm.NamedBySingleton = true
	return []*manifest.Object{cm}
}

// certificatesPEM re-encodes the certificates of validated PEM data from
// their parsed DER (Resolved.Bundle): what is rendered is what was checked,
// never the input text, and equal certificates render the same bytes.
func certificatesPEM(r *profile.Resolved, data string) string {
	bundle, err := r.Bundle(data)
	if err != nil {
		panic("render: storage CA not validated: " + err.Error()) // the storage-ca rule refuses it first
	}
	return bundle
}

// Roles the registry defines, and the one for its metrics that OpenShift
// does not ship.
const (
	viewerRole  = "registry-viewer"
	editorRole  = "registry-editor"
	metricsRole = "prometheus-scraper"
)

// accessObjects renders one binding per role and scope: a
// ClusterRoleBinding for cluster-wide subjects and a RoleBinding in each
// project that limits a grant.
func accessObjects(a *v1alpha1.Access) []*manifest.Object {
	if a == nil {
		return nil
	}
	var objs []*manifest.Object
	objs = append(objs, bindings(viewerRole, "registry-viewers", a.Viewers)...)
	objs = append(objs, bindings(editorRole, "registry-editors", a.Editors)...)
	if len(a.MetricsScrapers) > 0 {
		objs = append(objs, manifest.New("rbac.authorization.k8s.io/v1", "ClusterRole", "", metricsRole, map[string]any{
			"rules": []map[string]any{{"apiGroups": []string{"image.openshift.io"}, "resources": []string{"registry/metrics"}, "verbs": []string{"get"}}},
		}))
		objs = append(objs, bindings(metricsRole, metricsRole, a.MetricsScrapers)...)
	}
	return objs
}

func bindings(role, name string, subjects []v1alpha1.Subject) []*manifest.Object {
	byProject := map[string][]map[string]any{}
	seen := map[v1alpha1.Subject]bool{}
	for _, s := range subjects {
		if seen[s] {
			continue
		}
		seen[s] = true
		subject := map[string]any{"kind": s.Kind, "name": s.Name}
		if s.Kind == "ServiceAccount" {
			subject["namespace"] = s.Namespace
		} else {
			subject["apiGroup"] = "rbac.authorization.k8s.io"
		}
		byProject[s.Project] = append(byProject[s.Project], subject)
	}
	projects := make([]string, 0, len(byProject))
	for p := range byProject {
		projects = append(projects, p)
	}
	sort.Strings(projects)
	var objs []*manifest.Object
	for _, project := range projects {
		subs := byProject[project]
		sort.Slice(subs, func(i, j int) bool { return subjectKey(subs[i]) < subjectKey(subs[j]) })
		fields := map[string]any{
			"roleRef":  map[string]any{"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": role},
			"subjects": subs,
		}
		if project == "" {
			objs = append(objs, manifest.New("rbac.authorization.k8s.io/v1", "ClusterRoleBinding", "", name, fields))
		} else {
			objs = append(objs, manifest.New("rbac.authorization.k8s.io/v1", "RoleBinding", project, name, fields))
		}
	}
	return objs
}

func subjectKey(s map[string]any) string {
	ns, _ := s["namespace"].(string)
	return s["kind"].(string) + "/" + ns + "/" + s["name"].(string)
}

// credentialObjects renders the ExternalSecret that writes the registry's
// credentials secret. The secret's values never pass through regprofile.
func credentialObjects(c *v1alpha1.Credentials) []*manifest.Object {
	if c == nil || c.ExternalSecret == nil {
		return nil // none, or managed out of band
	}
	return []*manifest.Object{externalSecret(CredentialsSecret, c.ExternalSecret, "")}
}

// externalSecret renders an ExternalSecret in openshift-image-registry that
// writes the secret name (of type secretType, or the default Opaque when
// empty) from a secret store. It is named after the secret.
func externalSecret(name string, es *v1alpha1.ExternalSecretSource, secretType string) *manifest.Object {
	keys := make([]string, 0, len(es.Data))
	for k := range es.Data {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	data := make([]map[string]any, 0, len(keys))
	for _, k := range keys {
		ref := map[string]any{
			"key": es.Data[k].Key,
			// Older operators defaulted these server-side, newer do not:
			// writing them keeps every version in sync with Git.
			"conversionStrategy": "Default", "decodingStrategy": "None", "metadataPolicy": "None",
		}
		if p := es.Data[k].Property; p != "" {
			ref["property"] = p
		}
		data = append(data, map[string]any{"secretKey": k, "remoteRef": ref})
	}
	// Retain: deleting the ExternalSecret must not pull the keys from
	// under a running registry or route.
	target := map[string]any{"name": name, "creationPolicy": "Owner", "deletionPolicy": "Retain"}
	if secretType != "" {
		// Without template data, External Secrets writes the mapped keys
		// as they are under this type. engineVersion and mergePolicy are
		// the CRD's defaults, written so that the live object matches Git.
		target["template"] = map[string]any{"type": secretType, "engineVersion": "v2", "mergePolicy": "Replace"}
	}
	return manifest.New("external-secrets.io/v1", "ExternalSecret", manifest.RegistryNamespace, name, map[string]any{
		"spec": map[string]any{
			"refreshInterval": es.RefreshInterval.Duration.String(),
			"secretStoreRef":  map[string]any{"kind": es.StoreRef.Kind, "name": es.StoreRef.Name},
			"target":          target,
			"data":            data,
		},
	})
}

// routeSecretObjects renders what writes each route's TLS secret: an
// ExternalSecret or a cert-manager Certificate, named after the secret.
func routeSecretObjects(routes []v1alpha1.Route) []*manifest.Object {
	var objs []*manifest.Object
	for _, rt := range routes {
		src := rt.SecretSource
		switch {
		case src == nil:
		case src.ExternalSecret != nil:
			objs = append(objs, externalSecret(rt.SecretName, src.ExternalSecret, TLSSecretType))
		case src.Certificate != nil:
			issuer := map[string]any{"name": src.Certificate.IssuerRef.Name, "kind": src.Certificate.IssuerRef.Kind}
			if g := src.Certificate.IssuerRef.Group; g != "" {
				issuer["group"] = g
			}
			objs = append(objs, manifest.New("cert-manager.io/v1", "Certificate", manifest.RegistryNamespace, rt.SecretName, map[string]any{
				"spec": map[string]any{"secretName": rt.SecretName, "dnsNames": src.Certificate.DNSNames, "issuerRef": issuer},
			}))
		}
	}
	return objs
}

// What removes registry.removeFields from the live Config.
const (
	// RemoveFieldsName names the Job, its service account and its role.
	RemoveFieldsName = "regprofile-remove-fields"
)

// removeFieldObjects renders the Job that removes registry.removeFields
// from the live Config, with a service account and a role that may only get
// and patch the Config. Server-side apply cannot remove a field another
// manager owns by omitting it (Kubernetes documents no way to, short of a
// patch or update), so the Job sends a JSON merge patch setting each field
// to null: the field goes, its owners' claims with it, and a field already
// gone makes it a no-op, so every sync may run it again. annotate makes
// all four Argo CD Sync hooks, the Job in the wave before the Config.
func removeFieldObjects(r *profile.Resolved) []*manifest.Object {
	if len(r.Registry.RemoveFields) == 0 {
		return nil
	}
	storage := map[string]any{}
	for _, f := range r.Registry.RemoveFields {
		storage[strings.TrimPrefix(f, "storage.")] = nil
	}
	patch, err := json.Marshal(map[string]any{"spec": map[string]any{"storage": storage}}) // keys sorted
	if err != nil {
		panic(err)
	}
	image := r.ArgoCD.CLIImage
	subject := map[string]any{"kind": "ServiceAccount", "name": RemoveFieldsName, "namespace": manifest.RegistryNamespace}
	objs := []*manifest.Object{
		manifest.New("v1", "ServiceAccount", manifest.RegistryNamespace, RemoveFieldsName, nil),
		manifest.New("rbac.authorization.k8s.io/v1", "ClusterRole", "", RemoveFieldsName, map[string]any{
			"rules": []map[string]any{{"apiGroups": []string{"imageregistry.operator.openshift.io"}, "resources": []string{"configs"},
				"resourceNames": []string{singleton}, "verbs": []string{"get", "patch"}}},
		}),
		manifest.New("rbac.authorization.k8s.io/v1", "ClusterRoleBinding", "", RemoveFieldsName, map[string]any{
			"roleRef":  map[string]any{"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": RemoveFieldsName},
			"subjects": []map[string]any{subject},
		}),
		manifest.New("batch/v1", "Job", manifest.RegistryNamespace, RemoveFieldsName, map[string]any{
			"spec": map[string]any{
				"backoffLimit": 3,
				"template": map[string]any{"spec": map[string]any{
					"serviceAccountName": RemoveFieldsName,
					"restartPolicy":      "Never",
					"containers": []map[string]any{{
						"name": "remove-fields", "image": image,
						"command": []string{"oc", "patch", "configs.imageregistry.operator.openshift.io/" + singleton, "--type=merge", "-p", string(patch)},
						// What the restricted-v2 security context constraint admits.
						"securityContext": map[string]any{
							"allowPrivilegeEscalation": false, "runAsNonRoot": true,
							"capabilities":   map[string]any{"drop": []string{"ALL"}},
							"seccompProfile": map[string]any{"type": "RuntimeDefault"},
						},
					}},
				}},
			},
		}),
	}
	for _, o := range objs {
		o.Hook = true
	}
	return objs
}

// configSpec is the Config's spec: the registry settings without what only
// the profile reads (fields tagged regprofile:"local", such as a route's
// secretSource).
func configSpec(r *profile.Resolved) v1alpha1.RegistrySpec {
	return withoutLocal(reflect.ValueOf(r.Registry)).Interface().(v1alpha1.RegistrySpec)
}

// withoutLocal copies a value of the API, zeroing every field tagged
// regprofile:"local" at any depth. Only the API's own types can hold such
// a field: values of other types are shared, never modified.
func withoutLocal(v reflect.Value) reflect.Value {
	own := reflect.TypeOf(v1alpha1.RegistrySpec{}).PkgPath()
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() || v.Elem().Kind() != reflect.Struct || v.Elem().Type().PkgPath() != own {
			return v
		}
		out := reflect.New(v.Elem().Type())
		out.Elem().Set(withoutLocal(v.Elem()))
		return out
	case reflect.Slice:
		if v.IsNil() || v.Type().Elem().Kind() != reflect.Struct || v.Type().Elem().PkgPath() != own {
			return v
		}
		out := reflect.MakeSlice(v.Type(), v.Len(), v.Len())
		for i := 0; i < v.Len(); i++ {
			out.Index(i).Set(withoutLocal(v.Index(i)))
		}
		return out
	case reflect.Struct:
		out := reflect.New(v.Type()).Elem()
		for i := 0; i < v.NumField(); i++ {
			if v.Type().Field(i).Tag.Get(v1alpha1.LocalTag) != v1alpha1.LocalValue {
				out.Field(i).Set(withoutLocal(v.Field(i)))
			}
		}
		return out
	}
	return v
}
