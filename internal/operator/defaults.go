package operator

// Defaults maps a field of the profile (a path relative to spec, as Enums
// names it) to what the registry operator, or the registry it runs, uses
// when the field is left unset in its Config or ImagePruner. regprofile
// writes none of these: the reference states them after regprofile's own
// defaults (platforms.Defaults, which also holds what unset means for
// fields the operator does not read). Sources: openshift/api
// imageregistry/v1 types.go and the operator's pkg/resource and
// pkg/operator, as shared/research/openshift-registry-api.md §1 and §5
// record them (cited below as research §N).
var Defaults = map[string]string{
	// Empty means RollingUpdate (the rolloutStrategy pattern's doc).
	"registry.rolloutStrategy": RollingUpdate,
	// openshift/api operator/v1 LogLevel: empty is Normal.
	"registry.logLevel":         logLevels[0],
	"registry.operatorLogLevel": logLevels[0],
	"pruner.logLevel":           logLevels[0],
	"registry.readOnly":         "false",
	"registry.disableRedirect":  "false",
	"registry.defaultRoute":     "false",
	// Falls back to proxies.config/cluster's status.
	"registry.proxy":    "the cluster-wide proxy",
	"registry.requests": "unlimited",
	// With no affinity and 2 replicas, a required pod anti-affinity on the
	// host name (pkg/resource/podtemplatespec.go; research §4).
	"registry.affinity": "the operator spreads two replicas across nodes",
	// Requests the operator sets on the registry's pods and the pruner's
	// job alike (research §1 and §5).
	"registry.resources":                     "the operator requests 100m CPU and 256Mi memory",
	"pruner.resources":                       "the operator requests 100m CPU and 256Mi memory",
	"registry.storage.s3.regionEndpoint":     "AWS's endpoint for the region",
	"registry.storage.s3.chunkSizeMiB":       "the operator's default, 10 MiB today",
	"registry.storage.s3.virtualHostedStyle": "path style",
	"registry.storage.s3.encrypt":            "false",
	// The Infrastructure's cloud (see AzurePublicCloud).
	"registry.storage.azure.cloudName": "the cluster's Azure cloud",
	// AzureNetworkAccessType's default.
	"registry.storage.azure.networkAccess": AzureExternal,
	// pkg/operator/controllerimagepruner.go and the generator of the
	// pruner's CronJob (pkg/resource/prunercronjob.go).
	"pruner.schedule":                     "the operator runs daily at midnight",
	"pruner.suspend":                      "false",
	"pruner.keepTagRevisions":             "3",
	"pruner.keepYoungerThanDuration":      "60m",
	"pruner.ignoreInvalidImageReferences": "the operator's bootstrap sets true",
	"pruner.successfulJobsHistoryLimit":   "3",
	"pruner.failedJobsHistoryLimit":       "3",
}
