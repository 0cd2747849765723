package main

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

var benchLine = regexp.MustCompile(`^(Benchmark\S+?)(?:-\d+)?\s+\d+\s+([\d.]+) ns/op(?:\s+([\d.]+) B/op)?(?:\s+([\d.]+) allocs/op)?`)

// goBenchResults are the ns/op of each benchmark, by name without the
// GOMAXPROCS suffix.
type goBenchResults map[string][]float64

func parseGoBench(out string) goBenchResults {
	r := goBenchResults{}
	for _, line := range strings.Split(out, "\n") {
		if m := benchLine.FindStringSubmatch(line); m != nil {
			ns, _ := strconv.ParseFloat(m[2], 64)
			r[m[1]] = append(r[m[1]], ns)
		}
	}
	return r
}

// goBench runs the in-process Go benchmarks and summarises them with
// benchstat.
func (b *bench) goBench() error {
	count := b.reps(6, 1)
	benchtime := "0.3s"
	if b.quick {
		benchtime = "20x"
	}
	pkgs := []string{"./internal/render/", "./internal/emit/", "./internal/krm/", "./internal/profile/"}
	args := append([]string{"test", "-run", "^$", "-bench", ".", "-benchmem", "-count", strconv.Itoa(count), "-benchtime", benchtime}, pkgs...)
	out, err := b.run([]string{"TMPDIR=" + b.fast}, "go", args...)
	if err != nil {
		return err
	}
	raw := filepath.Join(b.work, "gobench.txt")
	if err := os.WriteFile(raw, []byte(out), 0o644); err != nil {
		return err
	}
	stat, err := b.runIn(b.work, nil, nil, filepath.Join(b.bin, "benchstat"), filepath.Base(raw))
	if err != nil {
		return err
	}
	res := parseGoBench(out)
	var names []string
	worst, worstName := 0.0, ""
	for name, ns := range res {
		if p, ok := strings.CutPrefix(name, "BenchmarkRender/"); ok {
			names = append(names, p)
			if m := median(ns); m > worst {
				worst, worstName = m, p
			}
		}
	}
	sort.Strings(names)
	if len(names) == 0 {
		return fmt.Errorf("no BenchmarkRender results in:\n%s", tail(out, 3000))
	}
	met := worst <= 250e3

	var sec strings.Builder
	sec.WriteString("## 3. In-process render (Go benchmarks)\n\n")
	sec.WriteString("Target: one platform overlay's in-process render at most 250 µs.\n\n")
	fmt.Fprintf(&sec, "```sh\nTMPDIR=$F go test -run '^$' -bench . -benchmem -count %d -benchtime %s %s > gobench.txt\nbin/benchstat gobench.txt\n```\n\n",
		count, benchtime, strings.Join(pkgs, " "))
	sec.WriteString("- `BenchmarkRender/<platform>` (internal/render): `render.Render` of the overlay's profile (the base with the " +
		"overlay's patch) and every object to a YAML node: resolve, default, validate, build, annotate.\n" +
		"- `BenchmarkRenderYAML/<platform>` (internal/render): the same, then every object written as YAML text, as " +
		"`regprofile render` prints it. go-yaml's encoder costs more than the render itself: it queues every event of a " +
		"document in a slice that only grows (about half of the bytes allocated here), which regprofile cannot change.\n" +
		"- `BenchmarkDecode` (internal/render): strict decoding of a merged profile.\n" +
		"- `BenchmarkDecodeHostile/<shape>` (internal/profile): decoding about 1 MiB shaped for the worst cost each input limit allows " +
		"(a long text, an object as wide as the node limit, lists nested to the depth limit, long keys nested deep, aliases expanding to the node limit); " +
		"the bytes per second are per byte of input, and every shape stays linear in it.\n" +
		"- `BenchmarkEmit/*` (internal/emit): one `regprofile emit` of the example naming every overlay's platform, by stage; " +
		"`Write` writes 36 files into a new directory under `TMPDIR` (`$F`, a tmpfs here).\n" +
		"- `BenchmarkProcess/<platform>` (internal/krm): one KRM call in-process: parse the ResourceList kustomize sends, " +
		"render, write the ResourceList back; a process start (section 2) comes on top.\n\n")
	sec.WriteString("```\n" + strings.TrimSpace(stat) + "\n```\n\n")
	fmt.Fprintf(&sec, "Verdict: %s. The slowest platform, %s, renders in %.0f µs (median of %d).\n\n", verdict(met), worstName, worst/1e3, len(res["BenchmarkRender/"+worstName]))
	b.sections = append(b.sections, sec.String())
	b.summary = append(b.summary, target{
		name:    "in-process render of one platform overlay: at most 250 µs",
		figure:  fmt.Sprintf("%.0f µs (slowest platform, %s)", worst/1e3, worstName),
		verdict: verdict(met),
		section: "3",
	})
	return nil
}
