package main

import (
	"cmp"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"regprofile.dev/regprofile/internal/testkit"
)

const execBuild = "kustomize build --enable-alpha-plugins --enable-exec "

// scratch lays out what the sections measure: the example as one profile
// ($W/example.yaml), the static tree regprofile emit makes of it
// ($W/static), that tree with the do-nothing exec function nopfn as every
// overlay's transformer ($W/nopfn), and the ResourceList kustomize hands
// regprofile for each overlay ($W/rl-<platform>.yaml, b.rls), captured by a
// stand-in regprofile first on PATH that tees its stdin.
func (b *bench) scratch() error {
	ex, err := testkit.ExampleProfileAt(b.repo, platforms...)
	if err == nil {
		ex, err = testkit.Plain(ex)
	}
	if err == nil {
		err = os.WriteFile(filepath.Join(b.work, "example.yaml"), ex, 0o644)
	}
	if err == nil {
		_, err = b.run("", nil, filepath.Join(b.bin, "regprofile"), "emit", "--out", filepath.Join(b.work, "static"), filepath.Join(b.work, "example.yaml"))
	}
	if err == nil {
		err = os.CopyFS(filepath.Join(b.work, "nopfn"), os.DirFS(filepath.Join(b.work, "static")))
	}
	for _, p := range platforms {
		if err != nil {
			return err
		}
		overlay := filepath.Join(b.work, "nopfn", "overlays", p)
		k, _ := os.ReadFile(filepath.Join(overlay, "kustomization.yaml"))
		err = os.WriteFile(filepath.Join(overlay, "kustomization.yaml"), append(k, "transformers:\n- nop.yaml\n"...), 0o644)
		if err == nil {
			err = os.WriteFile(filepath.Join(overlay, "nop.yaml"), []byte("apiVersion: bench.regprofile.dev/v1\nkind: NopTransformer\n"+
				"metadata:\n  name: nop\n  annotations:\n    config.kubernetes.io/function: |\n      exec:\n        path: nopfn\n"), 0o644)
		}
	}
	capture := filepath.Join(b.work, "capture")
	if err == nil {
		err = os.MkdirAll(capture, 0o755)
	}
	if err == nil {
		err = os.WriteFile(filepath.Join(capture, "regprofile"), []byte("#!/bin/sh\ntee \"$W/rl-$P.yaml\" | exec "+
			filepath.Join(b.bin, "regprofile")+" \"$@\"\n"), 0o755)
	}
	b.rls = map[string][]byte{}
	for _, p := range platforms {
		if err == nil {
			_, err = b.run("", nil, "env", append([]string{"PATH=" + capture + ":" + b.path, "W=" + b.work, "P=" + p},
				strings.Fields(execBuild+"overlays/"+p)...)...)
		}
		if err == nil {
			b.rls[p], err = os.ReadFile(filepath.Join(b.work, "rl-"+p+".yaml"))
		}
	}
	return err
}

func (b *bench) static(p string) string {
	return "kustomize build " + filepath.Join(b.work, "static", "overlays", p)
}

