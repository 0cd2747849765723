package emit

import (
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"regprofile.dev/regprofile/internal/layout"
)

// synthetic is a tree of n files whose contents say which version they are.
func synthetic(version string, n int) layout.Tree {
	t := layout.Tree{}
	for i := 0; i < n; i++ {
		t[fmt.Sprintf("overlays/p%d/file%d.yaml", i%20, i)] = []byte(strings.Repeat(version+"\n", 200))
	}
	return t
}

// A symbolic link anywhere in the existing tree is refused, before
// anything is read through it or written, even with --force.
func TestWriteRefusesSymlinks(t *testing.T) {
	for _, tc := range []struct{ name, link, target string }{
		{"a file emit owns", "bases/kustomization.yaml", "../../victim"},
		{"a directory", "overlays", "../elsewhere"},
		{"the marker", MarkerFile, "../victim"},
		{"an unrelated file", "README.md", "/etc/passwd"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			parent := t.TempDir()
			dir := filepath.Join(parent, "out")
			tree := buildTree(t, twoPlatforms)
			if _, err := write(t, dir, tree, Options{}); err != nil {
				t.Fatal(err)
			}
			victim := filepath.Join(parent, "victim")
			os.WriteFile(victim, []byte("keep"), 0o644)
			os.MkdirAll(filepath.Join(parent, "elsewhere"), 0o755)
			link := filepath.Join(dir, tc.link)
			os.RemoveAll(link)
			if err := os.Symlink(tc.target, link); err != nil {
				t.Fatal(err)
			}
			before := read(t, parent)
			_, err := write(t, dir, buildTree(t, strings.ReplaceAll(twoPlatforms, "120Gi", "150Gi")), Options{Force: true})
			want := link + " is a symbolic link; emit does not follow or keep links; fix: remove it, or choose another --out"
			if err == nil || err.Error() != want {
				t.Errorf("got %v\nwant %s", err, want)
			}
			if after := read(t, parent); !maps.Equal(before, after) {
				t.Errorf("files changed")
			}
		})
	}
	t.Run("the output directory", func(t *testing.T) {
		parent := t.TempDir()
		os.Mkdir(filepath.Join(parent, "real"), 0o755)
		dir := filepath.Join(parent, "out")
		os.Symlink("real", dir)
		_, err := write(t, dir, buildTree(t, twoPlatforms), Options{Force: true})
		if err == nil || !strings.Contains(err.Error(), "is a symbolic link; emit does not follow links") {
			t.Errorf("got %v", err)
		}
	})
}

// Marker lines that are not clean relative paths are refused.
func TestWriteRefusesUncleanMarkerPaths(t *testing.T) {
	for _, p := range []string{"../x", "/etc/passwd", "a/../../x", "./a", "a//b", "a/", ".", "a\\..\\b", ""} {
		dir := filepath.Join(t.TempDir(), "out")
		tree := buildTree(t, twoPlatforms)
		if _, err := write(t, dir, tree, Options{}); err != nil {
			t.Fatal(err)
		}
		marker := filepath.Join(dir, MarkerFile)
		data, _ := os.ReadFile(marker)
		os.WriteFile(marker, []byte(string(data)+strings.Repeat("0", 64)+"  "+p+"\n"), 0o644)
		if _, err := write(t, dir, tree, Options{Force: true}); err == nil || !strings.Contains(err.Error(), "with a clean relative path") {
			t.Errorf("%q: got %v", p, err)
		}
	}
}

// Two emits into one directory: the second fails while the first holds
// the lock.
func TestWriteLocksTheDirectory(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	unlock, err := lock(dir)
	if err != nil {
		t.Fatal(err)
	}
	_, err = write(t, dir, buildTree(t, twoPlatforms), Options{})
	want := dir + ": another regprofile emit is writing there; fix: wait for it to finish and run again"
	if err == nil || err.Error() != want {
		t.Errorf("got %v\nwant %s", err, want)
	}
	if _, serr := os.Stat(dir); !os.IsNotExist(serr) {
		t.Errorf("wrote %s", dir)
	}
	unlock()
	if _, err := write(t, dir, buildTree(t, twoPlatforms), Options{}); err != nil {
		t.Errorf("after unlock: %v", err)
	}
}

// Emits into sibling directories (one per cluster, run in parallel) do not
// wait for each other: the lock is the target's, not its parent's.
func TestWriteSiblingsInParallel(t *testing.T) {
	parent := t.TempDir()
	unlock, err := lock(filepath.Join(parent, "cluster-1"))
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()
	if _, err := write(t, filepath.Join(parent, "cluster-2"), buildTree(t, twoPlatforms), Options{}); err != nil {
		t.Errorf("an emit into a sibling: %v", err)
	}
	// The same name under another parent is another target.
	if _, err := write(t, filepath.Join(t.TempDir(), "cluster-1"), buildTree(t, twoPlatforms), Options{}); err != nil {
		t.Errorf("the same name elsewhere: %v", err)
	}
}

