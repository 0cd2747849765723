// Package bench holds the benchmarks that run regprofile as a process, the
// way kustomize and a shell run it: regprofile build and kustomize's exec
// path against plain kustomize of the static overlay, with a do-nothing
// exec function beside them (BenchmarkBuild); the function's start-up
// against minimal Go exec functions (BenchmarkStartup); and the peak memory
// of one render (BenchmarkPeakRSS). The in-process benchmarks live beside
// their code (internal/render, internal/emit, internal/krm,
// internal/profile; Argo CD's CMP round trip in fn/argocd/e2e/cmp).
// make bench runs them all through e2e/bench/report, which fills
// docs/benchmarks.md.
//
// They need bin/kustomize (make tools). The do-nothing functions (nopfn,
// nopkio, nopkyaml) are built here the way make build builds regprofile, so
// that their sizes and start-up compare; regprofile is REGPROFILE_BIN (make
// bench sets it to bin/regprofile), else built here the same way.
package bench

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"regprofile.dev/regprofile/internal/testkit"
)

// fixture is what every benchmark here measures on, made once per process.
type fixture struct {
	root, dir string // the repository; the scratch directory
	bin       string // dir/bin: regprofile, nopfn, nopkio, nopkyaml
	kustomize string
	env       []string // bin first on PATH, so that exec functions resolve there
	platforms []string
}

var (
	shared    *fixture
	sharedErr error
	once      sync.Once
)

func TestMain(m *testing.M) {
	code := m.Run()
	if shared != nil {
		os.RemoveAll(shared.dir)
	}
	os.Exit(code)
}

func setup(b *testing.B) *fixture {
	b.Helper()
	platforms := testkit.ExampleOverlays(b)
	once.Do(func() { shared, sharedErr = newFixture(testkit.Root(b), platforms) })
	if sharedErr != nil {
		b.Fatal(sharedErr)
	}
	return shared
}

