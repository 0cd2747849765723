package argocd

import (
	"bytes"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"text/template"

	"github.com/argoproj/argo-cd/v2/pkg/apis/application/v1alpha1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
)

// PluginName is the Config Management Plugin's name (plugin.yaml).
const PluginName = "regprofile"

// The ApplicationSet's git directory generator gives each overlay
// directory as these Go template parameters.
const (
	overlayName = "{{.path.basename}}"
	overlayPath = "{{.path.path}}"
)

// Options describe the Applications: one per overlay directory, each
// rendered by the plugin and synced to the overlay's cluster.
type Options struct {
	Repo     string // the Git repository's URL
	Revision string // the branch, tag or commit to sync
	// Path is the directory that holds one overlay per cluster.
	Path    string
	Project string // the Argo CD project
	// Destination is the Argo CD cluster name or API server URL to sync
	// to; it may use the generator's parameters, {{.path.basename}} (the
	// overlay's directory name) and {{.path.path}}.
	Destination string
	// Namespace is Argo CD's namespace, where the Applications live.
	Namespace string
	// Name names the ApplicationSet and prefixes each Application's name.
	Name string
	// Prune lets automated syncs delete what an overlay no longer renders.
	// Never the Config, the pruner, storage or credentials: they carry
	// Prune=false,Delete=false.
	Prune bool
}

// Check reports the first option that cannot work, naming its flag.
func (o Options) Check() error {
	switch {
	case o.Repo == "":
		return errors.New("--repo: required: the URL of the Git repository that holds the overlays, as Argo CD knows it")
	case o.Path == "" || path.IsAbs(o.Path) || strings.HasPrefix(path.Clean(o.Path), ".."):
		return fmt.Errorf("--path %q: want a directory inside the repository, relative to its root (such as overlays)", o.Path)
	case o.Destination == "":
		return errors.New("--destination: required: an Argo CD cluster name or API server URL, or {{.path.basename}} for clusters named after their overlays")
	case o.Name == "" || o.Namespace == "" || o.Project == "" || o.Revision == "":
		return errors.New("--name, --namespace, --project and --revision must not be empty")
	}
	if _, err := destinationTemplate(o.Destination); err != nil {
		return fmt.Errorf("--destination %q: %v", o.Destination, err)
	}
	return nil
}

// ApplicationSet generates an Application for each directory under
// Options.Path with Argo CD's git directory generator.
func ApplicationSet(o Options) *v1alpha1.ApplicationSet {
	return &v1alpha1.ApplicationSet{
		TypeMeta:   metav1.TypeMeta{APIVersion: "argoproj.io/v1alpha1", Kind: "ApplicationSet"},
		ObjectMeta: metav1.ObjectMeta{Name: o.Name, Namespace: o.Namespace},
		Spec: v1alpha1.ApplicationSetSpec{
			GoTemplate:        true,
			GoTemplateOptions: []string{"missingkey=error"},
			Generators: []v1alpha1.ApplicationSetGenerator{{Git: &v1alpha1.GitGenerator{
				RepoURL:     o.Repo,
				Revision:    o.Revision,
				Directories: []v1alpha1.GitDirectoryGeneratorItem{{Path: path.Join(o.Path, "*")}},
			}}},
			Template: v1alpha1.ApplicationSetTemplate{
				ApplicationSetTemplateMeta: v1alpha1.ApplicationSetTemplateMeta{Name: o.Name + "-" + overlayName},
				Spec:                       applicationSpec(o, overlayPath, destination(o.Destination)),
			},
			// Deleting the ApplicationSet, or an overlay, must never take
			// the registry down with it.
			SyncPolicy: &v1alpha1.ApplicationSetSyncPolicy{PreserveResourcesOnDeletion: true},
		},
	}
}

// Applications are what the ApplicationSet generates, as plain
// Applications, for the overlays given by directory name.
func Applications(o Options, overlays []string) ([]*v1alpha1.Application, error) {
	tmpl, err := destinationTemplate(o.Destination)
	if err != nil {
		return nil, fmt.Errorf("--destination %q: %v", o.Destination, err)
	}
	var apps []*v1alpha1.Application
	for _, name := range overlays {
		dir := path.Join(o.Path, name)
		var dest bytes.Buffer
		params := map[string]any{"path": map[string]any{"path": dir, "basename": name}}
		if err := tmpl.Execute(&dest, params); err != nil {
			return nil, fmt.Errorf("--destination %q: %v", o.Destination, err)
		}
		apps = append(apps, &v1alpha1.Application{
			TypeMeta:   metav1.TypeMeta{APIVersion: "argoproj.io/v1alpha1", Kind: "Application"},
			ObjectMeta: metav1.ObjectMeta{Name: o.Name + "-" + name, Namespace: o.Namespace},
			Spec:       applicationSpec(o, dir, destination(dest.String())),
		})
	}
	return apps, nil
}

