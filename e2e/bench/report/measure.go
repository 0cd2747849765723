package main

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// measured is one command's runs, pooled over both of hyperfine's rounds.
type measured struct {
	cmd   string
	times []float64 // wall, seconds
	cpu   []float64 // user+system, the mean of each round, seconds
}

// hyperfine times the commands interleaved in one hyperfine invocation,
// then again in reverse order, and pools each command's runs: a drift of
// the machine's load weighs on every command alike, and ratios between
// them hold. shell runs them through sh (for redirections). It also
// returns the first round's command line, with $W and $F, for the report.
func (b *bench) hyperfine(cmds []string, shell bool, warmup, runs int) ([]*measured, string, error) {
	args := []string{"-w", strconv.Itoa(warmup), "-r", strconv.Itoa(runs)}
	if !shell {
		args = append(args, "-N")
	}
	show := "hyperfine " + strings.Join(args, " ")
	for _, c := range cmds {
		show += " '" + b.rel(c) + "'"
	}
	ms := make([]*measured, len(cmds))
	for i, c := range cmds {
		ms[i] = &measured{cmd: c}
	}
	for round := range 2 {
		order := slices.Clone(ms)
		if round == 1 {
			slices.Reverse(order)
		}
		out := filepath.Join(b.work, "hyperfine.json")
		a := append([]string{"--style", "none", "--export-json", out}, args...)
		for _, m := range order {
			a = append(a, m.cmd)
		}
		if _, err := b.run("", nil, "hyperfine", a...); err != nil {
			return nil, "", err
		}
		var res struct {
			Results []struct {
				User, System float64
				Times        []float64
			}
		}
		data, err := os.ReadFile(out)
		if err == nil {
			err = json.Unmarshal(data, &res)
		}
		if err != nil || len(res.Results) != len(cmds) {
			return nil, "", fmt.Errorf("hyperfine's results %s: %v", out, err)
		}
		for k, r := range res.Results {
			order[k].times = append(order[k].times, r.Times...)
			order[k].cpu = append(order[k].cpu, r.User+r.System)
		}
	}
	return ms, show, nil
}

// rel shows a command with the scratch directories as $W and $F and the
// helpers and the repository's paths relative.
func (b *bench) rel(c string) string {
	r := strings.NewReplacer(b.helpers+"/", "", b.fast, "$F", b.work, "$W", b.repo+"/", "")
	return r.Replace(c)
}

// same fails unless every command prints what the first prints: a
// comparison of commands with different output would mean nothing.
func (b *bench) same(cmds ...string) error {
	want, err := b.run("", nil, "sh", "-c", cmds[0])
	for _, c := range cmds[1:] {
		if err != nil {
			return err
		}
		var got string
		if got, err = b.run("", nil, "sh", "-c", c); err == nil && got != want {
			return fmt.Errorf("%s prints other bytes than %s", b.rel(c), b.rel(cmds[0]))
		}
	}
	return err
}

// peakRSS is the largest maximum resident set size, in bytes, that GNU
// time reports over n runs of a command.
func (b *bench) peakRSS(n int, stdin []byte, args ...string) (float64, error) {
	peak := 0.0
	file := filepath.Join(b.work, "rss")
	for range n {
		_, err := b.run("", stdin, "/usr/bin/time", append([]string{"-f", "%M", "-o", file}, args...)...)
		out, _ := os.ReadFile(file)
		kb, perr := strconv.ParseFloat(strings.TrimSpace(string(out)), 64)
		if err != nil || perr != nil {
			return 0, fmt.Errorf("/usr/bin/time %s: %v %v", strings.Join(args, " "), err, perr)
		}
		peak = max(peak, kb*1024)
	}
	return peak, nil
}

