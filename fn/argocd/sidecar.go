package argocd

import (
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/utils/ptr"
)

// The Config Management Plugin sidecar. The repo-server streams each
// Application's repository to the sidecar's argocd-cmp-server, which runs
// the plugin's generate command (plugin.yaml) there. An initContainer from
// the regprofile image installs regprofile and the pinned kustomize into an
// emptyDir that is first on the sidecar's PATH; the sidecar itself runs any
// image with a shell. Nothing else on the repo-server changes: the patches
// only add containers and volumes with names of their own.
const (
	// PluginConfigMap holds plugin.yaml, under that key.
	PluginConfigMap = "regprofile-plugin"
	// ToolsDir is where regprofile install puts the binaries.
	ToolsDir = "/custom-tools"

	// DefaultImage is the regprofile image the initContainer installs
	// from. None is published: build fn/argocd/deploy/Containerfile and
	// pass --image (docs/argocd.md).
	DefaultImage = "registry.example.com/regprofile/regprofile:v0.1.0"
	// DefaultSidecarImage runs the sidecar on upstream Argo CD: the Argo CD
	// image, which the node already has for the repo-server, with the sh
	// and grep the plugin's commands use. OpenShift GitOps needs none: the
	// operator runs a sidecar without an image on the repo-server's.
	DefaultSidecarImage = "quay.io/argoproj/argocd:v2.14.21"
	// DefaultArgoCD is the ArgoCD resource OpenShift GitOps installs.
	DefaultArgoCD = "openshift-gitops"

	// The repo-server's argocd UID. Upstream Argo CD runs the sidecar as
	// the same user, so that both can use the plugin's socket; OpenShift
	// gives every container of the pod the namespace's UID instead.
	argocdUID = 999

	toolsVolume  = "regprofile-tools"
	tmpVolume    = "regprofile-tmp"
	pluginVolume = "regprofile-plugin"
)

// SidecarOptions choose the images.
type SidecarOptions struct {
	// Image is the regprofile image (regprofile and kustomize in
	// /usr/local/bin).
	Image string
	// SidecarImage runs the upstream sidecar.
	SidecarImage string
}

// RepoServerPatch is a strategic merge patch of upstream Argo CD's
// argocd-repo-server Deployment, for kubectl patch or kustomize.
func RepoServerPatch(o SidecarOptions) map[string]any {
	sidecar := sidecarContainer(ptr.To[int64](argocdUID))
	sidecar.Image = o.SidecarImage
	return map[string]any{
		"apiVersion": "apps/v1",
		"kind":       "Deployment",
		"metadata":   map[string]any{"name": "argocd-repo-server"},
		"spec": map[string]any{"template": map[string]any{"spec": map[string]any{
			"initContainers": []corev1.Container{installContainer(o.Image, ptr.To[int64](argocdUID))},
			"containers":     []corev1.Container{sidecar},
			"volumes":        volumes(),
		}}},
	}
}

// ArgoCDSidecarPatch is a merge patch of OpenShift GitOps' ArgoCD resource
// name that adds the sidecar to its repo-server.
func ArgoCDSidecarPatch(name string, o SidecarOptions) map[string]any {
	return argoCDPatch(name, map[string]any{"repo": map[string]any{
		"initContainers":    []corev1.Container{installContainer(o.Image, nil)},
		"sidecarContainers": []corev1.Container{sidecarContainer(nil)},
		"volumes":           volumes(),
	}})
}

func installContainer(image string, uid *int64) corev1.Container {
	return corev1.Container{
		Name:            "regprofile-install",
		Image:           image,
		Command:         []string{"/usr/local/bin/regprofile", "install", ToolsDir},
		SecurityContext: securityContext(uid),
		Resources:       resources("10m", "32Mi", "128Mi"),
		VolumeMounts:    []corev1.VolumeMount{{Name: toolsVolume, MountPath: ToolsDir}},
	}
}

func sidecarContainer(uid *int64) corev1.Container {
	return corev1.Container{
		Name: "regprofile",
		// The repo-server's copyutil initContainer puts the CMP server here.
		Command: []string{"/var/run/argocd/argocd-cmp-server"},
		Env: []corev1.EnvVar{
			{Name: "PATH", Value: ToolsDir + ":/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"},
			// The only writable place: its own /tmp.
			{Name: "HOME", Value: "/tmp"},
		},
		SecurityContext: securityContext(uid),
		Resources:       resources("50m", "64Mi", "512Mi"),
		VolumeMounts: []corev1.VolumeMount{
			{Name: "var-files", MountPath: "/var/run/argocd"},
			{Name: "plugins", MountPath: "/home/argocd/cmp-server/plugins"},
			{Name: pluginVolume, MountPath: "/home/argocd/cmp-server/config/plugin.yaml", SubPath: "plugin.yaml"},
			{Name: tmpVolume, MountPath: "/tmp"},
			{Name: toolsVolume, MountPath: ToolsDir, ReadOnly: true},
		},
	}
}

// securityContext runs as a non-root user that can write nothing but its
// volumes. uid is nil where the platform assigns the user (OpenShift).
func securityContext(uid *int64) *corev1.SecurityContext {
	return &corev1.SecurityContext{
		RunAsNonRoot:             ptr.To(true),
		RunAsUser:                uid,
		AllowPrivilegeEscalation: ptr.To(false),
		ReadOnlyRootFilesystem:   ptr.To(true),
		Capabilities:             &corev1.Capabilities{Drop: []corev1.Capability{"ALL"}},
		SeccompProfile:           &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault},
	}
}

func resources(cpu, memory, memoryLimit string) corev1.ResourceRequirements {
	return corev1.ResourceRequirements{
		Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse(cpu), corev1.ResourceMemory: resource.MustParse(memory)},
		Limits:   corev1.ResourceList{corev1.ResourceMemory: resource.MustParse(memoryLimit)},
	}
}

// volumes are the sidecar's own; var-files and plugins are the
// repo-server's.
func volumes() []corev1.Volume {
	return []corev1.Volume{
		{Name: pluginVolume, VolumeSource: corev1.VolumeSource{ConfigMap: &corev1.ConfigMapVolumeSource{
			LocalObjectReference: corev1.LocalObjectReference{Name: PluginConfigMap},
		}}},
		{Name: tmpVolume, VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}},
		{Name: toolsVolume, VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}},
	}
}
