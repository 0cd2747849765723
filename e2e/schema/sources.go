package schema

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
)

// The CRD schemas are not copied into this repository: a hand-copied schema
// silently drifts from what the cluster really serves. Instead they are read
// from the upstream Go modules, at the versions pinned here, out of the Go
// module cache. The module proxy is the only network access this needs.
//
// Every pinned version lives in this block so that bumping a dependency is a
// one-line change reviewed in one place.
const (
	// OpenShiftAPIModule ships the CRDs of the image registry operator and of
	// config.openshift.io. Its version is NOT pinned here: it is whatever the
	// main module's go.mod selects, so the schemas always match the Go types
	// the rest of the repository compiles against.
	OpenShiftAPIModule = "github.com/openshift/api"

	// ExternalSecretsModule ships the External Secrets Operator CRDs.
	// v1.3.2 serves external-secrets.io/v1 (v1beta1 is present but no longer
	// served). It is fetched into the module cache only; it is deliberately
	// not a requirement in go.mod, since nothing imports its Go code.
	ExternalSecretsModule  = "github.com/external-secrets/external-secrets"
	ExternalSecretsVersion = "v1.3.2"

	// NooBaaOperatorModule ships the ObjectBucketClaim CRD
	// (objectbucket.io/v1alpha1) as an apiextensions.k8s.io/v1, structural
	// schema. This is the OBC CRD that OpenShift Data Foundation installs.
	// The API's origin, github.com/kube-object-storage/lib-bucket-provisioner,
	// is smaller but its tagged module versions only carry an
	// apiextensions/v1beta1, non-structural CRD (no root "type: object"),
	// with which unknown fields cannot be detected the way the API server
	// detects them. Fetched into the module cache only, not in go.mod.
	NooBaaOperatorModule  = "github.com/noobaa/noobaa-operator/v5"
	NooBaaOperatorVersion = "v5.15.4"

	// CertManagerModule ships cert-manager's CRDs, among them
	// cert-manager.io/v1 Certificate, which a route's secretSource renders.
	// Release tag v1.21.2, its controller-gen output under deploy/crds
	// (the Helm chart's templates/crd-cert-manager.io_certificates.yaml
	// wraps the same schema in templating; older releases named the file
	// deploy/crds/crd-certificates.yaml). Fetched into the module cache
	// only, not in go.mod.
	CertManagerModule  = "github.com/cert-manager/cert-manager"
	CertManagerVersion = "v1.21.2"
)

// CRDSource names one CRD manifest file inside a Go module.
type CRDSource struct {
	// Module is the Go module path.
	Module string
	// Version is the pinned module version; empty means "the version the
	// main module's go.mod selects".
	Version string
	// Path is the slash-separated path of the manifest inside the module.
	Path string
}

// CRDSources lists every CRD manifest the Validator loads. A file may hold
// several YAML documents; every CustomResourceDefinition in it is loaded.
var CRDSources = []CRDSource{
	{Module: OpenShiftAPIModule, Path: "imageregistry/v1/zz_generated.crd-manifests/00_configs.crd.yaml"},
	{Module: OpenShiftAPIModule, Path: "imageregistry/v1/zz_generated.crd-manifests/01_imagepruners.crd.yaml"},
	// images.config.openshift.io is generated once per feature set; Default
	// is what a supported (non-TechPreview) cluster serves.
	{Module: OpenShiftAPIModule, Path: "config/v1/zz_generated.crd-manifests/0000_10_config-operator_01_images-Default.crd.yaml"},

	{Module: ExternalSecretsModule, Version: ExternalSecretsVersion, Path: "config/crds/bases/external-secrets.io_externalsecrets.yaml"},
	{Module: ExternalSecretsModule, Version: ExternalSecretsVersion, Path: "config/crds/bases/external-secrets.io_secretstores.yaml"},

	{Module: NooBaaOperatorModule, Version: NooBaaOperatorVersion, Path: "deploy/obc/objectbucket.io_objectbucketclaims_crd.yaml"},

	{Module: CertManagerModule, Version: CertManagerVersion, Path: "deploy/crds/cert-manager.io_certificates.yaml"},
}