// newFixture lays out, under a scratch directory, the example as one
// profile (example.yaml, testkit.ExampleProfileAt), the static tree
// regprofile emit writes of it (static/), that tree with the do-nothing
// exec function nopfn as every overlay's transformer (nopfn/), and the
// ResourceList kustomize hands regprofile for each overlay (rl-<platform>.yaml),
// captured by a stand-in regprofile, first on PATH, that copies its stdin.
func newFixture(root string, platforms []string) (*fixture, error) {
	dir, err := os.MkdirTemp("", "regprofile-bench-")
	if err != nil {
		return nil, err
	}
	f := &fixture{root: root, dir: dir, bin: filepath.Join(dir, "bin"), platforms: platforms}
	f.env = append(os.Environ(), "PATH="+f.bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	if f.kustomize, err = testkit.Kustomize(root); err != nil {
		return f, err
	}
	// make build's flags (GO_BUILD in the Makefile). make bench names its
	// bin/regprofile in REGPROFILE_BIN: what a user runs is measured.
	pkgs := []string{"./e2e/bench/nopfn", "./e2e/bench/nopkio", "./e2e/bench/nopkyaml"}
	if bin := os.Getenv("REGPROFILE_BIN"); bin != "" {
		err = os.MkdirAll(f.bin, 0o755)
		if err == nil {
			err = os.Symlink(bin, filepath.Join(f.bin, "regprofile"))
		}
	} else {
		pkgs = append(pkgs, "./fn/cmd/regprofile")
	}
	if err == nil {
		_, err = f.run(cmd(append([]string{"go", "build", "-trimpath", "-ldflags=-s -w", "-o", f.bin + "/"}, pkgs...)...))
	}
	if err != nil {
		return f, err
	}
	example, err := testkit.ExampleProfileAt(root, platforms...)
	if err == nil {
		example, err = testkit.Plain(example)
	}
	if err == nil {
		err = os.WriteFile(filepath.Join(dir, "example.yaml"), example, 0o644)
	}
	if err == nil {
		_, err = f.run(f.regprofile("emit", "--out", filepath.Join(dir, "static"), filepath.Join(dir, "example.yaml")))
	}
	if err == nil {
		err = os.CopyFS(filepath.Join(dir, "nopfn"), os.DirFS(filepath.Join(dir, "static")))
	}
	capture := filepath.Join(dir, "capture")
	if err == nil {
		err = os.Mkdir(capture, 0o755)
	}
	if err == nil {
		err = os.WriteFile(filepath.Join(capture, "regprofile"),
			[]byte("#!/bin/sh\ntee \"$CAPTURE\" | exec '"+filepath.Join(f.bin, "regprofile")+"' \"$@\"\n"), 0o755)
	}
	for _, p := range platforms {
		if err != nil {
			return f, err
		}
		overlay := filepath.Join(dir, "nopfn", "overlays", p)
		var k []byte
		if k, err = os.ReadFile(filepath.Join(overlay, "kustomization.yaml")); err == nil {
			err = os.WriteFile(filepath.Join(overlay, "kustomization.yaml"), append(k, "transformers:\n- nop.yaml\n"...), 0o644)
		}
		if err == nil {
			err = os.WriteFile(filepath.Join(overlay, "nop.yaml"), []byte("apiVersion: bench.regprofile.dev/v1\nkind: NopTransformer\n"+
				"metadata:\n  name: nop\n  annotations:\n    config.kubernetes.io/function: |\n      exec:\n        path: nopfn\n"), 0o644)
		}
		if err == nil {
			c := f.execPath("overlays/" + p)
			c.env = []string{"PATH=" + capture + string(os.PathListSeparator) + f.bin + string(os.PathListSeparator) + os.Getenv("PATH"),
				"CAPTURE=" + f.resourceList(p)}
			_, err = f.run(c)
		}
	}
	return f, err
}

func (f *fixture) resourceList(platform string) string {
	return filepath.Join(f.dir, "rl-"+platform+".yaml")
}

// command is one process a benchmark runs, from the repository's root.
type command struct {
	name  string // how metrics call it
	args  []string
	stdin string   // a file, or none
	env   []string // added to the fixture's
}

func cmd(args ...string) command { return command{name: filepath.Base(args[0]), args: args} }

func (f *fixture) regprofile(args ...string) command {
	return cmd(append([]string{filepath.Join(f.bin, "regprofile")}, args...)...)
}

func (f *fixture) execPath(dir string) command {
	return cmd(f.kustomize, "build", "--enable-alpha-plugins", "--enable-exec", dir)
}

// ran is what one run of a command printed and cost.
type ran struct {
	stdout, stderr []byte
	wall, cpu      time.Duration
	maxRSS         int64 // bytes
}

func (f *fixture) run(c command) (ran, error) {
	var r ran
	p := exec.Command(c.args[0], c.args[1:]...)
	p.Dir, p.Env = f.root, append(f.env, c.env...)
	var stdout, stderr bytes.Buffer
	p.Stdout, p.Stderr = &stdout, &stderr
	if c.stdin != "" {
		in, err := os.Open(c.stdin)
		if err != nil {
			return r, err
		}
		defer in.Close()
		p.Stdin = in
	}
	start := time.Now()
	err := p.Run()
	r.wall = time.Since(start)
	r.stdout, r.stderr = stdout.Bytes(), stderr.Bytes()
	if err != nil {
		return r, fmt.Errorf("%v: %w\n%s", c.args, err, stderr.Bytes())
	}
	r.cpu = p.ProcessState.UserTime() + p.ProcessState.SystemTime()
	if u, ok := p.ProcessState.SysUsage().(*syscall.Rusage); ok {
		r.maxRSS = u.Maxrss * 1024 // KiB on Linux
	}
	return r, nil
}

// total is one command's runs within one benchmark run.
type total struct {
	n         int
	wall, cpu time.Duration
	maxRSS    int64
}

func (t total) ms() float64    { return t.wall.Seconds() * 1e3 / float64(t.n) }
func (t total) cpuMs() float64 { return t.cpu.Seconds() * 1e3 / float64(t.n) }
func (t total) mib() float64   { return float64(t.maxRSS) / (1 << 20) }

// interleave runs the commands in turn, each iteration starting one further
// along, so that a drift of the machine's load weighs on each alike and
// ratios between them hold. With same, every command must print what the
// first run printed: comparing commands that do different work would mean
// nothing. Wall time per iteration is not reported (it is their sum); the
// caller reports each command's own figures.
func (f *fixture) interleave(b *testing.B, same bool, cmds ...command) map[string]total {
	totals := map[string]total{}
	var want []byte
	var wantFrom []string
	for i := 0; b.Loop(); i++ {
		for k := range cmds {
			c := cmds[(i+k)%len(cmds)]
			r, err := f.run(c)
			if err != nil {
				b.Fatal(err)
			}
			if wantFrom == nil {
				want, wantFrom = r.stdout, c.args
			} else if same && !bytes.Equal(r.stdout, want) {
				b.Fatalf("%s prints other bytes than %s", c.args, wantFrom)
			}
			t := totals[c.name]
			t.n, t.wall, t.cpu, t.maxRSS = t.n+1, t.wall+r.wall, t.cpu+r.cpu, max(t.maxRSS, r.maxRSS)
			totals[c.name] = t
		}
	}
	b.ReportMetric(0, "ns/op")
	return totals
}

// BenchmarkBuild: per platform, plain kustomize of the static overlay
// (static), the static overlay with the do-nothing exec function (nopfn),
// regprofile build of the repository's overlay (build) and kustomize's exec
// path of it (exec), interleaved; all four print the same bytes. Ratios are
// of mean wall times within one benchmark run; build-MiB is regprofile
// build's peak resident set.
func BenchmarkBuild(b *testing.B) {
	f := setup(b)
	for _, p := range f.platforms {
		b.Run(p, func(b *testing.B) {
			static := cmd(f.kustomize, "build", filepath.Join(f.dir, "static", "overlays", p))
			static.name = "static"
			nop := f.execPath(filepath.Join(f.dir, "nopfn", "overlays", p))
			nop.name = "nopfn"
			build := f.regprofile("build", "overlays/"+p)
			build.name = "build"
			execPath := f.execPath("overlays/" + p)
			execPath.name = "exec"
			t := f.interleave(b, true, static, nop, build, execPath)
			for _, name := range []string{"static", "nopfn", "build", "exec"} {
				b.ReportMetric(t[name].ms(), name+"-ms")
			}
			b.ReportMetric(t["build"].cpuMs(), "build-cpu-ms")
			b.ReportMetric(t["static"].cpuMs(), "static-cpu-ms")
			b.ReportMetric(t["build"].ms()/t["static"].ms(), "build/static")
			b.ReportMetric(t["exec"].ms()/t["static"].ms(), "exec/static")
			b.ReportMetric(t["nopfn"].ms()/t["static"].ms(), "nopfn/static")
			b.ReportMetric(t["exec"].ms()/t["nopfn"].ms(), "exec/nopfn")
			b.ReportMetric(t["build"].mib(), "build-MiB")
		})
	}
}

// initLine is one line of GODEBUG=inittrace=1: a package's init, when it
// started after the runtime did and how long it took.
var initLine = regexp.MustCompile(`(?m)^init \S+ @([\d.]+) ms, ([\d.]+) ms clock`)

// BenchmarkStartup runs each binary as kustomize runs an exec function, on
// the ResourceList kustomize hands regprofile for the first platform, with
// GODEBUG=inittrace=1: init-ms is the sum of every package's init,
// main-ms when the last init ends (when main starts, page faults of a
// larger binary included), sec/op the whole call.
func BenchmarkStartup(b *testing.B) {
	f := setup(b)
	for _, name := range []string{"nopfn", "nopkio", "nopkyaml", "regprofile"} {
		b.Run(name, func(b *testing.B) {
			path := filepath.Join(f.bin, name)
			c := cmd(path)
			c.stdin, c.env = f.resourceList(f.platforms[0]), []string{"GODEBUG=inittrace=1"}
			var inits int
			var sum, mainAt float64
			for b.Loop() {
				r, err := f.run(c)
				if err != nil {
					b.Fatal(err)
				}
				lines := initLine.FindAllSubmatch(r.stderr, -1)
				if len(lines) == 0 {
					b.Fatalf("%s: no init trace on stderr:\n%s", name, r.stderr)
				}
				last := 0.0
				for _, m := range lines {
					at, _ := strconv.ParseFloat(string(m[1]), 64)
					clock, _ := strconv.ParseFloat(string(m[2]), 64)
					sum, last = sum+clock, max(last, at+clock)
				}
				inits, mainAt = len(lines), mainAt+last
			}
			st, err := os.Stat(path)
			if err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(sum/float64(b.N), "init-ms")
			b.ReportMetric(mainAt/float64(b.N), "main-ms")
			b.ReportMetric(float64(inits), "inits")
			b.ReportMetric(float64(st.Size())/(1<<20), "binary-MiB")
		})
	}
}

// BenchmarkPeakRSS: per platform, the peak resident set of one render,
// standalone (regprofile render) and as the KRM call kustomize makes.
func BenchmarkPeakRSS(b *testing.B) {
	f := setup(b)
	for _, p := range f.platforms {
		b.Run(p, func(b *testing.B) {
			render := f.regprofile("render", "--platform", p, filepath.Join(f.dir, "example.yaml"))
			render.name = "render"
			krm := f.regprofile()
			krm.name, krm.stdin = "krm", f.resourceList(p)
			t := f.interleave(b, false, render, krm)
			if t["render"].maxRSS == 0 {
				b.Fatal("no peak resident set from the kernel (rusage)")
			}
			b.ReportMetric(t["render"].mib(), "render-MiB")
			b.ReportMetric(t["krm"].mib(), "krm-MiB")
		})
	}
}
