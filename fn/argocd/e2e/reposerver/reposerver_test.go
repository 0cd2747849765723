package reposerver

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/argoproj/argo-cd/v2/pkg/apis/application/v1alpha1"
	"github.com/argoproj/argo-cd/v2/reposerver/apiclient"
	gocmp "github.com/google/go-cmp/cmp"
	"google.golang.org/grpc/status"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"regprofile.dev/regprofile/fn/argocd/e2e/sidecar"
	fnplatforms "regprofile.dev/regprofile/internal/platforms"
	"regprofile.dev/regprofile/internal/testkit"
)

const (
	pluginName = "regprofile"
	// trackingID is the annotation Argo CD adds with annotation tracking.
	trackingID = "argocd.argoproj.io/tracking-id"
	// brokenDir holds an overlay whose profile has a typo.
	brokenDir = "broken/vsphere-block"
)

var (
	repoRoot, scratch string
	// toolsDir is what regprofile install wrote: the sidecar's PATH.
	toolsDir  string
	platforms = fnplatforms.Names()

	serversOnce sync.Once
	servers     *fixture
	serversErr  error
)

// fixture is the running servers and the repository they serve.
type fixture struct {
	// work is a clone of the served repository to commit in; gitURL is
	// the git:// URL the repo-server fetches.
	work, gitURL string
	cmpServer    *process
	client       apiclient.RepoServerServiceClient
}

// stopping runs the tests, then stops every process by its PID, whether
// the tests passed, failed or a setup step failed half-way.
type stopping struct{ m *testing.M }

func (s stopping) Run() int {
	defer stopAll()
	return s.m.Run()
}

func TestMain(m *testing.M) {
	os.Exit(testkit.Run(stopping{m}, func(root, dir string) error {
		repoRoot, scratch = root, dir
		toolsDir = filepath.Join(scratch, "tools")
		return sidecar.Install(repoRoot, filepath.Join(scratch, "bin"), toolsDir, nil)
	}))
}

// needServers skips without redis-server (unless
// REGPROFILE_REQUIRE_REDIS_SERVER=1) and otherwise starts everything once
// for the whole run.
func needServers(t *testing.T) *fixture {
	t.Helper()
	testkit.Tool(t, "redis-server")
	serversOnce.Do(func() { servers, serversErr = startServers() })
	if serversErr != nil {
		t.Fatal(serversErr)
	}
	return servers
}

