package cli

import (
	"errors"
	"fmt"
	"io"
	"os/exec"
	"regexp"
	"sort"
	"strings"

	"github.com/spf13/pflag"

	"regprofile.dev/regprofile/internal/version"
)

// command is one regprofile command. The usage, regprofile help, every
// --help and shell completion are all read from this one table.
type command struct {
	name    string
	args    string // what follows the flags in the usage line
	summary string
	// flags returns the command's flag set, for --help and completion; nil
	// for a command run by regprofile-<name>, which documents its own.
	flags func() *pflag.FlagSet
}

func commands() []command {
	return []command{
		{"render", "[--platform P] FILE [PATCH ...]", "render a profile file to stdout (\"-\" reads stdin); each PATCH is merged over it as kustomize patches do",
			func() *pflag.FlagSet { f, _ := renderFlags(); return f }},
		{"emit", "--out DIR [--force] FILE [PATCH ...]", "write every platform's render as plain kustomize (each PATCH, such as an overlay's profile.yaml, over FILE)",
			func() *pflag.FlagSet { f, _, _ := emitFlags(); return f }},
		{"install", "[--kustomize PATH] DIR", "copy regprofile and kustomize into DIR (Argo CD sidecar)",
			func() *pflag.FlagSet { f, _ := installFlags(); return f }},
		{"import", "[--platform P] [--cluster P=FILE,...] FILE...", "a profile from a running registry's objects (oc get -o yaml; docs/adopt.md)",
			func() *pflag.FlagSet { f, _ := importFlags(); return f }},
		{"leftovers", "[--platform P] PROFILE LIVE...", "live fields server-side apply would leave, their owners, and the fix (docs/adopt.md)",
			func() *pflag.FlagSet { f, _ := leftoversFlags(); return f }},
		{"build", "[DIR]", "kustomize build of an overlay with the function in process; the same bytes as kustomize build --enable-alpha-plugins --enable-exec", nil},
		{"diff", "[--base R] [--head R]", "what a change renders differently, risks first (runs regprofile-diff)", nil},
		{"argocd", "[--repo URL ...]", "the ApplicationSet, plugin, sidecar, health checks, RBAC (runs regprofile-argocd)", nil},
		{"help", "[COMMAND]", "this help, or a command's", func() *pflag.FlagSet { return newFlags("help") }},
		{"completion", "bash|zsh|fish", "print a shell completion script: source <(regprofile completion bash)",
			func() *pflag.FlagSet { return newFlags("completion") }},
	}
}

func findCommand(name string) (command, bool) {
	for _, c := range commands() {
		if c.name == name {
			return c, true
		}
	}
	return command{}, false
}

// newFlags returns an empty flag set for a command, with --help.
func newFlags(name string) *pflag.FlagSet {
	flags := pflag.NewFlagSet(name, pflag.ContinueOnError)
	flags.SetOutput(io.Discard)
	flags.BoolP("help", "h", false, "show this help")
	return flags
}

// commandUsage is a command's usage line and every one of its flags.
func commandUsage(c command) string {
	return fmt.Sprintf("Usage: regprofile %s %s\n\n%s.\n\nFlags:\n%s", c.name, c.args, upperFirst(c.summary), c.flags().FlagUsages())
}

func upperFirst(s string) string { return strings.ToUpper(s[:1]) + s[1:] }

// helpCmd runs "regprofile help [COMMAND]".
func helpCmd(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	flags := newFlags("help")
	if err := flags.Parse(args); err != nil || flags.NArg() > 1 {
		fmt.Fprintf(stderr, "regprofile help: takes at most one command\n\n")
		printUsage(stderr)
		return 2
	}
	if flags.NArg() == 0 {
		printUsage(stdout)
		return 0
	}
	c, ok := findCommand(flags.Arg(0))
	if !ok {
		fmt.Fprintf(stderr, "regprofile help: unknown command %q\n\n", flags.Arg(0))
		printUsage(stderr)
		return 2
	}
	if c.flags == nil { // the command words its own help
		return Main([]string{c.name, "--help"}, stdin, stdout, stderr)
	}
	fmt.Fprint(stdout, commandUsage(c))
	return 0
}

// versionText is what --version prints.
func versionText() string {
	return fmt.Sprintf("regprofile %s\nkustomize %s (the version regprofile is tested with; make tools installs it)\n", version.Regprofile(), version.Kustomize())
}

// completionCmd prints a completion script for bash, zsh or fish.
func completionCmd(args []string, stdout, stderr io.Writer) int {
	flags := newFlags("completion")
	err := flags.Parse(args)
	if help, _ := flags.GetBool("help"); help && err == nil {
		c, _ := findCommand("completion")
		fmt.Fprint(stdout, commandUsage(c))
		return 0
	}
	if err == nil && (flags.NArg() != 1 || !oneOf(flags.Arg(0), "bash", "zsh", "fish")) {
		err = errors.New("name one shell: bash, zsh or fish")
	}
	if err != nil {
		fmt.Fprintf(stderr, "regprofile completion: %v\n", err)
		return 2
	}
	tree := completionTree()
	switch flags.Arg(0) {
	case "bash":
		fmt.Fprint(stdout, bashCompletion(tree))
	case "zsh":
		fmt.Fprint(stdout, "#compdef regprofile\nautoload -U +X bashcompinit && bashcompinit\n"+bashCompletion(tree))
	case "fish":
		fmt.Fprint(stdout, fishCompletion(tree))
	}
	return 0
}

