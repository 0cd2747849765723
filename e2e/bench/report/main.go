// Command report runs regprofile's benchmarks and fills the generated
// blocks of docs/benchmarks.md (<!-- bench:NAME --> … <!-- /bench:NAME -->);
// the prose around them is written by hand in that file. make bench runs it
// through e2e/bench/run.sh, which installs the tools.
//
//	go run ./e2e/bench/report [-quick] [-keep] [-skip build,cmp,...] [-out docs/benchmarks.md]
//
// A section skipped with -skip keeps its blocks as they are (figures of an
// earlier run); the machine block always describes this run and names the
// sections it measured. A block in the document that no section fills, or a
// section's block missing from it, is an error, found before anything runs.
package main

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// bench is one run of the benchmarks.
type bench struct {
	repo, bin string // the repository's root and its bin/ (regprofile, kustomize, benchstat)
	work      string // scratch directory on disk ($W)
	fast      string // scratch directory on a tmpfs when there is one ($F), else work
	helpers   string // the benchmark's own binaries
	path      string // PATH of every measured command: helpers, bin, then the caller's PATH
	quick     bool

	notes []string          // caveats for the machine block
	rls   map[string][]byte // ResourceLists kustomize hands regprofile, by platform
}

// section is one part of the report: the blocks it fills and how.
type section struct {
	name   string
	blocks []string
	run    func(*bench) (map[string]string, error)
}

var sections = []section{
	{"build", []string{"build", "kustomize", "target.build", "target.build-rss", "target.kustomize"}, (*bench).build},
	{"startup", []string{"startup", "target.startup"}, (*bench).startup},
	{"gobench", []string{"gobench", "target.render"}, (*bench).goBench},
	{"rss", []string{"rss", "target.rss"}, (*bench).rss},
	{"fleet", []string{"fleet", "target.fleet", "target.fleet-curve"}, (*bench).fleet},
	{"cmp", []string{"cmp", "target.cmp"}, (*bench).cmp},
}

// platforms are the repository's overlays (overlays/<name>/kustomization.yaml), sorted.
var platforms []string

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func run() error {
	var names []string
	keep := map[string]bool{} // the blocks of sections not measured (yet)
	for _, s := range sections {
		names = append(names, s.name)
		for _, blk := range s.blocks {
			keep[blk] = true
		}
	}
	out := flag.String("out", "docs/benchmarks.md", "the document whose generated blocks to fill")
	quick := flag.Bool("quick", false, "fewer repetitions (tries the harness out; the figures are not reliable)")
	benchstat := flag.String("benchstat-version", "", "the golang.org/x/perf version bin/benchstat was installed at")
	keepDirs := flag.Bool("keep", false, "keep the scratch directories $W and $F (printed) to rerun commands by hand")
	skip := flag.String("skip", "", "comma-separated sections not to measure; their blocks keep the figures of an earlier run: "+strings.Join(names, ", "))
	flag.Parse()
	skipped := map[string]bool{}
	for _, s := range strings.FieldsFunc(*skip, func(r rune) bool { return r == ',' || r == ' ' }) {
		if !slices.Contains(names, s) {
			return fmt.Errorf("-skip %s: no such section (%s)", s, strings.Join(names, ", "))
		}
		skipped[s] = true
	}
	// The document's blocks are checked before anything is measured, and
	// the document is read again at the end, so that edits made meanwhile stay.
	doc, err := os.ReadFile(*out)
	if err == nil {
		_, err = fill(string(doc), map[string]string{"machine": ""}, keep)
	}
	if err != nil {
		return fmt.Errorf("%s: %w", *out, err)
	}
	b, err := setup(*quick)
	if b != nil && *keepDirs {
		logf("$W is %s, $F is %s; both are kept", b.work, b.fast)
	} else if b != nil {
		defer os.RemoveAll(b.work)
		defer os.RemoveAll(b.fast)
	}
	if err != nil {
		return err
	}
	load0, start := loadavg(), time.Now()
	blocks := map[string]string{}
	var measured []string
	for _, s := range sections {
		if skipped[s.name] {
			continue
		}
		logf("== %s", s.name)
		t := time.Now()
		got, err := s.run(b)
		if err != nil {
			return fmt.Errorf("%s: %w", s.name, err)
		}
		if k := slices.Sorted(maps.Keys(got)); !slices.Equal(k, slices.Sorted(slices.Values(s.blocks))) {
			return fmt.Errorf("%s filled %v, declares %v", s.name, k, s.blocks)
		}
		maps.Copy(blocks, got)
		for _, blk := range s.blocks {
			delete(keep, blk)
		}
		measured = append(measured, s.name)
		logf("== %s done in %v", s.name, time.Since(t).Round(time.Second))
	}
	blocks["machine"] = b.machine(*benchstat, measured, skipped, load0, start)
	doc, err = os.ReadFile(*out)
	if err == nil {
		var filled string
		if filled, err = fill(string(doc), blocks, keep); err == nil {
			err = os.WriteFile(*out, []byte(filled), 0o644)
		}
	}
	if err != nil {
		return fmt.Errorf("%s: %w", *out, err)
	}
	logf("filled %s in %v", *out, time.Since(start).Round(time.Second))
	return nil
}

