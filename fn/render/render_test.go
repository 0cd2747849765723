package render_test

import (
	"strings"
	"testing"

	sigsyaml "sigs.k8s.io/yaml"

	"regprofile.dev/regprofile/fn/kobj"
	"regprofile.dev/regprofile/fn/profile"
	"regprofile.dev/regprofile/fn/render"
)

func mustRender(t *testing.T, doc string, opts render.Options) []*kobj.Object {
	t.Helper()
	p, fs := profile.DecodeBytes([]byte(doc))
	if fs.HasErrors() {
		t.Fatal(fs)
	}
	objs, fs := render.Render(p, opts)
	if fs.HasErrors() {
		t.Fatal(fs)
	}
	return objs
}

// spec returns an object's spec as YAML, for whole-value comparisons.
func spec(t *testing.T, objs []*kobj.Object, kind string) string {
	t.Helper()
	for _, o := range objs {
		if o.Kind == kind {
			data, err := sigsyaml.Marshal(o.Fields["spec"])
			if err != nil {
				t.Fatal(err)
			}
			return string(data)
		}
	}
	t.Fatalf("no %s rendered", kind)
	return ""
}

func kinds(objs []*kobj.Object) string {
	var out []string
	for _, o := range objs {
		out = append(out, o.ID())
	}
	return strings.Join(out, " ")
}

// head starts a profile; tests append its spec.
const head = `apiVersion: regprofile.dev/v1alpha1
kind: RegistryProfile
metadata: {name: p}
spec:
`

const multi = `apiVersion: regprofile.dev/v1alpha1
kind: RegistryProfile
metadata: {name: fleet}
spec:
  registry:
    logLevel: Debug
    tolerations: [{key: a, operator: Exists}]
    storage:
      emptyDir: {}
  platforms:
    aws-upi:
      registry:
        tolerations: [{key: b, operator: Exists}]
        storage:
          s3: {bucket: bkt, region: eu-west-1}
    vsphere-block: {}
    nutanix:
      pvc: {accessMode: ReadWriteMany, storageClassName: files}
`

func TestPlatformBackendReplacesSharedBackend(t *testing.T) {
	got := spec(t, mustRender(t, multi, render.Options{Platform: "aws-upi"}), "Config")
	want := `logLevel: Debug
replicas: 2
storage:
  managementState: Unmanaged
  s3:
    bucket: bkt
    region: eu-west-1
tolerations:
- key: b
  operator: Exists
`
	if got != want {
		t.Errorf("Config spec:\n%s\nwant:\n%s", got, want)
	}
}

func TestSharedEmptyDirStaysWhereThePlatformSetsNoStorage(t *testing.T) {
	// vsphere-block sets no storage, so the shared emptyDir applies: one
	// replica, no volume created.
	objs := mustRender(t, multi, render.Options{Platform: "vsphere-block"})
	if got, want := kinds(objs), "Config/cluster"; got != want {
		t.Errorf("objects %q, want %q", got, want)
	}
	want := `logLevel: Debug
managementState: Managed
replicas: 1
storage:
  emptyDir: {}
tolerations:
- key: a
  operator: Exists
`
	if got := spec(t, objs, "Config"); got != want {
		t.Errorf("Config spec:\n%s\nwant:\n%s", got, want)
	}
}

func TestReadWriteOnceDefaultsToOneReplicaAndRecreate(t *testing.T) {
	doc := head + `  platform: vsphere-block
`
	objs := mustRender(t, doc, render.Options{})
	want := `managementState: Managed
replicas: 1
rolloutStrategy: Recreate
storage:
  managementState: Unmanaged
  pvc:
    claim: image-registry-pvc
`
	if got := spec(t, objs, "Config"); got != want {
		t.Errorf("Config spec:\n%s\nwant:\n%s", got, want)
	}
	wantPVC := `accessModes:
- ReadWriteOnce
resources:
  requests:
    storage: 100Gi
storageClassName: thin-csi
volumeMode: Filesystem
`
	if got := spec(t, objs, "PersistentVolumeClaim"); got != wantPVC {
		t.Errorf("PVC spec:\n%s\nwant:\n%s", got, wantPVC)
	}
}

func TestReadWriteManyDefaultsToTwoReplicasAndRollingUpdate(t *testing.T) {
	got := spec(t, mustRender(t, multi, render.Options{Platform: "nutanix"}), "Config")
	for _, line := range []string{"replicas: 2\n", "rolloutStrategy: RollingUpdate\n", "    claim: image-registry-pvc\n"} {
		if !strings.Contains(got, line) {
			t.Errorf("Config spec lacks %q:\n%s", line, got)
		}
	}
}

