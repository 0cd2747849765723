package platforms

import (
	"regprofile.dev/regprofile/fn/kobj"
	"regprofile.dev/regprofile/fn/profile"
)

// AzureUSGovernmentCloud is the Azure environment of US Government regions.
const AzureUSGovernmentCloud = "AzureUSGovernmentCloud"

// azureGov is Azure Government: blob storage in a government cloud, whose
// API endpoints differ from the public cloud's, hence cloudName.
type azureGov struct{}

func (azureGov) Name() string       { return "azure-gov" }
func (azureGov) Backends() []string { return []string{profile.Azure} }

func (azureGov) Default(r *profile.Resolved) {
	// Assigned even where the release lacks the field: without it the
	// registry would talk to the public cloud's endpoints, so the version
	// rule must stop the render instead.
	if az := r.Storage().Azure; az != nil && az.CloudName == "" {
		az.CloudName = AzureUSGovernmentCloud
		r.SetDefault("registry.storage.azure.cloudName")
	}
}

func (azureGov) Objects(*profile.Resolved) []*kobj.Object { return nil }
