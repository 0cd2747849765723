package render_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/yaml"
	"sigs.k8s.io/kustomize/kyaml/yaml/merge2"

	"regprofile.dev/regprofile/fn/api/v1alpha1"
	"regprofile.dev/regprofile/fn/platforms"
	"regprofile.dev/regprofile/fn/profile"
	"regprofile.dev/regprofile/fn/render"
)

// overlayProfile merges the example's base profile with one overlay's
// patch, as kustomize does, so benchmarks render what users render.
func overlayProfile(b testing.TB, platform string) *v1alpha1.RegistryProfile {
	b.Helper()
	base, err := os.ReadFile("../../bases/registryprofile.yaml")
	if err != nil {
		b.Fatal(err)
	}
	patch, err := os.ReadFile(filepath.Join("../../overlays", platform, "profile.yaml"))
	if err != nil {
		b.Fatal(err)
	}
	merged, err := merge2.MergeStrings(string(patch), string(base), false, yaml.MergeOptions{ListIncreaseDirection: yaml.MergeOptionsListAppend})
	if err != nil {
		b.Fatal(err)
	}
	p, fs := profile.DecodeBytes([]byte(merged))
	if fs.HasErrors() {
		b.Fatal(fs)
	}
	return p
}

// BenchmarkRender measures one platform's whole in-process render: resolve,
// default, validate, build, annotate and serialize to YAML nodes. Target:
// at most 250 µs per platform.
func BenchmarkRender(b *testing.B) {
	for _, platform := range platforms.Names() {
		p := overlayProfile(b, platform)
		b.Run(platform, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				objs, fs := render.Render(p, render.Options{})
				if fs.HasErrors() {
					b.Fatal(fs)
				}
				for _, o := range objs {
					if _, err := o.RNode(); err != nil {
						b.Fatal(err)
					}
				}
			}
		})
	}
}

// BenchmarkDecode measures strict decoding of the example's merged profile.
func BenchmarkDecode(b *testing.B) {
	base, _ := os.ReadFile("../../bases/registryprofile.yaml")
	patch, _ := os.ReadFile("../../overlays/baremetal-odf-rgw/profile.yaml")
	merged, err := merge2.MergeStrings(string(patch), string(base), false, yaml.MergeOptions{ListIncreaseDirection: yaml.MergeOptionsListAppend})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, fs := profile.DecodeBytes([]byte(merged)); fs.HasErrors() {
			b.Fatal(fs)
		}
	}
}

// BenchmarkRenderYAML measures what "regprofile render" does after reading
// the file: render one platform and write every object as YAML text. YAML
// encoding costs more than rendering; make bench reports both
// (docs/benchmarks.md).
func BenchmarkRenderYAML(b *testing.B) {
	for _, platform := range platforms.Names() {
		p := overlayProfile(b, platform)
		b.Run(platform, func(b *testing.B) {
			b.ReportAllocs()
			var out strings.Builder
			for b.Loop() {
				out.Reset()
				objs, fs := render.Render(p, render.Options{})
				if fs.HasErrors() {
					b.Fatal(fs)
				}
				for i, o := range objs {
					rn, err := o.RNode()
					if err != nil {
						b.Fatal(err)
					}
					if i > 0 {
						out.WriteString("---\n")
					}
					out.WriteString(rn.MustString())
				}
			}
			b.ReportMetric(float64(out.Len()), "bytes/render")
		})
	}
}
