package schema

import (
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"k8s.io/apimachinery/pkg/runtime/schema"
)

func forRelease(t testing.TB, release string) *Validator {
	t.Helper()
	v, err := ForRelease(release)
	if err != nil {
		t.Fatalf("ForRelease(%q): %v", release, err)
	}
	return v
}

// releaseFails asserts what a release's validator says about a stream.
func releaseFails(t *testing.T, release, stream string, want ...string) {
	t.Helper()
	errs := forRelease(t, release).ValidateYAML([]byte(stream))
	var got []string
	for _, err := range errs {
		got = append(got, err.Error())
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("OpenShift %s:\n got: %q\nwant: %q", release, got, want)
	}
}

var (
	configKind = schema.GroupVersionKind{Group: "imageregistry.operator.openshift.io", Version: "v1", Kind: "Config"}
	prunerKind = schema.GroupVersionKind{Group: "imageregistry.operator.openshift.io", Version: "v1", Kind: "ImagePruner"}
)

func TestReleasesArePinnedInOrder(t *testing.T) {
	rels := Releases()
	if len(rels) != len(ReleasePins) || len(rels) == 0 {
		t.Fatalf("Releases() = %v", rels)
	}
	prev := 0
	for _, r := range rels {
		major, minor, ok := strings.Cut(r, ".")
		n, err := strconv.Atoi(minor)
		if !ok || major != "4" || err != nil {
			t.Fatalf("release %q is not 4.N", r)
		}
		if n <= prev {
			t.Errorf("releases out of order or duplicated: %v", rels)
		}
		prev = n
	}
}

func TestEveryReleaseLoads(t *testing.T) {
	for _, r := range Releases() {
		v := forRelease(t, r)
		if v.Release() != r {
			t.Errorf("ForRelease(%q).Release() = %q", r, v.Release())
		}
		// Only the registry's kinds: everything else is Default's business.
		want := []schema.GroupVersionKind{configKind, prunerKind}
		if r == "4.3" {
			want = want[:1]
		}
		if got := v.Kinds(); !slices.Equal(got, want) {
			t.Errorf("OpenShift %s knows %v, want %v", r, got, want)
		}
	}
}

func TestForReleaseIsCachedAndSafeConcurrently(t *testing.T) {
	var wg sync.WaitGroup
	got := make([]*Validator, 8)
	for i := range got {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got[i], _ = ForRelease("4.5")
		}()
	}
	wg.Wait()
	for _, v := range got {
		if v == nil || v != got[0] {
			t.Fatalf("ForRelease returned different validators: %p", got)
		}
	}
}

func TestForReleaseUnknown(t *testing.T) {
	_, err := ForRelease("4.7")
	if err == nil || !strings.Contains(err.Error(), `no schema pinned for OpenShift release "4.7" (pinned: 4.3, `) {
		t.Errorf("want an error listing the pinned releases, got %v", err)
	}
}

// Old releases' CRDs are apiextensions.k8s.io/v1beta1. Their required
// fields are enforced, and unknown fields are detected even where the API
// server would have kept them (4.3 has no preserveUnknownFields: false).
func TestV1beta1ReleaseStrictness(t *testing.T) {
	const cfg43 = `
apiVersion: imageregistry.operator.openshift.io/v1
kind: Config
metadata: {name: cluster}
spec:
  logging: 2
  managementState: Managed
  replicas: 1
  storage: {emptyDir: {}}
`
	releaseFails(t, "4.3", cfg43)
	// logLevel and rolloutStrategy came later.
	releaseFails(t, "4.3", strings.Replace(cfg43, "replicas: 1", "replicas: 1\n  logLevel: Debug\n  rolloutStrategy: Recreate", 1),
		`Config/cluster: unknown field "spec.logLevel"`,
		`Config/cluster: unknown field "spec.rolloutStrategy"`)
	releaseFails(t, "4.3", strings.Replace(cfg43, "  logging: 2\n  managementState: Managed\n", "", 1),
		`Config/cluster: spec.logging: Required value`,
		`Config/cluster: spec.managementState: Required value`)
	// Types and patterns still apply.
	releaseFails(t, "4.3", strings.Replace(cfg43, "logging: 2", "logging: Debug", 1),
		`Config/cluster: spec.logging: Invalid value: "string": spec.logging in body must be of type integer: "string"`)
	releaseFails(t, "4.3", "apiVersion: imageregistry.operator.openshift.io/v1\nkind: ImagePruner\nmetadata: {name: cluster}\nspec: {}\n",
		`ImagePruner/cluster: no schema for imageregistry.operator.openshift.io/v1/ImagePruner in OpenShift 4.3's schemas`)

	// 4.5 accepts affinity but not 4.6's logLevel, and still needs logging.
	releaseFails(t, "4.5", strings.Replace(cfg43, "logging: 2", "affinity: {}\n  logLevel: Normal", 1),
		`Config/cluster: unknown field "spec.logLevel"`,
		`Config/cluster: spec.logging: Required value`)
	// 4.6 made logging optional.
	releaseFails(t, "4.6", strings.Replace(cfg43, "logging: 2", "logLevel: Normal", 1))
}