func startServers() (*fixture, error) {
	f := &fixture{}
	argocd, err := argocdBinary(repoRoot)
	if err != nil {
		return nil, err
	}
	dir := filepath.Join(scratch, "servers")
	bin, sockets, cmpWork, tmp, home, config := filepath.Join(dir, "bin"), filepath.Join(dir, "plugins"),
		filepath.Join(dir, "cmp-work"), filepath.Join(dir, "tmp"), filepath.Join(dir, "home"), filepath.Join(dir, "cmp-config")
	for _, d := range []string{bin, sockets, cmpWork, tmp, home, config} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return nil, err
		}
	}
	// The multi-call binary dispatches on the name it is run by.
	for _, name := range []string{"argocd-repo-server", "argocd-cmp-server"} {
		if err := os.Symlink(argocd, filepath.Join(bin, name)); err != nil {
			return nil, err
		}
	}
	ports := map[string]int{}
	for _, name := range []string{"redis", "git", "repo-server", "metrics"} {
		if ports[name], err = freePort(); err != nil {
			return nil, err
		}
	}
	addr := func(name string) string { return "127.0.0.1:" + strconv.Itoa(ports[name]) }

	redis, err := start(dir, "redis-server", nil, "redis-server", "--bind", "127.0.0.1", "--port", strconv.Itoa(ports["redis"]),
		"--save", "", "--appendonly", "no", "--dir", tmp)
	if err != nil {
		return nil, err
	}
	if err := redis.waitFor("listener on "+addr("redis"), listening(addr("redis"))); err != nil {
		return nil, err
	}

	// The example, committed, in a bare repository served by git daemon.
	f.work = filepath.Join(dir, "work")
	if err := exampleRepository(f.work); err != nil {
		return nil, err
	}
	bare := filepath.Join(dir, "git")
	if _, err := git(dir, "clone", "--quiet", "--bare", f.work, filepath.Join(bare, "registry.git")); err != nil {
		return nil, err
	}
	if _, err := git(f.work, "remote", "add", "origin", filepath.Join(bare, "registry.git")); err != nil {
		return nil, err
	}
	daemon, err := start(dir, "git-daemon", nil, "git", "daemon", "--listen=127.0.0.1", "--port="+strconv.Itoa(ports["git"]),
		"--reuseaddr", "--export-all", "--informative-errors", "--base-path="+bare, bare)
	if err != nil {
		return nil, err
	}
	if err := daemon.waitFor("listener on "+addr("git"), listening(addr("git"))); err != nil {
		return nil, err
	}
	f.gitURL = "git://" + addr("git") + "/registry.git"

	// The sidecar: the shipped plugin.yaml, the installed tools first on
	// PATH, then only the system's sh and grep.
	plugin, err := os.ReadFile(filepath.Join(repoRoot, "fn", "argocd", "deploy", "plugin.yaml"))
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(config, "plugin.yaml"), plugin, 0o644); err != nil {
		return nil, err
	}
	f.cmpServer, err = start(dir, "argocd-cmp-server", []string{
		"ARGOCD_PLUGINSOCKFILEPATH=" + sockets, "ARGOCD_CMP_WORKDIR=" + cmpWork,
		"PATH=" + sidecar.Path(toolsDir), "HOME=" + home, "TMPDIR=" + tmp,
	}, filepath.Join(bin, "argocd-cmp-server"), "--config-dir-path", config, "--loglevel", "info")
	if err != nil {
		return nil, err
	}
	f.cmpServer.killAfter = 2 * time.Second
	socket := filepath.Join(sockets, pluginName+".sock")
	if err := f.cmpServer.waitFor("socket "+socket, func() bool { _, err := os.Stat(socket); return err == nil }); err != nil {
		return nil, err
	}

	// The repo-server, pointed at Redis and at the plugin's socket
	// directory; .git is not streamed to the plugin (docs/argocd.md).
	repoServer, err := start(dir, "argocd-repo-server", []string{
		"ARGOCD_PLUGINSOCKFILEPATH=" + sockets, "ARGOCD_GPG_ENABLED=false",
		"ARGOCD_ASK_PASS_SOCK=" + filepath.Join(dir, "askpass.sock"), "TMPDIR=" + tmp, "HOME=" + home,
	}, filepath.Join(bin, "argocd-repo-server"), "--disable-tls",
		"--address", "127.0.0.1", "--port", strconv.Itoa(ports["repo-server"]),
		"--metrics-address", "127.0.0.1", "--metrics-port", strconv.Itoa(ports["metrics"]),
		"--redis", addr("redis"), "--plugin-tar-exclude", ".git/*", "--loglevel", "info")
	if err != nil {
		return nil, err
	}
	if err := repoServer.waitFor("listener on "+addr("repo-server"), listening(addr("repo-server"))); err != nil {
		return nil, err
	}
	_, f.client, err = apiclient.NewRepoServerClientset(addr("repo-server"), 120, apiclient.TLSConfiguration{DisableTLS: true}).NewRepoServerClient()
	if err != nil {
		return nil, err
	}
	return f, nil
}

// exampleRepository commits the example (bases, overlays, transformers, the
// root kustomization) and an overlay with a broken profile into a new
// repository in dir, on branch main.
func exampleRepository(dir string) error {
	if err := sidecar.CopyExample(repoRoot, dir); err != nil {
		return err
	}
	broken := filepath.Join(dir, brokenDir)
	if err := os.CopyFS(broken, os.DirFS(filepath.Join(repoRoot, "overlays", "vsphere-block"))); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(broken, "profile.yaml"), []byte(sidecar.BrokenProfile), 0o644); err != nil {
		return err
	}
	for _, args := range [][]string{{"init", "--quiet", "-b", "main"}, {"add", "-A"}, {"commit", "--quiet", "-m", "the example"}} {
		if _, err := git(dir, args...); err != nil {
			return err
		}
	}
	return nil
}

