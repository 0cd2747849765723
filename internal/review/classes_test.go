package review

import (
	"strings"
	"testing"
)

// One case or more per class of risk: every immutable field of every kind
// regprofile renders, every location field of every backend, every kind
// of reference.

const scID = "StorageClass/image-registry-cinder"

func TestRefusedUpdates(t *testing.T) {
	cinder := []string{config, pvc, storageClass}
	v := func(extra ...string) []string { return append([]string{"CLASS=image-registry-cinder"}, extra...) }
	pv := `apiVersion: v1
kind: PersistentVolume
metadata: {name: registry-nfs}
spec:
  capacity: {storage: 100Gi}
  accessModes: [ReadWriteMany]
  nfs: {server: @SERVER, path: /exports/registry}
  @VOLUMEMODE
`
	binding := `apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: registry-viewers, namespace: ci}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: @ROLE}
subjects: [{apiGroup: rbac.authorization.k8s.io, kind: Group, name: developers}]
`
	cm := `apiVersion: v1
kind: ConfigMap
metadata: {name: registry-cas, namespace: openshift-config}
immutable: @IMMUTABLE
data: {ca.crt: @CA}
`
	obc := `apiVersion: objectbucket.io/v1alpha1
kind: ObjectBucketClaim
metadata: {name: image-registry-bucket, namespace: openshift-image-registry}
spec: {bucketName: @BUCKET, storageClassName: ocs-storagecluster-ceph-rgw@EXTRA}
`
	cfgStatus := config + "status:\n  latestAvailableRevision: @REVISION\n"
	runRiskCases(t, []riskCase{
		{name: "class parameters", base: overlay(cinder, v()...), head: overlay(cinder, v("ZONE=az2")...), want: []string{
			"refused: " + scID + ": parameters {availability: nova} → {availability: az2}: the API server refuses the update (parameters: Forbidden: updates to parameters are forbidden.); instead: create a StorageClass under a new name",
		}},
		{name: "class provisioner", base: overlay(cinder, v()...), head: overlay(cinder, v("PROVISIONER=manila.csi.openstack.org")...), want: []string{
			"refused: " + scID + ": provisioner cinder.csi.openstack.org → manila.csi.openstack.org: the API server refuses the update (provisioner: Forbidden: updates to provisioner are forbidden.)",
		}},
		{name: "class reclaimPolicy set to its default", base: overlay(cinder, v()...),
			head: strings.Replace(overlay(cinder, v()...), "volumeBindingMode:", "reclaimPolicy: Delete\nvolumeBindingMode:", 1)},
		{name: "class reclaimPolicy", base: overlay(cinder, v()...),
			head: strings.Replace(overlay(cinder, v()...), "volumeBindingMode:", "reclaimPolicy: Retain\nvolumeBindingMode:", 1), want: []string{
				"refused: " + scID + ": reclaimPolicy Delete → Retain: the API server refuses the update (reclaimPolicy: Forbidden: updates to reclaimPolicy are forbidden.)",
			}},
		{name: "class binding mode", base: overlay(cinder, v()...),
			head: strings.Replace(overlay(cinder, v()...), "volumeBindingMode: WaitForFirstConsumer", "volumeBindingMode: Immediate", 1), want: []string{
				"refused: " + scID + ": volumeBindingMode WaitForFirstConsumer → Immediate: the API server refuses the update (volumeBindingMode: Invalid value: field is immutable)",
			}},
		{name: "class expansion off is allowed", base: overlay(cinder, v()...), head: overlay(cinder, v("EXPAND=false")...)},
		{name: "claim grows, rendered class allows it", base: overlay(cinder, v()...), head: overlay(cinder, v("SIZE=200Gi")...)},
		{name: "claim grows, rendered class does not allow it", base: overlay(cinder, v()...), head: overlay(cinder, v("SIZE=200Gi", "EXPAND=false")...), want: []string{
			"refused: " + pvcID + ": spec.resources.requests.storage 100Gi → 200Gi: the API server refuses the update (Forbidden: only dynamically provisioned pvc can be resized and the storageclass that provisions the pvc must support resize (StorageClass image-registry-cinder does not set allowVolumeExpansion: true)); instead: set allowVolumeExpansion: true on the class first",
		}},
		{name: "claim volume mode defaulted", base: overlay([]string{pvc}), head: strings.Replace(overlay([]string{pvc}), "  volumeMode: Filesystem\n", "", 1)},
		{name: "claim volume mode", base: overlay([]string{pvc}), head: strings.Replace(overlay([]string{pvc}), "volumeMode: Filesystem", "volumeMode: Block", 1), want: []string{
			"refused: " + pvcID + ": spec.volumeMode Filesystem → Block: the API server refuses the update (spec: Forbidden: spec is immutable",
		}},
		{name: "claim selector", base: overlay([]string{pvc}), head: strings.Replace(overlay([]string{pvc}), "  volumeMode:", "  selector: {matchLabels: {app: registry}}\n  volumeMode:", 1), want: []string{
			"refused: " + pvcID + ": spec.selector (unset) → {matchLabels: {app: registry}}: the API server refuses the update",
		}},
		{name: "volume source", base: overlay([]string{pv}, "SERVER=nfs1", "VOLUMEMODE=volumeMode: Filesystem"), head: overlay([]string{pv}, "SERVER=nfs2", "VOLUMEMODE="), want: []string{
			"refused: PersistentVolume/registry-nfs: spec.nfs {path: /exports/registry, server: nfs1} → {path: /exports/registry, server: nfs2}: the API server refuses the update (spec.persistentvolumesource: Forbidden: spec.persistentvolumesource is immutable after creation)",
		}},
		{name: "volume mode", base: overlay([]string{pv}, "SERVER=nfs1", "VOLUMEMODE="), head: overlay([]string{pv}, "SERVER=nfs1", "VOLUMEMODE=volumeMode: Block"), want: []string{
			"refused: PersistentVolume/registry-nfs: spec.volumeMode Filesystem → Block: the API server refuses the update (volumeMode: Invalid value: field is immutable)",
		}},
		{name: "role binding's role", base: overlay([]string{binding}, "ROLE=registry-viewer"), head: overlay([]string{binding}, "ROLE=registry-editor"), want: []string{
			"refused: RoleBinding/ci/registry-viewers: roleRef {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: registry-viewer} → {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: registry-editor}: the API server refuses the update (roleRef: Invalid value: cannot change roleRef)",
		}},
		{name: "mutable config map", base: overlay([]string{cm}, "IMMUTABLE=false", "CA=a"), head: overlay([]string{cm}, "IMMUTABLE=false", "CA=b")},
		{name: "immutable config map", base: overlay([]string{cm}, "IMMUTABLE=true", "CA=a"), head: overlay([]string{cm}, "IMMUTABLE=true", "CA=b"), want: []string{
			"refused: ConfigMap/openshift-config/registry-cas: data: the API server refuses the update (data: Forbidden: field is immutable when `immutable` is set)",
		}},
		{name: "bucket claim's bucket", base: overlay([]string{obc}, "BUCKET=a", "EXTRA="), head: overlay([]string{obc}, "BUCKET=b", "EXTRA="), want: []string{
			"not-applied: ObjectBucketClaim/openshift-image-registry/image-registry-bucket: spec.bucketName a → b: the API server accepts it, but the bucket provisioner does not act on a changed claim",
		}},
		{name: "bucket claim's additionalConfig is applied", base: overlay([]string{obc}, "BUCKET=a", "EXTRA=, additionalConfig: {maxSize: 1Ti}"), head: overlay([]string{obc}, "BUCKET=a", "EXTRA=, additionalConfig: {maxSize: 2Ti}")},
		{name: "CEL transition rule", base: overlay([]string{cfgStatus}, "REVISION=5"), head: overlay([]string{cfgStatus}, "REVISION=4"), want: []string{
			"refused: Config/cluster: status.latestAvailableRevision 5 → 4: the API server refuses the update (status.latestAvailableRevision: Invalid value: must only increase)",
		}},
		{name: "CEL transition rule holds", base: overlay([]string{cfgStatus}, "REVISION=4"), head: overlay([]string{cfgStatus}, "REVISION=5")},
	})
}

