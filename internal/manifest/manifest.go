// Package manifest builds the Kubernetes objects regprofile renders, as plain
// values that marshal to the minimal YAML a person would write: no
// creationTimestamp, no status, no zero values.
package manifest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Namespaces the registry's objects live in.
const (
	RegistryNamespace = "openshift-image-registry"
	ConfigNamespace   = "openshift-config"
	// CredentialsSecret is the registry's storage credentials secret in
	// RegistryNamespace, which the operator reads.
	CredentialsSecret = "image-registry-private-configuration-user"
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
	// NamedBySingleton marks an object that a cluster singleton names (the
	// CA ConfigMap of image.config.openshift.io/cluster or of the
	// registry's storage): it must be kept as long as the singleton, which
	// Argo CD never prunes. Not serialized.
	NamedBySingleton bool
	// Hook marks an object that runs before the sync applies the rest (an
	// Argo CD PreSync hook), replaced on every sync. Not serialized.
	Hook bool
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
	"StorageClass", "PersistentVolume", "ConfigMap", "ServiceAccount", "ClusterRole", "Role",
	"ClusterRoleBinding", "RoleBinding", "SecretStore", "ObjectBucketClaim",
	"PersistentVolumeClaim", "ExternalSecret", "Certificate", "Image", "Config", "ImagePruner",
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

// RNode converts the object to a kyaml node, keys sorted, so the same
// object always gives the same bytes. Plain maps, lists and scalars are
// converted directly; API structs go through JSON once, which applies
// their omitempty tags. (Going through YAML text instead cost 70% of a
// render.)
func (o *Object) RNode() (*yaml.RNode, error) {
	n, err := toNode(o.Map())
	if err != nil {
		return nil, fmt.Errorf("%s: %w", o.ID(), err)
	}
	return yaml.NewRNode(n), nil
}

// toNode builds a YAML node from a value made of maps, lists, scalars and
// API structs.
func toNode(v any) (*yaml.Node, error) {
	switch v := v.(type) {
	case map[string]any:
		return mapping(v)
	case map[string]string:
		m := make(map[string]any, len(v))
		for k, s := range v {
			m[k] = s
		}
		return mapping(m)
	case []any:
		return sequence(len(v), func(i int) any { return v[i] })
	case []string:
		return sequence(len(v), func(i int) any { return v[i] })
	case []map[string]any:
		return sequence(len(v), func(i int) any { return v[i] })
	case string:
		n := &yaml.Node{Kind: yaml.ScalarNode, Tag: yaml.NodeTagString, Value: v}
		if strings.Contains(v, "\n") {
			n.Style = yaml.LiteralStyle // PEM bundles stay readable
		}
		return n, nil
	case json.Number:
		tag := yaml.NodeTagInt
		if strings.ContainsAny(string(v), ".eE") {
			tag = yaml.NodeTagFloat
		}
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: tag, Value: string(v)}, nil
	case int:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: yaml.NodeTagInt, Value: strconv.Itoa(v)}, nil
	case bool:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: yaml.NodeTagBool, Value: strconv.FormatBool(v)}, nil
	case nil:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: yaml.NodeTagNull, Value: "null"}, nil
	}
	// An API struct (or pointer to one): JSON applies its tags.
	data, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber() // keep numbers exactly as marshalled
	var decoded any
	if err := dec.Decode(&decoded); err != nil {
		return nil, err
	}
	return toNode(decoded)
}

func mapping(m map[string]any) (*yaml.Node, error) {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	n := &yaml.Node{Kind: yaml.MappingNode, Tag: yaml.NodeTagMap, Content: make([]*yaml.Node, 0, 2*len(keys))}
	for _, k := range keys {
		child, err := toNode(m[k])
		if err != nil {
			return nil, err
		}
		n.Content = append(n.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: yaml.NodeTagString, Value: k}, child)
	}
	return n, nil
}

func sequence(length int, item func(int) any) (*yaml.Node, error) {
	n := &yaml.Node{Kind: yaml.SequenceNode, Tag: yaml.NodeTagSeq, Content: make([]*yaml.Node, 0, length)}
	for i := 0; i < length; i++ {
		child, err := toNode(item(i))
		if err != nil {
			return nil, err
		}
		n.Content = append(n.Content, child)
	}
	return n, nil
}
