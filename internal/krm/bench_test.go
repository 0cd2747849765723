package krm_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/yaml"
	"sigs.k8s.io/kustomize/kyaml/yaml/merge2"

	"regprofile.dev/regprofile/internal/krm"
	"regprofile.dev/regprofile/internal/platforms"
)

// resourceList is what kustomize hands the function for one of the
// repository's overlays: the overlay's profile (the base with the overlay's
// patch) as the item, the transformer's configuration as functionConfig.
func resourceList(b testing.TB, platform string) []byte {
	b.Helper()
	read := func(p string) string {
		data, err := os.ReadFile(filepath.Join("../..", p))
		if err != nil {
			b.Fatal(err)
		}
		return string(data)
	}
	profile, err := merge2.MergeStrings(read(filepath.Join("overlays", platform, "profile.yaml")), read("bases/registryprofile.yaml"), false,
		yaml.MergeOptions{ListIncreaseDirection: yaml.MergeOptionsListAppend})
	if err != nil {
		b.Fatal(err)
	}
	indent := func(s string) string {
		return "  " + strings.ReplaceAll(strings.TrimRight(s, "\n"), "\n", "\n  ") + "\n"
	}
	return []byte("apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n- " +
		strings.TrimPrefix(indent(profile), "  ") + "functionConfig:\n" + indent(read("transformers/regprofile.yaml")))
}

// process runs the function on a ResourceList, as regprofile does.
func process(in []byte, out *bytes.Buffer) error {
	var stderr bytes.Buffer
	if code := krm.Run(bytes.NewReader(in), out, &stderr, nil); code != 0 {
		return fmt.Errorf("exit %d: %s", code, stderr.String())
	}
	return nil
}

// TestBenchmarkInput keeps BenchmarkProcess honest: its ResourceList
// renders every platform.
func TestBenchmarkInput(t *testing.T) {
	for _, platform := range platforms.Names() {
		var out bytes.Buffer
		if err := process(resourceList(t, platform), &out); err != nil {
			t.Fatalf("%s: %v", platform, err)
		}
		if !bytes.Contains(out.Bytes(), []byte("kind: Config\n")) {
			t.Errorf("%s: no Config rendered:\n%s", platform, out.String())
		}
	}
}

// BenchmarkProcess measures one KRM call in-process, as regprofile runs it
// under kustomize: parse the ResourceList, render, write the ResourceList
// back. What a call costs beyond this is process start-up (make bench
// measures that separately).
func BenchmarkProcess(b *testing.B) {
	for _, platform := range platforms.Names() {
		in := resourceList(b, platform)
		b.Run(platform, func(b *testing.B) {
			b.ReportAllocs()
			var out bytes.Buffer
			for b.Loop() {
				out.Reset()
				if err := process(in, &out); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
