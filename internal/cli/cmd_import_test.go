package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestImportCommand(t *testing.T) {
	live, err := os.ReadFile(filepath.Join("..", "adopt", "testdata", "live-vsphere.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	// stdin, to stdout
	code, out, stderr := runFn(t, string(live), "import", "--platform", "vsphere-block", "-")
	if code != 0 || !strings.Contains(out, "kind: RegistryProfile") || !strings.Contains(out, "name: image-registry-storage") {
		t.Fatalf("exit %d, stdout:\n%s\nstderr:\n%s", code, out, stderr)
	}
	// --out, and the profile renders
	dir := t.TempDir()
	prof := filepath.Join(dir, "profile.yaml")
	if code, out, stderr := runFn(t, string(live), "import", "--out", prof, "-"); code != 0 || out != "" {
		t.Fatalf("--out: exit %d, stdout %q, stderr %s", code, out, stderr)
	}
	if code, out, stderr := runFn(t, "", "render", prof); code != 0 || !strings.Contains(out, "claim: image-registry-storage") {
		t.Fatalf("render of the import: exit %d\n%s%s", code, out, stderr)
	}
	// an error writes nothing, and leaves an existing --out file alone
	before, _ := os.ReadFile(prof)
	code, out, stderr = runFn(t, "kind: Nothing\napiVersion: v1\nmetadata: {name: x}\n", "import", "--out", prof, "-")
	if code != 1 || out != "" || !strings.Contains(stderr, "regprofile: error: <stdin>: no registry Config") {
		t.Errorf("bad input: exit %d, stdout %q, stderr %s", code, out, stderr)
	}
	if after, _ := os.ReadFile(prof); string(after) != string(before) {
		t.Error("a failed import changed the --out file")
	}
	// wrong usage
	for _, args := range [][]string{{"import"}, {"import", "--credentials", "plain", "-"}, {"import", "--cluster", "aws-upi", "x"}, {"import", "-", "-"}} {
		if code, _, stderr := runFn(t, string(live), args...); code == 0 || stderr == "" {
			t.Errorf("%v: exit %d, stderr %q", args, code, stderr)
		}
	}
}

func TestLeftoversCommand(t *testing.T) {
	dir := filepath.Join("..", "adopt", "testdata")
	code, out, _ := runFn(t, "", "leftovers", filepath.Join(dir, "aws-upi.profile.yaml"), filepath.Join(dir, "live-stale-emptydir.yaml"))
	if code != 1 || !strings.Contains(out, `oc patch configs.imageregistry.operator.openshift.io/cluster --type=json -p '[{"op":"remove","path":"/spec/storage/emptyDir"}]'`) {
		t.Errorf("exit %d, stdout:\n%s", code, out)
	}
	if code, _, _ := runFn(t, "", "leftovers", "profile-only.yaml"); code != 2 {
		t.Errorf("one argument: exit %d, want 2", code)
	}
}
