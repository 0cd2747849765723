package main

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
)

// The targets, as the issues set them.
const (
	buildRatio     = 1.3    // regprofile build / plain kustomize, median over the platforms
	kustomizeRatio = 1.4    // kustomize's exec path / plain kustomize, worst platform
	startupMs      = 5.0    // regprofile's inits over nopkio's
	renderSec      = 250e-6 // the slowest platform's in-process render
	peakBytes      = 64e6   // peak RSS of regprofile build, and of one render
	fleetSec       = 5.0    // 1,000 profiles emitted in process
	cmpRatio       = 1.3    // CMP round trip, regprofile plugin / plain kustomize plugin
)

var sections = []section{
	{"build", []string{"build", "kustomize", "target.build", "target.build-rss", "target.kustomize"},
		[]run{{pkg: "e2e/bench", bench: "^BenchmarkBuild$", benchtime: "2x", rounds: 10}}, build},
	{"startup", []string{"startup", "target.startup"},
		[]run{{pkg: "e2e/bench", bench: "^BenchmarkStartup$", benchtime: "5x", rounds: 10}}, startup},
	{"gobench", []string{"gobench", "target.render"}, []run{
		{pkg: "internal/render", bench: ".", benchtime: "0.3s", rounds: 6},
		{pkg: "internal/emit", bench: "^BenchmarkEmit$", benchtime: "0.3s", rounds: 6},
		{pkg: "internal/krm", bench: ".", benchtime: "0.3s", rounds: 6},
		{pkg: "internal/profile", bench: ".", benchtime: "0.3s", rounds: 6},
	}, goBench},
	{"rss", []string{"rss", "target.rss"},
		[]run{{pkg: "e2e/bench", bench: "^BenchmarkPeakRSS$", benchtime: "3x", rounds: 3}}, rss},
	{"fleet", []string{"fleet", "target.fleet", "target.fleet-curve"}, []run{
		{pkg: "internal/emit", bench: "^BenchmarkEmitFleet$/^lib$/^profiles=(1|10)$", benchtime: "1x", rounds: 10},
		{pkg: "internal/emit", bench: "^BenchmarkEmitFleet$/^lib$/^profiles=100$", benchtime: "1x", rounds: 5},
		{pkg: "internal/emit", bench: "^BenchmarkEmitFleet$/^lib$/^profiles=1000$", benchtime: "1x", rounds: 3, heavy: true},
		{pkg: "internal/emit", bench: "^BenchmarkEmitFleet$/^lib$/^profiles=10000$", benchtime: "1x", rounds: 1, heavy: true},
		{pkg: "internal/emit", bench: "^BenchmarkEmitFleet$/^cli$/^profiles=(1|10)$", benchtime: "1x", rounds: 3},
		{pkg: "internal/emit", bench: "^BenchmarkEmitFleet$/^cli$/^profiles=(100|1000)$", benchtime: "1x", rounds: 1, heavy: true},
	}, fleet},
	{"cmp", []string{"cmp", "target.cmp"},
		[]run{{module: "fn/argocd", pkg: "e2e/cmp", bench: "^BenchmarkCMPRoundTrip$", benchtime: "3x", rounds: 6}}, cmpRoundTrip},
}

// Each section fills its tables and its targets' rows in the summary; the
// prose that explains them is in docs/benchmarks.md.

// build: BenchmarkBuild (e2e/bench), sections 0 and 1.
func build(r results) map[string]string {
	names := r.under("Build/")
	ratios, execs := r.xs(names, "build/static"), r.xs(names, "exec/static")
	med, rss := median(ratios), slices.Max(r.xs(names, "build-MiB"))*(1<<20)
	worst := slices.Index(execs, slices.Max(execs))
	return map[string]string{
		"build": r.table("Build/", "platform", names, column{"static (plain kustomize)", "static-ms"}, column{"regprofile build", "build-ms"},
			column{"exec path", "exec-ms"}, column{"regprofile build / static", "build/static"}, column{"exec path / static", "exec/static"},
			column{"CPU: regprofile build", "build-cpu-ms"}, column{"CPU: static", "static-cpu-ms"}),
		"kustomize": r.table("Build/", "platform", names, column{"do-nothing function", "nopfn-ms"},
			column{"do-nothing / static", "nopfn/static"}, column{"exec path / do-nothing", "exec/nopfn"}),
		"target.build": fmt.Sprintf("%.3fx median (%.2f–%.2fx); exec path %.2fx | %s", med, slices.Min(ratios), slices.Max(ratios),
			median(execs), verdict(med <= buildRatio)),
		"target.build-rss": fmt.Sprintf("%.1f MiB (the largest platform) | %s", rss/(1<<20), verdict(rss <= peakBytes)),
		"target.kustomize": fmt.Sprintf("%.2fx (%s, the worst); a do-nothing exec function: %.2fx (median); exec path / do-nothing: %.2f–%.2fx | %s",
			execs[worst], strings.TrimPrefix(names[worst], "Build/"), median(r.xs(names, "nopfn/static")),
			slices.Min(r.xs(names, "exec/nopfn")), slices.Max(r.xs(names, "exec/nopfn")), verdict(execs[worst] <= kustomizeRatio)),
	}
}

