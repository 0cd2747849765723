package schema

import (
	"fmt"
	"slices"
	"strings"
	"sync"

	structuralschema "k8s.io/apiextensions-apiserver/pkg/apiserver/schema"
)

// Per-release schemas. The Validator from New and Default knows one
// snapshot of the image registry's CRDs: the one go.mod selects. A profile
// may target any OpenShift release from 4.2 on, and older releases' CRDs
// lack fields (and require others), so the registry's Config and ImagePruner
// are also validated against the CRDs of the release they target.
//
// Each schema era is pinned to an openshift/api commit made during that
// release's development, fetched into the module cache only (not a
// requirement in go.mod). Releases between two pins share the older pin's
// field set as far as regprofile is concerned (internal/operator/releases.go
// records every change, and e2e/releases_test.go checks each pin against
// that table).

// ReleasePin is the openshift/api snapshot whose image registry CRDs are
// one OpenShift release's.
type ReleasePin struct {
	// Release is the OpenShift release, "4.N".
	Release string
	// Version is the github.com/openshift/api module version.
	Version string
	// Files are the CRD manifests of the Config and, from 4.4 on, the
	// ImagePruner, relative to the module root.
	Files []string
}

// ReleasePins lists the pinned releases, oldest first. The files are the
// ungated (Default feature set, or merged) manifests of each era's layout.
var ReleasePins = []ReleasePin{
	// 4.2's API lived in the operator's repository; 4.3's, the first in
	// openshift/api, has the same Config fields and still no ImagePruner.
	// apiextensions.k8s.io/v1beta1, non-structural, no
	// preserveUnknownFields: false.
	{Release: "4.3", Version: "v0.0.0-20191219222812-2987a591a72c", Files: []string{
		"imageregistry/v1/00-crd.yaml",
	}},
	// 4.4 to 4.6: v1beta1, with preserveUnknownFields: false.
	{Release: "4.4", Version: "v0.0.0-20200205133042-34f0ec8dab87", Files: []string{
		"imageregistry/v1/00-crd.yaml",
		"imageregistry/v1/01-crd.yaml",
	}},
	{Release: "4.5", Version: "v0.0.0-20200526144822-34f54f12813a", Files: []string{
		"imageregistry/v1/00-crd.yaml",
		"imageregistry/v1/01-crd.yaml",
	}},
	{Release: "4.6", Version: "v0.0.0-20201019163320-c6a5ec25f267", Files: []string{
		"imageregistry/v1/00-crd.yaml",
		"imageregistry/v1/01-crd.yaml",
	}},
	// 4.10 on: apiextensions.k8s.io/v1. The 00_imageregistry.crd.yaml-patch
	// beside these files is a schema patch, not a CRD.
	//
	// This snapshot was first labelled 4.12 from its date (2022-10-13), but
	// it is a commit on the release-4.10 branch: its go.mod requires
	// k8s.io/api v0.23.0 (Kubernetes 1.23 is OpenShift 4.10; 4.12 is 1.25),
	// its Config has 4.10's oss storage but neither of 4.11's
	// topologySpreadConstraints and storage.s3.trustedCA, and it still has
	// the explicit managementState that 4.12 removed, so its CRD requires
	// it. Its schema is 4.10's.
	{Release: "4.10", Version: "v0.0.0-20221013123533-341d389bd4a7", Files: []string{
		"imageregistry/v1/00_imageregistry.crd.yaml",
		"imageregistry/v1/01_imagepruner.crd.yaml",
	}},
	// A commit on the release-4.14 branch.
	{Release: "4.14", Version: "v0.0.0-20240304080513-3e8192a10b13", Files: []string{
		"imageregistry/v1/00_imageregistry.crd.yaml",
		"imageregistry/v1/01_imagepruner.crd.yaml",
	}},
	{Release: "4.16", Version: "v0.0.0-20240423014330-2cb60a113ad1", Files: []string{
		"imageregistry/v1/zz_generated.crd-manifests/00_configs.crd.yaml",
		"imageregistry/v1/zz_generated.crd-manifests/01_imagepruners.crd.yaml",
	}},
	// The version go.mod selects today, pinned explicitly all the same: a
	// go.mod bump must not silently relabel a snapshot.
	{Release: "4.18", Version: "v0.0.0-20241114175301-1d987ad446cf", Files: []string{
		"imageregistry/v1/zz_generated.crd-manifests/00_configs.crd.yaml",
		"imageregistry/v1/zz_generated.crd-manifests/01_imagepruners.crd.yaml",
	}},
	// The version the operator's own go.mod pins on release-4.22.
	{Release: "4.22", Version: "v0.0.0-20260317165824-54a3998d81eb", Files: []string{
		"imageregistry/v1/zz_generated.crd-manifests/00_configs.crd.yaml",
		"imageregistry/v1/zz_generated.crd-manifests/01_imagepruners.crd.yaml",
	}},
}

