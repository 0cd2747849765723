package review

import (
	"archive/tar"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"regprofile.dev/regprofile/internal/build"
	"regprofile.dev/regprofile/internal/profile"
	"regprofile.dev/regprofile/internal/render"
)

// Target is one thing rendered at each revision: a kustomize overlay
// directory, rendered through kustomize (in process, exec functions
// enabled, so regprofile runs as in Argo CD), or a profile file, rendered
// in process for every platform it names. Path is slash-separated and
// relative to the repository's root.
type Target struct {
	Path    string
	Profile bool
}

// OverlaysDir is where the default targets live: overlays/<name>/.
const OverlaysDir = "overlays"

var kustomizationFiles = []string{"kustomization.yaml", "kustomization.yml", "Kustomization"}

// IsOverlay reports whether dir (inside root) holds a kustomization.
func IsOverlay(root, dir string) bool {
	for _, k := range kustomizationFiles {
		if st, err := os.Stat(filepath.Join(root, filepath.FromSlash(dir), k)); err == nil && st.Mode().IsRegular() {
			return true
		}
	}
	return false
}

// DiscoverOverlays lists the overlays/<name>/ directories that hold a
// kustomization in the tree at root.
func DiscoverOverlays(root string) []Target {
	entries, _ := os.ReadDir(filepath.Join(root, OverlaysDir))
	var out []Target
	for _, e := range entries {
		if dir := path.Join(OverlaysDir, e.Name()); e.IsDir() && IsOverlay(root, dir) {
			out = append(out, Target{Path: dir})
		}
	}
	return out
}

// label names a target's render in reports: an overlay under overlays/ by
// its directory's name (the platform, in the usual layout), another by
// its path; a profile's platforms by platform name, prefixed with the
// file when several profiles are compared.
func label(t Target, platform string, manyProfiles bool) string {
	switch {
	case t.Profile && manyProfiles:
		return t.Path + ":" + platform
	case t.Profile:
		return platform
	case path.Dir(t.Path) == OverlaysDir:
		return path.Base(t.Path)
	}
	return t.Path
}

// RenderTree renders the targets in the tree at root. A target missing
// from the tree is left out: it does not exist at that revision.
func RenderTree(root string, targets []Target) (Rendering, error) {
	profiles := 0
	for _, t := range targets {
		if t.Profile {
			profiles++
		}
	}
	out := Rendering{}
	for _, t := range targets {
		full := filepath.Join(root, filepath.FromSlash(t.Path))
		if _, err := os.Stat(full); errors.Is(err, os.ErrNotExist) {
			continue
		}
		if !t.Profile {
			if !IsOverlay(root, t.Path) {
				continue
			}
			objs, err := buildOverlay(full)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", t.Path, err)
			}
			out[label(t, "", false)] = objs
			continue
		}
		byPlatform, err := renderProfile(full, t.Path)
		if err != nil {
			return nil, err
		}
		for platform, objs := range byPlatform {
			name := label(t, platform, profiles > 1)
			if _, dup := out[name]; dup {
				return nil, fmt.Errorf("%s: two targets render %q; compare them separately", t.Path, name)
			}
			out[name] = objs
		}
	}
	return out, nil
}

// BuildOptions are how overlays are built (regprofile build's code: what
// kustomize build --enable-alpha-plugins --enable-exec prints, with the
// function in process when that is exact).
var BuildOptions build.Options

// buildOverlay builds an overlay as regprofile build does.
func buildOverlay(dir string) ([]*Object, error) {
	res, err := build.Build(dir, BuildOptions)
	if err != nil {
		return nil, fmt.Errorf("kustomize build: %w", err)
	}
	return ParseObjects(string(res.YAML))
}

// renderProfile renders every platform a profile file names.
func renderProfile(file, name string) (map[string][]*Object, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	prof, fs := profile.DecodeBytes(data)
	var rendered []render.Rendered
	if !fs.HasErrors() {
		rendered, fs = render.All(prof)
	}
	if fs.HasErrors() {
		var msgs []string
		for _, f := range fs {
			msgs = append(msgs, fmt.Sprintf("%s: %s: %s", f.Severity, name, f.Text()))
		}
		return nil, errors.New(strings.Join(msgs, "\n"))
	}
	out := map[string][]*Object{}
	for _, r := range rendered {
		var stream []string
		for _, o := range r.Objects {
			stream = append(stream, r.YAML[o])
		}
		objs, err := ParseObjects(strings.Join(stream, "---\n"))
		if err != nil {
			return nil, err
		}
		out[r.Platform] = objs
	}
	return out, nil
}

