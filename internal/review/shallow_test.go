package review

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func gitIn(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", append([]string{"-c", "user.name=t", "-c", "user.email=t@t", "-c", "init.defaultBranch=main", "-c", "protocol.file.allow=always"}, args...)...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %v: %v\n%s", args, err, out)
	}
	return strings.TrimSpace(string(out))
}

// In a clone made with --depth 1 --single-branch of a feature branch, the
// base is the merge base with the remote's default branch, fetched as
// needed; not the feature branch itself (which origin/HEAD names there).
func TestDefaultBaseInAShallowSingleBranchClone(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip(err)
	}
	dir := t.TempDir()
	repo := filepath.Join(dir, "repo")
	os.Mkdir(repo, 0o755)
	gitIn(t, repo, "init", "-q")
	os.WriteFile(filepath.Join(repo, "f"), []byte("1"), 0o644)
	gitIn(t, repo, "add", "f")
	gitIn(t, repo, "commit", "-qm", "base")
	base := gitIn(t, repo, "rev-parse", "HEAD")
	gitIn(t, repo, "checkout", "-qb", "feature")
	for _, v := range []string{"2", "3"} {
		os.WriteFile(filepath.Join(repo, "f"), []byte(v), 0o644)
		gitIn(t, repo, "commit", "-qam", v)
	}
	gitIn(t, repo, "checkout", "-q", "main")

	clone := filepath.Join(dir, "clone")
	gitIn(t, dir, "clone", "-q", "--depth", "1", "--single-branch", "--branch", "feature", "file://"+repo, clone)
	rev, label, err := DefaultBase(clone)
	if err != nil || rev != base || label != "merge base with origin/main" {
		t.Fatalf("got %s %q %v, want %s", rev, label, err, base)
	}

	// Without the remote, the error says how to fix it.
	other := filepath.Join(dir, "other")
	gitIn(t, dir, "clone", "-q", "--depth", "1", "--single-branch", "--branch", "feature", "file://"+repo, other)
	gitIn(t, other, "remote", "set-url", "origin", "file://"+filepath.Join(dir, "gone"))
	_, _, err = DefaultBase(other)
	if err == nil || !strings.Contains(err.Error(), "fix: git fetch origin main (in a single-branch clone), or pass --base REV") {
		t.Errorf("got %v", err)
	}
}
