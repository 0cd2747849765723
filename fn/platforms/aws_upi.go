package platforms

import (
	"regprofile.dev/regprofile/fn/kobj"
	"regprofile.dev/regprofile/fn/profile"
)

// awsUPI is AWS with user-provisioned infrastructure: the registry stores
// images in an S3 bucket the user created. Credentials come from the Cloud
// Credential Operator unless the profile names an ExternalSecret.
type awsUPI struct{}

func (awsUPI) Name() string                             { return "aws-upi" }
func (awsUPI) Backends() []string                       { return []string{profile.S3} }
func (awsUPI) Default(*profile.Resolved)                {}
func (awsUPI) Objects(*profile.Resolved) []*kobj.Object { return nil }
