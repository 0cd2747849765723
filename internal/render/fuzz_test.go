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

// FuzzRender decodes and renders arbitrary input for every platform. It
// must never panic; a render either fails with error findings and no
// objects, or succeeds deterministically with no secret in its output.
// Seeds: the catalog of bad inputs, the example's base profile and overlays.
func FuzzRender(f *testing.F) {
	testkit.AddSeeds(f, append([]string{"../../fn/testdata/invalid/*.yaml"}, testkit.ExampleFiles(f)...)...)
	f.Add([]byte(multi))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, fs := profile.DecodeBytes(data)
		if p == nil {
			if !fs.HasErrors() {
				t.Fatalf("no profile and no error")
			}
			return
		}
		for _, platform := range platforms.Names() {
			first := renderText(t, p, platform)
			if again := renderText(t, p, platform); again != first {
				t.Fatalf("%s: two renders differ", platform)
			}
			if problems := testkit.ScanSecrets(first); len(problems) > 0 {
				t.Fatalf("%s: secret material in the output: %v", platform, problems)
			}
		}
	})
}

// renderText renders one platform to YAML; on failure it checks that the
// findings explain it and returns "".
func renderText(t *testing.T, p *v1alpha1.RegistryProfile, platform string) string {
	t.Helper()
	objs, fs := render.Render(p, render.Options{Platform: platform})
	if fs.HasErrors() {
		if len(objs) > 0 {
			t.Fatalf("%s: objects and errors together", platform)
		}
		for _, f := range fs {
			if f.Message == "" {
				t.Fatalf("%s: a finding without a message", platform)
			}
		}
		return ""
	}
	var b strings.Builder
	for _, o := range objs {
		rn, err := o.RNode()
		if err != nil {
			t.Fatalf("%s: %v", platform, err)
		}
		b.WriteString(rn.MustString() + "---\n")
	}
	return b.String()
}
