package platforms

import (
	"regprofile.dev/regprofile/internal/operator"
)

// awsIPI is AWS with installer-provisioned infrastructure: the operator
// created an S3 bucket at install time and manages it.
var awsIPI = &installer{name: "aws-ipi", backend: operator.S3, what: "an S3 bucket", byo: "aws-upi", replicas: 2,
	doc: "AWS, installer-provisioned: the S3 bucket the operator created at install time; the profile sets no storage (docs/adopt.md)."}
