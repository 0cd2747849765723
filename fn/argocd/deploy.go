package argocd

import (
	_ "embed"
	"errors"
	"fmt"
)

// The files an administrator installs that are written by hand and
// reviewed as they are: the plugin's configuration and the controller's
// RBAC. Everything else under deploy/ is written by the functions below
// and checked against them by the tests.
var (
	//go:embed deploy/plugin.yaml
	pluginYAML []byte
	//go:embed deploy/rbac.yaml
	rbacYAML []byte
)

// Formats of the patches.
const (
	FormatDeployment = "deployment" // upstream Argo CD's argocd-repo-server Deployment
	FormatArgoCDCM   = "argocd-cm"  // upstream Argo CD's argocd-cm ConfigMap
	FormatArgoCDCR   = "argocd-cr"  // OpenShift GitOps' ArgoCD resource
)

// ErrFormat is a --format that the patch does not come in.
var ErrFormat = errors.New("--format")

func formatError(format string, want ...string) error {
	return fmt.Errorf("%w %q: want %s or %s", ErrFormat, format, want[0], want[1])
}

// SidecarPatch is the patch that adds the plugin's sidecar, in format
// deployment or argocd-cr (for the ArgoCD resource argocd).
func SidecarPatch(format string, o SidecarOptions, argocd string) ([]byte, error) {
	if format != FormatDeployment && format != FormatArgoCDCR {
		return nil, formatError(format, FormatDeployment, FormatArgoCDCR)
	}
	if err := o.check(format); err != nil {
		return nil, err
	}
	if format == FormatDeployment {
		return written("sidecar --format deployment", RepoServerPatch(o),
			"Apply with: kubectl -n argocd patch deployment argocd-repo-server --patch-file FILE")
	}
	return written("sidecar --format argocd-cr", ArgoCDSidecarPatch(argocd, o),
		"Apply with: oc -n openshift-gitops patch argocd "+argocd+" --type merge --patch-file FILE",
		mergeReplaces("spec.repo's initContainers, sidecarContainers and volumes"))
}

// HealthPatch is the patch that adds the health checks, in format
// argocd-cm or argocd-cr (for the ArgoCD resource argocd).
func HealthPatch(format, argocd string) ([]byte, error) {
	switch format {
	case FormatArgoCDCM:
		return written("health --format argocd-cm", ConfigMapHealthPatch(),
			"Apply with: kubectl -n argocd patch configmap argocd-cm --type merge --patch-file FILE")
	case FormatArgoCDCR:
		return written("health --format argocd-cr", ArgoCDHealthPatch(argocd),
			"Apply with: oc -n openshift-gitops patch argocd "+argocd+" --type merge --patch-file FILE",
			mergeReplaces("spec.resourceHealthChecks"))
	}
	return nil, formatError(format, FormatArgoCDCM, FormatArgoCDCR)
}

// PluginConfigMapManifest is the ConfigMap the sidecar reads plugin.yaml
// from.
func PluginConfigMapManifest() ([]byte, error) {
	return written("plugin", map[string]any{
		"apiVersion": "v1",
		"kind":       "ConfigMap",
		"metadata":   map[string]any{"name": PluginConfigMap},
		"data":       map[string]string{"plugin.yaml": string(pluginYAML)},
	}, "Apply it in Argo CD's namespace.")
}

// mergeReplaces warns that a merge patch replaces the lists it sets.
func mergeReplaces(lists string) string {
	return "A merge patch replaces " + lists + ": merge them by hand with any you have (docs/argocd.md)."
}

// written is obj as YAML, under comments saying which command wrote it
// and how to use it.
func written(command string, obj any, use ...string) ([]byte, error) {
	data, err := Marshal(obj)
	if err != nil {
		return nil, err
	}
	head := "# Written by regprofile argocd " + command + ".\n"
	for _, line := range use {
		head += "# " + line + "\n"
	}
	return append([]byte(head), data...), nil
}

// PluginYAML is the plugin's configuration, plugin.yaml.
func PluginYAML() []byte { return pluginYAML }

// RBAC is the application controller's RBAC, rbac.yaml.
func RBAC() []byte { return rbacYAML }
