// Command regprofile renders OpenShift image registry configuration from a
// RegistryProfile. With no arguments it is a KRM function reading a
// ResourceList on stdin (kustomize, kpt); "render" renders a profile file.
package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/spf13/pflag"
	"sigs.k8s.io/kustomize/kyaml/fn/framework"
	"sigs.k8s.io/kustomize/kyaml/kio"

	"regprofile.dev/regprofile/fn/diag"
	"regprofile.dev/regprofile/fn/krm"
	"regprofile.dev/regprofile/fn/platforms"
	"regprofile.dev/regprofile/fn/profile"
	"regprofile.dev/regprofile/fn/render"
)

const usage = `regprofile renders the OpenShift image registry's configuration from a
RegistryProfile (apiVersion regprofile.dev/v1alpha1).

Usage:
  regprofile                               KRM function: reads a ResourceList on stdin,
                                           writes one on stdout (kustomize, kpt)
  regprofile render [--platform P] FILE    render a profile file to stdout ("-" reads stdin)
  regprofile install [--kustomize K] DIR   copy regprofile and kustomize into DIR (Argo CD sidecar)
  regprofile emit --out DIR FILE           write every platform's render as plain kustomize
  regprofile diff [--base R] [--head R]    what a change renders differently, risks first (regprofile-diff)
  regprofile argocd [--repo URL ...]       the ApplicationSet, plugin, sidecar, health checks, RBAC (regprofile-argocd)
  regprofile --help                        this help

As a KRM function, the profile is the functionConfig (a kustomize generator)
or an input item (a kustomize transformer whose functionConfig is a
RegistryProfileTransformer); every other input item passes through unchanged.

Platforms: %s

Exit status: 0 rendered (warnings are printed to stderr), 1 the profile has
errors (each printed to stderr with its file and field path; nothing is
written to stdout by render), 2 wrong usage.
`

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		switch args[0] {
		case "render":
			return renderCmd(args[1:], stdin, stdout, stderr)
		case "install":
			return installCmd(args[1:], stdout, stderr)
		case "emit":
			return emitCmd(args[1:], stdin, stdout, stderr)
		}
		if code, found := dispatch(args[0], args[1:], stdin, stdout, stderr); found {
			return code
		}
		fmt.Fprintf(stderr, "regprofile: unknown command %q (no regprofile-%s beside regprofile or on PATH)\n\n", args[0], args[0])
		printUsage(stderr)
		return 2
	}
	flags := pflag.NewFlagSet("regprofile", pflag.ContinueOnError)
	flags.SetOutput(io.Discard)
	help := flags.BoolP("help", "h", false, "show help")
	if err := flags.Parse(args); err != nil {
		fmt.Fprintf(stderr, "regprofile: %v\n\n", err)
		printUsage(stderr)
		return 2
	}
	if *help {
		printUsage(stdout)
		return 0
	}
	return krmCmd(stdin, stdout, stderr)
}

func printUsage(w io.Writer) {
	fmt.Fprintf(w, usage, strings.Join(platforms.Names(), ", "))
}

// krmCmd runs the KRM function. Results go in the returned ResourceList and,
// since kustomize shows only stderr, to stderr as well.
func krmCmd(stdin io.Reader, stdout, stderr io.Writer) int {
	var results framework.Results
	proc := framework.ResourceListProcessorFunc(func(rl *framework.ResourceList) error {
		err := krm.Processor{}.Process(rl)
		results = rl.Results
		return err
	})
	err := framework.Execute(proc, &kio.ByteReadWriter{Reader: stdin, Writer: stdout, KeepReaderAnnotations: true})
	for _, r := range results {
		fmt.Fprintln(stderr, resultLine(r))
	}
	if err != nil {
		if !errors.As(err, new(framework.Results)) {
			// kyaml refused the input before the function saw it; its
			// message runs on with the node's contents, which may be large.
			first, _, _ := strings.Cut(err.Error(), "\n")
			fmt.Fprintf(stderr, "regprofile: error: reading the ResourceList: %s; fix: make every item a Kubernetes object whose metadata is a map\n", strings.TrimSuffix(first, ": node contents:"))
		}
		return 1
	}
	return 0
}

func resultLine(r *framework.Result) string {
	var b strings.Builder
	b.WriteString("regprofile: " + string(r.Severity) + ": ")
	switch {
	case r.File != nil && r.File.Path != "":
		b.WriteString(r.File.Path + ": ")
	case r.ResourceRef != nil:
		b.WriteString(r.ResourceRef.Kind + "/" + r.ResourceRef.Name + ": ")
	}
	if r.Field != nil && r.Field.Path != "" {
		b.WriteString(r.Field.Path + ": ")
	}
	b.WriteString(r.Message)
	return b.String()
}

func renderCmd(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	flags := pflag.NewFlagSet("render", pflag.ContinueOnError)
	flags.SetOutput(io.Discard)
	platform := flags.String("platform", "", "platform to render; overrides spec.platform ("+strings.Join(platforms.Names(), ", ")+")")
	if err := flags.Parse(args); err != nil || flags.NArg() != 1 {
		if err == nil {
			err = errors.New("render takes exactly one profile file")
		}
		fmt.Fprintf(stderr, "regprofile render: %v\n\nUsage: regprofile render [--platform P] FILE\n%s", err, flags.FlagUsages())
		return 2
	}
	file := flags.Arg(0)
	var data []byte
	var err error
	if file == "-" {
		data, err = io.ReadAll(stdin)
		file = "<stdin>"
	} else {
		data, err = os.ReadFile(file)
	}
	if err != nil {
		fmt.Fprintf(stderr, "regprofile: error: %v\n", err)
		return 1
	}
	out, fs := renderFile(data, render.Options{Platform: *platform})
	printFindings(stderr, file, profile.Lines(data, fs))
	if fs.HasErrors() {
		return 1
	}
	if _, err := stdout.Write(out); err != nil {
		fmt.Fprintf(stderr, "regprofile: error: %v\n", err)
		return 1
	}
	return 0
}

// renderFile renders a profile file to a YAML stream. Everything is built
// before anything is returned: on any error there is no output at all.
func renderFile(data []byte, opts render.Options) ([]byte, diag.Findings) {
	prof, fs := profile.DecodeBytes(data)
	if fs.HasErrors() {
		return nil, fs
	}
	objs, more := render.Render(prof, opts)
	fs = append(fs, more...)
	if fs.HasErrors() {
		return nil, fs
	}
	var out bytes.Buffer
	for i, o := range objs {
		rn, err := o.RNode()
		if err != nil {
			return nil, append(fs, diag.Errorf("", "", "%v", err))
		}
		if i > 0 {
			out.WriteString("---\n")
		}
		out.WriteString(rn.MustString())
	}
	return out.Bytes(), fs
}

// printFindings prints each finding as "regprofile: SEVERITY: FILE:LINE:
// PATH: MESSAGE; fix: FIX", without the line when it is not known.
func printFindings(w io.Writer, file string, fs diag.Findings) {
	for _, f := range fs.Sorted() {
		at := file
		if f.Line > 0 {
			at += ":" + strconv.Itoa(f.Line)
		}
		fmt.Fprintf(w, "regprofile: %s: %s: %s\n", f.Severity, at, f.Text())
	}
}
