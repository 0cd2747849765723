package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// resourceLists captures, per platform, the ResourceList kustomize hands
// regprofile for the repository's overlay: a stand-in regprofile on PATH
// tees its stdin to a file and runs the real one.
func (b *bench) resourceLists() (map[string][]byte, error) {
	if b.rls != nil {
		return b.rls, nil
	}
	dir := filepath.Join(b.work, "capture")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	script := "#!/bin/sh\ntee \"$REGPROFILE_CAPTURE\" | exec \"$REGPROFILE_REAL\" \"$@\"\n"
	if err := os.WriteFile(filepath.Join(dir, "regprofile"), []byte(script), 0o755); err != nil {
		return nil, err
	}
	rls := map[string][]byte{}
	for _, p := range platforms {
		file := filepath.Join(b.work, "rl-"+p+".yaml")
		cmd := exec.Command(filepath.Join(b.bin, "kustomize"), "build", "--enable-alpha-plugins", "--enable-exec", filepath.Join("overlays", p))
		cmd.Dir = b.repo
		cmd.Env = append(os.Environ(), "PATH="+dir+":"+b.path, "REGPROFILE_CAPTURE="+file, "REGPROFILE_REAL="+filepath.Join(b.bin, "regprofile"))
		if out, err := cmd.CombinedOutput(); err != nil {
			return nil, fmt.Errorf("capturing the ResourceList of %s: %v\n%s", p, err, tail(string(out), 2000))
		}
		data, err := os.ReadFile(file)
		if err != nil {
			return nil, err
		}
		rls[p] = data
	}
	b.rls = rls
	return rls, nil
}

var initLine = regexp.MustCompile(`^init (\S+) @([\d.]+) ms, ([\d.]+) ms clock`)

// inittrace is what GODEBUG=inittrace=1 reports for one run.
type inittrace struct {
	count  int
	total  float64            // sum of the init functions' clock, ms
	main   float64            // when the last init ended, ms after start: when main begins
	byPkgs map[string]float64 // clock per package, ms
}

func parseInittrace(stderr string) inittrace {
	t := inittrace{byPkgs: map[string]float64{}}
	for _, line := range strings.Split(stderr, "\n") {
		m := initLine.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		at, _ := strconv.ParseFloat(m[2], 64)
		clock, _ := strconv.ParseFloat(m[3], 64)
		t.count++
		t.total += clock
		t.byPkgs[m[1]] += clock
		if at+clock > t.main {
			t.main = at + clock
		}
	}
	return t
}

