package operator

import (
	"maps"
	"slices"
	"sort"
	"strings"
)

// What each OpenShift release's registry operator accepts. The API has only
// grown: a field, once added, stays. A field missing from these tables has
// been in the API since 4.2. The release each field first appeared in is
// the first openshift/api release-4.N branch whose imageregistry/v1
// types.go has it; e2e/releases_test.go checks every entry against that
// release's own CRD.

// ConfigFieldSince maps a field of the registry Config's spec (a dotted
// path) to the first release that has it.
var ConfigFieldSince = map[string]Version{
	"rolloutStrategy":               {4, 4},
	"affinity":                      {4, 5},
	"storage.s3.virtualHostedStyle": {4, 5},
	"logLevel":                      {4, 6},
	"operatorLogLevel":              {4, 6},
	"storage.managementState":       {4, 6},
	"storage.azure.cloudName":       {4, 6},
	"topologySpreadConstraints":     {4, 11},
	"storage.s3.trustedCA":          {4, 11},
	"storage.azure.networkAccess":   {4, 15},
	// In 4.16's API behind the feature gate ChunkSizeMiB (TechPreview
	// only), enabled in the Default feature set from 4.17 (openshift/api
	// features/features.go on release-4.17); 4.20 removed the gate. The
	// operator reads it from release-4.17 (pkg/storage/s3/s3.go ConfigEnv;
	// release-4.16's has no chunk size).
	"storage.s3.chunkSizeMiB": {4, 17},
}

// PrunerSince is the first release with an ImagePruner.
var PrunerSince = Version{4, 4}

// PrunerFieldSince maps a field of the ImagePruner's spec to the first
// release that has it, where that is later than PrunerSince.
var PrunerFieldSince = map[string]Version{
	"keepYoungerThanDuration":      {4, 5},
	"ignoreInvalidImageReferences": {4, 6},
	"logLevel":                     {4, 6},
}

// Fields older releases' CRDs require, and the last release that requires
// them: logging (the integer log level) until logLevel replaced it, and
// managementState until it moved into the embedded operator spec.
var (
	LoggingRequiredUntil         = Version{4, 5}
	ManagementStateRequiredUntil = Version{4, 11}
)

// Has reports whether release v accepts the field at path in table; a field
// nested under a gated one needs the gated one's release.
func (v Version) Has(table map[string]Version, path string) bool {
	_, since := Since(table, path)
	return !v.Less(since)
}

// Since returns the gated field that path is, or is under, and the release
// that added it; Oldest when path is not gated.
func Since(table map[string]Version, path string) (string, Version) {
	for p := path; p != ""; p = Parent(p) {
		if since, ok := table[p]; ok {
			return p, since
		}
	}
	return "", Oldest
}

// NewestIn is the newest release a table names: a profile targeting it or
// later sets no field the table gates.
func NewestIn(table map[string]Version) Version {
	newest := Oldest
	for _, since := range table {
		if newest.Less(since) {
			newest = since
		}
	}
	return newest
}

// Parent is the path that holds path ("storage.s3" for "storage.s3.bucket",
// "routes" for "routes[0]"); empty at the top.
func Parent(path string) string {
	i := strings.LastIndexAny(path, ".[")
	if i < 0 {
		return ""
	}
	return path[:i]
}

// GatedFields lists a table's fields, sorted, for documentation.
func GatedFields(table map[string]Version) []string {
	out := make([]string, 0, len(table))
	for f := range table {
		out = append(out, f)
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := table[out[i]], table[out[j]]
		if a != b {
			return a.Less(b)
		}
		return strings.Compare(out[i], out[j]) < 0
	})
	return out
}

// Fact is what a release's operator or platform accepts beyond the API's
// fields: a claim's access mode, a storage class or provisioner that ships
// with a driver, a platform. Before Since, Instead (when set) is what those
// releases have in its place.
type Fact struct {
	Since   Version
	Instead string
	// Source names where the fact comes from, for the docs and reviewers.
	Source string
}

