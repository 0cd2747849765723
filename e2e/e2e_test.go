// Package e2e runs the real kustomize and kpt binaries on the repository's
// own overlays, with regprofile as an exec KRM function found on PATH, and
// checks the output against reviewed golden files and the resources' real
// schemas. UPDATE_GOLDEN=1 rewrites the goldens; review the diff like code.
package e2e

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/kio"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	fnplatforms "regprofile.dev/regprofile/internal/platforms"
	"regprofile.dev/regprofile/internal/testkit"
)

var (
	repoRoot string
	// binDir holds the freshly built regprofile; it goes first on PATH.
	binDir    string
	kustomize string
	platforms = fnplatforms.Names()
)

func TestMain(m *testing.M) {
	code := testkit.Run(m, func(root, scratch string) (err error) {
		repoRoot, binDir = root, scratch
		if err := testkit.Build(repoRoot, binDir, map[string]string{"regprofile": "./fn/cmd/regprofile"}); err != nil {
			return err
		}
		kustomize, err = testkit.Kustomize(repoRoot)
		return err
	})
	removeTestImage()
	os.Exit(code)
}

// run runs a command with regprofile on PATH and returns stdout and stderr.
func run(t *testing.T, dir string, name string, args ...string) (string, string, error) {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "PATH="+binDir+string(os.PathListSeparator)+os.Getenv("PATH"))
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	return stdout.String(), stderr.String(), err
}

func build(t *testing.T, dir string) string {
	t.Helper()
	out, stderr, err := run(t, repoRoot, kustomize, "build", "--enable-alpha-plugins", "--enable-exec", dir)
	if err != nil {
		t.Fatalf("kustomize build %s: %v\n%s", dir, err, stderr)
	}
	// kustomize exits 0 with no output when exec functions are not
	// enabled; an empty render must never pass for a good one.
	if strings.TrimSpace(out) == "" {
		t.Fatalf("kustomize build %s: empty output", dir)
	}
	return out
}

// golden compares with the golden render testdata/golden/name.
func golden(t *testing.T, name, got string) {
	t.Helper()
	testkit.Golden(t, filepath.Join("testdata", "golden", name), got)
}

func TestOverlaysRenderThroughKustomize(t *testing.T) {
	for _, p := range platforms {
		t.Run(p, func(t *testing.T) {
			t.Parallel()
			out := build(t, filepath.Join("overlays", p))
			golden(t, p+".yaml", out)
			validate(t, out)
		})
	}
}

func TestRootIsTheDefaultExample(t *testing.T) {
	golden(t, "aws-upi.yaml", build(t, "."))
}

func TestRenderingTwiceGivesTheSameBytes(t *testing.T) {
	dir := filepath.Join("overlays", "baremetal-odf-rgw")
	if a, b := build(t, dir), build(t, dir); a != b {
		t.Errorf("two renders differ:\n%s", testkit.LineDiff(a, b))
	}
}

// mergedProfile returns the profile a platform's overlay produces (base and
// patch merged by kustomize), with local-config removed so that kustomize
// prints it.
func mergedProfile(t *testing.T, platform string) string {
	t.Helper()
	dir := t.TempDir()
	copyFile(t, filepath.Join(repoRoot, testkit.ExampleBase), filepath.Join(dir, "base.yaml"))
	copyFile(t, filepath.Join(repoRoot, "overlays", platform, "profile.yaml"), filepath.Join(dir, "patch.yaml"))
	writeFile(t, filepath.Join(dir, "kustomization.yaml"), `resources: [base.yaml]
patches:
- path: patch.yaml
- target: {kind: RegistryProfile}
  patch: |
    - op: remove
      path: /metadata/annotations/config.kubernetes.io~1local-config
`)
	out, stderr, err := run(t, dir, kustomize, "build", ".")
	if err != nil {
		t.Fatalf("merging the %s profile: %v\n%s", platform, err, stderr)
	}
	return out
}

const unrelated = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: unrelated
  namespace: team-a
spec:
  replicas: 3
  selector:
    matchLabels: {app: unrelated}
  template:
    metadata:
      labels: {app: unrelated}
    spec:
      containers:
      - name: app
        image: quay.io/example/app:1.0
`

func TestKptEvalMatchesKustomize(t *testing.T) {
	testkit.Tool(t, "kpt")
	for _, p := range platforms {
		t.Run(p, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			writeFile(t, filepath.Join(dir, "profile.yaml"), mergedProfile(t, p))
			writeFile(t, filepath.Join(dir, "unrelated.yaml"), unrelated)
			out, stderr, err := run(t, dir, "kpt", "fn", "eval", ".", "--exec", "regprofile", "-o", "stdout")
			if err != nil {
				t.Fatalf("kpt fn eval: %v\n%s", err, stderr)
			}
			items := parseStream(t, out)
			var rendered, passed []*yaml.RNode
			for _, it := range items {
				switch {
				case it.GetKind() == "RegistryProfile":
					if it.GetAnnotations()["config.kubernetes.io/local-config"] != "true" {
						t.Error("the profile came back without local-config")
					}
				case it.GetName() == "unrelated":
					passed = append(passed, it)
				default:
					rendered = append(rendered, it)
				}
			}
			if len(passed) != 1 || canonical(t, passed) != canonical(t, parseStream(t, unrelated)) {
				t.Errorf("the unrelated Deployment did not pass through unchanged:\n%s", canonical(t, passed))
			}
			want := parseStream(t, build(t, filepath.Join("overlays", p)))
			if got, want := canonical(t, rendered), canonical(t, want); got != want {
				t.Errorf("kpt and kustomize renders differ:\n%s", testkit.LineDiff(want, got))
			}
		})
	}
}

func TestTransformerPassesUnrelatedResourcesThrough(t *testing.T) {
	dir := t.TempDir()
	copyFile(t, filepath.Join(repoRoot, testkit.ExampleBase), filepath.Join(dir, "profile.yaml"))
	copyFile(t, filepath.Join(repoRoot, "overlays", "vsphere-block", "profile.yaml"), filepath.Join(dir, "patch.yaml"))
	copyFile(t, filepath.Join(repoRoot, "transformers", "regprofile.yaml"), filepath.Join(dir, "fn.yaml"))
	writeFile(t, filepath.Join(dir, "unrelated.yaml"), unrelated)
	writeFile(t, filepath.Join(dir, "kustomization.yaml"), `resources: [profile.yaml, unrelated.yaml]