func TestStorageLocation(t *testing.T) {
	cfg := []string{config}
	obc := `apiVersion: objectbucket.io/v1alpha1
kind: ObjectBucketClaim
metadata: {name: @CLAIM, namespace: openshift-image-registry}
spec: {bucketName: b, storageClassName: ocs-storagecluster-ceph-rgw}
`
	loc := "storage-location: Config/cluster: "
	runRiskCases(t, []riskCase{
		{name: "s3 bucket", base: overlay(cfg, "STORAGE=s3: {bucket: a, region: r}"), head: overlay(cfg, "STORAGE=s3: {bucket: b, region: r}"),
			want: []string{loc + "spec.storage.s3.bucket a → b: the registry starts on empty storage there"}},
		{name: "s3 endpoint", base: overlay(cfg, "STORAGE=s3: {bucket: a, region: r}"), head: overlay(cfg, "STORAGE=s3: {bucket: a, region: r, regionEndpoint: 'https://s3.example.com'}"),
			want: []string{loc + "spec.storage.s3.regionEndpoint (unset) → https://s3.example.com: "}},
		{name: "s3 encryption is the same storage", base: overlay(cfg, "STORAGE=s3: {bucket: a, region: r}"), head: overlay(cfg, "STORAGE=s3: {bucket: a, region: r, encrypt: true, virtualHostedStyle: true}")},
		{name: "gcs region", base: overlay(cfg, "STORAGE=gcs: {bucket: a, region: us}"), head: overlay(cfg, "STORAGE=gcs: {bucket: a, region: eu}"),
			want: []string{loc + "spec.storage.gcs.region us → eu: "}},
		{name: "azure account and container", base: overlay(cfg, "STORAGE=azure: {accountName: a, container: c}"), head: overlay(cfg, "STORAGE=azure: {accountName: b, container: d}"),
			want: []string{loc + "spec.storage.azure.accountName a → b: ", loc + "spec.storage.azure.container c → d: "}},
		{name: "swift container", base: overlay(cfg, "STORAGE=swift: {container: a, authURL: u}"), head: overlay(cfg, "STORAGE=swift: {container: b, authURL: u}"),
			want: []string{loc + "spec.storage.swift.container a → b: "}},
		{name: "pvc claim", base: overlay(cfg), head: overlay(cfg, "STORAGE=pvc: {claim: other}"),
			want: []string{loc + "spec.storage.pvc.claim image-registry-pvc → other: "}},
		{name: "a backend the table lacks", base: overlay(cfg, "STORAGE=future: {place: a, keyID: k}"), head: overlay(cfg, "STORAGE=future: {place: b, keyID: l}"),
			want: []string{loc + "spec.storage.future.place a → b: "}},
		{name: "bucket claim replaced", base: overlay([]string{obc}, "CLAIM=a"), head: overlay([]string{obc}, "CLAIM=b"), want: []string{
			"storage-location: ObjectBucketClaim/openshift-image-registry/b: bucket claim a → b: a new claim provisions a new, empty bucket",
			"storage-deletion: ObjectBucketClaim/openshift-image-registry/a: the claim is deleted: its provisioner deletes the volume or bucket",
		}},
	})
}

