package schema

import (
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

func validator(t testing.TB) *Validator {
	t.Helper()
	start := time.Now()
	v, err := Default()
	if err != nil {
		t.Fatalf("Default(): %v", err)
	}
	if d := time.Since(start); d > 100*time.Millisecond {
		t.Logf("loaded schemas in %v", d)
	}
	return v
}

// passes asserts the stream validates cleanly.
func passes(t *testing.T, stream string) {
	t.Helper()
	for _, err := range validator(t).ValidateYAML([]byte(stream)) {
		t.Errorf("unexpected error: %v", err)
	}
}

// fails asserts the stream produces exactly the wanted errors (as text, in
// any order) and returns them for further inspection.
func fails(t *testing.T, stream string, want ...string) []error {
	t.Helper()
	errs := validator(t).ValidateYAML([]byte(stream))
	got := map[string]bool{}
	for _, err := range errs {
		got[err.Error()] = true
	}
	for _, w := range want {
		if !got[w] {
			t.Errorf("missing error %q", w)
		}
	}
	if len(errs) != len(want) || t.Failed() {
		t.Errorf("got %d errors, want %d:", len(errs), len(want))
		for _, err := range errs {
			t.Errorf("  got: %q", err.Error())
		}
	}
	return errs
}

// fieldOf returns the path of the *field.Error wrapped in err, or "".
func fieldOf(err error) string {
	var fe *field.Error
	if errors.As(err, &fe) {
		return fe.Field
	}
	return ""
}

const validConfig = `
apiVersion: imageregistry.operator.openshift.io/v1
kind: Config
metadata:
  name: cluster
spec:
  replicas: 1
  managementState: Managed
  storage:
    emptyDir: {}
`

func TestLoadsEveryPinnedKind(t *testing.T) {
	v := validator(t)
	have := map[schema.GroupVersionKind]bool{}
	for _, gvk := range v.Kinds() {
		have[gvk] = true
	}
	for _, want := range []schema.GroupVersionKind{
		{Group: "imageregistry.operator.openshift.io", Version: "v1", Kind: "Config"},
		{Group: "imageregistry.operator.openshift.io", Version: "v1", Kind: "ImagePruner"},
		{Group: "config.openshift.io", Version: "v1", Kind: "Image"},
		{Group: "external-secrets.io", Version: "v1", Kind: "ExternalSecret"},
		{Group: "external-secrets.io", Version: "v1", Kind: "SecretStore"},
		{Group: "objectbucket.io", Version: "v1alpha1", Kind: "ObjectBucketClaim"},
		{Group: "cert-manager.io", Version: "v1", Kind: "Certificate"},
		{Version: "v1", Kind: "ConfigMap"},
		{Version: "v1", Kind: "Secret"},
		{Version: "v1", Kind: "ServiceAccount"},
		{Version: "v1", Kind: "PersistentVolumeClaim"},
		{Version: "v1", Kind: "Namespace"},
		{Group: "storage.k8s.io", Version: "v1", Kind: "StorageClass"},
		{Group: "rbac.authorization.k8s.io", Version: "v1", Kind: "Role"},
		{Group: "rbac.authorization.k8s.io", Version: "v1", Kind: "RoleBinding"},
		{Group: "rbac.authorization.k8s.io", Version: "v1", Kind: "ClusterRole"},
		{Group: "rbac.authorization.k8s.io", Version: "v1", Kind: "ClusterRoleBinding"},
	} {
		if !have[want] {
			t.Errorf("no schema loaded for %s", want)
		}
	}
	// external-secrets.io/v1beta1 is in the pinned CRD but not served, so
	// it must not be accepted.
	if have[schema.GroupVersionKind{Group: "external-secrets.io", Version: "v1beta1", Kind: "ExternalSecret"}] {
		t.Errorf("unserved external-secrets.io/v1beta1 ExternalSecret was loaded")
	}
}

func TestMissingCRDFileFailsLoudly(t *testing.T) {
	_, err := newFromSources([]CRDSource{{Module: OpenShiftAPIModule, Path: "imageregistry/v1/no-such.crd.yaml"}}, nil)
	if err == nil || !strings.Contains(err.Error(), "github.com/openshift/api/imageregistry/v1/no-such.crd.yaml: open ") {
		t.Errorf("want an error naming the missing file, got %v", err)
	}
}

func TestDefaultIsShared(t *testing.T) {
	a, errA := Default()
	b, errB := Default()
	if errA != nil || errB != nil || a != b {
		t.Fatalf("Default() returned %p/%v and %p/%v, want one shared validator", a, errA, b, errB)
	}
}

// --- imageregistry.operator.openshift.io/v1 Config ---

func TestConfigValid(t *testing.T) {
	passes(t, validConfig)
}

func TestConfigUnknownField(t *testing.T) {
	errs := fails(t, strings.Replace(validConfig, "replicas: 1", "replicas: 1\n  replcas: 2", 1),
		`Config/cluster: unknown field "spec.replcas"`)
	var uf *UnknownFieldError
	if len(errs) == 1 && (!errors.As(errs[0], &uf) || uf.Path != "spec.replcas") {
		t.Errorf("want *UnknownFieldError with path spec.replcas, got %#v", errs[0])
	}
}

func TestConfigRolloutStrategyPattern(t *testing.T) {
	errs := fails(t, validConfig+"  rolloutStrategy: Sideways\n",
		`Config/cluster: spec.rolloutStrategy: Invalid value: "Sideways": spec.rolloutStrategy in body should match '^(RollingUpdate|Recreate)$'`)
	if len(errs) == 1 && fieldOf(errs[0]) != "spec.rolloutStrategy" {
		t.Errorf("field path = %q, want spec.rolloutStrategy", fieldOf(errs[0]))
	}
}

const azureConfig = `
apiVersion: imageregistry.operator.openshift.io/v1
kind: Config
metadata:
  name: cluster
spec:
  replicas: 2
  managementState: Managed
  storage:
    azure:
      accountName: registrystorage
      container: %s
`

func TestConfigAzureContainerPattern(t *testing.T) {
	passes(t, strings.Replace(azureConfig, "%s", "image-registry", 1))
	fails(t, strings.Replace(azureConfig, "%s", `"Bad_Name"`, 1),
		`Config/cluster: spec.storage.azure.container: Invalid value: "Bad_Name": spec.storage.azure.container in body should match '^[0-9a-z]+(-[0-9a-z]+)*$'`)
}

func TestConfigAzureNetworkAccessCEL(t *testing.T) {
	base := strings.Replace(azureConfig, "%s", "image-registry", 1)
	// Internal with internal settings is what the rule allows.
	passes(t, base+"      networkAccess:\n        type: Internal\n        internal:\n          subnetName: x\n")
	fails(t, base+"      networkAccess:\n        type: External\n        internal:\n          subnetName: x\n",
		`Config/cluster: spec.storage.azure.networkAccess: Invalid value: "object": internal is forbidden when type is not Internal`)
	// type defaults to External, so leaving it out must trip the rule too:
	// proves defaults are applied before CEL, as on the server.
	fails(t, base+"      networkAccess:\n        internal:\n          subnetName: x\n",
		`Config/cluster: spec.storage.azure.networkAccess: Invalid value: "object": internal is forbidden when type is not Internal`)
}

func TestConfigClusterScopedRejectsNamespace(t *testing.T) {
	errs := fails(t, strings.Replace(validConfig, "name: cluster", "name: cluster\n  namespace: openshift-image-registry", 1),
		`Config/cluster: metadata.namespace: Forbidden: not allowed on this type`)
	if len(errs) == 1 && fieldOf(errs[0]) != "metadata.namespace" {
		t.Errorf("field path = %q, want metadata.namespace", fieldOf(errs[0]))
	}
}

func TestConfigMissingName(t *testing.T) {
	fails(t, strings.Replace(validConfig, "name: cluster", "labels: {a: b}", 1),
		`Config/<no name>: metadata.name: Required value: name or generateName is required`)
}

func TestConfigGenerateNameOnly(t *testing.T) {
	fails(t, strings.Replace(validConfig, "name: cluster", "generateName: cluster-", 1),
		`Config/<no name>: metadata.name: Required value: name or generateName is required`)
}

func TestConfigUnknownMetadataField(t *testing.T) {
	fails(t, strings.Replace(validConfig, "name: cluster", "name: cluster\n  lables: {a: b}", 1),
		`Config/cluster: unknown field "metadata.lables"`)
}

// --- imageregistry.operator.openshift.io/v1 ImagePruner ---

const validPruner = `
apiVersion: imageregistry.operator.openshift.io/v1
kind: ImagePruner
metadata:
  name: cluster
spec:
  schedule: "0 0 * * *"
  suspend: false
  keepTagRevisions: 3
  keepYoungerThanDuration: 60m
`

func TestImagePrunerValid(t *testing.T) {
	passes(t, validPruner)
}

func TestImagePrunerWrongType(t *testing.T) {
	errs := fails(t, validPruner+"  keepYoungerThan: \"60m\"\n",
		`ImagePruner/cluster: spec.keepYoungerThan: Invalid value: "string": spec.keepYoungerThan in body must be of type integer: "string"`)
	if len(errs) == 1 && fieldOf(errs[0]) != "spec.keepYoungerThan" {
		t.Errorf("field path = %q, want spec.keepYoungerThan", fieldOf(errs[0]))
	}
}

// --- config.openshift.io/v1 Image ---

func TestImageConfig(t *testing.T) {
	passes(t, `
apiVersion: config.openshift.io/v1
kind: Image
metadata:
  name: cluster
spec:
  registrySources:
    insecureRegistries: [registry.example.com]
`)
	fails(t, `
apiVersion: config.openshift.io/v1
kind: Image
metadata:
  name: cluster
spec:
  registrySources:
    insecureRegistries: registry.example.com
`, `Image/cluster: spec.registrySources.insecureRegistries: Invalid value: "string": spec.registrySources.insecureRegistries in body must be of type array: "string"`)
}

// --- external-secrets.io/v1 ---

const validExternalSecret = `
apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata:
  name: registry-s3
  namespace: openshift-image-registry
spec:
  refreshInterval: 1h
  secretStoreRef:
    kind: SecretStore
    name: cluster-secrets
  target:
    name: image-registry-private-configuration-user
  data:
  - secretKey: REGISTRY_STORAGE_S3_ACCESSKEY
    remoteRef:
      key: registry-s3
      property: access-key
`

const validSecretStore = `
apiVersion: external-secrets.io/v1
kind: SecretStore
metadata:
  name: cluster-secrets
  namespace: openshift-image-registry
spec:
  provider:
    kubernetes:
      remoteNamespace: secrets-source
      server:
        caProvider:
          type: ConfigMap
          name: kube-root-ca.crt
          key: ca.crt
      auth:
        serviceAccount:
          name: eso-reader
`

func TestExternalSecretsValid(t *testing.T) {
	passes(t, validExternalSecret+"---\n"+validSecretStore)
}

func TestExternalSecretUnknownField(t *testing.T) {
	fails(t, strings.Replace(validExternalSecret, "refreshInterval: 1h", "refreshInterval: 1h\n  refreshIntervall: 2h", 1),
		`ExternalSecret/registry-s3: unknown field "spec.refreshIntervall"`)
}

func TestSecretStoreUnknownField(t *testing.T) {
	fails(t, strings.Replace(validSecretStore, "name: eso-reader", "name: eso-reader\n          namespce: x", 1),
		`SecretStore/cluster-secrets: unknown field "spec.provider.kubernetes.auth.serviceAccount.namespce"`)
}

func TestExternalSecretNeedsNamespace(t *testing.T) {
	fails(t, strings.Replace(validExternalSecret, "  namespace: openshift-image-registry\n", "", 1),
		`ExternalSecret/registry-s3: metadata.namespace: Required value`)
}

func TestExternalSecretUnservedVersion(t *testing.T) {
	fails(t, strings.Replace(validExternalSecret, "external-secrets.io/v1", "external-secrets.io/v1beta1", 1),
		`ExternalSecret/registry-s3: no schema for external-secrets.io/v1beta1/ExternalSecret (known versions of ExternalSecret.external-secrets.io: v1)`)
}

func TestSecretStoreCEL(t *testing.T) {
	// ESO's own x-kubernetes-validations rules are compiled and enforced.
	fails(t, `
apiVersion: external-secrets.io/v1
kind: SecretStore
metadata:
  name: doppler
  namespace: ns
spec:
  provider:
    doppler:
      auth: {}
`, `SecretStore/doppler: spec.provider.doppler.auth: Invalid value: "object": Exactly one of 'secretRef' or 'oidcConfig' must be specified`)
}

// --- objectbucket.io/v1alpha1 ObjectBucketClaim ---

const validOBC = `
apiVersion: objectbucket.io/v1alpha1
kind: ObjectBucketClaim
metadata:
  name: registry-bucket
  namespace: openshift-image-registry
spec:
  storageClassName: openshift-storage.noobaa.io
  generateBucketName: image-registry
  additionalConfig:
    bucketclass: noobaa-default-bucket-class
`

func TestOBCValid(t *testing.T) {
	passes(t, validOBC)
}

func TestOBCMissingStorageClass(t *testing.T) {
	fails(t, strings.Replace(validOBC, "  storageClassName: openshift-storage.noobaa.io\n", "", 1),
		`ObjectBucketClaim/registry-bucket: spec.storageClassName: Required value`)
}

// --- built-in kinds ---

const validPVC = `
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: image-registry-storage
  namespace: openshift-image-registry
spec:
  accessModes: [ReadWriteMany]
  resources:
    requests:
      storage: 100Gi
`

func TestPVCValid(t *testing.T) {
	passes(t, validPVC)
}

func TestPVCUnknownField(t *testing.T) {
	fails(t, strings.Replace(validPVC, "accessModes:", "storageClass: fast\n  accessModes:", 1),
		`PersistentVolumeClaim/image-registry-storage: unknown field "spec.storageClass"`)
}

func TestPVCSemantics(t *testing.T) {
	fails(t, strings.Replace(validPVC, "  accessModes: [ReadWriteMany]\n", "", 1),
		`PersistentVolumeClaim/image-registry-storage: spec.accessModes: Required value: at least 1 access mode is required`)
	fails(t, strings.Replace(validPVC, "storage: 100Gi", "cpu: 1", 1),
		`PersistentVolumeClaim/image-registry-storage: spec.resources.requests[storage]: Required value: a storage request is required`)
	fails(t, strings.Replace(validPVC, "100Gi", "100 gigs", 1),
		`PersistentVolumeClaim/image-registry-storage: decoding into *v1.PersistentVolumeClaim: quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'`)
	fails(t, strings.Replace(validPVC, "  namespace: openshift-image-registry\n", "", 1),
		`PersistentVolumeClaim/image-registry-storage: metadata.namespace: Required value`)
}

func TestDuplicateField(t *testing.T) {
	fails(t, strings.Replace(validPVC, "  name: image-registry-storage\n", "  name: image-registry-storage\n  name: again\n", 1),
		"PersistentVolumeClaim/again: yaml: unmarshal errors:\n  line 6: key \"name\" already set in map")
}

func TestClusterRoleBindingWithNamespace(t *testing.T) {
	errs := fails(t, `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: registry-pruner
  namespace: openshift-image-registry
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: system:image-pruner
subjects:
- kind: ServiceAccount
  name: pruner
  namespace: openshift-image-registry
`, `ClusterRoleBinding/registry-pruner: metadata.namespace: Forbidden: not allowed on this type`)
	if len(errs) == 1 && fieldOf(errs[0]) != "metadata.namespace" {
		t.Errorf("field path = %q, want metadata.namespace", fieldOf(errs[0]))
	}
}

func TestRBACSemantics(t *testing.T) {
	passes(t, `
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: reader
  namespace: ns
rules:
- apiGroups: [""]
  resources: [secrets]
  verbs: [get, list]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: reader
  namespace: ns
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: Role
  name: reader
subjects:
- kind: ServiceAccount
  name: eso-reader
  namespace: ns
- kind: Group
  apiGroup: rbac.authorization.k8s.io
  name: admins
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: metrics
rules:
- nonResourceURLs: [/metrics]
  verbs: [get]
`)
	fails(t, `
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: reader
  namespace: ns
roleRef:
  kind: Role
  name: ""
subjects:
- kind: ServiceAccount
  name: eso-reader
`,
		`RoleBinding/reader: roleRef.apiGroup: Unsupported value: "": supported values: "rbac.authorization.k8s.io"`,
		`RoleBinding/reader: roleRef.name: Required value`,
		`RoleBinding/reader: subjects[0].namespace: Required value: ServiceAccount subjects must set a namespace`)
	fails(t, `
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: reader
  namespace: ns
rules:
- resources: [secrets]
`,
		`Role/reader: rules[0].verbs: Required value: verbs must contain at least one value`,
		`Role/reader: rules[0].apiGroups: Required value: resource rules must supply at least one api group`)
}

func TestUnknownKind(t *testing.T) {
	fails(t, `
apiVersion: apps/v1
kind: Deployment
metadata:
  name: registry
  namespace: ns
`, `Deployment/registry: no schema for apps/v1/Deployment`)
}

func TestMultiDocumentStream(t *testing.T) {
	// Empty documents are skipped; every problem in every document is
	// reported, each under its own object.
	fails(t, "---\n# just a comment\n---\n"+validConfig+"---\n"+
		strings.Replace(validPVC, "storage: 100Gi", "storage: 100Gi\n    foo: 1", 1)+
		"---\napiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: ns}\n---\n- not\n- an object\n",
		`PersistentVolumeClaim/image-registry-storage: unknown field "spec.resources.foo"`,
		`Pod/p: no schema for v1/Pod`,
		`document 5: not a Kubernetes object (a YAML/JSON mapping): json: cannot unmarshal array into Go value of type map[string]interface {}`)
}

func TestValidateObject(t *testing.T) {
	v := validator(t)
	obj := map[string]interface{}{
		"apiVersion": "imageregistry.operator.openshift.io/v1",
		"kind":       "Config",
		"metadata":   map[string]interface{}{"name": "cluster"},
		"spec": map[string]interface{}{
			"replicas":        2, // a Go int must be accepted as an integer
			"managementState": "Managed",
			"storage":         map[string]interface{}{"emptyDir": map[string]interface{}{}},
		},
	}
	if errs := v.ValidateObject(obj); len(errs) != 0 {
		t.Fatalf("unexpected errors: %v", errs)
	}
	// Validation prunes and defaults a copy, never the caller's map.
	if _, defaulted := obj["spec"].(map[string]interface{})["logLevel"]; defaulted {
		t.Errorf("ValidateObject modified its argument")
	}
	obj["spec"].(map[string]interface{})["replicas"] = "two"
	errs := v.ValidateObject(obj)
	if len(errs) == 0 || fieldOf(errs[0]) != "spec.replicas" {
		t.Errorf("want a spec.replicas error, got %v", errs)
	}
}

func TestConcurrentUse(t *testing.T) {
	v := validator(t)
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < 5; j++ {
				if errs := v.ValidateYAML([]byte(validConfig + "---\n" + validSecretStore)); len(errs) != 0 {
					t.Errorf("unexpected errors: %v", errs)
					return
				}
			}
		}()
	}
	wg.Wait()
}

func BenchmarkNew(b *testing.B) {
	for i := 0; i < b.N; i++ {
		if _, err := New(); err != nil {
			b.Fatal(err)
		}
	}
}
