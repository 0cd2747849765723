package argocd

import (
	"bytes"
	"io/fs"
	"path"
	"path/filepath"
	"strings"
	"testing"

	"github.com/argoproj/argo-cd/v2/applicationset/utils"
	"github.com/argoproj/argo-cd/v2/pkg/apis/application/v1alpha1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	sigsyaml "sigs.k8s.io/yaml"

	"regprofile.dev/regprofile/internal/platforms"
	"regprofile.dev/regprofile/internal/testkit"
)

// repoRoot is this repository, whose overlays are the example.
const repoRoot = "../.."

var testOptions = Options{
	Repo:        "https://git.example.com/platform/registry.git",
	Revision:    "main",
	Path:        "overlays",
	Project:     "default",
	Destination: "{{.path.basename}}",
	Namespace:   "openshift-gitops",
	Name:        "registry",
	Prune:       true,
}

// TestApplicationSet compares the ApplicationSet with its reviewed golden
// file, and decodes it back, strictly, into Argo CD's own type.
func TestApplicationSet(t *testing.T) {
	out, err := Marshal(ApplicationSet(testOptions))
	if err != nil {
		t.Fatal(err)
	}
	testkit.Golden(t, filepath.Join("testdata", "applicationset.yaml"), string(out))
	var appset v1alpha1.ApplicationSet
	if err := sigsyaml.UnmarshalStrict(out, &appset); err != nil {
		t.Fatal(err)
	}
	again, err := Marshal(&appset)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(again, out) {
		t.Errorf("the ApplicationSet does not survive decoding into v1alpha1.ApplicationSet:\n%s", again)
	}
	for _, noise := range []string{"creationTimestamp", "status", "template:\n        metadata: {}"} {
		if strings.Contains(string(out), noise) {
			t.Errorf("the ApplicationSet carries %q", noise)
		}
	}
}

// TestApplicationsAreWhatTheApplicationSetGenerates renders the
// ApplicationSet's template with the ApplicationSet controller's own
// renderer, for the parameters its git directory generator gives each
// overlay directory of this repository, and compares the Applications with
// regprofile argocd --applications, byte for byte.
func TestApplicationsAreWhatTheApplicationSetGenerates(t *testing.T) {
	overlays, err := Overlays(repoRoot, "overlays")
	if err != nil {
		t.Fatal(err)
	}
	// Every platform has an overlay, and nothing else is one.
	if got := strings.Join(overlays, " "); got != strings.Join(platforms.Names(), " ") {
		t.Errorf("overlays %s", got)
	}
	apps, err := Applications(testOptions, overlays)
	if err != nil {
		t.Fatal(err)
	}
	var want []any
	for _, a := range apps {
		want = append(want, a)
	}

	appset := ApplicationSet(testOptions)
	gen := appset.Spec.Generators[0].Git
	// The controller's GetTempApplication: the template as an Application.
	tmpl := &v1alpha1.Application{Spec: appset.Spec.Template.Spec}
	tmpl.Name = appset.Spec.Template.Name
	var got []any
	for _, dir := range gitDirectories(t, repoRoot) {
		if ok, _ := path.Match(gen.Directories[0].Path, dir); !ok {
			continue
		}
		// The parameters of the git directory generator (generateParamsFromApps).
		params := map[string]any{"path": map[string]any{
			"path":               dir,
			"basename":           path.Base(dir),
			"basenameNormalized": utils.SanitizeName(path.Base(dir)),
			"segments":           strings.Split(dir, "/"),
		}}
		app, err := (&utils.Render{}).RenderTemplateParams(tmpl, appset.Spec.SyncPolicy, params, appset.Spec.GoTemplate, appset.Spec.GoTemplateOptions)
		if err != nil {
			t.Fatal(err)
		}
		app.TypeMeta = metav1.TypeMeta{APIVersion: "argoproj.io/v1alpha1", Kind: "Application"}
		app.Namespace = appset.Namespace // as the controller does
		got = append(got, app)
	}
	a, err := Marshal(got...)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Marshal(want...)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a, b) {
		t.Errorf("the ApplicationSet generates:\n%s\nregprofile argocd --applications writes:\n%s", a, b)
	}
}

// gitDirectories lists a checkout's directories as the repo-server does a
// clone's for the git generator: every one, relative to the root.
func gitDirectories(t *testing.T, root string) []string {
	t.Helper()
	var dirs []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.IsDir() || p == root {
			return err
		}
		if d.Name() == ".git" {
			return filepath.SkipDir
		}
		rel, err := filepath.Rel(root, p)
		dirs = append(dirs, filepath.ToSlash(rel))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return dirs
}

func TestDestination(t *testing.T) {
	o := testOptions
	for dest, want := range map[string]v1alpha1.ApplicationDestination{
		"in-cluster":                     {Name: "in-cluster"},
		"https://api.example.com:6443":   {Server: "https://api.example.com:6443"},
		"{{.path.basename}}-cluster":     {Name: "nutanix-cluster"},
		"https://{{.path.basename}}:443": {Server: "https://nutanix:443"},
	} {
		o.Destination = dest
		apps, err := Applications(o, []string{"nutanix"})
		if err != nil {
			t.Fatal(err)
		}
		if got := apps[0].Spec.Destination; got != want {
			t.Errorf("--destination %s: %+v, want %+v", dest, got, want)
		}
	}
}

func TestOptionsCheck(t *testing.T) {
	for _, c := range []struct {
		change func(*Options)
		want   string
	}{
		{func(o *Options) { o.Repo = "" }, "--repo: required: the URL of the Git repository that holds the overlays, as Argo CD knows it"},
		{func(o *Options) { o.Path = "/srv/overlays" }, `--path "/srv/overlays": want a directory inside the repository, relative to its root (such as overlays)`},
		{func(o *Options) { o.Path = "../overlays" }, `--path "../overlays": want a directory inside the repository, relative to its root (such as overlays)`},
		{func(o *Options) { o.Destination = "" }, "--destination: required: an Argo CD cluster name or API server URL, or {{.path.basename}} for clusters named after their overlays"},
		{func(o *Options) { o.Destination = "{{.path.basename" }, `--destination "{{.path.basename": template: destination:1: unclosed action`},
		{func(o *Options) { o.Project = "" }, "--name, --namespace, --project and --revision must not be empty"},
	} {
		o := testOptions
		c.change(&o)
		if err := o.Check(); err == nil || err.Error() != c.want {
			t.Errorf("got %v\nwant %s", err, c.want)
		}
	}
	if err := testOptions.Check(); err != nil {
		t.Errorf("the example's options: %v", err)
	}
	if _, err := Overlays(repoRoot, "bases"); err == nil || !strings.Contains(err.Error(), "no overlays (directories with a kustomization.yaml); fix:") {
		t.Errorf("Overlays of a directory without overlays: %v", err)
	}
}
