package testkit

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// errorRecorder records Errorf, as a failing comparison reports.
type errorRecorder struct {
	recorder
	errored string
}

func (r *errorRecorder) Errorf(format string, args ...any) { r.errored = sprintf(format, args...) }

func TestGoldenComparesAndUpdates(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.yaml")
	t.Setenv(UpdateEnv, "1")
	Golden(t, path, "a: 1\nb: 2\n")
	if data, _ := os.ReadFile(path); string(data) != "a: 1\nb: 2\n" {
		t.Fatalf("UPDATE_GOLDEN=1 wrote %q", data)
	}
	t.Setenv(UpdateEnv, "")
	Golden(t, path, "a: 1\nb: 2\n")
	r := &errorRecorder{recorder: recorder{TB: t}}
	Golden(r, path, "a: 1\nb: 3\n")
	for _, want := range []string{path + " is out of date", "UPDATE_GOLDEN=1 go test ./internal/testkit/", "line 2:\n- b: 2\n+ b: 3"} {
		if !strings.Contains(r.errored, want) {
			t.Errorf("a differing golden reported %q, want it to say %q", r.errored, want)
		}
	}
	if data, _ := os.ReadFile(path); string(data) != "a: 1\nb: 2\n" {
		t.Errorf("a comparison changed the golden file: %q", data)
	}
}

// Every overlay's profile is the base with that overlay's platform, and
// all of them together name every overlay's platform.
func TestExampleProfile(t *testing.T) {
	overlays := ExampleOverlays(t)
	if len(overlays) < 7 {
		t.Fatalf("%d overlays", len(overlays))
	}
	base := string(ExampleProfile(t))
	if base != string(ExampleBaseProfile(t)) {
		t.Errorf("no overlay should be the base as written")
	}
	for _, o := range overlays {
		if p := string(ExampleProfile(t, o)); !strings.Contains(p, "  platform: "+o+"\n") || !strings.Contains(p, "kind: RegistryProfile\n") {
			t.Errorf("overlay %s: the merged profile does not select its platform:\n%s", o, p)
		}
	}
	all := string(ExampleProfile(t, overlays...))
	for _, o := range overlays {
		if !strings.Contains(all, "\n    "+o+":") {
			t.Errorf("the whole example does not name %s:\n%s", o, all)
		}
	}
	plain := string(ExamplePlainProfile(t, overlays...))
	if strings.Contains(plain, "local-config") || !strings.Contains(plain, "kind: RegistryProfile\n") || !strings.Contains(plain, "\n    "+overlays[0]+":") {
		t.Errorf("the plain profile keeps the base's annotations or loses its content:\n%s", plain)
	}
	if !strings.Contains(base, "local-config") {
		t.Errorf("the base has no local-config annotation any more: ExamplePlainProfile's test tests nothing")
	}
	if len(ExampleFiles(t)) != len(overlays)+1 {
		t.Errorf("ExampleFiles: %v", ExampleFiles(t))
	}
}

// A package below a nested go.mod is built in that module.
func TestModuleOf(t *testing.T) {
	root := Root(t)
	for _, c := range []struct{ pkg, mod, rel string }{
		{"./fn/cmd/regprofile", root, "./fn/cmd/regprofile"},
		{"./fn/argocd/cmd/regprofile-argocd", filepath.Join(root, "fn", "argocd"), "./cmd/regprofile-argocd"},
		{"./e2e/apiserver", filepath.Join(root, "e2e", "apiserver"), "./."},
	} {
		if mod, rel := moduleOf(root, c.pkg); mod != c.mod || rel != c.rel {
			t.Errorf("moduleOf(%s) = %s, %s; want %s, %s", c.pkg, mod, rel, c.mod, c.rel)
		}
	}
}

// The update command names the test's package even after the test changes
// directory (the catalog's test runs in fn/testdata/invalid).
func TestUpdateCommandNamesThePackage(t *testing.T) {
	t.Chdir(t.TempDir())
	if got, want := updateCommand(), UpdateEnv+"=1 go test ./internal/testkit/"; got != want {
		t.Errorf("updateCommand() = %q, want %q", got, want)
	}
}
