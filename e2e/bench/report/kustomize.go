package main

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"regprofile.dev/regprofile/e2e/bench/example"
)

const execFlags = "--enable-alpha-plugins --enable-exec"

// nopTransformer lists a do-nothing exec function as an overlay's
// transformer.
const nopTransformer = `apiVersion: bench.regprofile.dev/v1
kind: NopTransformer
metadata:
  name: nop
  annotations:
    config.kubernetes.io/function: |
      exec:
        path: %s
`

// emptySchema is a Swagger document with no definitions: set as an
// overlay's openapi schema, it replaces the Kubernetes schema built into
// kyaml, which kustomize otherwise parses in full.
const emptySchema = `{"swagger": "2.0", "info": {"title": "none", "version": "v0"}, "paths": {}, "definitions": {}}
`

// trees lays out what the kustomize comparison builds: the example as one
// profile, emitted as static kustomize ($W/static), the static tree with a
// do-nothing exec function as every overlay's transformer ($W/nopfn,
// $W/stripids), and the repository's own overlays with an empty OpenAPI
// schema ($W/emptyschema).
func (b *bench) trees() error {
	if b.treesMade {
		return nil // the build and kustomize sections share them
	}
	b.treesMade = true
	ex, err := example.Profile(b.repo)
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(b.work, "example.yaml"), []byte(ex.MustString()), 0o644); err != nil {
		return err
	}
	if _, err := b.run(nil, filepath.Join(b.bin, "regprofile"), "emit", "--out", filepath.Join(b.work, "static"), filepath.Join(b.work, "example.yaml")); err != nil {
		return err
	}
	for _, fn := range []string{"nopfn", "stripids"} {
		dir := filepath.Join(b.work, fn)
		if err := os.CopyFS(dir, os.DirFS(filepath.Join(b.work, "static"))); err != nil {
			return err
		}
		for _, p := range platforms {
			overlay := filepath.Join(dir, "overlays", p)
			if err := appendFile(filepath.Join(overlay, "kustomization.yaml"), "transformers:\n- nop.yaml\n"); err != nil {
				return err
			}
			if err := os.WriteFile(filepath.Join(overlay, "nop.yaml"), fmt.Appendf(nil, nopTransformer, fn), 0o644); err != nil {
				return err
			}
		}
	}
	schema := filepath.Join(b.work, "emptyschema")
	for _, d := range []string{"bases", "overlays", "transformers"} {
		if err := os.CopyFS(filepath.Join(schema, d), os.DirFS(filepath.Join(b.repo, d))); err != nil {
			return err
		}
	}
	for _, p := range platforms {
		overlay := filepath.Join(schema, "overlays", p)
		if err := appendFile(filepath.Join(overlay, "kustomization.yaml"), "openapi:\n  path: empty-openapi.json\n"); err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(overlay, "empty-openapi.json"), []byte(emptySchema), 0o644); err != nil {
			return err
		}
	}
	return nil
}

