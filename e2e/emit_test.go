package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"regprofile.dev/regprofile/e2e/diffcases"
	"regprofile.dev/regprofile/internal/testkit"
)

// combinedProfile is the example as one profile, with spec.platform set
// to platform.
func combinedProfile(t *testing.T, platform string) string {
	t.Helper()
	return diffcases.CombinedProfile(t, diffEnv(), platform)
}

// emit runs "regprofile emit" in dir and returns its exit status and output.
func emit(t *testing.T, dir string, args ...string) (int, string, string) {
	t.Helper()
	stdout, stderr, err := run(t, dir, filepath.Join(binDir, "regprofile"), append([]string{"emit"}, args...)...)
	return exitCode(t, err), stdout, stderr
}

func mustEmit(t *testing.T, dir string, args ...string) {
	t.Helper()
	if code, stdout, stderr := emit(t, dir, args...); code != 0 {
		t.Fatalf("emit %v: exit %d\n%s%s", args, code, stdout, stderr)
	}
}

// plainBuild runs kustomize build without plugins, as a team that commits
// the emitted tree does.
func plainBuild(t *testing.T, dir string) string {
	t.Helper()
	out, stderr, err := run(t, repoRoot, kustomize, "build", dir)
	if err != nil {
		t.Fatalf("kustomize build %s: %v\n%s", dir, err, stderr)
	}
	if strings.TrimSpace(out) == "" {
		t.Fatalf("kustomize build %s: empty output", dir)
	}
	return out
}

// tree reads every file under dir, by slash-separated relative path.
func tree(t *testing.T, dir string) map[string]string {
	t.Helper()
	files := map[string]string{}
	for p, content := range snapshot(t, dir) {
		files[strings.TrimPrefix(filepath.ToSlash(p), "/")] = content
	}
	return files
}

func sameTree(t *testing.T, what string, want, got map[string]string) {
	t.Helper()
	for p := range want {
		if _, ok := got[p]; !ok {
			t.Errorf("%s: %s is missing", what, p)
		} else if got[p] != want[p] {
			t.Errorf("%s: %s differs:\n%s", what, p, testkit.LineDiff(want[p], got[p]))
		}
	}
	for p := range got {
		if _, ok := want[p]; !ok {
			t.Errorf("%s: %s is new", what, p)
		}
	}
}

// TestEmitEveryExampleBuildsToTheFunctionsBytes is the emit invariant on
// the example: the whole example as one profile, and each overlay's own
// profile, emitted and built with plain kustomize, give for every platform
// exactly the bytes the function gives through kustomize.
func TestEmitEveryExampleBuildsToTheFunctionsBytes(t *testing.T) {
	want := map[string]string{}
	for _, p := range platforms {
		want[p] = build(t, filepath.Join("overlays", p))
	}
	t.Run("all-platforms", func(t *testing.T) {
		t.Parallel()
		dir := t.TempDir()
		writeFile(t, filepath.Join(dir, "profile.yaml"), combinedProfile(t, "aws-upi"))
		mustEmit(t, dir, "--out", "out", "profile.yaml")
		for _, p := range platforms {
			if got := plainBuild(t, filepath.Join(dir, "out", "overlays", p)); got != want[p] {
				t.Errorf("%s: the emitted overlay differs from the function's output:\n%s", p, testkit.LineDiff(want[p], got))
			}
		}
		// What differs per platform is in the overlays; the rest is shared.
		files := tree(t, filepath.Join(dir, "out"))
		for _, f := range []string{"bases/imagepruner_cluster.yaml", "bases/openshift-config/configmap_registry-cas.yaml",
			"overlays/aws-upi/config_cluster.yaml", "overlays/rhosp-cinder/storageclass_image-registry-cinder.yaml"} {
			if _, ok := files[f]; !ok {
				t.Errorf("%s is not in the emitted tree", f)
			}
		}
		if _, ok := files["bases/config_cluster.yaml"]; ok {
			t.Error("the Config differs per platform, yet it is in bases/")
		}
	})
	for _, p := range platforms {
		t.Run(p, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			writeFile(t, filepath.Join(dir, "profile.yaml"), mergedProfile(t, p))
			mustEmit(t, dir, "--out", "out", "profile.yaml")
			if got := plainBuild(t, filepath.Join(dir, "out", "overlays", p)); got != want[p] {
				t.Errorf("the emitted overlay differs from the function's output:\n%s", testkit.LineDiff(want[p], got))
			}
		})
	}
}

