package testkit

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// Optional tools the end-to-end tests run when they are on PATH, with what
// each one's cases add. A machine without one still passes make test: its
// cases skip, saying so. REGPROFILE_REQUIRE_<NAME>=1 (REGPROFILE_REQUIRE_KPT
// for kpt), which .ci/run sets, makes a missing tool a failure instead.
var Optional = map[string]string{
	"kpt": "kpt runs regprofile as an exec KRM function (kpt fn eval, kpt fn render) as a kpt user would; " +
		"README.md, section kpt, says how to get it",
	"podman": "the regprofile image (make image) runs through kpt fn eval --image, a Kptfile pipeline and a kustomize container: function; " +
		"Debian: apt-get install podman runc (README.md, section The two commands)",
	"redis-server": "Argo CD's own repo-server and cmp-server run as processes with Redis as their cache; " +
		"Debian: apt-get install redis-server (README.md, section The two commands)",
}

// RequireEnv is the variable that makes the optional tool name required.
func RequireEnv(name string) string {
	return "REGPROFILE_REQUIRE_" + strings.ToUpper(strings.ReplaceAll(name, "-", "_"))
}

// Tool returns the path of the optional tool name (a key of Optional). When
// it is not on PATH, the test fails if RequireEnv(name) is 1 and is skipped
// otherwise, with a line naming the test, the tool and what is not checked.
func Tool(t testing.TB, name string) string {
	t.Helper()
	what, ok := Optional[name]
	if !ok {
		t.Fatalf("testkit.Tool: %q is not an optional tool; add it to testkit.Optional", name)
	}
	path, err := exec.LookPath(name)
	if err == nil {
		return path
	}
	if os.Getenv(RequireEnv(name)) == "1" {
		t.Fatalf("%s is not on PATH and %s=1 requires it: %s", name, RequireEnv(name), what)
	}
	t.Skipf("SKIP %s: %s is not on PATH, so this case does not run (%s; set %s=1 to make this a failure)",
		t.Name(), name, what, RequireEnv(name))
	return ""
}
