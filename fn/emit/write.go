package emit

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
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

// rename is os.Rename; tests replace it to fail part-way.
var rename = os.Rename

// Write writes the tree into dir, all or nothing. A new dir is built next
// to it and renamed into place in one step. In an existing dir every file
// is first written to a staging directory beside it and everything is
// checked; files are then renamed into place, and a failure part-way moves
// the old files back. On any error nothing in dir has changed.
func Write(dir string, tree Tree, opts Options) (Summary, error) {
	var sum Summary
	parent := filepath.Dir(dir)
	if st, err := os.Stat(parent); err != nil || !st.IsDir() {
		return sum, fmt.Errorf("%s: the parent directory %s does not exist; fix: create it, or choose another --out", dir, parent)
	}
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
	case !st.IsDir():
		return sum, fmt.Errorf("%s exists and is not a directory; fix: choose another --out", dir)
	}

	owned, hasMarker, err := readMarker(dir)
	if err != nil {
		return sum, err
	}
	if !hasMarker && !opts.Force {
		entries, err := os.ReadDir(dir)
		if err != nil {
			return sum, err
		}
		if len(entries) > 0 {
			names := make([]string, 0, len(entries))
			for _, e := range entries {
				names = append(names, e.Name()+": not written by regprofile emit")
			}
			return sum, &ConflictError{Dir: dir, NoMarker: true, Conflicts: names}
		}
	}

	plan, conflicts, err := planChanges(dir, files, owned)
	if err != nil {
		return sum, err
	}
	if len(conflicts) > 0 && !opts.Force {
		return sum, &ConflictError{Dir: dir, Conflicts: conflicts}
	}
	for _, op := range plan {
		switch {
		case op.path == MarkerFile:
		case op.remove:
			sum.Removed = append(sum.Removed, op.path)
		case op.data == nil:
			sum.Unchanged = append(sum.Unchanged, op.path)
		default:
			sum.Written = append(sum.Written, op.path)
		}
	}
	if len(sum.Written) == 0 && len(sum.Removed) == 0 && !plan.touches(MarkerFile) {
		return sum, nil
	}
	return sum, apply(dir, plan)
}

// writeNew builds the whole tree beside dir and renames it into place.
func writeNew(dir string, files map[string][]byte) (Summary, error) {
	var sum Summary
	stage, err := os.MkdirTemp(filepath.Dir(dir), "."+filepath.Base(dir)+".regprofile-emit-")
	if err != nil {
		return sum, err
	}
	defer os.RemoveAll(stage)
	root := filepath.Join(stage, "new")
	for _, p := range slices.Sorted(maps.Keys(files)) {
		if err := writeFile(filepath.Join(root, filepath.FromSlash(p)), files[p]); err != nil {
			return sum, err
		}
		if p != MarkerFile {
			sum.Written = append(sum.Written, p)
		}
	}
	if err := rename(root, dir); err != nil {
		return Summary{}, err
	}
	return sum, nil
}

// op is one file's change: data to write (nil: unchanged), or removal.
type op struct {
	path   string
	data   []byte
	remove bool
}

type plan []op

func (pl plan) touches(p string) bool {
	for _, o := range pl {
		if o.path == p && (o.data != nil || o.remove) {
			return true
		}
	}
	return false
}

