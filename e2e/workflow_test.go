package e2e

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"regprofile.dev/regprofile/e2e/diffcases"
)

// workflow is the part of a GitHub Actions workflow the test reads. YAML
// 1.2 (yaml.v3, through kyaml), where "on" is a string, as GitHub reads it.
type workflow struct {
	On          map[string]any    `yaml:"on"`
	Permissions map[string]string `yaml:"permissions"`
	Jobs        map[string]struct {
		RunsOn string `yaml:"runs-on"`
		Steps  []struct {
			Name string            `yaml:"name"`
			Uses string            `yaml:"uses"`
			With map[string]any    `yaml:"with"`
			Env  map[string]string `yaml:"env"`
			Run  string            `yaml:"run"`
			If   string            `yaml:"if"`
		} `yaml:"steps"`
	} `yaml:"jobs"`
}

// fakeGitHub serves the issue-comment endpoints the workflow calls and
// records the comments.
type fakeGitHub struct {
	mu       sync.Mutex
	comments []map[string]any
	calls    []string
}

func (f *fakeGitHub) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, r.Method+" "+r.URL.Path)
	if r.Header.Get("Authorization") != "Bearer test-token" {
		http.Error(w, `{"message":"Bad credentials"}`, http.StatusUnauthorized)
		return
	}
	var body struct{ Body string }
	if r.Method != http.MethodGet {
		data, _ := io.ReadAll(r.Body)
		if err := json.Unmarshal(data, &body); err != nil || body.Body == "" {
			http.Error(w, `{"message":"Problems parsing JSON"}`, http.StatusBadRequest)
			return
		}
	}
	switch {
	case r.Method == http.MethodGet && r.URL.Path == "/repos/acme/registry/issues/7/comments":
		_ = json.NewEncoder(w).Encode(f.comments)
	case r.Method == http.MethodPost && r.URL.Path == "/repos/acme/registry/issues/7/comments":
		c := map[string]any{"id": float64(100 + len(f.comments)), "body": body.Body, "user": map[string]any{"login": "github-actions[bot]", "type": "Bot"}}
		f.comments = append(f.comments, c)
		w.WriteHeader(http.StatusCreated)
		_ = json.NewEncoder(w).Encode(c)
	case r.Method == http.MethodPatch && strings.HasPrefix(r.URL.Path, "/repos/acme/registry/issues/comments/"):
		for _, c := range f.comments {
			if fmt.Sprint(c["id"]) == strings.TrimPrefix(r.URL.Path, "/repos/acme/registry/issues/comments/") {
				c["body"] = body.Body
				_ = json.NewEncoder(w).Encode(c)
				return
			}
		}
		http.NotFound(w, r)
	default:
		http.NotFound(w, r)
	}
}

// projectCopy copies the project's source (what git would check out) into
// a new git repository, committed as the base of a pull request.
func projectCopy(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	cmd := exec.Command("git", "ls-files", "-z", "--cached", "--others", "--exclude-standard")
	cmd.Dir = repoRoot
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("listing the project's files: %v", err)
	}
	for _, f := range strings.Split(strings.TrimRight(string(out), "\x00"), "\x00") {
		src := filepath.Join(repoRoot, f)
		if st, err := os.Stat(src); err != nil || !st.Mode().IsRegular() {
			continue // deleted in the work tree
		}
		if err := os.MkdirAll(filepath.Join(dir, filepath.Dir(f)), 0o755); err != nil {
			t.Fatal(err)
		}
		copyFile(t, src, filepath.Join(dir, f))
	}
	diffcases.Git(t, dir, "init", "-q", "-b", "main")
	diffcases.Git(t, dir, "add", "-A")
	diffcases.Git(t, dir, "commit", "-q", "-m", "base")
	return dir
}

