// Package emit writes the tree that package layout lays out ("regprofile
// emit"): into a target directory, all or nothing, never outside it, and
// idempotently (a second run changes nothing).
package emit

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"regprofile.dev/regprofile/internal/layout"
)

// MarkerFile, in the output directory, lists every file emit wrote there
// with its SHA-256, in sha256sum's format ("sha256sum -c .regprofile-emit"
// checks them). A re-run replaces or removes a file only when it is listed
// and unchanged since; anything else needs --force.
const MarkerFile = ".regprofile-emit"

// Options change how Write treats files it does not own.
type Options struct {
	// Force overwrites files emit did not write (or that changed since it
	// wrote them) and removes files it wrote that changed since. Files it
	// never wrote are never removed, even with Force.
	Force bool
}

// Summary says what Write did, by path relative to the output directory.
type Summary struct {
	Written, Unchanged, Removed []string
}

// ConflictError is a refusal: files emit would overwrite or remove without
// owning them. Nothing was written.
type ConflictError struct {
	Dir       string
	NoMarker  bool     // Dir holds files and no marker: emit never wrote there
	Conflicts []string // "path: reason"
}

func (e *ConflictError) Error() string {
	var b strings.Builder
	if e.NoMarker {
		fmt.Fprintf(&b, "%s is not empty and was not written by regprofile emit (no %s)", e.Dir, MarkerFile)
	} else {
		fmt.Fprintf(&b, "%s: refusing to overwrite or remove files regprofile emit does not own", e.Dir)
	}
	for _, c := range e.Conflicts {
		b.WriteString("\n  " + c)
	}
	b.WriteString("\nfix: choose another --out, move those files away, or pass --force to overwrite them")
	return b.String()
}

// Write writes the tree into dir, all or nothing, and never reads, writes
// or removes anything outside dir or through a symbolic link:
//   - It holds an exclusive lock on dir while it works (see lock; on
//     Linux an abstract socket, elsewhere a lock file beside dir): a second
//     emit into the same dir fails at once rather than mixing two trees,
//     and emits into other directories are not held up.
//   - It reads the existing dir through an os.Root and refuses any symbolic
//     link or special file in it, and any marker line that is not a clean
//     relative path.
//   - It builds the complete new tree (the new files, and every file emit
//     does not own, copied) in a staging directory beside dir, then swaps
//     the two with one rename(2) (renameat2 RENAME_EXCHANGE on Linux): at
//     every instant dir is the old tree or the new one, even if the process
//     is killed. The old tree is then removed with the staging directory;
//     a staging directory left by a killed run is removed by the next.
//
// Where RENAME_EXCHANGE is not available (other systems, some file
// systems) the swap is two renames, and a kill between them leaves dir
// missing and the old tree in the staging directory beside it.
func Write(dir string, tree layout.Tree, opts Options) (Summary, error) {
	var sum Summary
	dir = filepath.Clean(dir)
	parent := filepath.Dir(dir)
	if st, err := os.Stat(parent); err != nil || !st.IsDir() {
		return sum, fmt.Errorf("%s: the parent directory %s does not exist; fix: create it, or choose another --out", dir, parent)
	}
	unlock, err := lock(dir)
	if err != nil {
		return sum, err
	}
	defer unlock()
	removeStale(dir)

	files := map[string][]byte{}
	for p, data := range tree {
		files[p] = data
	}
	files[MarkerFile] = marker(tree)

	st, err := os.Lstat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return writeNew(dir, files)
	case err != nil:
		return sum, err
	case st.Mode()&fs.ModeSymlink != 0:
		return sum, fmt.Errorf("%s is a symbolic link; emit does not follow links; fix: pass the directory it points to, or choose another --out", dir)
	case !st.IsDir():
		return sum, fmt.Errorf("%s exists and is not a directory; fix: choose another --out", dir)
	}

	root, err := os.OpenRoot(dir)
	if err != nil {
		return sum, err
	}
	defer root.Close()
	existing, err := scan(root, dir)
	if err != nil {
		return sum, err
	}
	owned, hasMarker, err := readMarker(root, dir, existing)
	if err != nil {
		return sum, err
	}
	if !hasMarker && !opts.Force && len(existing.entries) > 0 {
		var names []string
		for _, e := range existing.entries {
			if !strings.Contains(e, "/") {
				names = append(names, e+": not written by regprofile emit")
			}
		}
		return sum, &ConflictError{Dir: dir, NoMarker: true, Conflicts: names}
	}

	var conflicts []string
	changed := false
	for _, p := range slices.Sorted(maps.Keys(files)) {
		if p == MarkerFile {
			continue
		}
		if err := existing.checkParents(dir, p); err != nil {
			return sum, err
		}
		cur, exists, err := existing.read(root, dir, p)
		switch {
		case err != nil:
			return sum, err
		case !exists:
			sum.Written = append(sum.Written, p)
			changed = true
		case bytes.Equal(cur, files[p]):
			sum.Unchanged = append(sum.Unchanged, p)
		default:
			if why := ownership(p, cur, owned); why != "" {
				conflicts = append(conflicts, p+": "+why+"; emit would overwrite it")
			}
			sum.Written = append(sum.Written, p)
			changed = true
		}
	}
	removed := map[string]bool{}
	for _, p := range slices.Sorted(maps.Keys(owned)) {
		if _, keep := files[p]; keep {
			continue
		}
		cur, exists, err := existing.read(root, dir, p)
		if err != nil {
			return sum, err
		}
		if !exists {
			continue
		}
		if why := ownership(p, cur, owned); why != "" {
			conflicts = append(conflicts, p+": "+why+"; emit would remove it")
		}
		sum.Removed = append(sum.Removed, p)
		removed[p] = true
		changed = true
	}
	if len(conflicts) > 0 && !opts.Force {
		return Summary{}, &ConflictError{Dir: dir, Conflicts: conflicts}
	}
	cur, _, err := existing.read(root, dir, MarkerFile)
	if err != nil {
		return Summary{}, err
	}
	if !changed && bytes.Equal(cur, files[MarkerFile]) {
		return sum, nil
	}
	// Everything emit does not write or remove is carried over.
	keep := map[string]bool{}
	for _, p := range existing.files {
		if _, written := files[p]; !written && !removed[p] {
			keep[p] = true
		}
	}
	if err := replace(dir, st.Mode().Perm(), files, root, existing, keep); err != nil {
		return Summary{}, err
	}
	return sum, nil
}

