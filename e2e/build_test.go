package e2e

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"regprofile.dev/regprofile/internal/testkit"
)

// outcome is what a build printed and its exit status.
type outcome struct {
	stdout, stderr string
	code           int
}

func runOutcome(t *testing.T, name string, args ...string) outcome {
	t.Helper()
	stdout, stderr, err := run(t, repoRoot, name, args...)
	code := 0
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		code = exit.ExitCode()
	} else if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return outcome{stdout, stderr, code}
}

// where matches where a regprofile message says it is: the resource
// (what kustomize can say) or the file and line (what regprofile build
// says).
var where = regexp.MustCompile(`(?m)^(regprofile: \w+: )(RegistryProfile/\S+|\S+\.ya?ml:\d+): `)

var explainLine = regexp.MustCompile(`(?m)^regprofile build: .*\n`)

// sameBuild builds dir with kustomize and with regprofile build and
// requires the same stdout, the same exit status and the same stderr
// (but for where the function's messages say they are); it returns
// regprofile build's outcome and whether it ran the function in process.
func sameBuild(t *testing.T, dir string) (outcome, bool) {
	t.Helper()
	want := runOutcome(t, kustomize, "build", "--enable-alpha-plugins", "--enable-exec", dir)
	got := runOutcome(t, filepath.Join(binDir, "regprofile"), "build", "--explain", dir)
	explain := explainLine.FindString(got.stderr)
	if explain == "" {
		t.Fatalf("no --explain line on stderr:\n%s", got.stderr)
	}
	got.stderr = strings.Replace(got.stderr, explain, "", 1)
	explain = strings.TrimSpace(explain)
	if got.stdout != want.stdout {
		t.Errorf("%s: stdout differs from kustomize's (%s):\n%s", dir, explain, testkit.LineDiff(want.stdout, got.stdout))
	}
	if got.code != want.code {
		t.Errorf("%s: exit status %d, kustomize's %d", dir, got.code, want.code)
	}
	if a, b := where.ReplaceAllString(got.stderr, "${1}WHERE: "), where.ReplaceAllString(want.stderr, "${1}WHERE: "); a != b {
		t.Errorf("%s: stderr differs from kustomize's (%s):\n%s", dir, explain, testkit.LineDiff(b, a))
	}
	return got, explain == "regprofile build: the function ran in process"
}

// Every overlay, and the repository's root (the default example), builds
// in process to kustomize's bytes, which are the reviewed goldens.
func TestBuildIsKustomizeOnTheRepository(t *testing.T) {
	for _, p := range platforms {
		t.Run(p, func(t *testing.T) {
			t.Parallel()
			got, inProcess := sameBuild(t, filepath.Join("overlays", p))
			if !inProcess {
				t.Error("took the exec path")
			}
			golden(t, p+".yaml", got.stdout)
		})
	}
	t.Run("root", func(t *testing.T) {
		got, inProcess := sameBuild(t, ".")
		if !inProcess {
			t.Error("took the exec path")
		}
		golden(t, "aws-upi.yaml", got.stdout)
	})
}

// buildCase writes files (name to content) into a new directory and
// returns it.
func buildCase(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if strings.HasPrefix(content, "@") {
			data, err := os.ReadFile(filepath.Join(repoRoot, content[1:]))
			if err != nil {
				t.Fatal(err)
			}
			content = string(data)
		}
		writeFile(t, p, content)
	}
	return dir
}

// brokenPatch is an overlay's patch with a misspelt field (replcas): the
// function must name its file, line and field path.
const brokenPatch = `apiVersion: regprofile.dev/v1alpha1
kind: RegistryProfile
metadata: {name: registry}
spec:
  platform: vsphere-block
  platforms:
    vsphere-block:
      registry:
        replcas: 2
`

const configMap = `# a comment kustomize keeps
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings # and this one
  namespace: team-a
data:
  list: |
    a
    b
  key: value
`