// benchstat runs Go benchmarks (go test -bench in dir) and summarises them
// with benchstat: the median and its confidence interval per benchmark
// (without the GOMAXPROCS suffix) and unit, in the order benchstat prints.
func (b *bench) benchstat(dir, file string, args ...string) (names []string, res map[string]map[string][2]string, err error) {
	out, err := b.run(dir, nil, "go", append([]string{"test", "-run", "^$"}, args...)...)
	if err == nil {
		err = os.WriteFile(filepath.Join(b.work, file), []byte(out), 0o644)
	}
	if err == nil {
		out, err = b.run(b.work, nil, filepath.Join(b.bin, "benchstat"), "-format", "csv", file)
	}
	if err != nil {
		return nil, nil, err
	}
	r := csv.NewReader(strings.NewReader(out))
	r.FieldsPerRecord = -1
	recs, err := r.ReadAll()
	res = map[string]map[string][2]string{}
	unit := ""
	for _, rec := range recs {
		switch {
		case len(rec) < 3 || rec[0] == "geomean":
		case rec[0] == "" && rec[2] == "CI":
			unit = rec[1]
		case rec[0] != "":
			name := procs.ReplaceAllString(rec[0], "")
			if res[name] == nil {
				names = append(names, name)
				res[name] = map[string][2]string{}
			}
			res[name][unit] = [2]string{rec[1], rec[2]}
		}
	}
	if len(names) == 0 && err == nil {
		err = fmt.Errorf("no benchmark results from benchstat:\n%s", out)
	}
	return names, res, err
}

var procs = regexp.MustCompile(`-\d+$`)

// Statistics.

func mean(xs []float64) float64 {
	s := 0.0
	for _, x := range xs {
		s += x
	}
	return s / float64(len(xs))
}

func stddev(xs []float64) float64 {
	m, s := mean(xs), 0.0
	for _, x := range xs {
		s += (x - m) * (x - m)
	}
	return math.Sqrt(s / float64(max(1, len(xs)-1)))
}

func median(xs []float64) float64 {
	s := slices.Sorted(slices.Values(xs))
	return (s[(len(s)-1)/2] + s[len(s)/2]) / 2
}

// ratioCI is the ratio of the means of b over a, with a 95% percentile
// bootstrap interval (each sample resampled on its own, fixed seed).
func ratioCI(a, b []float64) (ratio, lo, hi float64) {
	rng := rand.New(rand.NewPCG(1, 2))
	resample := func(xs []float64) float64 {
		s := 0.0
		for range xs {
			s += xs[rng.IntN(len(xs))]
		}
		return s / float64(len(xs))
	}
	rs := make([]float64, 2000)
	for i := range rs {
		rs[i] = resample(b) / resample(a)
	}
	slices.Sort(rs)
	return mean(b) / mean(a), rs[len(rs)*25/1000], rs[len(rs)*975/1000-1]
}

// linearFit fits y = a + b*x by least squares and returns R².
func linearFit(xs, ys []float64) (a, b, r2 float64) {
	mx, my := mean(xs), mean(ys)
	var sxy, sxx, syy float64
	for i := range xs {
		sxy += (xs[i] - mx) * (ys[i] - my)
		sxx += (xs[i] - mx) * (xs[i] - mx)
		syy += (ys[i] - my) * (ys[i] - my)
	}
	b = sxy / sxx
	return my - b*mx, b, sxy * sxy / (sxx * syy)
}

// Formatting.

func dur(s float64) string {
	switch {
	case s >= 10:
		return fmt.Sprintf("%.1f s", s)
	case s >= 1:
		return fmt.Sprintf("%.2f s", s)
	case s >= 0.01:
		return fmt.Sprintf("%.1f ms", s*1e3)
	case s >= 0.001:
		return fmt.Sprintf("%.2f ms", s*1e3)
	}
	return fmt.Sprintf("%.0f µs", s*1e6)
}

func msPM(xs []float64) string { return fmt.Sprintf("%s ± %.1f", dur(mean(xs)), stddev(xs)*1e3) }

func mib(bytes float64) string { return fmt.Sprintf("%.1f MiB", bytes/(1<<20)) }

func ratioText(a, b []float64) string {
	r, lo, hi := ratioCI(a, b)
	return fmt.Sprintf("%.2fx (%.2f–%.2f)", r, lo, hi)
}

func verdict(ok bool) string {
	if ok {
		return "**met**"
	}
	return "**missed**"
}

// table is a Markdown table.
func table(header []string, rows [][]string) string {
	var t strings.Builder
	t.WriteString("| " + strings.Join(header, " | ") + " |\n|" + strings.Repeat("---|", len(header)) + "\n")
	for _, r := range rows {
		t.WriteString("| " + strings.Join(r, " | ") + " |\n")
	}
	return t.String()
}
