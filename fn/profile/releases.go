package profile

import (
	"sort"
	"strings"
)

// What each OpenShift release's registry operator accepts. The API has only
// grown: a field, once added, stays. A field missing from these tables has
// been in the API since 4.2. The release each field first appeared in comes
// from diffing openshift/api's imageregistry/v1 across release branches
// (shared/research/openshift-registry-api.md §2); e2e/releases_test.go
// checks every entry against that release's own CRD.

// ConfigFieldSince maps a field of the registry Config's spec (a dotted
// path) to the first release that has it.
var ConfigFieldSince = map[string]Version{
	"rolloutStrategy":               {4, 4},
	"affinity":                      {4, 5},
	"storage.s3.virtualHostedStyle": {4, 5},
	"logLevel":                      {4, 6},
	"operatorLogLevel":              {4, 6},
	"storage.managementState":       {4, 6},
	"storage.azure.cloudName":       {4, 6},
	"topologySpreadConstraints":     {4, 11},
	"storage.s3.trustedCA":          {4, 11},
	"storage.azure.networkAccess":   {4, 15},
	// In 4.16 behind the feature gate ChunkSizeMiB (TechPreview only),
	// enabled in the Default feature set from 4.17 (openshift/api
	// features/features.go on release-4.17); 4.20 removed the gate.
	"storage.s3.chunkSizeMiB": {4, 17},
}

// PrunerSince is the first release with an ImagePruner.
var PrunerSince = Version{4, 4}

// PrunerFieldSince maps a field of the ImagePruner's spec to the first
// release that has it, where that is later than PrunerSince.
var PrunerFieldSince = map[string]Version{
	"keepYoungerThanDuration":      {4, 5},
	"ignoreInvalidImageReferences": {4, 6},
	"logLevel":                     {4, 6},
}

// Fields older releases' CRDs require, and the last release that requires
// them: logging (the integer log level) until logLevel replaced it, and
// managementState until it moved into the embedded operator spec.
var (
	LoggingRequiredUntil         = Version{4, 5}
	ManagementStateRequiredUntil = Version{4, 11}
)

// Has reports whether release v accepts the field at path in table; a field
// nested under a gated one needs the gated one's release.
func (v Version) Has(table map[string]Version, path string) bool {
	_, since := Since(table, path)
	return !v.Less(since)
}

// Since returns the gated field that path is, or is under, and the release
// that added it; Oldest when path is not gated.
func Since(table map[string]Version, path string) (string, Version) {
	for p := path; p != ""; p = parent(p) {
		if since, ok := table[p]; ok {
			return p, since
		}
	}
	return "", Oldest
}

// GatedFields lists a table's fields, sorted, for documentation.
func GatedFields(table map[string]Version) []string {
	out := make([]string, 0, len(table))
	for f := range table {
		out = append(out, f)
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := table[out[i]], table[out[j]]
		if a != b {
			return a.Less(b)
		}
		return strings.Compare(out[i], out[j]) < 0
	})
	return out
}
