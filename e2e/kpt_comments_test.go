package e2e

import (
	"os"
	"path/filepath"
	"testing"

	"regprofile.dev/regprofile/internal/testkit"
)

// The function gives the items it passes through back without the ids kpt
// put on them (so kustomize need not walk them against its schema); kpt
// must still write them back as they were, comments and all, with fn eval
// and fn render alike, run after run.
func TestKptKeepsPassedItemsAsWritten(t *testing.T) {
	for _, mode := range []string{"eval", "render"} {
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			writeFile(t, filepath.Join(dir, "profile.yaml"), mergedProfile(t, "vsphere-block"))
			cm := "# a head comment\n" + configMap
			writeFile(t, filepath.Join(dir, "cm.yaml"), cm)
			writeFile(t, filepath.Join(dir, "deploy.yaml"), "# the app\n"+unrelated)
			args := []string{"fn", "eval", ".", "--exec", "regprofile"}
			if mode == "render" {
				writeFile(t, filepath.Join(dir, "Kptfile"), "apiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata:\n  name: pkg\npipeline:\n  mutators:\n  - exec: regprofile\n")
				args = []string{"fn", "render", ".", "--allow-exec"}
			}
			for i := 0; i < 2; i++ {
				if _, stderr, err := run(t, dir, "kpt", args...); err != nil {
					t.Fatalf("kpt %v: %v\n%s", args, err, stderr)
				}
				for name, want := range map[string]string{"cm.yaml": cm, "deploy.yaml": "# the app\n" + unrelated} {
					got, err := os.ReadFile(filepath.Join(dir, name))
					if err != nil {
						t.Fatal(err)
					}
					if string(got) != want {
						t.Errorf("run %d: kpt rewrote %s:\n%s", i+1, name, testkit.LineDiff(want, string(got)))
					}
				}
			}
		})
	}
}