func oneOf(s string, choices ...string) bool {
	for _, c := range choices {
		if s == c {
			return true
		}
	}
	return false
}

// completed is what completion offers after a command path ("" is
// regprofile itself, "argocd sidecar" a subcommand of a helper).
type completed struct {
	path  string
	words []string // subcommands and flags
}

var (
	helpFlag = regexp.MustCompile(`(?m)^\s+(?:-[a-zA-Z], )?(--[a-z0-9][a-z0-9-]*)`)
	helpSub  = regexp.MustCompile(`(?m)^\s+regprofile (\w+) ([a-z][a-z0-9-]*)\b`)
)

// completionTree lists every command and its flags: regprofile's own from
// the table, a helper's (regprofile-diff, regprofile-argocd) from its
// --help, when the helper is installed.
func completionTree() []completed {
	top := completed{path: "", words: []string{"--help", "--version"}}
	var out []completed
	for _, c := range commands() {
		top.words = append(top.words, c.name)
		if c.flags != nil {
			var words []string
			c.flags().VisitAll(func(f *pflag.Flag) { words = append(words, "--"+f.Name) })
			if c.name == "help" {
				for _, o := range commands() {
					words = append(words, o.name)
				}
			}
			if c.name == "completion" {
				words = append(words, "bash", "zsh", "fish")
			}
			out = append(out, completed{c.name, words})
			continue
		}
		path, err := helperBinary(c.name)
		if err != nil {
			continue
		}
		help := helperHelp(path)
		words := flagsIn(help)
		for _, m := range helpSub.FindAllStringSubmatch(help, -1) {
			if m[1] != c.name || oneOf(m[2], words...) {
				continue
			}
			words = append(words, m[2])
			out = append(out, completed{c.name + " " + m[2], flagsIn(helperHelp(path, m[2]))})
		}
		out = append(out, completed{c.name, words})
	}
	out = append(out, top)
	sort.Slice(out, func(i, j int) bool { return out[i].path < out[j].path })
	return out
}

func helperHelp(path string, args ...string) string {
	out, _ := exec.Command(path, append(args, "--help")...).Output()
	return string(out)
}

func flagsIn(help string) []string {
	var words []string
	for _, m := range helpFlag.FindAllStringSubmatch(help, -1) {
		if !oneOf(m[1], words...) {
			words = append(words, m[1])
		}
	}
	return words
}

// bashCompletion completes the deepest command path the words typed so far
// name, then offers its subcommands and flags, or files.
func bashCompletion(tree []completed) string {
	var b strings.Builder
	b.WriteString("# regprofile completion for bash: source <(regprofile completion bash)\n")
	b.WriteString("_regprofile() {\n  local cur=\"${COMP_WORDS[COMP_CWORD]}\" path=\"\" w i\n")
	b.WriteString("  for ((i = 1; i < COMP_CWORD; i++)); do\n    w=\"${COMP_WORDS[i]}\"\n    case \"$w\" in -*) continue ;; esac\n")
	b.WriteString("    case \"${path:+$path }$w\" in\n")
	for _, c := range tree {
		if c.path != "" {
			fmt.Fprintf(&b, "      %q) path=%q ;;\n", c.path, c.path)
		}
	}
	b.WriteString("    esac\n  done\n  local words\n  case \"$path\" in\n")
	for _, c := range tree {
		fmt.Fprintf(&b, "    %q) words=%q ;;\n", c.path, strings.Join(c.words, " "))
	}
	b.WriteString("  esac\n  COMPREPLY=($(compgen -W \"$words\" -- \"$cur\"))\n")
	b.WriteString("  if [[ ${#COMPREPLY[@]} -eq 0 && \"$cur\" != -* ]]; then COMPREPLY=($(compgen -f -- \"$cur\")); fi\n}\n")
	b.WriteString("complete -o filenames -F _regprofile regprofile\n")
	return b.String()
}

// fishCompletion offers each command path's words once that path is typed.
func fishCompletion(tree []completed) string {
	var b strings.Builder
	b.WriteString("# regprofile completion for fish: regprofile completion fish | source\n")
	b.WriteString("function __regprofile_at --description 'the command path typed so far is $argv'\n")
	b.WriteString("    set -l path\n    for w in (commandline -opc)[2..-1]\n        string match -q -- '-*' $w; and continue\n        set -a path $w\n    end\n")
	b.WriteString("    test \"$path\" = \"$argv[1]\"\nend\n")
	for _, c := range tree {
		for _, w := range c.words {
			cond := fmt.Sprintf("__regprofile_at %q", c.path)
			if strings.HasPrefix(w, "--") {
				fmt.Fprintf(&b, "complete -c regprofile -n '%s' -l %s\n", cond, strings.TrimPrefix(w, "--"))
			} else {
				fmt.Fprintf(&b, "complete -c regprofile -n '%s' -f -a %s\n", cond, w)
			}
		}
	}
	return b.String()
}
