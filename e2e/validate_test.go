package e2e

import (
	"testing"

	"sigs.k8s.io/kustomize/kyaml/kio"
	sigsyaml "sigs.k8s.io/yaml"

	imageregistryv1 "github.com/openshift/api/imageregistry/v1"
	"strings"

	"regprofile.dev/regprofile/e2e/schema"
)

// validate checks every rendered object against its real schema: the
// OpenShift CRDs (CEL rules included), External Secrets' and ODF's CRDs, and
// the k8s.io/api types for built-in kinds. The registry Config must also
// decode strictly into openshift/api's own Go type.
func validate(t *testing.T, stream string) {
	t.Helper()
	v, err := schema.Default()
	if err != nil {
		t.Fatalf("loading schemas: %v", err)
	}
	for _, err := range v.ValidateYAML([]byte(stream)) {
		t.Errorf("schema: %v", err)
	}
	nodes, err := (&kio.ByteReader{Reader: strings.NewReader(stream), OmitReaderAnnotations: true}).Read()
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range nodes {
		if n.GetKind() != "Config" {
			continue
		}
		var cfg imageregistryv1.Config
		if err := sigsyaml.UnmarshalStrict([]byte(n.MustString()), &cfg); err != nil {
			t.Errorf("Config does not decode into openshift/api's type: %v", err)
		}
		if cfg.Namespace != "" || cfg.Name != "cluster" {
			t.Errorf("Config is %s/%s, want the cluster-scoped singleton cluster", cfg.Namespace, cfg.Name)
		}
	}
}

// The validator must reject what the operator would: a check that passes
// everything proves nothing.
func TestValidateCatchesABrokenConfig(t *testing.T) {
	v, err := schema.Default()
	if err != nil {
		t.Fatal(err)
	}
	errs := v.ValidateYAML([]byte(`apiVersion: imageregistry.operator.openshift.io/v1
kind: Config
metadata: {name: cluster, namespace: openshift-image-registry}
spec:
  replicas: 1
  rolloutStrategy: Sideways
`))
	if len(errs) < 2 {
		t.Errorf("want errors for the namespace and the rollout strategy, got %v", errs)
	}
}
