// Package cmp runs the regprofile Config Management Plugin in Argo CD's
// own CMP server, with the shipped plugin.yaml, and talks to it with Argo
// CD's own client code, as the repo-server does: plugin discovery, then
// the repository streamed for manifest generation. The tools come from
// regprofile install, as in the sidecar. It also checks the application
// controller's RBAC against what the overlays render.
//
// It links much of Argo CD (about 1,400 packages, two minutes to compile
// cold on two cores), so it has its own make target, e2e-argocd.
package cmp

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/argoproj/argo-cd/v2/cmpserver"
	"github.com/argoproj/argo-cd/v2/cmpserver/plugin"
	"github.com/argoproj/argo-cd/v2/util/app/discovery"
	"github.com/argoproj/argo-cd/v2/util/cmp"
	"github.com/argoproj/gitops-engine/pkg/utils/kube"
	gocmp "github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	grpc_retry "github.com/grpc-ecosystem/go-grpc-middleware/retry"
	log "github.com/sirupsen/logrus"
	"google.golang.org/grpc/status"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"regprofile.dev/regprofile/fn/argocd/e2e/sidecar"
	fnplatforms "regprofile.dev/regprofile/internal/platforms"
	"regprofile.dev/regprofile/internal/testkit"
)

var (
	repoRoot string
	// binDir holds regprofile and regprofile-argocd, freshly built.
	binDir string
	// toolsDir is what regprofile install wrote: the sidecar's PATH.
	toolsDir  string
	platforms = fnplatforms.Names()
)

const pluginName = "regprofile"

// exclusions keep the build outputs and Git's objects out of the stream,
// as reposerver.plugin.tar.exclusions does (docs/argocd.md).
var exclusions = []string{".git", "bin", ".cache", "*.test"}

func TestMain(m *testing.M) {
	os.Exit(testkit.Run(m, func(root, scratch string) error {
		repoRoot = root
		binDir, toolsDir = filepath.Join(scratch, "bin"), filepath.Join(scratch, "tools")
		if err := sidecar.Install(repoRoot, binDir, toolsDir, map[string]string{"regprofile-argocd": "./fn/argocd/cmd/regprofile-argocd"}); err != nil {
			return err
		}
		log.SetLevel(log.WarnLevel) // the CMP server logs every request
		return nil
	}))
}

// startCMPServer starts Argo CD's CMP server in this process with the
// shipped plugin.yaml, in the sidecar's environment: the installed tools
// first on PATH (then only the system's sh and grep), HOME and the work
// directory in a temporary directory. It returns the socket directory,
// where the repo-server looks for plugins.
func startCMPServer(t *testing.T) {
	t.Helper()
	startCMPServers(t, shippedPlugin(t))
}

// shippedPlugin is fn/argocd/deploy/plugin.yaml as Argo CD reads it.
func shippedPlugin(tb testing.TB) plugin.PluginConfig {
	tb.Helper()
	cfg, err := plugin.ReadPluginConfig(filepath.Join(repoRoot, "fn", "argocd", "deploy"))
	if err != nil {
		tb.Fatal(err)
	}
	return *cfg
}

// startCMPServers serves each plugin from its own CMP server in this
// process, all sharing the sidecar's environment.
func startCMPServers(tb testing.TB, cfgs ...plugin.PluginConfig) {
	tb.Helper()
	tmp := tb.TempDir()
	sockets := filepath.Join(tmp, "plugins")
	if err := os.Mkdir(sockets, 0o755); err != nil {
		tb.Fatal(err)
	}
	tb.Setenv("ARGOCD_PLUGINSOCKFILEPATH", sockets)
	tb.Setenv("ARGOCD_CMP_WORKDIR", tmp)
	tb.Setenv("PATH", sidecar.Path(toolsDir))
	tb.Setenv("HOME", tmp)
	for _, cfg := range cfgs {
		srv, err := cmpserver.NewServer(plugin.CMPServerInitConstants{PluginConfig: cfg})
		if err != nil {
			tb.Fatal(err)
		}
		grpcServer, err := srv.CreateGRPC()
		if err != nil {
			tb.Fatal(err)
		}
		lis, err := net.Listen("unix", cfg.Address())
		if err != nil {
			tb.Fatal(err)
		}
		go func() { _ = grpcServer.Serve(lis) }()
		tb.Cleanup(grpcServer.Stop)
	}
}

// generate asks the plugin for an Application's manifests the way the
// repo-server does and splits them into objects.
func generate(t *testing.T, repo, appPath string) ([]*unstructured.Unstructured, error) {
	t.Helper()
	manifests, err := requestManifests(t, pluginName, repo, appPath)
	if err != nil {
		return nil, err
	}
	var objs []*unstructured.Unstructured
	for _, m := range manifests {
		o, err := kube.SplitYAML([]byte(m))
		if err != nil {
			t.Fatalf("the plugin returned a manifest Argo CD cannot read: %v", err)
		}
		objs = append(objs, o...)
	}
	return objs, nil
}

