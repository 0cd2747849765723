package platforms

import (
	"fmt"
	"regprofile.dev/regprofile/internal/operator"
)

// azureUPI is Azure's public cloud (or any cloud the API allows) with
// user-provisioned infrastructure: blob storage in a container the user
// created. cloudName is left to the profile; the operator's default is
// AzurePublicCloud, and releases before 4.6 (document 002's Azure
// procedure) have no cloudName at all.
var azureUPI = &infra{
	name: "azure-upi",
	doc: fmt.Sprintf("Azure, user-provisioned: a blob container you created; `cloudName` is left to the operator's default (%s) unless the profile sets one (%s and later).",
		operator.AzurePublicCloud, operator.ConfigFieldSince["storage.azure.cloudName"]),
	sections: []string{"001 §3.4.1", "001 §3.4.2", "002 §3.3"},
	storages: []*Storage{AzureStorage},
}
