// Package build is "regprofile build DIR": kustomize's build of DIR
// (kustomize build --enable-alpha-plugins --enable-exec), with the
// regprofile function run in this process instead of as a process of its
// own, when the result is provably the same. Everything else, and every
// error kustomize words itself, goes through kustomize's own exec path.
//
// kustomize's API has no hook for an in-process KRM function, so the
// build is split where the function runs (see plan): the kustomization
// that runs it is built without it, the function runs on those
// resources exactly as kustomize's exec transformer would run it, and
// the rest of the tree is then built over the function's output. With no
// strategic-merge patch that reaches a Kubernetes kind, kyaml's built-in
// OpenAPI schema is not parsed at all: it is most of what a build costs.
package build

import (
	"bytes"
	"fmt"
	"io"
	"os"

	"github.com/spf13/pflag"
	"sigs.k8s.io/kustomize/kyaml/openapi"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"regprofile.dev/regprofile/internal/krm"
)

// Options change how a build runs, never what it prints.
type Options struct {
	// Stderr receives the function's messages (and kustomize's
	// warnings go to the process's own stderr, as in kustomize).
	Stderr io.Writer
	// OneBuild says that this process builds only once: kyaml's built-in
	// schema may then be suppressed for good when the build allows it.
	OneBuild bool
	// Exec forces kustomize's exec path (the reference the in-process
	// build is tested against).
	Exec bool
	// ExitStatus is a command that exits with the status given as its
	// last argument (regprofile build __exit): a failed in-process
	// function is replayed through it so that kustomize words the error.
	// Without it, a failed function sends the build to the exec path.
	ExitStatus []string
}

// Result is a build's output and how it was made.
type Result struct {
	YAML []byte
	// InProcess is true when the function ran in this process; Why says
	// otherwise why not.
	InProcess bool
	Why       string
}

// Build builds dir. An error is kustomize's (the CLI prints it as
// "Error: " and the message, and exits 1); the Result then says only how
// the build ran.
func Build(dir string, opts Options) (*Result, error) {
	if opts.Stderr == nil {
		opts.Stderr = os.Stderr
	}
	why := "exec path requested"
	if !opts.Exec {
		var p *plan
		if p, why = analyze(dir); p != nil {
			if opts.OneBuild && p.schemaSafe {
				openapi.SuppressBuiltInSchemaUse()
			}
			yml, err := buildInProcess(dir, p, opts)
			if fb, ok := err.(errFallback); ok {
				why = fb.why
				// Back to kyaml's defaults before kustomize runs again.
				openapi.ResetOpenAPI()
			} else {
				return &Result{YAML: yml, InProcess: true}, err
			}
		}
	}
	m, err := exactBuild(dir)
	if err != nil {
		return &Result{Why: why}, err
	}
	yml, err := m.AsYaml()
	return &Result{YAML: yml, Why: why}, err
}

func buildInProcess(dir string, p *plan, opts Options) ([]byte, error) {
	loc := newLocator(p)
	// The function's messages are held back until the build is known to
	// stay in process: on a fallback, the exec path prints them again.
	var msgs bytes.Buffer
	line := func(r *krm.Result) string {
		if where := loc.locate(r); where != "" {
			return krm.FormatResult(r, where)
		}
		return krm.ResultLine(r)
	}
	fn := function{
		text: func(stdin io.Reader, stdout io.Writer) int { return krm.Run(stdin, stdout, &msgs, line) },
		nodes: func(items []*yaml.RNode, functionConfig *yaml.RNode) ([]*yaml.RNode, int) {
			return krm.RunNodes(items, functionConfig, &msgs, line)
		},
	}
	m, err := fastBuild(dir, p, fn, opts.ExitStatus)
	if _, ok := err.(errFallback); ok {
		return nil, err
	}
	if _, werr := opts.Stderr.Write(msgs.Bytes()); werr != nil && err == nil {
		err = werr
	}
	if err != nil {
		return nil, err
	}
	return m.AsYaml()
}

// ExitCommand is the hidden argument under which "regprofile build" exits
// with the status that follows it, after reading its input.
const ExitCommand = "__exit"

// Run is the command line: regprofile build [--exec] [--explain] DIR.
func Run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 2 && args[0] == ExitCommand {
		_, _ = io.Copy(io.Discard, stdin)
		var code int
		fmt.Sscan(args[1], &code)
		return code
	}
	opts := Options{Stderr: stderr, OneBuild: true}
	if self, err := os.Executable(); err == nil {
		opts.ExitStatus = []string{self, "build", ExitCommand}
	}
	flags, exec, explain, help := NewFlags()
	if err := flags.Parse(args); err != nil {
		fmt.Fprintf(stderr, "regprofile build: %v\n\n%s%s", err, Usage, flags.FlagUsages())
		return 2
	}
	if *help {
		fmt.Fprint(stdout, Usage+flags.FlagUsages())
		return 0
	}
	opts.Exec = *exec
	dirs := flags.Args()
	if len(dirs) > 1 {
		fmt.Fprintf(stderr, "regprofile build: one directory at most\n\n%s%s", Usage, flags.FlagUsages())
		return 2
	}
	dir := "."
	if len(dirs) == 1 {
		dir = dirs[0]
	}
	res, err := Build(dir, opts)
	if *explain && res != nil {
		if res.InProcess {
			fmt.Fprintln(stderr, "regprofile build: the function ran in process")
		} else {
			fmt.Fprintf(stderr, "regprofile build: kustomize's exec path: %s\n", res.Why)
		}
	}
	if err != nil {
		fmt.Fprintf(stderr, "Error: %v\n", err)
		return 1
	}
	if _, err := stdout.Write(res.YAML); err != nil {
		fmt.Fprintf(stderr, "Error: %v\n", err)
		return 1
	}
	return 0
}

// Usage is regprofile build's help.
const Usage = `Usage: regprofile build [--explain] [--exec] [DIR]

Prints what "kustomize build --enable-alpha-plugins --enable-exec DIR"
prints, byte for byte, errors and exit status included, with the
regprofile function run inside this process when that gives the same
result (about the cost of a plain kustomize build), else through
kustomize's exec path. DIR defaults to the current directory.

The function's errors and warnings name the file and line that set the
field (the overlay's patch or the base), where kustomize can only name
the resource.

Flags:
`

// NewFlags declares regprofile build's flags; --help lists them all.
func NewFlags() (flags *pflag.FlagSet, exec, explain, help *bool) {
	flags = pflag.NewFlagSet("build", pflag.ContinueOnError)
	flags.SetOutput(io.Discard)
	exec = flags.Bool("exec", false, "always take kustomize's exec path")
	explain = flags.Bool("explain", false, "say on stderr which path the build took, and why")
	help = flags.BoolP("help", "h", false, "show this help")
	return flags, exec, explain, help
}