// Releases lists the pinned releases, oldest first.
func Releases() []string {
	out := make([]string, len(ReleasePins))
	for i, p := range ReleasePins {
		out[i] = p.Release
	}
	return out
}

// Sources are the pin's CRD manifests as CRDSources.
func (p ReleasePin) Sources() []CRDSource {
	out := make([]CRDSource, len(p.Files))
	for i, f := range p.Files {
		out[i] = CRDSource{Module: OpenShiftAPIModule, Version: p.Version, Path: f}
	}
	return out
}

type releaseEntry struct {
	once sync.Once
	v    *Validator
	err  error
}

var (
	releaseMu    sync.Mutex
	releaseCache = map[string]*releaseEntry{}
)

// ForRelease returns the Validator of one pinned release (see Releases): it
// knows that release's imageregistry.operator.openshift.io Config and, from
// 4.4 on, ImagePruner, and nothing else: every other kind, and the
// ImagePruner before 4.4, is a "no schema" error. Validate other kinds with
// Default. Validators are built once per release per process; like
// Default, the current directory must be inside the regprofile module the
// first time.
func ForRelease(release string) (*Validator, error) {
	i := slices.IndexFunc(ReleasePins, func(p ReleasePin) bool { return p.Release == release })
	if i < 0 {
		return nil, fmt.Errorf("no schema pinned for OpenShift release %q (pinned: %s)", release, strings.Join(Releases(), ", "))
	}
	releaseMu.Lock()
	e, ok := releaseCache[release]
	if !ok {
		e = &releaseEntry{}
		releaseCache[release] = e
	}
	releaseMu.Unlock()
	e.once.Do(func() {
		e.v, e.err = newFromSources(ReleasePins[i].Sources(), nil)
		if e.err != nil {
			e.err = fmt.Errorf("OpenShift %s: %w", release, e.err)
			return
		}
		e.v.release = release
	})
	return e.v, e.err
}

// Release is the OpenShift release of a ForRelease Validator, "" for
// others.
func (v *Validator) Release() string { return v.release }

// HasField reports whether the schema of kind (e.g. "Config",
// "ImagePruner") declares the field spec.<specPath>, a dotted path such as
// "storage.s3.virtualHostedStyle"; "" asks for spec itself. The path goes
// through objects' declared properties; at an array it steps into the
// items, so "topologySpreadConstraints.maxSkew" names a field of each
// constraint. Map keys (additionalProperties) are not fields. False when the
// Validator has no schema, or more than one, for kind.
func (v *Validator) HasField(kind, specPath string) bool {
	_, s := v.field(kind, specPath)
	return s != nil
}

// RequiresField reports whether the schema of kind lists the field at
// spec.<specPath> (as in HasField) as required in its parent object. False
// when the field does not exist.
func (v *Validator) RequiresField(kind, specPath string) bool {
	parent, s := v.field(kind, specPath)
	if s == nil || parent == nil || parent.ValueValidation == nil {
		return false
	}
	name := specPath[strings.LastIndex(specPath, ".")+1:]
	if specPath == "" {
		name = "spec"
	}
	return slices.Contains(parent.ValueValidation.Required, name)
}

// field returns the structural schema of spec.<specPath> in kind's schema,
// and that of the object declaring it; nil if there is none.
func (v *Validator) field(kind, specPath string) (parent, node *structuralschema.Structural) {
	var cv *crdVersion
	for gvk, c := range v.crds {
		if gvk.Kind == kind {
			if cv != nil {
				return nil, nil // ambiguous
			}
			cv = c
		}
	}
	if cv == nil {
		return nil, nil
	}
	path := []string{"spec"}
	if specPath != "" {
		path = append(path, strings.Split(specPath, ".")...)
	}
	node = cv.structural
	for _, name := range path {
		for node.Type == "array" && node.Items != nil {
			node = node.Items
		}
		child, ok := node.Properties[name]
		if !ok {
			return nil, nil
		}
		parent, node = node, &child
	}
	return parent, node
}

// SpecFields lists the dotted paths of every field under spec in the schema
// of kind (as HasField names them: through objects' declared properties,
// stepping into array items), sorted; nil when the Validator has no schema,
// or more than one, for kind.
func (v *Validator) SpecFields(kind string) []string {
	_, spec := v.field(kind, "")
	if spec == nil {
		return nil
	}
	var out []string
	var walk func(node *structuralschema.Structural, prefix string)
	walk = func(node *structuralschema.Structural, prefix string) {
		for node.Type == "array" && node.Items != nil {
			node = node.Items
		}
		for name, child := range node.Properties {
			out = append(out, prefix+name)
			walk(&child, prefix+name+".")
		}
	}
	walk(spec, "")
	slices.Sort(out)
	return out
}
