// Package v1alpha1 holds the RegistryProfile API (regprofile.dev/v1alpha1).
//
// A RegistryProfile describes how one organisation wants the OpenShift image
// registry configured, once, with per-platform differences kept apart. The
// function renders it into the registry's real resources for one platform.
//
// Field names under spec.registry deliberately match the operator's own
// configs.imageregistry.operator.openshift.io spec so that a user can move a
// value between the two without translating it. Every optional scalar is a
// pointer so that "not set" differs from "set to the zero value": only what a
// profile sets, or a rule requires, is emitted.
//
// A field's comment says what it is and why, not its default: what a field
// holds when a profile leaves it unset is in docs/reference.md, generated
// from the tables the defaulting code reads (internal/platforms.Defaults)
// and from what the operator uses for a field left unset
// (internal/operator.Defaults).
//
// A field tagged regprofile:"local" inside a type that mirrors an
// operator's spec is read by regprofile only: it is never sent in that spec
// (render drops it, and the CRD checks skip it).
package v1alpha1

import (
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// LocalTag is the struct tag key, and LocalValue its value, of a field
// regprofile reads but never sends in the spec it sits in.
const (
	LocalTag   = "regprofile"
	LocalValue = "local"
)

const (
	// Group is the API group of RegistryProfile.
	Group = "regprofile.dev"
	// Version is the API version of this package.
	Version = "v1alpha1"
	// APIVersion is apiVersion as written in YAML.
	APIVersion = Group + "/" + Version
	// Kind is the kind of the profile.
	Kind = "RegistryProfile"
	// TransformerKind is the kind of the (empty) function configuration used
	// when the function runs as a kustomize transformer and finds the
	// RegistryProfile among its input items.
	TransformerKind = "RegistryProfileTransformer"
)

// RegistryProfile is the function's input: one organisation's registry
// settings, shared and per platform.
type RegistryProfile struct {
	// APIVersion must be regprofile.dev/v1alpha1.
	APIVersion string `json:"apiVersion"`
	// Kind must be RegistryProfile.
	Kind string `json:"kind"`
	// Metadata is ordinary object metadata. Only name, labels and annotations
	// are read; the annotations config.kubernetes.io/local-config and
	// config.kubernetes.io/function belong to kustomize and kpt.
	Metadata metav1.ObjectMeta `json:"metadata"`
	// Spec is the profile itself.
	Spec RegistryProfileSpec `json:"spec"`
}

// RegistryProfileSpec is what a profile says.
type RegistryProfileSpec struct {
	// Platform selects the platform to render (the list is at the top of
	// this page; docs/storage.md shows the storage each accepts; aws-ipi,
	// gcp-ipi, azure-ipi and rhosp-ipi are installer-provisioned clusters
	// whose storage the operator created and manages, where the profile
	// sets no storage; openshift-dedicated and rosa are refused: Red Hat SRE
	// manages the registry there). Required
	// when rendering one platform (the render command's --platform
	// overrides it).
	Platform string `json:"platform,omitempty"`

	// Topology is the cluster's control plane and infrastructure topology.
	// SingleReplica (single-node OpenShift) runs the registry as the
	// operator does on such clusters, with 1 replica on every storage, and
	// warns above 1.
	Topology string `json:"topology,omitempty"`

	// OpenShiftVersion is the target cluster's release as "4.N"; the
	// rules check every field against what that release's operator
	// accepts.
	OpenShiftVersion string `json:"openshiftVersion,omitempty"`

	// Registry holds the registry settings shared by every platform. A
	// platform's own registry settings (spec.platforms.<p>.registry) are
	// merged over these: nested objects merge field by field, scalars, lists
	// and maps are replaced, and a storage backend set for a platform
	// replaces the shared backend.
	Registry *RegistrySpec `json:"registry,omitempty"`

	// Platforms holds what differs per platform, keyed by platform name.
	// Only the selected platform's entry is used when rendering.
	Platforms map[string]PlatformSpec `json:"platforms,omitempty"`

	// Credentials says how the storage credentials secret
	// image-registry-private-configuration-user reaches the cluster, for
	// every platform that does not set its own. Never a plaintext value.
	Credentials *Credentials `json:"credentials,omitempty"`

	// StorageCA is the certificate authority of an https S3 endpoint, for
	// every platform that does not set its own. See StorageCA.
	StorageCA *StorageCA `json:"storageCA,omitempty"`

	// TrustedCAs are extra certificate authorities for external registries
	// that the cluster pulls from or pushes to. Rendered as a ConfigMap in
	// openshift-config (trustedCAConfigMap, default registry-cas) and
	// image.config.openshift.io/cluster spec.additionalTrustedCA naming it.
	TrustedCAs []TrustedCA `json:"trustedCAs,omitempty"`

	// TrustedCAConfigMap names the ConfigMap in openshift-config that holds
	// trustedCAs, and that image.config.openshift.io/cluster
	// spec.additionalTrustedCA points at. Change it when another tool owns a
	// ConfigMap of the default name.
	TrustedCAConfigMap string `json:"trustedCAConfigMap,omitempty"`

	// ExternalRegistryHostnames are the host names under which clients
	// outside the cluster reach the registry, written to
	// image.config.openshift.io/cluster spec.externalRegistryHostnames;
	// image streams report the first in publicDockerImageRepository.
	// regprofile sends only this field and additionalTrustedCA of that
	// object: under server-side apply its other fields stay with their
	// owners.
	ExternalRegistryHostnames []string `json:"externalRegistryHostnames,omitempty"`

	// Access grants users, groups and service accounts the registry's roles.
	Access *Access `json:"access,omitempty"`

	// Pruner configures
	// imagepruner.imageregistry.operator.openshift.io/cluster.
	Pruner *PrunerSpec `json:"pruner,omitempty"`

	// ArgoCD controls the Argo CD annotations on rendered resources.
	ArgoCD *ArgoCDOptions `json:"argocd,omitempty"`
}

// ArgoCDOptions controls what regprofile adds for Argo CD.
type ArgoCDOptions struct {
	// SyncSafety annotates resources with sync waves in dependency order and
	// sync options that keep Argo CD from pruning or deleting the registry's
	// singletons, volumes, bucket claims, storage classes and credentials
	// (Prune=false,Delete=false), and applies the singletons server-side.
	// Turn it off for plain kustomize or kpt use without Argo CD.
	SyncSafety *bool `json:"syncSafety,omitempty"`
	// CLIImage is the image, holding oc, of the Job that removes
	// registry.removeFields.
	CLIImage string `json:"cliImage,omitempty"`
}

// PlatformSpec is what differs on one platform.
type PlatformSpec struct {
	// Registry is merged over spec.registry when this platform is rendered.
	Registry *RegistrySpec `json:"registry,omitempty"`

	// Credentials replaces spec.credentials on this platform.
	Credentials *Credentials `json:"credentials,omitempty"`

	// ExternalRegistryHostnames replaces spec.externalRegistryHostnames on
	// this platform.
	ExternalRegistryHostnames []string `json:"externalRegistryHostnames,omitempty"`
	// StorageCA replaces spec.storageCA on this platform.
	StorageCA *StorageCA `json:"storageCA,omitempty"`

	// PVC describes a volume that the profile creates for the registry; the
	// registry's storage.pvc.claim is set to its name. Accepted on the
	// platforms whose storage includes a volume (docs/storage.md).
	PVC *PVCVolume `json:"pvc,omitempty"`

	// PersistentVolume statically provisions the registry's volume: a
	// PersistentVolume (reclaim policy Retain, capacity pvc.size) bound to
	// the registry's claim, and for a local volume a no-provisioner
	// StorageClass. The claim is still described by pvc. Exactly one of nfs
	// and local.
	PersistentVolume *PersistentVolume `json:"persistentVolume,omitempty"`

	// Cinder describes the StorageClass that rhosp-cinder creates for the
	// registry volume.
	Cinder *CinderClass `json:"cinder,omitempty"`

	// ObjectBucket describes an OpenShift Data Foundation bucket claim that
	// the profile creates and points the registry's S3 storage at. Accepted
	// on the platforms whose storage includes ODF object storage
	// (docs/storage.md).
	ObjectBucket *ObjectBucket `json:"objectBucket,omitempty"`
}

// PersistentVolume is a statically provisioned volume for the registry.
type PersistentVolume struct {
	// Name of the PersistentVolume.
	Name string `json:"name,omitempty"`
	// NFS is an NFS export. With 2 or more replicas the export needs the
	// no_wdelay option (a warning says so).
	NFS *NFSVolume `json:"nfs,omitempty"`
	// Local is a directory or disk on one node; the registry then runs on
	// that node only (ReadWriteOnce, one replica).
	Local *LocalVolume `json:"local,omitempty"`
}

// NFSVolume is an NFS export.
type NFSVolume struct {
	// Server is the NFS server's host name or IP address. Required.
	Server string `json:"server,omitempty"`
	// Path is the exported path, absolute. Required.
	Path string `json:"path,omitempty"`
}

// LocalVolume is a local directory or disk on one node.
type LocalVolume struct {
	// Path is the directory or device on the node, absolute. Required.
	Path string `json:"path,omitempty"`
	// NodeName is the node (its kubernetes.io/hostname label) holding the
	// volume. Required.
	NodeName string `json:"nodeName,omitempty"`
}

// RegistrySpec mirrors the operator's Config spec
// (configs.imageregistry.operator.openshift.io), field for field, minus what
// the operator owns (httpSecret, observedConfig, unsupportedConfigOverrides).
type RegistrySpec struct {
	// ManagementState is the registry's state. Removed makes the operator
	// delete the registry and any storage it manages.
	ManagementState string `json:"managementState,omitempty"`

	// Replicas is the number of registry pods: 1 with emptyDir or a
	// ReadWriteOnce volume; more need object storage or a ReadWriteMany
	// volume.
	Replicas *int32 `json:"replicas,omitempty"`

	// RolloutStrategy is the Deployment's strategy.
	RolloutStrategy string `json:"rolloutStrategy,omitempty"`

	// LogLevel is the registry's log level.
	LogLevel string `json:"logLevel,omitempty"`

	// Logging is the registry's integer log level (1 warn, 0, 2 and 3 info,
	// above 3 debug), which the oldest releases have instead of logLevel.
	// Use logLevel where the release has it.
	Logging *int64 `json:"logging,omitempty"`

	// OperatorLogLevel is the operator's log level.
	OperatorLogLevel string `json:"operatorLogLevel,omitempty"`

	// ReadOnly puts the registry in read-only mode (pulls only).
	ReadOnly *bool `json:"readOnly,omitempty"`

	// DisableRedirect makes the registry serve blobs itself instead of
	// redirecting clients to the storage backend.
	DisableRedirect *bool `json:"disableRedirect,omitempty"`

	// DefaultRoute exposes the registry through the route default-route.
	DefaultRoute *bool `json:"defaultRoute,omitempty"`

	// Routes are extra routes to the registry. Names must be unique and must
	// not be default-route.
	Routes []Route `json:"routes,omitempty"`

	// Proxy sets the registry's proxy for reaching its storage.
	Proxy *Proxy `json:"proxy,omitempty"`

	// Requests limits concurrent API requests.
	Requests *Requests `json:"requests,omitempty"`

	// NodeSelector places registry pods on matching nodes.
	NodeSelector map[string]string `json:"nodeSelector,omitempty"`

	// Tolerations let registry pods run on tainted nodes.
	Tolerations []corev1.Toleration `json:"tolerations,omitempty"`

	// Affinity is the registry pods' affinity.
	Affinity *corev1.Affinity `json:"affinity,omitempty"`

	// TopologySpreadConstraints replace the operator's default spreading.
	TopologySpreadConstraints []corev1.TopologySpreadConstraint `json:"topologySpreadConstraints,omitempty"`

	// Resources are the registry pods' requests and limits.
	Resources *corev1.ResourceRequirements `json:"resources,omitempty"`

	// Storage is the registry's storage. Exactly one backend.
	Storage *Storage `json:"storage,omitempty"`

	// RemoveFields lists fields of the live Config's spec to remove before
	// the profile is applied: a storage backend an earlier manager left
	// (storage.emptyDir, storage.s3, storage.gcs, storage.azure,
	// storage.swift, storage.pvc, storage.ibmcos, storage.oss), which
	// server-side apply cannot remove by omission while another manager owns
	// it, and beside which the operator refuses the profile's backend.
	// Rendered as Argo CD Sync hooks: a Job (with its service account and a
	// role that may only get and patch the Config), in the wave before the
	// Config, that removes them with a JSON merge patch, a no-op once they
	// are gone. Not part of the operator's Config.
	RemoveFields []string `json:"removeFields,omitempty" regprofile:"local"`
}

// Route is an extra route to the registry.
type Route struct {
	// Name of the route. Required; unique; not default-route.
	Name string `json:"name"`
	// Hostname of the route.
	Hostname string `json:"hostname,omitempty"`
	// SecretName is a TLS secret in openshift-image-registry for the route:
	// the operator copies its keys tls.crt, tls.key and tls.cacrt into the
	// route (reencrypt termination) and does not create the route while the
	// secret is missing.
	SecretName string `json:"secretName,omitempty"`
	// SecretSource renders what writes the secret secretName names, as a
	// kubernetes.io/tls secret in openshift-image-registry, ordered before
	// the Config. Not part of the operator's Config: regprofile removes it
	// from the rendered route.
	SecretSource *RouteSecretSource `json:"secretSource,omitempty" regprofile:"local"`
}

// RouteSecretSource says what writes a route's TLS secret. Exactly one of
// externalSecret and certificate.
type RouteSecretSource struct {
	// ExternalSecret renders an external-secrets.io/v1 ExternalSecret, named
	// after the secret, that writes it from a secret store with the type
	// kubernetes.io/tls. Data maps tls.crt and tls.key (required) and
	// optionally tls.cacrt, the key the operator reads as the route's CA
	// certificate.
	ExternalSecret *ExternalSecretSource `json:"externalSecret,omitempty"`
	// Certificate renders a cert-manager.io/v1 Certificate, named after the
	// secret, whose issuer writes it (tls.crt, tls.key and ca.crt; the
	// operator reads no ca.crt). Needs cert-manager on the cluster.
	Certificate *CertificateSource `json:"certificate,omitempty"`
}

// CertificateSource is a cert-manager Certificate for a route's secret.
type CertificateSource struct {
	// IssuerRef is the issuer that signs the certificate. Required.
	IssuerRef IssuerRef `json:"issuerRef"`
	// DNSNames are the certificate's DNS names.
	DNSNames []string `json:"dnsNames,omitempty"`
}

// IssuerRef names a cert-manager issuer.
type IssuerRef struct {
	// Name of the issuer. Required.
	Name string `json:"name"`
	// Kind is Issuer (in openshift-image-registry) or ClusterIssuer; an
	// external issuer (group set) may have a kind of its own.
	Kind string `json:"kind,omitempty"`
	// Group is the API group of an external issuer.
	Group string `json:"group,omitempty"`
}

// Proxy is the registry's proxy configuration.
type Proxy struct {
	// HTTP is the proxy for http URLs.
	HTTP string `json:"http,omitempty"`
	// HTTPS is the proxy for https URLs.
	HTTPS string `json:"https,omitempty"`
	// NoProxy lists hosts reached directly, comma separated.
	NoProxy string `json:"noProxy,omitempty"`
}

// Requests limits the registry's concurrent requests.
type Requests struct {
	// Read limits pulls.
	Read *RequestLimits `json:"read,omitempty"`
	// Write limits pushes.
	Write *RequestLimits `json:"write,omitempty"`
}

// RequestLimits limits one kind of request.
type RequestLimits struct {
	// MaxRunning is the most requests served at once; 0 means unlimited.
	MaxRunning *int `json:"maxRunning,omitempty"`
	// MaxInQueue is the most requests queued; 0 means unlimited.
	MaxInQueue *int `json:"maxInQueue,omitempty"`
	// MaxWaitInQueue is how long a request may wait in the queue, as a
	// duration ("30s"). 0 means unlimited.
	MaxWaitInQueue *metav1.Duration `json:"maxWaitInQueue,omitempty"`
}

// Storage is the registry's storage: exactly one backend.
type Storage struct {
	// ManagementState says whether the operator manages the storage
	// (Managed: it may create, reconfigure and delete it) or not
	// (Unmanaged).
	ManagementState string `json:"managementState,omitempty"`

	// EmptyDir stores images in the pod's emptyDir: lost on restart. Non-
	// production only; at most 1 replica.
	EmptyDir *EmptyDir `json:"emptyDir,omitempty"`
	// S3 stores images in an S3 bucket (AWS, or ODF/Ceph RGW, NooBaa).
	S3 *S3 `json:"s3,omitempty"`
	// GCS stores images in a Google Cloud Storage bucket.
	GCS *GCS `json:"gcs,omitempty"`
	// Azure stores images in an Azure blob container.
	Azure *Azure `json:"azure,omitempty"`
	// Swift stores images in an OpenStack Swift container.
	Swift *Swift `json:"swift,omitempty"`
	// PVC stores images on a persistent volume claim.
	PVC *PVCStorage `json:"pvc,omitempty"`
}

// EmptyDir selects emptyDir storage. It has no fields.
type EmptyDir struct{}

// S3 is S3 storage.
type S3 struct {
	// Bucket is the bucket name. Required on aws-upi.
	Bucket string `json:"bucket,omitempty"`
	// Region is the bucket's region. Required: the registry's S3 driver
	// refuses to start without one, even with a custom endpoint.
	Region string `json:"region,omitempty"`
	// RegionEndpoint is a custom S3 endpoint URL with a scheme
	// (https://s3.example.com).
	RegionEndpoint string `json:"regionEndpoint,omitempty"`
	// ChunkSizeMiB is the size of multipart upload chunks, in MiB, within
	// the range the operator's CRD allows.
	ChunkSizeMiB *int32 `json:"chunkSizeMiB,omitempty"`
	// VirtualHostedStyle addresses the bucket as a host name instead of a
	// path.
	VirtualHostedStyle *bool `json:"virtualHostedStyle,omitempty"`
	// Encrypt stores images encrypted.
	Encrypt *bool `json:"encrypt,omitempty"`
	// KeyID is the KMS key used to encrypt; requires encrypt: true.
	KeyID string `json:"keyID,omitempty"`
	// CloudFront serves blobs through Amazon CloudFront.
	CloudFront *CloudFront `json:"cloudFront,omitempty"`
	// TrustedCA names a ConfigMap in openshift-config whose key
	// ca-bundle.crt holds the CA of a custom endpoint.
	TrustedCA *ConfigMapRef `json:"trustedCA,omitempty"`
}

// CloudFront is the S3 CloudFront configuration.
type CloudFront struct {
	// BaseURL is the CloudFront distribution's URL. Required.
	BaseURL string `json:"baseURL"`
	// PrivateKey selects the key of a secret in openshift-image-registry
	// holding the CloudFront private key. Required.
	PrivateKey corev1.SecretKeySelector `json:"privateKey"`
	// KeypairID is the CloudFront key pair's ID. Required.
	KeypairID string `json:"keypairID"`
	// Duration is how long signed URLs stay valid ("20m").
	Duration *metav1.Duration `json:"duration,omitempty"`
}

// ConfigMapRef names a ConfigMap.
type ConfigMapRef struct {
	// Name of the ConfigMap.
	Name string `json:"name"`
}

// GCS is Google Cloud Storage.
type GCS struct {
	// Bucket is the bucket name. Required on gcp-upi.
	Bucket string `json:"bucket,omitempty"`
	// Region is the bucket's location.
	Region string `json:"region,omitempty"`
	// ProjectID is the GCP project holding the bucket.
	ProjectID string `json:"projectID,omitempty"`
	// KeyID is the KMS key used to encrypt.
	KeyID string `json:"keyID,omitempty"`
}

// Azure is Azure blob storage.
type Azure struct {
	// AccountName is the storage account. Required on azure-gov.
	AccountName string `json:"accountName,omitempty"`
	// Container is the blob container. Required on azure-gov.
	Container string `json:"container,omitempty"`
	// CloudName is the Azure environment.
	CloudName string `json:"cloudName,omitempty"`
	// NetworkAccess says whether the storage account is reached over the
	// internet (External) or a private endpoint (Internal).
	NetworkAccess *AzureNetworkAccess `json:"networkAccess,omitempty"`
}

// AzureNetworkAccess is how the registry reaches its storage account.
type AzureNetworkAccess struct {
	// Type is the kind of access.
	Type string `json:"type,omitempty"`
	// Internal describes the private endpoint; only with type Internal.
	Internal *AzureNetworkAccessInternal `json:"internal,omitempty"`
}

// AzureNetworkAccessInternal describes an Azure private endpoint.
type AzureNetworkAccessInternal struct {
	// NetworkResourceGroupName is the virtual network's resource group.
	NetworkResourceGroupName string `json:"networkResourceGroupName,omitempty"`
	// VNetName is the virtual network.
	VNetName string `json:"vnetName,omitempty"`
	// SubnetName is the subnet for the private endpoint.
	SubnetName string `json:"subnetName,omitempty"`
	// PrivateEndpointName is the private endpoint's name.
	PrivateEndpointName string `json:"privateEndpointName,omitempty"`
}

// Swift is OpenStack Swift storage.
type Swift struct {
	// AuthURL is the Keystone URL.
	AuthURL string `json:"authURL,omitempty"`
	// AuthVersion is the Keystone API version.
	AuthVersion string `json:"authVersion,omitempty"`
	// Container is the Swift container.
	Container string `json:"container,omitempty"`
	// Domain is the Keystone domain name.
	Domain string `json:"domain,omitempty"`
	// DomainID is the Keystone domain ID.
	DomainID string `json:"domainID,omitempty"`
	// Tenant is the project name.
	Tenant string `json:"tenant,omitempty"`
	// TenantID is the project ID.
	TenantID string `json:"tenantID,omitempty"`
	// RegionName is the OpenStack region.
	RegionName string `json:"regionName,omitempty"`
}

// PVCStorage is persistent volume claim storage.
type PVCStorage struct {
	// Claim names a claim in openshift-image-registry. Empty (pvc: {})
	// leaves the claim to the operator, which warns: it creates
	// image-registry-storage (ReadWriteMany, 100Gi, the cluster's default
	// class), adopts one only if it created it, and owns it.
	Claim string `json:"claim,omitempty"`
}

// Credentials says where the storage credentials come from. Exactly one of
// externalSecret and existingSecret.
type Credentials struct {
	// ExternalSecret renders an external-secrets.io/v1 ExternalSecret that
	// writes image-registry-private-configuration-user from a secret store.
	ExternalSecret *ExternalSecretSource `json:"externalSecret,omitempty"`
	// ExistingSecret says the secret is managed out of band: nothing is
	// rendered. The keys the backend expects are listed in the docs.
	ExistingSecret bool `json:"existingSecret,omitempty"`
}

// ExternalSecretSource maps secret store entries to the registry's keys.
type ExternalSecretSource struct {
	// StoreRef is the SecretStore or ClusterSecretStore to read from.
	StoreRef StoreRef `json:"storeRef"`
	// Data maps each key of the secret to an entry in the store: for the
	// storage credentials the REGISTRY_STORAGE_* keys the backend needs
	// (every key it requires must be present), for a route's TLS secret
	// tls.crt, tls.key and optionally tls.cacrt.
	Data map[string]RemoteRef `json:"data"`
	// RefreshInterval is how often the secret is re-read.
	RefreshInterval *metav1.Duration `json:"refreshInterval,omitempty"`
}

// StoreRef names a secret store.
type StoreRef struct {
	// Name of the store. Required.
	Name string `json:"name"`
	// Kind is SecretStore (in openshift-image-registry) or
	// ClusterSecretStore.
	Kind string `json:"kind,omitempty"`
}

// RemoteRef is one entry in a secret store.
type RemoteRef struct {
	// Key is the entry's name in the store. Required.
	Key string `json:"key"`
	// Property selects a field of a structured entry (a JSON key, or a key
	// of a Kubernetes secret).
	Property string `json:"property,omitempty"`
}

// StorageCA is the certificate authority that signs an https S3 endpoint's
// certificate. The operator trusts only the ca-bundle.crt key of the
// ConfigMap in openshift-config that s3.trustedCA names, and nothing in the
// cluster holds the CAs of in-cluster endpoints there: the service CA that
// signs *.svc certificates is published under service-ca.crt (ConfigMap
// openshift-service-ca.crt), the ingress CA that signs the default route
// certificate in openshift-config-managed/default-ingress-cert. A
// StorageCA renders the ConfigMap openshift-config/image-registry-s3-bundle
// with its certificates under ca-bundle.crt, and s3.trustedCA names it
// (so s3.trustedCA is left unset). Both CAs rotate: update the PEM when
// they do.
type StorageCA struct {
	// PEM holds one or more PEM-encoded CA certificates (public data; a
	// private key is refused). Only the certificates are kept, re-encoded.
	PEM string `json:"pem"`
}

// TrustedCA is one registry's certificate authority.
type TrustedCA struct {
	// Registry is the registry's host, with an optional port
	// ("registry.example.com:5000"). Unique.
	Registry string `json:"registry"`
	// PEM holds one or more PEM-encoded CA certificates (public data; a
	// private key is refused).
	PEM string `json:"pem"`
}

// Access grants the registry's roles.
type Access struct {
	// Viewers may pull images (ClusterRole registry-viewer).
	Viewers []Subject `json:"viewers,omitempty"`
	// Editors may pull and push images (ClusterRole registry-editor).
	Editors []Subject `json:"editors,omitempty"`
	// MetricsScrapers may read the registry's metrics (ClusterRole
	// prometheus-scraper, rendered too). Cluster-wide only.
	MetricsScrapers []Subject `json:"metricsScrapers,omitempty"`
}

// Subject is an RBAC subject, optionally limited to one project.
type Subject struct {
	// Kind is User, Group or ServiceAccount.
	Kind string `json:"kind"`
	// Name of the user, group or service account.
	Name string `json:"name"`
	// Namespace of a ServiceAccount (required for it, refused otherwise).
	Namespace string `json:"namespace,omitempty"`
	// Project limits the grant to one project (a RoleBinding there).
	Project string `json:"project,omitempty"`
}

// PrunerSpec mirrors the ImagePruner spec
// (imagepruners.imageregistry.operator.openshift.io).
type PrunerSpec struct {
	// Schedule is a cron schedule ("0 0 * * *").
	Schedule string `json:"schedule,omitempty"`
	// Suspend stops pruning.
	Suspend *bool `json:"suspend,omitempty"`
	// KeepTagRevisions is how many revisions of each tag to keep.
	KeepTagRevisions *int `json:"keepTagRevisions,omitempty"`
	// KeepYoungerThanDuration keeps images younger than this ("60m").
	KeepYoungerThanDuration *metav1.Duration `json:"keepYoungerThanDuration,omitempty"`
	// IgnoreInvalidImageReferences keeps pruning when an image reference is
	// invalid.
	IgnoreInvalidImageReferences *bool `json:"ignoreInvalidImageReferences,omitempty"`
	// Resources are the pruner job's requests and limits.
	Resources *corev1.ResourceRequirements `json:"resources,omitempty"`
	// Affinity is the pruner job's affinity.
	Affinity *corev1.Affinity `json:"affinity,omitempty"`
	// NodeSelector places the pruner job on matching nodes.
	NodeSelector map[string]string `json:"nodeSelector,omitempty"`
	// Tolerations let the pruner job run on tainted nodes.
	Tolerations []corev1.Toleration `json:"tolerations,omitempty"`
	// SuccessfulJobsHistoryLimit is how many finished jobs to keep.
	SuccessfulJobsHistoryLimit *int32 `json:"successfulJobsHistoryLimit,omitempty"`
	// FailedJobsHistoryLimit is how many failed jobs to keep.
	FailedJobsHistoryLimit *int32 `json:"failedJobsHistoryLimit,omitempty"`
	// LogLevel is the pruner's log level.
	LogLevel string `json:"logLevel,omitempty"`
}

// PVCVolume is a volume the profile creates for the registry.
type PVCVolume struct {
	// Name of the claim in openshift-image-registry. image-registry-storage
	// is accepted: the Config names the claim, so the operator uses it as it
	// is rather than creating its own (on rhosp-cinder, where the installer
	// created one, it warns).
	Name string `json:"name,omitempty"`
	// Size of the volume. Below 100Gi warns.
	Size string `json:"size,omitempty"`
	// AccessMode is the claim's access mode: ReadWriteOnce means one replica
	// and Recreate.
	AccessMode string `json:"accessMode,omitempty"`
	// StorageClassName is the volume's class.
	StorageClassName string `json:"storageClassName,omitempty"`
	// DefaultStorageClass leaves the class to the cluster's default class:
	// the claim is rendered without storageClassName (an empty one would
	// mean "no class" to Kubernetes) and no platform class is filled in or
	// created. The default class is resolved once, when the claim is
	// created: a claim's class is immutable, so changing the cluster's
	// default later leaves the registry on the old class, and without a
	// default class the claim stays Pending until one exists. The claim is
	// ordered as one of an unknown class (with the Config, see the sync
	// waves). Not with storageClassName.
	DefaultStorageClass *bool `json:"defaultStorageClass,omitempty"`
	// VolumeMode is Filesystem; the registry cannot use Block.
	VolumeMode string `json:"volumeMode,omitempty"`
}

// CinderClass is the StorageClass rhosp-cinder creates.
type CinderClass struct {
	// AvailabilityZone is the Cinder availability zone of the volume.
	// Required. OpenShift does not check that it exists.
	AvailabilityZone string `json:"availabilityZone,omitempty"`
	// StorageClassName is the StorageClass's name.
	StorageClassName string `json:"storageClassName,omitempty"`
}

// ObjectBucket is an OpenShift Data Foundation bucket claim.
type ObjectBucket struct {
	// StorageClassName is ocs-storagecluster-ceph-rgw (Ceph RGW),
	// openshift-storage.noobaa.io (NooBaa) or, with ODF in external mode,
	// ocs-external-storagecluster-ceph-rgw (which needs endpoint).
	StorageClassName string `json:"storageClassName,omitempty"`
	// BucketName is the bucket's fixed name, so that the registry can name
	// it before the claim exists.
	BucketName string `json:"bucketName,omitempty"`
	// Endpoint is the S3 endpoint URL: a scheme and no port. An https
	// endpoint on a cluster service needs storageCA (the service CA).
	Endpoint string `json:"endpoint,omitempty"`
}