// generatedProfiles are profiles beyond the example: platforms that share
// their Config, nothing shared at all, sync safety off, routes and extras.
// PLATFORM stands for spec.platform.
var generatedProfiles = map[string]string{
	"shared-config": `apiVersion: regprofile.dev/v1alpha1
kind: RegistryProfile
metadata:
  name: lab
spec:
  platform: PLATFORM
  platforms:
    vsphere-block: {pvc: {size: 120Gi}}
    nutanix: {pvc: {size: 120Gi}}
`,
	"nothing-shared": `apiVersion: regprofile.dev/v1alpha1
kind: RegistryProfile
metadata:
  name: registry
spec:
  platform: PLATFORM
  platforms:
    aws-upi:
      registry:
        storage: {s3: {bucket: bkt-a, region: eu-west-1}}
      credentials: {existingSecret: true}
    gcp-upi:
      registry:
        storage: {gcs: {bucket: bkt-b}}
      credentials: {existingSecret: true}
`,
	"no-sync-safety": `apiVersion: regprofile.dev/v1alpha1
kind: RegistryProfile
metadata:
  name: registry
spec:
  platform: PLATFORM
  argocd: {syncSafety: false}
  registry:
    replicas: 1
    routes:
    - name: public
      hostname: registry.apps.example.com
  access:
    viewers: [{kind: Group, name: everyone}]
  platforms:
    rhosp-cinder: {cinder: {availabilityZone: az1}}
    baremetal-odf-rgw: {}
    azure-gov:
      registry:
        storage: {azure: {accountName: acct, container: registry}}
      credentials: {existingSecret: true}
`,
}

// TestEmitGeneratedProfilesBuildToTheFunctionsBytes checks the invariant on
// the generated profiles: each platform's emitted overlay, built with plain
// kustomize, against the function run by kustomize on the profile with
// that platform selected.
func TestEmitGeneratedProfilesBuildToTheFunctionsBytes(t *testing.T) {
	platformsOf := regexp.MustCompile(`(?m)^    ([a-z0-9-]+):`)
	for name, tmpl := range generatedProfiles {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			var names []string
			for _, m := range platformsOf.FindAllStringSubmatch(tmpl[strings.Index(tmpl, "  platforms:"):], -1) {
				names = append(names, m[1])
			}
			writeFile(t, filepath.Join(dir, "profile.yaml"), strings.Replace(tmpl, "PLATFORM", names[0], 1))
			mustEmit(t, dir, "--out", "out", "profile.yaml")
			for _, p := range names {
				fn := filepath.Join(dir, "fn-"+p)
				if err := os.Mkdir(fn, 0o755); err != nil {
					t.Fatal(err)
				}
				writeFile(t, filepath.Join(fn, "profile.yaml"), strings.Replace(tmpl, "PLATFORM", p, 1))
				copyFile(t, filepath.Join(repoRoot, "transformers", "regprofile.yaml"), filepath.Join(fn, "fn.yaml"))
				writeFile(t, filepath.Join(fn, "kustomization.yaml"), "resources: [profile.yaml]\ntransformers: [fn.yaml]\n")
				want := build(t, fn)
				if got := plainBuild(t, filepath.Join(dir, "out", "overlays", p)); got != want {
					t.Errorf("%s: the emitted overlay differs from the function's output:\n%s", p, testkit.LineDiff(want, got))
				}
			}
		})
	}
}

// TestEmitThroughKptWritesTheSameFiles runs the function with kpt on a
// package holding the whole example as one profile: the files kpt writes
// for each platform are the ones emit writes, byte for byte.
func TestEmitThroughKptWritesTheSameFiles(t *testing.T) {
	testkit.Tool(t, "kpt")
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "profile.yaml"), combinedProfile(t, "aws-upi"))
	mustEmit(t, dir, "--out", "out", "profile.yaml")
	emitted := tree(t, filepath.Join(dir, "out"))
	for _, p := range platforms {
		t.Run(p, func(t *testing.T) {
			t.Parallel()
			pkg := t.TempDir()
			writeFile(t, filepath.Join(pkg, "profile.yaml"), combinedProfile(t, p))
			if _, stderr, err := run(t, pkg, "kpt", "fn", "eval", ".", "--exec", "regprofile"); err != nil {
				t.Fatalf("kpt fn eval: %v\n%s", err, stderr)
			}
			got := tree(t, pkg)
			delete(got, "profile.yaml")
			want := map[string]string{}
			for f, content := range emitted {
				if (strings.HasPrefix(f, "bases/") || strings.HasPrefix(f, "overlays/"+p+"/")) && !strings.HasSuffix(f, "/kustomization.yaml") {
					want[f] = content
				}
			}
			sameTree(t, "kpt's files against emit's", want, got)
		})
	}
}

