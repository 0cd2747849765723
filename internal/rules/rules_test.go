package rules_test

import (
	"fmt"
	"strings"
	"testing"

	"regprofile.dev/regprofile/internal/diag"
	"regprofile.dev/regprofile/internal/manifest"
	"regprofile.dev/regprofile/internal/platforms"
	"regprofile.dev/regprofile/internal/profile"
	"regprofile.dev/regprofile/internal/render"
	"regprofile.dev/regprofile/internal/rules"
)

// renderSpec renders a profile whose spec is given as YAML.
func renderSpec(t *testing.T, spec string) ([]*manifest.Object, diag.Findings) {
	t.Helper()
	doc := "apiVersion: regprofile.dev/v1alpha1\nkind: RegistryProfile\nmetadata: {name: test}\nspec:\n  " +
		strings.ReplaceAll(strings.TrimSpace(spec), "\n", "\n  ") + "\n"
	p, fs := profile.DecodeBytes([]byte(doc))
	if fs.HasErrors() {
		return nil, fs
	}
	return render.Render(p, render.Options{})
}

const testCA = `-----BEGIN CERTIFICATE-----
MIIBkTCCATegAwIBAgIUXlE2TcrSMwdQr8RwuOKsN7NddQowCgYIKoZIzj0EAwIw
HjEcMBoGA1UEAwwTRXhhbXBsZSBSZWdpc3RyeSBDQTAeFw0yNjExMjEwNTA5NDRa
Fw0zNjExMTgwNTA5NDRaMB4xHDAaBgNVBAMME0V4YW1wbGUgUmVnaXN0cnkgQ0Ew
WTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAATgi7VkHAU17PQTgnjnqAQBHAMHoEmz
7n1JIqCIHCFzCsbAVOdnf8xkdCG1CvzXb/fAL2ESnsctH/zpqI0qA9yuo1MwUTAd
BgNVHQ4EFgQU1KDsSZtGzNk7NuWNMXxmqATsVwwwHwYDVR0jBBgwFoAU1KDsSZtG
zNk7NuWNMXxmqATsVwwwDwYDVR0TAQH/BAUwAwEB/zAKBggqhkjOPQQDAgNIADBF
AiEAkKGB720wGzpoBwEh/vBKxsuMqxQraGjmcJbXP/2eXfwCIAI0ko0Pzgra7K0g
eqZTGP0Tby3eVHwkBVGaDNSZiLvO
-----END CERTIFICATE-----`

// s3 is a valid aws-upi storage section to build broken cases on.
const s3 = `
platform: aws-upi
registry:
  storage:
    s3: {bucket: bkt, region: us-east-1}
`

const dnsFix = "use at most 253 lower-case letters, digits, '-' and '.', starting and ending with a letter or digit"

const pemFix = "paste only the CA certificates, each from -----BEGIN CERTIFICATE----- to -----END CERTIFICATE-----; keep keys out of the profile"

