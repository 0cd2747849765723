package platforms

import (
	"regprofile.dev/regprofile/fn/api/v1alpha1"
	"regprofile.dev/regprofile/internal/manifest"
	"regprofile.dev/regprofile/internal/operator"
	"regprofile.dev/regprofile/internal/profile"
)

// Storage is one kind of registry storage, implemented once (one
// storage_*.go file each) and accepted by the platforms that list it. Its
// defaults and objects are the same on every platform; what differs per
// platform (a volume's default class) comes from the platform.
type Storage struct {
	// Name is the storage's name in the docs and in error messages.
	Name string
	// Backend is the key of registry.storage the storage ends up as.
	Backend string
	// Section is the profile field that chooses the storage, relative to
	// spec or spec.platforms.<p> ("pvc", "registry.storage.s3").
	Section string
	// Doc says what the storage is, its defaults and its rules, for
	// docs/storage.md.
	Doc string
	// chosen reports whether the profile chose this storage.
	chosen func(r *profile.Resolved) bool
	// choose makes it the registry's storage when it is the platform's
	// default and the profile chose none; nil for storage that cannot be
	// made up (a bucket needs its name).
	choose func(r *profile.Resolved)
	// defaults fills what the storage implies; objects renders what it
	// needs besides the Config.
	defaults func(r *profile.Resolved, p *infra)
	objects  func(r *profile.Resolved, p *infra) []*manifest.Object
}

// storages lists every storage, in the order Chosen reports them.
var storages = []*Storage{
	VolumeStorage, PersistentVolumeStorage, ClaimStorage, ObjectBucketStorage,
	S3Storage, GCSStorage, AzureStorage, SwiftStorage, EmptyDirStorage,
}

// Storages lists every storage regprofile knows.
func Storages() []*Storage { return append([]*Storage(nil), storages...) }

// Chosen lists the storage a resolved profile chose, before defaults: none,
// one, or (a mistake the rules report) several. A volume with a
// persistentVolume is both.
func Chosen(r *profile.Resolved) []*Storage {
	var out []*Storage
	for _, s := range storages {
		if s.chosen(r) {
			out = append(out, s)
		}
	}
	return out
}

// backendSet reports whether registry.storage sets a backend.
func backendSet(r *profile.Resolved, backend string) bool {
	for _, b := range profile.Backends(r.Registry.Storage) {
		if b == backend {
			return true
		}
	}
	return false
}

// EmptyDirStorage keeps images in the pod: lost on restart.
var EmptyDirStorage = &Storage{
	Name: "emptyDir", Backend: operator.EmptyDir, Section: "registry.storage.emptyDir",
	Doc:    "Images in the pod's emptyDir, lost when it restarts: non-production only, at most 1 replica (a warning says so). Documents: 001 §3.6.3.2, §3.7.3.2, §3.9.3.2.",
	chosen: func(r *profile.Resolved) bool { return backendSet(r, operator.EmptyDir) },
	choose: func(r *profile.Resolved) { r.Storage().EmptyDir = &v1alpha1.EmptyDir{} },
}

// Chosen reports whether the profile chose this storage.
func (s *Storage) Chosen(r *profile.Resolved) bool { return s.chosen(r) }