func appendFile(path, text string) error {
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	if _, err := f.WriteString(text); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// kustomize compares kustomize build of the repository's overlays (the
// function through kustomize) with kustomize build of the emitted static
// overlays, per platform, and takes one overlay apart.
func (b *bench) kustomize() error {
	if err := b.trees(); err != nil {
		return err
	}
	static := func(p string) string { return "kustomize build " + filepath.Join(b.work, "static", "overlays", p) }
	nop := func(p string) string {
		return "kustomize build " + execFlags + " " + filepath.Join(b.work, "nopfn", "overlays", p)
	}
	overlay := func(p string) string { return "kustomize build " + execFlags + " " + filepath.Join("overlays", p) }
	strip := "kustomize build " + execFlags + " " + filepath.Join(b.work, "stripids", "overlays", "aws-upi")
	schema := "kustomize build " + execFlags + " " + filepath.Join(b.work, "emptyschema", "overlays", "aws-upi")

	// Every variant must print the same manifests, or the comparison means
	// nothing.
	var mismatches []string
	for _, p := range platforms {
		want, err := b.run(nil, "sh", "-c", overlay(p))
		if err != nil {
			return err
		}
		variants := []string{static(p), nop(p), "kustomize build " + execFlags + " " + filepath.Join(b.work, "emptyschema", "overlays", p)}
		if p == "aws-upi" {
			variants = append(variants, strip)
		}
		for _, v := range variants {
			got, err := b.run(nil, "sh", "-c", v)
			if err != nil {
				return err
			}
			if got != want {
				mismatches = append(mismatches, b.relCmd(v))
			}
		}
	}

	var sec strings.Builder
	sec.WriteString("## 1. kustomize build: a function overlay against the emitted static overlay\n\n")
	sec.WriteString("Target: `kustomize build " + execFlags + "` of an overlay at most 1.4x `kustomize build` of the equivalent " +
		"static overlay that `regprofile emit` writes (the issue expected a do-nothing Go exec function to cost about 1.25x).\n\n")
	sec.WriteString("`$W/example.yaml` is the repository's example as one profile (`bases/` with every overlay's patch, " +
		"`e2e/bench/example`); `bin/regprofile emit --out $W/static $W/example.yaml` writes the static tree. " +
		"`$W/nopfn` is that static tree with a do-nothing exec function (`e2e/bench/nopfn`: standard library only, copies " +
		"the ResourceList from stdin to stdout) listed as every overlay's transformer, the floor any exec function " +
		"pays. Every variant prints the same bytes as the repository's overlay (checked before timing")
	if len(mismatches) > 0 {
		sec.WriteString("; **these did not**: " + strings.Join(mismatches, ", "))
	}
	sec.WriteString("). Commands run from the repository's root with `$W/helpers:bin` first on `PATH`, so kustomize finds " +
		"`regprofile` and the do-nothing functions by name.\n\n")

	runs := b.reps(10, 3)
	var perPlatform [][]*measured
	var shows []string
	for _, p := range platforms {
		logf("kustomize %s", p)
		m, show, err := b.hyperfine([]string{"static", "nop", "regprofile"}, []string{static(p), nop(p), overlay(p)},
			hfOpts{warmup: 2, runs: runs, rounds: 2})
		if err != nil {
			return err
		}
		if b.hasValgrind && (!b.quick || p == "aws-upi") {
			for _, x := range m {
				if x.instr, err = b.instructions(nil, strings.Fields(x.cmd)...); err != nil {
					return err
				}
			}
		}
		perPlatform = append(perPlatform, m)
		shows = append(shows, show)
	}
	fmt.Fprintf(&sec, "For each platform, one hyperfine run of the three builds, repeated with the order reversed and pooled "+
		"(%d runs each; mean ± standard deviation; the ratio's 95%% interval is a bootstrap over the runs). For aws-upi:\n\n", 2*runs)
	sec.WriteString("```sh\n" + shows[0] + "\n```\n\n")
	if b.hasValgrind {
		sec.WriteString("Instructions: `valgrind --tool=cachegrind --cache-sim=no --trace-children=yes` of the same command, " +
			"kustomize and the function it runs together, the smaller of two runs (with `GOMAXPROCS=1 GODEBUG=asyncpreemptoff=1`: " +
			"valgrind serialises threads and mishandles Go's preemption signals); unlike wall time they do not move with the " +
			"machine's load.\n\n")
	}
	sec.WriteString("| platform | static | do-nothing function | regprofile overlay | regprofile / static | do-nothing / static | regprofile / do-nothing | instructions: static → regprofile |\n")
	sec.WriteString("|---|---|---|---|---|---|---|---|\n")
	worst, worstName := 0.0, ""
	var worstCI string
	overNopLo, overNopHi := 0.0, 0.0
	for i, p := range platforms {
		m := perPlatform[i]
		r, _, _ := ratioCI(m[0].times, m[2].times)
		if o, _, _ := ratioCI(m[1].times, m[2].times); i == 0 || o < overNopLo {
			overNopLo = o
		}
		if o, _, _ := ratioCI(m[1].times, m[2].times); o > overNopHi {
			overNopHi = o
		}
		if r > worst {
			worst, worstName, worstCI = r, p, ratioText(m[0].times, m[2].times)
		}
		instr := "n/a"
		if m[0].instr > 0 && m[2].instr > 0 {
			instr = fmt.Sprintf("%s → %s (%.1fx)", minstr(m[0].instr), minstr(m[2].instr), m[2].instr/m[0].instr)
		}
		fmt.Fprintf(&sec, "| %s | %s | %s | %s | %s | %s | %s | %s |\n", p, msPM(m[0].times), msPM(m[1].times), msPM(m[2].times),
			ratioText(m[0].times, m[2].times), ratioText(m[0].times, m[1].times), ratioText(m[1].times, m[2].times), instr)
	}
	sec.WriteString("\n")

	// One overlay taken apart.
	logf("kustomize: aws-upi taken apart")
	labels := []string{
		"static overlay (emitted)",
		"static + do-nothing function (nopfn)",
		"static + do-nothing function that drops kustomize's id annotations (stripids)",
		"the repository's overlay: patch + regprofile",
		"the repository's overlay with an empty OpenAPI schema",
	}
	cmds := []string{static("aws-upi"), nop("aws-upi"), strip, overlay("aws-upi"), schema}
	parts, show, err := b.hyperfine(labels, cmds, hfOpts{warmup: 2, runs: runs, rounds: 2})
	if err != nil {
		return err
	}
	if b.hasValgrind {
		for _, x := range parts {
			if x.instr == 0 {
				if x.instr, err = b.instructions(nil, strings.Fields(x.cmd)...); err != nil {
					return err
				}
			}
		}
	}
	n := b.reps(20, 5)
	profiles := map[string]*pprofTop{}
	for _, v := range []struct{ name, dir string }{
		{"overlay", filepath.Join(b.repo, "overlays", "aws-upi")},
		{"static", filepath.Join(b.work, "static", "overlays", "aws-upi")},
		{"nopfn", filepath.Join(b.work, "nopfn", "overlays", "aws-upi")},
		{"emptyschema", filepath.Join(b.work, "emptyschema", "overlays", "aws-upi")},
	} {
		out := filepath.Join(b.work, "kustomize-"+v.name+".pprof")
		if _, err := b.run(nil, filepath.Join(b.helpers, "kprof"), "-n", strconv.Itoa(n), "-cpuprofile", out, v.dir); err != nil {
			return err
		}
		top, err := b.pprofTop(filepath.Join(b.helpers, "kprof"), out, n)
		if err != nil {
			return err
		}
		profiles[v.name] = top
	}

	sec.WriteString("### Where the time goes: one overlay (aws-upi) taken apart\n\n")
	fmt.Fprintf(&sec, "```sh\n%s\n```\n\n", show)
	sec.WriteString("| build | wall | CPU (user+sys) | / static (wall) | instructions |\n|---|---|---|---|---|\n")
	for _, x := range parts {
		fmt.Fprintf(&sec, "| %s | %s | %s | %s | %s |\n", x.label, msPM(x.times), ms(x.meanCPU()), ratioText(parts[0].times, x.times), minstr(x.instr))
	}
	sec.WriteString("\n")
	fmt.Fprintf(&sec, "kustomize's own CPU, profiled with pprof: `e2e/bench/kprof` runs the same build in-process through "+
		"kustomize's API (sigs.k8s.io/kustomize/api, the version bin/kustomize is built from) %d times, dropping kyaml's "+
		"parsed OpenAPI schema before each build so that each pays what one kustomize process pays (the exec "+
		"function's own CPU is a child process's, not in the profile):\n\n", n)
	sec.WriteString("```sh\nPATH=$PWD/bin:$PATH go run ./e2e/bench/kprof -n " + strconv.Itoa(n) + " -cpuprofile $W/overlay.pprof overlays/aws-upi\n" +
		"go tool pprof -top -cum $W/overlay.pprof\n```\n\n")
	sec.WriteString("| share of kustomize's CPU (cumulative) | repository's overlay | static | static + nopfn | overlay, empty schema |\n|---|---|---|---|---|\n")
	fmt.Fprintf(&sec, "| CPU per build | %s | %s | %s | %s |\n", ms(profiles["overlay"].perBuild), ms(profiles["static"].perBuild),
		ms(profiles["nopfn"].perBuild), ms(profiles["emptyschema"].perBuild))
	for _, row := range pprofRows {
		fmt.Fprintf(&sec, "| `%s` | %s | %s | %s | %s |\n", row.show, profiles["overlay"].share(row.fn), profiles["static"].share(row.fn),
			profiles["nopfn"].share(row.fn), profiles["emptyschema"].share(row.fn))
	}
	sec.WriteString("\n")

	static0, nop0, strip0, overlay0, schema0 := parts[0], parts[1], parts[2], parts[3], parts[4]
	rNop, _, _ := ratioCI(static0.times, nop0.times)
	rStrip, _, _ := ratioCI(static0.times, strip0.times)
	rSchema, _, _ := ratioCI(static0.times, schema0.times)
	met := worst <= 1.4
	fmt.Fprintf(&sec, "Verdict: %s. The worst platform, %s, is %s the static overlay", verdict(met), worstName, worstCI)
	if !met {
		fmt.Fprintf(&sec, `; a do-nothing exec function alone already costs %.1fx here, not the 1.25x the issue
assumed. The profile says why: kustomize parses the whole Kubernetes OpenAPI schema
built into kyaml (`+"`openapi.initSchema`"+`, about %s of each build's CPU, and much of the garbage collection after it)
the first time anything looks up a schema, and two things in a function overlay do:

- the overlay's strategic-merge patch of the profile (`+"`patchstrategicmerge.Filter`"+`), which walks the patched
  object against its schema, even for a kind the schema does not know;
- every item an exec function returns with the id annotation kustomize gave it
  (`+"`internal.config.kubernetes.io/id`"+`): kyaml copies comments and field order back onto it
  (`+"`FunctionFilter.copyCommentsAndSyncOrder`"+`), walking it against the schema. A function that passes items
  through, as every transformer does, pays it; regprofile returns the profile itself (local-config) that way.

Neither is regprofile's code: the static overlay has neither, and a function cannot avoid the patch. Against
the do-nothing floor the regprofile overlay costs %s on aws-upi, and %.2f–%.2fx across the platforms: what
regprofile's own process adds (start-up and render, section 2: a few ms) is within the noise of kustomize's own
~100 ms. Dropping the ids alone (`+"`stripids`"+`, %.2fx) shows the copy-back's share on a patch-free overlay; the
repository's overlay with an empty OpenAPI schema named in its kustomization (`+"`openapi: {path: empty-openapi.json}`"+`,
%.2fx, same output) shows what is left without the schema parse: kustomize's function plumbing and one Go
process start.

What remains, and what would close more of it (not done here; each changes files this work does not own):
- `+"`internal/krm`"+`: clear the two id annotations from the items the function passes through unchanged (the profile it
  keeps). kyaml then has nothing to copy back, and nothing to change: the items are returned as they came. Alone
  this does not help the repository's overlays, whose patch parses the schema anyway; it helps generator-style
  and patch-free overlays.
- overlays: an overlay may name its own OpenAPI schema (kustomize's `+"`openapi:`"+` field), which replaces the
  built-in one; an empty one keeps the output identical for these overlays (checked above) but also drops
  kustomize's knowledge of built-in kinds (strategic-merge keys, which kinds are namespaced), so it only suits
  overlays that patch nothing but the profile. That is a documentation and layout decision.
- kustomize itself: the schema is parsed eagerly and in full from an embedded protobuf on first use.

`, rNop, profiles["overlay"].share("openapi.initSchema"), ratioText(nop0.times, overlay0.times), overNopLo, overNopHi, rStrip, rSchema)
	} else {
		sec.WriteString(".\n\n")
	}
	b.sections = append(b.sections, sec.String())
	b.summary = append(b.summary, target{
		name:    "kustomize build of a function overlay vs the emitted static overlay: at most 1.4x",
		figure:  fmt.Sprintf("%s (worst, %s); a do-nothing exec function: %.1fx; regprofile / do-nothing: %.2f–%.2fx", worstCI, worstName, rNop, overNopLo, overNopHi),
		verdict: verdict(met) + " (kustomize's OpenAPI schema parse; see 1)",
		section: "1",
	})
	return nil
}

// pprofRows are the functions the report shows a share of.
var pprofRows = []struct{ fn, show string }{
	{"krusty.(*Kustomizer).Run", "krusty.(*Kustomizer).Run (the whole build)"},
	{"openapi.initSchema", "kyaml openapi.initSchema (parse the built-in schema)"},
	{"patchstrategicmerge.Filter.Filter", "patchstrategicmerge.Filter.Filter (the overlay's patch)"},
	{"copyCommentsAndSyncOrder", "runtimeutil.(*FunctionFilter).copyCommentsAndSyncOrder"},
	{"fnplugin.(*FnPlugin).invokePlugin", "fnplugin.(*FnPlugin).invokePlugin (run the exec function)"},
	{"runtime.gcBgMarkWorker", "runtime.gcBgMarkWorker (garbage collection)"},
}

type pprofTop struct {
	total    float64            // seconds of samples
	perBuild float64            // seconds per build
	cum      map[string]float64 // function name suffix to cumulative seconds
}

func (p *pprofTop) share(fn string) string {
	if p == nil || p.total == 0 {
		return "n/a"
	}
	v := 0.0
	for name, s := range p.cum {
		if strings.HasSuffix(name, fn) && s > v {
			v = s
		}
	}
	if v == 0 {
		return "–"
	}
	return fmt.Sprintf("%.0f%%", 100*v/p.total)
}

var (
	pprofTotal = regexp.MustCompile(`Total samples = ([\d.]+)(ms|s)`)
	pprofLine  = regexp.MustCompile(`^\s*[\d.]+(?:ms|s|us)?\s+[\d.]+%\s+[\d.]+%\s+([\d.]+)(ms|s|us)?\s+[\d.]+%\s+(.+)$`)
)

func seconds(v, unit string) float64 {
	f, _ := strconv.ParseFloat(v, 64)
	switch unit {
	case "ms":
		return f / 1e3
	case "us":
		return f / 1e6
	}
	return f
}

func (b *bench) pprofTop(binary, profile string, n int) (*pprofTop, error) {
	out, err := b.run(nil, "go", "tool", "pprof", "-top", "-cum", "-nodecount=1000", binary, profile)
	if err != nil {
		return nil, err
	}
	p := &pprofTop{cum: map[string]float64{}}
	if m := pprofTotal.FindStringSubmatch(out); m != nil {
		p.total = seconds(m[1], m[2])
		p.perBuild = p.total / float64(n)
	}
	for _, line := range strings.Split(out, "\n") {
		if m := pprofLine.FindStringSubmatch(line); m != nil {
			name := strings.TrimSpace(m[3])
			name = strings.TrimSuffix(name, " (inline)")
			p.cum[name] = seconds(m[1], m[2])
		}
	}
	return p, nil
}