func TestEmitIsDeterministicAndIdempotent(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "profile.yaml"), combinedProfile(t, "aws-upi"))
	mustEmit(t, dir, "--out", "a", "profile.yaml")
	mustEmit(t, dir, "--out", "b", "profile.yaml")
	sameTree(t, "two emits", tree(t, filepath.Join(dir, "a")), tree(t, filepath.Join(dir, "b")))

	before := tree(t, filepath.Join(dir, "a"))
	code, stdout, stderr := emit(t, dir, "--out", "a", "profile.yaml")
	if code != 0 || stdout != "regprofile emit: a: platforms aws-ipi, aws-upi, azure-gov, azure-ipi, azure-upi, baremetal-odf-rgw, gcp-ipi, gcp-upi, nutanix, rhosp-cinder, rhosp-ipi, rhosp-swift, vsphere-block; 0 files written, 65 unchanged, 0 removed\n" {
		t.Errorf("re-run: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	sameTree(t, "a re-run", before, tree(t, filepath.Join(dir, "a")))

	// The marker is sha256sum's format and lists every file but itself.
	marker := before[".regprofile-emit"]
	lines := strings.Split(strings.TrimSuffix(marker, "\n"), "\n")
	if len(lines) != len(before)-1 {
		t.Errorf("the marker lists %d files, the tree holds %d besides it", len(lines), len(before)-1)
	}
	if !regexp.MustCompile(`^[0-9a-f]{64}  bases/ci/rolebinding_registry-editors\.yaml$`).MatchString(lines[0]) {
		t.Errorf("marker line %q", lines[0])
	}
}

// entries lists a directory's names, to catch staging directories left
// behind next to the output.
func entries(t *testing.T, dir string) string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	sort.Strings(names)
	return strings.Join(names, " ")
}

// refused runs emit on dir's profile.yaml into dir/out: it must refuse
// with exactly want on stderr and change nothing.
func refused(t *testing.T, dir, want string) {
	t.Helper()
	before := tree(t, dir)
	code, stdout, stderr := emit(t, dir, "--out", "out", "profile.yaml")
	if code != 1 || stdout != "" || stderr != want {
		t.Errorf("exit %d\nstdout %q\nstderr %q\nwant   %q", code, stdout, stderr, want)
	}
	sameTree(t, "after a refusal", before, tree(t, dir))
}