// query is the argument `go mod download` understands for this source.
func (s CRDSource) query() string {
	if s.Version == "" {
		return s.Module
	}
	return s.Module + "@" + s.Version
}

// String names the source for error messages, e.g.
// "github.com/external-secrets/external-secrets@v1.3.2/config/crds/...".
func (s CRDSource) String() string {
	return s.query() + "/" + s.Path
}

// moduleDirs returns the module-cache directory of each query ("path" or
// "path@version"), downloading modules that are not cached yet.
//
// It shells out to `go mod download -json` rather than computing cache paths
// itself because the go command is the authority on GOMODCACHE, GOPROXY,
// GOFLAGS, path escaping and checksum verification, and because a query
// without a version is resolved against the main module's go.mod. For
// modules that are not requirements of the main module, `go mod download
// mod@version` fetches them without editing go.mod or go.sum. All queries go
// in one invocation: with a warm cache it takes a few milliseconds.
//
// The go command runs in the current directory, which must be inside the
// regprofile module (true for `go test` of any package in it).
func moduleDirs(queries []string) (map[string]string, error) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		return nil, fmt.Errorf("locating the go command (needed to find CRD modules in the module cache): %w", err)
	}
	args := append([]string{"mod", "download", "-json"}, queries...)
	cmd := exec.Command(goBin, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	runErr := cmd.Run()

	// `go mod download -json` prints one JSON object per module, and still
	// prints them (with an Error field) when it exits non-zero, so decode
	// first: the per-module error is more precise than the exit status.
	type module struct {
		Path, Version, Dir, Error string
	}
	// One object per query, in no documented order. Several queries may
	// name the same module at different versions (ForRelease pins several
	// openshift/api snapshots), so results are matched by path@version.
	var results []module
	dec := json.NewDecoder(&stdout)
	for {
		var m module
		if err := dec.Decode(&m); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			return nil, fmt.Errorf("go %s: decoding output: %w (stderr: %s)", strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
		}
		results = append(results, m)
	}
	// take removes and returns the first result for path (at version, if
	// not empty).
	take := func(path, version string) (module, bool) {
		for i, m := range results {
			if m.Path == path && (version == "" || m.Version == version) {
				results = append(results[:i], results[i+1:]...)
				return m, true
			}
		}
		return module{}, false
	}

	dirs := make(map[string]string, len(queries))
	var errs []error
	// Versioned queries first: what is left for a module afterwards is the
	// answer to its version-less query (resolved against go.mod), even
	// when go.mod selects one of the queried versions.
	ordered := slices.Clone(queries)
	slices.SortStableFunc(ordered, func(a, b string) int {
		return cmp.Compare(boolInt(!strings.Contains(a, "@")), boolInt(!strings.Contains(b, "@")))
	})
	for _, q := range ordered {
		path, version, _ := strings.Cut(q, "@")
		m, ok := take(path, version)
		switch {
		case !ok:
			errs = append(errs, fmt.Errorf("go mod download %s: no result (exit: %v, stderr: %s)", q, runErr, strings.TrimSpace(stderr.String())))
		case m.Error != "":
			errs = append(errs, fmt.Errorf("go mod download %s: %s", q, m.Error))
		case m.Dir == "":
			errs = append(errs, fmt.Errorf("go mod download %s: no directory reported", q))
		default:
			dirs[q] = m.Dir
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return dirs, nil
}

// resolveSources maps each source to the absolute path of its file.
func resolveSources(sources []CRDSource) ([]string, error) {
	seen := map[string]bool{}
	var queries []string
	for _, s := range sources {
		if q := s.query(); !seen[q] {
			seen[q] = true
			queries = append(queries, q)
		}
	}
	dirs, err := moduleDirs(queries)
	if err != nil {
		return nil, err
	}
	files := make([]string, len(sources))
	for i, s := range sources {
		files[i] = filepath.Join(dirs[s.query()], filepath.FromSlash(s.Path))
	}
	return files, nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// CRDFiles are the absolute paths of the CRD manifests in CRDSources, in
// its order (the API server oracle in e2e/apiserver installs them).
func CRDFiles() ([]string, error) {
	return resolveSources(CRDSources)
}
