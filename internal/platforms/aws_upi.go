package platforms

// awsUPI is AWS with user-provisioned infrastructure: the registry stores
// images in an S3 bucket the user created. Credentials come from the Cloud
// Credential Operator unless the profile names an ExternalSecret.
var awsUPI = &infra{
	name:     "aws-upi",
	doc:      "AWS, user-provisioned: an S3 bucket you created.",
	sections: []string{"001 §3.1", "002 §3.1"},
	storages: []*Storage{S3Storage},
}
