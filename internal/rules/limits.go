package rules

import (
	"fmt"

	"k8s.io/apimachinery/pkg/util/validation"
)

// The length limits of the names the rules check, each written once: the
// checks, their regular expressions and their messages are built from
// these. limits_test.go checks each against its source where one can run
// (apimachinery's validation) and each pattern at its bounds.
const (
	// Kubernetes (k8s.io/apimachinery/pkg/util/validation, which the
	// checks call): an object name is a DNS-1123 subdomain, a namespace a
	// DNS-1123 label, a label value and the name part of a label or taint
	// key at most 63 characters (qualifiedNameMaxLength, unexported).
	dnsSubdomainMax  = validation.DNS1123SubdomainMaxLength // 253
	dnsLabelMax      = validation.DNS1123LabelMaxLength     // 63
	labelValueMax    = validation.LabelValueMaxLength       // 63
	qualifiedNameMax = 63

	// Amazon S3 general purpose buckets
	// (docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html):
	// 3 to 63 characters.
	s3BucketMin, s3BucketMax = 3, 63

	// Google Cloud Storage (cloud.google.com/storage/docs/buckets#naming,
	// "Bucket name requirements"): 3 to 63 characters; a name with dots up
	// to 222, each dot-separated part at most 63.
	gcsBucketMin, gcsBucketMax, gcsDottedBucketMax, gcsBucketPartMax = 3, 63, 222, 63

	// Azure (learn.microsoft.com/rest/api/storageservices/naming-and-referencing-containers--blobs--and-metadata,
	// "Container names": 3 to 63 characters; and the storage account
	// overview, "Storage account name": 3 to 24 lower-case letters and
	// digits). openshift/api's CRD has the container's pattern too.
	azureContainerMin, azureContainerMax = 3, 63
	azureAccountMin, azureAccountMax     = 3, 24

	// regionMax bounds a cloud region's name. No provider states one;
	// the longest names today (northamerica-northeast1, us-gov-west-1)
	// are well below it.
	regionMax = 32
)

// between says "3 to 63" for a limit's messages.
func between(min, max int) string { return fmt.Sprintf("%d to %d", min, max) }
