package cli

import (
	"errors"
	"fmt"
	"io"
	"slices"

	"github.com/spf13/pflag"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"regprofile.dev/regprofile/fn/api/v1alpha1"
	"regprofile.dev/regprofile/internal/diag"
	"regprofile.dev/regprofile/internal/emit"
	"regprofile.dev/regprofile/internal/layout"
	"regprofile.dev/regprofile/internal/profile"
	"regprofile.dev/regprofile/internal/render"
)

const emitUsage = `Usage: regprofile emit --out DIR [--force] PROFILE [PATCH ...]

Writes what PROFILE renders on every platform it names (the keys of
spec.platforms, and spec.platform) as plain kustomize, for teams that commit
rendered manifests. Each PATCH is merged over PROFILE as kustomize merges an
overlay's patches, so this repository's layout is

  regprofile emit --out rendered bases/registryprofile.yaml overlays/*/profile.yaml

A PATCH may set only spec.platform and spec.platforms.<platform> (and the
profile's identity), since every PATCH is merged into the one profile. emit writes:
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

func emitFlags() (*pflag.FlagSet, *string, *bool) {
	flags := newFlags("emit")
	out := flags.String("out", "", "directory to write the tree into (required)")
	force := flags.Bool("force", false, "overwrite files emit did not write, or that changed since it wrote them")
	return flags, out, force
}

// emitCmd runs "regprofile emit". Exit status: 0 written, 1 the profile has
// errors or the tree could not be written (nothing was), 2 wrong usage.
func emitCmd(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	flags, out, force := emitFlags()
	err := flags.Parse(args)
	if help, _ := flags.GetBool("help"); help && err == nil {
		fmt.Fprint(stdout, emitUsage+flags.FlagUsages())
		return 0
	}
	if err == nil && flags.NArg() == 0 {
		err = errors.New("emit takes a profile file, and patches of it")
	}
	if err == nil && *out == "" {
		err = errors.New("--out DIR is required")
	}
	if err != nil {
		fmt.Fprintf(stderr, "regprofile emit: %v\n\n%s%s", err, emitUsage, flags.FlagUsages())
		return 2
	}
	srcs, fs := readSources(flags.Args(), stdin)
	if fs.HasErrors() {
		printFindings(stderr, "", fs)
		return 1
	}
	source := srcs[0].Name
	if source == "<stdin>" {
		source = "standard input"
	}
	for _, s := range srcs[1:] {
		source += " + " + s.Name
	}
	fs = platformOnlyPatches(srcs)
	var prof *v1alpha1.RegistryProfile
	if !fs.HasErrors() {
		prof, fs = profile.DecodeSources(srcs)
	}
	if !fs.HasErrors() {
		var rendered []render.Rendered
		rendered, fs = render.All(prof)
		fs = profile.Locate(srcs, fs)
		if !fs.HasErrors() {
			printFindings(stderr, srcs[0].Name, fs)
			return writeTree(*out, rendered, source, emit.Options{Force: *force}, stdout, stderr)
		}
	}
	printFindings(stderr, srcs[0].Name, fs)
	return 1
}

// platformOnlyPatches refuses a patch that sets anything but its platform:
// merged into the one profile, it would change every platform's render.
func platformOnlyPatches(srcs []profile.Source) diag.Findings {
	var fs diag.Findings
	for _, s := range srcs[1:] {
		node, bad := profile.ParseDocument(s.Data)
		if bad != nil {
			continue // DecodeSources reports it
		}
		check := func(n *yaml.RNode, path string, allowed ...string) {
			if n == nil || n.YNode().Kind != yaml.MappingNode {
				return
			}
			c := n.YNode().Content
			for i := 0; i+1 < len(c); i += 2 {
				if !slices.Contains(allowed, c[i].Value) {
					f := diag.Errorf(path+c[i].Value, "move it under spec.platforms.<platform>, or render this overlay with kustomize build",
						"emit merges every patch into one profile, so this would apply to every platform; a patch may set only spec.platform and spec.platforms")
					f.File, f.Line = s.Name, c[i].Line
					fs = append(fs, f)
				}
			}
		}
		check(node, "", "apiVersion", "kind", "metadata", "spec")
		spec, _ := node.Pipe(yaml.Lookup("spec"))
		check(spec, "spec.", "platform", "platforms")
	}
	return fs
}

func writeTree(dir string, rendered []render.Rendered, source string, opts emit.Options, stdout, stderr io.Writer) int {
	tree, err := layout.Build(rendered, source)
	if err == nil {
		var sum emit.Summary
		sum, err = emit.Write(dir, tree, opts)
		if err == nil {
			fmt.Fprintf(stdout, "regprofile emit: %s: platforms %s; %d files written, %d unchanged, %d removed\n",
				dir, layout.PlatformNames(rendered), len(sum.Written), len(sum.Unchanged), len(sum.Removed))
			return 0
		}
	}
	fmt.Fprintf(stderr, "regprofile: error: %v\n", err)
	return 1
}
