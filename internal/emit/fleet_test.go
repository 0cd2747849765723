package emit_test

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"regprofile.dev/regprofile/internal/emit"
	"regprofile.dev/regprofile/internal/layout"
	"regprofile.dev/regprofile/internal/profile"
	"regprofile.dev/regprofile/internal/render"
	"regprofile.dev/regprofile/internal/testkit"
)

// BenchmarkEmitFleet is "regprofile emit" at fleet scale, as a team that
// commits rendered manifests for every cluster runs it: N distinct profiles
// (testkit.FleetProfile), each naming every overlay's platform, each
// emitted into a new directory under TMPDIR, one op being the whole fleet.
//
//   - lib/profiles=N does in-process what "regprofile emit --out DIR FILE"
//     does (read, decode, render every platform, lay out, write), on one
//     goroutine per core: what emit costs.
//   - cli/profiles=N runs the binary named by REGPROFILE_BIN once per
//     profile, as many at a time as there are cores: what a script over the
//     CLI costs, a process start per profile included. It is skipped
//     without REGPROFILE_BIN.
//
// ms/profile is wall time per profile, cpu-ms/profile the CPU time (of this
// process, or of its children for cli). make bench runs it with
// -benchtime 1x for 1 to 10,000 profiles (docs/benchmarks.md, section 5).
func BenchmarkEmitFleet(b *testing.B) {
	root := testkit.Root(b)
	merged, err := testkit.ExampleProfileAt(root, testkit.ExampleOverlays(b)...)
	if err == nil {
		merged, err = testkit.Plain(merged)
	}
	if err != nil {
		b.Fatal(err)
	}
	for _, mode := range []string{"lib", "cli"} {
		for _, n := range []int{1, 10, 100, 1000, 10000} {
			b.Run(fmt.Sprintf("%s/profiles=%d", mode, n), func(b *testing.B) {
				bin := os.Getenv("REGPROFILE_BIN")
				if mode == "cli" && bin == "" {
					b.Skip("REGPROFILE_BIN names no regprofile binary (make bench sets it)")
				}
				dir := b.TempDir()
				files := make([]string, n)
				for i := range files {
					data, err := testkit.FleetProfile(merged, i)
					if err == nil {
						files[i] = filepath.Join(dir, fmt.Sprintf("cluster-%05d.yaml", i))
						err = os.WriteFile(files[i], data, 0o644)
					}
					if err != nil {
						b.Fatal(err)
					}
				}
				var cpu time.Duration
				written, reps := 0, 0
				for b.Loop() {
					b.StopTimer()
					reps++
					out := filepath.Join(dir, fmt.Sprintf("out-%d", reps))
					if err := os.Mkdir(out, 0o755); err != nil {
						b.Fatal(err)
					}
					runtime.GC()
					cpu0 := cpuTime(mode)
					b.StartTimer()
					w, err := emitFleet(mode, bin, files, out)
					b.StopTimer()
					cpu += cpuTime(mode) - cpu0
					if err != nil {
						b.Fatal(err)
					}
					written += w
					if err := os.RemoveAll(out); err != nil {
						b.Fatal(err)
					}
					b.StartTimer()
				}
				perOp := float64(n * reps)
				b.ReportMetric(float64(b.Elapsed())/1e6/perOp, "ms/profile")
				b.ReportMetric(float64(cpu)/1e6/perOp, "cpu-ms/profile")
				b.ReportMetric(float64(written)/float64(reps), "files/op")
			})
		}
	}
}

// emitFleet emits every profile into out/<name>, one worker per core,
// and returns the number of files written.
func emitFleet(mode, bin string, files []string, out string) (int, error) {
	var next, written atomic.Int64
	var mu sync.Mutex
	var errs []error
	emit := emitOne
	if mode == "cli" {
		emit = func(file, dest string) (int, error) { return emitCLI(bin, file, dest) }
	}
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= len(files) {
					return
				}
				dest := filepath.Join(out, strings.TrimSuffix(filepath.Base(files[i]), ".yaml"))
				w, err := emit(files[i], dest)
				if err != nil {
					mu.Lock()
					errs = append(errs, fmt.Errorf("%s: %w", files[i], err))
					mu.Unlock()
					return
				}
				written.Add(int64(w))
			}
		})
	}
	wg.Wait()
	return int(written.Load()), errors.Join(errs...)
}

// emitOne is what "regprofile emit --out dest file" does, in-process.
func emitOne(file, dest string) (int, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return 0, err
	}
	return emitProfile(data, file, dest)
}

// emitProfile decodes a profile, renders every platform, lays out the tree
// and writes it into dest; it returns the number of files written.
func emitProfile(data []byte, name, dest string) (int, error) {
	prof, fs := profile.DecodeBytes(data)
	if fs.HasErrors() {
		return 0, errors.New(fs.Sorted()[0].Text())
	}
	rendered, fs := render.All(prof)
	if fs.HasErrors() {
		return 0, errors.New(fs.Sorted()[0].Text())
	}
	tree, err := layout.Build(rendered, name)
	if err != nil {
		return 0, err
	}
	sum, err := emit.Write(dest, tree, emit.Options{})
	return len(sum.Written), err
}

// emitCLI runs "regprofile emit --out dest file" and returns the number of
// files it says it wrote.
func emitCLI(bin, file, dest string) (int, error) {
	out, err := exec.Command(bin, "emit", "--out", dest, file).CombinedOutput()
	if err != nil {
		return 0, fmt.Errorf("%v\n%s", err, out)
	}
	// "regprofile emit: DIR: platforms A, B; N files written, ..."
	_, summary, _ := strings.Cut(string(out), "; ")
	var w, u, r int
	if _, err := fmt.Sscanf(summary, "%d files written, %d unchanged, %d removed", &w, &u, &r); err != nil {
		return 0, fmt.Errorf("unexpected output %q: %v", out, err)
	}
	return w, nil
}

func cpuTime(mode string) time.Duration {
	who := syscall.RUSAGE_SELF
	if mode == "cli" {
		who = syscall.RUSAGE_CHILDREN
	}
	var ru syscall.Rusage
	if err := syscall.Getrusage(who, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
