package operator

import (
	"maps"
	"slices"
)

// Management states (openshift/api operator/v1 types.go ManagementState).
// The CRD's pattern also allows Force, which the operator does not act on:
// cluster-image-registry-operator pkg/operator/controller.go (sync) removes
// on Removed, applies on Managed, ignores Unmanaged and only logs "unknown
// custom resource state" for anything else, so a profile may not set it.
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

// Azure environments the operator accepts in storage.azure.cloudName, a
// free string in the CRD: cluster-image-registry-operator
// pkg/storage/azure/azure.go (getEnvironmentByName) takes an empty name as
// the public cloud (operator.Defaults) and otherwise asks go-autorest's
// EnvironmentFromName, which knows these four names (and the aliases
// AzureCloud and AzureUSGovernment) and reads AzureStackCloud from the file
// the operator writes (pkg/operator/azurestackcloud.go). openshift/api
// config/v1 AzureCloudEnvironment also has AzureUSSecCloud, which
// go-autorest does not know: the operator fails on it.
const (
	AzurePublicCloud       = "AzurePublicCloud"
	AzureUSGovernmentCloud = "AzureUSGovernmentCloud"
	AzureChinaCloud        = "AzureChinaCloud"
	AzureGermanCloud       = "AzureGermanCloud"
	AzureStackCloud        = "AzureStackCloud"
)

// Azure network access types (openshift/api imageregistry/v1 types.go
// AzureNetworkAccessType, an enum defaulting to External; the CRD's CEL
// rule on AzureNetworkAccess allows internal only with Internal).
const (
	AzureInternal = "Internal"
	AzureExternal = "External"
)

// Access modes of the registry's claim the operator accepts
// (cluster-image-registry-operator pkg/storage/pvc/pvc.go checkPVC:
// ReadWriteMany, or ReadWriteOnce with at most one replica and Recreate;
// before 4.4 ReadWriteMany only, see Facts), and the only volume mode the
// registry can use: pvc.go (Volumes) mounts the claim as a directory, which
// a Block volume cannot be.
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