// Facts is the one table of release facts beyond field gating, keyed by
// what they are about: "platform.<name>", "class.<storage class>",
// "provisioner.<provisioner>", "accessMode.<mode>", "topology.<topology>",
// "credentialKey.<key>".
// Every entry has a test (internal/rules/rules_test.go, TestReleaseFacts).
var Facts = map[string]Fact{
	// Before 4.4 the operator's checkPVC accepts only ReadWriteMany claims;
	// ReadWriteOnce with one replica and Recreate came with rolloutStrategy
	// (cluster-image-registry-operator release-4.3 vs release-4.4,
	// pkg/storage/pvc/pvc.go, commit 1f4685c6c "Allow to use RWO access
	// mode for PVC storage type"; document 000 §3.3/§3.4 asks for
	// ReadWriteMany).
	"accessMode.ReadWriteOnce": {Since: Version{4, 4}, Instead: "ReadWriteMany",
		Source: "cluster-image-registry-operator release-4.4 pkg/storage/pvc/pvc.go checkPVC (commit 1f4685c6c)"},
	// The vSphere CSI driver and its thin-csi class are installed by
	// default from 4.10 (tech preview behind a feature gate in 4.8 and 4.9);
	// earlier releases have the in-tree class thin (OpenShift 4.10 docs,
	// storage/persistent-storage-vsphere; shared/research/field-notes.md).
	"class.thin-csi": {Since: Version{4, 10}, Instead: "thin",
		Source: "OpenShift 4.10 docs, Storage, VMware vSphere CSI Driver Operator (installed by default; 4.8 and 4.9 tech preview)"},
	// The Cinder CSI driver and its standard-csi class ship from 4.7
	// (OpenShift 4.7 docs, storage/persistent-storage-csi-cinder); the
	// in-tree class is standard (the operator's bootstrap used it until
	// 4.11, commit c8b7efaeb).
	"class.standard-csi": {Since: Version{4, 7}, Instead: "standard",
		Source: "OpenShift 4.7 docs, Storage, OpenStack Cinder CSI Driver Operator; cluster-image-registry-operator commit c8b7efaeb"},
	"provisioner.cinder.csi.openstack.org": {Since: Version{4, 7}, Instead: "kubernetes.io/cinder",
		Source: "OpenShift 4.7 docs, Storage, OpenStack Cinder CSI Driver Operator"},
	// Nutanix is a platform the operator knows from 4.11
	// (cluster-image-registry-operator release-4.11 pkg/storage/storage.go
	// is the first to name NutanixPlatformType).
	"platform.nutanix": {Since: Version{4, 11},
		Source: "cluster-image-registry-operator release-4.11 pkg/storage/storage.go (NutanixPlatformType)"},
	// Swift credentials beyond a user name and password: an application
	// credential from 4.10, a token from 4.20
	// (cluster-image-registry-operator release-4.10 and release-4.20,
	// pkg/storage/swift/swift.go GetConfig).
	"credentialKey.REGISTRY_STORAGE_SWIFT_APPLICATIONCREDENTIALID":     swiftAppCredential,
	"credentialKey.REGISTRY_STORAGE_SWIFT_APPLICATIONCREDENTIALNAME":   swiftAppCredential,
	"credentialKey.REGISTRY_STORAGE_SWIFT_APPLICATIONCREDENTIALSECRET": swiftAppCredential,
	"credentialKey.REGISTRY_STORAGE_SWIFT_TOKENID": {Since: Version{4, 20},
		Source: "cluster-image-registry-operator release-4.20 pkg/storage/swift/swift.go"},
	// Single-node OpenShift: the operator caps the bootstrap replicas on a
	// SingleReplica infrastructure from 4.8 (release-4.8
	// pkg/operator/bootstrap.go; release-4.7 has no such topology).
	"topology.SingleReplica": {Since: Version{4, 8},
		Source: "cluster-image-registry-operator release-4.8 pkg/operator/bootstrap.go (SingleReplicaTopologyMode)"},
}

var swiftAppCredential = Fact{Since: Version{4, 10},
	Source: "cluster-image-registry-operator release-4.10 pkg/storage/swift/swift.go"}

// Accepts reports whether release v has what key names; facts not in the
// table hold on every release.
func (v Version) Accepts(key string) bool {
	f, ok := Facts[key]
	return !ok || !v.Less(f.Since)
}

// FactKeys lists the table's keys, sorted, for documentation.
func FactKeys() []string { return slices.Sorted(maps.Keys(Facts)) }
