package argocd

import (
	"os/exec"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/argoproj/argo-cd/v2/cmpserver/plugin"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/strategicpatch"
	sigsyaml "sigs.k8s.io/yaml"

	"regprofile.dev/regprofile/internal/testkit"
)

// exampleImage stands for the administrator's own image (make image, then
// pushed) in the files under deploy/ and in docs/argocd.md.
const exampleImage = "registry.example.com/platform/regprofile:v0.1.0"

var defaultSidecar = SidecarOptions{Image: exampleImage, SidecarImage: DefaultSidecarImage}

// deployFiles are the files under deploy/ that regprofile argocd writes,
// each with what writes it. UPDATE_GOLDEN=1 rewrites them; review the diff
// like code.
var deployFiles = map[string]func() ([]byte, error){
	"argocd-repo-server-patch.yaml": func() ([]byte, error) { return SidecarPatch(FormatDeployment, defaultSidecar, DefaultArgoCD) },
	"argocd-cr-sidecar-patch.yaml":  func() ([]byte, error) { return SidecarPatch(FormatArgoCDCR, defaultSidecar, DefaultArgoCD) },
	"argocd-cm-health-patch.yaml":   func() ([]byte, error) { return HealthPatch(FormatArgoCDCM, DefaultArgoCD) },
	"argocd-cr-health-patch.yaml":   func() ([]byte, error) { return HealthPatch(FormatArgoCDCR, DefaultArgoCD) },
	"plugin-configmap.yaml":         PluginConfigMapManifest,
}

func TestDeployFilesAreCurrent(t *testing.T) {
	for name, write := range deployFiles {
		got, err := write()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		testkit.Golden(t, filepath.Join("deploy", name), string(got))
	}
}

// TestPluginConfigIsArgoCDs reads the shipped plugin.yaml with the CMP
// server's own reader and validation, the way the sidecar starts.
func TestPluginConfigIsArgoCDs(t *testing.T) {
	cfg, err := plugin.ReadPluginConfig("deploy")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Metadata.Name != PluginName || cfg.Spec.Version != "" {
		t.Errorf("plugin %q version %q; Applications name it %q, so no version", cfg.Metadata.Name, cfg.Spec.Version, PluginName)
	}
	if !cfg.Spec.Discover.IsDefined() {
		t.Error("no discovery rule")
	}
	// Argo CD strips exec bits unless preserveFileMode; the tools come
	// from PATH instead, and a repository's files stay non-executable.
	if cfg.Spec.PreserveFileMode || cfg.Spec.ProvideGitCreds {
		t.Error("preserveFileMode and provideGitCreds must stay off")
	}
	var cm corev1.ConfigMap
	data, _ := PluginConfigMapManifest()
	if err := sigsyaml.UnmarshalStrict(data, &cm); err != nil {
		t.Fatal(err)
	}
	if cm.Name != PluginConfigMap || cm.Data["plugin.yaml"] != string(PluginYAML()) {
		t.Errorf("ConfigMap %s does not carry deploy/plugin.yaml as plugin.yaml", cm.Name)
	}
}

// TestRepoServerPatchAddsOnlyTheSidecar applies the patch to Argo CD's own
// argocd-repo-server Deployment as kubectl patch does, and checks that it
// adds the sidecar and changes nothing else.
func TestRepoServerPatchAddsOnlyTheSidecar(t *testing.T) {
	original := argoFile(t, "manifests/base/repo-server/argocd-repo-server-deployment.yaml")
	origJSON := mustJSON(t, original)
	merged, err := strategicpatch.StrategicMergePatch(origJSON, mustJSON(t, RepoServerPatch(defaultSidecar)), appsv1.Deployment{})
	if err != nil {
		t.Fatal(err)
	}
	var before, after appsv1.Deployment
	if err := sigsyaml.UnmarshalStrict(origJSON, &before); err != nil {
		t.Fatal(err)
	}
	if err := sigsyaml.UnmarshalStrict(merged, &after); err != nil {
		t.Fatalf("the patched Deployment does not decode: %v", err)
	}
	pod, was := after.Spec.Template.Spec, before.Spec.Template.Spec
	containerName := func(c corev1.Container) string { return c.Name }
	checkAdded(t, "init containers", byName(pod.InitContainers, containerName), byName(was.InitContainers, containerName), "regprofile-install")
	checkAdded(t, "containers", byName(pod.Containers, containerName), byName(was.Containers, containerName), "regprofile")
	volumes := byName(pod.Volumes, func(v corev1.Volume) string { return v.Name })
	checkAdded(t, "volumes", volumes, byName(was.Volumes, func(v corev1.Volume) string { return v.Name }), "regprofile-plugin,regprofile-tmp,regprofile-tools")
	for _, c := range append(pod.InitContainers, pod.Containers...) {
		for _, m := range c.VolumeMounts {
			if _, ok := volumes[m.Name]; !ok {
				t.Errorf("container %s mounts %s, which the pod does not have", c.Name, m.Name)
			}
		}
	}
	sidecar := byName(pod.Containers, containerName)["regprofile"]
	sc := sidecar.SecurityContext
	if sc == nil || sc.RunAsUser == nil || *sc.RunAsUser != 999 || !*sc.RunAsNonRoot || !*sc.ReadOnlyRootFilesystem {
		t.Errorf("the sidecar must run as UID 999, non-root, on a read-only root: %+v", sc)
	}
	// The sidecar writes only its own /tmp, besides what the repo-server
	// shares with every plugin: its socket's directory and the directory
	// its CMP server binary comes from. ConfigMaps mount read-only.
	shared := map[string]bool{"/tmp": true, "/home/argocd/cmp-server/plugins": true, "/var/run/argocd": true}
	for _, m := range sidecar.VolumeMounts {
		if !m.ReadOnly && !shared[m.MountPath] && volumes[m.Name].ConfigMap == nil {
			t.Errorf("the sidecar can write %s", m.MountPath)
		}
	}
}

