// Command report runs regprofile's benchmarks and fills the generated
// blocks of docs/benchmarks.md (<!-- bench:NAME --> … <!-- /bench:NAME -->);
// the prose around them is written by hand in that file. Every measurement
// is a Go benchmark beside the code it measures; this command only runs
// them, in rounds, summarises them with benchstat and writes the tables and
// each target's verdict. make bench runs it.
//
//	go run ./e2e/bench/report [-quick] [-skip build,cmp,...] [-out docs/benchmarks.md]
//
// A section skipped with -skip keeps its blocks as they are (figures of an
// earlier run); the machine block always describes this run and names the
// sections it measured. A block in the document that no section fills, or a
// section's block missing from it, is an error, found before anything runs.
package main

import (
	"cmp"
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

// section is one part of the report: the benchmarks it runs and the blocks
// it fills from their results. Its main block, named as the section, opens
// with the commands that measured it.
type section struct {
	name   string
	blocks []string
	runs   []run
	fill   func(results) map[string]string
}

// run is one go test -bench pattern in one package, run rounds times in
// fresh processes. Each round runs every run of the section once, so that
// a drift of the machine's load spreads over all of them.
type run struct {
	module                string // a nested module's directory ("" is the repository's)
	pkg, bench, benchtime string // pkg relative to the module
	rounds                int
	heavy                 bool // left out by -quick
}

func main() {
	if err := report(); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func report() error {
	var names []string
	keep := map[string]bool{} // the blocks of sections not measured (yet)
	for _, s := range sections {
		names = append(names, s.name)
		for _, blk := range s.blocks {
			keep[blk] = true
		}
	}
	out := flag.String("out", "docs/benchmarks.md", "the document whose generated blocks to fill")
	quick := flag.Bool("quick", false, "one round and no heavy runs (tries the harness out; the figures are not reliable)")
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
	b, err := newBench(*quick)
	if err != nil {
		return err
	}
	defer os.RemoveAll(b.work)
	load0, start := loadavg(), time.Now()
	blocks := map[string]string{}
	var measured []string
	for _, s := range sections {
		if skipped[s.name] {
			continue
		}
		logf("== %s", s.name)
		t := time.Now()
		res, how, err := b.measure(s)
		if err != nil {
			return fmt.Errorf("%s: %w", s.name, err)
		}
		got := s.fill(res)
		if k := slices.Sorted(maps.Keys(got)); !slices.Equal(k, slices.Sorted(slices.Values(s.blocks))) {
			return fmt.Errorf("%s filled %v, declares %v", s.name, k, s.blocks)
		}
		got[s.name] = how + got[s.name]
		maps.Copy(blocks, got)
		for _, blk := range s.blocks {
			delete(keep, blk)
		}
		measured = append(measured, s.name)
		logf("== %s done in %v", s.name, time.Since(t).Round(time.Second))
	}
	blocks["machine"] = b.machine(measured, skipped, load0, start)
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

// bench is one run of the report.
type bench struct {
	repo, bin string // the repository's root and its bin/ (regprofile, kustomize, benchstat)
	work      string // scratch: the test binaries and their output
	tmp       string // TMPDIR of the benchmarks: on a tmpfs when there is one, so that the disk does not weigh
	quick     bool
}

func newBench(quick bool) (*bench, error) {
	repo, err := os.Getwd()
	if err != nil {
		return nil, err
	}
	b := &bench{repo: repo, bin: filepath.Join(repo, "bin"), quick: quick}
	for _, tool := range []string{"regprofile", "kustomize", "benchstat"} {
		if _, err := os.Stat(filepath.Join(b.bin, tool)); err != nil {
			return nil, fmt.Errorf("bin/%s is missing: run make bench from the repository's root (it builds and installs what it needs)", tool)
		}
	}
	if b.work, err = os.MkdirTemp("", "regprofile-bench-"); err != nil {
		return nil, err
	}
	b.tmp = filepath.Join(b.work, "tmp")
	if shm, err := os.MkdirTemp("/dev/shm", "regprofile-bench-"); err == nil {
		b.tmp = shm
	}
	return b, os.MkdirAll(b.tmp, 0o755)
}

// command runs name in dir with the benchmarks' environment and returns its
// stdout; stderr ends the error.
func (b *bench) command(dir, name string, args ...string) (string, error) {
	var stdout, stderr strings.Builder
	c := exec.Command(name, args...)
	c.Dir, c.Stdout, c.Stderr = dir, &stdout, &stderr
	c.Env = append(os.Environ(), "PATH="+b.bin+string(os.PathListSeparator)+os.Getenv("PATH"), "GOTOOLCHAIN=local",
		"TMPDIR="+b.tmp, "REGPROFILE_BIN="+filepath.Join(b.bin, "regprofile"))
	if err := c.Run(); err != nil {
		e := stderr.String()
		return stdout.String(), fmt.Errorf("%s %s: %w\n%s", name, strings.Join(args, " "), err, e[max(0, len(e)-3000):])
	}
	return stdout.String(), nil
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
func (b *bench) machine(measured []string, skipped map[string]bool, load0 string, start time.Time) string {
	run := fmt.Sprintf("%s, %v; sections measured: %s", start.UTC().Format("2006-01-02 15:04 MST"),
		time.Since(start).Round(time.Second), cmp.Or(strings.Join(measured, ", "), "none"))
	if len(skipped) > 0 {
		run += "; kept from an earlier run (-skip): " + strings.Join(slices.Sorted(maps.Keys(skipped)), ", ")
	}
	if b.quick {
		run += "; **-quick: too few repetitions for the figures to mean much**"
	}
	facts, err := b.command(b.repo, "sh", "-c", `
		echo "CPU|$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//;s/ *$//'), $(nproc) cores (GOMAXPROCS ${GOMAXPROCS:-$(nproc)})"
		echo "Memory|$(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)"
		echo "Kernel|$(uname -sr)"
		echo "OS|$(. /etc/os-release && echo "$PRETTY_NAME")"
		echo "Go|$(go version)"
		echo "kustomize|bin/kustomize $(bin/kustomize version)"
		echo "benchstat|$(go version -m bin/benchstat | awk '$1 == "mod" { print $2, $3 }')"
		echo "TMPDIR of the benchmarks|$(df --output=fstype "$0" | tail -n 1)"
		echo "Commit|$(git rev-parse --short=12 HEAD)$(git status --porcelain --untracked-files=no | grep -q . && echo ' (with uncommitted changes)')"
	`, b.tmp)
	rows := [][]string{{"Run", run}}
	for _, line := range strings.Split(strings.TrimSpace(facts), "\n") {
		rows = append(rows, strings.SplitN(line+"|", "|", 3)[:2])
	}
	if err != nil {
		rows = append(rows, []string{"Note", "the machine's facts are incomplete: " + strings.SplitN(err.Error(), "\n", 2)[0]})
	}
	rows = append(rows, []string{"Load average (1, 5, 15 min)", load0 + " at the start, " + loadavg() + " at the end"})
	return table([]string{"", "this run"}, rows)
}
