package review

import (
	"bytes"
	"strings"
	"testing"

	"github.com/spf13/pflag"
)

// TestHelpListsEveryFlag: --help and -h exit 0, print to stdout only, and
// name every flag regprofile diff accepts, with its short form.
func TestHelpListsEveryFlag(t *testing.T) {
	flags, _ := newFlags()
	for _, arg := range []string{"--help", "-h"} {
		var stdout, stderr bytes.Buffer
		code := Main([]string{arg}, &stdout, &stderr)
		if code != 0 || stderr.Len() != 0 {
			t.Errorf("%s: exit %d, stderr %q", arg, code, stderr.String())
		}
		flags.VisitAll(func(f *pflag.Flag) {
			if !strings.Contains(stdout.String(), "--"+f.Name) {
				t.Errorf("%s does not list --%s:\n%s", arg, f.Name, stdout.String())
			}
			if f.Shorthand != "" && !strings.Contains(stdout.String(), "-"+f.Shorthand+", --"+f.Name) {
				t.Errorf("%s does not list -%s:\n%s", arg, f.Shorthand, stdout.String())
			}
		})
	}
}

// TestBadFlagValues: a wrong flag or value exits 2 with the reason and the
// usage on stderr, and nothing on stdout.
func TestBadFlagValues(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--format", "yaml"}, `regprofile diff: --format "yaml": use text, markdown or json`},
		{[]string{"--color", "sometimes"}, `regprofile diff: --color "sometimes": use auto, always or never`},
		{[]string{"--no-such-flag"}, "regprofile diff: unknown flag: --no-such-flag"},
	} {
		var stdout, stderr bytes.Buffer
		code := Main(tc.args, &stdout, &stderr)
		if code != 2 || stdout.Len() != 0 || !strings.HasPrefix(stderr.String(), tc.want+"\n") || !strings.Contains(stderr.String(), "Usage: regprofile diff") {
			t.Errorf("%v: exit %d, stdout %q, stderr:\n%s", tc.args, code, stdout.String(), stderr.String())
		}
	}
}