func setup(quick bool) (*bench, error) {
	repo, err := os.Getwd()
	if err != nil {
		return nil, err
	}
	b := &bench{repo: repo, bin: filepath.Join(repo, "bin"), quick: quick}
	entries, _ := os.ReadDir(filepath.Join(repo, "overlays"))
	for _, e := range entries {
		if _, err := os.Stat(filepath.Join(repo, "overlays", e.Name(), "kustomization.yaml")); err == nil {
			platforms = append(platforms, e.Name())
		}
	}
	if len(platforms) == 0 {
		return nil, errors.New("no overlays/<name>/kustomization.yaml: run from the repository's root (make bench)")
	}
	for _, tool := range []string{"regprofile", "kustomize", "benchstat"} {
		if _, err := os.Stat(filepath.Join(b.bin, tool)); err != nil {
			return nil, fmt.Errorf("bin/%s is missing: run make bench (it builds and installs what it needs)", tool)
		}
	}
	for _, tool := range []string{"hyperfine", "/usr/bin/time"} {
		if _, err := exec.LookPath(tool); err != nil {
			return nil, fmt.Errorf("%s is not installed (Debian: apt-get install %s)", tool, filepath.Base(tool))
		}
	}
	if b.work, err = os.MkdirTemp("", "regprofile-bench-"); err != nil {
		return nil, err
	}
	if b.fast, err = os.MkdirTemp("/dev/shm", "regprofile-bench-"); err != nil {
		b.fast = b.work
	}
	b.helpers = filepath.Join(b.work, "helpers")
	b.path = b.helpers + ":" + b.bin + ":" + os.Getenv("PATH")
	for _, name := range []string{"nopfn", "nopkio", "nopkyaml"} {
		// Built as make build builds regprofile, so that sizes and start-up compare.
		if _, err := b.run("", nil, "go", "build", "-trimpath", "-ldflags=-s -w", "-o", filepath.Join(b.helpers, name), "./e2e/bench/"+name); err != nil {
			return b, err
		}
	}
	return b, b.scratch()
}

// run runs a command in dir (default the repository's root) with the
// benchmark's PATH and returns its stdout; stderr is part of the error.
func (b *bench) run(dir string, stdin []byte, name string, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = cmp.Or(dir, b.repo)
	cmd.Env = append(os.Environ(), "PATH="+b.path, "GOTOOLCHAIN=local", "TMPDIR="+b.fast, "REGPROFILE_BIN="+filepath.Join(b.bin, "regprofile"))
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		e := stderr.String()
		return stdout.String(), fmt.Errorf("%s %s: %w\n%s", name, strings.Join(args, " "), err, e[max(0, len(e)-3000):])
	}
	return stdout.String(), nil
}

func (b *bench) reps(full, quick int) int {
	if b.quick {
		return quick
	}
	return full
}

func logf(format string, args ...any) { fmt.Fprintf(os.Stderr, "bench: "+format+"\n", args...) }

func loadavg() string {
	data, _ := os.ReadFile("/proc/loadavg")
	if f := strings.Fields(string(data)); len(f) >= 3 {
		return strings.Join(f[:3], " ")
	}
	return "?"
}

// machine is the machine block: where and when this run's figures came from.
func (b *bench) machine(benchstat string, measured []string, skipped map[string]bool, load0 string, start time.Time) string {
	run := fmt.Sprintf("%s, %v; sections measured: %s", start.UTC().Format("2006-01-02 15:04 MST"),
		time.Since(start).Round(time.Second), cmp.Or(strings.Join(measured, ", "), "none"))
	if len(skipped) > 0 {
		run += "; kept from an earlier run (-skip): " + strings.Join(slices.Sorted(maps.Keys(skipped)), ", ")
	}
	if b.quick {
		run += "; **-quick: too few repetitions for the figures to mean much**"
	}
	facts, err := b.run("", nil, "sh", "-c", `
		echo "CPU|$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(nproc) cores (GOMAXPROCS ${GOMAXPROCS:-$(nproc)})"
		echo "Memory|$(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)"
		echo "Kernel|$(uname -sr)"
		echo "OS|$(. /etc/os-release && echo "$PRETTY_NAME")"
		echo "Go|$(go version)"
		echo "kustomize|bin/kustomize $(bin/kustomize version)"
		echo "hyperfine|$(hyperfine --version)"
		echo "Scratch directories|\$F on $(df --output=fstype "$0" | tail -n 1), \$W on $(df --output=fstype "$1" | tail -n 1)"
		echo "Commit|$(git rev-parse --short=12 HEAD)$(git status --porcelain --untracked-files=no | grep -q . && echo ' (with uncommitted changes)')"
	`, b.fast, b.work)
	if err != nil {
		b.notes = append(b.notes, "The machine's facts are incomplete: "+strings.SplitN(err.Error(), "\n", 2)[0])
	}
	rows := [][]string{{"Run", run}}
	for _, line := range strings.Split(strings.TrimSpace(facts), "\n") {
		rows = append(rows, strings.SplitN(line, "|", 2))
	}
	rows = append(rows, []string{"benchstat", "golang.org/x/perf/cmd/benchstat " + benchstat},
		[]string{"Load average (1, 5, 15 min)", load0 + " at the start, " + loadavg() + " at the end"})
	for _, n := range b.notes {
		rows = append(rows, []string{"Note", n})
	}
	return table([]string{"", "this run"}, rows)
}
