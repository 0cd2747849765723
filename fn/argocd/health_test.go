package argocd

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/argoproj/argo-cd/v2/util/lua"
	"github.com/argoproj/argo-cd/v2/util/settings"
	"github.com/argoproj/gitops-engine/pkg/health"
	log "github.com/sirupsen/logrus"
	jsonpatch "gopkg.in/evanphx/json-patch.v4"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/kubernetes/fake"
	sigsyaml "sigs.k8s.io/yaml"
)

type healthCase struct {
	Name   string                 `json:"name"`
	Health health.HealthStatus    `json:"health"`
	Object map[string]interface{} `json:"object"`
}

// TestHealthChecks runs the shipped checks in Argo CD's own Lua VM, as its
// application controller does, against a sample of every state the image
// registry operator reports. The checks are loaded the way each install
// gets them: the argocd-cm patch applied to Argo CD's own argocd-cm and
// read by Argo CD's settings manager, and the ArgoCD resource patch turned
// into argocd-cm keys as the OpenShift GitOps operator does.
func TestHealthChecks(t *testing.T) {
	sources := map[string]map[string]string{
		FormatArgoCDCM: configMapData(t, mergePatch(t, argoFile(t, "manifests/base/config/argocd-cm.yaml"), ConfigMapHealthPatch())),
		FormatArgoCDCR: operatorConfigMapData(t, mergePatch(t, map[string]any{
			"apiVersion": "argoproj.io/v1beta1", "kind": "ArgoCD", "metadata": map[string]any{"name": DefaultArgoCD}, "spec": map[string]any{},
		}, ArgoCDHealthPatch(DefaultArgoCD))),
	}
	kinds := 0
	for _, h := range HealthChecks() {
		kinds++
		var cases []healthCase
		data, err := os.ReadFile(filepath.Join("testdata", "health", h.Kind+".yaml"))
		if err != nil {
			t.Fatalf("every check needs samples of every state: %v", err)
		}
		if err := sigsyaml.UnmarshalStrict(data, &cases); err != nil {
			t.Fatal(err)
		}
		for format, cm := range sources {
			overrides := resourceOverrides(t, cm)
			for _, c := range cases {
				t.Run(format+"/"+h.Kind+"/"+c.Name, func(t *testing.T) {
					got, err := lua.ResourceHealthOverrides(overrides).GetResourceHealth(&unstructured.Unstructured{Object: c.Object})
					if err != nil {
						t.Fatal(err)
					}
					if got == nil || *got != c.Health {
						t.Errorf("health %+v, want %+v", got, c.Health)
					}
				})
			}
		}
	}
	if kinds != 3 {
		t.Errorf("%d health checks, want the Config's, the ImagePruner's and the ObjectBucketClaim's", kinds)
	}
}

// resourceOverrides reads argocd-cm data through Argo CD's settings
// manager, which parses resource.customizations.health.<group>_<kind>.
func resourceOverrides(t *testing.T, data map[string]string) lua.ResourceHealthOverrides {
	t.Helper()
	cm := &corev1.ConfigMap{}
	cm.Name, cm.Namespace, cm.Data = "argocd-cm", "argocd", data
	cm.Labels = map[string]string{"app.kubernetes.io/part-of": "argocd"}
	log.SetLevel(log.WarnLevel) // the settings manager logs its informers
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	overrides, err := settings.NewSettingsManager(ctx, fake.NewSimpleClientset(cm), "argocd").GetResourceOverrides()
	if err != nil {
		t.Fatal(err)
	}
	return overrides
}

// argoFile reads a file of the Argo CD module this package builds against.
func argoFile(t *testing.T, name string) map[string]any {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(argoModuleDir(t), name))
	if err != nil {
		t.Fatal(err)
	}
	var obj map[string]any
	if err := sigsyaml.Unmarshal(data, &obj); err != nil {
		t.Fatal(err)
	}
	return obj
}

// mergePatch applies a JSON merge patch, as kubectl patch --type merge.
func mergePatch(t *testing.T, obj, patch map[string]any) map[string]any {
	t.Helper()
	merged, err := jsonpatch.MergePatch(mustJSON(t, obj), mustJSON(t, patch))
	if err != nil {
		t.Fatal(err)
	}
	var out map[string]any
	roundTrip(t, json.RawMessage(merged), &out)
	return out
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func configMapData(t *testing.T, cm map[string]any) map[string]string {
	t.Helper()
	var typed corev1.ConfigMap
	roundTrip(t, cm, &typed)
	return typed.Data
}

// operatorConfigMapData is what the OpenShift GitOps operator writes into
// argocd-cm for an ArgoCD resource's health checks: one
// resource.customizations.health.<group>_<kind> key each.
func operatorConfigMapData(t *testing.T, cr map[string]any) map[string]string {
	t.Helper()
	var typed struct {
		Spec struct {
			ResourceHealthChecks []HealthCheck `json:"resourceHealthChecks"`
		} `json:"spec"`
	}
	roundTrip(t, cr, &typed)
	data := map[string]string{}
	for _, h := range typed.Spec.ResourceHealthChecks {
		data["resource.customizations.health."+h.Group+"_"+h.Kind] = h.Check
	}
	return data
}

// roundTrip decodes an object into the fields of it that a test reads.
func roundTrip(t *testing.T, from any, to any) {
	t.Helper()
	if err := json.Unmarshal(mustJSON(t, from), to); err != nil {
		t.Fatal(err)
	}
}