// build: per platform, one interleaved hyperfine run of plain kustomize
// of the static overlay, the static overlay with a do-nothing exec
// function, regprofile build and kustomize's exec path of the function
// overlay; and regprofile build's peak RSS.
func (b *bench) build() (map[string]string, error) {
	runs := b.reps(10, 3)
	var rows, krows [][]string
	var ratios, execRatios, overNop, nopRatios []float64
	var show, worstName, worstText string
	peak, worst := 0.0, 0.0
	for _, p := range platforms {
		logf("build %s", p)
		cmds := []string{b.static(p), execBuild + filepath.Join(b.work, "nopfn", "overlays", p), "regprofile build overlays/" + p, execBuild + "overlays/" + p}
		if err := b.same(cmds[3], cmds[0], cmds[1], cmds[2]); err != nil {
			return nil, err
		}
		m, sh, err := b.hyperfine(cmds, false, 2, runs)
		if err != nil {
			return nil, err
		}
		show = cmp.Or(show, sh)
		static, nop, build, execPath := m[0].times, m[1].times, m[2].times, m[3].times
		ratios, execRatios = append(ratios, mean(build)/mean(static)), append(execRatios, mean(execPath)/mean(static))
		nopRatios, overNop = append(nopRatios, mean(nop)/mean(static)), append(overNop, mean(execPath)/mean(nop))
		if r := mean(execPath) / mean(static); r > worst {
			worst, worstName, worstText = r, p, ratioText(static, execPath)
		}
		rows = append(rows, []string{p, msPM(static), msPM(build), msPM(execPath), ratioText(static, build),
			ratioText(static, execPath), dur(mean(m[2].cpu)) + " / " + dur(mean(m[0].cpu))})
		krows = append(krows, []string{p, msPM(nop), ratioText(static, nop), ratioText(nop, execPath)})
		rss, err := b.peakRSS(b.reps(3, 1), nil, filepath.Join(b.bin, "regprofile"), "build", "overlays/"+p)
		if err != nil {
			return nil, err
		}
		peak = max(peak, rss)
	}
	med, execMed := median(ratios), median(execRatios)
	kfigure := fmt.Sprintf("%s (worst, %s); a do-nothing exec function: %.2fx (median); regprofile / do-nothing: %.2f–%.2fx",
		worstText, worstName, median(nopRatios), slices.Min(overNop), slices.Max(overNop))
	return map[string]string{
		"build": fmt.Sprintf("%d runs of each command per platform (mean ± standard deviation; ratios with 95%% bootstrap intervals). For %s:\n\n```sh\n%s\n```\n\n",
			2*runs, platforms[0], show) +
			table([]string{"platform", "static (plain kustomize)", "regprofile build", "exec path", "regprofile build / static", "exec path / static", "CPU: regprofile build / static"}, rows) +
			fmt.Sprintf("\nMedian over the platforms: regprofile build %.3fx the static overlay (**%s**), kustomize's exec path %.2fx. "+
				"Peak RSS of `regprofile build`, the largest of every platform's runs: %s (**%s**).\n",
				med, met(med <= 1.3), execMed, mib(peak), met(peak <= 64e6)),
		"kustomize": table([]string{"platform", "do-nothing function", "do-nothing / static", "exec path / do-nothing"}, krows) +
			fmt.Sprintf("\nThe worst platform, %s, is %s the static overlay through kustomize's exec path (**%s**).\n", worstName, worstText, met(worst <= 1.4)),
		"target.build":     fmt.Sprintf("%.3fx median (%.2f–%.2fx); exec path %.2fx | %s", med, slices.Min(ratios), slices.Max(ratios), execMed, verdict(med <= 1.3)),
		"target.build-rss": fmt.Sprintf("%s | %s", mib(peak), verdict(peak <= 64e6)),
		"target.kustomize": kfigure + " | " + verdict(worst <= 1.4),
	}, nil
}

func met(ok bool) string { return strings.Trim(verdict(ok), "*") }

var initLine = regexp.MustCompile(`(?m)^init \S+ @([\d.]+) ms, ([\d.]+) ms clock`)

