package platforms

// gcpUPI is Google Cloud with user-provisioned infrastructure: the registry
// stores images in a GCS bucket the user created.
var gcpUPI = &infra{
	name:     "gcp-upi",
	doc:      "Google Cloud, user-provisioned: a GCS bucket you created.",
	sections: []string{"001 §3.2", "002 §3.2"},
	storages: []*Storage{GCSStorage},
}
