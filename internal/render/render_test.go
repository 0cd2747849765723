package render_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"strings"
	"testing"
	"time"

	sigsyaml "sigs.k8s.io/yaml"

	"regprofile.dev/regprofile/internal/manifest"
	"regprofile.dev/regprofile/internal/platforms"
	"regprofile.dev/regprofile/internal/profile"
	"regprofile.dev/regprofile/internal/render"
)

func mustRender(t *testing.T, doc string, opts render.Options) []*manifest.Object {
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
func spec(t *testing.T, objs []*manifest.Object, kind string) string {
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

func kinds(objs []*manifest.Object) string {
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
	var bundle *manifest.Object
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

func annotations(objs []*manifest.Object, key string) string {
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

// Nodes cannot resolve a cluster service's name, so a redirect to an
// in-cluster blob endpoint breaks every pull: the registry must serve blobs
// itself, whatever the backend and however the endpoint was chosen.
func TestInClusterEndpointsDisableRedirect(t *testing.T) {
	for _, tc := range []struct {
		name, doc string
		want      bool
	}{
		{"aws-upi regionEndpoint .svc", head + `  platform: aws-upi
  registry:
    storage:
      s3: {bucket: bkt, region: r, regionEndpoint: "http://minio.minio.svc:9000"}
`, true},
		{"aws-upi regionEndpoint .svc.cluster.local", head + `  platform: aws-upi
  registry:
    storage:
      s3: {bucket: bkt, region: r, regionEndpoint: "http://minio.minio.svc.cluster.local"}
`, true},
		{"aws-upi cloudFront on a service", head + `  platform: aws-upi
  registry:
    storage:
      s3:
        bucket: bkt
        region: r
        cloudFront: {baseURL: "http://cdn.cache.svc", keypairID: k, privateKey: {name: n, key: k}}
`, true},
		{"baremetal s3 without a bucket claim", head + `  platform: baremetal-odf-rgw
  registry:
    storage:
      s3: {bucket: bkt, region: r, regionEndpoint: "http://rook-ceph-rgw-ocs-storagecluster-cephobjectstore.openshift-storage.svc"}
  credentials: {existingSecret: true}
`, true},
		{"bucket claim", head + "  platform: baremetal-odf-rgw\n", true},
		{"external endpoint", head + `  platform: aws-upi
  registry:
    storage:
      s3: {bucket: bkt, region: r, regionEndpoint: "https://s3.example.com"}
`, false},
		{"a host that merely contains svc", head + `  platform: aws-upi
  registry:
    storage:
      s3: {bucket: bkt, region: r, regionEndpoint: "https://svc.example.com"}
`, false},
	} {
		got := strings.Contains(spec(t, mustRender(t, tc.doc, render.Options{}), "Config"), "disableRedirect: true")
		if got != tc.want {
			t.Errorf("%s: disableRedirect: true is %v, want %v", tc.name, got, tc.want)
		}
	}
	// A profile's own choice stands.
	doc := head + `  platform: aws-upi
  registry:
    disableRedirect: false
    storage:
      s3: {bucket: bkt, region: r, regionEndpoint: "http://minio.minio.svc"}
`
	if got := spec(t, mustRender(t, doc, render.Options{}), "Config"); !strings.Contains(got, "disableRedirect: false") {
		t.Errorf("the profile's disableRedirect: false was overridden:\n%s", got)
	}
}

// A ConfigMap that a protected singleton names must be protected as the
// singleton is: pruning it would leave the Image (or the Config) naming a
// ConfigMap that no longer exists, and the registry fails.
func TestConfigMapsNamedBySingletonsAreProtected(t *testing.T) {
	doc := head + `  platform: baremetal-odf-rgw
  platforms:
    baremetal-odf-rgw:
      objectBucket: {endpoint: "https://s3-openshift-storage.apps.example.com"}
  trustedCAs:
  - registry: registry.example.com
    pem: |
` + indent(testCA, "      ") + `
`
	objs := mustRender(t, doc, render.Options{})
	for _, name := range []string{platforms.DefaultTrustedCAConfigMap, platforms.S3BundleName} {
		found := false
		for _, o := range objs {
			if o.Kind == "ConfigMap" && o.Name == name {
				found = true
				if got := o.Annotations[render.SyncOptionsAnnotation]; got != "Prune=false,Delete=false" {
					t.Errorf("ConfigMap %s sync options %q, want Prune=false,Delete=false", name, got)
				}
			}
		}
		if !found {
			t.Errorf("no ConfigMap %s rendered: %s", name, kinds(objs))
		}
	}
}

// An https endpoint on a cluster service is signed by the service CA, which
// no ConfigMap in openshift-config holds under ca-bundle.crt: the profile
// gives the CA, rendered (certificates only, re-encoded) under the one key
// the operator reads, and s3.trustedCA names it. On any platform.
func TestStorageCAGivesTheEndpointsCA(t *testing.T) {
	doc := head + `  platform: aws-upi
  registry:
    storage:
      s3: {bucket: bkt, region: r, regionEndpoint: "https://minio.minio.svc"}
  platforms:
    aws-upi:
      storageCA:
        pem: |
` + indent(testCA, "          ") + `
`
	objs := mustRender(t, doc, render.Options{})
	if got := spec(t, objs, "Config"); !strings.Contains(got, "trustedCA:\n      name: "+platforms.S3BundleName+"\n") {
		t.Errorf("s3.trustedCA does not name %s:\n%s", platforms.S3BundleName, got)
	}
	var cm *manifest.Object
	for _, o := range objs {
		if o.Kind == "ConfigMap" && o.Name == platforms.S3BundleName && o.Namespace == manifest.ConfigNamespace {
			cm = o
		}
	}
	if cm == nil {
		t.Fatalf("no ConfigMap %s/%s: %s", manifest.ConfigNamespace, platforms.S3BundleName, kinds(objs))
	}
	data, _ := cm.Fields["data"].(map[string]string)
	if want := testCA + "\n"; len(data) != 1 || data["ca-bundle.crt"] != want {
		t.Errorf("ConfigMap data %q, want only ca-bundle.crt: %q", data, want)
	}
	if len(cm.Labels) != 0 {
		t.Errorf("the given CA must not be replaced by an injected bundle: labels %v", cm.Labels)
	}
	// The bucket claim's route endpoint: the given CA, not the injected
	// cluster bundle.
	odf := head + `  platform: baremetal-odf-rgw
  platforms:
    baremetal-odf-rgw:
      objectBucket: {endpoint: "https://s3-openshift-storage.apps.example.com"}
      storageCA:
        pem: |
` + indent(testCA, "          ") + `
`
	n := 0
	for _, o := range mustRender(t, odf, render.Options{}) {
		if o.Kind == "ConfigMap" && o.Name == platforms.S3BundleName {
			n++
			if len(o.Labels) != 0 {
				t.Errorf("baremetal-odf-rgw: the given CA is replaced by an injected bundle: %v", o.Labels)
			}
		}
	}
	if n != 1 {
		t.Errorf("baremetal-odf-rgw: %d ConfigMaps %s, want 1", n, platforms.S3BundleName)
	}
}

// An empty claim is the operator's own: it creates image-registry-storage
// (ReadWriteMany, 100Gi, the default class), sets storage Managed and owns
// it. The Config says so, as the operator would, and nothing else is
// rendered for the volume.
func TestEmptyClaimIsTheOperators(t *testing.T) {
	for _, pvc := range []string{"{}", `{claim: ""}`} {
		doc := head + "  platform: vsphere-block\n  registry:\n    storage:\n      pvc: " + pvc + "\n"
		objs := mustRender(t, doc, render.Options{})
		want := `managementState: Managed
replicas: 1
rolloutStrategy: Recreate
storage:
  managementState: Managed
  pvc: {}
`
		if got := spec(t, objs, "Config"); got != want {
			t.Errorf("pvc: %s: Config spec:\n%s\nwant:\n%s", pvc, got, want)
		}
		if got := kinds(objs); got != "Config/cluster" {
			t.Errorf("pvc: %s: rendered %s, want only the Config", pvc, got)
		}
	}
}

// pvc.defaultStorageClass leaves the class to the cluster's default: the
// claim has no storageClassName (an empty one would mean "no class"), no
// platform class is filled in or created, and the claim, of a class nobody
// knows, shares the Config's wave.
func TestDefaultStorageClassLeavesTheClassOut(t *testing.T) {
	for _, platform := range []string{"vsphere-block", "nutanix", "rhosp-cinder", "baremetal-odf-rgw"} {
		doc := head + "  platform: " + platform + "\n  platforms:\n    " + platform + ":\n      pvc: {defaultStorageClass: true}\n"
		objs := mustRender(t, doc, render.Options{})
		if got, want := annotations(objs, render.SyncWaveAnnotation), "PersistentVolumeClaim=4 Config=4"; got != want {
			t.Errorf("%s: waves %q, want %q", platform, got, want)
		}
		got := spec(t, objs, "PersistentVolumeClaim")
		want := `accessModes:
- ReadWriteOnce
resources:
  requests:
    storage: 100Gi
volumeMode: Filesystem
`
		if got != want {
			t.Errorf("%s: claim spec:\n%s\nwant:\n%s", platform, got, want)
		}
	}
}

func indent(s, prefix string) string {
	return prefix + strings.ReplaceAll(strings.TrimSpace(s), "\n", "\n"+prefix)
}

// testCA is a freshly made self-signed CA certificate, as PEM.
var testCA = func() string {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		panic(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "test CA"},
		NotBefore: time.Now(), NotAfter: time.Now().Add(time.Hour), IsCA: true, BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		panic(err)
	}
	return strings.TrimSpace(string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})))
}()

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
		// A ReadWriteMany volume: 4.3's operator refuses any other.
		{"4.3", `logging: 2
managementState: Managed
replicas: 2
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
		if tc.version == "4.3" {
			doc += "  platforms:\n    vsphere-block:\n      pvc: {accessMode: ReadWriteMany}\n"
		}
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

// A route's secret source renders what writes its TLS secret, before the
// Config, and never reaches the Config itself: the operator's route has no
// such field.
func TestRouteSecretSources(t *testing.T) {
	doc := head + `  platform: aws-ipi
  registry:
    replicas: 2
    routes:
    - name: vault
      hostname: vault.apps.example.com
      secretName: vault-tls
      secretSource:
        externalSecret:
          storeRef: {name: vault, kind: ClusterSecretStore}
          data:
            tls.crt: {key: registry/tls, property: crt}
            tls.key: {key: registry/tls, property: key}
    - name: acme
      hostname: acme.apps.example.com
      secretName: acme-tls
      secretSource:
        certificate:
          issuerRef: {name: letsencrypt, kind: ClusterIssuer}
    - name: plain
      secretName: vault-tls
`
	objs := mustRender(t, doc, render.Options{})
	if got, want := spec(t, objs, "Config"), `replicas: 2
routes:
- hostname: vault.apps.example.com
  name: vault
  secretName: vault-tls
- hostname: acme.apps.example.com
  name: acme
  secretName: acme-tls
- name: plain
  secretName: vault-tls
`; got != want {
		t.Errorf("Config spec:\n%s\nwant:\n%s", got, want)
	}
	if got, want := spec(t, objs, "Certificate"), `dnsNames:
- acme.apps.example.com
issuerRef:
  kind: ClusterIssuer
  name: letsencrypt
secretName: acme-tls
`; got != want {
		t.Errorf("Certificate spec:\n%s\nwant:\n%s", got, want)
	}
	if got, want := spec(t, objs, "ExternalSecret"), `data:
- remoteRef:
    conversionStrategy: Default
    decodingStrategy: None
    key: registry/tls
    metadataPolicy: None
    property: crt
  secretKey: tls.crt
- remoteRef:
    conversionStrategy: Default
    decodingStrategy: None
    key: registry/tls
    metadataPolicy: None
    property: key
  secretKey: tls.key
refreshInterval: 1h0m0s
secretStoreRef:
  kind: ClusterSecretStore
  name: vault
target:
  creationPolicy: Owner
  deletionPolicy: Retain
  name: vault-tls
  template:
    engineVersion: v2
    mergePolicy: Replace
    type: kubernetes.io/tls
`; got != want {
		t.Errorf("ExternalSecret spec:\n%s\nwant:\n%s", got, want)
	}
	if got, want := kinds(objs), "ExternalSecret/openshift-image-registry/vault-tls Certificate/openshift-image-registry/acme-tls Config/cluster"; got != want {
		t.Errorf("objects %q, want %q", got, want)
	}
	if got, want := annotations(objs, render.SyncWaveAnnotation), "ExternalSecret=3 Certificate=3 Config=4"; got != want {
		t.Errorf("waves %q, want %q", got, want)
	}
	if got, want := annotations(objs, render.SyncOptionsAnnotation), "ExternalSecret=Prune=false,Delete=false Certificate=Prune=false,Delete=false Config=ServerSideApply=true,Prune=false,Delete=false"; got != want {
		t.Errorf("sync options %q, want %q", got, want)
	}
}

// registry.removeFields becomes Argo CD Sync hooks that merge-patch the
// fields away right before the Config's wave, never a field of the Config.
func TestRemoveFieldsRendersAHook(t *testing.T) {
	doc := head + `  platform: aws-upi
  registry:
    removeFields: [storage.pvc, storage.emptyDir]
    storage:
      s3: {bucket: bkt, region: us-east-1}
  argocd: {cliImage: mirror.example.com/openshift4/ose-cli:v4.18}
`
	objs := mustRender(t, doc, render.Options{})
	if got := spec(t, objs, "Config"); strings.Contains(got, "removeFields") {
		t.Errorf("removeFields in the Config:\n%s", got)
	}
	if got, want := spec(t, objs, "Job"), `backoffLimit: 3
template:
  spec:
    containers:
    - command:
      - oc
      - patch
      - configs.imageregistry.operator.openshift.io/cluster
      - --type=merge
      - -p
      - '{"spec":{"storage":{"emptyDir":null,"pvc":null}}}'
      image: mirror.example.com/openshift4/ose-cli:v4.18
      name: remove-fields
      securityContext:
        allowPrivilegeEscalation: false
        capabilities:
          drop:
          - ALL
        runAsNonRoot: true
        seccompProfile:
          type: RuntimeDefault
    restartPolicy: Never
    serviceAccountName: regprofile-remove-fields
`; got != want {
		t.Errorf("Job spec:\n%s\nwant:\n%s", got, want)
	}
	if got, want := annotations(objs, render.HookAnnotation), "ServiceAccount=Sync ClusterRole=Sync ClusterRoleBinding=Sync Config= Job=Sync"; got != want {
		t.Errorf("hooks %q, want %q", got, want)
	}
	if got, want := annotations(objs, render.SyncWaveAnnotation), "ServiceAccount=1 ClusterRole=1 ClusterRoleBinding=1 Config=4 Job=3"; got != want {
		t.Errorf("waves %q, want %q", got, want)
	}
	if got, want := annotations(objs, render.SyncOptionsAnnotation), "ServiceAccount= ClusterRole= ClusterRoleBinding= Config=ServerSideApply=true,Prune=false,Delete=false Job="; got != want {
		t.Errorf("sync options %q, want %q", got, want)
	}
	off := mustRender(t, strings.Replace(doc, "argocd: {", "argocd: {syncSafety: false, ", 1), render.Options{})
	if got := annotations(off, render.HookAnnotation); strings.Contains(got, "Sync") {
		t.Errorf("hooks without sync safety: %q", got)
	}
}
