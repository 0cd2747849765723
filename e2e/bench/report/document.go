package main

import (
	"fmt"
	"strings"
	"time"
)

// changes records what was optimised for the targets, with the figures
// measured before and after at the time (they are not re-measured here).
const changes = `## Changes made for these targets

Measured when the change was made (2026-11-21, same machine, quiet), not re-measured by each run.

**internal/emit: each distinct object is YAML-encoded once.** Profiling the emit benchmark showed YAML encoding
(` + "`emit.serialize` → `yaml.(*RNode).MustString`" + `) at 66% of ` + "`RenderAll`" + `'s CPU against 19% for rendering
the seven platforms: every platform's objects were encoded separately, although most of them (the nine bases/
holds) render identically on every platform. ` + "`emit.RenderAll`" + ` and ` + "`layout.PathsFor`" + ` now reuse the text of an
object whose YAML node tree equals one already encoded (every field the encoder reads is compared, so the bytes
cannot differ). Before and after, 6 interleaved runs each of the two commits' test binaries, compared by
benchstat (` + "`TMPDIR=/dev/shm emit.test -test.bench Emit -test.benchmem -test.benchtime 0.3s`" + `):

| benchmark | before | after | change |
|---|---|---|---|
| Emit/RenderAll (7 platforms) | 3.33 ms ± 12%, 3.29 MiB | 2.03 ms ± 19%, 1.79 MiB | −39% time, −46% bytes |
| Emit/All (decode, render, lay out, write) | 5.62 ms ± 27%, 3.84 MiB | 3.95 ms ± 15%, 2.33 MiB | −30% time, −39% bytes |
| fleet, 1,000 profiles in-process on tmpfs (3 interleaved runs) | 4.36, 4.02, 4.20 s | 2.84, 2.98, 2.34 s | about −33% |

Before, the 1,000-profile emit was within the 5 s target only on an idle machine. Output is byte-identical:
` + "`go test ./fn/... ./e2e/`" + ` (the golden renders and emit's byte-for-byte equivalence with the function through
kustomize) passes, and 30 fleet profiles emitted by the binaries of both commits compare equal with ` + "`diff -r`" + `.

**Nothing else in regprofile changed.** Render (section 3) and start-up (section 2) met their targets as they were;
the kustomize ratio (section 1) is set by kustomize, and what would move it is listed there.

**What remains in emit and in a KRM call**, by the same profiles: ` + "`profile.Decode`" + ` turns the profile into
JSON through kyaml's ` + "`RNode.MarshalJSON`" + `, which encodes the node as YAML text and parses it again (about half of
the 0.7 ms decode, and a quarter of an in-process KRM call, ` + "`BenchmarkProcess`" + `); kyaml's own reading and
writing of the ResourceList is most of the rest of a KRM call. Decoding straight from the node would save most of
it, but the text round trip is where the decoder's alias and type behaviour is pinned, so it was left alone: no
target needs it.
`

func (b *bench) document(load0, load1 string, start time.Time, took time.Duration) string {
	var d strings.Builder
	d.WriteString("# Benchmarks\n\n")
	d.WriteString("<!-- Written by make bench (e2e/bench/run.sh, e2e/bench/report): edit those, not this file. -->\n\n")
	fmt.Fprintf(&d, "Measured by `make bench` on %s in %v. Every figure below comes from the command shown beside it; "+
		"`make bench` builds what it needs (`make build tools`), installs hyperfine, valgrind and GNU time from Debian "+
		"when missing (as root) and benchstat into `bin/`, runs everything and rewrites this file. It is not part of "+
		"`make test`: timings never gate a test.\n\n", start.UTC().Format("2006-01-02 15:04 MST"), took.Round(time.Second))
	d.WriteString("`$W` is the run's scratch directory on disk and `$F` one on a tmpfs (`/dev/shm`); `bin/` is the repository's. " +
		"Measured commands run from the repository's root with `$W/helpers` (the benchmark's own binaries: " +
		"`e2e/bench/nopfn`, `nopkio`, `nopkyaml`, `stripids`, `fleet`, `kprof`, built as `make build` builds regprofile) and `bin/` " +
		"first on `PATH`.\n\n")
	if b.quick {
		d.WriteString("**This run used -quick: too few repetitions for the figures to mean much.**\n\n")
	}
	d.WriteString("## The machine\n\n| | |\n|---|---|\n")
	for _, kv := range b.machine() {
		fmt.Fprintf(&d, "| %s | %s |\n", kv[0], kv[1])
	}
	fmt.Fprintf(&d, "| Load average (1, 5, 15 min) | %s at the start, %s at the end |\n\n", load0, load1)
	d.WriteString("Timings on a shared 2-core machine move with whatever else runs: comparisons are therefore made within " +
		"one run, with the compared commands alternated, and backed by instruction counts and CPU time where the " +
		"target is a ratio. The load averages record how busy the machine was (they include the benchmark's own earlier " +
		"steps); well above 2, the number of cores, means other work competed with it.\n\n")
	d.WriteString("## Summary\n\n| target | measured | verdict |\n|---|---|---|\n")
	for _, t := range b.summary {
		fmt.Fprintf(&d, "| %s | %s | %s (section %s) |\n", t.name, t.figure, t.verdict, t.section)
	}
	d.WriteString("\n")
	for _, n := range b.notes {
		d.WriteString(n + "\n\n")
	}
	for _, s := range b.sections {
		d.WriteString(s)
	}
	d.WriteString(changes)
	return d.String()
}
