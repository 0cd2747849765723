package main

import (
	"fmt"
	"path/filepath"
	"strings"
)

// rss measures the peak resident set size of one render, standalone and
// as a KRM function, with /usr/bin/time -v.
func (b *bench) rss() error {
	rls, err := b.resourceLists()
	if err != nil {
		return err
	}
	if err := b.trees(); err != nil { // $W/example.yaml, $W/static
		return err
	}
	reg := filepath.Join(b.bin, "regprofile")
	example := filepath.Join(b.work, "example.yaml")
	runs := b.reps(3, 1)
	peak := func(stdin []byte, args ...string) (float64, error) {
		var xs []float64
		for range runs {
			v, err := b.maxRSS(stdin, args...)
			if err != nil {
				return 0, err
			}
			xs = append(xs, v)
		}
		return maxOf(xs), nil
	}
	var sec strings.Builder
	sec.WriteString("## 4. Peak memory of one render\n\n")
	sec.WriteString("Target: peak RSS of one render at most 64 MB.\n\n")
	fmt.Fprintf(&sec, "Maximum resident set size reported by GNU time, the largest of %d runs:\n\n", runs)
	sec.WriteString("```sh\n/usr/bin/time -v bin/regprofile render --platform aws-upi $W/example.yaml > /dev/null\n" +
		"/usr/bin/time -v bin/regprofile < $W/rl-aws-upi.yaml > /dev/null\n```\n\n")
	sec.WriteString("| platform | `regprofile render` | KRM call (`regprofile < ResourceList`) |\n|---|---|---|\n")
	worst := 0.0
	for _, p := range platforms {
		r, err := peak(nil, reg, "render", "--platform", p, example)
		if err != nil {
			return err
		}
		k, err := peak(rls[p], reg)
		if err != nil {
			return err
		}
		worst = max(worst, r, k)
		fmt.Fprintf(&sec, "| %s | %s | %s |\n", p, mib(r), mib(k))
	}
	kOverlay, err := peak(nil, filepath.Join(b.bin, "kustomize"), "build", "--enable-alpha-plugins", "--enable-exec", "overlays/aws-upi")
	if err != nil {
		return err
	}
	kStatic, err := peak(nil, filepath.Join(b.bin, "kustomize"), "build", filepath.Join(b.work, "static", "overlays", "aws-upi"))
	if err != nil {
		return err
	}
	met := worst <= 64e6
	fmt.Fprintf(&sec, "\nFor scale, kustomize itself peaks at %s building the aws-upi overlay with the function and %s building "+
		"the static one.\n\nVerdict: %s. The largest is %s (%.0f MB).\n\n", mib(kOverlay), mib(kStatic), verdict(met), mib(worst), worst/1e6)
	b.sections = append(b.sections, sec.String())
	b.summary = append(b.summary, target{
		name:    "peak RSS of one render: at most 64 MB",
		figure:  fmt.Sprintf("%.0f MB (largest of render and KRM call, all platforms)", worst/1e6),
		verdict: verdict(met),
		section: "4",
	})
	return nil
}