// stageDir is the staging directory beside dir. Every emit into dir holds
// dir's lock, so one fixed name serves them all, and removing the one a
// killed emit left is one call: with a name of its own per emit, finding
// the leftovers read the whole parent directory on every emit, and a fleet
// emitted into sibling directories paid for every sibling each time.
func stageDir(dir string) string {
	return filepath.Join(filepath.Dir(dir), "."+filepath.Base(dir)+".regprofile-emit-stage")
}

// removeStale removes the staging directory a killed emit left beside dir
// (a link there is removed, not followed). It runs under the lock, so no
// other emit is using it.
func removeStale(dir string) { os.RemoveAll(stageDir(dir)) }

// newStage creates the staging directory; it fails rather than reuse one
// that is there.
func newStage(dir string) (string, error) {
	stage := stageDir(dir)
	return stage, os.Mkdir(stage, 0o700)
}

// writeNew builds the whole tree beside dir and renames it into place.
func writeNew(dir string, files map[string][]byte) (Summary, error) {
	var sum Summary
	stage, err := newStage(dir)
	if err != nil {
		return sum, err
	}
	defer os.RemoveAll(stage)
	newRoot := filepath.Join(stage, "new")
	if err := writeTree(newRoot, 0o755, files, nil, nil, nil); err != nil {
		return sum, err
	}
	for _, p := range slices.Sorted(maps.Keys(files)) {
		if p != MarkerFile {
			sum.Written = append(sum.Written, p)
		}
	}
	if err := rename(newRoot, dir); err != nil {
		return Summary{}, err
	}
	return sum, nil
}

// rename and exchange are the renames that put a tree in place; tests
// replace them to fail or stop part-way.
var (
	rename   = os.Rename
	exchange = exchangeDirs
)

// replace writes the new tree beside dir and swaps it in.
func replace(dir string, perm fs.FileMode, files map[string][]byte, old *os.Root, existing *scanned, keep map[string]bool) error {
	stage, err := newStage(dir)
	if err != nil {
		return err
	}
	defer os.RemoveAll(stage)
	newRoot := filepath.Join(stage, "new")
	if err := writeTree(newRoot, perm, files, old, existing, keep); err != nil {
		return err
	}
	return exchange(newRoot, dir)
}

// writeTree writes files, and the files and directories of old listed in
// keep (with every directory of old), into a new directory.
func writeTree(dir string, perm fs.FileMode, files map[string][]byte, old *os.Root, existing *scanned, keep map[string]bool) error {
	if err := os.Mkdir(dir, perm|0o700); err != nil {
		return err
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return err
	}
	defer root.Close()
	if existing != nil {
		// Directories that were empty stay; one that emit emptied goes.
		for _, d := range existing.dirs {
			if existing.children[d] == 0 {
				if err := root.MkdirAll(d, 0o755); err != nil {
					return err
				}
			}
		}
	}
	for _, p := range slices.Sorted(maps.Keys(keep)) {
		data, _, err := existing.read(old, "", p)
		if err != nil {
			return err
		}
		if err := rootWrite(root, p, data, existing.modes[p]); err != nil {
			return err
		}
	}
	for _, p := range slices.Sorted(maps.Keys(files)) {
		if err := rootWrite(root, p, files[p], 0o644); err != nil {
			return err
		}
	}
	return nil
}

func rootWrite(root *os.Root, p string, data []byte, mode fs.FileMode) error {
	if d := path.Dir(p); d != "." {
		if err := root.MkdirAll(d, 0o755); err != nil {
			return err
		}
	}
	f, err := root.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL, mode)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// scanned is what an existing output directory holds.
