// Package diffcases holds the scripted pull requests that the diff
// goldens (e2e/diff_test.go) and the API server oracle (e2e/apiserver)
// both run: each changes the example in a temporary git repository, whose
// commit is the base and whose working tree (or a branch) is the head.
package diffcases

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// Env is where the cases find the repository and the tools.
type Env struct {
	// Root is the repository's root.
	Root string
	// Kustomize is the pinned kustomize.
	Kustomize string
	// Platforms are the example's overlays.
	Platforms []string
}

// Case is one scripted change.
type Case struct {
	Name   string
	Setup  func(t testing.TB, e Env, dir string) // the base state, committed
	Change func(t testing.TB, e Env, dir string) // the head, in the working tree
	// Args are regprofile diff's arguments; BaseRev and HeadRev (for the
	// oracle) the revisions they name, "" for the defaults.
	Args    []string
	Formats []string
	Code    int      // exit status
	Flags   []string // risk flags the text report must name
}

// Revisions returns the base and head revisions the case's arguments
// name: "" is the merge base with main and the working tree.
func (c Case) Revisions() (base, head string) {
	for i := 0; i+1 < len(c.Args); i++ {
		switch c.Args[i] {
		case "--base":
			base = c.Args[i+1]
		case "--head":
			head = c.Args[i+1]
		}
	}
	return base, head
}

// Paths are the case's overlay or profile arguments.
func (c Case) Paths() []string {
	var out []string
	for i := 0; i < len(c.Args); i++ {
		switch {
		case c.Args[i] == "--base" || c.Args[i] == "--head" || c.Args[i] == "--max-bytes":
			i++
		case !strings.HasPrefix(c.Args[i], "-"):
			out = append(out, c.Args[i])
		}
	}
	return out
}

