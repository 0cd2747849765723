package testkit

import (
	"os"
	"path/filepath"
	"sort"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/yaml"
	"sigs.k8s.io/kustomize/kyaml/yaml/merge2"
)

// The repository's example: one base profile and one overlay per platform,
// whose profile.yaml patches the base's platform section.
const (
	ExampleBase     = "bases/registryprofile.yaml" // relative to RepoRoot
	exampleOverlays = "overlays"
)

// ExampleBaseProfile is the example's base profile, as written.
func ExampleBaseProfile(t testing.TB) []byte {
	t.Helper()
	return read(t, filepath.Join(Root(t), ExampleBase))
}

// ExampleOverlays are the example's overlay names (its platforms), sorted.
func ExampleOverlays(t testing.TB) []string {
	t.Helper()
	patches, err := filepath.Glob(filepath.Join(Root(t), exampleOverlays, "*", "profile.yaml"))
	if err != nil || len(patches) == 0 {
		t.Fatalf("no overlays/*/profile.yaml in the repository (%v)", err)
	}
	names := make([]string, len(patches))
	for i, p := range patches {
		names[i] = filepath.Base(filepath.Dir(p))
	}
	sort.Strings(names)
	return names
}

// ExampleOverlayPatch is one overlay's profile.yaml, the patch it applies
// to the base.
func ExampleOverlayPatch(t testing.TB, overlay string) []byte {
	t.Helper()
	return read(t, filepath.Join(Root(t), exampleOverlays, overlay, "profile.yaml"))
}

// ExampleProfile is what the given overlays render from: the base with
// each overlay's patch merged in order, as kustomize merges them. With no
// overlay it is the base; with every one of ExampleOverlays it is one
// profile naming every overlay's platform.
func ExampleProfile(t testing.TB, overlays ...string) []byte {
	t.Helper()
	merged := string(ExampleBaseProfile(t))
	for _, o := range overlays {
		var err error
		merged, err = merge2.MergeStrings(string(ExampleOverlayPatch(t, o)), merged, false, yaml.MergeOptions{ListIncreaseDirection: yaml.MergeOptionsListAppend})
		if err != nil {
			t.Fatalf("merging overlays/%s/profile.yaml into the base: %v", o, err)
		}
	}
	return []byte(merged)
}

// ExamplePlainProfile is ExampleProfile as a plain profile file, as emit
// and regprofile render read one: without the base's annotations (its
// config.kubernetes.io/local-config, which only kustomize needs).
func ExamplePlainProfile(t testing.TB, overlays ...string) []byte {
	t.Helper()
	node, err := yaml.Parse(string(ExampleProfile(t, overlays...)))
	if err != nil {
		t.Fatal(err)
	}
	if err := node.PipeE(yaml.Lookup("metadata"), yaml.Clear("annotations")); err != nil {
		t.Fatal(err)
	}
	return []byte(node.MustString())
}

// ExampleFiles are the paths of the example's profile files, the base's
// and every overlay's, for seeding fuzz targets.
func ExampleFiles(t testing.TB) []string {
	t.Helper()
	root := Root(t)
	files := []string{filepath.Join(root, ExampleBase)}
	for _, o := range ExampleOverlays(t) {
		files = append(files, filepath.Join(root, exampleOverlays, o, "profile.yaml"))
	}
	return files
}

func read(t testing.TB, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// GoldenRenders is the directory, relative to RepoRoot, of the example's
// golden renders: overlays/<name> built with kustomize is <name>.yaml.
const GoldenRenders = "e2e/testdata/golden"

// GoldenRenderDir is GoldenRenders as an absolute path.
func GoldenRenderDir(t testing.TB) string {
	t.Helper()
	return filepath.Join(Root(t), GoldenRenders)
}
