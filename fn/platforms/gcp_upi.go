package platforms

import (
	"regprofile.dev/regprofile/fn/kobj"
	"regprofile.dev/regprofile/fn/profile"
)

// gcpUPI is Google Cloud with user-provisioned infrastructure: the registry
// stores images in a GCS bucket the user created.
type gcpUPI struct{}

func (gcpUPI) Name() string                             { return "gcp-upi" }
func (gcpUPI) Backends() []string                       { return []string{profile.GCS} }
func (gcpUPI) Default(*profile.Resolved)                {}
func (gcpUPI) Objects(*profile.Resolved) []*kobj.Object { return nil }
