// Package testkit holds what the tests share, in one place: golden files
// (Golden, which UPDATE_GOLDEN=1 rewrites), the repository's example profile
// (Example*), the secret scan (ScanSecrets), and what end-to-end tests run:
// the project's own binaries, freshly built (a stale bin/ must never be what
// passes), the pinned kustomize that make tools installs, and the optional
// tools (Tool). Tests of every module of the repository import it; it
// imports nothing of regprofile's own.
package testkit

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// rootModule is the first line of the repository's own go.mod; the
// modules nested in it (e2e/apiserver and others) have go.mod files of
// their own, which RepoRoot passes by.
const rootModule = "module regprofile.dev/regprofile\n"

// RepoRoot is the repository's root: the nearest directory up from the
// working directory whose go.mod is regprofile.dev/regprofile's.
func RepoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	return rootAbove(dir)
}

// rootAbove is the repository's root at or above dir.
func rootAbove(dir string) (string, error) {
	for {
		if data, err := os.ReadFile(filepath.Join(dir, "go.mod")); err == nil && strings.HasPrefix(string(data), rootModule) {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod of regprofile.dev/regprofile above the working directory")
		}
		dir = parent
	}
}

// Root is RepoRoot for a test or benchmark, which fails without it.
func Root(t testing.TB) string {
	t.Helper()
	root, err := RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	return root
}

// Build compiles each package (binary name to package path, relative to
// root) into dir, each in its own module: a package below a nested go.mod
// (fn/argocd's) is built there, with that module's requirements.
func Build(root, dir string, binaries map[string]string) error {
	for bin, pkg := range binaries {
		mod, rel := moduleOf(root, pkg)
		cmd := exec.Command("go", "build", "-o", filepath.Join(dir, bin), rel)
		cmd.Dir, cmd.Stdout, cmd.Stderr = mod, os.Stderr, os.Stderr
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("building %s: %w", bin, err)
		}
	}
	return nil
}

// moduleOf is the directory of the module that holds pkg (a path relative
// to root) and pkg relative to it.
func moduleOf(root, pkg string) (string, string) {
	for dir := filepath.Clean(pkg); dir != "." && dir != string(filepath.Separator); dir = filepath.Dir(dir) {
		if _, err := os.Stat(filepath.Join(root, dir, "go.mod")); err == nil {
			rel, _ := filepath.Rel(dir, pkg)
			return filepath.Join(root, dir), "./" + filepath.ToSlash(rel)
		}
	}
	return root, pkg
}

// Kustomize is the pinned kustomize in root/bin.
func Kustomize(root string) (string, error) {
	path := filepath.Join(root, "bin", "kustomize")
	if _, err := os.Stat(path); err != nil {
		return "", errors.New("the pinned kustomize is missing from bin/: run 'make tools'")
	}
	return path, nil
}

// Run is a TestMain body: it finds the repository's root, makes a scratch
// directory, lets setup prepare binaries in it, runs the tests and removes
// the directory. A setup error stops the run before any test.
func Run(m interface{ Run() int }, setup func(root, scratch string) error) int {
	root, err := RepoRoot()
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	scratch, err := os.MkdirTemp("", "regprofile-e2e")
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	defer os.RemoveAll(scratch)
	if err := setup(root, scratch); err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	return m.Run()
}
