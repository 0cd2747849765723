package platforms

import (
	"fmt"
	"regprofile.dev/regprofile/internal/operator"
	"regprofile.dev/regprofile/internal/profile"
)

// azureGov is Azure Government: blob storage in a government cloud, whose
// API endpoints differ from the public cloud's, hence cloudName.
var azureGov = &infra{
	name: "azure-gov",
	doc: fmt.Sprintf("Azure Government: a blob container you created, `cloudName: %s` (so OpenShift %s and later).",
		operator.AzureUSGovernmentCloud, operator.ConfigFieldSince["storage.azure.cloudName"]),
	sections: []string{"001 §3.4.3"},
	storages: []*Storage{AzureStorage},
	prepare: func(r *profile.Resolved) {
		// Assigned even where the release lacks the field: without it the
		// registry would talk to the public cloud's endpoints, so the
		// version rule must stop the render instead.
		if az := r.Storage().Azure; az != nil && az.CloudName == "" {
			az.CloudName = operator.AzureUSGovernmentCloud
			r.Defaulted.AzureCloudName = true
		}
	},
}
