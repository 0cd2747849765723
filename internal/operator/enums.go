package operator

import (
	"maps"
	"slices"
)

// Management states (openshift/api operator/v1 types.go ManagementState;
// the Config's CRD pattern also allows Force, on which the operator only
// warns "unknown state", so a profile may not set it:
// shared/research/openshift-registry-api.md §ImageRegistrySpec).
const (
	Managed   = "Managed"
	Unmanaged = "Unmanaged"
	Removed   = "Removed"
)

// Rollout strategies (openshift/api imageregistry/v1 types.go,
// rolloutStrategy pattern ^(RollingUpdate|Recreate)$; empty means
// RollingUpdate).
const (
	RollingUpdate = "RollingUpdate"
	Recreate      = "Recreate"
)

// Azure environments (openshift/api config/v1 AzureCloudEnvironment; the
// Config's storage.azure.cloudName, empty meaning the Infrastructure's
// cloud).
const (
	AzurePublicCloud       = "AzurePublicCloud"
	AzureUSGovernmentCloud = "AzureUSGovernmentCloud"
	AzureChinaCloud        = "AzureChinaCloud"
	AzureGermanCloud       = "AzureGermanCloud"
	AzureStackCloud        = "AzureStackCloud"
)

// Azure network access types (openshift/api imageregistry/v1 types.go
// AzureNetworkAccessType, default External; internal is allowed only with
// Internal by the CRD's CEL rule).
const (
	AzureInternal = "Internal"
	AzureExternal = "External"
)

// Access modes of the registry's claim the operator accepts
// (cluster-image-registry-operator pkg/storage/pvc/pvc.go checkPVC; before
// 4.4 ReadWriteMany only, see Facts) and the only volume mode it mounts.
const (
	ReadWriteOnce = "ReadWriteOnce"
	ReadWriteMany = "ReadWriteMany"
	Filesystem    = "Filesystem"
)

// Topologies, as the Infrastructure's infrastructureTopology names them
// (openshift/api config/v1 TopologyMode).
const (
	HighlyAvailable = "HighlyAvailable"
	SingleReplica   = "SingleReplica"
)

// Enums maps a field of the profile (a path relative to spec, as the rules
// report it) to the values the operator accepts there, in the order the
// docs list them. The rules check these fields against it and the reference
// generates each field's "One of:" from it.
var Enums = map[string][]string{
	// openshift/api operator/v1 ManagementState (see Managed).
	"registry.managementState": {Managed, Unmanaged, Removed},
	// openshift/api imageregistry/v1 types.go, storage.managementState
	// pattern ^(Managed|Unmanaged)$.
	"registry.storage.managementState": {Managed, Unmanaged},
	// openshift/api operator/v1 LogLevel: enum Normal, Debug, Trace,
	// TraceAll (empty is Normal).
	"registry.logLevel":         logLevels,
	"registry.operatorLogLevel": logLevels,
	"pruner.logLevel":           logLevels,
	"registry.rolloutStrategy":  {RollingUpdate, Recreate},
	"registry.storage.azure.cloudName": {AzurePublicCloud, AzureUSGovernmentCloud, AzureChinaCloud,
		AzureGermanCloud, AzureStackCloud},
	"registry.storage.azure.networkAccess.type": {AzureInternal, AzureExternal},
	"pvc.accessMode": {ReadWriteOnce, ReadWriteMany},
	"topology":       {HighlyAvailable, SingleReplica},
}

var logLevels = []string{"Normal", "Debug", "Trace", "TraceAll"}

// Is reports whether value is one of the values Enums lists for field.
func Is(field, value string) bool {
	for _, v := range Enums[field] {
		if v == value {
			return true
		}
	}
	return false
}

// EnumFields lists Enums' fields, sorted.
func EnumFields() []string { return slices.Sorted(maps.Keys(Enums)) }