func TestDanglingReferences(t *testing.T) {
	image := `apiVersion: config.openshift.io/v1
kind: Image
metadata:
  name: cluster
  annotations: {argocd.argoproj.io/sync-options: "Prune=false,Delete=false"}
spec: {additionalTrustedCA: {name: registry-cas}}
`
	cas := `apiVersion: v1
kind: ConfigMap
metadata:
  name: registry-cas
  namespace: openshift-config
data: {ca.crt: x}
`
	store := `apiVersion: external-secrets.io/v1
kind: SecretStore
metadata: {name: vault, namespace: openshift-image-registry}
spec: {provider: {kubernetes: {auth: {serviceAccount: {name: reader}}}}}
`
	es := keep(strings.Replace(externalSecret, "kind: ClusterSecretStore", "kind: SecretStore", 1), "ExternalSecret")
	s3 := "STORAGE=s3: {bucket: b, region: r}"
	runRiskCases(t, []riskCase{
		{name: "CA config map pruned, Image kept", base: overlay([]string{image, cas}), head: "", want: []string{
			"dangling-reference: Image/cluster: names ConfigMap/openshift-config/registry-cas at spec.additionalTrustedCA.name and stays on the cluster (kept by Prune=false, no longer rendered), but it leaves the render without Prune=false, so Argo CD prunes it: the cluster stops trusting",
			"orphaned: Image/cluster: ",
		}},
		{name: "CA config map kept too", base: overlay([]string{image, keep(cas, "ConfigMap")}), head: "", want: []string{
			"orphaned: ConfigMap/openshift-config/registry-cas: ",
			"orphaned: Image/cluster: ",
		}},
		{name: "store pruned, ExternalSecret kept", base: overlay([]string{es, store}), head: overlay([]string{es}), want: []string{
			"dangling-reference: ExternalSecret/openshift-image-registry/image-registry-private-configuration-user: names SecretStore/openshift-image-registry/vault at spec.secretStoreRef and stays on the cluster, but it leaves the render without Prune=false",
		}},
		{name: "class pruned, claim kept", base: overlay([]string{keep(pvc, "PersistentVolumeClaim"), strings.Replace(storageClass, "  annotations: {argocd.argoproj.io/sync-options: \"Prune=false,Delete=false\"}\n", "", 1)}), head: overlay([]string{keep(pvc, "PersistentVolumeClaim")}), want: []string{
			"dangling-reference: " + pvcID + ": names StorageClass/thin-csi at spec.storageClassName and stays on the cluster, but",
		}},
		{name: "credentials secret's owner pruned", base: overlay([]string{config, externalSecret}, s3), head: overlay([]string{config}, s3), want: []string{
			"dangling-reference: Config/cluster: names Secret/openshift-image-registry/image-registry-private-configuration-user at spec.storage.s3 (its credentials) and stays on the cluster, but ExternalSecret/openshift-image-registry/image-registry-private-configuration-user owns it (creationPolicy Owner) and is deleted",
			"credentials-source: ",
		}},
		{name: "credentials secret orphaned by its kept owner", base: overlay([]string{config, es}, s3), head: overlay([]string{config}, s3), want: []string{
			"credentials-source: ",
			"orphaned: ExternalSecret/",
		}},
	})
}