func byName[T any](items []T, name func(T) string) map[string]T {
	m := map[string]T{}
	for _, it := range items {
		m[name(it)] = it
	}
	return m
}

// checkAdded checks that what the repo-server had is unchanged and that
// exactly the names in want (comma separated, sorted) were added.
func checkAdded[T any](t *testing.T, what string, now, before map[string]T, want string) {
	t.Helper()
	var added []string
	for name, v := range now {
		if old, ok := before[name]; !ok {
			added = append(added, name)
		} else if !reflect.DeepEqual(old, v) {
			t.Errorf("the patch changed the repo-server's %s %s", what, name)
		}
	}
	sort.Strings(added)
	if len(before)+len(added) != len(now) || strings.Join(added, ",") != want {
		t.Errorf("the patch added %s %v; want %s", what, added, want)
	}
}

// TestArgoCDPatchesDecode decodes the OpenShift GitOps patches strictly
// into the fields of the operator's ArgoCD resource they set.
func TestArgoCDPatchesDecode(t *testing.T) {
	var cr struct {
		APIVersion string            `json:"apiVersion"`
		Kind       string            `json:"kind"`
		Metadata   map[string]string `json:"metadata"`
		Spec       struct {
			Repo *struct {
				InitContainers    []corev1.Container `json:"initContainers"`
				SidecarContainers []corev1.Container `json:"sidecarContainers"`
				Volumes           []corev1.Volume    `json:"volumes"`
			} `json:"repo"`
			ResourceHealthChecks []HealthCheck `json:"resourceHealthChecks"`
		} `json:"spec"`
	}
	for _, file := range []string{"argocd-cr-sidecar-patch.yaml", "argocd-cr-health-patch.yaml"} {
		data, err := deployFiles[file]()
		if err != nil {
			t.Fatal(err)
		}
		if err := sigsyaml.UnmarshalStrict(data, &cr); err != nil {
			t.Errorf("%s: %v", file, err)
		}
		if cr.APIVersion != "argoproj.io/v1beta1" || cr.Kind != "ArgoCD" || cr.Metadata["name"] != DefaultArgoCD {
			t.Errorf("%s patches %s %s %v", file, cr.APIVersion, cr.Kind, cr.Metadata)
		}
	}
	sidecar := cr.Spec.Repo.SidecarContainers[0]
	// The operator runs a sidecar without an image on the repo-server's,
	// and OpenShift assigns the UID.
	if sidecar.Image != "" || sidecar.SecurityContext.RunAsUser != nil {
		t.Errorf("the OpenShift GitOps sidecar sets image %q and UID %v", sidecar.Image, sidecar.SecurityContext.RunAsUser)
	}
	if len(cr.Spec.ResourceHealthChecks) != 3 {
		t.Errorf("%d health checks", len(cr.Spec.ResourceHealthChecks))
	}
}

var argoDir struct {
	once sync.Once
	dir  string
	err  error
}

// argoModuleDir is where the Go module cache holds the Argo CD module
// this package builds against, with its install manifests.
func argoModuleDir(t *testing.T) string {
	t.Helper()
	argoDir.once.Do(func() {
		out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/argoproj/argo-cd/v2").Output()
		argoDir.dir, argoDir.err = strings.TrimSpace(string(out)), err
	})
	if argoDir.err != nil || argoDir.dir == "" {
		t.Fatalf("locating the Argo CD module: %v", argoDir.err)
	}
	return argoDir.dir
}
