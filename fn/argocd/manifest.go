// Package argocd builds what an Argo CD or OpenShift GitOps administrator
// installs to sync regprofile overlays: the ApplicationSet (or plain
// Applications), the Config Management Plugin sidecar, the registry's
// health checks and the application controller's RBAC.
//
// It links the Argo CD API types, and with them much of Argo CD and
// Kubernetes, so it is a module of its own (fn/argocd/go.mod, with its
// binary, cmd/regprofile-argocd, and the tests that run Argo CD, e2e/):
// Argo CD's requirements never reach the regprofile function's go.mod, and
// the function's dependencies move without waiting for Argo CD's pins.
package argocd

import (
	"bytes"
	"encoding/json"
	"reflect"

	"github.com/argoproj/argo-cd/v2/pkg/apis/application/v1alpha1"

	sigsyaml "sigs.k8s.io/yaml"
)

// Marshal writes objects as a YAML stream with what a person would write:
// typed Kubernetes objects lose the creationTimestamp: null and the empty
// status that Go's encoding adds to every one of them, and an
// ApplicationSet's generators lose the empty template they would carry.
func Marshal(objs ...any) ([]byte, error) {
	var out bytes.Buffer
	for i, o := range objs {
		data, err := json.Marshal(o)
		if err != nil {
			return nil, err
		}
		var m map[string]any
		if err := json.Unmarshal(data, &m); err != nil {
			return nil, err
		}
		delete(m, "status")
		dropEmptyTemplates(m)
		if meta, ok := m["metadata"].(map[string]any); ok && meta["creationTimestamp"] == nil {
			delete(meta, "creationTimestamp")
		}
		doc, err := sigsyaml.Marshal(m)
		if err != nil {
			return nil, err
		}
		if i > 0 {
			out.WriteString("---\n")
		}
		out.Write(doc)
	}
	return out.Bytes(), nil
}

// emptyTemplate is an unset ApplicationSetTemplate as encoding/json writes
// it: omitempty does not apply to a struct, so every generator has one.
var emptyTemplate = func() map[string]any {
	var m map[string]any
	data, _ := json.Marshal(v1alpha1.ApplicationSetTemplate{})
	_ = json.Unmarshal(data, &m)
	return m
}()

// dropEmptyTemplates removes every "template" that is emptyTemplate.
func dropEmptyTemplates(v any) {
	switch v := v.(type) {
	case map[string]any:
		if t, ok := v["template"]; ok && reflect.DeepEqual(t, emptyTemplate) {
			delete(v, "template")
		}
		for _, e := range v {
			dropEmptyTemplates(e)
		}
	case []any:
		for _, e := range v {
			dropEmptyTemplates(e)
		}
	}
}
