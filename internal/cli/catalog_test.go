package cli

import (
	"crypto/sha256"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"regprofile.dev/regprofile/internal/testkit"
)

// TestInvalidCatalog runs every bad input in fn/testdata/invalid and checks
// the exact error lines, a non-zero exit and that nothing was rendered.
// <case>.yaml is a profile file for "regprofile render"; <case>.rl.yaml is a
// ResourceList for the KRM function. <case>.stderr is the expected stderr;
// UPDATE_GOLDEN=1 rewrites it (review the diff).
func TestInvalidCatalog(t *testing.T) {
	dir, err := filepath.Abs(filepath.Join("..", "..", "fn", "testdata", "invalid"))
	if err != nil {
		t.Fatal(err)
	}
	inputs, _ := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if len(inputs) < 50 {
		t.Fatalf("the catalog has %d cases; it should cover at least 50", len(inputs))
	}
	// An earlier emit's tree, which emit of a bad profile must leave as it
	// was: not one file written, removed or changed.
	tree := filepath.Join(t.TempDir(), "rendered")
	good := filepath.Join(t.TempDir(), "good.yaml")
	if err := os.WriteFile(good, []byte(profileDoc), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := runFn(t, "", "emit", "--out", tree, good); code != 0 {
		t.Fatalf("emit of a good profile: exit %d: %s", code, stderr)
	}
	before := treeState(t, tree)
	t.Chdir(dir) // messages name the file as the user passed it
	for _, input := range inputs {
		name := filepath.Base(input)
		t.Run(strings.TrimSuffix(name, ".yaml"), func(t *testing.T) {
			var code int
			var stdout, stderr string
			if strings.HasSuffix(name, ".rl.yaml") {
				data, err := os.ReadFile(name)
				if err != nil {
					t.Fatal(err)
				}
				code, stdout, stderr = runFn(t, string(data))
				// The function returns the ResourceList with its results;
				// none of the registry's kinds may have been rendered.
				for _, kind := range []string{"kind: Config\n", "kind: PersistentVolumeClaim\n", "kind: ImagePruner\n"} {
					if strings.Contains(stdout, kind) && !strings.Contains(string(mustRead(t, name)), kind) {
						t.Errorf("rendered %s despite the error", strings.TrimSpace(kind))
					}
				}
			} else {
				code, stdout, stderr = runFn(t, "", "render", name)
				if stdout != "" {
					t.Errorf("wrote %d bytes to stdout despite the error", len(stdout))
				}
				ecode, estdout, estderr := runFn(t, "", "emit", "--out", tree, name)
				if ecode != 1 || estdout != "" || !strings.Contains(estderr, ": error: ") {
					t.Errorf("emit: exit %d, %d bytes on stdout, stderr:\n%s", ecode, len(estdout), estderr)
				}
				if after := treeState(t, tree); after != before {
					t.Errorf("emit changed the existing tree despite the error:\n%s\nwas:\n%s", after, before)
				}
			}
			if code != 1 {
				t.Errorf("exit %d, want 1", code)
			}
			if !strings.Contains(stderr, ": error: ") {
				t.Errorf("no error line:\n%s", stderr)
			}
			testkit.Golden(t, strings.TrimSuffix(name, ".yaml")+".stderr", stderr)
		})
	}
}

// Generated cases too large or too deep to keep in the repository.
func TestHostileInputs(t *testing.T) {
	dir := t.TempDir()
	head := "apiVersion: regprofile.dev/v1alpha1\nkind: RegistryProfile\nmetadata:\n  name: registry\nspec:\n"
	for _, tc := range []struct{ name, doc, at, want string }{
		{"huge", head + "  platform: aws-upi\n  x: '" + strings.Repeat("a", 5<<20) + "'\n",
			"", "the file is over 4 MiB; a profile is at most 4 MiB; fix: keep large data (such as CA bundles) out of the profile, or split them"},
		{"deep", head + "  registry:\n    tolerations: " + strings.Repeat("[", 20000) + strings.Repeat("]", 20000) + "\n",
			":7", "not valid YAML: exceeded max depth of 10000; fix: fix the YAML syntax"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			file := filepath.Join(dir, tc.name+".yaml")
			if err := os.WriteFile(file, []byte(tc.doc), 0o644); err != nil {
				t.Fatal(err)
			}
			code, stdout, stderr := runFn(t, "", "render", file)
			want := "regprofile: error: " + file + tc.at + ": " + tc.want + "\n"
			if code != 1 || stdout != "" || stderr != want {
				t.Errorf("exit %d, %d bytes out, stderr:\n%s\nwant:\n%s", code, len(stdout), stderr, want)
			}
		})
	}
}

// treeState lists every entry under dir (directories, files and links,
// never followed) with its mode and content, sorted: two equal states are
// the same tree.
func treeState(t *testing.T, dir string) string {
	t.Helper()
	var b strings.Builder
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		fmt.Fprintf(&b, "%s %v", rel, info.Mode())
		switch {
		case info.Mode()&fs.ModeSymlink != 0:
			target, err := os.Readlink(path)
			if err != nil {
				return err
			}
			fmt.Fprintf(&b, " -> %s", target)
		case info.Mode().IsRegular():
			data, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			fmt.Fprintf(&b, " %x", sha256.Sum256(data))
		}
		b.WriteString("\n")
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func mustRead(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatalf("%v (run UPDATE_GOLDEN=1 go test ./internal/cli/ and review the new file)", err)
	}
	return data
}
