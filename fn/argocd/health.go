package argocd

import (
	"embed"
	"path"
	"sort"
	"strings"
)

// The health checks live once, as Lua files: the argocd-cm keys of
// upstream Argo CD and the resourceHealthChecks of OpenShift GitOps'
// ArgoCD resource are both written from them, so the two cannot drift.
//
//go:embed health/*.lua
var healthFiles embed.FS

// preludeFile holds the helpers every check starts with.
const preludeFile = "health/prelude.lua"

// HealthCheck is a custom Lua health check for one kind.
type HealthCheck struct {
	Group string `json:"group"`
	Kind  string `json:"kind"`
	Check string `json:"check"`
}

// ConfigMapKey is the check's key in argocd-cm.
func (h HealthCheck) ConfigMapKey() string {
	return "resource.customizations.health." + h.Group + "_" + h.Kind
}

// HealthChecks returns the checks, sorted by kind. Each file under health/
// is named <group>_<kind>.lua and is prefixed with the prelude.
func HealthChecks() []HealthCheck {
	prelude, err := healthFiles.ReadFile(preludeFile)
	if err != nil {
		panic(err) // embedded: missing only if the build is broken
	}
	entries, err := healthFiles.ReadDir("health")
	if err != nil {
		panic(err)
	}
	var checks []HealthCheck
	for _, e := range entries {
		name := "health/" + e.Name()
		if name == preludeFile {
			continue
		}
		body, err := healthFiles.ReadFile(name)
		if err != nil {
			panic(err)
		}
		group, kind, ok := strings.Cut(strings.TrimSuffix(path.Base(name), ".lua"), "_")
		if !ok {
			panic("health check " + name + " is not named <group>_<kind>.lua")
		}
		checks = append(checks, HealthCheck{Group: group, Kind: kind, Check: string(prelude) + "\n" + string(body)})
	}
	sort.Slice(checks, func(i, j int) bool { return checks[i].Kind < checks[j].Kind })
	return checks
}

// ConfigMapHealthPatch is a patch of upstream Argo CD's argocd-cm that adds
// the checks, for kubectl patch --type merge or a kustomize patch.
func ConfigMapHealthPatch() map[string]any {
	data := map[string]string{}
	for _, h := range HealthChecks() {
		data[h.ConfigMapKey()] = h.Check
	}
	return map[string]any{
		"apiVersion": "v1",
		"kind":       "ConfigMap",
		"metadata":   map[string]any{"name": "argocd-cm"},
		"data":       data,
	}
}

// ArgoCDHealthPatch is a patch of OpenShift GitOps' ArgoCD resource that
// adds the checks as spec.resourceHealthChecks; the operator writes them
// into argocd-cm under the same keys.
func ArgoCDHealthPatch(name string) map[string]any {
	return argoCDPatch(name, map[string]any{"resourceHealthChecks": HealthChecks()})
}

// argoCDPatch is a merge patch of the spec of the ArgoCD resource name.
func argoCDPatch(name string, spec map[string]any) map[string]any {
	return map[string]any{
		"apiVersion": "argoproj.io/v1beta1",
		"kind":       "ArgoCD",
		"metadata":   map[string]any{"name": name},
		"spec":       spec,
	}
}
