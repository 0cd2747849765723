package emit_test

import (
	"path/filepath"
	"strconv"
	"testing"

	"regprofile.dev/regprofile/internal/emit"
	"regprofile.dev/regprofile/internal/layout"
	"regprofile.dev/regprofile/internal/profile"
	"regprofile.dev/regprofile/internal/render"
	"regprofile.dev/regprofile/internal/testkit"
)

// BenchmarkEmit measures one profile's "regprofile emit" in-process, by
// stage, for the example naming every overlay's platform: decode, render every
// platform (RenderAll), lay out the tree (Build), write it into a new
// directory (Write, under TMPDIR: a tmpfs measures emit, a disk measures
// the disk too), and the whole (All). The fleet benchmark (make bench)
// runs All on every core for 1 to 10,000 profiles.
func BenchmarkEmit(b *testing.B) {
	overlays := testkit.ExampleOverlays(b)
	data := testkit.ExampleProfile(b, overlays...)
	prof, fs := profile.DecodeBytes(data)
	if fs.HasErrors() {
		b.Fatal(fs)
	}
	rendered, fs := render.All(prof)
	if fs.HasErrors() {
		b.Fatal(fs)
	}
	if len(rendered) != len(overlays) {
		b.Fatalf("the example renders %d platforms, want one per overlay (%d)", len(rendered), len(overlays))
	}
	tree, err := layout.Build(rendered, "profile.yaml")
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
			if _, fs := render.All(prof); fs.HasErrors() {
				b.Fatal(fs)
			}
		}
	})
	b.Run("Build", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := layout.Build(rendered, "profile.yaml"); err != nil {
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
			if _, err := emitProfile(data, "profile.yaml", filepath.Join(dir, strconv.Itoa(i))); err != nil {
				b.Fatal(err)
			}
		}
	})
}
