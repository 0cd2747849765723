// Package platforms holds the infrastructures the registry runs on and the
// storage it can use there: one file per platform (which storage it accepts,
// and its own defaults) and one file per storage (storage_*.go: defaults and
// objects, the same wherever the storage is the same). Nothing outside this
// package switches on a platform's name.
package platforms

import (
	"sort"

	"regprofile.dev/regprofile/internal/manifest"
	"regprofile.dev/regprofile/internal/operator"
	"regprofile.dev/regprofile/internal/profile"
)

// Platform is one kind of cluster the registry can be rendered for.
type Platform interface {
	// Name is the platform's name in profiles (spec.platform and the keys
	// of spec.platforms).
	Name() string
	// Storages are the storage the platform accepts, its default first.
	// emptyDir is accepted everywhere (for non-production clusters) and
	// listed last.
	Storages() []*Storage
	// Default fills in what the platform and its storage imply and the
	// profile left unset. It runs before the defaults every platform
	// shares.
	Default(r *profile.Resolved)
	// Objects renders the objects the platform and its storage need
	// (volumes, storage classes, bucket claims).
	Objects(r *profile.Resolved) []*manifest.Object
	// DefaultStorage is the storage used when a profile chooses none, or
	// nil when the platform's storage cannot be made up (a bucket).
	DefaultStorage() *Storage
	// VolumeClass is the class a volume defaults to on release v; empty
	// when the platform takes no volume or has no default class.
	VolumeClass(v operator.Version) string
	// Doc describes the platform, and Sections names the documents'
	// sections it follows, for docs/storage.md.
	Doc() string
	Sections() []string
}

// infra is a platform: an infrastructure and the storage it accepts. Each
// platform file declares one.
type infra struct {
	name, doc string
	sections  []string
	// storages the platform accepts, the default first (emptyDir is added).
	storages []*Storage
	// removedAtInstall: the operator bootstraps the registry as Removed
	// for want of storage, so a profile that configures it sets Managed.
	removedAtInstall bool
	// volumeClass is the class a volume defaults to on the newest release;
	// older releases get what operator.Facts says they have instead.
	volumeClass string
	// prepare fills platform-specific values before the storage's defaults
	// run (rhosp-cinder's class, azure-gov's cloud).
	prepare func(r *profile.Resolved)
	// objects renders what only this platform needs, besides its storage's.
	objects func(r *profile.Resolved) []*manifest.Object
}

func (p *infra) Name() string       { return p.name }
func (p *infra) Doc() string        { return p.doc }
func (p *infra) Sections() []string { return p.sections }

func (p *infra) Storages() []*Storage {
	return append(append([]*Storage(nil), p.storages...), EmptyDirStorage)
}

func (p *infra) DefaultStorage() *Storage {
	if len(p.storages) == 0 || p.storages[0].choose == nil {
		return nil
	}
	return p.storages[0]
}

func (p *infra) Default(r *profile.Resolved) {
	if p.removedAtInstall {
		setManaged(r)
	}
	if s := p.DefaultStorage(); s != nil && len(Chosen(r)) == 0 {
		s.choose(r)
	}
	if p.prepare != nil {
		p.prepare(r)
	}
	for _, s := range p.accepted(r) {
		if s.defaults != nil {
			s.defaults(r, p)
		}
	}
}

func (p *infra) Objects(r *profile.Resolved) []*manifest.Object {
	var objs []*manifest.Object
	for _, s := range p.accepted(r) {
		if s.objects != nil {
			objs = append(objs, s.objects(r, p)...)
		}
	}
	if p.objects != nil {
		objs = append(objs, p.objects(r)...)
	}
	return objs
}

// accepted returns the storage the profile chose that the platform accepts;
// a rule reports the rest.
func (p *infra) accepted(r *profile.Resolved) []*Storage {
	var out []*Storage
	for _, s := range Chosen(r) {
		if Accepts(p, s) {
			out = append(out, s)
		}
	}
	return out
}

func (p *infra) VolumeClass(v operator.Version) string {
	if p.volumeClass == "" {
		return ""
	}
	return ClassOn(v, p.volumeClass)
}

// ClassOn returns class, or what release v has in its place when class
// ships only with later releases.
func ClassOn(v operator.Version, class string) string {
	if f, ok := operator.Facts["class."+class]; ok && !v.Accepts("class."+class) && f.Instead != "" {
		return f.Instead
	}
	return class
}

// insteadBefore says what releases before a fact (operator.Facts) have in
// its place, for the docs: "thin before 4.10".
func insteadBefore(key string) string {
	f := operator.Facts[key]
	return f.Instead + " before " + f.Since.String()
}

// all lists every platform. Adding a platform means adding a file and a
// line here.
var all = []Platform{
	awsUPI, gcpUPI, azureUPI, azureGov, rhospSwift, rhospCinder, baremetalODF, vsphereBlock, nutanix,
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

// All returns every platform, sorted by name.
func All() []Platform {
	out := append([]Platform(nil), all...)
	sort.Slice(out, func(i, j int) bool { return out[i].Name() < out[j].Name() })
	return out
}

// Accepts reports whether the platform accepts a storage.
func Accepts(p Platform, s *Storage) bool {
	for _, a := range p.Storages() {
		if a == s {
			return true
		}
	}
	return false
}

// Backends lists the storage backends (keys of registry.storage) the
// platform accepts, in its storage's order, each once.
func Backends(p Platform) []string {
	var out []string
	seen := map[string]bool{}
	for _, s := range p.Storages() {
		if !seen[s.Backend] {
			seen[s.Backend] = true
			out = append(out, s.Backend)
		}
	}
	return out
}

// AcceptedBy lists the platforms, sorted, that accept a storage.
func AcceptedBy(s *Storage) []string {
	var out []string
	for _, p := range All() {
		if Accepts(p, s) {
			out = append(out, p.Name())
		}
	}
	return out
}
