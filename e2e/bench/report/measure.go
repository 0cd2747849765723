package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// measured is one command's figures, pooled over hyperfine's rounds.
type measured struct {
	label string
	cmd   string
	times []float64 // wall, seconds
	cpu   []float64 // user+system per round (mean), seconds
	runs  int
	instr float64 // instructions (valgrind), 0 when not counted
}

func (m *measured) meanCPU() float64 { return mean(m.cpu) }

type hfOpts struct {
	shell   bool // run through sh (for stdin redirections); else hyperfine -N
	warmup  int
	runs    int
	rounds  int
	workDir string
}

// hyperfine runs the commands in rounds, alternating their order, and
// pools each command's runs: a slow drift of the machine's load then
// weighs on every command alike. It returns the hyperfine command line
// of one round, for the report.
func (b *bench) hyperfine(labels, cmds []string, o hfOpts) ([]*measured, string, error) {
	ms := make([]*measured, len(cmds))
	for i := range cmds {
		ms[i] = &measured{label: labels[i], cmd: cmds[i]}
	}
	args := []string{"--style", "none", "-w", strconv.Itoa(o.warmup), "-r", strconv.Itoa(o.runs)}
	if !o.shell {
		args = append(args, "-N")
	}
	show := "hyperfine " + strings.Join(args[2:], " ")
	for _, c := range cmds {
		show += " " + shellQuote(b.relCmd(c))
	}
	for round := range o.rounds {
		order := make([]int, len(cmds))
		for i := range order {
			order[i] = i
		}
		if round%2 == 1 {
			slices.Reverse(order)
		}
		out := filepath.Join(b.work, fmt.Sprintf("hyperfine-%d.json", time.Now().UnixNano()))
		a := append(append([]string{}, args...), "--export-json", out)
		for _, i := range order {
			a = append(a, cmds[i])
		}
		dir := o.workDir
		if dir == "" {
			dir = b.repo
		}
		if _, err := b.runIn(dir, nil, nil, "hyperfine", a...); err != nil {
			return nil, "", err
		}
		data, err := os.ReadFile(out)
		if err != nil {
			return nil, "", err
		}
		var res struct {
			Results []struct {
				Command string    `json:"command"`
				User    float64   `json:"user"`
				System  float64   `json:"system"`
				Times   []float64 `json:"times"`
			} `json:"results"`
		}
		if err := json.Unmarshal(data, &res); err != nil {
			return nil, "", err
		}
		if len(res.Results) != len(cmds) {
			return nil, "", fmt.Errorf("hyperfine returned %d results for %d commands", len(res.Results), len(cmds))
		}
		for k, r := range res.Results {
			m := ms[order[k]]
			m.times = append(m.times, r.Times...)
			m.cpu = append(m.cpu, r.User+r.System)
			m.runs += len(r.Times)
		}
	}
	return ms, show, nil
}

// relCmd shows a command line with the scratch directories as $W and $F.
func (b *bench) relCmd(c string) string {
	c = strings.ReplaceAll(c, b.helpers+"/", "")
	if b.fast != b.work {
		c = strings.ReplaceAll(c, b.fast, "$F")
	}
	c = strings.ReplaceAll(c, b.work, "$W")
	return strings.ReplaceAll(c, b.repo+"/", "")
}

func shellQuote(s string) string {
	if s != "" && !strings.ContainsAny(s, " \t'\"$<>|&;()*?") {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

var irefs = regexp.MustCompile(`I\s+refs:\s+([\d,]+)`)

// instructions counts the instructions a command executes, its child
// processes included, with valgrind's cachegrind (no cache simulation).
// Go programs run with one P and without asynchronous preemption: valgrind
// serialises threads and handles Go's preemption signals badly, and with
// several Ps an idle thread spinning for work now and then adds billions
// of instructions. The smaller of two runs is kept.
// Instruction counts are optional: when valgrind fails on a program (it
// cannot run every Go binary), the counts are left out from there on, with
// a note, and the wall-time measurements stand alone.
func (b *bench) instructions(stdin []byte, args ...string) (float64, error) {
	if !b.hasValgrind {
		return 0, nil
	}
	best := 0.0
	for range 2 {
		n, err := b.instructionsOnce(stdin, args...)
		if err != nil {
			first, _, _ := strings.Cut(err.Error(), "\n")
			logf("valgrind failed, instruction counts left out: %s", first)
			b.notes = append(b.notes, "Instruction counts are left out of this run: "+first+".")
			b.hasValgrind = false
			return 0, nil
		}
		if best == 0 || n < best {
			best = n
		}
	}
	return best, nil
}

func (b *bench) instructionsOnce(stdin []byte, args ...string) (float64, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	a := append([]string{"--tool=cachegrind", "--cache-sim=no", "--trace-children=yes", "--cachegrind-out-file=/dev/null"}, args...)
	cmd := exec.CommandContext(ctx, "valgrind", a...)
	cmd.Dir = b.repo
	cmd.Env = append(os.Environ(), "PATH="+b.path, "GODEBUG=asyncpreemptoff=1", "GOMAXPROCS=1")
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return 0, fmt.Errorf("valgrind %s: %v\n%s", strings.Join(args, " "), err, tail(stderr.String(), 2000))
	}
	total := 0.0
	for _, m := range irefs.FindAllStringSubmatch(stderr.String(), -1) {
		n, err := strconv.ParseFloat(strings.ReplaceAll(m[1], ",", ""), 64)
		if err != nil {
			return 0, err
		}
		total += n
	}
	if total == 0 {
		return 0, fmt.Errorf("valgrind %s: no instruction count in its output", strings.Join(args, " "))
	}
	return total, nil
}

// maxRSS runs a command under /usr/bin/time -v and returns its maximum
// resident set size in bytes.
func (b *bench) maxRSS(stdin []byte, args ...string) (float64, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "/usr/bin/time", append([]string{"-v"}, args...)...)
	cmd.Dir = b.repo
	cmd.Env = append(os.Environ(), "PATH="+b.path)
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return 0, fmt.Errorf("/usr/bin/time -v %s: %v\n%s", strings.Join(args, " "), err, tail(stderr.String(), 2000))
	}
	for _, line := range strings.Split(stderr.String(), "\n") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), "Maximum resident set size (kbytes):"); ok {
			kb, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
			return kb * 1024, err
		}
	}
	return 0, fmt.Errorf("/usr/bin/time -v %s: no maximum resident set size", strings.Join(args, " "))
}

// Formatting.

func ms(s float64) string {
	switch {
	case s >= 10:
		return fmt.Sprintf("%.1f s", s)
	case s >= 1:
		return fmt.Sprintf("%.2f s", s)
	case s >= 0.01:
		return fmt.Sprintf("%.1f ms", s*1e3)
	default:
		return fmt.Sprintf("%.2f ms", s*1e3)
	}
}

func msPM(xs []float64) string {
	return fmt.Sprintf("%s ± %.1f", ms(mean(xs)), stddev(xs)*1e3)
}

func mib(bytes float64) string { return fmt.Sprintf("%.1f MiB", bytes/(1<<20)) }

func minstr(n float64) string {
	if n == 0 {
		return "n/a"
	}
	return fmt.Sprintf("%.1f M", n/1e6)
}

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