// startup: regprofile's start-up (GODEBUG=inittrace=1) against minimal Go
// exec functions, on the ResourceList kustomize hands it for the first platform.
func (b *bench) startup() (map[string]string, error) {
	rls, p := b.rls, platforms[0]
	names := []string{"nopfn", "nopkio", "nopkyaml", "regprofile"}
	paths := []string{filepath.Join(b.helpers, "nopfn"), filepath.Join(b.helpers, "nopkio"), filepath.Join(b.helpers, "nopkyaml"), filepath.Join(b.bin, "regprofile")}
	inits, total, mainAt := make([]int, 4), make([][]float64, 4), make([][]float64, 4)
	rounds := b.reps(40, 5)
	for range rounds {
		for i, path := range paths {
			trace, err := b.run("", rls[p], "sh", "-c", `GODEBUG=inittrace=1 "$0" 2>&1 >/dev/null`, path)
			if err != nil {
				return nil, err
			}
			sum, last, ms := 0.0, 0.0, initLine.FindAllStringSubmatch(trace, -1)
			for _, m := range ms {
				at, _ := strconv.ParseFloat(m[1], 64)
				clock, _ := strconv.ParseFloat(m[2], 64)
				sum, last = sum+clock, max(last, at+clock)
			}
			inits[i], total[i], mainAt[i] = len(ms), append(total[i], sum), append(mainAt[i], last)
		}
	}
	var cmds []string
	for _, path := range paths {
		cmds = append(cmds, path+" < "+filepath.Join(b.work, "rl-"+p+".yaml"))
	}
	walls, show, err := b.hyperfine(cmds, true, 5, b.reps(30, 5))
	if err != nil {
		return nil, err
	}
	var rows [][]string
	for i, path := range paths {
		st, err := os.Stat(path)
		if err != nil {
			return nil, err
		}
		rows = append(rows, []string{names[i], mib(float64(st.Size())), strconv.Itoa(inits[i]), fmt.Sprintf("%.2f ms", median(total[i])),
			fmt.Sprintf("%.2f ms", median(mainAt[i])), msPM(walls[i].times)})
	}
	d := func(x [][]float64, i int) float64 { return median(x[3]) - median(x[i]) }
	ok := d(total, 1) <= 5
	return map[string]string{
		"startup": fmt.Sprintf("%d runs of each binary for the inits, interleaved; medians. On the ResourceList of %s:\n\n"+
			"```sh\nGODEBUG=inittrace=1 bin/regprofile < $W/rl-%s.yaml 2>&1 >/dev/null | grep ^init\n%s\n```\n\n", rounds, p, p, show) +
			table([]string{"binary", "size", "inits", "init total", "main starts", "whole KRM call (hyperfine)"}, rows) +
			fmt.Sprintf("\nregprofile's inits take %+.2f ms against nopkio's (**%s**; %+.2f ms against nopkyaml's, %+.2f ms against nopfn's); "+
				"main starts %+.2f ms after nopkio's; the whole call, rendering included, takes %s more than nopkio's.\n",
				d(total, 1), met(ok), d(total, 2), d(total, 0), d(mainAt, 1), dur(mean(walls[3].times)-mean(walls[1].times))),
		"target.startup": fmt.Sprintf("%+.2f ms of inits (%.2f against %.2f ms); main starts %+.2f ms; against nopfn %+.2f ms | %s",
			d(total, 1), median(total[3]), median(total[1]), d(mainAt, 1), d(total, 0), verdict(ok)),
	}, nil
}

// goBench: the Go benchmarks beside the code, through benchstat.
func (b *bench) goBench() (map[string]string, error) {
	count, benchtime := strconv.Itoa(b.reps(6, 1)), "0.3s"
	if b.quick {
		benchtime = "20x"
	}
	pkgs := []string{"./internal/render/", "./internal/emit/", "./internal/krm/", "./internal/profile/"}
	// The fleet (section 5) runs on its own, once per size.
	args := append([]string{"-bench", ".", "-skip", "^BenchmarkEmitFleet$", "-benchmem", "-count", count, "-benchtime", benchtime}, pkgs...)
	names, res, err := b.benchstat("", "gobench.txt", args...)
	if err != nil {
		return nil, err
	}
	units := []string{"sec/op", "B/op", "allocs/op"}
	var rows [][]string
	worst, worstName := 0.0, ""
	for _, n := range names {
		row := []string{n}
		for _, u := range units {
			row = append(row, cell(res[n][u], u))
		}
		var other []string
		for u, v := range res[n] {
			if !slices.Contains(units, u) {
				other = append(other, u+": "+cell(v, u))
			}
		}
		slices.Sort(other)
		rows = append(rows, append(row, strings.Join(other, ", ")))
		if s, err := strconv.ParseFloat(res[n]["sec/op"][0], 64); err == nil && strings.HasPrefix(n, "Render/") && s > worst {
			worst, worstName = s, strings.TrimPrefix(n, "Render/")
		}
	}
	return map[string]string{
		"gobench": fmt.Sprintf("```sh\ngo test -run '^$' %s > gobench.txt   # TMPDIR=$F\nbin/benchstat gobench.txt\n```\n\n", strings.Join(args, " ")) +
			"Medians of the repetitions, ± the 95% confidence interval where there are enough of them:\n\n" +
			table([]string{"benchmark", "time/op", "bytes/op", "allocs/op", "other"}, rows) +
			fmt.Sprintf("\nThe slowest platform, %s, renders in %s (**%s**).\n", worstName, dur(worst), met(worst <= 250e-6)),
		"target.render": fmt.Sprintf("%s (slowest platform, %s) | %s", dur(worst), worstName, verdict(worst <= 250e-6)),
	}, nil
}