func TestEmitNeverClobbers(t *testing.T) {
	setup := func(t *testing.T) string {
		dir := t.TempDir()
		writeFile(t, filepath.Join(dir, "profile.yaml"), combinedProfile(t, "aws-upi"))
		return dir
	}
	emitted := func(t *testing.T) string {
		dir := setup(t)
		mustEmit(t, dir, "--out", "out", "profile.yaml")
		return dir
	}
	notOwned := func(files ...string) string {
		return "regprofile: error: out: refusing to overwrite or remove files regprofile emit does not own\n  " +
			strings.Join(files, "\n  ") + "\nfix: choose another --out, move those files away, or pass --force to overwrite them\n"
	}
	t.Run("a directory emit did not write", func(t *testing.T) {
		t.Parallel()
		dir := setup(t)
		if err := os.Mkdir(filepath.Join(dir, "out"), 0o755); err != nil {
			t.Fatal(err)
		}
		writeFile(t, filepath.Join(dir, "out", "README.md"), "ours\n")
		refused(t, dir, "regprofile: error: out is not empty and was not written by regprofile emit (no .regprofile-emit)\n"+
			"  README.md: not written by regprofile emit\n"+
			"fix: choose another --out, move those files away, or pass --force to overwrite them\n")
		mustEmit(t, dir, "--out", "out", "--force", "profile.yaml")
		if got := tree(t, filepath.Join(dir, "out"))["README.md"]; got != "ours\n" {
			t.Errorf("--force touched a file emit does not write: %q", got)
		}
	})
	t.Run("a file edited since", func(t *testing.T) {
		t.Parallel()
		dir := emitted(t)
		edited := filepath.Join(dir, "out", "overlays", "aws-upi", "config_cluster.yaml")
		writeFile(t, edited, "edited by hand\n")
		refused(t, dir, notOwned("overlays/aws-upi/config_cluster.yaml: changed since regprofile emit wrote it; emit would overwrite it"))
		mustEmit(t, dir, "--out", "out", "--force", "profile.yaml")
		if got := tree(t, dir)["out/overlays/aws-upi/config_cluster.yaml"]; !strings.Contains(got, "kind: Config") {
			t.Errorf("--force did not restore the file: %q", got)
		}
	})
	t.Run("a file emit would create", func(t *testing.T) {
		t.Parallel()
		dir := emitted(t)
		writeFile(t, filepath.Join(dir, "profile.yaml"), strings.Replace(combinedProfile(t, "aws-upi"), "storageClassName: thin-csi\n", "storageClassName: thin-csi\n        name: registry-data\n", 1))
		ours := filepath.Join(dir, "out", "overlays", "vsphere-block", "openshift-image-registry", "persistentvolumeclaim_registry-data.yaml")
		writeFile(t, ours, "ours\n")
		refused(t, dir, notOwned("overlays/vsphere-block/openshift-image-registry/persistentvolumeclaim_registry-data.yaml: not written by regprofile emit; emit would overwrite it"))
	})
	t.Run("a removed platform keeps files emit did not write", func(t *testing.T) {
		t.Parallel()
		dir := emitted(t)
		extra := filepath.Join(dir, "out", "overlays", "gcp-upi", "extra.yaml")
		writeFile(t, extra, "ours\n")
		writeFile(t, filepath.Join(dir, "gcp-less.yaml"), mergedProfile(t, "aws-upi"))
		code, stdout, stderr := emit(t, dir, "--out", "out", "gcp-less.yaml")
		if code != 0 || !strings.HasSuffix(stdout, ", 56 removed\n") {
			t.Fatalf("exit %d\n%s%s", code, stdout, stderr)
		}
		got := tree(t, filepath.Join(dir, "out"))
		if got["overlays/gcp-upi/extra.yaml"] != "ours\n" {
			t.Error("emit removed a file it did not write")
		}
		for f := range got {
			if strings.HasPrefix(f, "overlays/") && !strings.HasPrefix(f, "overlays/aws-upi/") && f != "overlays/gcp-upi/extra.yaml" {
				t.Errorf("%s was left behind", f)
			}
		}
		if _, err := os.Stat(filepath.Join(dir, "out", "overlays", "nutanix")); !os.IsNotExist(err) {
			t.Errorf("the emptied overlays/nutanix was left behind: %v", err)
		}
		if want := "gcp-less.yaml out profile.yaml"; entries(t, dir) != want {
			t.Errorf("next to the output: %s, want %s", entries(t, dir), want)
		}
	})
}

