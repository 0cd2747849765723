// Package testbin prepares what end-to-end tests run: the project's own
// binaries, freshly built (a stale bin/ must never be what passes), and the
// pinned kustomize that make tools installs.
package testbin

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
)

// RepoRoot is the repository's root: the nearest directory up from the
// working directory that holds go.mod.
func RepoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod above the working directory")
		}
		dir = parent
	}
}

// Build compiles each package (binary name to package path, relative to
// root) into dir.
func Build(root, dir string, binaries map[string]string) error {
	for bin, pkg := range binaries {
		cmd := exec.Command("go", "build", "-o", filepath.Join(dir, bin), pkg)
		cmd.Dir, cmd.Stdout, cmd.Stderr = root, os.Stderr, os.Stderr
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("building %s: %w", bin, err)
		}
	}
	return nil
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
