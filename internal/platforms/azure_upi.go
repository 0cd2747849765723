package platforms

// azureUPI is Azure's public cloud (or any cloud the API allows) with
// user-provisioned infrastructure: blob storage in a container the user
// created. cloudName is left to the profile; the operator's default is
// AzurePublicCloud, and releases before 4.6 (document 002's Azure
// procedure) have no cloudName at all.
var azureUPI = &infra{
	name:     "azure-upi",
	doc:      "Azure, user-provisioned: a blob container you created; `cloudName` is left to the operator's default (AzurePublicCloud) unless the profile sets one (4.6 and later).",
	sections: []string{"001 §3.4.1", "001 §3.4.2", "002 §3.3"},
	storages: []*Storage{AzureStorage},
}
