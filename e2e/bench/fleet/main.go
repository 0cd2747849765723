// Command fleet measures "regprofile emit" at fleet scale: it writes N
// distinct profiles, each naming every overlay's platform, and emits each into
// its own directory, as a team that commits rendered manifests for every
// cluster would. -mode lib calls the emit package in-process on -workers
// goroutines (what emit costs); -mode cli runs one bin/regprofile emit
// process per profile, -workers at a time (what a script over the CLI
// costs, start-up included). It prints one JSON object per repetition.
//
//	go run ./e2e/bench/fleet -n 1000 -reps 3 -mode lib
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"regprofile.dev/regprofile/e2e/bench/example"
	"regprofile.dev/regprofile/internal/emit"
	"regprofile.dev/regprofile/internal/layout"
	"regprofile.dev/regprofile/internal/profile"
	"regprofile.dev/regprofile/internal/render"
)

// Result is one repetition.
type Result struct {
	Mode    string  `json:"mode"`
	N       int     `json:"n"`
	Workers int     `json:"workers"`
	Rep     int     `json:"rep"`
	Wall    float64 `json:"wall_s"`
	CPU     float64 `json:"cpu_s"` // user+system of this process (lib) or of its children (cli)
	Files   int     `json:"files"` // files written, the markers excluded
}

func main() {
	n := flag.Int("n", 100, "number of profiles")
	reps := flag.Int("reps", 1, "repetitions, each into a fresh directory")
	mode := flag.String("mode", "lib", "lib: the emit package in-process; cli: one regprofile emit process per profile")
	workers := flag.Int("workers", runtime.GOMAXPROCS(0), "concurrent emits")
	repo := flag.String("repo", ".", "the repository's root, for the example profile")
	bin := flag.String("regprofile", "bin/regprofile", "the regprofile binary, for -mode cli")
	dir := flag.String("dir", "", "working directory (default: a new temporary directory, removed afterwards)")
	flag.Parse()
	if err := run(*n, *reps, *mode, *workers, *repo, *bin, *dir); err != nil {
		fmt.Fprintln(os.Stderr, "fleet:", err)
		os.Exit(1)
	}
}

func run(n, reps int, mode string, workers int, repo, bin, dir string) error {
	if mode != "lib" && mode != "cli" {
		return fmt.Errorf("unknown -mode %q", mode)
	}
	if dir == "" {
		tmp, err := os.MkdirTemp("", "regprofile-fleet-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		dir = tmp
	}
	if mode == "cli" {
		abs, err := filepath.Abs(bin)
		if err != nil {
			return err
		}
		bin = abs
	}
	ex, err := example.Profile(repo)
	if err != nil {
		return err
	}
	profiles := filepath.Join(dir, "profiles")
	if err := os.MkdirAll(profiles, 0o755); err != nil {
		return err
	}
	files := make([]string, n)
	for i := range n {
		data, err := example.Fleet(ex, i)
		if err != nil {
			return err
		}
		files[i] = filepath.Join(profiles, fmt.Sprintf("cluster-%05d.yaml", i))
		if err := os.WriteFile(files[i], data, 0o644); err != nil {
			return err
		}
	}
	enc := json.NewEncoder(os.Stdout)
	for rep := range reps {
		out := filepath.Join(dir, fmt.Sprintf("out-%d", rep))
		if err := os.Mkdir(out, 0o755); err != nil {
			return err
		}
		runtime.GC()
		cpu0 := cpuTime(mode)
		start := time.Now()
		written, err := emitAll(mode, bin, files, out, workers)
		wall := time.Since(start)
		cpu := cpuTime(mode) - cpu0
		if err != nil {
			return err
		}
		if err := enc.Encode(Result{Mode: mode, N: n, Workers: workers, Rep: rep, Wall: wall.Seconds(), CPU: cpu.Seconds(), Files: written}); err != nil {
			return err
		}
		if err := os.RemoveAll(out); err != nil {
			return err
		}
	}
	return nil
}

// emitAll emits every profile into out/<name>, workers at a time, and
// returns the number of files written.
func emitAll(mode, bin string, files []string, out string, workers int) (int, error) {
	var next, written atomic.Int64
	var mu sync.Mutex
	var errs []error
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= len(files) {
					return
				}
				dest := filepath.Join(out, fmt.Sprintf("cluster-%05d", i))
				var w int
				var err error
				if mode == "lib" {
					w, err = emitLib(files[i], dest)
				} else {
					w, err = emitCLI(bin, files[i], dest)
				}
				if err != nil {
					mu.Lock()
					errs = append(errs, fmt.Errorf("%s: %w", files[i], err))
					mu.Unlock()
					return
				}
				written.Add(int64(w))
			}
		}()
	}
	wg.Wait()
	return int(written.Load()), errors.Join(errs...)
}

// emitLib is what "regprofile emit --out dest file" does, in-process.
func emitLib(file, dest string) (int, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return 0, err
	}
	prof, fs := profile.DecodeBytes(data)
	if fs.HasErrors() {
		return 0, errors.New(fs.Sorted()[0].Text())
	}
	rendered, fs := render.All(prof)
	if fs.HasErrors() {
		return 0, errors.New(fs.Sorted()[0].Text())
	}
	tree, err := layout.Build(rendered, file)
	if err != nil {
		return 0, err
	}
	sum, err := emit.Write(dest, tree, emit.Options{})
	return len(sum.Written), err
}

func emitCLI(bin, file, dest string) (int, error) {
	cmd := exec.Command(bin, "emit", "--out", dest, file)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return 0, fmt.Errorf("%v\n%s", err, out)
	}
	var w, u, r int
	// "regprofile emit: DIR: platforms A, B; N files written, ..."
	if _, err := fmt.Sscanf(lastField(string(out)), "%d files written, %d unchanged, %d removed", &w, &u, &r); err != nil {
		return 0, fmt.Errorf("unexpected output %q: %v", out, err)
	}
	return w, nil
}

// lastField returns what follows the last "; " of a line.
func lastField(s string) string {
	for i := len(s) - 2; i >= 0; i-- {
		if s[i] == ';' && s[i+1] == ' ' {
			return s[i+2:]
		}
	}
	return s
}

func cpuTime(mode string) time.Duration {
	who := syscall.RUSAGE_SELF
	if mode == "cli" {
		who = syscall.RUSAGE_CHILDREN
	}
	var ru syscall.Rusage
	if err := syscall.Getrusage(who, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