// planChanges decides each file's fate and lists the conflicts: files to
// overwrite or remove that emit does not own as they are now.
func planChanges(dir string, files map[string][]byte, owned map[string]string) (plan, []string, error) {
	var pl plan
	var conflicts []string
	for _, p := range slices.Sorted(maps.Keys(files)) {
		if p == MarkerFile {
			continue
		}
		if err := checkParents(dir, p); err != nil {
			return nil, nil, err
		}
		cur, exists, err := readExisting(dir, p)
		if err != nil {
			return nil, nil, err
		}
		switch {
		case !exists:
			pl = append(pl, op{path: p, data: files[p]})
		case bytes.Equal(cur, files[p]):
			pl = append(pl, op{path: p})
		default:
			if why := ownership(p, cur, owned); why != "" {
				conflicts = append(conflicts, p+": "+why+"; emit would overwrite it")
			}
			pl = append(pl, op{path: p, data: files[p]})
		}
	}
	for _, p := range slices.Sorted(maps.Keys(owned)) {
		if _, keep := files[p]; keep {
			continue
		}
		cur, exists, err := readExisting(dir, p)
		if err != nil {
			return nil, nil, err
		}
		if !exists {
			continue
		}
		if why := ownership(p, cur, owned); why != "" {
			conflicts = append(conflicts, p+": "+why+"; emit would remove it")
		}
		pl = append(pl, op{path: p, remove: true})
	}
	// The marker goes last, so that it never lists a file not yet in place.
	cur, _, err := readExisting(dir, MarkerFile)
	if err != nil {
		return nil, nil, err
	}
	if bytes.Equal(cur, files[MarkerFile]) {
		pl = append(pl, op{path: MarkerFile})
	} else {
		pl = append(pl, op{path: MarkerFile, data: files[MarkerFile]})
	}
	return pl, conflicts, nil
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

// checkParents refuses a path whose parent directories exist as files.
func checkParents(dir, p string) error {
	for d := path.Dir(p); d != "."; d = path.Dir(d) {
		st, err := os.Lstat(filepath.Join(dir, filepath.FromSlash(d)))
		if err == nil && !st.IsDir() {
			return fmt.Errorf("%s: %s is a file where emit needs a directory; fix: move it away, or choose another --out", filepath.Join(dir, filepath.FromSlash(d)), d)
		}
	}
	return nil
}

// readExisting reads a file of the tree if it exists; a directory where a
// file should be is an error.
func readExisting(dir, p string) ([]byte, bool, error) {
	full := filepath.Join(dir, filepath.FromSlash(p))
	st, err := os.Lstat(full)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	if !st.Mode().IsRegular() {
		return nil, false, fmt.Errorf("%s is not a regular file; fix: move it away, or choose another --out", full)
	}
	data, err := os.ReadFile(full)
	return data, err == nil, err
}

// apply carries out a plan in an existing dir: new contents are staged
// beside it, then renamed into place, old files moved to a backup first.
// A failure rolls back every step taken, in reverse.
func apply(dir string, pl plan) (err error) {
	stage, err := os.MkdirTemp(filepath.Dir(dir), "."+filepath.Base(dir)+".regprofile-emit-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(stage)
	newRoot, oldRoot := filepath.Join(stage, "new"), filepath.Join(stage, "old")
	for _, o := range pl {
		if o.data != nil {
			if err := writeFile(filepath.Join(newRoot, filepath.FromSlash(o.path)), o.data); err != nil {
				return err
			}
		}
	}

	var undo []func() error
	defer func() {
		if err == nil {
			return
		}
		for i := len(undo) - 1; i >= 0; i-- {
			if uerr := undo[i](); uerr != nil {
				err = fmt.Errorf("%w; rolling back also failed: %v (the previous files are in %s)", err, uerr, oldRoot)
			}
		}
	}()
	var removed []string
	for _, o := range pl {
		if o.data == nil && !o.remove {
			continue
		}
		target := filepath.Join(dir, filepath.FromSlash(o.path))
		if _, statErr := os.Lstat(target); statErr == nil {
			backup := filepath.Join(oldRoot, filepath.FromSlash(o.path))
			if err := os.MkdirAll(filepath.Dir(backup), 0o755); err != nil {
				return err
			}
			if err := rename(target, backup); err != nil {
				return err
			}
			undo = append(undo, func() error { return rename(backup, target) })
		}
		if o.remove {
			removed = append(removed, o.path)
			continue
		}
		created, err := mkdirs(dir, path.Dir(o.path))
		undo = append(undo, func() error { return removeDirs(created) })
		if err != nil {
			return err
		}
		if err := rename(filepath.Join(newRoot, filepath.FromSlash(o.path)), target); err != nil {
			return err
		}
		undo = append(undo, func() error { return os.Remove(target) })
	}
	for _, p := range removed {
		pruneEmptyDirs(dir, path.Dir(p))
	}
	return nil
}

// mkdirs creates the missing directories of rel under dir and returns
// them, deepest first, for rollback.
func mkdirs(dir, rel string) ([]string, error) {
	var missing []string
	for d := rel; d != "."; d = path.Dir(d) {
		full := filepath.Join(dir, filepath.FromSlash(d))
		if _, err := os.Lstat(full); err == nil {
			break
		}
		missing = append(missing, full)
	}
	for i := len(missing) - 1; i >= 0; i-- {
		if err := os.Mkdir(missing[i], 0o755); err != nil {
			return missing[i+1:], err
		}
	}
	return missing, nil
}

func removeDirs(dirs []string) error {
	for _, d := range dirs {
		if err := os.Remove(d); err != nil {
			return err
		}
	}
	return nil
}

// pruneEmptyDirs removes directories a removal left empty, up to dir.
func pruneEmptyDirs(dir, rel string) {
	for d := rel; d != "."; d = path.Dir(d) {
		if os.Remove(filepath.Join(dir, filepath.FromSlash(d))) != nil {
			return // not empty
		}
	}
}

func writeFile(p string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	return os.WriteFile(p, data, 0o644)
}

// marker lists every file of the tree with its SHA-256, sorted by path.
func marker(tree Tree) []byte {
	var b strings.Builder
	for _, p := range slices.Sorted(maps.Keys(tree)) {
		b.WriteString(digest(tree[p]) + "  " + p + "\n")
	}
	return []byte(b.String())
}

// readMarker reads the marker of dir: path to SHA-256.
func readMarker(dir string) (map[string]string, bool, error) {
	file := filepath.Join(dir, MarkerFile)
	data, err := os.ReadFile(file)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	owned := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		sum, p, ok := strings.Cut(sc.Text(), "  ")
		if _, herr := hex.DecodeString(sum); !ok || herr != nil || len(sum) != 64 || !safePath(p) {
			return nil, false, fmt.Errorf("%s: line %d is not \"<sha256>  <path>\"; fix: restore the file from version control, or delete it and pass --force", file, n)
		}
		owned[p] = sum
	}
	return owned, true, sc.Err()
}

// safePath accepts only relative paths that stay inside the directory, so
// that a tampered marker cannot make emit remove files elsewhere.
func safePath(p string) bool {
	return p != "" && !path.IsAbs(p) && path.Clean(p) == p && p != ".." && !strings.HasPrefix(p, "../") && p != MarkerFile
}

func digest(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}