// cell formats one of benchstat's figures.
func cell(v [2]string, unit string) string {
	x, err := strconv.ParseFloat(v[0], 64)
	if err != nil {
		return ""
	}
	s := fmt.Sprintf("%.4g", x)
	switch {
	case unit == "sec/op":
		s = dur(x)
	case (strings.HasPrefix(unit, "B") || strings.HasPrefix(unit, "bytes")) && x >= 1<<20:
		s = fmt.Sprintf("%.2f MiB", x/(1<<20))
	case strings.HasPrefix(unit, "B") || strings.HasPrefix(unit, "bytes"):
		s = fmt.Sprintf("%.1f KiB", x/1024)
	case x >= 1e6:
		s = fmt.Sprintf("%.2fM", x/1e6)
	case x >= 1000:
		s = fmt.Sprintf("%.2fk", x/1000)
	}
	if v[1] != "" && v[1] != "∞" {
		s += " ± " + v[1]
	}
	return s
}

// rss: peak RSS of one render, standalone and as a KRM call.
func (b *bench) rss() (map[string]string, error) {
	n, reg := b.reps(3, 1), filepath.Join(b.bin, "regprofile")
	var rows [][]string
	worst := 0.0
	for _, p := range platforms {
		r, err := b.peakRSS(n, nil, reg, "render", "--platform", p, filepath.Join(b.work, "example.yaml"))
		if err != nil {
			return nil, err
		}
		k, err := b.peakRSS(n, b.rls[p], reg)
		if err != nil {
			return nil, err
		}
		worst = max(worst, r, k)
		rows = append(rows, []string{p, mib(r), mib(k)})
	}
	return map[string]string{
		"rss": fmt.Sprintf("The largest of %d runs each:\n\n", n) +
			table([]string{"platform", "`regprofile render`", "KRM call (`regprofile < ResourceList`)"}, rows) +
			fmt.Sprintf("\nThe largest is %s (%.0f MB, **%s**).\n", mib(worst), worst/1e6, met(worst <= 64e6)),
		"target.rss": fmt.Sprintf("%.0f MB (largest of render and KRM call, all platforms) | %s", worst/1e6, verdict(worst <= 64e6)),
	}, nil
}

// fleet: BenchmarkEmitFleet (internal/emit) for 1 to 10,000 profiles, in
// process and through the CLI, one go test run per size.
func (b *bench) fleet() (map[string]string, error) {
	plan := "lib 1 20, lib 10 10, lib 100 5, lib 1000 3, lib 10000 1, cli 1 5, cli 10 3, cli 100 2, cli 1000 1"
	if b.quick {
		plan = "lib 1 3, lib 10 2, lib 100 1, lib 1000 1, cli 1 2, cli 10 1, cli 100 1"
	}
	var rows [][]string
	var xs, ys []float64
	at1000 := map[string]float64{}
	for _, step := range strings.Split(plan, ", ") {
		var mode string
		var n, reps int
		fmt.Sscan(step, &mode, &n, &reps)
		logf("fleet: %s", step)
		name := fmt.Sprintf("EmitFleet/%s/profiles=%d", mode, n)
		_, res, err := b.benchstat("", "fleet.txt", "-bench", fmt.Sprintf("^BenchmarkEmitFleet$/^%s$/^profiles=%d$", mode, n),
			"-benchtime", "1x", "-count", strconv.Itoa(reps), "-timeout", "60m", "./internal/emit/")
		if err != nil {
			return nil, err
		}
		wall, err := strconv.ParseFloat(res[name]["sec/op"][0], 64)
		if err != nil {
			return nil, fmt.Errorf("%s: no sec/op from benchstat", name)
		}
		if mode == "lib" {
			xs, ys = append(xs, float64(n)), append(ys, wall)
		}
		if n == 1000 {
			at1000[mode] = wall
		}
		rows = append(rows, []string{strconv.Itoa(n), map[string]string{"lib": "lib (in-process)", "cli": "cli (a process per profile)"}[mode],
			strconv.Itoa(reps), dur(wall), ms(res[name]["ms/profile"]), ms(res[name]["cpu-ms/profile"]),
			strings.Split(res[name]["files/op"][0], ".")[0]})
	}
	a, slope, r2 := linearFit(xs, ys)
	lib1000, cli1000 := at1000["lib"], at1000["cli"]
	figure := fmt.Sprintf("%s in-process (%.2f ms per profile)", dur(lib1000), lib1000)
	if cli1000 > 0 {
		figure += fmt.Sprintf("; %s as 1,000 CLI processes", dur(cli1000))
	}
	return map[string]string{
		"fleet": table([]string{"profiles", "mode", "repetitions", "wall (median)", "per profile", "CPU per profile", "files written"}, rows) +
			fmt.Sprintf("\nLeast-squares fit of the in-process wall time: %.2f ms × profiles %+.1f ms, R² = %.5f. "+
				"1,000 profiles: %s (**%s**).\n",
				slope*1e3, a*1e3, r2, figure, met(lib1000 <= 5)),
		"target.fleet":       figure + " | " + verdict(lib1000 <= 5),
		"target.fleet-curve": fmt.Sprintf("%.2f ms per profile, R² = %.5f | shown", slope*1e3, r2),
	}, nil
}