func TestODFCephFSVariant(t *testing.T) {
	doc := head + `  platform: baremetal-odf-rgw
  platforms:
    baremetal-odf-rgw:
      pvc: {}
`
	objs := mustRender(t, doc, render.Options{})
	if got, want := kinds(objs), "PersistentVolumeClaim/openshift-image-registry/image-registry-pvc Config/cluster"; got != want {
		t.Errorf("objects %q, want %q", got, want)
	}
	if got := spec(t, objs, "PersistentVolumeClaim"); !strings.Contains(got, "- ReadWriteMany\n") || !strings.Contains(got, "storageClassName: ocs-storagecluster-cephfs\n") {
		t.Errorf("CephFS claim:\n%s", got)
	}
	if got := spec(t, objs, "Config"); !strings.Contains(got, "replicas: 2\n") || !strings.Contains(got, "rolloutStrategy: RollingUpdate\n") {
		t.Errorf("CephFS Config:\n%s", got)
	}
}

func TestODFNooBaaRouteEndpointGetsTrustedCA(t *testing.T) {
	doc := head + `  platform: baremetal-odf-rgw
  platforms:
    baremetal-odf-rgw:
      objectBucket:
        storageClassName: openshift-storage.noobaa.io
        endpoint: https://s3-openshift-storage.apps.example.com
`
	objs := mustRender(t, doc, render.Options{})
	got := spec(t, objs, "Config")
	want := `managementState: Managed
replicas: 2
storage:
  managementState: Unmanaged
  s3:
    bucket: image-registry-bucket
    encrypt: false
    region: us-east-1
    regionEndpoint: https://s3-openshift-storage.apps.example.com
    trustedCA:
      name: image-registry-s3-bundle
    virtualHostedStyle: false
`
	if got != want {
		t.Errorf("Config spec:\n%s\nwant:\n%s", got, want)
	}
	// A route is reachable from nodes: redirects stay on. The CA bundle
	// is a ConfigMap the network operator fills.
	var bundle *kobj.Object
	for _, o := range objs {
		if o.Kind == "ConfigMap" && o.Name == "image-registry-s3-bundle" {
			bundle = o
		}
	}
	if bundle == nil || bundle.Namespace != "openshift-config" || bundle.Labels["config.openshift.io/inject-trusted-cabundle"] != "true" || bundle.Fields["data"] != nil {
		t.Errorf("CA bundle ConfigMap: %+v", bundle)
	}
}

func TestUserCredentialsReplaceTheBucketStore(t *testing.T) {
	doc := head + `  platform: baremetal-odf-rgw
  credentials: {existingSecret: true}
`
	objs := mustRender(t, doc, render.Options{})
	for _, o := range objs {
		switch o.Kind {
		case "ExternalSecret", "SecretStore", "ServiceAccount", "Role", "RoleBinding":
			t.Errorf("rendered %s although the secret is managed out of band", o.ID())
		}
	}
}

func TestRenderDoesNotChangeTheProfile(t *testing.T) {
	p, _ := profile.DecodeBytes([]byte(multi))
	before, _ := sigsyaml.Marshal(p)
	for _, platform := range []string{"aws-upi", "vsphere-block", "nutanix"} {
		if _, fs := render.Render(p, render.Options{Platform: platform}); fs.HasErrors() {
			t.Fatal(fs)
		}
	}
	if after, _ := sigsyaml.Marshal(p); string(after) != string(before) {
		t.Errorf("rendering changed the decoded profile:\n%s\nwas:\n%s", after, before)
	}
}

func TestEveryObjectCarriesTheOwner(t *testing.T) {
	for _, o := range mustRender(t, multi, render.Options{Platform: "nutanix"}) {
		if o.Annotations[render.OwnerAnnotation] != "fleet" {
			t.Errorf("%s lacks the owner annotation", o.ID())
		}
	}
}

func annotations(objs []*kobj.Object, key string) string {
	var out []string
	for _, o := range objs {
		out = append(out, o.Kind+"="+o.Annotations[key])
	}
	return strings.Join(out, " ")
}

func TestSyncWavesFollowDependencies(t *testing.T) {
	cinder := head + `  platform: rhosp-cinder
  platforms:
    rhosp-cinder:
      cinder: {availabilityZone: nova}
  pruner: {}
`
	// The Cinder class is WaitForFirstConsumer: its claim shares the
	// Config's wave.
	if got, want := annotations(mustRender(t, cinder, render.Options{}), render.SyncWaveAnnotation),
		"StorageClass=0 PersistentVolumeClaim=4 Config=4 ImagePruner=5"; got != want {
		t.Errorf("waves %q, want %q", got, want)
	}
	odf := head + `  platform: baremetal-odf-rgw
  trustedCAs: []
`
	if got, want := annotations(mustRender(t, odf, render.Options{}), render.SyncWaveAnnotation),
		"ServiceAccount=1 Role=1 RoleBinding=1 SecretStore=2 ObjectBucketClaim=2 ExternalSecret=3 Config=4"; got != want {
		t.Errorf("waves %q, want %q", got, want)
	}
	cephfs := head + `  platform: baremetal-odf-rgw
  platforms:
    baremetal-odf-rgw:
      pvc: {}
`
	// CephFS binds at once, so its claim is ready before the registry.
	if got, want := annotations(mustRender(t, cephfs, render.Options{}), render.SyncWaveAnnotation),
		"PersistentVolumeClaim=2 Config=4"; got != want {
		t.Errorf("waves %q, want %q", got, want)
	}
}

