package cmp

import (
	"bytes"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"testing"

	"github.com/argoproj/argo-cd/v2/cmpserver/plugin"
	"github.com/argoproj/argo-cd/v2/pkg/apis/application/v1alpha1"
	"github.com/argoproj/gitops-engine/pkg/utils/kube"
)

// regprofile runs the built regprofile, which hands "argocd" to the
// regprofile-argocd beside it.
func regprofile(t *testing.T, args ...string) []byte {
	t.Helper()
	cmd := exec.Command(filepath.Join(binDir, "regprofile"), args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("regprofile %v: %v\n%s", args, err, stderr.String())
	}
	return out
}

// docs splits a YAML stream into its documents, as JSON.
func docs(t *testing.T, stream []byte) [][]byte {
	t.Helper()
	objs, err := kube.SplitYAML(stream)
	if err != nil {
		t.Fatal(err)
	}
	var out [][]byte
	for _, o := range objs {
		data, err := o.MarshalJSON()
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, data)
	}
	return out
}

// TestArgoCDCommandWritesArgoCDTypes runs regprofile argocd as an
// administrator does and decodes what it writes, strictly, into Argo CD's
// own types: an ApplicationSet, and one Application per overlay that names
// the plugin the sidecar serves.
func TestArgoCDCommandWritesArgoCDTypes(t *testing.T) {
	cfg, err := plugin.ReadPluginConfig(filepath.Join(repoRoot, "fn", "argocd", "deploy"))
	if err != nil {
		t.Fatal(err)
	}
	const repo = "https://git.example.com/platform/registry.git"

	set := docs(t, regprofile(t, "argocd", "--repo", repo, "--revision", "main"))
	var appset v1alpha1.ApplicationSet
	if len(set) != 1 {
		t.Fatalf("%d documents, want one ApplicationSet", len(set))
	}
	strict(t, set[0], &appset)
	if git := appset.Spec.Generators[0].Git; git == nil || git.RepoURL != repo || git.Revision != "main" || git.Directories[0].Path != "overlays/*" {
		t.Errorf("generator %+v", appset.Spec.Generators[0])
	}
	if p := appset.Spec.Template.Spec.Source.Plugin; p == nil || p.Name != cfg.Metadata.Name {
		t.Errorf("the template names plugin %+v; the sidecar serves %q", p, cfg.Metadata.Name)
	}

	apps := docs(t, regprofile(t, "argocd", "--repo", repo, "--applications", "--dir", repoRoot, "--namespace", "argocd", "--destination", "in-cluster"))
	if len(apps) != len(platforms) {
		t.Fatalf("%d Applications, want %d", len(apps), len(platforms))
	}
	for i, data := range apps {
		var app v1alpha1.Application
		strict(t, data, &app)
		want := path.Join("overlays", platforms[i])
		if app.Name != "registry-"+platforms[i] || app.Namespace != "argocd" || app.Spec.Source.Path != want ||
			app.Spec.Source.Plugin.Name != cfg.Metadata.Name || app.Spec.Destination.Name != "in-cluster" {
			t.Errorf("Application %s: %+v", app.Name, app.Spec)
		}
	}

	rbac, err := os.ReadFile(filepath.Join(repoRoot, "fn", "argocd", "deploy", "rbac.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(regprofile(t, "argocd", "rbac"), rbac) {
		t.Error("regprofile argocd rbac differs from fn/argocd/deploy/rbac.yaml")
	}
	const image = "registry.example.com/platform/regprofile:v9.9.9"
	if out := regprofile(t, "argocd", "sidecar", "--format", "deployment", "--image", image); !bytes.Contains(out, []byte("image: "+image+"\n")) {
		t.Errorf("--image did not reach the initContainer:\n%s", out)
	}
}
