package testkit

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// UpdateEnv is the variable that makes Golden rewrite golden files instead
// of comparing with them.
const UpdateEnv = "UPDATE_GOLDEN"

// Golden compares got with the golden file at path (relative to the test's
// directory) and fails the test with the first differing line. With
// UPDATE_GOLDEN set it writes got there instead; the new file is reviewed
// like code.
func Golden(t testing.TB, path, got string) {
	t.Helper()
	if os.Getenv(UpdateEnv) != "" {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run %s and review the new file)", err, updateCommand())
	}
	if string(want) != got {
		t.Errorf("%s is out of date: run %s and review the diff; the first difference:\n%s", path, updateCommand(), LineDiff(string(want), got))
	}
}

// packageDir is the directory go test starts the test binary in, its
// package's, captured before a test can change directory (t.Chdir).
var packageDir, packageDirErr = os.Getwd()

// updateCommand is the command that rewrites the current package's golden
// files.
func updateCommand() string {
	pkg := "."
	if packageDirErr == nil {
		if root, err := rootAbove(packageDir); err == nil {
			if rel, err := filepath.Rel(root, packageDir); err == nil {
				pkg = "./" + filepath.ToSlash(rel) + "/"
			}
		}
	}
	return UpdateEnv + "=1 go test " + pkg
}

// LineDiff shows the first lines that differ, enough to see what changed;
// "" when want and got are equal.
func LineDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(w) || i < len(g); i++ {
		var a, b string
		if i < len(w) {
			a = w[i]
		}
		if i < len(g) {
			b = g[i]
		}
		if a != b {
			return fmt.Sprintf("line %d:\n- %s\n+ %s", i+1, a, b)
		}
	}
	return ""
}

// AddSeeds adds every file that matches each glob pattern (relative to the
// test's directory, or absolute) to a fuzz target's seed corpus. A pattern
// that matches nothing fails: a moved catalog must not leave the fuzzer
// without its seeds.
func AddSeeds(f *testing.F, patterns ...string) {
	f.Helper()
	for _, pattern := range patterns {
		files, err := filepath.Glob(pattern)
		if err != nil || len(files) == 0 {
			f.Fatalf("fuzz seeds: %q matches no file (%v)", pattern, err)
		}
		for _, file := range files {
			data, err := os.ReadFile(file)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(data)
		}
	}
}
