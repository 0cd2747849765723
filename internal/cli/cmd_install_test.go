package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fakeKustomize writes a kustomize stand-in that answers "version" as the
// pinned release does, and returns its directory.
func fakeKustomize(t *testing.T, script string) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "kustomize"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestInstallCopiesBothBinaries(t *testing.T) {
	kdir := fakeKustomize(t, "#!/bin/sh\necho v5.8.2\n")
	t.Setenv("PATH", kdir)
	dir := t.TempDir()
	code, out, stderr := runFn(t, "", "install", dir)
	if code != 0 || out != "installed regprofile and kustomize v5.8.2 into "+dir+"\n" || stderr != "" {
		t.Fatalf("exit %d\nstdout %q\nstderr %q", code, out, stderr)
	}
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	for name, from := range map[string]string{"regprofile": self, "kustomize": filepath.Join(kdir, "kustomize")} {
		got, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		want, _ := os.ReadFile(from)
		if !bytes.Equal(got, want) {
			t.Errorf("%s is not a copy of %s", name, from)
		}
		// Argo CD runs the sidecar as UID 999 and OpenShift as an arbitrary
		// UID: the binaries must be executable by anyone.
		if fi, _ := os.Stat(filepath.Join(dir, name)); fi.Mode().Perm() != 0o755 {
			t.Errorf("%s has mode %v, want 0755", name, fi.Mode().Perm())
		}
	}
	entries, _ := os.ReadDir(dir)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if strings.Join(names, " ") != "kustomize regprofile" {
		t.Errorf("DIR holds %v; want exactly kustomize and regprofile (no temporary files)", names)
	}
}

func TestInstallTakesKustomizeFromFlag(t *testing.T) {
	kdir := fakeKustomize(t, "#!/bin/sh\necho v5.8.2\n")
	// kustomize is not on PATH.
	t.Setenv("PATH", t.TempDir())
	dir := t.TempDir()
	code, out, stderr := runFn(t, "", "install", "--kustomize", filepath.Join(kdir, "kustomize"), dir)
	if code != 0 || out != "installed regprofile and kustomize v5.8.2 into "+dir+"\n" {
		t.Fatalf("exit %d\nstdout %q\nstderr %q", code, out, stderr)
	}
}

func TestInstallFailures(t *testing.T) {
	self, _ := os.Executable()
	self, _ = filepath.EvalSymlinks(self)
	t.Run("no kustomize", func(t *testing.T) {
		t.Setenv("PATH", t.TempDir())
		code, _, stderr := runFn(t, "", "install", t.TempDir())
		want := "regprofile install: error: no kustomize beside " + self + " or on PATH; fix: pass --kustomize PATH\n"
		if code != 1 || stderr != want {
			t.Errorf("exit %d, stderr %q; want 1 and %q", code, stderr, want)
		}
	})
	t.Run("kustomize does not run", func(t *testing.T) {
		kdir := fakeKustomize(t, "#!/bin/sh\nexit 126\n")
		t.Setenv("PATH", kdir)
		dir := t.TempDir()
		// What was installed before stays, untouched: all or nothing.
		os.WriteFile(filepath.Join(dir, "regprofile"), []byte("old"), 0o755)
		code, _, stderr := runFn(t, "", "install", dir)
		want := "regprofile install: error: the kustomize to install (" + filepath.Join(kdir, "kustomize") + ") does not run: exit status 126; fix: install a kustomize built for this platform\n"
		if code != 1 || stderr != want {
			t.Errorf("exit %d, stderr %q; want 1 and %q", code, stderr, want)
		}
		entries, _ := os.ReadDir(dir)
		if data, _ := os.ReadFile(filepath.Join(dir, "regprofile")); len(entries) != 1 || string(data) != "old" {
			t.Errorf("the directory changed: %v", entries)
		}
	})
	t.Run("missing directory", func(t *testing.T) {
		kdir := fakeKustomize(t, "#!/bin/sh\necho v5.8.2\n")
		t.Setenv("PATH", kdir)
		dir := filepath.Join(t.TempDir(), "absent")
		code, _, stderr := runFn(t, "", "install", dir)
		want := "regprofile install: error: " + dir + " is not a directory; fix: mount the volume the sidecar reads its tools from there\n"
		if code != 1 || stderr != want {
			t.Errorf("exit %d, stderr %q; want 1 and %q", code, stderr, want)
		}
	})
	for _, args := range [][]string{{"install"}, {"install", "a", "b"}, {"install", "--bogus", "a"}} {
		if code, _, stderr := runFn(t, "", args...); code != 2 || !strings.Contains(stderr, "Usage: regprofile install [--kustomize PATH] DIR") {
			t.Errorf("%v: exit %d, stderr %q; want 2 with usage", args, code, stderr)
		}
	}
}