// ms is a benchstat figure in milliseconds, the unit before its interval.
func ms(v [2]string) string {
	if s, interval, ok := strings.Cut(cell(v, ""), " ± "); ok {
		return s + " ms ± " + interval
	}
	return cell(v, "") + " ms"
}

// cmp: BenchmarkCMPRoundTrip (fn/argocd/e2e/cmp, the Argo CD module): Argo
// CD's CMP server in process, with the regprofile plugin and plain kustomize.
func (b *bench) cmp() (map[string]string, error) {
	count, benchtime := strconv.Itoa(b.reps(3, 1)), b.reps(5, 2)
	args := []string{"-bench", "CMPRoundTrip", "-count", count, "-benchtime", strconv.Itoa(benchtime) + "x", "./e2e/cmp/"}
	logf("cmp: compiling fn/argocd/e2e/cmp links much of Argo CD: minutes cold")
	_, res, err := b.benchstat(filepath.Join(b.repo, "fn", "argocd"), "cmp.txt", args...)
	if err != nil {
		return nil, err
	}
	var rows [][]string
	worst, sumReg, sumPlain := 0.0, 0.0, 0.0
	for _, p := range platforms {
		reg, err1 := strconv.ParseFloat(res["CMPRoundTrip/"+p+"/regprofile"]["sec/op"][0], 64)
		plain, err2 := strconv.ParseFloat(res["CMPRoundTrip/"+p+"/kustomize"]["sec/op"][0], 64)
		if err1 != nil || err2 != nil {
			return nil, fmt.Errorf("no CMPRoundTrip results for %s", p)
		}
		worst, sumReg, sumPlain = max(worst, reg), sumReg+reg, sumPlain+plain
		rows = append(rows, []string{p, dur(reg), dur(plain), fmt.Sprintf("%.2fx", reg/plain), fmt.Sprintf("%+.2f ms", (reg-plain)*1e3)})
	}
	n := float64(len(platforms))
	figure := fmt.Sprintf("%s vs %s per overlay (%.2fx); slowest %s", dur(sumReg/n), dur(sumPlain/n), sumReg/sumPlain, dur(worst))
	return map[string]string{
		"cmp": fmt.Sprintf("```sh\ncd fn/argocd && go test -run '^$' %s\n```\n\n", strings.Join(args, " ")) +
			table([]string{"platform", "regprofile plugin", "plain kustomize plugin", "ratio", "regprofile − plain"}, rows) +
			fmt.Sprintf("\nOn average %s (**%s**). The slowest is about %.0f times below the 60 s Argo CD allows a plugin.\n",
				figure, met(sumReg/sumPlain <= 1.3), 60/worst),
		"target.cmp": figure + " | " + verdict(sumReg/sumPlain <= 1.3),
	}, nil
}
