package cmp

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/argoproj/gitops-engine/pkg/utils/kube"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/component-helpers/auth/rbac/validation"
	sigsyaml "sigs.k8s.io/yaml"
)

// controllers are the service accounts rbac.yaml grants: OpenShift
// GitOps' and upstream Argo CD's application controllers.
var controllers = []rbacv1.Subject{
	{Kind: "ServiceAccount", Name: "openshift-gitops-argocd-application-controller", Namespace: "openshift-gitops"},
	{Kind: "ServiceAccount", Name: "argocd-application-controller", Namespace: "argocd"},
}

// grants are the rules rbac.yaml gives the controllers: cluster-wide, and
// per namespace on top.
type grants struct {
	cluster     []rbacv1.PolicyRule
	inNamespace map[string][]rbacv1.PolicyRule
}

// in are the rules that apply in a namespace ("" for cluster-scoped).
func (g grants) in(ns string) []rbacv1.PolicyRule {
	return append(append([]rbacv1.PolicyRule{}, g.cluster...), g.inNamespace[ns]...)
}

// allows says whether the rules in a namespace cover one request, with
// the RBAC authorizer's own rule comparison (what the API server also uses
// to refuse an escalation).
func (g grants) allows(ns string, rule rbacv1.PolicyRule) bool {
	ok, _ := validation.Covers(g.in(ns), []rbacv1.PolicyRule{rule})
	return ok
}