patches: [{path: patch.yaml}]
transformers: [fn.yaml]
`)
	out := build(t, dir)
	items := parseStream(t, out)
	var registry, others []*yaml.RNode
	for _, it := range items {
		if it.GetName() == "unrelated" {
			others = append(others, it)
		} else {
			registry = append(registry, it)
		}
	}
	if got, want := canonical(t, others), canonical(t, parseStream(t, unrelated)); got != want {
		t.Errorf("unrelated Deployment changed:\n%s", testkit.LineDiff(want, got))
	}
	want := parseStream(t, build(t, filepath.Join("overlays", "vsphere-block")))
	if got, want := canonical(t, registry), canonical(t, want); got != want {
		t.Errorf("registry resources differ from the overlay's:\n%s", testkit.LineDiff(want, got))
	}
}

func TestGeneratorMode(t *testing.T) {
	dir := t.TempDir()
	profile := mergedProfile(t, "nutanix")
	profile = strings.Replace(profile, "  name: registry\n", `  name: registry
  annotations:
    config.kubernetes.io/function: |
      exec:
        path: regprofile
`, 1)
	writeFile(t, filepath.Join(dir, "profile.yaml"), profile)
	writeFile(t, filepath.Join(dir, "kustomization.yaml"), "generators: [profile.yaml]\n")
	got := parseStream(t, build(t, dir))
	want := parseStream(t, build(t, filepath.Join("overlays", "nutanix")))
	if a, b := canonical(t, got), canonical(t, want); a != b {
		t.Errorf("generator output differs from the transformer's:\n%s", testkit.LineDiff(b, a))
	}
}

func TestBrokenProfileFailsWithFieldPath(t *testing.T) {
	dir := t.TempDir()
	copyFile(t, filepath.Join(repoRoot, testkit.ExampleBase), filepath.Join(dir, "profile.yaml"))
	copyFile(t, filepath.Join(repoRoot, "transformers", "regprofile.yaml"), filepath.Join(dir, "fn.yaml"))
	writeFile(t, filepath.Join(dir, "patch.yaml"), brokenPatch)
	writeFile(t, filepath.Join(dir, "kustomization.yaml"), "resources: [profile.yaml]\npatches: [{path: patch.yaml}]\ntransformers: [fn.yaml]\n")
	out, stderr, err := run(t, repoRoot, kustomize, "build", "--enable-alpha-plugins", "--enable-exec", dir)
	if err == nil {
		t.Fatalf("kustomize succeeded on a broken profile:\n%s", out)
	}
	if out != "" {
		t.Errorf("output on failure: %q", out)
	}
	want := `regprofile: error: RegistryProfile/registry: spec.platforms.vsphere-block.registry.replcas: unknown field; did you mean "replicas"?`
	if !strings.Contains(stderr, want) {
		t.Errorf("stderr lacks %q:\n%s", want, stderr)
	}

	// Asked to record origins, kustomize tells the function the file.
	writeFile(t, filepath.Join(dir, "kustomization.yaml"), "resources: [profile.yaml]\npatches: [{path: patch.yaml}]\ntransformers: [fn.yaml]\nbuildMetadata: [originAnnotations]\n")
	_, stderr, err = run(t, repoRoot, kustomize, "build", "--enable-alpha-plugins", "--enable-exec", dir)
	want = `regprofile: error: profile.yaml: spec.platforms.vsphere-block.registry.replcas: unknown field; did you mean "replicas"?`
	if err == nil || !strings.Contains(stderr, want) {
		t.Errorf("with originAnnotations, stderr lacks %q:\n%s", want, stderr)
	}
}

func parseStream(t *testing.T, s string) []*yaml.RNode {
	t.Helper()
	r := &kio.ByteReader{Reader: strings.NewReader(s), OmitReaderAnnotations: true}
	nodes, err := r.Read()
	if err != nil {
		t.Fatalf("parsing output: %v", err)
	}
	return nodes
}

// canonical prints objects sorted by identity, without the annotations that
// kpt adds to record files, so that two tools' outputs compare by content.
func canonical(t *testing.T, nodes []*yaml.RNode) string {
	t.Helper()
	var docs []string
	for _, n := range nodes {
		n = n.Copy()
		for _, a := range []string{"config.kubernetes.io/index", "config.kubernetes.io/path", "internal.config.kubernetes.io/index",
			"internal.config.kubernetes.io/path", "internal.config.kubernetes.io/seqindent", "internal.config.kubernetes.io/id"} {
			if _, err := n.Pipe(yaml.ClearAnnotation(a)); err != nil {
				t.Fatal(err)
			}
		}
		if len(n.GetAnnotations()) == 0 {
			_, _ = n.Pipe(yaml.Lookup("metadata"), yaml.Clear("annotations"))
		}
		data, err := n.MarshalJSON()
		if err != nil {
			t.Fatal(err)
		}
		docs = append(docs, n.GetKind()+"/"+n.GetNamespace()+"/"+n.GetName()+" "+string(data))
	}
	sort.Strings(docs)
	return strings.Join(docs, "\n")
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	data, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, to, string(data))
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}