// A claim's wave follows its class, on every platform: only a class known
// to bind at once goes before the Config; any other class may be
// WaitForFirstConsumer, and its claim would stay Pending before the pod that
// binds it exists.
func TestClaimWaveFollowsItsClassOnEveryPlatform(t *testing.T) {
	for _, tc := range []struct{ platform, class, want string }{
		{"baremetal-odf-rgw", "lvms-vg1", "PersistentVolumeClaim=4 Config=4"},
		{"baremetal-odf-rgw", "local-storage", "PersistentVolumeClaim=4 Config=4"},
		{"baremetal-odf-rgw", "ocs-storagecluster-ceph-rbd", "PersistentVolumeClaim=2 Config=4"},
		{"baremetal-odf-rgw", "ocs-external-storagecluster-cephfs", "PersistentVolumeClaim=2 Config=4"},
		{"vsphere-block", "ocs-storagecluster-cephfs", "PersistentVolumeClaim=2 Config=4"},
		{"vsphere-block", "thin-csi", "PersistentVolumeClaim=4 Config=4"},
		{"nutanix", "ocs-storagecluster-ceph-rbd", "PersistentVolumeClaim=2 Config=4"},
		{"nutanix", "nutanix-volume", "PersistentVolumeClaim=4 Config=4"},
	} {
		doc := head + "  platform: " + tc.platform + "\n  platforms:\n    " + tc.platform + ":\n      pvc: {storageClassName: " + tc.class + "}\n"
		if got := annotations(mustRender(t, doc, render.Options{}), render.SyncWaveAnnotation); got != tc.want {
			t.Errorf("%s on %s: waves %q, want %q", tc.class, tc.platform, got, tc.want)
		}
	}
}

func TestSyncOptionsProtectWhatHoldsData(t *testing.T) {
	odf := head + `  platform: baremetal-odf-rgw
  pruner: {}
`
	got := annotations(mustRender(t, odf, render.Options{}), render.SyncOptionsAnnotation)
	want := "ServiceAccount= Role= RoleBinding= SecretStore=Prune=false,Delete=false ObjectBucketClaim=Prune=false,Delete=false " +
		"ExternalSecret=Prune=false,Delete=false Config=ServerSideApply=true,Prune=false,Delete=false ImagePruner=ServerSideApply=true,Prune=false,Delete=false"
	if got != want {
		t.Errorf("sync options:\n%s\nwant:\n%s", got, want)
	}
}

func TestSyncSafetyCanBeTurnedOff(t *testing.T) {
	doc := head + `  platform: vsphere-block
  argocd: {syncSafety: false}
`
	for _, o := range mustRender(t, doc, render.Options{}) {
		if len(o.Annotations) != 1 || o.Annotations[render.OwnerAnnotation] != "p" {
			t.Errorf("%s annotations %v, want only the owner", o.ID(), o.Annotations)
		}
	}
}

func TestOldReleasesGetTheFieldsTheirCRDsRequire(t *testing.T) {
	for _, tc := range []struct{ version, want string }{
		// 4.3: integer logging and managementState are required; no
		// rolloutStrategy and no storage.managementState exist yet.
		{"4.3", `logging: 2
managementState: Managed
replicas: 1
storage:
  pvc:
    claim: image-registry-pvc
`},
		// 4.10: managementState still required; logging no longer.
		{"4.10", `managementState: Managed
replicas: 1
rolloutStrategy: Recreate
storage:
  managementState: Unmanaged
  pvc:
    claim: image-registry-pvc
`},
	} {
		doc := head + "  platform: vsphere-block\n  openshiftVersion: \"" + tc.version + "\"\n"
		if got := spec(t, mustRender(t, doc, render.Options{}), "Config"); got != tc.want {
			t.Errorf("%s Config spec:\n%s\nwant:\n%s", tc.version, got, tc.want)
		}
	}
	// aws-upi leaves managementState alone once the CRD stops requiring it.
	doc := head + "  platform: aws-upi\n  registry:\n    storage:\n      s3: {bucket: bkt, region: r}\n"
	if got := spec(t, mustRender(t, doc, render.Options{}), "Config"); strings.Contains(got, "managementState: Managed") {
		t.Errorf("4.22 aws-upi Config sets managementState:\n%s", got)
	}
}
