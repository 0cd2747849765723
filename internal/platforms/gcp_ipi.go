package platforms

import (
	"regprofile.dev/regprofile/internal/operator"
)

// gcpIPI is Google Cloud with installer-provisioned infrastructure: the operator
// created a GCS bucket at install time and manages it.
var gcpIPI = &installer{name: "gcp-ipi", backend: operator.GCS, what: "a GCS bucket", byo: "gcp-upi", replicas: 2,
	doc: "Google Cloud, installer-provisioned: the GCS bucket the operator created at install time; the profile sets no storage (docs/adopt.md)."}
