package main

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
)

// benchstatCSV writes figures (benchmark → unit → median) as benchstat
// -format csv does: one table per unit, benchmarks with a GOMAXPROCS
// suffix, an interval only from six samples on.
func benchstatCSV(figures map[string]map[string]float64) string {
	byUnit := map[string][]string{}
	for _, name := range slices.Sorted(maps.Keys(figures)) {
		for unit, x := range figures[name] {
			byUnit[unit] = append(byUnit[unit], fmt.Sprintf("%s-2,%v,∞", name, x))
		}
	}
	var out strings.Builder
	for _, unit := range slices.Sorted(maps.Keys(byUnit)) {
		fmt.Fprintf(&out, ",f.txt,\n,%s,CI\n%s\ngeomean,1,\n\n", unit, strings.Join(byUnit[unit], "\n"))
	}
	return out.String()
}

// TestSections feeds each section figures it knows the verdicts of and
// checks the blocks it fills: exactly those it declares, and each target's
// figure and verdict computed from the right benchmarks.
func TestSections(t *testing.T) {
	platform := func(build, exec float64) map[string]float64 {
		return map[string]float64{"static-ms": 50, "nopfn-ms": 140, "build-ms": 50 * build, "exec-ms": 50 * exec,
			"build/static": build, "exec/static": exec, "nopfn/static": 2.8, "exec/nopfn": exec / 2.8,
			"build-cpu-ms": 70, "static-cpu-ms": 58, "build-MiB": 34}
	}
	binary := func(init float64) map[string]float64 {
		return map[string]float64{"sec/op": 0.03, "binary-MiB": 7, "inits": 115, "init-ms": init, "main-ms": init * 2}
	}
	figures := map[string]map[string]float64{
		"Build/a": platform(1.2, 3.0), "Build/b": platform(1.25, 3.2), "Build/c": platform(1.5, 2.9),
		"Startup/nopfn": binary(1.2), "Startup/nopkio": binary(10), "Startup/nopkyaml": binary(15), "Startup/regprofile": binary(13.5),
		"Render/a":                    {"sec/op": 200e-6, "B/op": 120 << 10, "allocs/op": 1200},
		"Render/b":                    {"sec/op": 300e-6, "B/op": 130 << 10, "allocs/op": 1300},
		"RenderYAML/a":                {"sec/op": 700e-6, "bytes/render": 4400},
		"PeakRSS/a":                   {"render-MiB": 30, "krm-MiB": 62},
		"PeakRSS/b":                   {"render-MiB": 31, "krm-MiB": 30},
		"CMPRoundTrip/a":              {"regprofile-ms": 110, "kustomize-ms": 100, "regprofile/kustomize": 1.1},
		"CMPRoundTrip/b":              {"regprofile-ms": 130, "kustomize-ms": 100, "regprofile/kustomize": 1.3},
		"EmitFleet/cli/profiles=1000": {"sec/op": 43.5, "ms/profile": 43.5},
	}
	for _, n := range []int{1, 10, 100, 1000} {
		figures[fmt.Sprintf("EmitFleet/lib/profiles=%d", n)] = map[string]float64{"sec/op": 0.004 + 0.006*float64(n), "ms/profile": 6}
	}
	res, err := parseBenchstat(benchstatCSV(figures))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"target.build":       "1.250x median (1.20–1.50x); exec path 3.00x | **met**",
		"target.build-rss":   "34.0 MiB (the largest platform) | **met**",
		"target.kustomize":   "3.20x (b, the worst); a do-nothing exec function: 2.80x (median); exec path / do-nothing: 1.04–1.14x | **missed**",
		"target.startup":     "+3.50 ms of inits (13.50 against 10.00 ms); main starts +7.00 ms; against nopkyaml -1.50 ms, nopfn +12.30 ms | **met**",
		"target.render":      "300 µs (slowest platform, b) | **missed**",
		"target.rss":         "62.0 MiB, 65 MB (the largest of render and KRM call, all platforms) | **missed**",
		"target.fleet":       "6.00 s in-process (6.00 ms per profile); 43.5 s as 1,000 CLI processes | **missed**",
		"target.fleet-curve": "6.00 ms × profiles +4.0 ms (least squares, in-process), R² = 1.00000 | shown",
		"target.cmp":         "120.0 ms vs 100.0 ms per overlay (1.20x); slowest 130.0 ms | **met**",
	}
	for _, s := range sections {
		got := s.fill(res)
		if k := slices.Sorted(maps.Keys(got)); !slices.Equal(k, slices.Sorted(slices.Values(s.blocks))) {
			t.Errorf("%s fills %v, declares %v", s.name, k, s.blocks)
		}
		for blk, text := range got {
			if w, ok := want[blk]; ok && text != w {
				t.Errorf("%s:\n got %s\nwant %s", blk, text, w)
			}
		}
	}
	if table := sections[0].fill(res)["build"]; !strings.Contains(table, "| b | 50.0 ms | 62.5 ms | 160.0 ms | 1.250x | 3.200x | 70.0 ms | 58.0 ms |") {
		t.Errorf("build table:\n%s", table)
	}
}

func TestFigure(t *testing.T) {
	for _, c := range []struct {
		unit string
		x    float64
		want string
	}{
		{"sec/op", 333e-6, "333 µs"}, {"sec/op", 7.84, "7.84 s"}, {"init-ms", 13.81, "13.8 ms"}, {"ms/profile", 7.8, "7.80 ms"},
		{"build-MiB", 34.31, "34.3 MiB"}, {"B/op", 3 << 20, "3.00 MiB"}, {"B/op", 2048, "2.0 KiB"}, {"B/s", 21 << 20, "21.00 MiB/s"},
		{"build/static", 1.2261, "1.226x"}, {"allocs/op", 27830, "27.8k"}, {"inits", 170, "170"},
	} {
		if got := figure(c.unit, c.x); got != c.want {
			t.Errorf("figure(%q, %v) = %q; want %q", c.unit, c.x, got, c.want)
		}
	}
}
