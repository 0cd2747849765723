// Package docs runs the commands README.md and docs/*.md show, as a new
// user would after cloning the repository.
package docs

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"regprofile.dev/regprofile/internal/testkit"
)

var repoRoot, kustomize string

func TestMain(m *testing.M) {
	os.Exit(testkit.Run(m, func(root, _ string) (err error) {
		repoRoot = root
		kustomize, err = testkit.Kustomize(root)
		return err
	}))
}

// docSkips are the documented commands the test does not run, each with
// its reason; keep it short. A pattern matches a command (continuation
// lines joined); a file pattern skips the whole file.
var docSkips = []struct{ pattern, why string }{
	{`^make test\b`, "the README's test command is what runs this test"},
	{`\b(oc|kubectl) `, "needs a cluster"},
	{`^podman `, "needs podman and an image registry"},
	{`^make image\b`, "needs podman or buildah; make e2e-image builds the image and runs it (TestFunctionImage*)"},
	{`^FILE docs/benchmarks\.md$`, "its figures are filled in by make bench; its commands run in the harness's scratch directories ($W, $F) for minutes"},
	{`^FILE docs/adopt\.md$`, "its commands run against the live dumps in internal/adopt/testdata, by e2e/adopt_doc_test.go (TestAdoptDocCommands)"},
}

var fence = regexp.MustCompile("(?ms)^```sh\n(.*?)^```")

// TestDocumentedCommands runs every command of the ```sh blocks in
// README.md and docs/*.md, in order, in a fresh copy of the repository
// committed as a new git repository, with its ./bin first on PATH and HOME
// a scratch directory: what a new user would type after cloning. A file's
// blocks run as one bash script (set -euo pipefail), so a variable one
// block sets is there in the next, as for a reader.
func TestDocumentedCommands(t *testing.T) {
	if testing.Short() {
		t.Skip("builds every binary in a copy of the repository")
	}
	dir, home := freshClone(t), t.TempDir()
	env := []string{"HOME=" + home, "PATH=" + filepath.Join(dir, "bin") + string(os.PathListSeparator) + os.Getenv("PATH")}
	// Keep Go's caches where they are: HOME moved, the module cache must not.
	for _, v := range []string{"GOPATH", "GOMODCACHE", "GOCACHE"} {
		out, err := exec.Command("go", "env", v).Output()
		if err != nil {
			t.Fatal(err)
		}
		env = append(env, v+"="+strings.TrimSpace(string(out)))
	}
	files, _ := filepath.Glob(filepath.Join(repoRoot, "docs", "*.md"))
	files = append([]string{filepath.Join(repoRoot, "README.md")}, files...)
	for _, file := range files {
		rel, _ := filepath.Rel(repoRoot, file)
		if why := skipped("FILE " + rel); why != "" {
			t.Logf("SKIP %s: %s", rel, why)
			continue
		}
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		var script strings.Builder
		script.WriteString("set -euo pipefail\ntrap 'echo \"FAILED: $BASH_COMMAND\" >&2' ERR\n")
		ran := 0
		for _, m := range fence.FindAllSubmatch(data, -1) {
			for _, cmd := range commandsOf(string(m[1])) {
				if why := skipped(cmd); why != "" {
					t.Logf("SKIP %s: %s: %s", rel, cmd, why)
					continue
				}
				fmt.Fprintf(&script, "echo %q >&2\n%s\n", "+ "+cmd, cmd)
				ran++
			}
		}
		if ran == 0 {
			continue
		}
		t.Run(rel, func(t *testing.T) {
			cmd := exec.Command("bash", "-c", script.String())
			cmd.Dir = dir
			cmd.Env = append(os.Environ(), env...)
			var out bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &out
			if err := cmd.Run(); err != nil {
				t.Errorf("%s: a documented command failed (%v):\n%s", rel, err, tail(out.String(), 60))
			}
		})
	}
}

// commandsOf splits a block into commands: continuation lines joined,
// blank and comment-only lines dropped.
func commandsOf(block string) []string {
	var cmds []string
	var cur string
	for _, line := range strings.Split(block, "\n") {
		if strings.HasSuffix(line, "\\") {
			cur += strings.TrimSuffix(line, "\\")
			continue
		}
		line = strings.TrimSpace(cur + line)
		cur = ""
		if line != "" && !strings.HasPrefix(line, "#") {
			cmds = append(cmds, line)
		}
	}
	return cmds
}

func skipped(cmd string) string {
	for _, s := range docSkips {
		if regexp.MustCompile(s.pattern).MatchString(cmd) {
			return s.why
		}
	}
	return ""
}

// freshClone copies the working tree's files (tracked, and new ones git
// does not ignore) into a new git repository on branch main with one
// commit, and the pinned kustomize into its bin/ (make tools would fetch
// the same).
func freshClone(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	list, err := exec.Command("git", "-C", repoRoot, "ls-files", "-z", "--cached", "--others", "--exclude-standard").Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range strings.Split(strings.TrimRight(string(list), "\x00"), "\x00") {
		if strings.HasPrefix(name, "bin/") {
			continue
		}
		data, err := os.ReadFile(filepath.Join(repoRoot, name))
		if os.IsNotExist(err) {
			continue // deleted in the working tree
		}
		if err != nil {
			t.Fatal(err)
		}
		info, _ := os.Stat(filepath.Join(repoRoot, name))
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), data, info.Mode().Perm()); err != nil {
			t.Fatal(err)
		}
	}
	data, err := os.ReadFile(kustomize)
	if err == nil {
		os.Mkdir(filepath.Join(dir, "bin"), 0o755)
		err = os.WriteFile(filepath.Join(dir, "bin", "kustomize"), data, 0o755)
	}
	if err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"init", "-q", "-b", "main"}, {"add", "-A"}, {"-c", "user.name=docs", "-c", "user.email=docs@example.com", "commit", "-q", "-m", "fresh clone"}} {
		if out, err := exec.Command("git", append([]string{"-C", dir}, args...)...).CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	return dir
}

func tail(s string, n int) string {
	lines := strings.Split(s, "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