func destinationTemplate(dest string) (*template.Template, error) {
	return template.New("destination").Option("missingkey=error").Parse(dest)
}

// destination is a cluster given by API server URL or by name.
func destination(dest string) v1alpha1.ApplicationDestination {
	if u, err := url.Parse(dest); err == nil && u.Scheme == "https" {
		return v1alpha1.ApplicationDestination{Server: dest}
	}
	return v1alpha1.ApplicationDestination{Name: dest}
}

// applicationSpec syncs one overlay through the plugin.
func applicationSpec(o Options, dir string, dest v1alpha1.ApplicationDestination) v1alpha1.ApplicationSpec {
	return v1alpha1.ApplicationSpec{
		Project: o.Project,
		Source: &v1alpha1.ApplicationSource{
			RepoURL:        o.Repo,
			TargetRevision: o.Revision,
			Path:           dir,
			Plugin:         &v1alpha1.ApplicationSourcePlugin{Name: PluginName},
		},
		Destination: dest,
		SyncPolicy: &v1alpha1.SyncPolicy{
			Automated: &v1alpha1.SyncPolicyAutomated{Prune: o.Prune, SelfHeal: true},
			SyncOptions: v1alpha1.SyncOptions{
				// Own only the fields the profile sets; the operator owns
				// the rest of the Config and the pruner.
				"ServerSideApply=true",
				// Syncs leave the ignored fields below alone too.
				"RespectIgnoreDifferences=true",
				// Delete what an overlay dropped only once the rest is
				// applied and healthy.
				"PruneLast=true",
			},
			// A first sync can run before a CRD (ExternalSecret,
			// ObjectBucketClaim, Certificate) or a store is ready.
			Retry: &v1alpha1.RetryStrategy{Limit: 5, Backoff: &v1alpha1.Backoff{Duration: "10s", Factor: ptr.To[int64](2), MaxDuration: "3m"}},
		},
		IgnoreDifferences: ignoreDifferences,
	}
}

// operatorManager is the field manager of the image registry operator's
// writes (client-go's default, the binary's name), for server-side diffs.
const operatorManager = "cluster-image-registry-operator"

// ignoreDifferences are the fields the operator writes into the specs of
// what regprofile renders. A diff compares only the fields the rendered
// object sets, so these matter where the operator writes fields next to
// them: httpSecret (a random secret it generates) and observedConfig (its
// config observer, OpenShift 4.22 and later) for a diff against a
// last-applied state, and the operator's field manager for server-side
// diffs. Fields regprofile renders are never ignored: a drift there is
// real. ExternalSecrets need nothing: regprofile writes the values the
// External Secrets Operator would default.
var ignoreDifferences = v1alpha1.IgnoreDifferences{
	{
		Group: "imageregistry.operator.openshift.io", Kind: "Config", Name: "cluster",
		JSONPointers:          []string{"/spec/httpSecret", "/spec/observedConfig"},
		ManagedFieldsManagers: []string{operatorManager},
	},
	{
		Group: "imageregistry.operator.openshift.io", Kind: "ImagePruner", Name: "cluster",
		ManagedFieldsManagers: []string{operatorManager},
	},
}

// Overlays lists the overlay directories under root/dir: the directories
// that hold a kustomization, sorted.
func Overlays(root, dir string) ([]string, error) {
	entries, err := os.ReadDir(filepath.Join(root, dir))
	if err != nil {
		return nil, err
	}
	var names []string
	for _, e := range entries {
		if e.IsDir() && isKustomization(filepath.Join(root, dir, e.Name())) {
			names = append(names, e.Name())
		}
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("%s: no overlays (directories with a kustomization.yaml); fix: pass the directory that holds them with --path, and the repository's root with --dir", filepath.Join(root, dir))
	}
	sort.Strings(names)
	return names, nil
}

func isKustomization(dir string) bool {
	for _, name := range []string{"kustomization.yaml", "kustomization.yml", "Kustomization"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err == nil {
			return true
		}
	}
	return false
}
