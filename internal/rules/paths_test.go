package rules_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"regprofile.dev/regprofile/internal/profile"
	"regprofile.dev/regprofile/internal/render"
)

// Every field path a rule reports names a field of the typed API (or a
// key or index under one), so that it resolves in the user's file and in
// docs/reference.md: a rule building a path by hand with a typo would
// point at nothing. The bad-input catalog and the example drive the rules.
func TestRulePathsAreFields(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "..", "fn", "testdata", "invalid", "*.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no catalog: %v", err)
	}
	files = append(files, filepath.Join("..", "..", "bases", "registryprofile.yaml"))
	checked := 0
	for _, file := range files {
		if strings.HasSuffix(file, ".rl.yaml") {
			continue
		}
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		prof, fs := profile.DecodeSources([]profile.Source{{Name: file, Data: data}})
		if fs.HasErrors() {
			continue // refused before the rules run
		}
		_, fs = render.Render(prof, render.Options{})
		for _, f := range fs {
			if f.Rule == "" || f.Path == "" {
				continue
			}
			checked++
			if !profile.IsField(f.Path) {
				t.Errorf("%s: rule %s reports %q, which is not a field of the API", filepath.Base(file), f.Rule, f.Path)
			}
		}
	}
	if checked < 50 {
		t.Errorf("only %d rule findings with a path were checked; the catalog no longer drives the rules", checked)
	}
}

func TestIsField(t *testing.T) {
	for path, want := range map[string]bool{
		"spec.registry.replicas":                                                 true,
		"spec.platforms.aws-upi.registry.storage.s3.bucket":                      true,
		"spec.credentials.externalSecret.data.REGISTRY_STORAGE_X":                true,
		"spec.registry.tolerations[0].key":                                       true, // a Kubernetes type
		"spec.registry.nodeSelector.node-role.kubernetes.io/infra":               true, // a key with dots
		"spec.registry.routes[0].secretSource.externalSecret.data.ca.crt":        true,
		"spec.registry.routes[0].secretSource.externalSecret.data.ca.crt.remote": true, // the key may be ca.crt.remote
		"spec.platforms.aws-upi.registry.replicass":                              false,
		"spec.registry.replicass":                                                false,
		"spec.registry.replicas.x":                                               false,
		"spec.registry.storage.s3.bucket[0]":                                     false,
	} {
		if got := profile.IsField(path); got != want {
			t.Errorf("IsField(%q) = %v, want %v", path, got, want)
		}
	}
}