func TestRules(t *testing.T) {
	cases := []struct {
		name string
		spec string
		want []expect // each must be present, and no other error
	}{
		{"two backends in one section", `
platform: aws-upi
registry:
  storage:
    emptyDir: {}
    s3: {bucket: bkt, region: us-east-1}`,
			[]expect{{diag.Error, "spec.registry.storage", "2 storage backends (emptyDir, s3): the operator accepts exactly one",
				"keep exactly one; a platform's backend replaces the shared one, but one section may not set two"}}},
		{"no backend", `platform: aws-upi`,
			[]expect{{diag.Error, "spec.registry.storage", "no storage backend: the registry would have nowhere to store images",
				"set registry.storage.s3"}}},
		{"backend of another platform", `
platform: aws-upi
platforms:
  aws-upi:
    registry:
      storage:
        gcs: {bucket: bkt}`,
			[]expect{{diag.Error, "spec.platforms.aws-upi.registry.storage.gcs", "storage gcs does not belong to platform aws-upi",
				"use registry.storage.s3 on aws-upi, or move it under spec.platforms.gcp-upi, the platform that accepts it"}}},
		{"Swift is only on rhosp-swift", `
platform: aws-upi
registry:
  storage:
    swift: {container: c}`,
			[]expect{{diag.Error, "spec.registry.storage.swift", "storage swift does not belong to platform aws-upi",
				"use registry.storage.s3 on aws-upi, or move it under spec.platforms.rhosp-swift, the platform that accepts it"}}},
		{"a bucket claim on a cloud", `
platform: gcp-upi
platforms:
  gcp-upi:
    objectBucket: {}`,
			[]expect{{diag.Error, "spec.platforms.gcp-upi.objectBucket", "storage objectBucket does not belong to platform gcp-upi",
				"use registry.storage.gcs on gcp-upi, or move it under the section of a platform that accepts it: baremetal-odf-rgw, nutanix, vsphere-block"}}},
		{"a static volume on a cloud", `
platform: azure-upi
platforms:
  azure-upi:
    persistentVolume: {nfs: {server: nfs.example.com, path: /registry}}`,
			[]expect{
				{diag.Error, "spec.platforms.azure-upi.persistentVolume", "storage persistentVolume does not belong to platform azure-upi",
					"use registry.storage.azure on azure-upi, or move it under the section of a platform that accepts it: baremetal-odf-rgw, nutanix, vsphere-block"},
			}},
		{"SingleReplica warns above one replica", `
platform: aws-upi
topology: SingleReplica
registry:
  replicas: 2
  storage:
    s3: {bucket: bkt, region: us-east-1}`,
			[]expect{{diag.Warning, "spec.registry.replicas", "more than one replica on a single-node cluster: every replica runs on the one node, so more add no availability", "set replicas: 1, or remove it to get the default"}}},
		{"unknown topology", s3 + `topology: SingleNode`,
			[]expect{{diag.Error, "spec.topology", `unknown value`, "use one of: HighlyAvailable, SingleReplica"}}},
		{"NFS with two replicas warns about no_wdelay", `
platform: vsphere-block
platforms:
  vsphere-block:
    persistentVolume: {nfs: {server: 172.16.231.181, path: /registry}}`,
			[]expect{{diag.Warning, "spec.platforms.vsphere-block.persistentVolume.nfs", "2 replicas share an NFS volume: the export needs the no_wdelay option (documents 000 §3.3.1, §3.4.1)",
				"export it with no_wdelay, e.g. /registry *(rw,sync,no_wdelay,no_root_squash)"}}},
		{"a static volume that is both or neither", `
platform: nutanix
platforms:
  nutanix:
    persistentVolume:
      nfs: {server: nfs.example.com, path: registry}
      local: {path: /mnt/registry, nodeName: node-1}`,
			[]expect{{diag.Error, "spec.platforms.nutanix.persistentVolume", "a static volume is either an NFS export or a local volume",
				"set exactly one of nfs: {server, path} and local: {path, nodeName}"}}},
		{"an incomplete static volume", `
platform: baremetal-odf-rgw
platforms:
  baremetal-odf-rgw:
    persistentVolume:
      nfs: {path: registry}`,
			[]expect{
				{diag.Error, "spec.platforms.baremetal-odf-rgw.persistentVolume.nfs.server", "a static volume needs the NFS server", "set the NFS server"},
				{diag.Error, "spec.platforms.baremetal-odf-rgw.persistentVolume.nfs.path", `the exported path is not an absolute path`, "write the path from the root, e.g. /registry"},
			}},
		{"Swift without a container", `
platform: rhosp-swift
registry:
  storage:
    swift: {authURL: "keystone:5000", authVersion: v3}`,
			[]expect{
				{diag.Error, "spec.registry.storage.swift.container", "Swift storage needs a container: without one the operator creates and owns a container of its own", "name the Swift container you created"},
				{diag.Error, "spec.registry.storage.swift.authURL", `authURL is not an http or https URL`, "write the Keystone URL, e.g. https://keystone.example.com:5000/v3"},
				{diag.Error, "spec.registry.storage.swift.authVersion", `authVersion is not a number: the operator refuses it`, `write the Identity API's major version, e.g. "3"`},
			}},
		{"Swift credentials need a complete set", `
platform: rhosp-swift
registry:
  storage:
    swift: {container: registry}
credentials:
  externalSecret:
    storeRef: {name: vault}
    data:
      REGISTRY_STORAGE_SWIFT_USERNAME: {key: swift-user}`,
			[]expect{{diag.Error, "spec.credentials.externalSecret.data", "swift storage needs a complete set of credential keys: the operator refuses a secret without one",
				"map REGISTRY_STORAGE_SWIFT_USERNAME and REGISTRY_STORAGE_SWIFT_PASSWORD; or REGISTRY_STORAGE_SWIFT_APPLICATIONCREDENTIALID and REGISTRY_STORAGE_SWIFT_APPLICATIONCREDENTIALNAME and REGISTRY_STORAGE_SWIFT_APPLICATIONCREDENTIALSECRET; or REGISTRY_STORAGE_SWIFT_TOKENID"}}},
		{"external-mode RGW needs its endpoint", `
platform: vsphere-block
platforms:
  vsphere-block:
    objectBucket: {storageClassName: ocs-external-storagecluster-ceph-rgw}`,
			[]expect{{diag.Error, "spec.platforms.vsphere-block.objectBucket.endpoint", "ocs-external-storagecluster-ceph-rgw has no in-cluster endpoint: with ODF in external mode the object store runs outside the cluster",
				"set the object store's S3 URL, e.g. https://rgw.example.com"}}},
		{"ReadWriteOnce before 4.4", `
platform: vsphere-block
openshiftVersion: "4.3"`,
			[]expect{{diag.Error, "spec.platforms.vsphere-block.pvc.accessMode", "the registry operator accepts a ReadWriteOnce claim only from OpenShift 4.4 (cluster-image-registry-operator release-4.4 pkg/storage/pvc/pvc.go checkPVC (commit 1f4685c6c)); spec.openshiftVersion is 4.3",
				"set pvc.accessMode: ReadWriteMany on storage that supports it (NFS, CephFS, persistentVolume.nfs), or spec.openshiftVersion to 4.4 or later"}}},
		{"an existing claim before 4.4 warns", `
platform: vsphere-block
openshiftVersion: "4.2"
registry:
  storage: {pvc: {claim: registry}}`,
			[]expect{{diag.Warning, "spec.registry.storage.pvc.claim", "the claim must be ReadWriteMany: before OpenShift 4.4 the registry operator refuses any other access mode", "make sure the claim is ReadWriteMany"}}},
		{"a CSI class before its driver ships", `
platform: vsphere-block
openshiftVersion: "4.9"
platforms:
  vsphere-block:
    pvc: {storageClassName: thin-csi}`,
			[]expect{{diag.Error, "spec.platforms.vsphere-block.pvc.storageClassName", "storage class thin-csi ships only from OpenShift 4.10 (OpenShift 4.10 docs, Storage, VMware vSphere CSI Driver Operator (installed by default; 4.8 and 4.9 tech preview)); spec.openshiftVersion is 4.9",
				"use storageClassName: thin, the class OpenShift 4.9 has, or set spec.openshiftVersion to 4.10 or later"}}},
		{"Nutanix before 4.11", `
platform: nutanix
openshiftVersion: "4.10"`,
			[]expect{{diag.Error, "spec.platform", "platform nutanix is supported only from OpenShift 4.11 (cluster-image-registry-operator release-4.11 pkg/storage/storage.go (NutanixPlatformType)); spec.openshiftVersion is 4.10",
				"set spec.openshiftVersion to 4.11 or later"}}},
		{"single-node before 4.8", s3 + `openshiftVersion: "4.7"
topology: SingleReplica`,
			[]expect{{diag.Error, "spec.topology", "topology SingleReplica is known to the registry operator only from OpenShift 4.8 (cluster-image-registry-operator release-4.8 pkg/operator/bootstrap.go (SingleReplicaTopologyMode)); spec.openshiftVersion is 4.7",
				"set spec.openshiftVersion to 4.8 or later"}}},
		{"a Swift token before 4.20", `
platform: rhosp-swift
openshiftVersion: "4.14"
registry:
  storage:
    swift: {container: registry}
credentials:
  externalSecret:
    storeRef: {name: vault}
    data:
      REGISTRY_STORAGE_SWIFT_TOKENID: {key: swift-token}`,
			[]expect{{diag.Error, "spec.credentials.externalSecret.data.REGISTRY_STORAGE_SWIFT_TOKENID", "the registry operator reads REGISTRY_STORAGE_SWIFT_TOKENID only from OpenShift 4.20 (cluster-image-registry-operator release-4.20 pkg/storage/swift/swift.go); spec.openshiftVersion is 4.14",
				"set spec.openshiftVersion to 4.20 or later"}}},
		{"emptyDir with two replicas", `
platform: aws-upi
registry:
  replicas: 2
  storage: {emptyDir: {}}`,
			[]expect{
				{diag.Error, "spec.registry.replicas", "emptyDir storage allows at most 1 replica, got 2: each pod would hold different images", "set replicas: 1, or use object storage or a ReadWriteMany volume"},
				{diag.Warning, "spec.registry.storage.emptyDir", "emptyDir storage loses every image when the registry pod restarts; not for production", "use object storage or a volume for production"},
			}},
		{"ReadWriteOnce with two replicas", `
platform: vsphere-block
platforms:
  vsphere-block:
    registry: {replicas: 2}`,
			[]expect{{diag.Error, "spec.platforms.vsphere-block.registry.replicas", "2 replicas on a ReadWriteOnce volume: 2 or more replicas need accessMode ReadWriteMany",
				"set replicas: 1, or pvc.accessMode: ReadWriteMany on storage that supports it"}}},
		{"ReadWriteOnce with RollingUpdate", `
platform: vsphere-block
registry: {rolloutStrategy: RollingUpdate}`,
			[]expect{{diag.Error, "spec.registry.rolloutStrategy", "a ReadWriteOnce volume needs rolloutStrategy Recreate, got RollingUpdate",
				"set rolloutStrategy: Recreate, or remove it to get the default"}}},
		{"negative replicas", `
platform: nutanix
platforms:
  nutanix:
    pvc: {accessMode: ReadWriteMany}
    registry: {replicas: -1}`,
			[]expect{{diag.Error, "spec.platforms.nutanix.registry.replicas", "replicas must not be negative, got -1", "set 0 or more"}}},
		{"user claim with two replicas warns", `
platform: vsphere-block
registry:
  replicas: 2
  rolloutStrategy: RollingUpdate
  storage: {pvc: {claim: my-claim}}`,
			[]expect{{diag.Warning, "spec.registry.replicas", "2 replicas share claim my-claim, which must be ReadWriteMany", "make sure claim my-claim is ReadWriteMany, or set replicas: 1"}}},
		{"small volume warns", `
platform: vsphere-block
platforms:
  vsphere-block:
    pvc: {size: 50Gi}`,
			[]expect{{diag.Warning, "spec.platforms.vsphere-block.pvc.size", "50Gi is below the 100Gi the registry documentation asks for", "use at least 100Gi"}}},
		{"bad volume", `
platform: vsphere-block
platforms:
  vsphere-block:
    pvc: {name: image-registry-storage, size: lots, accessMode: ReadWriteSometimes, volumeMode: Block}`,
			[]expect{
				{diag.Error, "spec.platforms.vsphere-block.pvc.size", `not a valid size`, "write a size such as 100Gi"},
				{diag.Error, "spec.platforms.vsphere-block.pvc.accessMode", `unknown value`, "use one of: ReadWriteOnce, ReadWriteMany"},
				{diag.Error, "spec.platforms.vsphere-block.pvc.volumeMode", `the registry needs a Filesystem volume`, "set volumeMode: Filesystem"},
			}},
		{"the operator's claim name on OpenStack", `
platform: rhosp-cinder
platforms:
  rhosp-cinder:
    cinder: {availabilityZone: nova}
    pvc: {name: image-registry-storage}`,
			[]expect{{diag.Warning, "spec.platforms.rhosp-cinder.pvc.name", "on OpenStack the operator created image-registry-storage at install time: a claim of that name applies only if its immutable fields match", "make class, access mode and volume mode those of the existing claim, or choose another name, e.g. image-registry-pvc"}}},
		{"storage on an installer-provisioned platform", `
platform: gcp-ipi
registry:
  replicas: 3
  storage:
    managementState: Unmanaged
platforms:
  gcp-ipi:
    pvc: {}
    credentials:
      externalSecret:
        storeRef: {name: gcp}
        data:
          REGISTRY_STORAGE_S3_ACCESSKEY: {key: k}`,
			[]expect{
				{diag.Error, "spec.registry.storage", "on gcp-ipi the installer provisioned the registry's storage (a GCS bucket) and the operator manages it: a profile for it renders no storage", "remove registry.storage; to bring your own storage, use platform gcp-upi"},
				{diag.Error, "spec.platforms.gcp-ipi.pvc", "on gcp-ipi the installer provisioned the registry's storage (a GCS bucket) and the operator manages it: a profile for it renders no storage", "remove pvc; to bring your own storage, use platform gcp-upi"},
				{diag.Error, "spec.platforms.gcp-ipi.credentials.externalSecret.data.REGISTRY_STORAGE_S3_ACCESSKEY", `unknown gcs credential key`, "use one of: REGISTRY_STORAGE_GCS_KEYFILE"},
				{diag.Error, "spec.platforms.gcp-ipi.credentials.externalSecret.data", "gcs storage needs REGISTRY_STORAGE_GCS_KEYFILE: the operator refuses a secret without it", "map REGISTRY_STORAGE_GCS_KEYFILE to an entry in the store"},
			}},
		{"replicas on rhosp-ipi", `platform: rhosp-ipi`,
			[]expect{{diag.Error, "spec.registry.replicas", "on rhosp-ipi the replica count depends on the storage the installer provisioned (a Swift container, or the Cinder claim image-registry-storage where the cloud has no Swift), and the Config requires one", "set replicas: 2 where the registry stores images in Swift, or replicas: 1 and rolloutStrategy: Recreate on the Cinder claim"}}},
		{"claim differs from the volume", `
platform: nutanix
platforms:
  nutanix:
    registry:
      storage: {pvc: {claim: other}}
    pvc: {name: mine}`,
			[]expect{{diag.Error, "spec.platforms.nutanix.registry.storage.pvc.claim", `the claim differs from the volume the profile creates (pvc.name)`, "remove claim (it is set from pvc.name) or make the two equal"}}},
		{"volume and another backend in one platform", `
platform: nutanix
platforms:
  nutanix:
    pvc: {}
    registry:
      storage:
        emptyDir: {}`,
			[]expect{{diag.Error, "spec.platforms.nutanix.pvc", "the pvc section creates a volume for the registry, but its storage is emptyDir", "remove the pvc section, or the emptyDir backend"}}},
		{"bucket claim and another backend", `
platform: baremetal-odf-rgw
platforms:
  baremetal-odf-rgw:
    objectBucket: {}
    registry:
      storage:
        emptyDir: {}`,
			[]expect{{diag.Error, "spec.platforms.baremetal-odf-rgw.objectBucket", "the objectBucket section creates a bucket for the registry, but its storage is emptyDir", "remove the objectBucket section, or the emptyDir backend"}}},
		{"cinder without a zone", `platform: rhosp-cinder`,
			[]expect{{diag.Error, "spec.platforms.rhosp-cinder.cinder.availabilityZone", "the Cinder storage class needs an availability zone",
				"set the Cinder availability zone for the registry volume (OpenShift does not check that it exists)"}}},
		{"keyID without encrypt", `
platform: aws-upi
registry:
  storage:
    s3: {bucket: bkt, region: us-east-1, keyID: k}`,
			[]expect{{diag.Error, "spec.registry.storage.s3.keyID", "keyID is only used when encrypt is true", "set encrypt: true, or remove keyID"}}},
		{"S3 without region or bucket", `
platform: aws-upi
platforms:
  aws-upi:
    registry:
      storage:
        s3: {regionEndpoint: s3.example.com}`,
			[]expect{
				{diag.Error, "spec.platforms.aws-upi.registry.storage.s3.region", "S3 storage needs a region: the registry's S3 driver does not start without one, even with a regionEndpoint", "set the bucket's region (us-east-1 for S3-compatible stores)"},
				{diag.Error, "spec.platforms.aws-upi.registry.storage.s3.bucket", "S3 storage needs a bucket: without one the operator creates and owns a bucket of its own", "name the bucket you created"},
				{diag.Error, "spec.platforms.aws-upi.registry.storage.s3.regionEndpoint", `regionEndpoint is not an http or https URL`, "write a URL such as https://s3.example.com"},
			}},
		{"ODF endpoint without scheme", `
platform: baremetal-odf-rgw
platforms:
  baremetal-odf-rgw:
    objectBucket: {endpoint: s3.openshift-storage.svc}`,
			[]expect{{diag.Error, "spec.platforms.baremetal-odf-rgw.objectBucket.endpoint", `the endpoint needs an http:// or https:// scheme`,
				"write the endpoint with its scheme, e.g. https://s3-openshift-storage.apps.example.com"}}},
		{"ODF endpoint with port", `
platform: baremetal-odf-rgw
platforms:
  baremetal-odf-rgw:
    objectBucket: {endpoint: "https://s3.apps.example.com:443"}`,
			[]expect{{diag.Error, "spec.platforms.baremetal-odf-rgw.objectBucket.endpoint", `the endpoint has a port: ODF's S3 endpoints are reached without one`,
				"remove :443 and use the route or service's default port"}}},
		{"ODF class and bucket", `
platform: baremetal-odf-rgw
platforms:
  baremetal-odf-rgw:
    objectBucket: {storageClassName: ocs-storagecluster-ceph-rbd, bucketName: Bad_Bucket}`,
			[]expect{
				{diag.Error, "spec.platforms.baremetal-odf-rgw.objectBucket.storageClassName", `unknown value; did you mean "ocs-storagecluster-ceph-rgw"?`, ""},
				{diag.Error, "spec.platforms.baremetal-odf-rgw.objectBucket.bucketName", `invalid bucket name`, "use 3 to 63 lower-case letters, digits, '-' and '.', starting and ending with a letter or digit"},
			}},
		{"GCS without a bucket", `
platform: gcp-upi
registry:
  storage:
    gcs: {projectID: p}`,
			[]expect{{diag.Error, "spec.registry.storage.gcs.bucket", "GCS storage needs a bucket: without one the operator creates and owns a bucket of its own", "name the bucket you created"}}},
		{"negative request limits", s3 + `  requests:
    read: {maxRunning: -1}
    write: {maxWaitInQueue: -5s}`,
			[]expect{
				{diag.Error, "spec.registry.requests.read.maxRunning", "must not be negative, got -1", "set 0 (unlimited) or more"},
				{diag.Error, "spec.registry.requests.write.maxWaitInQueue", "must not be negative", "set 0s (unlimited) or more"},
			}},
		{"Azure container name", `
platform: azure-gov
registry:
  storage:
    azure: {accountName: acct, container: Registry_Images}`,
			[]expect{{diag.Error, "spec.registry.storage.azure.container", `invalid container name`,
				"use 3 to 63 lower-case letters and digits, with single hyphens between them"}}},
		{"Azure cloud name", `
platform: azure-gov
registry:
  storage:
    azure: {accountName: acct, container: images, cloudName: AzureGovCloud}`,
			[]expect{{diag.Error, "spec.registry.storage.azure.cloudName", `unknown value`,
				"use one of: AzurePublicCloud, AzureUSGovernmentCloud, AzureChinaCloud, AzureGermanCloud, AzureStackCloud"}}},
		{"enums", s3 + `  managementState: Deleted
  logLevel: Debugging
  operatorLogLevel: trace
  rolloutStrategy: Sideways`,
			[]expect{
				{diag.Error, "spec.registry.managementState", `unknown value`, "use one of: Managed, Unmanaged, Removed"},
				{diag.Error, "spec.registry.logLevel", `unknown value`, "use one of: Normal, Debug, Trace, TraceAll"},
				{diag.Error, "spec.registry.operatorLogLevel", `unknown value; did you mean "Trace"?`, ""},
				{diag.Error, "spec.registry.rolloutStrategy", `unknown value`, "use one of: RollingUpdate, Recreate"},
			}},
		{"storage managed warns", s3 + `    managementState: Managed`,
			[]expect{{diag.Warning, "spec.registry.storage.managementState", "with Managed, deleting the registry Config or setting managementState: Removed deletes this storage and every image in it",
				"remove it to get Unmanaged, unless the operator should own this storage"}}},
		{"routes", s3 + `  routes:
  - {name: public}
  - {name: public}
  - {name: default-route}
  - {hostname: x.example.com}`,
			[]expect{
				{diag.Error, "spec.registry.routes[1].name", `the name is already used by routes[0]`, "give each route its own name"},
				{diag.Error, "spec.registry.routes[2].name", "default-route is the operator's own route", "set defaultRoute: true for that route, or choose another name"},
				{diag.Error, "spec.registry.routes[3].name", "a route needs a name", "name the route"},
			}},
		{"fields to remove", s3 + `  removeFields: [storage.emptyDir, storage.emptyDir, storage.s3, storage.emptydir, replicas]`,
			[]expect{
				{diag.Error, "spec.registry.removeFields[1]", "already listed at removeFields[0]", "list each field once"},
				{diag.Error, "spec.registry.removeFields[2]", "storage.s3 is the registry's storage on this platform: removing it would take the storage the profile renders away",
					"remove it from removeFields; list only the backends the live Config has beside it"},
				{diag.Error, "spec.registry.removeFields[3]", `unknown field to remove (a storage backend); did you mean "storage.emptyDir"?`, ""},
				{diag.Error, "spec.registry.removeFields[4]", "unknown field to remove (a storage backend)",
					"use one of: storage.emptyDir, storage.s3, storage.gcs, storage.azure, storage.swift, storage.pvc, storage.ibmcos, storage.oss"},
			}},
		{"the installer's backend is not removed", `
platform: aws-ipi
registry:
  replicas: 2
  removeFields: [storage.s3, storage.emptyDir]`,
			[]expect{{diag.Error, "spec.registry.removeFields[0]", "storage.s3 is the registry's storage on this platform: removing it would take the storage the profile renders away",
				"remove it from removeFields; list only the backends the live Config has beside it"}}},
		{"route secret sources", s3 + `  routes:
  - {name: a, hostname: a.example.com, secretSource: {}}
  - name: b
    hostname: b.example.com
    secretSource: {certificate: {issuerRef: {name: ca}}}
  - name: c
    secretName: c-tls
    secretSource: {certificate: {issuerRef: {name: ca}}}
  - name: d
    secretName: image-registry-private-configuration-user
    secretSource: {certificate: {issuerRef: {name: ca}}}
  - name: e
    hostname: e.example.com
    secretName: e-tls
    secretSource:
      externalSecret:
        storeRef: {name: vault, kind: Vault}
        data:
          tls.crt: {key: e}
          ca.crt: {key: e}
        refreshInterval: -1s
  - name: f
    hostname: f.example.com
    secretName: e-tls
    secretSource: {certificate: {issuerRef: {name: ca}}}
  - name: g
    hostname: g.apps.example.com
    secretName: g-tls
    secretSource: {certificate: {issuerRef: {name: ca, kind: Issuers}, dnsNames: ["*.other.example.com", "bad_name"]}}
  - name: h
    hostname: h.example.com
    secretName: h-tls
    secretSource: {certificate: {issuerRef: {name: pca, group: awspca.cert-manager.io}}}
  - name: i
    hostname: i.example.com
    secretName: i-tls
    secretSource: {certificate: {issuerRef: {name: ""}}}`,
			[]expect{
				{diag.Error, "spec.registry.routes[0].secretSource", "a route's secret has one source", "set exactly one of externalSecret and certificate"},
				{diag.Error, "spec.registry.routes[1].secretName", "secretSource writes the route's secret, but the route names none", "name the TLS secret the source writes, e.g. b-tls"},
				{diag.Error, "spec.registry.routes[2].secretSource.certificate.dnsNames", "a certificate needs a DNS name, and the route has no hostname (the router generates one)", "set the route's hostname, or list dnsNames"},
				{diag.Error, "spec.registry.routes[3].secretName", "image-registry-private-configuration-user holds the storage credentials; a route's TLS secret cannot be it", "name a secret of the route's own, e.g. d-tls"},
				{diag.Error, "spec.registry.routes[4].secretSource.externalSecret.storeRef.kind", "unknown value", "use one of: SecretStore, ClusterSecretStore"},
				{diag.Error, "spec.registry.routes[4].secretSource.externalSecret.data.ca.crt", "unknown TLS secret key", "use one of: tls.crt, tls.key, tls.cacrt"},
				{diag.Error, "spec.registry.routes[4].secretSource.externalSecret.data", "a kubernetes.io/tls secret needs tls.key: the API server refuses one without it", "map tls.key to an entry in the store"},
				{diag.Error, "spec.registry.routes[4].secretSource.externalSecret.refreshInterval", "must not be negative", "set 0s (never) or more"},
				{diag.Error, "spec.registry.routes[5].secretSource", "routes[4] already writes the secret e-tls", "keep the source on routes[4] only; this route can name the same secret without one"},
				{diag.Error, "spec.registry.routes[6].secretSource.certificate.issuerRef.kind", `unknown value; did you mean "Issuer"?`, ""},
				{diag.Error, "spec.registry.routes[6].secretSource.certificate.dnsNames[1]", "not a DNS name (lower-case letters, digits, '-' and '.', optionally led by *.)", "write a host name such as registry.apps.example.com, or *.apps.example.com"},
				{diag.Warning, "spec.registry.routes[6].secretSource.certificate.dnsNames", "the certificate does not cover the route's hostname g.apps.example.com: clients will refuse it", "add g.apps.example.com, or remove dnsNames to get it by default"},
				{diag.Error, "spec.registry.routes[7].secretSource.certificate.issuerRef.kind", "an issuer of group awspca.cert-manager.io needs a kind", "set the external issuer's kind"},
				{diag.Error, "spec.registry.routes[8].secretSource.certificate.issuerRef.name", "an issuer is required", "name the Issuer or ClusterIssuer that signs the certificate"},
			}},
		{"credentials missing a key", s3 + `credentials:
  externalSecret:
    storeRef: {name: vault}
    data:
      REGISTRY_STORAGE_S3_ACCESKEY: {key: k}`,
			[]expect{
				{diag.Error, "spec.credentials.externalSecret.data.REGISTRY_STORAGE_S3_ACCESKEY", `unknown s3 credential key; did you mean "REGISTRY_STORAGE_S3_ACCESSKEY"?`, ""},
				{diag.Error, "spec.credentials.externalSecret.data", "s3 storage needs REGISTRY_STORAGE_S3_ACCESSKEY: the operator refuses a secret without it", "map REGISTRY_STORAGE_S3_ACCESSKEY to an entry in the store"},
				{diag.Error, "spec.credentials.externalSecret.data", "s3 storage needs REGISTRY_STORAGE_S3_SECRETKEY: the operator refuses a secret without it", "map REGISTRY_STORAGE_S3_SECRETKEY to an entry in the store"},
			}},
		{"credentials for a volume", `
platform: vsphere-block
platforms:
  vsphere-block:
    credentials: {existingSecret: true}`,
			[]expect{{diag.Error, "spec.platforms.vsphere-block.credentials", "pvc storage takes no credentials", "remove credentials"}}},
		{"trusted CA with a bad port and another block", s3 + `trustedCAs:
- registry: "registry.example.com:70000"
  pem: |
    -----BEGIN CERTIFICATE REQUEST-----
    c2VjcmV0
    -----END CERTIFICATE REQUEST-----`,
			[]expect{
				{diag.Error, "spec.trustedCAs[0].registry", "the port is not a number from 1 to 65535", "write host or host:port, e.g. registry.example.com:5000"},
				{diag.Error, "spec.trustedCAs[0].pem", "the text does not start with -----BEGIN CERTIFICATE-----: a bundle holds CERTIFICATE blocks and nothing else", pemFix},
			}},
		{"access subjects", s3 + `access:
  viewers:
  - {kind: ServiceAccount, name: puller}
  - {kind: Usr, name: alice, namespace: x}
  metricsScrapers:
  - {kind: User, name: bob, project: monitoring}`,
			[]expect{
				{diag.Error, "spec.access.viewers[0].namespace", "a ServiceAccount subject needs a namespace", "set the service account's namespace"},
				{diag.Error, "spec.access.viewers[1].kind", `unknown value; did you mean "User"?`, ""},
				{diag.Error, "spec.access.viewers[1].namespace", "only ServiceAccount subjects have a namespace", "remove namespace; use project to limit the grant to one project"},
				{diag.Error, "spec.access.metricsScrapers[0].project", "metrics are cluster-wide: a metrics scraper cannot be limited to a project", "remove project"},
			}},
		{"names the API server refuses", `
platform: aws-upi
registry:
  storage:
    s3: {bucket: bkt, region: us-east-1}
  routes:
  - {name: Public_Route, secretName: "tls secret"}
credentials:
  externalSecret:
    storeRef: {name: "Vault Store"}
    data: {REGISTRY_STORAGE_S3_ACCESSKEY: {key: a}, REGISTRY_STORAGE_S3_SECRETKEY: {key: b}}
access:
  viewers:
  - {kind: ServiceAccount, name: Puller, namespace: Team_A}`,
			[]expect{
				{diag.Error, "spec.registry.routes[0].name", "invalid route name", dnsFix},
				{diag.Error, "spec.registry.routes[0].secretName", "invalid secret name", dnsFix},
				{diag.Error, "spec.credentials.externalSecret.storeRef.name", "invalid secret store name", dnsFix},
				{diag.Error, "spec.access.viewers[0].name", "invalid service account name", dnsFix},
				{diag.Error, "spec.access.viewers[0].namespace", "invalid namespace name", "use at most 63 lower-case letters, digits and '-', starting and ending with a letter or digit"},
			}},
		{"scheduling the API server refuses", `
platform: aws-upi
registry:
  storage:
    s3: {bucket: bkt, region: us-east-1}
  nodeSelector: {"bad key!": x, node-role.kubernetes.io/infra: "not valid"}
  tolerations:
  - {key: a, operator: Equals, effect: NoSchedul}
  - {key: b, operator: Exists, value: v}
  - {operator: Equal, value: v}
  - {key: c, effect: NoSchedule, tolerationSeconds: 5}
pruner:
  tolerations: [{key: "x y", operator: Exists}]`,
			[]expect{
				{diag.Error, "spec.registry.nodeSelector.bad key!", "invalid label key", "write a label key: an optional DNS prefix and '/', then at most 63 letters, digits, '-', '_' and '.'"},
				{diag.Error, "spec.registry.nodeSelector.node-role.kubernetes.io/infra", "invalid label value", "write a label value: at most 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit"},
				{diag.Error, "spec.registry.tolerations[0].operator", "unknown value; did you mean \"Equal\"?", ""},
				{diag.Error, "spec.registry.tolerations[0].effect", "unknown value; did you mean \"NoSchedule\"?", ""},
				{diag.Error, "spec.registry.tolerations[1].value", "a toleration with operator Exists takes no value", "remove value, or use operator: Equal"},
				{diag.Error, "spec.registry.tolerations[2].operator", "a toleration without a key must use operator Exists", "set operator: Exists, or a key"},
				{diag.Error, "spec.registry.tolerations[3].tolerationSeconds", "tolerationSeconds applies to the NoExecute effect only", "set effect: NoExecute, or remove tolerationSeconds"},
				{diag.Error, "spec.pruner.tolerations[0].key", "invalid taint key", "write a taint key: an optional DNS prefix and '/', then at most 63 letters, digits, '-', '_' and '.'"},
			}},
		{"resources the API server refuses", `
platform: aws-upi
registry:
  storage:
    s3: {bucket: bkt, region: us-east-1}
  resources:
    requests: {cpu: "-1", memory: 2Gi, gpu: "1"}
    limits: {memory: 1Gi}`,
			[]expect{
				{diag.Error, "spec.registry.resources.requests.cpu", "must not be negative", "write 0 or more"},
				{diag.Error, "spec.registry.resources.requests.gpu", "unknown resource name", "use cpu, memory, ephemeral-storage, hugepages-<size> or a qualified extended resource (example.com/device)"},
				{diag.Error, "spec.registry.resources.requests.memory", "the request is above its limit: the API server refuses the pod", "lower the request to the limit or less, or raise the limit"},
			}},
		{"bucket names per provider", `
platform: aws-upi
registry:
  storage:
    s3: {bucket: my..bucket, region: US_EAST}`,
			[]expect{
				{diag.Error, "spec.registry.storage.s3.bucket", "invalid S3 bucket name", "do not put two '.' next to each other"},
				{diag.Error, "spec.registry.storage.s3.region", "invalid region: at most 32 lower-case letters, digits and '-'", "write a region such as us-east-1"},
			}},
		{"S3 bucket names the current rules allow", `
platform: aws-upi
registry:
  storage:
    s3: {bucket: my.-bucket-sthree.example, region: us-east-1}`, nil},
		{"GCS bucket name", `
platform: gcp-upi
registry:
  storage:
    gcs: {bucket: google-images}`,
			[]expect{{diag.Error, "spec.registry.storage.gcs.bucket", "invalid GCS bucket name", "do not start with goog or contain google, which GCS reserves"}}},
		{"Azure account name", `
platform: azure-gov
registry:
  storage:
    azure: {accountName: My-Account, container: images}`,
			[]expect{{diag.Error, "spec.registry.storage.azure.accountName", "invalid storage account name", "use 3 to 24 lower-case letters and digits"}}},
		{"trusted CAs over the ConfigMap limit", s3 + "trustedCAs:\n" + func() string {
			var b strings.Builder
			for i := 0; i < 2000; i++ {
				fmt.Fprintf(&b, "- registry: r%d.example.com\n  pem: |\n    %s\n", i, strings.ReplaceAll(testCA, "\n", "\n    "))
			}
			return b.String()
		}(),
			[]expect{{diag.Error, "spec.trustedCAs", "the trusted CAs come to 1238890 bytes; the ConfigMap that carries them holds at most 1 MiB (1048576 bytes)", "trust fewer certificates, or put the bundle in a ConfigMap of your own"}}},
		{"pruner schedule with a time zone", s3 + `pruner: {schedule: "CRON_TZ=Europe/Paris 0 0 * * *"}`,
			[]expect{{diag.Error, "spec.pruner.schedule", "a time zone in the schedule: the CronJob API refuses CRON_TZ and TZ in spec.schedule", "remove CRON_TZ= or TZ=: the pruner's schedule runs in the kube-controller-manager's time zone"}}},
		{"pruner", s3 + `pruner:
  schedule: "every day"
  keepTagRevisions: -1`,
			[]expect{
				{diag.Error, "spec.pruner.schedule", `not a valid cron schedule`, `write five cron fields, e.g. "0 0 * * *" (daily at midnight)`},
				{diag.Error, "spec.pruner.keepTagRevisions", "must not be negative, got -1", "set 0 or more"},
			}},
		{"fields newer than the release", `
platform: azure-gov
openshiftVersion: "4.10"
registry:
  logLevel: Debug
  topologySpreadConstraints:
  - {maxSkew: 1, topologyKey: kubernetes.io/hostname, whenUnsatisfiable: DoNotSchedule}
  storage:
    azure:
      accountName: acct
      container: images
      networkAccess: {type: Internal}
pruner:
  ignoreInvalidImageReferences: true`,
			[]expect{
				{diag.Error, "spec.registry.topologySpreadConstraints", "topologySpreadConstraints needs OpenShift 4.11 or later; spec.openshiftVersion is 4.10", "remove it, or set spec.openshiftVersion to 4.11 or later"},
				{diag.Error, "spec.registry.storage.azure.networkAccess", "storage.azure.networkAccess needs OpenShift 4.15 or later; spec.openshiftVersion is 4.10", "remove it, or set spec.openshiftVersion to 4.15 or later"},
			}},
		{"chunk size out of range", `
platform: aws-upi
registry:
  storage:
    s3: {bucket: bkt, region: us-east-1, chunkSizeMiB: 4}`,
			[]expect{{diag.Error, "spec.registry.storage.s3.chunkSizeMiB", "chunkSizeMiB is out of range: S3 multipart chunks are 5 MiB to 5 GiB", "set 5 to 5120, or remove it for the operator's default"}}},
		{"chunk size before 4.17", `
platform: aws-upi
openshiftVersion: "4.16"
registry:
  storage:
    s3: {bucket: bkt, region: us-east-1, chunkSizeMiB: 16}`,
			[]expect{{diag.Error, "spec.registry.storage.s3.chunkSizeMiB", "storage.s3.chunkSizeMiB needs OpenShift 4.17 or later; spec.openshiftVersion is 4.16", "remove it, or set spec.openshiftVersion to 4.17 or later"}}},
		{"https endpoint on a cluster service without its CA", `
platform: aws-upi
registry:
  storage:
    s3: {bucket: bkt, region: us-east-1, regionEndpoint: "https://minio.minio.svc.cluster.local"}`,
			[]expect{{diag.Error, "spec.registry.storage.s3.regionEndpoint", `the https endpoint is a cluster service: the service CA signs its certificate, and no ConfigMap in openshift-config holds that CA under ca-bundle.crt, the only key the operator reads`,
				`use the service's http endpoint, or set storageCA.pem to the service CA (oc get configmap openshift-service-ca.crt -n openshift-config -o jsonpath='{.data.service-ca\.crt}')`}}},
		{"bucket claim on the https service without its CA", `
platform: baremetal-odf-rgw
platforms:
  baremetal-odf-rgw:
    objectBucket: {storageClassName: openshift-storage.noobaa.io, endpoint: "https://s3.openshift-storage.svc"}`,
			[]expect{{diag.Error, "spec.platforms.baremetal-odf-rgw.objectBucket.endpoint", `the https endpoint is a cluster service: the service CA signs its certificate, and no ConfigMap in openshift-config holds that CA under ca-bundle.crt, the only key the operator reads`,
				`use the service's http endpoint, or set storageCA.pem to the service CA (oc get configmap openshift-service-ca.crt -n openshift-config -o jsonpath='{.data.service-ca\.crt}')`}}},
		{"bucket claim on a route with the injected bundle", `
platform: baremetal-odf-rgw
platforms:
  baremetal-odf-rgw:
    objectBucket: {endpoint: "https://s3-openshift-storage.apps.example.com"}`,
			[]expect{{diag.Warning, "spec.platforms.baremetal-odf-rgw.objectBucket.endpoint", "the cluster's trusted CA bundle, which s3.trustedCA names by default, holds the system CAs and the proxy's trusted CAs, not the default ingress CA: a route with the default ingress certificate fails verification",
				`if the route uses the default ingress certificate, set storageCA.pem to the ingress CA (oc get configmap default-ingress-cert -n openshift-config-managed -o jsonpath='{.data.ca-bundle\.crt}')`}}},
		{"storage CA on storage without a CA setting", `
platform: gcp-upi
registry:
  storage:
    gcs: {bucket: bkt}
storageCA: {pem: "x"}`,
			[]expect{
				{diag.Error, "spec.storageCA", "storageCA is the CA of an S3 endpoint (s3.trustedCA); gcs storage has no CA setting", "remove storageCA"},
				{diag.Error, "spec.storageCA.pem", "the text does not start with -----BEGIN CERTIFICATE-----: a bundle holds CERTIFICATE blocks and nothing else", "paste only the CA certificates, each from -----BEGIN CERTIFICATE----- to -----END CERTIFICATE-----; keep keys out of the profile"},
			}},
		{"empty claim", `
platform: nutanix
platforms:
  nutanix:
    registry:
      storage:
        pvc: {}`,
			[]expect{{diag.Warning, "spec.platforms.nutanix.registry.storage.pvc.claim", "an empty claim makes the operator create image-registry-storage (ReadWriteMany, 100Gi, the cluster's default class) and own it: storage is Managed, and setting the registry Removed deletes the claim and every image on it",
				"name a claim you created, or use the platform's pvc section to render one; set storage.managementState: Unmanaged to keep the claim when the registry is removed"}}},
		{"default class and a class", `
platform: vsphere-block
platforms:
  vsphere-block:
    pvc: {defaultStorageClass: true, storageClassName: thin-csi}`,
			[]expect{{diag.Error, "spec.platforms.vsphere-block.pvc.defaultStorageClass", "defaultStorageClass leaves the class to the cluster, but the claim names a storageClassName",
				"remove storageClassName (and any section that creates a class), or defaultStorageClass"}}},
		{"storage CA and a trustedCA of its own", `
platform: aws-upi
registry:
  storage:
    s3: {bucket: bkt, region: us-east-1, trustedCA: {name: my-ca}}
storageCA:
  pem: |
    ` + strings.ReplaceAll(testCA, "\n", "\n    ") + `
`,
			[]expect{{diag.Error, "spec.registry.storage.s3.trustedCA", "s3.trustedCA names a ConfigMap, but storageCA renders its CA as image-registry-s3-bundle", "remove s3.trustedCA (storageCA sets it), or storageCA"}}},
		{"pruner with the registry Removed", `
platform: aws-upi
registry:
  managementState: Removed
  storage:
    s3: {bucket: bkt, region: us-east-1}
pruner: {}`,
			[]expect{{diag.Warning, "spec.pruner", "with the registry's managementState Removed, the pruner prunes image metadata only (--prune-registry=false): blobs stay in the storage",
				"set registry.managementState: Managed to prune blobs too, or remove pruner"}}},
		{"pruner with the registry Unmanaged on a platform", `
platform: aws-upi
platforms:
  aws-upi:
    registry:
      managementState: Unmanaged
      storage:
        s3: {bucket: bkt, region: us-east-1}
pruner: {schedule: "0 0 * * *"}`,
			[]expect{{diag.Warning, "spec.pruner", "with the registry's managementState Unmanaged, the pruner prunes image metadata only (--prune-registry=false): blobs stay in the storage",
				"set registry.managementState: Managed to prune blobs too, or remove pruner"}}},
		{"logLevel and the pruner on 4.3", `
platform: aws-upi
openshiftVersion: "4.3"
registry: {logLevel: Debug, storage: {s3: {bucket: bkt, region: us-east-1}}}
pruner: {keepTagRevisions: 3}`,
			[]expect{
				{diag.Error, "spec.registry.logLevel", "logLevel needs OpenShift 4.6 or later; spec.openshiftVersion is 4.3", "remove it, or set spec.openshiftVersion to 4.6 or later"},
				{diag.Error, "spec.pruner", "the ImagePruner needs OpenShift 4.4 or later; spec.openshiftVersion is 4.3", "remove pruner, or set spec.openshiftVersion to 4.4 or later"},
			}},
		// The newest release a pruner field needs, one below: the gate's
		// shortcut for targets at or past every release must not skip it.
		{"the pruner's logLevel on 4.5", `
platform: aws-upi
openshiftVersion: "4.5"
registry: {storage: {s3: {bucket: bkt, region: us-east-1}}}
pruner: {logLevel: Debug}`,
			[]expect{{diag.Error, "spec.pruner.logLevel", "logLevel needs OpenShift 4.6 or later; spec.openshiftVersion is 4.5", "remove it, or set spec.openshiftVersion to 4.6 or later"}}},
		{"a platform that needs a newer release", `
platform: azure-gov
openshiftVersion: "4.5"
registry:
  storage:
    azure: {accountName: acct, container: images}`,
			[]expect{{diag.Error, "spec.registry.storage.azure.cloudName", "storage.azure.cloudName, which azure-gov needs here, is only in OpenShift 4.6 and later; spec.openshiftVersion is 4.5", "set spec.openshiftVersion to 4.6 or later, or choose other storage"}}},
		{"deprecated logging", s3 + `  logging: 4`,
			[]expect{{diag.Warning, "spec.registry.logging", "logging is deprecated since OpenShift 4.6", "use logLevel (Normal, Debug, Trace or TraceAll)"}}},
		{"unknown platform", `platform: aws-upl`,
			[]expect{{diag.Error, "spec.platform", `unknown platform; did you mean "aws-upi"?`, ""}}},
		{"no platform", `registry: {replicas: 1}`,
			[]expect{{diag.Error, "spec.platform", "no platform selected", "set spec.platform or pass --platform; one of: aws-ipi, aws-upi, azure-gov, azure-ipi, azure-upi, baremetal-odf-rgw, gcp-ipi, gcp-upi, nutanix, rhosp-cinder, rhosp-ipi, rhosp-swift, vsphere-block"}}},
		{"unknown platform section", s3 + `platforms:
  vsphere: {}`,
			[]expect{{diag.Error, "spec.platforms.vsphere", `unknown platform`, "use one of: aws-ipi, aws-upi, azure-gov, azure-ipi, azure-upi, baremetal-odf-rgw, gcp-ipi, gcp-upi, nutanix, rhosp-cinder, rhosp-ipi, rhosp-swift, vsphere-block"}}},
		{"external host names", s3 + `externalRegistryHostnames: [registry.apps.example.com, "https://registry.example.com", registry.apps.example.com]
platforms:
  aws-upi:
    externalRegistryHostnames: ["bad host"]`,
			[]expect{{diag.Error, "spec.platforms.aws-upi.externalRegistryHostnames[0]", `not a host name (lower-case letters, digits, '-' and '.') or IPv4 address with an optional port`, "write host or host:port, e.g. registry.example.com:5000"}}},
		{"shared external host names", s3 + `externalRegistryHostnames: [registry.apps.example.com, "https://registry.example.com", registry.apps.example.com]`,
			[]expect{
				{diag.Error, "spec.externalRegistryHostnames[1]", `not a host: write the registry's host (and port) without a scheme or path`, "write host or host:port, e.g. registry.example.com:5000"},
				{diag.Error, "spec.externalRegistryHostnames[2]", `the host name is already listed at externalRegistryHostnames[0]`, "list each host name once"},
			}},
		{"CA ConfigMap name", s3 + `trustedCAConfigMap: Registry_CAs`,
			[]expect{
				{diag.Error, "spec.trustedCAConfigMap", `invalid ConfigMap name`, "use at most 253 lower-case letters, digits, '-' and '.', starting and ending with a letter or digit"},
				{diag.Warning, "spec.trustedCAConfigMap", `trustedCAConfigMap is not rendered: the profile lists no trustedCAs`, "add trustedCAs, or remove trustedCAConfigMap"},
			}},
		{"OpenShift Dedicated", `platform: openshift-dedicated`,
			[]expect{{diag.Error, "spec.platform", "on OpenShift Dedicated Red Hat SRE manages the image registry, its storage and its Config: nothing is rendered for it", platforms.ManagedFix}}},
		{"a ROSA section", s3 + `platforms:
  rosa: {}`,
			[]expect{{diag.Error, "spec.platforms.rosa", "on Red Hat OpenShift Service on AWS Red Hat SRE manages the image registry, its storage and its Config: nothing is rendered for it", platforms.ManagedFix}}},
		{"version format", s3 + `openshiftVersion: "4.x"`,
			[]expect{{diag.Error, "spec.openshiftVersion", `not a release written 4.N, e.g. "4.14" (quoted, no leading zeros, no patch version)`, ""}}},
		{"version range", s3 + `openshiftVersion: "4.1"`,
			[]expect{{diag.Error, "spec.openshiftVersion", "4.1 is not supported: regprofile supports 4.2 to 4.22", ""}}},
	}
	fired := map[string]bool{}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			objs, fs := renderSpec(t, tc.spec)
			for _, f := range fs {
				fired[f.Rule] = true
			}
			for _, want := range tc.want {
				found := false
				for _, f := range fs {
					found = found || contains([]expect{want}, f)
				}
				if !found {
					t.Errorf("missing finding:\n  %s: %s: %s; fix: %s\ngot:\n%s", want.Severity, want.Path, want.Message, want.Fix, dump(fs))
				}
			}
			for _, f := range fs {
				if f.Severity == diag.Error && !contains(tc.want, f) {
					t.Errorf("unexpected error: %s", f.Text())
				}
			}
			if fs.HasErrors() && len(objs) > 0 {
				t.Errorf("objects rendered despite errors")
			}
		})
	}
	// A rule no case triggers is an untested rule.
	for _, r := range rules.All {
		if !fired[r.ID] {
			t.Errorf("rule %s has no test case", r.ID)
		}
	}
}

// expect is a finding as a test expects it: everything but the rule ID.
type expect struct {
	Severity           diag.Severity
	Path, Message, Fix string
}

func contains(fs []expect, f diag.Finding) bool {
	for _, g := range fs {
		if g == (expect{f.Severity, f.Path, f.Message, f.Fix}) {
			return true
		}
	}
	return false
}

func dump(fs diag.Findings) string {
	var b strings.Builder
	for _, f := range fs {
		b.WriteString("  " + string(f.Severity) + ": " + f.Text() + "\n")
	}
	return b.String()
}
