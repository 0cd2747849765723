// Command kprof profiles kustomize's side of "kustomize build" with pprof:
// it runs the build in-process through kustomize's own API (the
// sigs.k8s.io/kustomize/api version bin/kustomize is built from) -n times
// under a CPU profile. Before each build it drops kyaml's parsed OpenAPI
// schema, so that every iteration pays what one kustomize process pays.
// Exec functions run as child processes, found on PATH as kustomize finds
// them; their own CPU is not in the profile.
//
//	go run ./e2e/bench/kprof -n 20 -cpuprofile kustomize.pprof overlays/aws-upi
//	go tool pprof -top -cum kustomize.pprof
package main

import (
	"flag"
	"fmt"
	"os"
	"runtime/pprof"
	"time"

	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/api/types"
	"sigs.k8s.io/kustomize/kyaml/filesys"
	"sigs.k8s.io/kustomize/kyaml/openapi"
)

func main() {
	n := flag.Int("n", 20, "builds")
	out := flag.String("cpuprofile", "kustomize.pprof", "CPU profile to write")
	exec := flag.Bool("enable-exec", true, "enable exec functions (--enable-alpha-plugins --enable-exec)")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: kprof [-n N] [-cpuprofile FILE] DIR")
		os.Exit(2)
	}
	if err := run(flag.Arg(0), *n, *out, *exec); err != nil {
		fmt.Fprintln(os.Stderr, "kprof:", err)
		os.Exit(1)
	}
}

func run(dir string, n int, out string, exec bool) error {
	opts := krusty.MakeDefaultOptions()
	if exec {
		opts.PluginConfig = types.EnabledPluginConfig(types.BploUseStaticallyLinked)
		opts.PluginConfig.FnpLoadingOptions.EnableExec = true
	}
	build := func() error {
		openapi.ResetOpenAPI()
		m, err := krusty.MakeKustomizer(opts).Run(filesys.MakeFsOnDisk(), dir)
		if err != nil {
			return err
		}
		_, err = m.AsYaml()
		return err
	}
	if err := build(); err != nil { // fail before profiling, and warm the page cache
		return err
	}
	f, err := os.Create(out)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := pprof.StartCPUProfile(f); err != nil {
		return err
	}
	start := time.Now()
	for range n {
		if err := build(); err != nil {
			pprof.StopCPUProfile()
			return err
		}
	}
	pprof.StopCPUProfile()
	fmt.Printf("%d builds of %s in %v (%v each)\n", n, dir, time.Since(start).Round(time.Millisecond), (time.Since(start) / time.Duration(n)).Round(10*time.Microsecond))
	return nil
}