// request is what the application controller asks the repo-server for an
// Application at path (named by the plugin unless plugin is nil).
func (f *fixture) request(path string, plugin *v1alpha1.ApplicationSourcePlugin) *apiclient.ManifestRequest {
	name := "registry-" + strings.NewReplacer("/", "-", ".", "root").Replace(path)
	return &apiclient.ManifestRequest{
		Repo:     &v1alpha1.Repository{Repo: f.gitURL},
		Revision: "main",
		AppName:  name,
		// The controller's defaults: annotation tracking under the
		// instance label key.
		AppLabelKey:    "app.kubernetes.io/instance",
		TrackingMethod: "annotation", // argo.TrackingMethodAnnotation
		ApplicationSource: &v1alpha1.ApplicationSource{
			RepoURL: f.gitURL, Path: path, TargetRevision: "main", Plugin: plugin,
		},
		KubeVersion:        "1.31.0",
		ApiVersions:        []string{"v1", "apps/v1"},
		ProjectName:        "default",
		ProjectSourceRepos: []string{"*"},
	}
}

var named = &v1alpha1.ApplicationSourcePlugin{Name: pluginName}

// generate calls GenerateManifest and returns the objects with Argo CD's
// tracking annotation checked and removed.
func (f *fixture) generate(t *testing.T, q *apiclient.ManifestRequest) ([]*unstructured.Unstructured, *apiclient.ManifestResponse, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	resp, err := f.client.GenerateManifest(ctx, q)
	if err != nil {
		return nil, nil, err
	}
	var objs []*unstructured.Unstructured
	for _, m := range resp.Manifests {
		o := &unstructured.Unstructured{}
		// As Argo CD decodes them: integers stay int64.
		if err := o.UnmarshalJSON([]byte(m)); err != nil {
			t.Fatalf("the repo-server returned a manifest that is not JSON: %v\n%s", err, m)
		}
		annotations := o.GetAnnotations()
		want := fmt.Sprintf("%s:%s/%s:%s/%s", q.AppName, o.GroupVersionKind().Group, o.GetKind(), o.GetNamespace(), o.GetName())
		if got := annotations[trackingID]; got != want {
			t.Errorf("%s/%s: tracking annotation %q, want %q", o.GetKind(), o.GetName(), got, want)
		}
		delete(annotations, trackingID)
		if len(annotations) == 0 {
			unstructured.RemoveNestedField(o.Object, "metadata", "annotations")
		} else {
			o.SetAnnotations(annotations)
		}
		objs = append(objs, o)
	}
	return objs, resp, nil
}

// regprofileBuild is regprofile build of dir in the work tree, with the
// sidecar's tools: what the plugin runs.
func (f *fixture) regprofileBuild(t *testing.T, dir string) []*unstructured.Unstructured {
	t.Helper()
	return sidecar.Render(t, toolsDir, f.work, "regprofile", "build", dir)
}

// same fails unless Argo CD returned exactly regprofile build's objects,
// in its order.
func same(t *testing.T, want, got []*unstructured.Unstructured) {
	t.Helper()
	if diff := gocmp.Diff(want, got); diff != "" {
		t.Errorf("the repo-server's manifests differ from regprofile build (-regprofile build +repo-server):\n%s", diff)
	}
}

// TestRepoServerProcessRendersEveryOverlay generates every overlay, and the
// repository's root, through the repo-server and the plugin by name.
func TestRepoServerProcessRendersEveryOverlay(t *testing.T) {
	f := needServers(t)
	dirs := []string{"."}
	for _, p := range platforms {
		dirs = append(dirs, filepath.Join("overlays", p))
	}
	for _, dir := range dirs {
		t.Run(dir, func(t *testing.T) {
			got, resp, err := f.generate(t, f.request(dir, named))
			if err != nil {
				t.Fatalf("GenerateManifest: %v\ncmp-server log:\n%s", err, f.cmpServer.tail())
			}
			if resp.SourceType != string(v1alpha1.ApplicationSourceTypePlugin) {
				t.Errorf("source type %q, want Plugin", resp.SourceType)
			}
			same(t, f.regprofileBuild(t, dir), got)
		})
	}
}

