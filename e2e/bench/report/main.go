// Command report runs regprofile's benchmarks and writes
// docs/benchmarks.md: the Go benchmarks (benchstat), kustomize build of the
// function overlays against the emitted static overlays (hyperfine, and
// instruction counts with valgrind when installed), the function's start-up
// against minimal Go exec functions (GODEBUG=inittrace=1), peak RSS
// (/usr/bin/time -v), a fleet-scale emit, and the Argo CD CMP round trip.
// make bench runs it through e2e/bench/run.sh, which installs the tools.
//
//	go run ./e2e/bench/report [-quick] [-out docs/benchmarks.md]
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"
)

// bench is one run of every benchmark.
type bench struct {
	repo    string // the repository's root
	bin     string // repo/bin: regprofile, kustomize, benchstat
	work    string // scratch directory on disk
	fast    string // scratch directory on a tmpfs when there is one, else work
	helpers string // the benchmark's own binaries (nop functions, fleet, kprof)
	path    string // PATH for every measured command: helpers, bin, the system
	quick   bool   // fewer repetitions, for trying the harness out

	benchstatVersion string
	hasValgrind      bool
	rls              map[string][]byte // ResourceLists kustomize hands regprofile, by platform
	treesMade        bool              // trees() has laid out $W

	summary  []target
	sections []string
	notes    []string // caveats that apply to the whole run
}

// target is one line of the summary: an issue's target, the measured
// figure and whether it is met.
type target struct {
	name, figure, verdict, section string
}

// platforms are the repository's overlays (every overlays/<name>/ with a
// kustomization), sorted; setup fills it in.
var platforms []string

func overlayNames(repo string) ([]string, error) {
	entries, err := os.ReadDir(filepath.Join(repo, "overlays"))
	if err != nil {
		return nil, err
	}
	var names []string
	for _, e := range entries {
		if _, err := os.Stat(filepath.Join(repo, "overlays", e.Name(), "kustomization.yaml")); e.IsDir() && err == nil {
			names = append(names, e.Name())
		}
	}
	if len(names) == 0 {
		return nil, errors.New("no overlays/<name>/kustomization.yaml in the repository")
	}
	return names, nil
}

func main() {
	out := flag.String("out", "docs/benchmarks.md", "the report to write")
	quick := flag.Bool("quick", false, "fewer repetitions (a smoke test of the harness; figures are not reliable)")
	benchstatVersion := flag.String("benchstat-version", "", "the golang.org/x/perf version benchstat was installed at")
	skip := flag.String("skip", "", "comma-separated steps to skip: build, gobench, startup, rss, kustomize, fleet, cmp")
	flag.Parse()
	b, err := setup(*quick)
	if err != nil {
		fail(err)
	}
	defer os.RemoveAll(b.work)
	if b.fast != b.work {
		defer os.RemoveAll(b.fast)
	}
	b.benchstatVersion = *benchstatVersion
	skipped := map[string]bool{}
	for _, s := range strings.Split(*skip, ",") {
		skipped[strings.TrimSpace(s)] = true
	}
	load0 := loadavg()
	start := time.Now()
	steps := []struct {
		name string
		run  func() error
	}{
		{"build", b.build},
		{"kustomize", b.kustomize},
		{"startup", b.startup},
		{"gobench", b.goBench},
		{"rss", b.rss},
		{"fleet", b.fleet},
		{"cmp", b.cmp},
	}
	for _, s := range steps {
		if skipped[s.name] {
			b.sections = append(b.sections, fmt.Sprintf("<!-- %s: skipped in this run (-skip) -->\n", s.name))
			continue
		}
		logf("== %s", s.name)
		t := time.Now()
		if err := s.run(); err != nil {
			fail(fmt.Errorf("%s: %w", s.name, err))
		}
		logf("== %s done in %v", s.name, time.Since(t).Round(time.Second))
	}
	doc := b.document(load0, loadavg(), start, time.Since(start))
	dest := *out
	if !filepath.IsAbs(dest) {
		dest = filepath.Join(b.repo, dest)
	}
	if err := os.WriteFile(dest, []byte(doc), 0o644); err != nil {
		fail(err)
	}
	logf("wrote %s in %v", *out, time.Since(start).Round(time.Second))
}

func setup(quick bool) (*bench, error) {
	repo, err := os.Getwd()
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(filepath.Join(repo, "go.mod")); err != nil {
		return nil, errors.New("run from the repository's root (make bench)")
	}
	if platforms, err = overlayNames(repo); err != nil {
		return nil, err
	}
	b := &bench{repo: repo, bin: filepath.Join(repo, "bin"), quick: quick}
	for _, tool := range []string{"regprofile", "kustomize", "benchstat"} {
		if _, err := os.Stat(filepath.Join(b.bin, tool)); err != nil {
			return nil, fmt.Errorf("bin/%s is missing: run make bench (it builds and installs what it needs)", tool)
		}
	}
	if _, err := exec.LookPath("hyperfine"); err != nil {
		return nil, errors.New("hyperfine is not installed (Debian: apt-get install hyperfine)")
	}
	if _, err := os.Stat("/usr/bin/time"); err != nil {
		return nil, errors.New("/usr/bin/time is not installed (Debian: apt-get install time)")
	}
	_, err = exec.LookPath("valgrind")
	b.hasValgrind = err == nil
	if b.work, err = os.MkdirTemp("", "regprofile-bench-"); err != nil {
		return nil, err
	}
	b.fast = b.work
	if st, err := os.Stat("/dev/shm"); err == nil && st.IsDir() {
		if dir, err := os.MkdirTemp("/dev/shm", "regprofile-bench-"); err == nil {
			b.fast = dir
		}
	}
	b.helpers = filepath.Join(b.work, "helpers")
	b.path = b.helpers + ":" + b.bin + ":/usr/local/bin:/usr/bin:/bin"
	for name, pkg := range map[string]string{
		"nopfn": "./e2e/bench/nopfn", "nopkyaml": "./e2e/bench/nopkyaml", "nopkio": "./e2e/bench/nopkio", "stripids": "./e2e/bench/stripids",
		"fleet": "./e2e/bench/fleet", "kprof": "./e2e/bench/kprof",
	} {
		// Built as make build builds regprofile, so that sizes and start-up compare.
		if _, err := b.run(nil, "go", "build", "-trimpath", "-ldflags=-s -w", "-o", filepath.Join(b.helpers, name), pkg); err != nil {
			return nil, err
		}
	}
	return b, nil
}

