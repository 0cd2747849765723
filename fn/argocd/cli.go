// The command line of regprofile-argocd (fn/argocd/cmd/regprofile-argocd) is "regprofile argocd": it writes what an Argo
// CD or OpenShift GitOps administrator applies to sync regprofile overlays.
// It is a binary of its own because it links the Argo CD API types, which
// the regprofile function, started on every Argo CD refresh, must not.

package argocd

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/pflag"
)

const usage = `regprofile argocd writes what Argo CD or OpenShift GitOps needs to sync
regprofile overlays (docs/argocd.md).

Usage:
  regprofile argocd --repo URL [flags]      an ApplicationSet with one Application per
                                            overlay (--applications: plain Applications)
  regprofile argocd plugin                  the ConfigMap holding the plugin's plugin.yaml
  regprofile argocd sidecar --format F      the sidecar patch: F is deployment (Argo CD's
                                            argocd-repo-server) or argocd-cr (OpenShift GitOps)
  regprofile argocd health --format F       the health checks: F is argocd-cm (Argo CD) or
                                            argocd-cr (OpenShift GitOps)
  regprofile argocd rbac                    the application controller's RBAC

Flags of the ApplicationSet:
%s
Exit status: 0 written, 1 error, 2 wrong usage.
`

// Main runs "regprofile argocd" with its arguments and returns the exit status.
func Main(args []string, stdout, stderr io.Writer) int {
	cmd := ""
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "":
		return applicationsCmd(args, stdout, stderr)
	case "plugin", "rbac":
		return fixedCmd(cmd, args, stdout, stderr)
	case "sidecar", "health":
		return patchCmd(cmd, args, stdout, stderr)
	}
	fmt.Fprintf(stderr, "regprofile argocd: unknown command %q\n\n", cmd)
	printUsage(stderr)
	return 2
}

func applicationFlags() (*pflag.FlagSet, *Options, *bool, *string) {
	o := &Options{}
	flags := newFlags("argocd")
	flags.StringVar(&o.Repo, "repo", "", "URL of the Git repository that holds the overlays (required)")
	flags.StringVar(&o.Revision, "revision", "HEAD", "branch, tag or commit to sync")
	flags.StringVar(&o.Path, "path", "overlays", "directory, relative to the repository's root, holding one overlay per cluster")
	flags.StringVar(&o.Project, "project", "default", "Argo CD project of the Applications")
	flags.StringVar(&o.Destination, "destination", "{{.path.basename}}", "Argo CD cluster name, or API server URL (https://...), to sync each overlay to; {{.path.basename}} is the overlay's directory name")
	flags.StringVar(&o.Namespace, "namespace", "openshift-gitops", "Argo CD's namespace (argocd for upstream Argo CD)")
	flags.StringVar(&o.Name, "name", "registry", "name of the ApplicationSet, and prefix of each Application's name")
	flags.BoolVar(&o.Prune, "prune", true, "let automated syncs delete what an overlay no longer renders (never the registry's Config, pruner, storage or credentials)")
	apps := flags.Bool("applications", false, "write plain Applications, one per overlay found under --dir/--path, instead of an ApplicationSet")
	dir := flags.String("dir", ".", "the repository's root in a local checkout, for --applications")
	return flags, o, apps, dir
}

func printUsage(w io.Writer) {
	flags, _, _, _ := applicationFlags()
	fmt.Fprintf(w, usage, flags.FlagUsages())
}

func newFlags(name string) *pflag.FlagSet {
	flags := pflag.NewFlagSet(name, pflag.ContinueOnError)
	flags.SetOutput(io.Discard)
	return flags
}

// parse parses flags; on an error or --help it prints what to do and
// returns the exit status to stop with.
func parse(flags *pflag.FlagSet, args []string, stdout, stderr io.Writer) (int, bool) {
	help := flags.BoolP("help", "h", false, "show help")
	err := flags.Parse(args)
	if err == nil && flags.NArg() > 0 {
		err = fmt.Errorf("unexpected argument %q", flags.Arg(0))
	}
	switch {
	case err != nil:
		fmt.Fprintf(stderr, "regprofile %s: %v\n\n", flags.Name(), err)
		printUsage(stderr)
		return 2, false
	case *help:
		printUsage(stdout)
		if flags.Name() != "argocd" {
			fmt.Fprintf(stdout, "\nFlags of regprofile %s:\n%s", flags.Name(), flags.FlagUsages())
		}
		return 0, false
	}
	return 0, true
}

func applicationsCmd(args []string, stdout, stderr io.Writer) int {
	flags, o, apps, dir := applicationFlags()
	if code, ok := parse(flags, args, stdout, stderr); !ok {
		return code
	}
	if err := o.Check(); err != nil {
		return fail(stderr, err)
	}
	var objs []any
	if *apps {
		overlays, err := Overlays(*dir, o.Path)
		if err != nil {
			return fail(stderr, err)
		}
		list, err := Applications(*o, overlays)
		if err != nil {
			return fail(stderr, err)
		}
		for _, a := range list {
			objs = append(objs, a)
		}
	} else {
		objs = append(objs, ApplicationSet(*o))
	}
	out, err := Marshal(objs...)
	return write(stdout, stderr, out, err)
}

// fixedCmd writes one of the manifests that take no options.
func fixedCmd(cmd string, args []string, stdout, stderr io.Writer) int {
	if code, ok := parse(newFlags("argocd "+cmd), args, stdout, stderr); !ok {
		return code
	}
	if cmd == "rbac" {
		return write(stdout, stderr, RBAC(), nil)
	}
	out, err := PluginConfigMapManifest()
	return write(stdout, stderr, out, err)
}

func patchFlags(cmd string) (*pflag.FlagSet, *string, *string, *SidecarOptions) {
	flags := newFlags("argocd " + cmd)
	format := flags.String("format", "", "the patch's target (required)")
	name := flags.String("argocd", DefaultArgoCD, "name of the ArgoCD resource (format argocd-cr)")
	o := &SidecarOptions{}
	if cmd == "sidecar" {
		flags.StringVar(&o.Image, "image", "", "the regprofile image, holding regprofile and kustomize in /usr/local/bin (required: make image builds it, docs/argocd.md)")
		flags.StringVar(&o.SidecarImage, "sidecar-image", DefaultSidecarImage, "image of the sidecar on upstream Argo CD (format deployment): one with sh and grep")
	}
	return flags, format, name, o
}

// patchCmd writes the sidecar or health patch in the format asked for.
func patchCmd(cmd string, args []string, stdout, stderr io.Writer) int {
	flags, format, name, o := patchFlags(cmd)
	if code, ok := parse(flags, args, stdout, stderr); !ok {
		return code
	}
	var out []byte
	var err error
	if cmd == "sidecar" {
		out, err = SidecarPatch(*format, *o, *name)
	} else {
		out, err = HealthPatch(*format, *name)
	}
	if errors.Is(err, ErrFormat) || errors.Is(err, ErrImage) {
		fmt.Fprintf(stderr, "regprofile argocd %s: %v\n\n", cmd, err)
		printUsage(stderr)
		return 2
	}
	return write(stdout, stderr, out, err)
}

func write(stdout, stderr io.Writer, out []byte, err error) int {
	if err == nil {
		_, err = stdout.Write(out)
	}
	if err != nil {
		return fail(stderr, err)
	}
	return 0
}

func fail(stderr io.Writer, err error) int {
	fmt.Fprintf(stderr, "regprofile argocd: error: %v\n", err)
	return 1
}