// Git runs git in dir and returns its trimmed output; a failure carries
// git's own message.
func Git(dir string, args ...string) (string, error) {
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		msg := strings.TrimSpace(stderr.String())
		if msg == "" {
			msg = err.Error()
		}
		return "", fmt.Errorf("git %s: %s", strings.Join(args, " "), msg)
	}
	return strings.TrimSpace(stdout.String()), nil
}

// DefaultBase is the merge base of HEAD with the default branch. The
// default branch is the one the remote origin names (git ls-remote), else
// the local origin/HEAD, else main or master (remote or local). A clone
// made with --single-branch or --depth lacks that branch or the history
// to the merge base (and its origin/HEAD may even name the checked-out
// branch itself, which would make every change look like none): the
// branch is then fetched, and a shallow clone deepened with --unshallow.
// When that is impossible the error names the command that fixes it.
func DefaultBase(root string) (rev, lbl string, err error) {
	var candidates []string
	if def := remoteDefault(root); def != "" {
		candidates = append(candidates, "origin/"+def)
		if _, err := Git(root, "rev-parse", "--verify", "--quiet", "refs/remotes/origin/"+def+"^{commit}"); err != nil {
			// A single-branch clone: fetch the default branch.
			_, _ = Git(root, "fetch", "--quiet", "--no-tags", "origin", "+refs/heads/"+def+":refs/remotes/origin/"+def)
		}
	} else if ref, err := Git(root, "symbolic-ref", "--quiet", "--short", "refs/remotes/origin/HEAD"); err == nil && ref != "" {
		// A single-branch clone's origin/HEAD names the branch it cloned,
		// which is no base for that branch.
		if cur, err := Git(root, "symbolic-ref", "--quiet", "--short", "HEAD"); err != nil || ref != "origin/"+cur {
			candidates = append(candidates, ref)
		}
	}
	candidates = append(candidates, "origin/main", "origin/master", "main", "master")
	for _, branch := range candidates {
		if _, err := Git(root, "rev-parse", "--verify", "--quiet", branch+"^{commit}"); err != nil {
			continue
		}
		mb, err := Git(root, "merge-base", "HEAD", branch)
		if err != nil && isShallow(root) && strings.HasPrefix(branch, "origin/") {
			// The history to the merge base is not here: fetch it.
			name := strings.TrimPrefix(branch, "origin/")
			if _, ferr := Git(root, "fetch", "--quiet", "--no-tags", "--unshallow", "origin", "+refs/heads/"+name+":refs/remotes/"+branch); ferr == nil {
				mb, err = Git(root, "merge-base", "HEAD", branch)
			}
		}
		if err != nil {
			return "", "", fmt.Errorf("no merge base of HEAD and %s in this clone (shallow, or without the history they share); fix: git fetch --unshallow origin %s, or pass --base REV", branch, strings.TrimPrefix(branch, "origin/"))
		}
		return mb, "merge base with " + branch, nil
	}
	return "", "", errors.New("no default branch found (tried the remote's HEAD, origin/main, origin/master, main, master); fix: git fetch origin main (in a single-branch clone), or pass --base REV")
}

// remoteDefault asks origin which branch its HEAD is, or "".
func remoteDefault(root string) string {
	out, err := Git(root, "ls-remote", "--symref", "origin", "HEAD")
	if err != nil {
		return ""
	}
	for _, line := range strings.Split(out, "\n") {
		if rest, ok := strings.CutPrefix(line, "ref: refs/heads/"); ok {
			name, _, _ := strings.Cut(rest, "\t")
			return name
		}
	}
	return ""
}

func isShallow(root string) bool {
	out, err := Git(root, "rev-parse", "--is-shallow-repository")
	return err == nil && out == "true"
}