func TestEmitWritesNothingOnError(t *testing.T) {
	broken := `apiVersion: regprofile.dev/v1alpha1
kind: RegistryProfile
metadata: {name: registry}
spec:
  platforms:
    vsphere-block:
      registry: {replicas: 2}
    nutanix: {}
`
	t.Run("a profile with errors", func(t *testing.T) {
		dir := t.TempDir()
		writeFile(t, filepath.Join(dir, "profile.yaml"), broken)
		code, stdout, stderr := emit(t, dir, "--out", "out", "profile.yaml")
		want := "regprofile: error: profile.yaml:7: spec.platforms.vsphere-block.registry.replicas: 2 replicas on a ReadWriteOnce volume"
		if code != 1 || stdout != "" || !strings.HasPrefix(stderr, want) {
			t.Errorf("exit %d\nstdout %q\nstderr %q\nwant prefix %q", code, stdout, stderr, want)
		}
		if got := entries(t, dir); got != "profile.yaml" {
			t.Errorf("written: %s", got)
		}
	})
	t.Run("a profile with errors over an earlier emit", func(t *testing.T) {
		dir := t.TempDir()
		writeFile(t, filepath.Join(dir, "good.yaml"), mergedProfile(t, "nutanix"))
		writeFile(t, filepath.Join(dir, "profile.yaml"), broken)
		mustEmit(t, dir, "--out", "out", "good.yaml")
		before := tree(t, dir)
		if code, _, _ := emit(t, dir, "--out", "out", "profile.yaml"); code != 1 {
			t.Errorf("exit %d, want 1", code)
		}
		sameTree(t, "after the failed emit", before, tree(t, dir))
		if got := entries(t, dir); got != "good.yaml out profile.yaml" {
			t.Errorf("next to the output: %s", got)
		}
	})
	t.Run("no platform", func(t *testing.T) {
		dir := t.TempDir()
		copyFile(t, filepath.Join(repoRoot, testkit.ExampleBase), filepath.Join(dir, "profile.yaml"))
		code, _, stderr := emit(t, dir, "--out", "out", "profile.yaml")
		want := "regprofile: error: profile.yaml:10: spec.platforms: the profile names no platform to emit; fix: add a section per platform to render (spec.platforms.<platform>: {}), or set spec.platform\n"
		if code != 1 || stderr != want {
			t.Errorf("exit %d\nstderr %q\nwant   %q", code, stderr, want)
		}
		if got := entries(t, dir); got != "profile.yaml" {
			t.Errorf("written: %s", got)
		}
	})
	t.Run("usage", func(t *testing.T) {
		dir := t.TempDir()
		for _, args := range [][]string{{"profile.yaml"}, {"--out", "out"}, {"--bogus"}} {
			code, stdout, stderr := emit(t, dir, args...)
			if code != 2 || stdout != "" || !strings.Contains(stderr, "Usage: regprofile emit --out DIR [--force] PROFILE") {
				t.Errorf("%v: exit %d\n%s", args, code, stderr)
			}
		}
		if got := entries(t, dir); got != "" {
			t.Errorf("written: %s", got)
		}
		// A second file is a patch, not a usage error: each must exist.
		code, stdout, stderr := emit(t, dir, "--out", "out", "a.yaml", "b.yaml")
		if want := "regprofile: error: a.yaml: cannot open it: no such file or directory; fix: name an existing, readable profile file\n"; code != 1 || stdout != "" || stderr != want {
			t.Errorf("a missing profile with a patch: exit %d\nstderr %q\nwant   %q", code, stderr, want)
		}
		if got := entries(t, dir); got != "" {
			t.Errorf("written: %s", got)
		}
	})
	t.Run("a missing parent directory", func(t *testing.T) {
		dir := t.TempDir()
		writeFile(t, filepath.Join(dir, "profile.yaml"), mergedProfile(t, "nutanix"))
		code, _, stderr := emit(t, dir, "--out", "no/such/out", "profile.yaml")
		want := fmt.Sprintf("regprofile: error: %s: the parent directory %s does not exist; fix: create it, or choose another --out\n", "no/such/out", "no/such")
		if code != 1 || stderr != want {
			t.Errorf("exit %d\nstderr %q\nwant   %q", code, stderr, want)
		}
	})
}

// TestEmitOfTheRepositoryLayout emits this repository's base and every
// overlay's patch as given on the command line: the tree is the one emit
// writes from the profile kustomize merges from them.
func TestEmitOfTheRepositoryLayout(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "profile.yaml"), combinedProfile(t, platforms[len(platforms)-1]))
	mustEmit(t, dir, "--out", "want", "profile.yaml")
	args := []string{"--out", filepath.Join(dir, "got"), filepath.Join("bases", "registryprofile.yaml")}
	for _, p := range platforms {
		args = append(args, filepath.Join("overlays", p, "profile.yaml"))
	}
	mustEmit(t, repoRoot, args...)
	want, got := tree(t, filepath.Join(dir, "want")), tree(t, filepath.Join(dir, "got"))
	for name := range want {
		if name == ".regprofile-emit" || strings.HasSuffix(name, "kustomization.yaml") {
			delete(want, name) // they name the source
			delete(got, name)
		}
	}
	sameTree(t, "emit of the layout against emit of the merged profile", want, got)
}
