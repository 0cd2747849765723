package render

import (
	"strconv"

	"regprofile.dev/regprofile/internal/manifest"
	"regprofile.dev/regprofile/internal/operator"
	"regprofile.dev/regprofile/internal/profile"
)

// Argo CD annotations.
const (
	SyncWaveAnnotation    = "argocd.argoproj.io/sync-wave"
	SyncOptionsAnnotation = "argocd.argoproj.io/sync-options"
	HookAnnotation        = "argocd.argoproj.io/hook"
	// HookDeletePolicyAnnotation says when Argo CD deletes a hook.
	HookDeletePolicyAnnotation = "argocd.argoproj.io/hook-delete-policy"
)

// Sync waves, in dependency order: what a resource needs is applied (and
// healthy) in an earlier wave. A claim that binds only when the registry's
// pod starts shares the Config's wave: in an earlier wave it would stay
// Pending, never healthy, and hold the sync forever.
const (
	waveStorageClass = iota
	waveSupport      // CA ConfigMaps, service accounts, RBAC
	waveStorage      // SecretStores, bucket claims, immediately bound claims, the image config
	waveCredentials  // ExternalSecrets, once their store exists; route certificates
	waveRegistry     // the Config, and the claims it alone binds
	wavePruner       // pruning only once the registry runs
)

func syncWave(o *manifest.Object) int {
	switch o.Kind {
	case "StorageClass", "PersistentVolume":
		return waveStorageClass
	case "SecretStore":
		// After the service account and role it signs in with: External
		// Secrets validates a store as soon as it exists, and Argo CD's
		// health check marks a store it could not validate Degraded.
		return waveStorage
	case "ObjectBucketClaim", "Image":
		return waveStorage
	case "PersistentVolumeClaim":
		if o.WaitsForConsumer {
			return waveRegistry
		}
		return waveStorage
	case "ExternalSecret", "Certificate":
		// Before the Config: the operator does not create a route whose
		// secret is missing.
		return waveCredentials
	case "Config":
		return waveRegistry
	case "ImagePruner":
		return wavePruner
	case "Job":
		// The hook removing stale Config fields: after the service
		// account and role it runs with and the storage the profile
		// brings, right before the Config, so that the Config is without
		// a storage stanza for as short a time as can be.
		return waveCredentials
	}
	return waveSupport
}

// Sync options. Prune=false,Delete=false keep Argo CD from deleting what
// would take data or the registry with it: deleting the Config or pruner
// makes the operator tear the registry down (and delete storage it
// manages); deleting a claim, bucket claim or class loses images; deleting
// the credentials leaves the registry without access to its storage, and
// so does deleting a ConfigMap a singleton names (see NamedBySingleton);
// deleting what writes a route's TLS secret leaves the secret unrenewed. The
// cluster singletons are applied server-side, owning only the fields the
// profile sets, never the ones the operator writes back.
const keepOptions = "Prune=false,Delete=false"

var syncOptions = map[string]string{
	"Config":                "ServerSideApply=true,Prune=false,Delete=false",
	"ImagePruner":           "ServerSideApply=true,Prune=false,Delete=false",
	"Image":                 "ServerSideApply=true,Prune=false,Delete=false",
	"PersistentVolumeClaim": keepOptions,
	"ObjectBucketClaim":     keepOptions,
	"StorageClass":          keepOptions,
	"PersistentVolume":      keepOptions,
	"ExternalSecret":        keepOptions,
	"Certificate":           keepOptions,
	"SecretStore":           keepOptions,
}

// annotate marks every object with its owner and, unless the profile
// turned sync safety off, with its Argo CD sync wave and sync options.
func annotate(r *profile.Resolved, objs []*manifest.Object) {
	safety := *r.ArgoCD.SyncSafety
	for _, o := range objs {
		o.Annotate(OwnerAnnotation, r.Name)
		if o.Kind == "Config" && r.Topology == operator.SingleReplica {
			o.Annotate(TopologyAnnotation, r.Topology)
		}
		if !safety {
			continue
		}
		o.Annotate(SyncWaveAnnotation, strconv.Itoa(syncWave(o)))
		if o.Hook {
			// Run in its wave of every sync (the hook is a no-op once its
			// work is done), and replaced rather than kept: never pruned
			// or protected like the registry's own objects.
			o.Annotate(HookAnnotation, "Sync")
			o.Annotate(HookDeletePolicyAnnotation, "BeforeHookCreation")
			continue
		}
		if opts, ok := syncOptions[o.Kind]; ok {
			o.Annotate(SyncOptionsAnnotation, opts)
		} else if o.NamedBySingleton {
			// Pruned, it would leave the singleton naming nothing, and
			// the registry fails on the missing ConfigMap.
			o.Annotate(SyncOptionsAnnotation, keepOptions)
		}
	}
}