// requestManifests is one manifest generation as the repo-server runs it
// (runConfigManagementPluginSidecars): find the named plugin, which runs
// its discovery, then stream the repository with the Application's path
// and build environment. The error is the plugin's.
func requestManifests(tb testing.TB, name, repo, appPath string) ([]string, error) {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	rel, err := filepath.Rel(repo, appPath)
	if err != nil {
		tb.Fatal(err)
	}
	env := []string{
		"ARGOCD_APP_NAME=registry-" + filepath.Base(appPath),
		"ARGOCD_APP_NAMESPACE=openshift-gitops",
		"ARGOCD_APP_PROJECT_NAME=default",
		"ARGOCD_APP_REVISION=0123456789abcdef0123456789abcdef01234567",
		"ARGOCD_APP_SOURCE_REPO_URL=https://git.example.com/platform/registry.git",
		"ARGOCD_APP_SOURCE_PATH=" + rel,
		"ARGOCD_APP_SOURCE_TARGET_REVISION=main",
		"KUBE_VERSION=1.31.0",
	}
	conn, client, err := discovery.DetectConfigManagementPlugin(ctx, appPath, repo, name, env, exclusions)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	stream, err := client.GenerateManifest(ctx, grpc_retry.Disable())
	if err != nil {
		tb.Fatal(err)
	}
	if err := cmp.SendRepoStream(stream.Context(), appPath, repo, stream, env, exclusions); err != nil {
		tb.Fatal(err)
	}
	resp, err := stream.CloseAndRecv()
	if err != nil {
		return nil, err
	}
	return resp.Manifests, nil
}

// kustomizeBuild renders a directory as an administrator does by hand.
func kustomizeBuild(t *testing.T, dir string) []*unstructured.Unstructured {
	t.Helper()
	return sidecar.Render(t, toolsDir, "", "kustomize", "build", "--enable-alpha-plugins", "--enable-exec", dir)
}

// byIdentity sorts objects by kind, namespace and name, the order in which
// two renders compare.
var byIdentity = cmpopts.SortSlices(func(a, b *unstructured.Unstructured) bool {
	return identity(a) < identity(b)
})

func identity(o *unstructured.Unstructured) string {
	return o.GroupVersionKind().String() + "/" + o.GetNamespace() + "/" + o.GetName()
}

// TestPluginRendersEveryOverlay streams each overlay, and the repository's
// root (the default example), through the plugin and compares what Argo CD
// receives with kustomize build of the same directory.
func TestPluginRendersEveryOverlay(t *testing.T) {
	startCMPServer(t)
	dirs := []string{"."}
	for _, p := range platforms {
		dirs = append(dirs, filepath.Join("overlays", p))
	}
	for _, dir := range dirs {
		t.Run(dir, func(t *testing.T) {
			appPath := filepath.Join(repoRoot, dir)
			got, err := generate(t, repoRoot, appPath)
			if err != nil {
				t.Fatalf("the plugin failed: %v", err)
			}
			want := kustomizeBuild(t, appPath)
			if diff := gocmp.Diff(want, got, byIdentity); diff != "" {
				t.Errorf("the plugin's manifests differ from kustomize build (-kustomize +plugin):\n%s", diff)
			}
		})
	}
}

// TestPluginReportsABrokenProfile breaks a profile in a copy of the
// repository: the plugin must fail, and the error Argo CD shows must name
// the overlay's file, the line and the field path.
func TestPluginReportsABrokenProfile(t *testing.T) {
	startCMPServer(t)
	repo := copyExample(t)
	writeFile(t, filepath.Join(repo, "overlays", "vsphere-block", "profile.yaml"), sidecar.BrokenProfile)
	objs, err := generate(t, repo, filepath.Join(repo, "overlays", "vsphere-block"))
	if err == nil {
		t.Fatalf("the plugin rendered a broken profile: %d objects", len(objs))
	}
	if msg := status.Convert(err).Message(); !strings.Contains(msg, sidecar.BrokenProfileError) {
		t.Errorf("the error lacks %q:\n%s", sidecar.BrokenProfileError, msg)
	}
}

// TestPluginRefusesAnEmptyRender: kustomize prints nothing, with exit 0,
// for a profile that no transformer renders; Argo CD would read that as
// "delete everything". The plugin must fail instead.
func TestPluginRefusesAnEmptyRender(t *testing.T) {
	startCMPServer(t)
	repo := t.TempDir()
	app := filepath.Join(repo, "cluster-a")
	if err := os.Mkdir(app, 0o755); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(app, "profile.yaml"), readFile(t, filepath.Join(repoRoot, testkit.ExampleBase)))
	writeFile(t, filepath.Join(app, "kustomization.yaml"), "resources: [profile.yaml]\n")
	_, err := generate(t, repo, app)
	want := "regprofile plugin: regprofile build printed no manifests for cluster-a; fix: list the regprofile transformer under transformers in its kustomization.yaml, or annotate the profile as a generator (README.md)"
	if err == nil || !strings.Contains(status.Convert(err).Message(), want) {
		t.Errorf("got %v\nwant an error with %q", err, want)
	}
}

// TestDiscoveryMatchesOnlyProfiles: Argo CD refuses an Application that
// names the plugin when its directory has no RegistryProfile.
func TestDiscoveryMatchesOnlyProfiles(t *testing.T) {
	startCMPServer(t)
	repo := t.TempDir()
	writeFile(t, filepath.Join(repo, "kustomization.yaml"), "resources: [cm.yaml]\n")
	writeFile(t, filepath.Join(repo, "cm.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: unrelated}\n")
	_, err := generate(t, repo, repo)
	want := `couldn't find cmp-server plugin with name "regprofile" supporting the given repository`
	if err == nil || err.Error() != want {
		t.Errorf("got %v\nwant %s", err, want)
	}
}

// copyExample copies the example (bases, overlays, transformers and the
// root kustomization) into a new repository.
func copyExample(t *testing.T) string {
	t.Helper()
	repo := t.TempDir()
	if err := sidecar.CopyExample(repoRoot, repo); err != nil {
		t.Fatal(err)
	}
	return repo
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// sortedKinds lists the kinds among objects, once each.
func sortedKinds(objs []*unstructured.Unstructured) []string {
	seen := map[string]bool{}
	for _, o := range objs {
		seen[o.GetKind()] = true
	}
	var kinds []string
	for k := range seen {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	return kinds
}
