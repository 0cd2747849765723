// Package platforms holds one file per platform. Each platform says which
// storage backends it accepts, fills in what it implies, and renders the
// objects only it needs (volumes, storage classes, bucket claims). Nothing
// outside this package switches on a platform's name.
package platforms

import (
	"sort"

	"regprofile.dev/regprofile/fn/kobj"
	"regprofile.dev/regprofile/fn/profile"
)

// Platform is one kind of cluster the registry can be rendered for.
type Platform interface {
	// Name is the platform's name in profiles (spec.platform and the keys
	// of spec.platforms).
	Name() string
	// Backends are the storage backends the platform accepts; emptyDir is
	// accepted everywhere (for non-production clusters) and not listed.
	Backends() []string
	// Default fills in what the platform implies and the profile left
	// unset. It runs before the defaults every platform shares.
	Default(r *profile.Resolved)
	// Objects renders the objects only this platform needs.
	Objects(r *profile.Resolved) []*kobj.Object
}

// all lists every platform. Adding a platform means adding a file and a
// line here.
var all = []Platform{
	awsUPI{}, gcpUPI{}, azureGov{}, rhospCinder{}, baremetalODF{}, vsphereBlock{}, nutanix{},
	awsIPI, gcpIPI, azureIPI, rhospIPI,
}

// Lookup returns the platform with the given name.
func Lookup(name string) (Platform, bool) {
	for _, p := range all {
		if p.Name() == name {
			return p, true
		}
	}
	return nil, false
}

// Names lists the platforms' names, sorted.
func Names() []string {
	out := make([]string, len(all))
	for i, p := range all {
		out[i] = p.Name()
	}
	sort.Strings(out)
	return out
}

// Accepts reports whether the platform accepts a storage backend.
func Accepts(p Platform, backend string) bool {
	if backend == profile.EmptyDir {
		return true
	}
	for _, b := range p.Backends() {
		if b == backend {
			return true
		}
	}
	return false
}
