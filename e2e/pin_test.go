package e2e

import (
	"debug/buildinfo"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// regprofile build runs kustomize's API in process and promises the bytes
// the pinned kustomize CLI prints: the CLI (internal/version/KUSTOMIZE, which the
// Makefile installs into bin/) and the API modules in go.mod must be the same
// release.
func TestKustomizeCLIAndAPIArePinnedTogether(t *testing.T) {
	pinned, err := os.ReadFile(filepath.Join(repoRoot, "internal", "version", "KUSTOMIZE"))
	if err != nil {
		t.Fatal(err)
	}
	pin := strings.TrimSpace(string(pinned))
	gomod, err := os.ReadFile(filepath.Join(repoRoot, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	info, err := buildinfo.ReadFile(kustomize)
	if err != nil {
		t.Fatalf("reading %s's build information: %v", kustomize, err)
	}
	if info.Main.Version != pin {
		t.Errorf("%s is kustomize %s, internal/version/KUSTOMIZE pins %s; fix: make tools", kustomize, info.Main.Version, pin)
	}
	for _, mod := range []string{"sigs.k8s.io/kustomize/api", "sigs.k8s.io/kustomize/kyaml"} {
		cli := ""
		for _, d := range info.Deps {
			if d.Path == mod {
				cli = d.Version
			}
		}
		m := regexp.MustCompile(`(?m)^\s*(?:require\s+)?` + regexp.QuoteMeta(mod) + ` (\S+)`).FindSubmatch(gomod)
		if m == nil || cli == "" {
			t.Errorf("%s: go.mod has %q, kustomize %s was built with %q", mod, m, pin, cli)
			continue
		}
		if string(m[1]) != cli {
			t.Errorf("go.mod requires %s %s but kustomize %s is built with %s; fix: go get %s@%s (or change internal/version/KUSTOMIZE)", mod, m[1], pin, cli, mod, cli)
		}
	}
}