// Checkout writes the tree of rev into dest (git archive, unpacked).
func Checkout(root, rev, dest string) error {
	if _, err := Git(root, "rev-parse", "--verify", "--quiet", rev+"^{commit}"); err != nil {
		return fmt.Errorf("%q is not a commit in %s; fix: pass a branch, tag or commit that exists (fetch it first in a shallow clone)", rev, root)
	}
	cmd := exec.Command("git", "archive", "--format=tar", rev)
	cmd.Dir = root
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	pipe, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return err
	}
	untarErr := os.MkdirAll(dest, 0o755)
	if untarErr == nil {
		untarErr = untar(pipe, dest)
	}
	_, _ = io.Copy(io.Discard, pipe)
	if err := cmd.Wait(); err != nil {
		return fmt.Errorf("git archive %s: %s", rev, strings.TrimSpace(stderr.String()))
	}
	return untarErr
}

// untar unpacks git archive's output into dest through an os.Root: no
// entry is written outside dest, whatever its name or the links before it.
// Regular files are created, never overwritten (two entries of one name
// are an error, as a symbolic link and a directory of one name would be);
// a symbolic link is recreated only when its target is relative and has no
// ".." (so that no chain of links leads out of the tree), else refused.
func untar(r io.Reader, dest string) error {
	root, err := os.OpenRoot(dest)
	if err != nil {
		return err
	}
	defer root.Close()
	tr := tar.NewReader(r)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		name := strings.TrimSuffix(h.Name, "/")
		switch h.Typeflag {
		case tar.TypeXGlobalHeader, tar.TypeXHeader:
			continue
		}
		if !fs.ValidPath(name) || name == "." {
			return fmt.Errorf("git archive: unsafe path %q", h.Name)
		}
		if d := path.Dir(name); d != "." {
			if err := root.MkdirAll(d, 0o755); err != nil {
				return fmt.Errorf("git archive: %s: %w", name, err)
			}
		}
		switch h.Typeflag {
		case tar.TypeDir:
			err = root.MkdirAll(name, 0o755)
		case tar.TypeReg:
			err = writeFrom(root, name, tr, os.FileMode(h.Mode)&0o777)
		case tar.TypeSymlink:
			target := h.Linkname
			if path.IsAbs(target) || target == ".." || strings.HasPrefix(target, "../") || strings.Contains(target, "/../") || strings.HasSuffix(target, "/..") {
				return fmt.Errorf("%s is a symbolic link leading out of its directory; regprofile diff does not follow such links; fix: make it a link to a path below it, or a copy", name)
			}
			err = root.Symlink(target, name)
		default:
			return fmt.Errorf("%s is neither a file, a directory nor a symbolic link; regprofile diff does not extract it", name)
		}
		if err != nil {
			return fmt.Errorf("git archive: %s: %w", name, err)
		}
	}
}

func writeFrom(root *os.Root, name string, r io.Reader, mode os.FileMode) error {
	f, err := root.OpenFile(name, os.O_CREATE|os.O_EXCL|os.O_WRONLY, mode|0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, r); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// Targets resolves command-line arguments (paths relative to cwd) into
// targets relative to root: a directory is an overlay, a file a profile.
// A path may exist in only one of the trees (added or removed). With no
// arguments, every overlay under overlays/ in either tree.
func Targets(root, cwd string, args []string, trees ...string) ([]Target, error) {
	if len(args) == 0 {
		seen := map[string]bool{}
		var out []Target
		for _, tree := range trees {
			for _, t := range DiscoverOverlays(tree) {
				if !seen[t.Path] {
					seen[t.Path] = true
					out = append(out, t)
				}
			}
		}
		if len(out) == 0 {
			return nil, fmt.Errorf("no %s/<name>/kustomization.yaml in %s at either revision; fix: name the profile files or overlay directories to compare", OverlaysDir, root)
		}
		sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
		return out, nil
	}
	var out []Target
	for _, a := range args {
		abs := a
		if !filepath.IsAbs(abs) {
			abs = filepath.Join(cwd, a)
		}
		rel, err := filepath.Rel(root, abs)
		if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			return nil, fmt.Errorf("%s is outside the repository %s; fix: name a path inside it", a, root)
		}
		rel = filepath.ToSlash(rel)
		found := false
		for _, tree := range trees {
			st, err := os.Stat(filepath.Join(tree, filepath.FromSlash(rel)))
			if err != nil {
				continue
			}
			out = append(out, Target{Path: rel, Profile: !st.IsDir()})
			found = true
			break
		}
		if !found {
			return nil, fmt.Errorf("%s exists at neither revision; fix: name a profile file or an overlay directory", a)
		}
	}
	return out, nil
}
