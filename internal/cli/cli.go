// Package cli is the regprofile command: it renders OpenShift image registry configuration from a
// RegistryProfile. With no arguments it is a KRM function reading a
// ResourceList on stdin (kustomize, kpt); "render" renders a profile file.
package cli

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/spf13/pflag"

	"regprofile.dev/regprofile/fn/api/v1alpha1"
	"regprofile.dev/regprofile/internal/build"
	"regprofile.dev/regprofile/internal/diag"
	"regprofile.dev/regprofile/internal/krm"
	"regprofile.dev/regprofile/internal/platforms"
	"regprofile.dev/regprofile/internal/profile"
	"regprofile.dev/regprofile/internal/render"
)

const usageHead = `regprofile renders the OpenShift image registry's configuration from a
RegistryProfile (apiVersion regprofile.dev/v1alpha1).

Usage:
  regprofile                  KRM function: reads a ResourceList on stdin, writes one on
                              stdout (kustomize, kpt)
`

const usageTail = `  regprofile --version        its version and the kustomize version it is tested with
  regprofile --help           this help; regprofile help COMMAND, or COMMAND --help, a command's

As a KRM function, the profile is the functionConfig (a kustomize generator)
or an input item (a kustomize transformer whose functionConfig is a
RegistryProfileTransformer); every other input item passes through unchanged.

Platforms: %s

Exit status: 0 rendered (warnings are printed to stderr), 1 the profile has
errors (each printed to stderr with its file, line and field path; nothing is
written to stdout by render), 2 wrong usage.
`

// Main runs regprofile with its arguments (without the program name) and
// returns the exit status.
func Main(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		switch args[0] {
		case "render":
			return renderCmd(args[1:], stdin, stdout, stderr)
		case "install":
			return installCmd(args[1:], stdout, stderr)
		case "emit":
			return emitCmd(args[1:], stdin, stdout, stderr)
		case "import":
			return importCmd(args[1:], stdin, stdout, stderr)
		case "leftovers":
			return leftoversCmd(args[1:], stdin, stdout, stderr)
		case "build":
			return build.Run(args[1:], stdin, stdout, stderr)
		case "help":
			return helpCmd(args[1:], stdin, stdout, stderr)
		case "completion":
			return completionCmd(args[1:], stdout, stderr)
		}
		if code, found := dispatch(args[0], args[1:], stdin, stdout, stderr); found {
			return code
		}
		if _, known := findCommand(args[0]); known {
			fmt.Fprintf(stderr, "regprofile: regprofile-%s is neither beside regprofile nor on PATH; fix: make build, or make install\n", args[0])
			return 1
		}
		fmt.Fprintf(stderr, "regprofile: unknown command %q (no regprofile-%s beside regprofile or on PATH)\n\n", args[0], args[0])
		printUsage(stderr)
		return 2
	}
	flags := newFlags("regprofile")
	showVersion := flags.Bool("version", false, "print the version, and the kustomize version regprofile is tested with")
	if err := flags.Parse(args); err != nil {
		fmt.Fprintf(stderr, "regprofile: %v\n\n", err)
		printUsage(stderr)
		return 2
	}
	if help, _ := flags.GetBool("help"); help {
		printUsage(stdout)
		return 0
	}
	if *showVersion {
		fmt.Fprint(stdout, versionText())
		return 0
	}
	return krmCmd(stdin, stdout, stderr)
}

func printUsage(w io.Writer) {
	fmt.Fprint(w, usageHead)
	for _, c := range commands() {
		line := "regprofile " + c.name + " " + c.args
		if len(line) > 26 {
			fmt.Fprintf(w, "  %s\n  %-26s  %s\n", line, "", c.summary)
		} else {
			fmt.Fprintf(w, "  %-26s  %s\n", line, c.summary)
		}
	}
	fmt.Fprintf(w, usageTail, strings.Join(platforms.Names(), ", "))
}

// krmCmd runs the KRM function.
func krmCmd(stdin io.Reader, stdout, stderr io.Writer) int {
	return krm.Run(stdin, stdout, stderr, nil)
}

func renderFlags() (*pflag.FlagSet, *string) {
	flags := newFlags("render")
	platform := flags.String("platform", "", "platform to render; overrides spec.platform ("+strings.Join(platforms.Names(), ", ")+")")
	return flags, platform
}

func renderCmd(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	flags, platform := renderFlags()
	err := flags.Parse(args)
	if help, _ := flags.GetBool("help"); help && err == nil {
		c, _ := findCommand("render")
		fmt.Fprint(stdout, commandUsage(c))
		return 0
	}
	if err == nil && flags.NArg() == 0 {
		err = errors.New("render takes a profile file, and patches of it")
	}
	if err != nil {
		c, _ := findCommand("render")
		fmt.Fprintf(stderr, "regprofile render: %v\n\n%s", err, commandUsage(c))
		return 2
	}
	srcs, fs := readSources(flags.Args(), stdin)
	if fs.HasErrors() {
		printFindings(stderr, "", fs)
		return 1
	}
	out, fs := renderSources(srcs, render.Options{Platform: *platform})
	printFindings(stderr, srcs[0].Name, fs)
	if fs.HasErrors() {
		return 1
	}
	if _, err := stdout.Write(out); err != nil {
		fmt.Fprintf(stderr, "regprofile: error: %v\n", err)
		return 1
	}
	return 0
}

// readSources reads a profile file and its patches, each within the size
// limit (profile.ReadFile); "-" is stdin, for the profile only. Findings
// name the file they are about.
func readSources(files []string, stdin io.Reader) ([]profile.Source, diag.Findings) {
	var srcs []profile.Source
	for i, file := range files {
		if file == "-" && i > 0 {
			return nil, diag.Findings{diag.Errorf("", "pass the profile on stdin and every patch as a file",
				`only the profile, the first file, can be "-" (stdin)`)}
		}
		data, fs := profile.ReadFile(file, stdin)
		if file == "-" {
			file = "<stdin>"
		}
		if fs.HasErrors() {
			for j := range fs {
				fs[j].File = file
			}
			return nil, fs
		}
		srcs = append(srcs, profile.Source{Name: file, Data: data})
	}
	return srcs, nil
}

// renderSources decodes a profile with its patches and renders it; the
// findings carry their file and line.
func renderSources(srcs []profile.Source, opts render.Options) ([]byte, diag.Findings) {
	prof, fs := profile.DecodeSources(srcs)
	if fs.HasErrors() {
		return nil, fs
	}
	out, more := renderProfile(prof, opts)
	return out, append(fs, profile.Locate(srcs, more)...)
}

// renderProfile renders a profile to a YAML stream. Everything is built
// before anything is returned: on any error there is no output at all.
func renderProfile(prof *v1alpha1.RegistryProfile, opts render.Options) ([]byte, diag.Findings) {
	objs, fs := render.Render(prof, opts)
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
		if f.File != "" {
			at = f.File
		}
		if f.Line > 0 {
			at += ":" + strconv.Itoa(f.Line)
		}
		fmt.Fprintln(w, f.Report(at))
	}
}
