package argocd

import (
	"bytes"
	"strings"
	"testing"

	"github.com/spf13/pflag"
)

func runArgs(args ...string) (int, string, string) {
	var stdout, stderr bytes.Buffer
	code := Main(args, &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

func TestExitStatusAndMessages(t *testing.T) {
	for _, c := range []struct {
		args   []string
		code   int
		stderr string // a line stderr must start with
	}{
		{[]string{"--revision", "main"}, 1, "regprofile argocd: error: --repo: required: the URL of the Git repository that holds the overlays, as Argo CD knows it\n"},
		{[]string{"--repo", "r", "--applications", "--dir", "/nonexistent"}, 1, "regprofile argocd: error: open /nonexistent/overlays: no such file or directory\n"},
		{[]string{"frobnicate"}, 2, "regprofile argocd: unknown command \"frobnicate\"\n"},
		{[]string{"--bogus"}, 2, "regprofile argocd: unknown flag: --bogus\n"},
		{[]string{"health"}, 2, "regprofile argocd health: --format \"\": want argocd-cm or argocd-cr\n"},
		{[]string{"sidecar", "--format", "argocd-cm"}, 2, "regprofile argocd sidecar: --format \"argocd-cm\": want deployment or argocd-cr\n"},
		{[]string{"sidecar", "--format", "deployment"}, 2, "regprofile argocd sidecar: --image: required: the regprofile image the initContainer installs regprofile and kustomize from; none is published: build it with make image, push it where your clusters pull from (docs/argocd.md, 1. Build the image) and pass --image REGISTRY/regprofile:TAG\n"},
		{[]string{"sidecar", "--format", "argocd-cr", "--image", ""}, 2, "regprofile argocd sidecar: --image: required: "},
		{[]string{"sidecar", "--format", "argocd-cr", "--image", " \t"}, 2, "regprofile argocd sidecar: --image: required: "},
		{[]string{"sidecar", "--format", "deployment", "--image", "registry.example.com/r:v1 --privileged"}, 2, "regprofile argocd sidecar: --image \"registry.example.com/r:v1 --privileged\": an image reference has no spaces or control characters; fix: "},
		{[]string{"sidecar", "--format", "deployment", "--image", "registry.example.com/r:v1", "--sidecar-image", ""}, 2, "regprofile argocd sidecar: --sidecar-image: required: an image with sh and grep for the sidecar; leave the flag out for the default, quay.io/argoproj/argocd:v2.14.21\n"},
		{[]string{"rbac", "extra"}, 2, "regprofile argocd rbac: unexpected argument \"extra\"\n"},
	} {
		code, stdout, stderr := runArgs(c.args...)
		if code != c.code || !strings.HasPrefix(stderr, c.stderr) || stdout != "" {
			t.Errorf("%v: exit %d, stdout %q, stderr:\n%s\nwant exit %d and stderr starting %q", c.args, code, stdout, stderr, c.code, c.stderr)
		}
		if c.code == 2 && !strings.Contains(stderr, "Usage:\n  regprofile argocd --repo URL [flags]") {
			t.Errorf("%v: wrong usage without the usage", c.args)
		}
	}
}

func TestHelp(t *testing.T) {
	for _, args := range [][]string{{"--help"}, {"health", "-h"}} {
		code, stdout, stderr := runArgs(args...)
		if code != 0 || stderr != "" || !strings.Contains(stdout, "--destination string") {
			t.Errorf("%v: exit %d, stderr %q, stdout:\n%s", args, code, stderr, stdout)
		}
	}
}

// TestEveryHelpListsEveryFlag runs --help of every subcommand: each exits 0
// and names every flag that subcommand accepts.
func TestEveryHelpListsEveryFlag(t *testing.T) {
	apps, _, _, _ := applicationFlags()
	sets := map[string]*pflag.FlagSet{"": apps, "plugin": newFlags("argocd plugin"), "rbac": newFlags("argocd rbac")}
	for _, cmd := range []string{"sidecar", "health"} {
		sets[cmd], _, _, _ = patchFlags(cmd)
	}
	for cmd, flags := range sets {
		args := []string{"--help"}
		if cmd != "" {
			args = []string{cmd, "--help"}
		}
		code, stdout, stderr := runArgs(args...)
		if code != 0 || stderr != "" {
			t.Errorf("%v: exit %d, stderr %q", args, code, stderr)
		}
		flags.VisitAll(func(f *pflag.Flag) {
			if !strings.Contains(stdout, "--"+f.Name) {
				t.Errorf("%v does not list --%s:\n%s", args, f.Name, stdout)
			}
		})
	}
}
