package e2e

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// fence matches a fenced code block: its info string and its body.
var fence = regexp.MustCompile("(?ms)^```([^\n]*)\n(.*?)^```")

// TestAdoptDocCommands runs every command of docs/adopt.md that needs no
// cluster, with the built regprofile on PATH, in a directory holding the
// live dumps of internal/adopt/testdata. Commands that need a cluster must be in
// blocks marked "sh cluster", and only those may call oc, kubectl or argocd.
func TestAdoptDocCommands(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join(repoRoot, "docs", "adopt.md"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	fixtures, _ := filepath.Glob(filepath.Join(repoRoot, "internal", "adopt", "testdata", "*.yaml"))
	for _, f := range fixtures {
		copyFile(t, f, filepath.Join(dir, filepath.Base(f)))
	}
	clusterCmd := regexp.MustCompile(`(?m)(^|\|)\s*(oc|kubectl|argocd) `)
	ran := 0
	for _, m := range fence.FindAllStringSubmatch(string(doc), -1) {
		info, body := strings.TrimSpace(m[1]), m[2]
		switch info {
		case "sh cluster":
			continue
		case "sh":
		default:
			continue // YAML and other examples
		}
		if clusterCmd.MatchString(body) {
			t.Errorf("a block not marked \"sh cluster\" needs a cluster:\n%s", body)
			continue
		}
		out, stderr, err := run(t, dir, "bash", "-euo", "pipefail", "-c", body)
		if err != nil {
			t.Errorf("%s\nfailed: %v\n%s%s", body, err, out, stderr)
			continue
		}
		ran++
	}
	if ran < 5 {
		t.Errorf("ran %d blocks; the page should show import, render, several clusters and leftovers", ran)
	}
	// What the page promises: the profile it imports renders, with the
	// image configuration's host names and nothing of registrySources.
	rendered, err := os.ReadFile(filepath.Join(dir, "rendered.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"externalRegistryHostnames:", "name: registry-config"} {
		if !strings.Contains(string(rendered), want) {
			t.Errorf("rendered.yaml has no %q", want)
		}
	}
	if strings.Contains(string(rendered), "registrySources") || strings.Contains(string(rendered), "storage:") {
		t.Errorf("rendered.yaml sends another owner's field or storage on aws-ipi:\n%s", rendered)
	}
}
