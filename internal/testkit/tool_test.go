package testkit

import (
	"fmt"
	"strings"
	"testing"
)

// recorder stands in for a test: it records Skipf and Fatalf and stops the
// calling function as the real ones do.
type recorder struct {
	testing.TB
	skipped, failed string
}

type stop struct{}

func sprintf(format string, args ...any) string { return fmt.Sprintf(format, args...) }

func (r *recorder) Helper()      {}
func (r *recorder) Name() string { return "TestKptSomething" }
func (r *recorder) Skipf(format string, args ...any) {
	r.skipped = sprintf(format, args...)
	panic(stop{})
}
func (r *recorder) Fatalf(format string, args ...any) {
	r.failed = sprintf(format, args...)
	panic(stop{})
}

func call(r *recorder, name string) {
	defer func() {
		if v := recover(); v != nil && v != (stop{}) {
			panic(v)
		}
	}()
	Tool(r, name)
}

func TestMissingToolSkipsUnlessRequired(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	t.Setenv("REGPROFILE_REQUIRE_KPT", "")
	r := &recorder{TB: t}
	call(r, "kpt")
	if r.failed != "" || !strings.Contains(r.skipped, "SKIP TestKptSomething: kpt is not on PATH") || !strings.Contains(r.skipped, "REGPROFILE_REQUIRE_KPT=1") {
		t.Errorf("without kpt: skipped %q, failed %q", r.skipped, r.failed)
	}
	t.Setenv("REGPROFILE_REQUIRE_KPT", "1")
	r = &recorder{TB: t}
	call(r, "kpt")
	if r.skipped != "" || !strings.Contains(r.failed, "kpt is not on PATH and REGPROFILE_REQUIRE_KPT=1 requires it") {
		t.Errorf("without kpt, required: skipped %q, failed %q", r.skipped, r.failed)
	}
}