// Layouts regprofile build handles in process, and layouts it must send
// through kustomize's exec path; both give kustomize's exact bytes.
func TestBuildIsKustomizeOnOtherLayouts(t *testing.T) {
	overlay := func(extra map[string]string, kustomization string) map[string]string {
		files := map[string]string{
			"base/kustomization.yaml": "resources: [profile.yaml]\n",
			"base/profile.yaml":       "@bases/registryprofile.yaml",
			"fn/kustomization.yaml":   "resources: [regprofile.yaml]\n",
			"fn/regprofile.yaml":      "@transformers/regprofile.yaml",
			"o/patch.yaml":            "@overlays/vsphere-block/profile.yaml",
			"o/kustomization.yaml":    kustomization,
		}
		for k, v := range extra {
			files[k] = v
		}
		return files
	}
	const plain = "resources: [../base]\npatches: [{path: patch.yaml}]\ntransformers: [../fn]\n"
	cases := []struct {
		name      string
		files     map[string]string
		build     string // directory to build, default o
		inProcess bool
		fails     bool
	}{
		{name: "plain overlay", files: overlay(nil, plain), inProcess: true},
		{name: "unrelated objects with comments pass through", inProcess: true, files: overlay(map[string]string{
			"o/cm.yaml": configMap, "o/deploy.yaml": unrelated,
		}, "resources: [../base, cm.yaml, deploy.yaml]\npatches: [{path: patch.yaml}]\ntransformers: [../fn]\n")},
		{name: "strategic-merge patch on a Kubernetes kind", inProcess: true, files: overlay(map[string]string{
			"o/deploy.yaml": unrelated,
			"o/scale.yaml":  "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: unrelated, namespace: team-a}\nspec:\n  template:\n    spec:\n      containers:\n      - name: app\n        image: quay.io/example/app:2.0\n      - name: sidecar\n        image: quay.io/example/sidecar:1.0\n",
		}, "resources: [../base, deploy.yaml]\npatches: [{path: patch.yaml}, {path: scale.yaml}]\ntransformers: [../fn]\n")},
		{name: "JSON patch and labels before the function", inProcess: true, files: overlay(nil,
			"resources: [../base]\npatches:\n- path: patch.yaml\n- target: {kind: RegistryProfile}\n  patch: '[{\"op\": \"add\", \"path\": \"/metadata/labels\", \"value\": {\"team\": \"platform\"}}]'\nlabels: [{pairs: {owner: platform}}]\ntransformers: [../fn]\n")},
		{name: "above the overlay: a prefix, a namespace and a patch", inProcess: true, build: "top", files: overlay(map[string]string{
			"top/kustomization.yaml": "resources: [../o]\nnamePrefix: x-\ncommonAnnotations: {team: platform}\n",
		}, plain)},
		{name: "broken profile", inProcess: true, fails: true, files: overlay(map[string]string{"o/patch.yaml": brokenPatch}, plain)},
		{name: "broken profile below another kustomization", inProcess: true, fails: true, build: "top", files: overlay(map[string]string{
			"o/patch.yaml": brokenPatch, "top/kustomization.yaml": "resources: [../o]\n",
		}, plain)},
		{name: "a deprecated field above the function", build: "top", files: overlay(map[string]string{
			"top/kustomization.yaml": "bases: [../o]\n",
		}, plain)},
		{name: "a name prefix below the function", files: overlay(nil, plain+"namePrefix: x-\n")},
		{name: "a namespace below the function", files: overlay(nil, plain+"namespace: registry\n")},
		{name: "a generator", files: overlay(map[string]string{"o/gen.yaml": "apiVersion: builtin\nkind: ConfigMapGenerator\nmetadata: {name: extra}\nliterals: [a=b]\n"},
			"resources: [../base]\npatches: [{path: patch.yaml}]\ngenerators: [gen.yaml]\ntransformers: [../fn]\n")},
		{name: "a configMapGenerator", files: overlay(nil, plain+"configMapGenerator: [{name: ca, literals: [a=b]}]\n")},
		{name: "another transformer before the function", files: overlay(map[string]string{
			"o/label.yaml": "apiVersion: builtin\nkind: LabelTransformer\nmetadata: {name: l}\nlabels: {a: b}\nfieldSpecs: [{path: metadata/labels, create: true}]\n",
		}, "resources: [../base]\npatches: [{path: patch.yaml}]\ntransformers: [label.yaml, ../fn]\n")},
		{name: "origin annotations", files: overlay(nil, plain+"buildMetadata: [originAnnotations]\n")},
		{name: "the annotation's name in a value", files: overlay(map[string]string{
			"o/cm.yaml": configMap + "  other: config.kubernetes.io/local-config\n",
		}, "resources: [../base, cm.yaml]\npatches: [{path: patch.yaml}]\ntransformers: [../fn]\n")},
		{name: "the annotation's name in a comment", inProcess: true, files: overlay(map[string]string{
			"o/cm.yaml": "# not config.kubernetes.io/local-config\n" + configMap,
		}, "resources: [../base, cm.yaml]\npatches: [{path: patch.yaml}]\ntransformers: [../fn]\n")},
		{name: "a kind kustomize might expand as a list passes through", inProcess: true, files: overlay(map[string]string{
			"o/acl.yaml": "apiVersion: example.com/v1\nkind: AccessList\nmetadata: {name: acl, namespace: team-a}\nspec: {entries: [a, b]}\n",
		}, "resources: [../base, acl.yaml]\npatches: [{path: patch.yaml}]\ntransformers: [../fn]\n")},
		{name: "a missing resource", fails: true, files: overlay(nil, "resources: [../base, absent.yaml]\npatches: [{path: patch.yaml}]\ntransformers: [../fn]\n")},
		{name: "a credentials Secret in clear", inProcess: true, fails: true, files: overlay(map[string]string{
			"o/secret.yaml": "apiVersion: v1\nkind: Secret\nmetadata: {name: image-registry-private-configuration-user, namespace: openshift-image-registry}\nstringData: {REGISTRY_STORAGE_S3_ACCESSKEY: not-a-real-key}\n",
		}, "resources: [../base, secret.yaml]\npatches: [{path: patch.yaml}]\ntransformers: [../fn]\n")},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			dir := buildCase(t, c.files)
			target := c.build
			if target == "" {
				target = "o"
			}
			got, inProcess := sameBuild(t, filepath.Join(dir, target))
			if inProcess != c.inProcess {
				t.Errorf("in process: %v, want %v", inProcess, c.inProcess)
			}
			if (got.code != 0) != c.fails {
				t.Errorf("exit status %d\n%s", got.code, got.stderr)
			}
			if strings.Contains(got.stderr, "local-confiG") || strings.Contains(got.stdout, "local-confiG") {
				t.Error("the hidden local-config name leaked")
			}
		})
	}
}

// In process, the function's errors name the file and line that wrote
// the field, the overlay's patch here, where kustomize names the
// resource.
func TestBuildErrorsNameTheFileAndLine(t *testing.T) {
	dir := buildCase(t, map[string]string{
		"profile.yaml":       "@bases/registryprofile.yaml",
		"fn.yaml":            "@transformers/regprofile.yaml",
		"patch.yaml":         brokenPatch,
		"kustomization.yaml": "resources: [profile.yaml]\npatches: [{path: patch.yaml}]\ntransformers: [fn.yaml]\n",
	})
	cmd := exec.Command(filepath.Join(binDir, "regprofile"), "build", ".")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "PATH="+binDir+string(os.PathListSeparator)+os.Getenv("PATH"))
	out, err := cmd.CombinedOutput()
	want := `regprofile: error: patch.yaml:9: spec.platforms.vsphere-block.registry.replcas: unknown field; did you mean "replicas"?`
	if err == nil || !strings.Contains(string(out), want+"\n") {
		t.Errorf("err %v, output lacks %q:\n%s", err, want, out)
	}
}
