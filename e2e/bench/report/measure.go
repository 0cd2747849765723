package main

import (
	"encoding/csv"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// value is benchstat's summary of one benchmark's figures in one unit:
// the median and its 95% confidence interval ("" when too few samples).
type value struct {
	x  float64
	ci string
}

// results are a section's benchmarks (without the GOMAXPROCS suffix) in the
// order benchstat prints them, each with its figures by unit.
type results struct {
	names []string
	by    map[string]map[string]value
}

// measure compiles each run's test binary once, runs the runs in rounds
// (-count 1 each, so that every round visits every benchmark) and
// summarises all rounds with benchstat. how is the section's commands, for
// the report.
func (b *bench) measure(s section) (results, string, error) {
	var raw strings.Builder
	var how []string
	rounds := 0
	for _, r := range s.runs {
		rounds = max(rounds, r.rounds)
	}
	if b.quick {
		rounds = 1
	}
	for round := range rounds {
		for _, r := range s.runs {
			if round >= r.rounds || (b.quick && r.heavy) {
				continue
			}
			module := filepath.Join(b.repo, r.module)
			test := filepath.Join(b.work, strings.ReplaceAll(filepath.Join(r.module, r.pkg), "/", "-")+".test")
			if round == 0 {
				if _, err := os.Stat(test); err != nil {
					logf("compiling %s", filepath.Join(r.module, r.pkg))
					if _, err := b.command(module, "go", "test", "-c", "-o", test, "./"+r.pkg); err != nil {
						return results{}, "", err
					}
				}
				cd := ""
				if r.module != "" {
					cd = "cd " + r.module + " && "
				}
				how = append(how, fmt.Sprintf("%sgo test -run '^$' -bench '%s' -benchtime %s -benchmem ./%s   # rounds: %d",
					cd, r.bench, r.benchtime, r.pkg, min(r.rounds, rounds)))
			}
			logf("round %d of %d: %s %s", round+1, rounds, r.pkg, r.bench)
			out, err := b.command(filepath.Join(module, r.pkg), test, "-test.run", "^$", "-test.bench", r.bench,
				"-test.benchtime", r.benchtime, "-test.benchmem", "-test.count", "1", "-test.timeout", "60m")
			if err != nil {
				return results{}, "", err
			}
			raw.WriteString(out)
		}
	}
	file := filepath.Join(b.work, s.name+".txt")
	if err := os.WriteFile(file, []byte(raw.String()), 0o644); err != nil {
		return results{}, "", err
	}
	out, err := b.command(b.work, filepath.Join(b.bin, "benchstat"), "-format", "csv", filepath.Base(file))
	if err != nil {
		return results{}, "", err
	}
	res, err := parseBenchstat(out)
	return res, "```sh\n" + strings.Join(how, "\n") + "\n```\n\n", err
}

var procs = regexp.MustCompile(`-\d+$`)

// parseBenchstat reads benchstat -format csv: one table per unit, a header
// row naming the unit, then a row per benchmark.
func parseBenchstat(out string) (results, error) {
	r := csv.NewReader(strings.NewReader(out))
	r.FieldsPerRecord = -1
	recs, err := r.ReadAll()
	res := results{by: map[string]map[string]value{}}
	unit := ""
	for _, rec := range recs {
		switch {
		case len(rec) < 3 || rec[0] == "geomean":
		case rec[0] == "" && rec[2] == "CI":
			unit = rec[1]
		case rec[0] != "":
			x, perr := strconv.ParseFloat(rec[1], 64)
			if perr != nil {
				continue
			}
			name := procs.ReplaceAllString(rec[0], "")
			if res.by[name] == nil {
				res.names = append(res.names, name)
				res.by[name] = map[string]value{}
			}
			if rec[2] == "∞" {
				rec[2] = ""
			}
			res.by[name][unit] = value{x, rec[2]}
		}
	}
	if len(res.names) == 0 && err == nil {
		err = fmt.Errorf("no benchmark results from benchstat:\n%s", out)
	}
	return res, err
}

// under is the benchmarks whose names start with prefix.
func (r results) under(prefix string) []string {
	var names []string
	for _, n := range r.names {
		if strings.HasPrefix(n, prefix) {
			names = append(names, n)
		}
	}
	return names
}

// x is one benchmark's median in unit, NaN when it has none.
func (r results) x(name, unit string) float64 {
	if v, ok := r.by[name][unit]; ok {
		return v.x
	}
	return math.NaN()
}

// xs is the medians of the named benchmarks in unit.
func (r results) xs(names []string, unit string) []float64 {
	var xs []float64
	for _, n := range names {
		xs = append(xs, r.x(n, unit))
	}
	return xs
}

// column is a table column: its header and the unit it shows.
type column struct{ head, unit string }

// table is the named benchmarks as rows (first column the name without
// prefix) and the columns' units, each figure with its interval.
func (r results) table(prefix, first string, names []string, cols ...column) string {
	head := []string{first}
	for _, c := range cols {
		head = append(head, c.head)
	}
	var rows [][]string
	for _, n := range names {
		row := []string{strings.TrimPrefix(n, prefix)}
		for _, c := range cols {
			cell := ""
			if v, ok := r.by[n][c.unit]; ok {
				cell = figure(c.unit, v.x)
				if v.ci != "" {
					cell += " ± " + v.ci
				}
			}
			row = append(row, cell)
		}
		rows = append(rows, row)
	}
	return table(head, rows)
}

// figure formats x as its unit says: seconds, milliseconds (-ms, ms/…),
// MiB, bytes, a ratio of two named figures (build/static), or a count.
func figure(unit string, x float64) string {
	switch {
	case unit == "sec/op":
		return dur(x)
	case strings.HasSuffix(unit, "-ms") || strings.HasPrefix(unit, "ms/") || strings.HasPrefix(unit, "cpu-ms/"):
		return dur(x / 1e3)
	case strings.HasSuffix(unit, "MiB"):
		return fmt.Sprintf("%.1f MiB", x)
	case unit == "B/s":
		return figure("B/op", x) + "/s"
	case (strings.HasPrefix(unit, "B/") || strings.HasPrefix(unit, "bytes/")) && x >= 1<<20:
		return fmt.Sprintf("%.2f MiB", x/(1<<20))
	case strings.HasPrefix(unit, "B/") || strings.HasPrefix(unit, "bytes/"):
		return fmt.Sprintf("%.1f KiB", x/1024)
	case strings.Contains(unit, "/") && !strings.HasSuffix(unit, "/op"):
		return fmt.Sprintf("%.3fx", x)
	case x >= 1e6:
		return fmt.Sprintf("%.2fM", x/1e6)
	case x >= 1e4:
		return fmt.Sprintf("%.1fk", x/1e3)
	}
	return strconv.FormatFloat(x, 'f', -1, 64)
}

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

func median(xs []float64) float64 {
	s := slices.Sorted(slices.Values(xs))
	return (s[(len(s)-1)/2] + s[len(s)/2]) / 2
}

// linearFit fits y = a + b*x by least squares and returns R².
func linearFit(xs, ys []float64) (a, b, r2 float64) {
	var mx, my float64
	for i := range xs {
		mx, my = mx+xs[i]/float64(len(xs)), my+ys[i]/float64(len(ys))
	}
	var sxy, sxx, syy float64
	for i := range xs {
		sxy += (xs[i] - mx) * (ys[i] - my)
		sxx += (xs[i] - mx) * (xs[i] - mx)
		syy += (ys[i] - my) * (ys[i] - my)
	}
	b = sxy / sxx
	return my - b*mx, b, sxy * sxy / (sxx * syy)
}

// verdict is how a target's figure reads: met or missed, in bold.
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
