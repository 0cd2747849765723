package argocd

import (
	"context"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/argoproj/argo-cd/v2/cmpserver"
	"github.com/argoproj/argo-cd/v2/cmpserver/plugin"
	"github.com/argoproj/argo-cd/v2/util/app/discovery"
	"github.com/argoproj/argo-cd/v2/util/cmp"
	grpc_retry "github.com/grpc-ecosystem/go-grpc-middleware/retry"

	"regprofile.dev/regprofile/e2e/bench/example"
)

// plainPlugin is the comparison's plugin: the shipped plugin.yaml with
// plain "kustomize build ." (no exec functions) as its generate command,
// and discovery matching a kustomization rather than a profile. It serves
// the static overlays regprofile emit writes.
const plainPlugin = "plain-kustomize"

// startBenchServers starts Argo CD's CMP server twice in this process, in
// the sidecar's environment (startCMPServer's): once with the shipped
// regprofile plugin, once with plainPlugin.
func startBenchServers(tb testing.TB) {
	tb.Helper()
	shipped, err := plugin.ReadPluginConfig(filepath.Join(repoRoot, "fn", "argocd", "deploy"))
	if err != nil {
		tb.Fatal(err)
	}
	plain := *shipped
	plain.Metadata.Name = plainPlugin
	replace := func(c plugin.Command, old, new string) plugin.Command {
		var out plugin.Command
		for _, s := range c.Command {
			out.Command = append(out.Command, strings.ReplaceAll(s, old, new))
		}
		for _, s := range c.Args {
			out.Args = append(out.Args, strings.ReplaceAll(s, old, new))
		}
		return out
	}
	plain.Spec.Generate = replace(shipped.Spec.Generate, "kustomize build --enable-alpha-plugins --enable-exec .", "kustomize build .")
	plain.Spec.Discover.Find.Command = replace(shipped.Spec.Discover.Find.Command, "RegistryProfile", "Kustomization")
	if slices.Equal(plain.Spec.Generate.Command, shipped.Spec.Generate.Command) && slices.Equal(plain.Spec.Generate.Args, shipped.Spec.Generate.Args) {
		tb.Fatal("the shipped plugin.yaml no longer runs \"kustomize build --enable-alpha-plugins --enable-exec .\": update the benchmark's plain plugin")
	}

	tmp := tb.TempDir()
	sockets := filepath.Join(tmp, "plugins")
	if err := os.Mkdir(sockets, 0o755); err != nil {
		tb.Fatal(err)
	}
	tb.Setenv("ARGOCD_PLUGINSOCKFILEPATH", sockets)
	tb.Setenv("ARGOCD_CMP_WORKDIR", tmp)
	tb.Setenv("PATH", toolsDir+string(os.PathListSeparator)+"/usr/bin:/bin")
	tb.Setenv("HOME", tmp)
	for _, cfg := range []plugin.PluginConfig{*shipped, plain} {
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

// roundTrip is one manifest generation as the repo-server asks for it
// (generate's): discovery, the repository streamed, the manifests back.
func roundTrip(tb testing.TB, name, repo, appPath string) []string {
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
		tb.Fatal(err)
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
		tb.Fatalf("%s on %s: %v", name, rel, err)
	}
	if len(resp.Manifests) == 0 {
		tb.Fatalf("%s on %s: no manifests", name, rel)
	}
	return resp.Manifests
}

// BenchmarkCMPRoundTrip measures one Argo CD manifest generation per
// overlay through Argo CD's own CMP server: the regprofile plugin on the
// repository's example (bases, overlays, transformers) against plain
// kustomize through the same server on the static tree regprofile emit
// writes for the same example. Both print the same manifests (checked
// first). make bench reports the ratio (docs/benchmarks.md).
func BenchmarkCMPRoundTrip(b *testing.B) {
	startBenchServers(b)
	repo := b.TempDir()
	for _, dir := range []string{"bases", "overlays", "transformers"} {
		if err := os.CopyFS(filepath.Join(repo, dir), os.DirFS(filepath.Join(repoRoot, dir))); err != nil {
			b.Fatal(err)
		}
	}
	prof, err := example.Profile(repoRoot)
	if err != nil {
		b.Fatal(err)
	}
	src := filepath.Join(b.TempDir(), "example.yaml")
	if err := os.WriteFile(src, []byte(prof.MustString()), 0o644); err != nil {
		b.Fatal(err)
	}
	static := b.TempDir()
	if out, err := exec.Command(filepath.Join(binDir, "regprofile"), "emit", "--out", filepath.Join(static, "tree"), src).CombinedOutput(); err != nil {
		b.Fatalf("regprofile emit: %v\n%s", err, out)
	}
	for _, p := range platforms {
		overlay := filepath.Join(repo, "overlays", p)
		emitted := filepath.Join(static, "tree", "overlays", p)
		want, got := roundTrip(b, pluginName, repo, overlay), roundTrip(b, plainPlugin, static, emitted)
		slices.Sort(want)
		slices.Sort(got)
		if !slices.Equal(want, got) {
			b.Fatalf("%s: the plain plugin's manifests differ from the regprofile plugin's:\n%s\n---\n%s", p, strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
		b.Run(p+"/regprofile", func(b *testing.B) {
			for b.Loop() {
				roundTrip(b, pluginName, repo, overlay)
			}
		})
		b.Run(p+"/kustomize", func(b *testing.B) {
			for b.Loop() {
				roundTrip(b, plainPlugin, static, emitted)
			}
		})
	}
}
