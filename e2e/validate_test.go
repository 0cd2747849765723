package e2e

import (
	"path/filepath"
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

// registry.removeFields renders a Sync hook (service account, role,
// binding, Job) that the real schemas accept, and stays out of the Config.
func TestRemoveFieldsHookValidates(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "profile.yaml"), `apiVersion: regprofile.dev/v1alpha1
kind: RegistryProfile
metadata: {name: registry}
spec:
  platform: vsphere-block
  registry:
    removeFields: [storage.emptyDir, storage.s3]
  platforms:
    vsphere-block:
      pvc: {storageClassName: thin-csi}
`)
	out, stderr, err := run(t, dir, filepath.Join(binDir, "regprofile"), "render", "profile.yaml")
	if err != nil {
		t.Fatalf("render: %v\n%s", err, stderr)
	}
	validate(t, out)
	for _, want := range []string{"kind: Job\n", "argocd.argoproj.io/hook: Sync\n",
		`- '{"spec":{"storage":{"emptyDir":null,"s3":null}}}'`} {
		if !strings.Contains(out, want) {
			t.Errorf("no %q in:\n%s", want, out)
		}
	}
	if strings.Contains(out, "removeFields") {
		t.Errorf("removeFields reached the output:\n%s", out)
	}
}
