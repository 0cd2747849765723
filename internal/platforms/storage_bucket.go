package platforms

import (
	"fmt"
	"strings"

	"regprofile.dev/regprofile/internal/operator"
	"regprofile.dev/regprofile/internal/profile"
)

// Object storage the user created in a cloud: the registry is pointed at a
// bucket or container it does not own, and the storage is Unmanaged so that
// removing the registry never deletes it. None is a default: a bucket
// needs at least its name. Credentials come from the cloud's
// credentials operator unless the profile names an ExternalSecret.

// S3Storage is an S3 bucket the user created (AWS, or any S3-compatible
// store); the bucket claim of ObjectBucketStorage ends up as S3 too.
var S3Storage = &Storage{
	Name: "s3", Backend: operator.S3, Section: "registry.storage.s3",
	Doc:    "An S3 bucket you created: `bucket` and `region` required, `regionEndpoint` with a scheme, `keyID` needs `encrypt`; credentials " + strings.Join(operator.CredentialKeys[operator.S3].Required, " and ") + ". Documents: 001 §3.1.2, 002 §3.1.",
	chosen: func(r *profile.Resolved) bool { return backendSet(r, operator.S3) && r.ObjectBucket == nil },
}

// GCSStorage is a Google Cloud Storage bucket the user created.
var GCSStorage = &Storage{
	Name: "gcs", Backend: operator.GCS, Section: "registry.storage.gcs",
	Doc: fmt.Sprintf("A GCS bucket you created: `bucket` required; credential %s. Documents: 001 §3.2.2.",
		operator.CredentialKeys[operator.GCS].Required[0]),
	chosen: func(r *profile.Resolved) bool { return backendSet(r, operator.GCS) },
}

// AzureStorage is an Azure blob container the user created. The cloud
// (cloudName) is the platform's: azure-gov sets it, azure-upi leaves it to
// the operator's default, AzurePublicCloud.
var AzureStorage = &Storage{
	Name: "azure", Backend: operator.Azure, Section: "registry.storage.azure",
	Doc: fmt.Sprintf("An Azure blob container you created: `accountName` and `container` (Azure's naming rules) required; `cloudName` (%s and later) one of Azure's clouds; credential %s. Documents: 001 §3.4.2, §3.4.3, 002 §3.3.2.",
		operator.ConfigFieldSince["storage.azure.cloudName"], operator.CredentialKeys[operator.Azure].Required[0]),
	chosen: func(r *profile.Resolved) bool { return backendSet(r, operator.Azure) },
}

// swiftCredentials lists the sets of Swift credential keys the operator
// accepts, and the release each needs beyond the oldest.
func swiftCredentials() string {
	var sets []string
	for _, set := range operator.CredentialKeys[operator.Swift].Sets {
		s := strings.Join(set[:len(set)-1], ", ")
		if len(set) > 1 {
			s += " and "
		}
		s += set[len(set)-1]
		if f, ok := operator.Facts["credentialKey."+set[0]]; ok {
			s += " (" + f.Since.String() + " and later)"
		}
		sets = append(sets, s)
	}
	return strings.Join(sets, ", or ")
}

// SwiftStorage is an OpenStack Swift container the user created. Document
// 001 §3.3.1 has the registry trust Swift by serving blobs itself
// (disableRedirect: true): clients outside OpenStack often cannot reach
// Swift's endpoint, and the registry has no temporary URL key to sign a
// redirect with.
var SwiftStorage = &Storage{
	Name: "swift", Backend: operator.Swift, Section: "registry.storage.swift",
	Doc:    "A Swift container you created: `container` required, `authURL` an http(s) URL, `authVersion` a number; `disableRedirect` defaults to true (001 §3.3.1); credentials " + swiftCredentials() + ". Documents: 001 §3.3.",
	chosen: func(r *profile.Resolved) bool { return backendSet(r, operator.Swift) },
	defaults: func(r *profile.Resolved, _ *infra) {
		setBool(r, &r.Registry.DisableRedirect, "registry.disableRedirect", true)
	},
}
