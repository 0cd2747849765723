package build

import (
	"bytes"
	"strings"
	"testing"

	"github.com/spf13/pflag"
)

// TestHelpListsEveryFlag: --help and -h exit 0 on stdout only and name
// every flag; an unknown flag or a second directory exits 2 with the usage
// on stderr.
func TestHelpListsEveryFlag(t *testing.T) {
	flags, _, _, _ := NewFlags()
	for _, arg := range []string{"--help", "-h"} {
		var stdout, stderr bytes.Buffer
		if code := Run([]string{arg}, strings.NewReader(""), &stdout, &stderr); code != 0 || stderr.Len() != 0 {
			t.Errorf("%s: exit %d, stderr %q", arg, code, stderr.String())
		}
		flags.VisitAll(func(f *pflag.Flag) {
			if !strings.Contains(stdout.String(), "--"+f.Name) {
				t.Errorf("%s does not list --%s:\n%s", arg, f.Name, stdout.String())
			}
		})
	}
	for _, args := range [][]string{{"--no-such-flag"}, {"a", "b"}} {
		var stdout, stderr bytes.Buffer
		code := Run(args, strings.NewReader(""), &stdout, &stderr)
		if code != 2 || stdout.Len() != 0 || !strings.Contains(stderr.String(), "Usage: regprofile build") {
			t.Errorf("%v: exit %d, stdout %q, stderr:\n%s", args, code, stdout.String(), stderr.String())
		}
	}
}