// TestWorkflowPostsTheDiff runs the pull-request workflow's steps the way
// the runner does (bash -e, the step's env with its expressions filled in)
// on a scripted pull request, against a fake GitHub API: the first run
// creates the comment, the second updates the same one.
func TestWorkflowPostsTheDiff(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(repoRoot, ".github", "workflows", "regprofile-diff.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var wf workflow
	if err := yaml.Unmarshal(data, &wf); err != nil {
		t.Fatalf("the workflow is not valid YAML: %v", err)
	}
	if _, ok := wf.On["pull_request"]; !ok {
		t.Errorf("the workflow does not run on pull_request: %v", wf.On)
	}
	if wf.Permissions["pull-requests"] != "write" {
		t.Errorf("the workflow cannot comment: permissions %v", wf.Permissions)
	}
	job, ok := wf.Jobs["diff"]
	if !ok || len(wf.Jobs) != 1 {
		t.Fatalf("want one job, diff: %v", wf.Jobs)
	}

	repo := projectCopy(t)
	base := diffcases.Git(t, repo, "rev-parse", "HEAD")
	diffcases.Edit(t, repo, "overlays/vsphere-block/profile.yaml", "size: 200Gi", "size: 150Gi")
	diffcases.Git(t, repo, "commit", "-q", "-am", "Shrink the vSphere volume")

	api := &fakeGitHub{comments: []map[string]any{
		// A person quoting an earlier comment: never edited.
		{"id": float64(1), "body": "<!-- regprofile-diff -->\n> quoted", "user": map[string]any{"login": "octocat", "type": "User"}},
	}}
	server := httptest.NewServer(api)
	defer server.Close()

	expressions := map[string]string{
		"github.event.pull_request.base.sha": base,
		"github.event.pull_request.number":   "7",
		"github.token":                       "test-token",
	}
	expr := regexp.MustCompile(`\$\{\{\s*(.*?)\s*\}\}`)
	runWorkflow := func() {
		t.Helper()
		summary := filepath.Join(t.TempDir(), "summary.md")
		for i, step := range job.Steps {
			name := step.Name
			if name == "" {
				name = step.Uses
			}
			if step.If != "" {
				t.Fatalf("step %q: the test does not evaluate if: conditions", name)
			}
			switch {
			case strings.HasPrefix(step.Uses, "actions/checkout@"):
				if fmt.Sprint(step.With["fetch-depth"]) != "0" {
					t.Errorf("checkout must fetch the base commit too (fetch-depth: 0): %v", step.With)
				}
				continue // the repository above is the checkout
			case strings.HasPrefix(step.Uses, "actions/setup-go@"):
				if step.With["go-version-file"] != "go.mod" {
					t.Errorf("setup-go must use go.mod's version: %v", step.With)
				}
				continue // this machine's Go
			case step.Uses != "":
				t.Fatalf("step %q: the test does not know how to run %s", name, step.Uses)
			}
			if strings.Contains(step.Run, "${{") {
				t.Errorf("step %q: an expression inside run: (pass it through env:)", name)
			}
			env := append(os.Environ(), "CI=true", "GITHUB_ACTIONS=true", "GITHUB_API_URL="+server.URL,
				"GITHUB_REPOSITORY=acme/registry", "GITHUB_WORKSPACE="+repo, "GITHUB_STEP_SUMMARY="+summary)
			for k, v := range step.Env {
				env = append(env, k+"="+expr.ReplaceAllStringFunc(v, func(m string) string {
					value, ok := expressions[expr.FindStringSubmatch(m)[1]]
					if !ok {
						t.Fatalf("step %q: no value for %s in the test", name, m)
					}
					return value
				}))
			}
			cmd := exec.Command("bash", "-e", "-c", step.Run)
			cmd.Dir, cmd.Env = repo, env
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("step %d %q: %v\n%s", i+1, name, err, out)
			}
		}
		if got, err := os.ReadFile(summary); err != nil || !strings.Contains(string(got), "**refused**") {
			t.Errorf("the run's summary lacks the diff (%v):\n%s", err, got)
		}
	}

	runWorkflow()
	// The comment is the diff of the pull request, as a developer gets it
	// in the same checkout.
	want, stderr, err := run(t, repo, filepath.Join(repo, "bin", "regprofile"), "diff", "--base", base, "--format", "markdown")
	if exitCode(t, err) != 1 {
		t.Fatalf("regprofile diff: %v\n%s", err, stderr)
	}
	if len(api.comments) != 2 || api.comments[1]["body"] != want {
		t.Fatalf("after the first run, comments %v; want the diff posted:\n%s", api.comments, want)
	}
	for _, w := range []string{"<!-- regprofile-diff -->\n", "- **refused** `vsphere-block` `PersistentVolumeClaim/openshift-image-registry/image-registry-pvc`: spec.resources.requests.storage 200Gi → 150Gi: the API server refuses the update"} {
		if !strings.Contains(want, w) {
			t.Errorf("the comment lacks %q:\n%s", w, want)
		}
	}

	api.comments[1]["body"] = "<!-- regprofile-diff -->\nstale"
	runWorkflow()
	if len(api.comments) != 2 || api.comments[1]["body"] != want || api.comments[0]["body"] != "<!-- regprofile-diff -->\n> quoted" {
		t.Errorf("the second run did not update the same comment: %v", api.comments)
	}
	if got := strings.Join(api.calls, "\n"); got != strings.Join([]string{
		"GET /repos/acme/registry/issues/7/comments", "POST /repos/acme/registry/issues/7/comments",
		"GET /repos/acme/registry/issues/7/comments", "PATCH /repos/acme/registry/issues/comments/101",
	}, "\n") {
		t.Errorf("API calls:\n%s", got)
	}
}