// An emit killed at any instant leaves the old tree or the new one, never
// a mix; the next emit cleans up after it.
func TestWriteKilledAtAnyInstant(t *testing.T) {
	if dir := os.Getenv("REGPROFILE_EMIT_CHILD"); dir != "" {
		if _, err := Write(dir, synthetic("new", 300), Options{}); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	if testing.Short() {
		t.Skip("spawns processes")
	}
	parent := t.TempDir()
	dir := filepath.Join(parent, "out")
	oldTree, newTree := synthetic("old", 300), synthetic("new", 300)
	want := func(tree layout.Tree) map[string]string {
		m := map[string]string{MarkerFile: string(marker(tree))}
		for p, d := range tree {
			m[filepath.FromSlash(p)] = string(d)
		}
		return m
	}
	oldFiles, newFiles := want(oldTree), want(newTree)
	// How long a whole run takes, to spread the kills over it.
	start := time.Now()
	if _, err := Write(dir, newTree, Options{}); err != nil {
		t.Fatal(err)
	}
	full := time.Since(start) * 2
	sawOld, sawNew := 0, 0
	for i := 0; i < 10; i++ {
		os.RemoveAll(dir)
		if _, err := Write(dir, oldTree, Options{}); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(os.Args[0], "-test.run=^TestWriteKilledAtAnyInstant$")
		cmd.Env = append(os.Environ(), "REGPROFILE_EMIT_CHILD="+dir)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Duration(rand.Int64N(int64(full) + 1)))
		cmd.Process.Signal(syscall.SIGKILL)
		cmd.Wait()
		switch got := read(t, dir); {
		case maps.Equal(got, oldFiles):
			sawOld++
		case maps.Equal(got, newFiles):
			sawNew++
		default:
			t.Fatalf("kill %d: the tree is neither the old nor the new one (%d files)", i, len(got))
		}
		if _, err := Write(dir, newTree, Options{}); err != nil {
			t.Fatalf("after kill %d: %v", i, err)
		}
		if got := read(t, dir); !maps.Equal(got, newFiles) {
			t.Fatalf("after kill %d: the next emit did not write the new tree", i)
		}
		if entries, _ := os.ReadDir(parent); len(entries) != 1 {
			t.Fatalf("after kill %d: left beside the output: %v", i, entries)
		}
	}
	t.Logf("old %d, new %d", sawOld, sawNew)
}

// FuzzWriteMarker runs emit over a tree whose marker holds arbitrary bytes:
// whatever it lists, nothing outside the output directory is read through a
// link, written or removed.
func FuzzWriteMarker(f *testing.F) {
	f.Add([]byte(strings.Repeat("0", 64) + "  ../victim\n"))
	f.Add([]byte(strings.Repeat("a", 64) + "  bases/kustomization.yaml\n"))
	f.Add([]byte(strings.Repeat("0", 64) + "  link/x\n"))
	tree := synthetic("new", 5)
	f.Fuzz(func(t *testing.T, markerData []byte) {
		parent := t.TempDir()
		dir := filepath.Join(parent, "out")
		if _, err := Write(dir, synthetic("old", 5), Options{}); err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(parent, "victim"), []byte("keep"), 0o644)
		os.WriteFile(filepath.Join(dir, MarkerFile), markerData, 0o644)
		before := read(t, parent)
		delete(before, filepath.Join("out", MarkerFile))
		_, _ = Write(dir, tree, Options{Force: true})
		after := read(t, parent)
		if after["victim"] != "keep" {
			t.Fatalf("the file outside changed")
		}
		for p := range after {
			if !strings.HasPrefix(p, "out"+string(filepath.Separator)) && p != "victim" {
				t.Fatalf("wrote %s outside the output", p)
			}
		}
	})
}

// The staging directory a killed emit left is removed by the next emit
// into the same directory, a link there removed and not followed; the
// staging directories of other targets beside it are left alone.
func TestWriteRemovesOnlyItsOwnStage(t *testing.T) {
	parent, outside := t.TempDir(), t.TempDir()
	if err := os.WriteFile(filepath.Join(outside, "keep"), []byte("keep"), 0o644); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(parent, "out")
	other := filepath.Join(stageDir(filepath.Join(parent, "other")), "new")
	if err := os.MkdirAll(other, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, stageDir(dir)); err != nil {
		t.Fatal(err)
	}
	if _, err := Write(dir, synthetic("first", 3), Options{}); err != nil {
		t.Fatalf("over a stale link: %v", err)
	}
	if data, err := os.ReadFile(filepath.Join(outside, "keep")); err != nil || string(data) != "keep" {
		t.Fatalf("the link's target changed: %q, %v", data, err)
	}
	if err := os.MkdirAll(filepath.Join(stageDir(dir), "new", "half-written"), 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := Write(dir, synthetic("second", 3), Options{}); err != nil {
		t.Fatalf("over a stale staging directory: %v", err)
	}
	if _, err := os.Lstat(stageDir(dir)); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the stale staging directory is still there: %v", err)
	}
	if _, err := os.Stat(other); err != nil {
		t.Errorf("another target's staging directory was removed: %v", err)
	}
}