func TestHasAndRequiresField(t *testing.T) {
	v := forRelease(t, "4.18")
	for path, want := range map[string]bool{
		"":                                    true,
		"replicas":                            true,
		"storage.s3.trustedCA.name":           true,
		"topologySpreadConstraints.maxSkew":   true, // through the array's items
		"routes.name":                         true,
		"storage.azure.networkAccess.type":    true,
		"nodeSelector.kubernetes.io/os":       false, // a map key, not a field
		"storage.s3.noSuchField":              false,
		"replicas.noSuchField":                false,
		"storage.s3.trustedCA.name.something": false,
	} {
		if got := v.HasField("Config", path); got != want {
			t.Errorf("4.18 HasField(Config, %q) = %v, want %v", path, got, want)
		}
	}
	if !v.HasField("ImagePruner", "ignoreInvalidImageReferences") || v.HasField("ImagePruner", "keepYoungerThan.x") {
		t.Errorf("4.18 ImagePruner fields wrong")
	}
	if v.HasField("NoSuchKind", "") || forRelease(t, "4.3").HasField("ImagePruner", "") {
		t.Errorf("HasField on a kind without a schema must be false")
	}
	for _, c := range []struct {
		release, path string
		want          bool
	}{
		{"4.18", "replicas", true},
		{"4.18", "managementState", false},
		{"4.18", "logging", false},
		{"4.18", "storage.s3.cloudFront.baseURL", true},
		{"4.18", "noSuchField", false},
		{"4.3", "logging", true},
		{"4.3", "managementState", true},
		{"4.6", "logging", false},
	} {
		if got := forRelease(t, c.release).RequiresField("Config", c.path); got != c.want {
			t.Errorf("%s RequiresField(Config, %q) = %v, want %v", c.release, c.path, got, c.want)
		}
	}
}

// A v1beta1 CRD whose object schemas omit "type: object" is made
// structural, so unknown fields are detected; one that is still not
// structural fails loudly.
func TestV1beta1NonStructuralSchema(t *testing.T) {
	const crd = `apiVersion: apiextensions.k8s.io/v1beta1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
spec:
  group: example.com
  scope: Cluster
  version: v1
  names: {kind: Widget, listKind: WidgetList, plural: widgets, singular: widget}
  validation:
    openAPIV3Schema:
      properties:
        apiVersion: {type: string}
        kind: {type: string}
        metadata: {type: object}
        spec:
          required: [size]
          properties:
            size: {type: integer}
            inner:
              properties:
                name: {type: string}
`
	dir := t.TempDir()
	file := filepath.Join(dir, "crd.yaml")
	if err := os.WriteFile(file, []byte(crd), 0o644); err != nil {
		t.Fatal(err)
	}
	src := CRDSource{Module: "example.com/test", Path: "crd.yaml"}
	cvs, err := loadCRDFile(src, file)
	if err != nil {
		t.Fatal(err)
	}
	v := &Validator{crds: map[schema.GroupVersionKind]*crdVersion{}}
	for _, cv := range cvs {
		v.crds[cv.gvk] = cv
	}
	errs := v.ValidateYAML([]byte("apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\nspec:\n  inner: {name: a, nmae: b}\n  extra: 1\n"))
	var got []string
	for _, err := range errs {
		got = append(got, err.Error())
	}
	slices.Sort(got)
	want := []string{
		`Widget/w: spec.size: Required value`,
		`Widget/w: unknown field "spec.extra"`,
		`Widget/w: unknown field "spec.inner.nmae"`,
	}
	if !slices.Equal(got, want) {
		t.Errorf("got %q\nwant %q", got, want)
	}
	if !v.HasField("Widget", "inner.name") || !v.RequiresField("Widget", "size") {
		t.Errorf("HasField/RequiresField do not see the completed schema")
	}

	// A property without any type cannot be completed.
	bad := strings.Replace(crd, "size: {type: integer}", "size: {description: no type}", 1)
	if err := os.WriteFile(file, []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := loadCRDFile(src, file); err == nil || !strings.Contains(err.Error(), "schema is not structural even with types filled in") ||
		!strings.Contains(err.Error(), "openAPIV3Schema.properties[spec].properties[size].type: Required value") {
		t.Errorf("want a non-structural schema error, got %v", err)
	}
}

// Several versions of one module, with and without a version, resolve to
// their own directories in one go command run.
func TestModuleDirsSameModuleSeveralVersions(t *testing.T) {
	plain, err := moduleDirs([]string{OpenShiftAPIModule})
	if err != nil {
		t.Fatal(err)
	}
	a := OpenShiftAPIModule + "@" + ReleasePins[0].Version
	b := OpenShiftAPIModule + "@" + ReleasePins[len(ReleasePins)-1].Version
	dirs, err := moduleDirs([]string{b, OpenShiftAPIModule, a})
	if err != nil {
		t.Fatal(err)
	}
	if dirs[OpenShiftAPIModule] != plain[OpenShiftAPIModule] {
		t.Errorf("version-less query resolved to %s, want %s", dirs[OpenShiftAPIModule], plain[OpenShiftAPIModule])
	}
	for _, q := range []string{a, b} {
		_, version, _ := strings.Cut(q, "@")
		if !strings.HasSuffix(dirs[q], "@"+version) {
			t.Errorf("%s resolved to %s", q, dirs[q])
		}
	}
}