// run runs a command in the repository's root with the benchmark's PATH
// and returns its stdout; stderr is part of the error.
func (b *bench) run(env []string, name string, args ...string) (string, error) {
	return b.runIn(b.repo, env, nil, name, args...)
}

func (b *bench) runIn(dir string, env []string, stdin []byte, name string, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	cmd.Env = append(append(os.Environ(), "PATH="+b.path, "GOTOOLCHAIN=local"), env...)
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return stdout.String(), fmt.Errorf("%s %s: %v\n%s", name, strings.Join(args, " "), err, tail(stderr.String(), 3000))
	}
	return stdout.String(), nil
}

func tail(s string, n int) string {
	if len(s) > n {
		return "..." + s[len(s)-n:]
	}
	return s
}

func (b *bench) reps(full, quick int) int {
	if b.quick {
		return quick
	}
	return full
}

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "bench: "+format+"\n", args...)
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "bench:", err)
	os.Exit(1)
}

func loadavg() string {
	data, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(data))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}

// machine describes where the figures came from.
func (b *bench) machine() [][2]string {
	cpu := "?"
	if data, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(data), "\n") {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
				cpu = strings.TrimSpace(v)
				break
			}
		}
	}
	mem := "?"
	if data, err := os.ReadFile("/proc/meminfo"); err == nil {
		for _, line := range strings.Split(string(data), "\n") {
			if strings.HasPrefix(line, "MemTotal:") {
				var kb float64
				fmt.Sscanf(strings.TrimSpace(strings.TrimPrefix(line, "MemTotal:")), "%f", &kb)
				mem = fmt.Sprintf("%.1f GiB", kb/(1<<20))
			}
		}
	}
	kernel := "?"
	if data, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		kernel = "Linux " + strings.TrimSpace(string(data))
	}
	osName := "?"
	if data, err := os.ReadFile("/etc/os-release"); err == nil {
		for _, line := range strings.Split(string(data), "\n") {
			if v, ok := strings.CutPrefix(line, "PRETTY_NAME="); ok {
				osName = strings.Trim(v, `"`)
			}
		}
	}
	first := func(s string, err error) string {
		if err != nil {
			return "not installed"
		}
		line, _, _ := strings.Cut(strings.TrimSpace(s), "\n")
		return line
	}
	goVersion := first(b.run(nil, "go", "version"))
	kustomize := first(b.run(nil, filepath.Join(b.bin, "kustomize"), "version"))
	hyperfine := first(b.run(nil, "hyperfine", "--version"))
	valgrind := first(b.run(nil, "valgrind", "--version"))
	benchstat := "golang.org/x/perf/cmd/benchstat " + b.benchstatVersion
	commit := first(b.run(nil, "git", "rev-parse", "--short=12", "HEAD"))
	if s, err := b.run(nil, "git", "status", "--porcelain", "--untracked-files=no"); err == nil && strings.TrimSpace(s) != "" {
		commit += " (with uncommitted changes)"
	}
	tmp := "$F = $W (no tmpfs)"
	if b.fast != b.work {
		tmp = "$F on /dev/shm (tmpfs), $W on " + fsOf(b.work)
	}
	return [][2]string{
		{"CPU", fmt.Sprintf("%s, %d cores (GOMAXPROCS %d)", cpu, runtime.NumCPU(), runtime.GOMAXPROCS(0))},
		{"Memory", mem},
		{"Kernel", kernel},
		{"OS", osName},
		{"Go", goVersion},
		{"kustomize", "bin/kustomize " + kustomize},
		{"hyperfine", hyperfine},
		{"benchstat", benchstat},
		{"valgrind", valgrind},
		{"Scratch directories", tmp},
		{"Commit", commit},
	}
}

// fsOf names the filesystem a directory is on, from /proc/mounts.
func fsOf(dir string) string {
	data, err := os.ReadFile("/proc/mounts")
	if err != nil {
		return "?"
	}
	best, kind := "", "?"
	for _, line := range strings.Split(string(data), "\n") {
		f := strings.Fields(line)
		if len(f) < 3 {
			continue
		}
		if (dir == f[1] || strings.HasPrefix(dir, strings.TrimSuffix(f[1], "/")+"/")) && len(f[1]) > len(best) {
			best, kind = f[1], f[2]
		}
	}
	return kind + " (" + best + ")"
}
