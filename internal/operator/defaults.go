package operator

// Defaults maps a field of the profile (a path relative to spec, as Enums
// names it) to what the registry operator, or the registry it runs, uses
// when the field is left unset in its Config or ImagePruner. regprofile
// writes none of these: the reference states them after regprofile's own
// defaults (platforms.Defaults, which also holds what unset means for
// fields the operator does not read). Each entry names the code it was
// read from: cluster-image-registry-operator (master and the release-4.N
// branches, "the operator's" below), openshift/api, and, where the
// operator passes nothing on, the registry itself (openshift/image-registry
// and the distribution library it builds on). The operator applies the
// server-side apply regprofile uses: a field the profile leaves unset keeps
// whatever the live object holds, so where the object the operator
// bootstraps holds another value than its fallback, the entry says so.
//
// A value is a phrase the reference puts in parentheses: it holds no
// parentheses of its own.
var Defaults = map[string]string{
	// pkg/resource/deployment.go (generatorDeployment.expected): an empty
	// rolloutStrategy is RollingUpdate, on every release that has the
	// field. pkg/operator/bootstrap.go (Bootstrap) writes Recreate into the
	// Config it creates only where it creates the claim itself.
	"registry.rolloutStrategy": RollingUpdate,
	// openshift/api operator/v1 types.go OperatorSpec and
	// imageregistry/v1 types_imagepruner.go ImagePrunerSpec:
	// +kubebuilder:default=Normal, so the API server writes Normal (and
	// pkg/operator/bootstrap.go Bootstrap does, from release-4.6). The
	// registry then logs at info: pkg/resource/podtemplatespec.go
	// (generateLogLevel) maps Normal through the integer logging, which is
	// info unless set. The pruner's job runs oc with --loglevel=1 for
	// Normal: pkg/resource/prunercronjob.go (getLogLevel), every release
	// with the field.
	"registry.logLevel":         logLevels[0] + ", the CRD's default",
	"registry.operatorLogLevel": logLevels[0] + ", the CRD's default",
	"pruner.logLevel":           logLevels[0] + ", the CRD's default; the job runs oc with --loglevel=1",
	// pkg/resource/podtemplatespec.go (makePodTemplateSpec) sets
	// REGISTRY_STORAGE_MAINTENANCE_READONLY and
	// REGISTRY_STORAGE_REDIRECT_DISABLE only when the field is true.
	"registry.readOnly":        "false",
	"registry.disableRedirect": "false",
	// pkg/resource/generator.go (listRoutes): default-route only when true.
	"registry.defaultRoute": "false",
	// pkg/resource/podtemplatespec.go (makePodTemplateSpec), every release
	// since 4.2: HTTP_PROXY, HTTPS_PROXY and NO_PROXY each come from the
	// Config when set there, else from proxies.config.openshift.io/cluster's
	// status.
	"registry.proxy": "each of http, https and noProxy left empty takes the cluster-wide proxy's",
	// pkg/resource/podtemplatespec.go (makePodTemplateSpec) sets no
	// REGISTRY_OPENSHIFT_REQUESTS_* variable while maxRunning and
	// maxInQueue are 0; openshift/image-registry
	// pkg/cmd/dockerregistry/dockerregistry.go (newLimiter) installs no
	// limiter while maxRunning is 0, whatever maxInQueue says.
	"registry.requests": "unlimited: no limit while maxRunning is 0",
	// pkg/resource/podtemplatespec.go (makePodTemplateSpec), by release
	// branch: release-4.5 and 4.6 a preferred pod anti-affinity on
	// kubernetes.io/hostname whatever the replicas; release-4.7 to 4.10
	// the same, but required with exactly 2 replicas; from release-4.11
	// only the required one with exactly 2 replicas (topology spread
	// constraints spread the pods otherwise).
	"registry.affinity": "on 4.5 to 4.10 the operator prefers the pods on different nodes; " +
		"from 4.7 it requires that with exactly 2 replicas, and from 4.11 it otherwise leaves spreading to its topology spread constraints",
	// pkg/resource/podtemplatespec.go (makePodTemplateSpec), from
	// release-4.11 (the field's first release): maxSkew 1, DoNotSchedule,
	// over kubernetes.io/hostname, node-role.kubernetes.io/worker and, when
	// some node has the label, topology.kubernetes.io/zone; none when the
	// Config has a nodeSelector.
	"registry.topologySpreadConstraints": "the operator spreads the pods evenly over nodes, worker nodes and zones; " +
		"none when nodeSelector is set",
	// pkg/resource/podtemplatespec.go (makePodTemplateSpec), from
	// release-4.5 (release-4.2 to 4.4 pass the selector as it is): the
	// operator adds kubernetes.io/os: linux to the Config's selector unless
	// it names that key.
	"registry.nodeSelector": "kubernetes.io/os: linux, which the operator adds from 4.5 to any selector without that key",
	// pkg/resource/podtemplatespec.go (makePodTemplateSpec) and
	// pkg/resource/prunercronjob.go (defaultResources), every release:
	// requests of 100m CPU and 256Mi memory, no limits.
	"registry.resources": "the operator requests 100m CPU and 256Mi memory",
	"pruner.resources":   "the operator requests 100m CPU and 256Mi memory",
	// pkg/storage/s3/s3.go (ConfigEnv) sets no
	// REGISTRY_STORAGE_S3_REGIONENDPOINT then; the registry's S3 driver
	// (distribution registry/storage/driver/s3-aws) resolves the region's
	// AWS endpoint.
	"registry.storage.s3.regionEndpoint": "AWS's endpoint for the region",
	// pkg/storage/s3/s3.go (ConfigEnv) sets REGISTRY_STORAGE_S3_CHUNKSIZE
	// only for 5 to 5120 MiB, from release-4.17 (release-4.16 ignores the
	// field); unset, the registry's S3 driver uses its own default,
	// distribution registry/storage/driver/s3-aws/s3.go defaultChunkSize =
	// 2 * minChunkSize = 10 MiB (openshift/api's doc names it too).
	"registry.storage.s3.chunkSizeMiB": "the registry's S3 driver's default, 10 MiB",
	// pkg/storage/s3/s3.go (ConfigEnv): REGISTRY_STORAGE_S3_FORCEPATHSTYLE
	// is the field's negation (release-4.5 to 4.13:
	// REGISTRY_STORAGE_S3_VIRTUALHOSTEDSTYLE, the field itself).
	// UpdateEffectiveConfig turns it on only for a Config with neither
	// region nor regionEndpoint, which a profile never is.
	"registry.storage.s3.virtualHostedStyle": "path style",
	// pkg/storage/s3/s3.go (ConfigEnv) passes the field as
	// REGISTRY_STORAGE_S3_ENCRYPT; CreateStorage turns on the bucket's
	// default encryption and writes true only while storage.managementState
	// is Managed.
	"registry.storage.s3.encrypt": "false; with storage managementState Managed, the operator turns on the bucket's default encryption and writes true",
	// pkg/storage/azure/azure.go: getEnvironmentByName takes an empty
	// name as the public cloud, and ConfigEnv sets no
	// REGISTRY_STORAGE_AZURE_REALM, so the registry's Azure driver uses
	// the public cloud's; CreateStorage takes the Infrastructure's cloud
	// only when accountName is empty too, which a profile never is (same on
	// every release since 4.6).
	"registry.storage.azure.cloudName": AzurePublicCloud + ", whatever the cluster's cloud: " +
		"the operator takes the Infrastructure's cloud only for an account it creates itself",
	// openshift/api imageregistry/v1 types.go: networkAccess and its type
	// have +kubebuilder:default External; pkg/storage/azure/azure.go
	// (assurePrivateAccount) treats a missing networkAccess as External.
	"registry.storage.azure.networkAccess": AzureExternal,
	// pkg/resource/prunercronjob.go (getSchedule): "0 0 * * *", every
	// release; the ImagePruner the operator bootstraps sets no schedule.
	"pruner.schedule": "`0 0 * * *`, daily at midnight",
	// pkg/resource/prunercronjob.go (getSuspend): false, every release;
	// pkg/operator/controllerimagepruner.go (Bootstrap) creates the
	// ImagePruner with suspend: true on release-4.4, false from 4.5.
	"pruner.suspend": "false; the ImagePruner the operator bootstraps on 4.4 has true",
	// pkg/resource/prunercronjob.go (getKeepTagRevisions,
	// getSuccessfulJobsHistoryLimit, getFailedJobsHistoryLimit) and the
	// bootstrapped ImagePruner (controllerimagepruner.go Bootstrap) alike:
	// 3, every release.
	"pruner.keepTagRevisions":           "3",
	"pruner.successfulJobsHistoryLimit": "3",
	"pruner.failedJobsHistoryLimit":     "3",
	// pkg/resource/prunercronjob.go (getKeepYoungerThan): the deprecated
	// keepYoungerThan if set, else 60m, every release.
	"pruner.keepYoungerThanDuration": "60m",
	// pkg/resource/prunercronjob.go (expected) passes the field as it is
	// to --ignore-invalid-refs; pkg/operator/controllerimagepruner.go
	// (Bootstrap) creates the ImagePruner with true, every release with the
	// field.
	"pruner.ignoreInvalidImageReferences": "false for the job; the ImagePruner the operator bootstraps has true",
}
