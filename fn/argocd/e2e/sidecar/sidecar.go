// Package sidecar prepares what the Argo CD sidecar runs, for the tests
// that run Argo CD's own CMP server (fn/argocd/e2e/cmp in process,
// fn/argocd/e2e/reposerver as processes): the tools regprofile install
// writes, and renders with only those tools and the system's sh and grep
// on PATH.
package sidecar

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/argoproj/gitops-engine/pkg/utils/kube"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"regprofile.dev/regprofile/internal/testkit"
)

// Path is the sidecar's PATH: the installed tools first, then only the
// system's directories.
func Path(tools string) string {
	return tools + string(os.PathListSeparator) + "/usr/bin:/bin"
}

// Install builds regprofile and the binaries in extra
// (name to package) into bin, with the pinned kustomize beside them (the
// image's layout), then does what the initContainer does: regprofile
// install into tools, an empty directory, with no kustomize on PATH.
func Install(root, bin, tools string, extra map[string]string) error {
	for _, d := range []string{bin, tools} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return err
		}
	}
	binaries := map[string]string{"regprofile": "./fn/cmd/regprofile"}
	for name, pkg := range extra {
		binaries[name] = pkg
	}
	if err := testkit.Build(root, bin, binaries); err != nil {
		return err
	}
	pinned, err := testkit.Kustomize(root)
	if err != nil {
		return err
	}
	kustomize, err := os.ReadFile(pinned)
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(bin, "kustomize"), kustomize, 0o755); err != nil {
		return err
	}
	install := exec.Command(filepath.Join(bin, "regprofile"), "install", tools)
	install.Env = append(os.Environ(), "PATH=/usr/bin:/bin")
	install.Stdout, install.Stderr = os.Stderr, os.Stderr
	if err := install.Run(); err != nil {
		return fmt.Errorf("regprofile install: %w", err)
	}
	return nil
}

// Render runs the installed tool name with args in dir, with the sidecar's
// PATH, and returns the objects it printed. A failure, or no object, fails
// the test.
func Render(tb testing.TB, tools, dir, name string, args ...string) []*unstructured.Unstructured {
	tb.Helper()
	cmd := exec.Command(filepath.Join(tools, name), args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "PATH="+Path(tools))
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	what := name + " " + strings.Join(args, " ")
	if err != nil {
		tb.Fatalf("%s: %v\n%s", what, err, stderr.String())
	}
	objs, err := kube.SplitYAML(out)
	if err != nil {
		tb.Fatalf("%s: %v", what, err)
	}
	if len(objs) == 0 {
		tb.Fatalf("%s: no objects", what)
	}
	return objs
}

// CopyExample copies the example (bases, overlays, transformers and the
// root kustomization) from the repository at root into dir.
func CopyExample(root, dir string) error {
	for _, d := range []string{"bases", "overlays", "transformers"} {
		if err := os.CopyFS(filepath.Join(dir, d), os.DirFS(filepath.Join(root, d))); err != nil {
			return err
		}
	}
	data, err := os.ReadFile(filepath.Join(root, "kustomization.yaml"))
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "kustomization.yaml"), data, 0o644)
}

// BrokenProfile is the vsphere-block overlay's profile.yaml with a typo;
// BrokenProfileError is what the plugin's error must say about it: the
// file, the line and the field path, with the fix.
const (
	BrokenProfile = `apiVersion: regprofile.dev/v1alpha1
kind: RegistryProfile
metadata:
  name: registry
spec:
  platform: vsphere-block
  platforms:
    vsphere-block:
      registry:
        replcas: 2
`
	BrokenProfileError = `regprofile: error: profile.yaml:10: spec.platforms.vsphere-block.registry.replcas: unknown field; did you mean "replicas"?`
)