// startup compares regprofile's start-up with two minimal Go exec
// functions on the ResourceList kustomize hands it for aws-upi.
func (b *bench) startup() error {
	rls, err := b.resourceLists()
	if err != nil {
		return err
	}
	rl := rls["aws-upi"]
	rlFile := filepath.Join(b.work, "rl-aws-upi.yaml")
	type fn struct {
		name, path, what string
		traces           []inittrace
		size             int64
		instr            float64
	}
	fns := []*fn{
		{name: "nopfn", path: filepath.Join(b.helpers, "nopfn"), what: "minimal Go exec function: standard library, stdin to stdout"},
		{name: "nopkio", path: filepath.Join(b.helpers, "nopkio"), what: "do-nothing function on kyaml's kio, as internal/krm is built (parses and writes the ResourceList)"},
		{name: "nopkyaml", path: filepath.Join(b.helpers, "nopkyaml"), what: "do-nothing function on kyaml's fn/framework, as most Go functions are"},
		{name: "regprofile", path: filepath.Join(b.bin, "regprofile"), what: "bin/regprofile, as make build builds it"},
	}
	for _, f := range fns {
		st, err := os.Stat(f.path)
		if err != nil {
			return err
		}
		f.size = st.Size()
	}
	rounds := b.reps(40, 5)
	for range rounds {
		for _, f := range fns {
			cmd := exec.Command(f.path)
			cmd.Env = append(os.Environ(), "GODEBUG=inittrace=1")
			cmd.Stdin = bytes.NewReader(rl)
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			if err := cmd.Run(); err != nil {
				return fmt.Errorf("%s: %v\n%s", f.name, err, tail(stderr.String(), 2000))
			}
			f.traces = append(f.traces, parseInittrace(stderr.String()))
		}
	}
	var labels, cmds []string
	for _, f := range fns {
		labels = append(labels, f.name)
		cmds = append(cmds, f.path+" < "+rlFile)
	}
	walls, show, err := b.hyperfine(labels, cmds, hfOpts{shell: true, warmup: 5, runs: b.reps(30, 5), rounds: 2})
	if err != nil {
		return err
	}
	var helpInstr float64
	if b.hasValgrind {
		for _, f := range fns {
			if f.instr, err = b.instructions(rl, f.path); err != nil {
				return err
			}
		}
		if helpInstr, err = b.instructions(nil, filepath.Join(b.bin, "regprofile"), "--help"); err != nil {
			return err
		}
	}
	stat := func(f *fn, get func(inittrace) float64) float64 {
		var xs []float64
		for _, t := range f.traces {
			xs = append(xs, get(t))
		}
		return median(xs)
	}
	total := func(t inittrace) float64 { return t.total }
	mainAt := func(t inittrace) float64 { return t.main }

	var sec strings.Builder
	sec.WriteString("## 2. Function start-up\n\n")
	sec.WriteString("Target: regprofile's start-up within 5 ms of a minimal Go exec function, measured with " +
		"`GODEBUG=inittrace=1` (the sum of every package's init time). The minimal function it is held to is `nopkio`: " +
		"it reads and writes the ResourceList with kyaml's kio, the library regprofile's stack prescribes, and does " +
		"nothing else. `nopfn`, which copies stdin to stdout without parsing it, is the floor of any Go process; no " +
		"function that parses its input with kyaml comes near it, since kyaml's YAML package alone links kube-openapi's " +
		"spec types, gnostic and protobuf descriptors.\n\n")
	fmt.Fprintf(&sec, "Each binary reads the ResourceList kustomize hands regprofile for aws-upi (`$W/rl-aws-upi.yaml`, "+
		"captured from a real `kustomize build`) and writes its answer; %d runs each, the four interleaved, medians. "+
		"\"main starts\" is when the last init ends, in ms after the runtime started (what start-up costs before any of "+
		"the program's own code runs, page faults of a larger binary included).\n\n", rounds)
	sec.WriteString("```sh\nGODEBUG=inittrace=1 bin/regprofile < $W/rl-aws-upi.yaml 2>&1 >/dev/null | grep ^init\n" + show + "\n```\n\n")
	sec.WriteString("| binary | what | size | inits | init total | main starts | whole KRM call (hyperfine) | instructions |\n|---|---|---|---|---|---|---|---|\n")
	for i, f := range fns {
		fmt.Fprintf(&sec, "| %s | %s | %s | %d | %.2f ms | %.2f ms | %s | %s |\n", f.name, f.what, mib(float64(f.size)),
			f.traces[0].count, stat(f, total), stat(f, mainAt), msPM(walls[i].times), minstr(f.instr))
	}
	if helpInstr > 0 {
		fmt.Fprintf(&sec, "\n`regprofile --help` (start-up, no ResourceList) executes %s instructions.\n", minstr(helpInstr))
	}
	sec.WriteString("\n")

	// What regprofile's inits spend, beyond what kyaml's already do.
	floor, kio, kyaml, reg := fns[0], fns[1], fns[2], fns[3]
	perPkg := func(f *fn) map[string]float64 {
		all := map[string][]float64{}
		for _, t := range f.traces {
			for p, c := range t.byPkgs {
				all[p] = append(all[p], c)
			}
		}
		out := map[string]float64{}
		for p, cs := range all {
			out[p] = median(cs)
		}
		return out
	}
	regPkgs, kioPkgs := perPkg(reg), perPkg(kio)
	type pc struct {
		pkg   string
		clock float64
	}
	var own []pc
	ownTotal := 0.0
	for p, c := range regPkgs {
		if _, shared := kioPkgs[p]; !shared {
			own = append(own, pc{p, c})
			ownTotal += c
		}
	}
	sort.Slice(own, func(i, j int) bool { return own[i].clock > own[j].clock })
	fmt.Fprintf(&sec, "Of regprofile's %d inits, %d are packages that nopkio does not link "+
		"(Kubernetes API types and apimachinery for the profile's fields, cron parsing, regprofile's own); together "+
		"%.2f ms. The largest:\n\n", len(regPkgs), len(own), ownTotal)
	sec.WriteString("| package | init (median) |\n|---|---|\n")
	for i, p := range own {
		if i == 8 {
			break
		}
		fmt.Fprintf(&sec, "| %s | %.3f ms |\n", p.pkg, p.clock)
	}
	sec.WriteString("\n")

	dInit := stat(reg, total) - stat(kio, total)
	dMain := stat(reg, mainAt) - stat(kio, mainAt)
	dWall := mean(walls[3].times) - mean(walls[1].times)
	met := dInit <= 5
	fmt.Fprintf(&sec, "Verdict: %s. regprofile's inits take %+.2f ms against nopkio's (%+.2f ms against the fn/framework "+
		"one's, %+.2f ms against nopfn's, the floor); main starts %+.2f ms after nopkio's. The whole call, rendering "+
		"included, takes %s more than nopkio's%s.\n\n", verdict(met), dInit, stat(reg, total)-stat(kyaml, total),
		stat(reg, total)-stat(floor, total), dMain, ms(dWall),
		func() string {
			if reg.instr > 0 {
				return fmt.Sprintf(" (%s instructions against %s for nopkio and %s for nopfn)",
					minstr(reg.instr), minstr(kio.instr), minstr(floor.instr))
			}
			return ""
		}())
	b.sections = append(b.sections, sec.String())
	b.summary = append(b.summary, target{
		name: "function start-up within 5 ms of a minimal Go exec function on kyaml (nopkio; GODEBUG=inittrace=1)",
		figure: fmt.Sprintf("%+.2f ms of inits (%.2f against %.2f ms); main starts %+.2f ms; against nopfn, the standard library's floor, %+.2f ms",
			dInit, stat(reg, total), stat(kio, total), dMain, stat(reg, total)-stat(floor, total)),
		verdict: verdict(met),
		section: "2",
	})
	return nil
}
