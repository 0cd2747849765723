package emit

import (
	"errors"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"regprofile.dev/regprofile/internal/layout"
	"regprofile.dev/regprofile/internal/profile"
	"regprofile.dev/regprofile/internal/render"
)

const twoPlatforms = `apiVersion: regprofile.dev/v1alpha1
kind: RegistryProfile
metadata:
  name: registry
spec:
  pruner: {schedule: "0 1 * * *"}
  platforms:
    vsphere-block: {pvc: {size: 120Gi}}
    nutanix: {pvc: {size: 120Gi, storageClassName: nutanix-files, accessMode: ReadWriteMany}}
`

func buildTree(t *testing.T, doc string) layout.Tree {
	t.Helper()
	prof, fs := profile.DecodeBytes([]byte(doc))
	if fs.HasErrors() {
		t.Fatal(fs)
	}
	rs, fs := render.All(prof)
	if fs.HasErrors() {
		t.Fatal(fs)
	}
	tree, err := layout.Build(rs, "profile.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return tree
}

func TestBuildSplitsSharedFromPlatformObjects(t *testing.T) {
	tree := buildTree(t, twoPlatforms)
	var paths []string
	for p := range tree {
		paths = append(paths, p)
	}
	want := "bases/imagepruner_cluster.yaml bases/kustomization.yaml " +
		"overlays/nutanix/config_cluster.yaml overlays/nutanix/kustomization.yaml overlays/nutanix/openshift-image-registry/persistentvolumeclaim_image-registry-pvc.yaml " +
		"overlays/vsphere-block/config_cluster.yaml overlays/vsphere-block/kustomization.yaml overlays/vsphere-block/openshift-image-registry/persistentvolumeclaim_image-registry-pvc.yaml"
	if got := strings.Join(slices.Sorted(maps.Keys(tree)), " "); got != want {
		t.Errorf("files:\n%s\nwant\n%s", got, want)
	}
	if got, want := string(tree["overlays/nutanix/kustomization.yaml"]), `# What the nutanix platform renders beyond ../../bases.
# Written by "regprofile emit" from profile.yaml: do not edit; change the profile
# and run regprofile emit again.
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
- ../../bases
- openshift-image-registry/persistentvolumeclaim_image-registry-pvc.yaml
- config_cluster.yaml
`; got != want {
		t.Errorf("overlay kustomization:\n%s\nwant\n%s", got, want)
	}
	if got := string(tree["bases/kustomization.yaml"]); !strings.HasPrefix(got, "# What every platform (nutanix, vsphere-block) renders the same.\n") ||
		!strings.HasSuffix(got, "resources:\n- imagepruner_cluster.yaml\n") {
		t.Errorf("bases kustomization:\n%s", got)
	}
}

func TestRenderAllNamesThePlatformsOfAFinding(t *testing.T) {
	prof, _ := profile.DecodeBytes([]byte(twoPlatforms))
	_, fs := render.All(prof)
	var texts []string
	for _, f := range fs {
		texts = append(texts, string(f.Severity)+": "+f.Text())
	}
	// Both volumes are over 100Gi: nothing to say.
	if len(texts) != 0 {
		t.Errorf("findings: %q", texts)
	}
	small, _ := profile.DecodeBytes([]byte(strings.Replace(twoPlatforms, "vsphere-block: {pvc: {size: 120Gi}}", "vsphere-block: {pvc: {size: 50Gi}}", 1)))
	_, fs = render.All(small)
	if len(fs) != 1 || !strings.HasPrefix(fs[0].Path, "spec.platforms.vsphere-block.") {
		t.Errorf("findings: %v", fs)
	}
}

func write(t *testing.T, dir string, tree layout.Tree, opts Options) (Summary, error) {
	t.Helper()
	return Write(dir, tree, opts)
}

func read(t *testing.T, dir string) map[string]string {
	t.Helper()
	files := map[string]string{}
	_ = filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			data, _ := os.ReadFile(p)
			rel, _ := filepath.Rel(dir, p)
			files[rel] = string(data)
		}
		return err
	})
	return files
}

// A failure at the swap leaves the directory as it was, and nothing
// beside it.
func TestWriteFailingAtTheSwapChangesNothing(t *testing.T) {
	parent := t.TempDir()
	dir := filepath.Join(parent, "out")
	if _, err := write(t, dir, buildTree(t, twoPlatforms), Options{}); err != nil {
		t.Fatal(err)
	}
	before := read(t, dir)
	// A new size, and nutanix dropped: its files go, and vsphere-block's
	// move to bases/ (one platform shares everything with itself).
	changed := buildTree(t, strings.Replace(strings.ReplaceAll(twoPlatforms, "120Gi", "150Gi"), "    nutanix:", "    #nutanix:", 1))
	exchange = func(from, to string) error { return errors.New("disk full") }
	_, err := write(t, dir, changed, Options{})
	exchange = exchangeDirs
	if err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Fatalf("got %v", err)
	}
	if after := read(t, dir); !maps.Equal(after, before) {
		t.Fatalf("the tree changed")
	}
	if entries, _ := os.ReadDir(parent); len(entries) != 1 {
		t.Fatalf("left beside the output: %v", entries)
	}
	sum, err := write(t, dir, changed, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(sum.Removed) != 5 || sum.Removed[0] != "overlays/nutanix/config_cluster.yaml" {
		t.Errorf("removed %v", sum.Removed)
	}
	if _, err := os.Stat(filepath.Join(dir, "overlays", "nutanix")); !os.IsNotExist(err) {
		t.Errorf("overlays/nutanix is left: %v", err)
	}
}

// A marker edited to reach outside the directory is refused before any
// write, even with --force.
func TestWriteRefusesATamperedMarker(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	tree := buildTree(t, twoPlatforms)
	if _, err := write(t, dir, tree, Options{}); err != nil {
		t.Fatal(err)
	}
	marker := filepath.Join(dir, MarkerFile)
	data, _ := os.ReadFile(marker)
	tampered := string(data) + strings.Repeat("0", 64) + "  ../victim.yaml\n"
	if err := os.WriteFile(marker, []byte(tampered), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := write(t, dir, tree, Options{Force: true})
	want := dir + "/.regprofile-emit: line 9 is not \"<sha256>  <path>\" with a clean relative path; fix: restore the file from version control, or delete it and pass --force"
	if err == nil || err.Error() != want {
		t.Errorf("got %v\nwant %s", err, want)
	}
}

func TestWriteRefusesAFileWhereADirectoryGoes(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "overlays"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := write(t, dir, buildTree(t, twoPlatforms), Options{Force: true})
	if err == nil || !strings.HasSuffix(err.Error(), "out/overlays: overlays is a file where emit needs a directory; fix: move it away, or choose another --out") {
		t.Errorf("got %v", err)
	}
	if got := read(t, dir); len(got) != 1 {
		t.Errorf("written: %v", got)
	}
}