// startup: BenchmarkStartup (e2e/bench), section 2.
func startup(r results) map[string]string {
	over := func(unit, other string) float64 { return r.x("Startup/regprofile", unit) - r.x("Startup/"+other, unit) }
	d := over("init-ms", "nopkio")
	return map[string]string{
		"startup": r.table("Startup/", "binary", r.under("Startup/"), column{"size", "binary-MiB"}, column{"inits", "inits"},
			column{"init total", "init-ms"}, column{"main starts", "main-ms"}, column{"whole KRM call", "sec/op"}),
		"target.startup": fmt.Sprintf("%+.2f ms of inits (%.2f against %.2f ms); main starts %+.2f ms; against nopkyaml %+.2f ms, nopfn %+.2f ms | %s",
			d, r.x("Startup/regprofile", "init-ms"), r.x("Startup/nopkio", "init-ms"), over("main-ms", "nopkio"),
			over("init-ms", "nopkyaml"), over("init-ms", "nopfn"), verdict(d <= startupMs)),
	}
}

// goBench: the in-process benchmarks beside the code, section 3.
func goBench(r results) map[string]string {
	renders := r.under("Render/")
	secs := r.xs(renders, "sec/op")
	worst := slices.Index(secs, slices.Max(secs))
	return map[string]string{
		"gobench": r.table("", "benchmark", r.names, column{"time/op", "sec/op"}, column{"bytes/op", "B/op"},
			column{"allocs/op", "allocs/op"}, column{"output", "bytes/render"}, column{"input/s", "B/s"}),
		"target.render": fmt.Sprintf("%s (slowest platform, %s) | %s", dur(secs[worst]), strings.TrimPrefix(renders[worst], "Render/"),
			verdict(secs[worst] <= renderSec)),
	}
}

// rss: BenchmarkPeakRSS (e2e/bench), section 4.
func rss(r results) map[string]string {
	names := r.under("PeakRSS/")
	worst := max(slices.Max(r.xs(names, "render-MiB")), slices.Max(r.xs(names, "krm-MiB"))) * (1 << 20)
	return map[string]string{
		"rss": r.table("PeakRSS/", "platform", names, column{"`regprofile render`", "render-MiB"},
			column{"KRM call (`regprofile < ResourceList`)", "krm-MiB"}),
		"target.rss": fmt.Sprintf("%.1f MiB, %.0f MB (the largest of render and KRM call, all platforms) | %s",
			worst/(1<<20), worst/1e6, verdict(worst <= peakBytes)),
	}
}

// fleet: BenchmarkEmitFleet (internal/emit), section 5.
func fleet(r results) map[string]string {
	var xs, ys []float64
	for _, n := range r.under("EmitFleet/lib/") {
		size, _ := strconv.Atoi(strings.TrimPrefix(n, "EmitFleet/lib/profiles="))
		xs, ys = append(xs, float64(size)), append(ys, r.x(n, "sec/op"))
	}
	a, slope, r2 := linearFit(xs, ys)
	lib, cli := r.x("EmitFleet/lib/profiles=1000", "sec/op"), r.x("EmitFleet/cli/profiles=1000", "sec/op")
	figure := fmt.Sprintf("%s in-process (%.2f ms per profile)", dur(lib), lib)
	if math.IsNaN(lib) {
		figure = "not measured (-quick)"
	}
	if !math.IsNaN(cli) {
		figure += fmt.Sprintf("; %s as 1,000 CLI processes", dur(cli))
	}
	return map[string]string{
		"fleet": r.table("EmitFleet/", "mode/profiles", r.under("EmitFleet/"), column{"wall", "sec/op"}, column{"per profile", "ms/profile"},
			column{"CPU per profile", "cpu-ms/profile"}, column{"files written", "files/op"}),
		"target.fleet":       figure + " | " + verdict(lib <= fleetSec),
		"target.fleet-curve": fmt.Sprintf("%.2f ms × profiles %+.1f ms (least squares, in-process), R² = %.5f | shown", slope*1e3, a*1e3, r2),
	}
}

// cmpRoundTrip: BenchmarkCMPRoundTrip (fn/argocd/e2e/cmp), section 6.
func cmpRoundTrip(r results) map[string]string {
	names := r.under("CMPRoundTrip/")
	reg, plain := r.xs(names, "regprofile-ms"), r.xs(names, "kustomize-ms")
	var sumReg, sumPlain float64
	for i := range reg {
		sumReg, sumPlain = sumReg+reg[i], sumPlain+plain[i]
	}
	n := float64(len(names))
	return map[string]string{
		"cmp": r.table("CMPRoundTrip/", "platform", names, column{"regprofile plugin", "regprofile-ms"},
			column{"plain kustomize plugin", "kustomize-ms"}, column{"ratio", "regprofile/kustomize"}),
		"target.cmp": fmt.Sprintf("%s vs %s per overlay (%.2fx); slowest %s | %s", dur(sumReg/n/1e3), dur(sumPlain/n/1e3),
			sumReg/sumPlain, dur(slices.Max(reg)/1e3), verdict(sumReg/sumPlain <= cmpRatio)),
	}
}
