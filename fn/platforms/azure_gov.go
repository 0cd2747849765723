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
	if az := r.Storage().Azure; az != nil {
		setString(r, &az.CloudName, "registry.storage.azure.cloudName", AzureUSGovernmentCloud)
	}
}

func (azureGov) Objects(*profile.Resolved) []*kobj.Object { return nil }