type scanned struct {
	files   []string // regular files, slash-separated, sorted
	dirs    []string
	entries []string // everything, for messages
	modes   map[string]fs.FileMode
	isFile  map[string]bool
	isDir   map[string]bool
	// children counts each directory's entries.
	children map[string]int
}

// scan lists an existing output directory without following anything: a
// symbolic link, device, socket or pipe anywhere in it is an error.
func scan(root *os.Root, dir string) (*scanned, error) {
	s := &scanned{modes: map[string]fs.FileMode{}, isFile: map[string]bool{}, isDir: map[string]bool{}, children: map[string]int{}}
	err := fs.WalkDir(root.FS(), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if p == "." {
			return nil
		}
		s.entries = append(s.entries, p)
		s.children[path.Dir(p)]++
		switch {
		case d.Type()&fs.ModeSymlink != 0:
			return fmt.Errorf("%s is a symbolic link; emit does not follow or keep links; fix: remove it, or choose another --out", filepath.Join(dir, filepath.FromSlash(p)))
		case d.IsDir():
			s.dirs = append(s.dirs, p)
			s.isDir[p] = true
		case d.Type().IsRegular():
			info, err := d.Info()
			if err != nil {
				return err
			}
			s.files = append(s.files, p)
			s.modes[p] = info.Mode().Perm()
			s.isFile[p] = true
		default:
			return fmt.Errorf("%s is not a regular file or directory; fix: move it away, or choose another --out", filepath.Join(dir, filepath.FromSlash(p)))
		}
		return nil
	})
	return s, err
}

// checkParents refuses a path whose parent directories exist as files.
func (s *scanned) checkParents(dir, p string) error {
	for d := path.Dir(p); d != "."; d = path.Dir(d) {
		if s.isFile[d] {
			return fmt.Errorf("%s: %s is a file where emit needs a directory; fix: move it away, or choose another --out", filepath.Join(dir, filepath.FromSlash(d)), d)
		}
	}
	return nil
}

// read reads a regular file that scan found, through root, and checks
// that it is still the file scan saw (not replaced by a link since).
func (s *scanned) read(root *os.Root, dir, p string) ([]byte, bool, error) {
	if s.isDir[p] {
		return nil, false, fmt.Errorf("%s is a directory where emit writes a file; fix: move it away, or choose another --out", filepath.Join(dir, filepath.FromSlash(p)))
	}
	if !s.isFile[p] {
		return nil, false, nil
	}
	before, err := root.Lstat(p)
	if err != nil {
		return nil, false, err
	}
	f, err := root.Open(p)
	if err != nil {
		return nil, false, err
	}
	defer f.Close()
	after, err := f.Stat()
	if err != nil {
		return nil, false, err
	}
	if !before.Mode().IsRegular() || !os.SameFile(before, after) {
		return nil, false, fmt.Errorf("%s changed while emit was reading it; fix: run emit again when nothing else writes there", filepath.Join(dir, filepath.FromSlash(p)))
	}
	data, err := io.ReadAll(f)
	return data, err == nil, err
}

// ownership says why emit does not own a file as it is now; "" if it does.
func ownership(p string, cur []byte, owned map[string]string) string {
	sum, listed := owned[p]
	switch {
	case !listed:
		return "not written by regprofile emit"
	case sum != digest(cur):
		return "changed since regprofile emit wrote it"
	}
	return ""
}

// marker lists every file of the tree with its SHA-256, sorted by path.
func marker(tree layout.Tree) []byte {
	var b strings.Builder
	for _, p := range slices.Sorted(maps.Keys(tree)) {
		b.WriteString(digest(tree[p]) + "  " + p + "\n")
	}
	return []byte(b.String())
}

// readMarker reads the marker of dir: path to SHA-256. Every line must be
// "<sha256>  <path>" with a clean relative path inside dir; the scan has
// already refused symbolic links, so no path leads outside.
func readMarker(root *os.Root, dir string, existing *scanned) (map[string]string, bool, error) {
	file := filepath.Join(dir, MarkerFile)
	data, exists, err := existing.read(root, dir, MarkerFile)
	if err != nil || !exists {
		return nil, false, err
	}
	owned := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		sum, p, ok := strings.Cut(sc.Text(), "  ")
		if _, herr := hex.DecodeString(sum); !ok || herr != nil || len(sum) != 64 || !safePath(p) {
			return nil, false, fmt.Errorf("%s: line %d is not \"<sha256>  <path>\" with a clean relative path; fix: restore the file from version control, or delete it and pass --force", file, n)
		}
		owned[p] = sum
	}
	if sc.Err() != nil {
		return nil, false, fmt.Errorf("%s: %v; fix: restore the file from version control, or delete it and pass --force", file, sc.Err())
	}
	return owned, true, nil
}

// safePath accepts only clean relative paths that stay inside the
// directory, so that a tampered marker cannot make emit touch files
// elsewhere.
func safePath(p string) bool {
	return p != "" && fs.ValidPath(p) && p != "." && p != MarkerFile && !strings.Contains(p, "\\")
}

func digest(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}
