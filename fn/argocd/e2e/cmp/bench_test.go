package cmp

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/argoproj/argo-cd/v2/cmpserver/plugin"

	"regprofile.dev/regprofile/internal/testkit"
)

// plainPlugin is the comparison's plugin: the shipped plugin.yaml with
// plain "kustomize build ." (no exec functions) as its generate command,
// and discovery matching a kustomization rather than a profile. It serves
// the static overlays regprofile emit writes.
const plainPlugin = "plain-kustomize"

// startBenchServers starts the shipped regprofile plugin and plainPlugin,
// each in its own CMP server in this process.
func startBenchServers(tb testing.TB) {
	tb.Helper()
	shipped := shippedPlugin(tb)
	plain := shipped
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
	plain.Spec.Generate = replace(shipped.Spec.Generate, "regprofile build .", "kustomize build .")
	plain.Spec.Discover.Find.Command = replace(shipped.Spec.Discover.Find.Command, "RegistryProfile", "Kustomization")
	if slices.Equal(plain.Spec.Generate.Command, shipped.Spec.Generate.Command) && slices.Equal(plain.Spec.Generate.Args, shipped.Spec.Generate.Args) {
		tb.Fatal("the shipped plugin.yaml no longer runs \"regprofile build .\": update the benchmark's plain plugin")
	}
	startCMPServers(tb, shipped, plain)
}

// roundTrip is one manifest generation that must succeed.
func roundTrip(tb testing.TB, name, repo, appPath string) []string {
	manifests, err := requestManifests(tb, name, repo, appPath)
	if err != nil {
		tb.Fatalf("%s on %s: %v", name, appPath, err)
	}
	if len(manifests) == 0 {
		tb.Fatalf("%s on %s: no manifests", name, appPath)
	}
	return manifests
}

// BenchmarkCMPRoundTrip measures one Argo CD manifest generation per
// overlay through Argo CD's own CMP server: the regprofile plugin on the
// repository's example (bases, overlays, transformers) against plain
// kustomize through the same server on the static tree regprofile emit
// writes for the same example. Both return the same manifests (checked
// first). Each op is one round trip of each, in alternating order, so that
// a drift of the machine's load weighs on both alike: regprofile-ms and
// kustomize-ms are their mean wall times, regprofile/kustomize the ratio
// of those means. make bench reports them (docs/benchmarks.md).
func BenchmarkCMPRoundTrip(b *testing.B) {
	startBenchServers(b)
	repo := b.TempDir()
	for _, dir := range []string{"bases", "overlays", "transformers"} {
		if err := os.CopyFS(filepath.Join(repo, dir), os.DirFS(filepath.Join(repoRoot, dir))); err != nil {
			b.Fatal(err)
		}
	}
	src := filepath.Join(b.TempDir(), "example.yaml")
	if err := os.WriteFile(src, testkit.ExamplePlainProfile(b, testkit.ExampleOverlays(b)...), 0o644); err != nil {
		b.Fatal(err)
	}
	static := b.TempDir()
	if out, err := exec.Command(filepath.Join(binDir, "regprofile"), "emit", "--out", filepath.Join(static, "tree"), src).CombinedOutput(); err != nil {
		b.Fatalf("regprofile emit: %v\n%s", err, out)
	}
	for _, p := range platforms {
		overlay := filepath.Join(repo, "overlays", p)
		emitted := filepath.Join(static, "tree", "overlays", p)
		b.Run(p, func(b *testing.B) {
			want, got := roundTrip(b, pluginName, repo, overlay), roundTrip(b, plainPlugin, static, emitted)
			slices.Sort(want)
			slices.Sort(got)
			if !slices.Equal(want, got) {
				b.Fatalf("the plain plugin's manifests differ from the regprofile plugin's:\n%s\n---\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
			var reg, plain time.Duration
			timed := func(d *time.Duration, name, repo, appPath string) {
				start := time.Now()
				roundTrip(b, name, repo, appPath)
				*d += time.Since(start)
			}
			for i := 0; b.Loop(); i++ {
				if i%2 == 0 {
					timed(&reg, pluginName, repo, overlay)
					timed(&plain, plainPlugin, static, emitted)
				} else {
					timed(&plain, plainPlugin, static, emitted)
					timed(&reg, pluginName, repo, overlay)
				}
			}
			b.ReportMetric(0, "ns/op")
			b.ReportMetric(reg.Seconds()*1e3/float64(b.N), "regprofile-ms")
			b.ReportMetric(plain.Seconds()*1e3/float64(b.N), "kustomize-ms")
			b.ReportMetric(reg.Seconds()/plain.Seconds(), "regprofile/kustomize")
		})
	}
}