func readGrants(t *testing.T) grants {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(repoRoot, "fn", "argocd", "deploy", "rbac.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	docs, err := kube.SplitYAML(data)
	if err != nil {
		t.Fatal(err)
	}
	clusterRoles, roles := map[string][]rbacv1.PolicyRule{}, map[string][]rbacv1.PolicyRule{}
	var bindings []rbacv1.RoleBinding // ClusterRoleBindings too, without a namespace
	for _, d := range docs {
		raw, _ := json.Marshal(d.Object)
		switch d.GetKind() {
		case "ClusterRole", "Role":
			var r rbacv1.Role
			strict(t, raw, &r)
			if d.GetKind() == "ClusterRole" {
				clusterRoles[r.Name] = r.Rules
			} else {
				roles[r.Namespace+"/"+r.Name] = r.Rules
			}
		case "ClusterRoleBinding", "RoleBinding":
			var b rbacv1.RoleBinding
			strict(t, raw, &b)
			bindings = append(bindings, b)
		default:
			t.Errorf("rbac.yaml holds a %s", d.GetKind())
		}
	}
	g := grants{inNamespace: map[string][]rbacv1.PolicyRule{}}
	for _, b := range bindings {
		if !slices.Equal(b.Subjects, controllers) {
			t.Errorf("binding %s/%s binds %v; want both controllers", b.Namespace, b.Name, b.Subjects)
		}
		rules := clusterRoles[b.RoleRef.Name]
		if b.RoleRef.Kind == "Role" {
			rules = roles[b.Namespace+"/"+b.RoleRef.Name]
		}
		if rules == nil {
			t.Errorf("binding %s/%s refers to %s %s, which rbac.yaml does not define", b.Namespace, b.Name, b.RoleRef.Kind, b.RoleRef.Name)
		}
		if b.Namespace == "" {
			g.cluster = append(g.cluster, rules...)
		} else {
			g.inNamespace[b.Namespace] = append(g.inNamespace[b.Namespace], rules...)
		}
	}
	return g
}

func strict(t *testing.T, raw []byte, into any) {
	t.Helper()
	if err := sigsyaml.UnmarshalStrict(raw, into); err != nil {
		t.Fatal(err)
	}
}

func rule(group, resource, verb string, names ...string) rbacv1.PolicyRule {
	return rbacv1.PolicyRule{APIGroups: []string{group}, Resources: []string{resource}, Verbs: []string{verb}, ResourceNames: names}
}

// TestControllerRBACCoversEveryRenderedObject checks rbac.yaml against
// what the seven overlays actually render, object by object, as Argo CD
// syncs it: read every kind cluster-wide (the controller's cache), create,
// patch and update each object, delete it only where pruning is allowed
// (never where the object says Delete=false), create the Roles it renders
// without escalating, and bind the roles its bindings grant.
func TestControllerRBACCoversEveryRenderedObject(t *testing.T) {
	g := readGrants(t)
	var all []*unstructured.Unstructured
	for _, p := range platforms {
		for _, o := range kustomizeBuild(t, filepath.Join(repoRoot, "overlays", p)) {
			all = append(all, o)
			checkObject(t, g, p, o)
		}
	}
	// A kind the overlays stop rendering leaves a grant nobody needs.
	want := "Certificate ClusterRole ClusterRoleBinding Config ConfigMap ExternalSecret Image ImagePruner ObjectBucketClaim PersistentVolumeClaim Role RoleBinding SecretStore ServiceAccount StorageClass"
	if got := strings.Join(sortedKinds(all), " "); got != want {
		t.Errorf("the overlays render %s; rbac.yaml is written for %s", got, want)
	}
}

func checkObject(t *testing.T, g grants, platform string, o *unstructured.Unstructured) {
	t.Helper()
	gvk := o.GroupVersionKind()
	gvr, _ := meta.UnsafeGuessKindToResource(gvk)
	group, resource, ns, name := gvr.Group, gvr.Resource, o.GetNamespace(), o.GetName()
	where := platform + ": " + o.GetKind() + " " + strings.TrimPrefix(ns+"/"+name, "/")
	options := o.GetAnnotations()["argocd.argoproj.io/sync-options"]
	need := []rbacv1.PolicyRule{rule(group, resource, "patch", name), rule(group, resource, "update", name)}
	if strings.Contains(options, "ServerSideApply=true") {
		need = append(need, rule(group, resource, "create", name)) // a server-side apply creates by name
	} else {
		need = append(need, rule(group, resource, "create"))
	}
	for _, verb := range []string{"get", "list", "watch"} {
		if !g.allows("", rule(group, resource, verb)) {
			t.Errorf("%s: the controller cannot %s %s cluster-wide", where, verb, resource)
		}
	}
	for _, r := range need {
		if !g.allows(ns, r) {
			t.Errorf("%s: the controller cannot %s it", where, r.Verbs[0])
		}
	}
	canDelete := g.allows(ns, rule(group, resource, "delete", name))
	switch {
	case strings.Contains(options, "Delete=false") && canDelete:
		t.Errorf("%s: the controller can delete it, which %q forbids", where, options)
	case !strings.Contains(options, "Delete=false") && !canDelete:
		t.Errorf("%s: the controller cannot prune it", where)
	}
	switch o.GetKind() {
	case "Role", "ClusterRole":
		var r rbacv1.Role
		raw, _ := json.Marshal(o.Object)
		strict(t, raw, &r)
		if ok, missing := validation.Covers(g.in(ns), r.Rules); !ok {
			t.Errorf("%s: creating it would escalate: the controller lacks %v", where, missing)
		}
	case "RoleBinding", "ClusterRoleBinding":
		var b rbacv1.RoleBinding
		raw, _ := json.Marshal(o.Object)
		strict(t, raw, &b)
		roles := "clusterroles"
		if b.RoleRef.Kind == "Role" {
			roles = "roles"
		}
		if !g.allows(ns, rule("rbac.authorization.k8s.io", roles, "bind", b.RoleRef.Name)) {
			t.Errorf("%s: the controller cannot bind %s %s", where, b.RoleRef.Kind, b.RoleRef.Name)
		}
	}
}

// TestControllerRBACIsLeast spot-checks what the controller must not do.
func TestControllerRBACIsLeast(t *testing.T) {
	g := readGrants(t)
	for _, c := range []struct {
		ns   string
		rule rbacv1.PolicyRule
		why  string
	}{
		{"openshift-image-registry", rule("", "secrets", "get", "image-registry-private-configuration-user"), "read the registry's storage credentials"},
		{"openshift-image-registry", rule("", "secrets", "get", "image-registry-private-configuration"), "read the operator's copy of them"},
		{"openshift-image-registry", rule("", "secrets", "list"), "list secrets"},
		{"", rule("imageregistry.operator.openshift.io", "configs", "delete", "cluster"), "delete the registry"},
		{"", rule("imageregistry.operator.openshift.io", "configs", "create", "other"), "create another Config"},
		{"openshift-image-registry", rule("", "persistentvolumeclaims", "delete", "image-registry-pvc"), "delete the registry's volume"},
		{"", rule("rbac.authorization.k8s.io", "clusterroles", "bind", "cluster-admin"), "grant cluster-admin"},
		{"", rule("rbac.authorization.k8s.io", "clusterroles", "escalate"), "escalate"},
		{"team-a", rule("", "configmaps", "create"), "write outside the registry's namespaces"},
		{"", rule("apps", "deployments", "patch"), "touch the operator's deployment"},
	} {
		if g.allows(c.ns, c.rule) {
			t.Errorf("the controller can %s (%v in %q)", c.why, c.rule, c.ns)
		}
	}
}
