package argocd

import (
	"errors"
	"fmt"
	"strings"
	"unicode"

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
	// /usr/local/bin), required: none is published, make image builds it
	// (docs/argocd.md).
	Image string
	// SidecarImage runs the upstream sidecar.
	SidecarImage string
}

// ErrImage is a sidecar patch without a usable image: errors.Is tells an
// imageError, whose text names the flag and the fix.
var ErrImage = errors.New("no usable image")

type imageError string

func (e imageError) Error() string      { return string(e) }
func (imageError) Is(target error) bool { return target == ErrImage }

// check refuses a missing or malformed image: a patch without one would
// leave the repo-server's pod unable to start, far from the command that
// caused it. The sidecar's image is needed only where Argo CD does not
// supply one (format deployment).
func (o SidecarOptions) check(format string) error {
	if err := checkImage("--image", o.Image,
		"the regprofile image the initContainer installs regprofile and kustomize from; none is published: "+
			"build it with make image, push it where your clusters pull from (docs/argocd.md, 1. Build the image) "+
			"and pass --image REGISTRY/regprofile:TAG"); err != nil {
		return err
	}
	if format == FormatDeployment {
		return checkImage("--sidecar-image", o.SidecarImage,
			"an image with sh and grep for the sidecar; leave the flag out for the default, "+DefaultSidecarImage)
	}
	return nil
}

func checkImage(flag, image, what string) error {
	if strings.TrimSpace(image) == "" {
		return imageError(flag + ": required: " + what)
	}
	if strings.ContainsFunc(image, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) {
		return imageError(fmt.Sprintf("%s %q: an image reference has no spaces or control characters; fix: pass one such as registry.example.com/platform/regprofile:v0.1.0", flag, image))
	}
	return nil
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