// TestRepoServerProcessDiscoversThePlugin leaves the plugin's name out, as
// an Application without spec.source.plugin (and one with an empty plugin)
// does: the repo-server asks the plugin's discovery, which matches before
// Argo CD's own kustomize would.
func TestRepoServerProcessDiscoversThePlugin(t *testing.T) {
	f := needServers(t)
	dir := filepath.Join("overlays", "aws-upi")
	for name, plugin := range map[string]*v1alpha1.ApplicationSourcePlugin{"no plugin": nil, "an empty plugin": {}} {
		t.Run(name, func(t *testing.T) {
			got, resp, err := f.generate(t, f.request(dir, plugin))
			if err != nil {
				t.Fatalf("GenerateManifest: %v", err)
			}
			if resp.SourceType != string(v1alpha1.ApplicationSourceTypePlugin) {
				t.Errorf("source type %q, want Plugin: discovery did not pick the plugin", resp.SourceType)
			}
			same(t, f.regprofileBuild(t, dir), got)
		})
	}
}

// TestRepoServerProcessReportsABrokenProfile: the plugin's error reaches
// the caller through the repo-server, naming the file, line and field path.
func TestRepoServerProcessReportsABrokenProfile(t *testing.T) {
	f := needServers(t)
	objs, _, err := f.generate(t, f.request(brokenDir, named))
	if err == nil {
		t.Fatalf("the repo-server rendered a broken profile: %d objects", len(objs))
	}
	if msg := status.Convert(err).Message(); !strings.Contains(msg, sidecar.BrokenProfileError) {
		t.Errorf("the error lacks %q:\n%s", sidecar.BrokenProfileError, msg)
	}
}

// generations counts the manifest generations the CMP server has run.
func (f *fixture) generations() int {
	data, _ := os.ReadFile(f.cmpServer.log)
	return strings.Count(string(data), "Generating manifests with")
}

// TestRepoServerProcessCachesAndSeesNewCommits asks for an overlay twice
// (the second answer comes from Redis: the plugin does not run), then
// pushes a commit that changes the overlay: a hard refresh (no revision
// cache) renders the new commit.
func TestRepoServerProcessCachesAndSeesNewCommits(t *testing.T) {
	f := needServers(t)
	dir := filepath.Join("overlays", "gcp-upi")
	first, resp, err := f.generate(t, f.request(dir, named))
	if err != nil {
		t.Fatalf("GenerateManifest: %v", err)
	}
	ran := f.generations()
	if ran == 0 {
		t.Fatalf("the CMP server's log names no manifest generation, so a cache hit cannot be told from a miss:\n%s", f.cmpServer.tail())
	}
	again, resp2, err := f.generate(t, f.request(dir, named))
	if err != nil {
		t.Fatalf("GenerateManifest again: %v", err)
	}
	if n := f.generations(); n != ran {
		t.Errorf("the second identical request ran the plugin again (%d generations, then %d): no cache hit", ran, n)
	}
	if resp2.Revision != resp.Revision {
		t.Errorf("revision %s, then %s", resp.Revision, resp2.Revision)
	}
	same(t, first, again)

	// A new commit: the overlay's bucket changes.
	profile := filepath.Join(f.work, dir, "profile.yaml")
	data, err := os.ReadFile(profile)
	if err != nil {
		t.Fatal(err)
	}
	const oldBucket, newBucket = "bucket: example-openshift-registry", "bucket: example-openshift-registry-2"
	if !strings.Contains(string(data), oldBucket) {
		t.Fatalf("%s no longer sets %q", profile, oldBucket)
	}
	if err := os.WriteFile(profile, []byte(strings.Replace(string(data), oldBucket, newBucket, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"commit", "--quiet", "-am", "a new bucket"}, {"push", "--quiet", "origin", "main"}} {
		if _, err := git(f.work, args...); err != nil {
			t.Fatal(err)
		}
	}
	head, err := git(f.work, "rev-parse", "HEAD")
	if err != nil {
		t.Fatal(err)
	}
	q := f.request(dir, named)
	q.NoRevisionCache = true // a hard refresh
	got, resp3, err := f.generate(t, q)
	if err != nil {
		t.Fatalf("GenerateManifest after the commit: %v", err)
	}
	if resp3.Revision != head || head == resp.Revision {
		t.Errorf("rendered revision %s, want the new commit %s (first render: %s)", resp3.Revision, head, resp.Revision)
	}
	if n := f.generations(); n != ran+1 {
		t.Errorf("the new commit ran the plugin %d times, want once", n-ran)
	}
	same(t, f.regprofileBuild(t, dir), got)
	if gocmp.Equal(first, got) {
		t.Error("the render did not change with the new commit")
	}
}
