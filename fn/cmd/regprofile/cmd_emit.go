package main

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/spf13/pflag"

	"regprofile.dev/regprofile/fn/emit"
	"regprofile.dev/regprofile/fn/profile"
)

const emitUsage = `Usage: regprofile emit --out DIR [--force] PROFILE

Writes what PROFILE renders on every platform it names (the keys of
spec.platforms, and spec.platform) as plain kustomize, for teams that commit
rendered manifests:
  DIR/bases/                the resources every platform renders the same
  DIR/overlays/<platform>/  each platform's other resources, over ../../bases
"kustomize build DIR/overlays/<platform>" needs no plugins and prints the
same bytes as the function does for that platform through kustomize.

DIR/.regprofile-emit lists the files emit wrote, with their SHA-256. A re-run
replaces and removes only those, and only while unchanged; a file it did not
write, or one edited since, makes it refuse unless --force. Writing is all or
nothing: on any error DIR is left as it was. PROFILE "-" reads stdin.

Flags:
`

// emitCmd runs "regprofile emit". Exit status: 0 written, 1 the profile has
// errors or the tree could not be written (nothing was), 2 wrong usage.
func emitCmd(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	flags := pflag.NewFlagSet("emit", pflag.ContinueOnError)
	flags.SetOutput(io.Discard)
	out := flags.String("out", "", "directory to write the tree into (required)")
	force := flags.Bool("force", false, "overwrite files emit did not write, or that changed since it wrote them")
	err := flags.Parse(args)
	if errors.Is(err, pflag.ErrHelp) {
		fmt.Fprint(stdout, emitUsage+flags.FlagUsages())
		return 0
	}
	if err != nil || flags.NArg() != 1 || *out == "" {
		switch {
		case err != nil:
		case *out == "":
			err = errors.New("--out DIR is required")
		default:
			err = errors.New("emit takes exactly one profile file")
		}
		fmt.Fprintf(stderr, "regprofile emit: %v\n\n%s%s", err, emitUsage, flags.FlagUsages())
		return 2
	}
	file, source := flags.Arg(0), flags.Arg(0)
	var data []byte
	if file == "-" {
		data, err = io.ReadAll(stdin)
		file, source = "<stdin>", "standard input"
	} else {
		data, err = os.ReadFile(file)
	}
	if err != nil {
		fmt.Fprintf(stderr, "regprofile: error: %v\n", err)
		return 1
	}
	prof, fs := profile.DecodeBytes(data)
	if !fs.HasErrors() {
		var rendered []emit.Rendered
		rendered, fs = emit.RenderAll(prof)
		fs = profile.Lines(data, fs)
		if !fs.HasErrors() {
			printFindings(stderr, file, fs)
			return writeTree(*out, rendered, source, emit.Options{Force: *force}, stdout, stderr)
		}
	}
	printFindings(stderr, file, fs)
	return 1
}

func writeTree(dir string, rendered []emit.Rendered, source string, opts emit.Options, stdout, stderr io.Writer) int {
	tree, err := emit.Build(rendered, source)
	if err == nil {
		var sum emit.Summary
		sum, err = emit.Write(dir, tree, opts)
		if err == nil {
			fmt.Fprintf(stdout, "regprofile emit: %s: platforms %s; %d files written, %d unchanged, %d removed\n",
				dir, emit.PlatformNames(rendered), len(sum.Written), len(sum.Unchanged), len(sum.Removed))
			return 0
		}
	}
	fmt.Fprintf(stderr, "regprofile: error: %v\n", err)
	return 1
}
