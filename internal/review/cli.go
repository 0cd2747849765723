// The command line of regprofile-diff (fn/cmd/regprofile-diff) is "regprofile diff": it renders a repository's
// overlays (or profiles) at two git revisions and prints what changes,
// overlay by overlay and resource by resource, with risk flags first. It
// is a binary of its own because it links a YAML differ and kustomize,
// which the main regprofile binary must not load on every start.

package review

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/pflag"
	"golang.org/x/term"
)

const usage = `Usage: regprofile diff [flags] [PROFILE.yaml | OVERLAY_DIR ...]

Renders at two git revisions and prints what changes, by overlay and by
resource (added, removed, changed, and field by field), with risk flags
first: a storage backend switch, a change Kubernetes refuses on a claim,
the registry or its pruner removed, several replicas on a ReadWriteOnce
volume, a new credentials source, a changed route hostname, emptyDir.

What is rendered:
  no arguments   every overlays/<name>/ of the repository that holds a
                 kustomization, at either revision, through kustomize (in
                 process, exec functions enabled: regprofile runs as the
                 transformer, found beside regprofile-diff or on PATH)
  OVERLAY_DIR    that kustomize directory, the same way
  PROFILE.yaml   that profile, in process, for every platform it names

The base is the merge base of HEAD with the default branch unless --base
says otherwise; the head is the working tree (uncommitted changes
included) unless --head names a revision. Revisions are read with git
archive, so the work tree is never touched.

Exit status: 0 no change, 1 changes, 2 error (nothing on stdout).

Flags:
`

// options are regprofile diff's flags.
type options struct {
	base, head, format, colour *string
	maxBytes                   *int
	help                       *bool
}

// newFlags declares every flag; --help lists them all (a test checks).
func newFlags() (*pflag.FlagSet, options) {
	flags := pflag.NewFlagSet("diff", pflag.ContinueOnError)
	flags.SetOutput(io.Discard)
	return flags, options{
		base:     flags.String("base", "", "base revision (default: the merge base of HEAD with the default branch)"),
		head:     flags.String("head", "", "head revision (default: the working tree)"),
		format:   flags.String("format", "text", "output format: text, markdown or json"),
		colour:   flags.String("color", "auto", "colour the text format: auto (on a terminal, unless NO_COLOR is set), always or never"),
		maxBytes: flags.Int("max-bytes", DefaultMaxMarkdown, "markdown only: leave out details beyond this size (the risks and the summary always stay)"),
		help:     flags.BoolP("help", "h", false, "show this help"),
	}
}

// Main runs "regprofile diff" with its arguments and returns the exit status.
func Main(args []string, stdout, stderr io.Writer) int {
	flags, o := newFlags()
	base, head, format, colour, maxBytes, help := o.base, o.head, o.format, o.colour, o.maxBytes, o.help
	err := flags.Parse(args)
	if err == nil && !oneOf(*format, "text", "markdown", "json") {
		err = fmt.Errorf("--format %q: use text, markdown or json", *format)
	}
	if err == nil && !oneOf(*colour, "auto", "always", "never") {
		err = fmt.Errorf("--color %q: use auto, always or never", *colour)
	}
	if *help {
		fmt.Fprint(stdout, usage+flags.FlagUsages())
		return 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "regprofile diff: %v\n\n%s%s", err, usage, flags.FlagUsages())
		return 2
	}

	rep, err := compare(*base, *head, flags.Args())
	if err != nil {
		fmt.Fprintf(stderr, "regprofile diff: error: %v\n", err)
		return 2
	}
	switch *format {
	case "json":
		err = WriteJSON(stdout, rep)
	case "markdown":
		err = WriteMarkdown(stdout, rep, *maxBytes)
	default:
		err = WriteText(stdout, rep, useColour(*colour, stdout))
	}
	if err != nil {
		fmt.Fprintf(stderr, "regprofile diff: error: %v\n", err)
		return 2
	}
	if rep.HasChanges() {
		return 1
	}
	return 0
}

// compare renders both revisions and compares them.
func compare(baseRev, headRev string, args []string) (*Report, error) {
	cwd, err := os.Getwd()
	if err != nil {
		return nil, err
	}
	root, err := Git(cwd, "rev-parse", "--show-toplevel")
	if err != nil {
		return nil, fmt.Errorf("%v; fix: run regprofile diff inside a git repository", err)
	}
	// git resolves symbolic links in the root; so must the paths given.
	if resolved, err := filepath.EvalSymlinks(cwd); err == nil {
		cwd = resolved
	}
	baseLabel := shortRev(baseRev)
	if baseRev == "" {
		if baseRev, baseLabel, err = DefaultBase(root); err != nil {
			return nil, err
		}
	}
	tmp, err := os.MkdirTemp("", "regprofile-diff-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	baseTree := filepath.Join(tmp, "base")
	if err := Checkout(root, baseRev, baseTree); err != nil {
		return nil, fmt.Errorf("base: %w", err)
	}
	headTree, headLabel := root, "working tree"
	if headRev != "" {
		headTree, headLabel = filepath.Join(tmp, "head"), shortRev(headRev)
		if err := Checkout(root, headRev, headTree); err != nil {
			return nil, fmt.Errorf("head: %w", err)
		}
	}
	targets, err := Targets(root, cwd, args, baseTree, headTree)
	if err != nil {
		return nil, err
	}
	findSiblingFunction()
	b, err := RenderTree(baseTree, targets)
	if err != nil {
		return nil, fmt.Errorf("rendering the base (%s): %w", baseLabel, err)
	}
	h, err := RenderTree(headTree, targets)
	if err != nil {
		return nil, fmt.Errorf("rendering the head (%s): %w", headLabel, err)
	}
	return Compare(b, h, baseLabel, headLabel)
}

// shortRev shortens a full commit hash for reports, as git log does.
func shortRev(rev string) string {
	if len(rev) == 40 && strings.Trim(rev, "0123456789abcdef") == "" {
		return rev[:12]
	}
	return rev
}

// findSiblingFunction puts this binary's directory first on PATH when the
// regprofile function is there, so that kustomize runs the regprofile
// this one was built and installed with.
func findSiblingFunction() {
	self, err := os.Executable()
	if err != nil {
		return
	}
	dir := filepath.Dir(self)
	if _, err := os.Stat(filepath.Join(dir, "regprofile")); err == nil {
		os.Setenv("PATH", dir+string(os.PathListSeparator)+os.Getenv("PATH"))
	}
}

func useColour(mode string, w io.Writer) bool {
	switch mode {
	case "always":
		return true
	case "never":
		return false
	}
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd())) && os.Getenv("NO_COLOR") == "" && os.Getenv("TERM") != "dumb"
}

func oneOf(s string, options ...string) bool {
	for _, o := range options {
		if s == o {
			return true
		}
	}
	return false
}
