package render_test

import (
	"strings"
	"testing"

	"regprofile.dev/regprofile/fn/api/v1alpha1"
	"regprofile.dev/regprofile/internal/platforms"
	"regprofile.dev/regprofile/internal/profile"
	"regprofile.dev/regprofile/internal/render"
	"regprofile.dev/regprofile/internal/testkit"
)

// overlayProfile is the example's base profile with one overlay's patch,
// as kustomize merges them, so benchmarks render what users render.
func overlayProfile(b testing.TB, platform string) *v1alpha1.RegistryProfile {
	b.Helper()
	p, fs := profile.DecodeBytes(testkit.ExampleProfile(b, platform))
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
	merged := testkit.ExampleProfile(b, "baremetal-odf-rgw")
	b.ReportAllocs()
	for b.Loop() {
		if _, fs := profile.DecodeBytes(merged); fs.HasErrors() {
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
