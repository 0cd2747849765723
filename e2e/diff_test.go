package e2e

import (
	"errors"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"regprofile.dev/regprofile/e2e/diffcases"
	"regprofile.dev/regprofile/internal/review"
	"regprofile.dev/regprofile/internal/testkit"
)

// The diff goldens live in e2e/testdata/diff, one per case and format.
// Each case scripts a change on a temporary git repository that holds the
// example (bases/, overlays/, transformers/): the committed state is the
// base, the working tree the head, as on a developer's machine.

var (
	diffBuild    sync.Once
	diffBuildErr error
)

// needDiffBinary builds regprofile-diff beside the regprofile under test,
// where "regprofile diff" looks for it.
func needDiffBinary(t *testing.T) {
	t.Helper()
	diffBuild.Do(func() {
		cmd := exec.Command("go", "build", "-o", filepath.Join(binDir, "regprofile-diff"), "./fn/cmd/regprofile-diff")
		cmd.Dir = repoRoot
		out, err := cmd.CombinedOutput()
		if err != nil {
			diffBuildErr = errors.New(string(out))
		}
	})
	if diffBuildErr != nil {
		t.Fatalf("building regprofile-diff: %v", diffBuildErr)
	}
}

// diffEnv is where the scripted cases find the repository and the tools.
func diffEnv() diffcases.Env {
	return diffcases.Env{Root: repoRoot, Kustomize: kustomize, Platforms: platforms}
}

var allFormats = []string{"text", "markdown", "json"}

func TestDiffGoldens(t *testing.T) {
	needDiffBinary(t)
	for _, c := range diffcases.Cases {
		t.Run(c.Name, func(t *testing.T) {
			t.Parallel()
			dir := diffcases.Repo(t, diffEnv(), c)
			formats := c.Formats
			if formats == nil {
				formats = allFormats
			}
			for _, format := range formats {
				args := append([]string{"diff", "--format", format}, c.Args...)
				stdout, stderr, err := run(t, dir, filepath.Join(binDir, "regprofile"), args...)
				if code := exitCode(t, err); code != c.Code {
					t.Fatalf("%s: exit %d, want %d\n%s%s", format, code, c.Code, stderr, stdout)
				}
				ext := map[string]string{"text": "txt", "markdown": "md", "json": "json"}[format]
				diffGolden(t, c.Name+"."+ext, stdout)
				if format == "text" {
					for _, f := range c.Flags {
						if !strings.Contains(stdout, "  ! ["+f+"] ") {
							t.Errorf("the text report does not flag %s:\n%s", f, stdout)
						}
					}
					if len(c.Flags) == 0 && strings.Contains(stdout, "Risks:") {
						t.Errorf("unexpected risks:\n%s", stdout)
					}
				}
			}
		})
	}
}

// TestDiffCasesCoverEveryFlag: every risk flag regprofile diff knows has a
// scripted case, so its goldens exist in every format the case runs.
func TestDiffCasesCoverEveryFlag(t *testing.T) {
	covered := map[string]bool{}
	for _, c := range diffcases.Cases {
		for _, f := range c.Flags {
			covered[f] = true
		}
	}
	for _, f := range review.Flags {
		if !covered[f] {
			t.Errorf("no scripted case in e2e/diffcases flags %s", f)
		}
	}
}

func exitCode(t *testing.T, err error) int {
	t.Helper()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &exit):
		return exit.ExitCode()
	}
	t.Fatal(err)
	return -1
}

// diffGolden compares with e2e/testdata/diff/name.
func diffGolden(t *testing.T, name, got string) {
	t.Helper()
	testkit.Golden(t, filepath.Join("testdata", "diff", name), got)
}

// TestDiffErrors: exit status 2, the reason on stderr, nothing on stdout.
func TestDiffErrors(t *testing.T) {
	needDiffBinary(t)
	dir := diffcases.Repo(t, diffEnv(), diffcases.Case{})
	diffcases.Edit(t, dir, "overlays/vsphere-block/profile.yaml", "size: 200Gi", "size: 200Gi\n      registry:\n        replcas: 2")
	writeFile(t, filepath.Join(dir, "broken.yaml"), "apiVersion: regprofile.dev/v1alpha1\nkind: RegistryProfile\nmetadata: {name: r}\nspec:\n  platforms:\n    nutanix: {pvc: {size: lots}}\n")
	for _, c := range []struct {
		name string
		args []string
		want []string
	}{
		{"a broken overlay", nil, []string{
			"regprofile diff: error: rendering the head (working tree): overlays/vsphere-block: kustomize build: ",
			`regprofile: error: RegistryProfile/registry: spec.platforms.vsphere-block.registry.replcas: unknown field; did you mean "replicas"?`,
		}},
		{"a broken profile", []string{"broken.yaml"}, []string{
			"regprofile diff: error: rendering the head (working tree): error: broken.yaml: spec.platforms.nutanix.pvc.size: ",
		}},
		{"an unknown revision", []string{"--base", "no-such-rev"}, []string{
			`regprofile diff: error: base: "no-such-rev" is not a commit in ` + dir,
		}},
		{"a path in neither revision", []string{"overlays/openstack"}, []string{
			"regprofile diff: error: overlays/openstack exists at neither revision; fix: name a profile file or an overlay directory\n",
		}},
		{"an unknown format", []string{"--format", "html"}, []string{
			"regprofile diff: --format \"html\": use text, markdown or json\n\nUsage: regprofile diff [flags]",
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			stdout, stderr, err := run(t, dir, filepath.Join(binDir, "regprofile"), append([]string{"diff"}, c.args...)...)
			if code := exitCode(t, err); code != 2 || stdout != "" {
				t.Errorf("exit %d, stdout %q", code, stdout)
			}
			for _, w := range c.want {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr lacks %q:\n%s", w, stderr)
				}
			}
		})
	}
}
