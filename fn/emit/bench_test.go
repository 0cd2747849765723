package emit_test

import (
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/yaml"
	"sigs.k8s.io/kustomize/kyaml/yaml/merge2"

	"regprofile.dev/regprofile/fn/emit"
	"regprofile.dev/regprofile/fn/profile"
)

// exampleProfile is the repository's example as one profile: the base and
// every overlay's platform section, merged as kustomize merges them, so it
// names every overlay's platform.
func exampleProfile(b testing.TB) []byte {
	b.Helper()
	base, err := os.ReadFile("../../bases/registryprofile.yaml")
	if err != nil {
		b.Fatal(err)
	}
	patches, err := filepath.Glob("../../overlays/*/profile.yaml")
	if err != nil || len(patches) == 0 {
		b.Fatal("no overlays", err)
	}
	sort.Strings(patches)
	merged := string(base)
	for _, p := range patches {
		patch, err := os.ReadFile(p)
		if err != nil {
			b.Fatal(err)
		}
		if merged, err = merge2.MergeStrings(string(patch), merged, false, yaml.MergeOptions{ListIncreaseDirection: yaml.MergeOptionsListAppend}); err != nil {
			b.Fatal(err)
		}
	}
	return []byte(merged)
}

// BenchmarkEmit measures one profile's "regprofile emit" in-process, by
// stage, for the example naming every overlay's platform: decode, render every
// platform (RenderAll), lay out the tree (Build), write it into a new
// directory (Write, under TMPDIR: a tmpfs measures emit, a disk measures
// the disk too), and the whole (All). The fleet benchmark (make bench)
// runs All on every core for 1 to 10,000 profiles.
func BenchmarkEmit(b *testing.B) {
	data := exampleProfile(b)
	prof, fs := profile.DecodeBytes(data)
	if fs.HasErrors() {
		b.Fatal(fs)
	}
	rendered, fs := emit.RenderAll(prof)
	if fs.HasErrors() {
		b.Fatal(fs)
	}
	overlays, _ := filepath.Glob("../../overlays/*/profile.yaml")
	if len(rendered) != len(overlays) {
		b.Fatalf("the example renders %d platforms, want one per overlay (%d)", len(rendered), len(overlays))
	}
	tree, err := emit.Build(rendered, "profile.yaml")
	if err != nil {
		b.Fatal(err)
	}
	b.Run("Decode", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, fs := profile.DecodeBytes(data); fs.HasErrors() {
				b.Fatal(fs)
			}
		}
	})
	b.Run("RenderAll", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, fs := emit.RenderAll(prof); fs.HasErrors() {
				b.Fatal(fs)
			}
		}
	})
	b.Run("Build", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := emit.Build(rendered, "profile.yaml"); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("Write", func(b *testing.B) {
		b.ReportAllocs()
		dir := b.TempDir()
		i := 0
		for b.Loop() {
			i++
			if _, err := emit.Write(filepath.Join(dir, strconv.Itoa(i)), tree, emit.Options{}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("All", func(b *testing.B) {
		b.ReportAllocs()
		dir := b.TempDir()
		i := 0
		for b.Loop() {
			i++
			prof, fs := profile.DecodeBytes(data)
			if fs.HasErrors() {
				b.Fatal(fs)
			}
			rendered, fs := emit.RenderAll(prof)
			if fs.HasErrors() {
				b.Fatal(fs)
			}
			tree, err := emit.Build(rendered, "profile.yaml")
			if err != nil {
				b.Fatal(err)
			}
			if _, err := emit.Write(filepath.Join(dir, strconv.Itoa(i)), tree, emit.Options{}); err != nil {
				b.Fatal(err)
			}
		}
	})
}
