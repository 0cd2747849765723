package review

import (
	"slices"
	"sort"
	"strings"
)

// Where the images live. The Config's spec.storage names one backend; the
// fields below, per backend, say where its images are. A change of any of
// them, or of the backend, points the registry at other storage: it starts
// empty there, and every image appears lost until the images are copied.
// A backend missing from this table (one the operator gains later) counts
// every field as a location field, except the ones in sameStorage.
var locationFields = map[string][]string{
	"s3":       {"bucket", "region", "regionEndpoint"},
	"gcs":      {"bucket", "region", "projectID"},
	"azure":    {"accountName", "container", "cloudName"},
	"swift":    {"authURL", "authVersion", "container", "domain", "domainID", "regionName", "tenant", "tenantID"},
	"ibmcos":   {"bucket", "location", "resourceGroupName", "serviceInstanceCRN"},
	"oss":      {"bucket", "region"},
	"pvc":      {"claim"},
	"emptyDir": {},
}

// sameStorage are storage fields that change how the registry reaches or
// writes its storage, not where the images are.
var sameStorage = []string{"chunkSizeMiB", "cloudFront", "encrypt", "encryption", "endpointAccessibility",
	"keyID", "kmsKeyID", "networkAccess", "resourceKeyCRN", "trustedCA", "virtualHostedStyle"}

const copyFirst = "the registry starts on empty storage there and every image appears lost; copy the old storage's contents (its docker/registry/v2 tree, the same on every backend) to the new location first, e.g. with rclone or rsync, or keep the old location"

func locations(c *change, flag flagger) {
	if bc, hc := c.base.config(), c.head.config(); bc != nil && hc != nil {
		from, to := backend(bc), backend(hc)
		switch {
		case from != "" && to != "" && from != to:
			flag(FlagStorageLocation, hc, "storage backend %s → %s: %s; a server-side apply also leaves the old stanza on the live Config where the operator co-owns it", from, to, copyFirst)
		case from == to && from != "":
			bs, _ := lookup(bc.Doc, "spec", "storage", from).(map[string]any)
			hs, _ := lookup(hc.Doc, "spec", "storage", from).(map[string]any)
			for _, f := range changedFields(bs, hs) {
				if isLocation(from, f) {
					flag(FlagStorageLocation, hc, "spec.storage.%s.%s %s → %s: %s", from, f, display(bs[f]), display(hs[f]), copyFirst)
				}
			}
		}
		if hasKey(hc.Doc, "spec", "storage", "emptyDir") && !hasKey(bc.Doc, "spec", "storage", "emptyDir") {
			flag(FlagEmptyDir, hc, "emptyDir storage: every image is lost when the registry pod restarts; not for production")
		}
	}
	bucketClaims(c, flag)
}

func isLocation(backend, field string) bool {
	if fields, ok := locationFields[backend]; ok {
		return slices.Contains(fields, field)
	}
	return !slices.Contains(sameStorage, field)
}

// backend is the Config's storage backend (s3, pvc, ...), "" if none.
func backend(o *Object) string {
	storage, _ := lookup(o.Doc, "spec", "storage").(map[string]any)
	var names []string
	for k := range storage {
		if k != "managementState" {
			names = append(names, k)
		}
	}
	sort.Strings(names)
	return strings.Join(names, "+")
}

// bucketClaims flags a bucket claim replaced by another: the bucket the
// registry uses is a new one. (A claim's own spec changes are not applied
// by the provisioner: see bucketClaimUpdate.)
func bucketClaims(c *change, flag flagger) {
	claims := func(s side) []*Object {
		var out []*Object
		for _, o := range s.sorted() {
			if o.group() == "objectbucket.io" && o.Kind == "ObjectBucketClaim" {
				out = append(out, o)
			}
		}
		return out
	}
	bs, hs := claims(c.base), claims(c.head)
	for _, h := range hs {
		if c.base[h.key()] != nil || len(bs) == 0 {
			continue
		}
		names := make([]string, len(bs))
		for i, o := range bs {
			names[i] = o.Name
		}
		flag(FlagStorageLocation, h, "bucket claim %s → %s: a new claim provisions a new, empty bucket; %s", strings.Join(names, ", "), h.Name, copyFirst)
	}
}
