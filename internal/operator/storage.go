package operator

// Backend names, as the keys under the Config's spec.storage (openshift/api
// imageregistry/v1 types.go ImageRegistryConfigStorage).
const (
	EmptyDir = "emptyDir"
	S3       = "s3"
	GCS      = "gcs"
	Azure    = "azure"
	Swift    = "swift"
	PVC      = "pvc"
)

// ClaimName is the claim the operator creates, and then owns, when
// storage.pvc.claim is empty (cluster-image-registry-operator
// pkg/storage/pvc/pvc.go, defaults.PVCImageRegistryName).
const ClaimName = "image-registry-storage"

// DefaultRoute is the route the operator creates for spec.defaultRoute
// (cluster-image-registry-operator pkg/defaults, RouteName); spec.routes
// may not use its name.
const DefaultRoute = "default-route"

// The range of storage.s3.chunkSizeMiB, in MiB (openshift/api
// imageregistry/v1 types.go, kubebuilder Minimum and Maximum: S3's
// multipart part sizes, 5 MiB to 5 GiB).
const (
	ChunkSizeMiBMin = 5
	ChunkSizeMiBMax = 5120
)

// ConfigBackends are every storage backend the operator's Config has, also
// those a profile cannot set (IBM Cloud Object Storage, Alibaba OSS): a live
// Config may hold any of them.
var ConfigBackends = []string{EmptyDir, S3, GCS, Azure, Swift, PVC, "ibmcos", "oss"}

// CredentialKeys lists, per backend, the keys of
// image-registry-private-configuration-user the operator reads. Required keys must all be present when the secret exists;
// the operator refuses a partial secret. Sets, where given, are the complete
// sets of optional keys the operator accepts: the secret must hold one of
// them whole. Backends absent here take no credentials.
var CredentialKeys = map[string]struct {
	Required, Optional []string
	Sets               [][]string
}{
	S3:    {Required: []string{S3AccessKey, S3SecretKey}},
	GCS:   {Required: []string{"REGISTRY_STORAGE_GCS_KEYFILE"}},
	Azure: {Required: []string{"REGISTRY_STORAGE_AZURE_ACCOUNTKEY"}},
	// cluster-image-registry-operator pkg/storage/swift/swift.go GetConfig:
	// a user name and password (document 001 §3.3.2), an application
	// credential, or a token.
	Swift: {Optional: swiftKeys, Sets: [][]string{swiftKeys[0:2], swiftKeys[2:5], swiftKeys[5:6]}},
}

// The S3 keys, which regprofile also maps itself (an ODF bucket claim's
// secret holds them as AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY).
const (
	S3AccessKey = "REGISTRY_STORAGE_S3_ACCESSKEY"
	S3SecretKey = "REGISTRY_STORAGE_S3_SECRETKEY"
)

var swiftKeys = []string{
	"REGISTRY_STORAGE_SWIFT_USERNAME", "REGISTRY_STORAGE_SWIFT_PASSWORD",
	"REGISTRY_STORAGE_SWIFT_APPLICATIONCREDENTIALID", "REGISTRY_STORAGE_SWIFT_APPLICATIONCREDENTIALNAME",
	"REGISTRY_STORAGE_SWIFT_APPLICATIONCREDENTIALSECRET", "REGISTRY_STORAGE_SWIFT_TOKENID",
}
