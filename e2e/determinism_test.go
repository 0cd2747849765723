package e2e

import (
	"go/ast"
	"go/parser"
	"go/token"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"regprofile.dev/regprofile/internal/testkit"
)

// TestOutputHasNoSecrets scans every overlay's render for secret material.
func TestOutputHasNoSecrets(t *testing.T) {
	for _, p := range platforms {
		if problems := testkit.ScanSecrets(build(t, filepath.Join("overlays", p))); len(problems) > 0 {
			t.Errorf("%s: %v", p, problems)
		}
	}
}

// TestShuffledInputGivesTheSameBytes lists a kustomization's resources in
// several orders, with unrelated resources among them: the output must not
// change.
func TestShuffledInputGivesTheSameBytes(t *testing.T) {
	dir := t.TempDir()
	copyFile(t, filepath.Join(repoRoot, testkit.ExampleBase), filepath.Join(dir, "profile.yaml"))
	copyFile(t, filepath.Join(repoRoot, "overlays", "baremetal-odf-rgw", "profile.yaml"), filepath.Join(dir, "patch.yaml"))
	copyFile(t, filepath.Join(repoRoot, "transformers", "regprofile.yaml"), filepath.Join(dir, "fn.yaml"))
	resources := []string{"profile.yaml"}
	for _, name := range []string{"a", "b", "c", "d"} {
		writeFile(t, filepath.Join(dir, name+".yaml"), strings.ReplaceAll(unrelated, "name: unrelated", "name: unrelated-"+name))
		resources = append(resources, name+".yaml")
	}
	rng := rand.New(rand.NewSource(1))
	var first string
	for i := 0; i < 4; i++ {
		rng.Shuffle(len(resources), func(a, b int) { resources[a], resources[b] = resources[b], resources[a] })
		writeFile(t, filepath.Join(dir, "kustomization.yaml"), "resources: ["+strings.Join(resources, ", ")+"]\npatches: [{path: patch.yaml}]\ntransformers: [fn.yaml]\n")
		out := build(t, dir)
		if i == 0 {
			first = out
		} else if out != first {
			t.Fatalf("order %v changed the output:\n%s", resources, testkit.LineDiff(first, out))
		}
	}
}

// TestEnvironmentDoesNotChangeOutput renders under a different time zone,
// locale, home and a pile of unrelated variables, and compares with the
// golden file rendered in the ordinary environment.
func TestEnvironmentDoesNotChangeOutput(t *testing.T) {
	cmd := exec.Command(kustomize, "build", "--enable-alpha-plugins", "--enable-exec", filepath.Join("overlays", "rhosp-cinder"))
	cmd.Dir = repoRoot
	cmd.Env = []string{
		"PATH=" + binDir + string(os.PathListSeparator) + os.Getenv("PATH"),
		"TZ=Pacific/Kiritimati", "LANG=tr_TR.UTF-8", "LC_ALL=tr_TR.UTF-8", "HOME=" + t.TempDir(),
		"REGPROFILE_PLATFORM=nutanix", "KUBECONFIG=/nonexistent", "ARGOCD_APP_NAME=other", "GODEBUG=randautoseed=1",
	}
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "rhosp-cinder.yaml", string(out))
}

// TestRenderPathReadsNoClockOrEnvironment keeps it that way: the packages
// that render may not read the clock, the environment or randomness.
func TestRenderPathReadsNoClockOrEnvironment(t *testing.T) {
	forbidden := map[string]bool{"time.Now": true, "time.Since": true, "os.Getenv": true, "os.LookupEnv": true,
		"os.Environ": true, "rand.Int": true, "rand.Intn": true, "rand.Read": true, "os.Hostname": true}
	for _, pkg := range []string{"fn/api/v1alpha1", "internal/diag", "internal/manifest", "internal/krm", "internal/platforms", "internal/profile", "internal/render", "internal/rules", "internal/operator"} {
		files, _ := filepath.Glob(filepath.Join(repoRoot, pkg, "*.go"))
		for _, file := range files {
			if strings.HasSuffix(file, "_test.go") {
				continue
			}
			f, err := parser.ParseFile(token.NewFileSet(), file, nil, 0)
			if err != nil {
				t.Fatal(err)
			}
			ast.Inspect(f, func(n ast.Node) bool {
				if sel, ok := n.(*ast.SelectorExpr); ok {
					if x, ok := sel.X.(*ast.Ident); ok && forbidden[x.Name+"."+sel.Sel.Name] {
						t.Errorf("%s calls %s.%s", strings.TrimPrefix(file, repoRoot+"/"), x.Name, sel.Sel.Name)
					}
				}
				return true
			})
		}
	}
}

// TestKptRenderTwiceChangesNothing runs a kpt pipeline with regprofile as
// an exec mutator twice: the second run must leave every file as the first
// left it, and the profile must stay in the package.
func TestKptRenderTwiceChangesNothing(t *testing.T) {
	testkit.Tool(t, "kpt")
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "Kptfile"), `apiVersion: kpt.dev/v1
kind: Kptfile
metadata:
  name: registry
pipeline:
  mutators:
  - exec: regprofile
`)
	writeFile(t, filepath.Join(dir, "profile.yaml"), mergedProfile(t, "vsphere-block"))
	writeFile(t, filepath.Join(dir, "unrelated.yaml"), unrelated)
	render := func() map[string]string {
		if _, stderr, err := run(t, dir, "kpt", "fn", "render", ".", "--allow-exec"); err != nil {
			t.Fatalf("kpt fn render: %v\n%s", err, stderr)
		}
		return snapshot(t, dir)
	}
	first := render()
	var all strings.Builder
	for _, content := range first {
		all.WriteString(content)
	}
	for _, want := range []string{"kind: Config\n", "kind: PersistentVolumeClaim\n", "kind: RegistryProfile\n", "name: unrelated\n"} {
		if !strings.Contains(all.String(), want) {
			t.Errorf("after kpt fn render the package lacks %q", want)
		}
	}
	second := render()
	if len(first) != len(second) {
		t.Fatalf("files %v became %v", keys(first), keys(second))
	}
	for name, content := range first {
		if second[name] != content {
			t.Errorf("%s changed on the second render:\n%s", name, testkit.LineDiff(content, second[name]))
		}
	}
}

func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	files := map[string]string{}
	err := filepath.Walk(dir, func(path string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		files[strings.TrimPrefix(path, dir)] = string(data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func keys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
