// Package kobj builds the Kubernetes objects regprofile renders, as plain
// values that marshal to the minimal YAML a person would write: no
// creationTimestamp, no status, no zero values.
package kobj

import (
	"fmt"
	"sort"

	"sigs.k8s.io/kustomize/kyaml/yaml"
	sigsyaml "sigs.k8s.io/yaml"
)

// Namespaces the registry's objects live in.
const (
	RegistryNamespace = "openshift-image-registry"
	ConfigNamespace   = "openshift-config"
)

// Object is one rendered Kubernetes object.
type Object struct {
	APIVersion  string
	Kind        string
	Namespace   string // empty for cluster-scoped kinds
	Name        string
	Labels      map[string]string
	Annotations map[string]string
	// WaitsForConsumer marks a claim whose class binds it only once a pod
	// uses it (WaitForFirstConsumer): it must not be ordered before the
	// registry that consumes it. Not serialized.
	WaitsForConsumer bool
	// Fields are the top-level fields besides apiVersion, kind and metadata
	// (spec, data, rules, roleRef, subjects, ...). Values may be maps, lists,
	// scalars or API structs with omitempty tags.
	Fields map[string]any
}

// New returns an object with the given identity and top-level fields.
func New(apiVersion, kind, namespace, name string, fields map[string]any) *Object {
	return &Object{APIVersion: apiVersion, Kind: kind, Namespace: namespace, Name: name, Fields: fields}
}

// Annotate sets an annotation.
func (o *Object) Annotate(key, value string) {
	if o.Annotations == nil {
		o.Annotations = map[string]string{}
	}
	o.Annotations[key] = value
}

// Label sets a label.
func (o *Object) Label(key, value string) {
	if o.Labels == nil {
		o.Labels = map[string]string{}
	}
	o.Labels[key] = value
}

// ID identifies the object: kind, namespace and name.
func (o *Object) ID() string {
	if o.Namespace == "" {
		return o.Kind + "/" + o.Name
	}
	return fmt.Sprintf("%s/%s/%s", o.Kind, o.Namespace, o.Name)
}

// Map is the object as a marshallable map.
func (o *Object) Map() map[string]any {
	meta := map[string]any{"name": o.Name}
	if o.Namespace != "" {
		meta["namespace"] = o.Namespace
	}
	if len(o.Labels) > 0 {
		meta["labels"] = o.Labels
	}
	if len(o.Annotations) > 0 {
		meta["annotations"] = o.Annotations
	}
	m := map[string]any{"apiVersion": o.APIVersion, "kind": o.Kind, "metadata": meta}
	for k, v := range o.Fields {
		m[k] = v
	}
	return m
}

// applyOrder ranks kinds so that what others depend on comes first: storage
// classes before claims, stores before the secrets they fill, everything
// before the Config that uses it. Unknown kinds sort last.
var applyOrder = []string{
	"StorageClass", "ConfigMap", "ServiceAccount", "ClusterRole", "Role",
	"ClusterRoleBinding", "RoleBinding", "SecretStore", "ObjectBucketClaim",
	"PersistentVolumeClaim", "ExternalSecret", "Image", "Config", "ImagePruner",
}

func rank(kind string) int {
	for i, k := range applyOrder {
		if k == kind {
			return i
		}
	}
	return len(applyOrder)
}

// Sort orders objects by kind (dependencies first), namespace and name, so
// that output never depends on the order they were built in.
func Sort(objs []*Object) {
	sort.SliceStable(objs, func(i, j int) bool {
		a, b := objs[i], objs[j]
		if ra, rb := rank(a.Kind), rank(b.Kind); ra != rb {
			return ra < rb
		}
		if a.Kind != b.Kind {
			return a.Kind < b.Kind
		}
		if a.Namespace != b.Namespace {
			return a.Namespace < b.Namespace
		}
		return a.Name < b.Name
	})
}

// RNode converts the object to a kyaml node. Marshalling through JSON
// applies the API types' omitempty tags and sorts map keys, so the same
// object always gives the same bytes.
func (o *Object) RNode() (*yaml.RNode, error) {
	data, err := sigsyaml.Marshal(o.Map())
	if err != nil {
		return nil, fmt.Errorf("%s: %w", o.ID(), err)
	}
	return yaml.Parse(string(data))
}
