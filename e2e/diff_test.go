package e2e

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
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

// git runs git in dir with a fixed identity and no user configuration.
func git(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1",
		"GIT_AUTHOR_NAME=regprofile e2e", "GIT_AUTHOR_EMAIL=e2e@regprofile.dev", "GIT_AUTHOR_DATE=2026-01-01T00:00:00Z",
		"GIT_COMMITTER_NAME=regprofile e2e", "GIT_COMMITTER_EMAIL=e2e@regprofile.dev", "GIT_COMMITTER_DATE=2026-01-01T00:00:00Z")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}

// copyTree copies a file or a directory tree.
func copyTree(t *testing.T, from, to string) {
	t.Helper()
	err := filepath.Walk(from, func(p string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, p)
		dest := filepath.Join(to, rel)
		if info.IsDir() {
			return os.MkdirAll(dest, 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(dest, data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// exampleRepo is a git repository holding the example, with setup applied
// and committed on main.
func exampleRepo(t *testing.T, setup func(dir string)) string {
	t.Helper()
	dir := t.TempDir()
	for _, p := range []string{"bases", "overlays", "transformers", "kustomization.yaml"} {
		copyTree(t, filepath.Join(repoRoot, p), filepath.Join(dir, p))
	}
	if setup != nil {
		setup(dir)
	}
	git(t, dir, "init", "-q", "-b", "main")
	git(t, dir, "add", "-A")
	git(t, dir, "commit", "-q", "-m", "base")
	return dir
}

// edit replaces old with new in a file of the repository, once.
func edit(t *testing.T, dir, file, old, new string) {
	t.Helper()
	p := filepath.Join(dir, file)
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), old) {
		t.Fatalf("%s does not contain %q", file, old)
	}
	writeFile(t, p, strings.Replace(string(data), old, new, 1))
}

type diffCase struct {
	name    string
	setup   func(t *testing.T, dir string) // the base state, committed
	change  func(t *testing.T, dir string) // the head, in the working tree
	args    []string
	formats []string
	code    int      // exit status
	flags   []string // risk flags the text report must name
}

var allFormats = []string{"text", "markdown", "json"}

var diffCases = []diffCase{
	{name: "no-change", code: 0},
	{
		name: "storage-switch",
		change: func(t *testing.T, dir string) {
			edit(t, dir, "overlays/baremetal-odf-rgw/profile.yaml", `      objectBucket:
        storageClassName: ocs-storagecluster-ceph-rgw
        bucketName: example-image-registry
`, "      pvc: {}\n")
		},
		code: 1, flags: []string{"storage-switch", "credentials-source"},
	},
	{
		name: "pvc-immutable",
		change: func(t *testing.T, dir string) {
			edit(t, dir, "overlays/vsphere-block/profile.yaml", "storageClassName: thin-csi\n        size: 200Gi", "storageClassName: thin\n        size: 150Gi")
		},
		code: 1, flags: []string{"pvc-immutable"},
	},
	{
		name: "management-removed",
		change: func(t *testing.T, dir string) {
			edit(t, dir, "overlays/gcp-upi/profile.yaml", "      registry:\n", "      registry:\n        managementState: Removed\n")
		},
		code: 1, flags: []string{"storage-deletion"},
	},
	{
		name: "pruner-deleted",
		change: func(t *testing.T, dir string) {
			edit(t, dir, "bases/registryprofile.yaml", `  pruner:
    schedule: "0 3 * * *"
    keepTagRevisions: 5
    keepYoungerThanDuration: 24h
    ignoreInvalidImageReferences: true
`, "")
		},
		code: 1, flags: []string{"storage-deletion"},
	},
	{
		// A patch applied after the function, past the profile's rules.
		name: "rwo-replicas",
		change: func(t *testing.T, dir string) {
			writeFile(t, filepath.Join(dir, "overlays/vsphere-block/scale.yaml"), `apiVersion: builtin
kind: PatchTransformer
metadata:
  name: scale-registry
target:
  kind: Config
patch: |
  - op: replace
    path: /spec/replicas
    value: 2
`)
			edit(t, dir, "overlays/vsphere-block/kustomization.yaml", "- ../../transformers\n", "- ../../transformers\n- scale.yaml\n")
		},
		code: 1, flags: []string{"rwo-replicas"},
	},
	{
		name: "credentials-source",
		change: func(t *testing.T, dir string) {
			edit(t, dir, "overlays/aws-upi/profile.yaml", "name: aws-secrets-manager", "name: vault-backend")
		},
		code: 1, flags: []string{"credentials-source"},
	},
	{
		name: "route-hostname",
		setup: func(t *testing.T, dir string) {
			edit(t, dir, "overlays/azure-gov/profile.yaml", "      registry:\n", `      registry:
        routes:
        - name: public
          hostname: registry.apps.example.com
`)
		},
		change: func(t *testing.T, dir string) {
			edit(t, dir, "overlays/azure-gov/profile.yaml", "hostname: registry.apps.example.com", "hostname: registry.example.org")
		},
		code: 1, flags: []string{"route-hostname"},
	},
	{
		name: "emptydir",
		change: func(t *testing.T, dir string) {
			edit(t, dir, "overlays/nutanix/profile.yaml", `      pvc:
        accessMode: ReadWriteMany
        storageClassName: nutanix-files
`, `      registry:
        storage:
          emptyDir: {}
`)
		},
		code: 1, flags: []string{"storage-switch", "emptydir"},
	},
	{
		name: "new-platform",
		setup: func(t *testing.T, dir string) {
			if err := os.RemoveAll(filepath.Join(dir, "overlays/nutanix")); err != nil {
				t.Fatal(err)
			}
		},
		change: func(t *testing.T, dir string) {
			copyTree(t, filepath.Join(repoRoot, "overlays/nutanix"), filepath.Join(dir, "overlays/nutanix"))
		},
		code: 1,
	},
	{
		name: "removed-platform",
		change: func(t *testing.T, dir string) {
			if err := os.RemoveAll(filepath.Join(dir, "overlays/gcp-upi")); err != nil {
				t.Fatal(err)
			}
		},
		code: 1, flags: []string{"storage-deletion"},
	},
	{
		// Only the overlay named is compared.
		name: "one-overlay",
		change: func(t *testing.T, dir string) {
			edit(t, dir, "overlays/vsphere-block/profile.yaml", "size: 200Gi", "size: 300Gi")
			edit(t, dir, "overlays/aws-upi/profile.yaml", "region: us-east-1", "region: us-east-2")
		},
		args: []string{"overlays/vsphere-block"}, code: 1,
	},
	{
		// A profile file is rendered in process, for every platform it names.
		name: "profile-file",
		setup: func(t *testing.T, dir string) {
			writeFile(t, filepath.Join(dir, "profile.yaml"), combinedProfile(t, "aws-upi"))
		},
		change: func(t *testing.T, dir string) {
			edit(t, dir, "profile.yaml", "size: 200Gi", "size: 300Gi")
			edit(t, dir, "profile.yaml", "region: us-central1", "region: us-east1")
		},
		args: []string{"profile.yaml"}, formats: []string{"text", "json"}, code: 1,
	},
	{
		// --head reads a revision: uncommitted changes do not count.
		name: "head-revision",
		change: func(t *testing.T, dir string) {
			git(t, dir, "checkout", "-q", "-b", "pr")
			edit(t, dir, "overlays/rhosp-cinder/profile.yaml", "availabilityZone: nova", "availabilityZone: az2")
			git(t, dir, "commit", "-q", "-am", "Another zone")
			edit(t, dir, "overlays/aws-upi/profile.yaml", "region: us-east-1", "region: us-east-2")
		},
		args: []string{"--base", "main", "--head", "pr"}, formats: []string{"text"}, code: 1,
	},
	{
		// The markdown size cap keeps the risks and the summary.
		name: "size-cap",
		change: func(t *testing.T, dir string) {
			if err := os.RemoveAll(filepath.Join(dir, "overlays/gcp-upi")); err != nil {
				t.Fatal(err)
			}
			edit(t, dir, "overlays/vsphere-block/profile.yaml", "size: 200Gi", "size: 300Gi")
		},
		args: []string{"--max-bytes", "1400"}, formats: []string{"markdown"}, code: 1, flags: []string{"storage-deletion"},
	},
}

func TestDiffGoldens(t *testing.T) {
	needDiffBinary(t)
	for _, c := range diffCases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			dir := exampleRepo(t, func(dir string) {
				if c.setup != nil {
					c.setup(t, dir)
				}
			})
			if c.change != nil {
				c.change(t, dir)
			}
			formats := c.formats
			if formats == nil {
				formats = allFormats
			}
			for _, format := range formats {
				args := append([]string{"diff", "--format", format}, c.args...)
				stdout, stderr, err := run(t, dir, filepath.Join(binDir, "regprofile"), args...)
				if code := exitCode(t, err); code != c.code {
					t.Fatalf("%s: exit %d, want %d\n%s%s", format, code, c.code, stderr, stdout)
				}
				ext := map[string]string{"text": "txt", "markdown": "md", "json": "json"}[format]
				diffGolden(t, c.name+"."+ext, stdout)
				if format == "text" {
					for _, f := range c.flags {
						if !strings.Contains(stdout, "  ! ["+f+"] ") {
							t.Errorf("the text report does not flag %s:\n%s", f, stdout)
						}
					}
					if len(c.flags) == 0 && strings.Contains(stdout, "Risks:") {
						t.Errorf("unexpected risks:\n%s", stdout)
					}
				}
			}
		})
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

// diffGolden compares with e2e/testdata/diff/name, through golden (which
// is rooted at testdata/golden, the function's own goldens).
func diffGolden(t *testing.T, name, got string) {
	t.Helper()
	golden(t, filepath.Join("..", "diff", name), got)
}

// TestDiffErrors: exit status 2, the reason on stderr, nothing on stdout.
func TestDiffErrors(t *testing.T) {
	needDiffBinary(t)
	dir := exampleRepo(t, nil)
	edit(t, dir, "overlays/vsphere-block/profile.yaml", "size: 200Gi", "size: 200Gi\n      registry:\n        replcas: 2")
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