// Cases are the scripted changes.
var Cases = []Case{
	{Name: "no-change", Code: 0},
	{
		Name: "storage-switch",
		Change: func(t testing.TB, e Env, dir string) {
			Edit(t, dir, "overlays/baremetal-odf-rgw/profile.yaml", `      objectBucket:
        storageClassName: ocs-storagecluster-ceph-rgw
        bucketName: example-image-registry
`, "      pvc: {}\n")
		},
		Code: 1, Flags: []string{"storage-location", "credentials-source", "dangling-reference"},
	},
	{
		Name: "pvc-immutable",
		Change: func(t testing.TB, e Env, dir string) {
			Edit(t, dir, "overlays/vsphere-block/profile.yaml", "storageClassName: thin-csi\n        size: 200Gi", "storageClassName: thin\n        size: 150Gi")
		},
		Code: 1, Flags: []string{"refused"},
	},
	{
		Name: "management-removed",
		Change: func(t testing.TB, e Env, dir string) {
			Edit(t, dir, "overlays/gcp-upi/profile.yaml", "      registry:\n", "      registry:\n        managementState: Removed\n")
		},
		Code: 1, Flags: []string{"storage-deletion"},
	},
	{
		Name: "pruner-deleted",
		Change: func(t testing.TB, e Env, dir string) {
			Edit(t, dir, "bases/registryprofile.yaml", `  pruner:
    schedule: "0 3 * * *"
    keepTagRevisions: 5
    keepYoungerThanDuration: 24h
    ignoreInvalidImageReferences: true
`, "")
		},
		Code: 1, Flags: []string{"orphaned"},
	},
	{
		// A patch applied after the function, past the profile's rules.
		Name: "rwo-replicas",
		Change: func(t testing.TB, e Env, dir string) {
			WriteFile(t, filepath.Join(dir, "overlays/vsphere-block/scale.yaml"), `apiVersion: builtin
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
			Edit(t, dir, "overlays/vsphere-block/kustomization.yaml", "- ../../transformers\n", "- ../../transformers\n- scale.yaml\n")
		},
		Code: 1, Flags: []string{"rwo-rollout"},
	},
	{
		Name: "credentials-source",
		Change: func(t testing.TB, e Env, dir string) {
			Edit(t, dir, "overlays/aws-upi/profile.yaml", "name: aws-secrets-manager", "name: vault-backend")
		},
		Code: 1, Flags: []string{"credentials-source"},
	},
	{
		Name: "route-hostname",
		Setup: func(t testing.TB, e Env, dir string) {
			Edit(t, dir, "overlays/azure-gov/profile.yaml", "      registry:\n", `      registry:
        routes:
        - name: public
          hostname: registry.apps.example.com
`)
		},
		Change: func(t testing.TB, e Env, dir string) {
			Edit(t, dir, "overlays/azure-gov/profile.yaml", "hostname: registry.apps.example.com", "hostname: registry.example.org")
		},
		Code: 1, Flags: []string{"route-hostname"},
	},
	{
		Name: "emptydir",
		Change: func(t testing.TB, e Env, dir string) {
			Edit(t, dir, "overlays/nutanix/profile.yaml", `      pvc:
        accessMode: ReadWriteMany
        storageClassName: nutanix-files
`, `      registry:
        storage:
          emptyDir: {}
`)
		},
		Code: 1, Flags: []string{"storage-location", "emptydir", "storage-managed"},
	},
	{
		Name: "new-platform",
		Setup: func(t testing.TB, e Env, dir string) {
			if err := os.RemoveAll(filepath.Join(dir, "overlays/nutanix")); err != nil {
				t.Fatal(err)
			}
		},
		Change: func(t testing.TB, e Env, dir string) {
			CopyTree(t, filepath.Join(e.Root, "overlays/nutanix"), filepath.Join(dir, "overlays/nutanix"))
		},
		Code: 1,
	},
	{
		Name: "removed-platform",
		Change: func(t testing.TB, e Env, dir string) {
			if err := os.RemoveAll(filepath.Join(dir, "overlays/gcp-upi")); err != nil {
				t.Fatal(err)
			}
		},
		Code: 1, Flags: []string{"orphaned"},
	},
	{
		// Only the overlay named is compared.
		Name: "one-overlay",
		Change: func(t testing.TB, e Env, dir string) {
			Edit(t, dir, "overlays/vsphere-block/profile.yaml", "size: 200Gi", "size: 300Gi")
			Edit(t, dir, "overlays/aws-upi/profile.yaml", "region: us-east-1", "region: us-east-2")
		},
		Args: []string{"overlays/vsphere-block"}, Code: 1, Flags: []string{"expansion"},
	},
	{
		// A profile file is rendered in process, for every platform it names.
		Name: "profile-file",
		Setup: func(t testing.TB, e Env, dir string) {
			WriteFile(t, filepath.Join(dir, "profile.yaml"), CombinedProfile(t, e, "aws-upi"))
		},
		Change: func(t testing.TB, e Env, dir string) {
			Edit(t, dir, "profile.yaml", "size: 200Gi", "size: 300Gi")
			Edit(t, dir, "profile.yaml", "region: us-central1", "region: us-east1")
		},
		Args: []string{"profile.yaml"}, Formats: []string{"text", "json"}, Code: 1, Flags: []string{"expansion", "storage-location"},
	},
	{
		// --head reads a revision: uncommitted changes do not count.
		Name: "head-revision",
		Change: func(t testing.TB, e Env, dir string) {
			Git(t, dir, "checkout", "-q", "-b", "pr")
			Edit(t, dir, "overlays/rhosp-cinder/profile.yaml", "availabilityZone: nova", "availabilityZone: az2")
			Git(t, dir, "commit", "-q", "-am", "Another zone")
			Edit(t, dir, "overlays/aws-upi/profile.yaml", "region: us-east-1", "region: us-east-2")
		},
		Args: []string{"--base", "main", "--head", "pr"}, Formats: []string{"text"}, Code: 1, Flags: []string{"refused"},
	},
	{
		// The markdown size cap keeps the risks and the summary.
		Name: "size-cap",
		Change: func(t testing.TB, e Env, dir string) {
			if err := os.RemoveAll(filepath.Join(dir, "overlays/gcp-upi")); err != nil {
				t.Fatal(err)
			}
			Edit(t, dir, "overlays/vsphere-block/profile.yaml", "size: 200Gi", "size: 300Gi")
		},
		Args: []string{"--max-bytes", "1400"}, Formats: []string{"markdown"}, Code: 1, Flags: []string{"orphaned"},
	},
	{
		// A StorageClass's parameters cannot change.
		Name: "class-parameters",
		Change: func(t testing.TB, e Env, dir string) {
			Edit(t, dir, "overlays/rhosp-cinder/profile.yaml", "availabilityZone: nova", "availabilityZone: az2")
		},
		Code: 1, Flags: []string{"refused"},
	},
	{
		// A claim grows, and the StorageClass regprofile renders allows it.
		Name: "claim-grows",
		Change: func(t testing.TB, e Env, dir string) {
			Edit(t, dir, "overlays/rhosp-cinder/profile.yaml", "availabilityZone: nova\n", "availabilityZone: nova\n      pvc:\n        size: 200Gi\n")
		},
		Code: 1,
	},
	{
		// The cluster is declared single-node: one replica, and the
		// reviewer is asked whether the storage still fits.
		Name: "single-node",
		Change: func(t testing.TB, e Env, dir string) {
			Edit(t, dir, "overlays/vsphere-block/profile.yaml", "  platform: vsphere-block\n", "  platform: vsphere-block\n  topology: SingleReplica\n")
		},
		Code: 1, Flags: []string{"topology"},
	},
	{
		// The operator stops reconciling: later changes are not applied.
		Name: "management-unmanaged",
		Change: func(t testing.TB, e Env, dir string) {
			Edit(t, dir, "overlays/gcp-upi/profile.yaml", "      registry:\n", "      registry:\n        managementState: Unmanaged\n")
		},
		Code: 1, Flags: []string{"management-state"},
	},
	{
		// Another bucket: the registry starts empty.
		Name: "bucket-rename",
		Change: func(t testing.TB, e Env, dir string) {
			Edit(t, dir, "overlays/gcp-upi/profile.yaml", "bucket: example-openshift-registry", "bucket: example-registry-2")
		},
		Code: 1, Flags: []string{"storage-location"},
	},
	{
		// The bucket claim's bucket: the provisioner does not follow.
		Name: "bucket-claim",
		Change: func(t testing.TB, e Env, dir string) {
			Edit(t, dir, "overlays/baremetal-odf-rgw/profile.yaml", "bucketName: example-image-registry", "bucketName: example-image-registry-2")
		},
		Code: 1, Flags: []string{"storage-location", "not-applied"},
	},
	{
		// The CA ConfigMap is pruned; Image/cluster, kept, still names it.
		Name: "trusted-cas-removed",
		Change: func(t testing.TB, e Env, dir string) {
			data, err := os.ReadFile(filepath.Join(dir, "bases/registryprofile.yaml"))
			if err != nil {
				t.Fatal(err)
			}
			s := string(data)
			from, to := strings.Index(s, "  trustedCAs:\n"), strings.Index(s, "  access:\n")
			WriteFile(t, filepath.Join(dir, "bases/registryprofile.yaml"), s[:from]+s[to:])
		},
		Formats: []string{"text", "json"}, Code: 1, Flags: []string{"orphaned"},
	},
}

// Repo is a git repository holding the example with the case's setup
// committed on main and its change made.
func Repo(t testing.TB, e Env, c Case) string {
	t.Helper()
	dir := t.TempDir()
	for _, p := range []string{"bases", "overlays", "transformers", "kustomization.yaml"} {
		CopyTree(t, filepath.Join(e.Root, p), filepath.Join(dir, p))
	}
	if c.Setup != nil {
		c.Setup(t, e, dir)
	}
	Git(t, dir, "init", "-q", "-b", "main")
	Git(t, dir, "add", "-A")
	Git(t, dir, "commit", "-q", "-m", "base")
	if c.Change != nil {
		c.Change(t, e, dir)
	}
	return dir
}

// Git runs git in dir with a fixed identity and no user configuration.
func Git(t testing.TB, dir string, args ...string) string {
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

// CopyTree copies a file or a directory tree.
func CopyTree(t testing.TB, from, to string) {
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

// Edit replaces old with new in a file of the repository, once.
func Edit(t testing.TB, dir, file, old, new string) {
	t.Helper()
	p := filepath.Join(dir, file)
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), old) {
		t.Fatalf("%s does not contain %q", file, old)
	}
	WriteFile(t, p, strings.Replace(string(data), old, new, 1))
}

// WriteFile writes a file.
func WriteFile(t testing.TB, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// CombinedProfile is the example as one profile: the shared settings and
// every overlay's platform section, merged by kustomize, with
// spec.platform set to platform.
func CombinedProfile(t testing.TB, e Env, platform string) string {
	t.Helper()
	dir := t.TempDir()
	copyFile := func(from, to string) {
		data, err := os.ReadFile(from)
		if err != nil {
			t.Fatal(err)
		}
		WriteFile(t, to, string(data))
	}
	copyFile(filepath.Join(e.Root, "bases", "registryprofile.yaml"), filepath.Join(dir, "base.yaml"))
	k := "resources: [base.yaml]\npatches:\n"
	for _, p := range e.Platforms {
		copyFile(filepath.Join(e.Root, "overlays", p, "profile.yaml"), filepath.Join(dir, p+".yaml"))
		k += "- path: " + p + ".yaml\n"
	}
	k += `- target: {kind: RegistryProfile}
  patch: |
    - op: remove
      path: /metadata/annotations/config.kubernetes.io~1local-config
    - op: replace
      path: /spec/platform
      value: ` + platform + "\n"
	WriteFile(t, filepath.Join(dir, "kustomization.yaml"), k)
	cmd := exec.Command(e.Kustomize, "build", ".")
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("merging the example into one profile: %v", err)
	}
	return string(out)
}
