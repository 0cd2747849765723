package review

import (
	"fmt"
	"maps"
	"reflect"
	"slices"
	"sort"
	"strings"

	"github.com/google/cel-go/cel"
	"k8s.io/apimachinery/pkg/api/resource"
)

// What the API server refuses on update, kind by kind, as its own
// validation decides it (k8s.io/kubernetes pkg/apis/*/validation, the
// PersistentVolumeClaimResize admission plugin, and the CRDs' CEL
// transition rules). The answers quote the server's field errors. The
// e2e/apiserver oracle runs every scripted change through a real
// apiextensions-apiserver and through the upstream validation functions
// and checks that exactly these updates are refused.
//
// An update is judged as Argo CD makes it: the head object applied over
// the base object as the server stored it (defaults filled in), a claim
// bound to its volume as the PV controller leaves it.

// refusal is one refused update: the field, what the server answers, and
// what to do instead.
type refusal struct {
	field, from, to string
	answer, instead string
	flag            string // FlagRefused unless set
}

// updateRule judges updates of one kind.
type updateRule struct {
	group, kind string
	check       func(c *change, b, h *Object) []refusal
}

var updateRules = []updateRule{
	{"storage.k8s.io", "StorageClass", storageClassUpdate},
	{"", "PersistentVolumeClaim", claimUpdate},
	{"", "PersistentVolume", volumeUpdate},
	{"rbac.authorization.k8s.io", "RoleBinding", roleRefUpdate},
	{"rbac.authorization.k8s.io", "ClusterRoleBinding", roleRefUpdate},
	{"", "ConfigMap", immutableDataUpdate},
	{"", "Secret", immutableDataUpdate},
	{"objectbucket.io", "ObjectBucketClaim", bucketClaimUpdate},
}

// refusals flags every update of an object present at both revisions that
// the API server refuses, or accepts without effect.
func refusals(c *change, flag flagger) {
	for _, h := range c.head.sorted() {
		b := c.base[h.key()]
		if b == nil {
			continue
		}
		var rs []refusal
		for _, r := range updateRules {
			if r.group == h.group() && r.kind == h.Kind {
				rs = append(rs, r.check(c, b, h)...)
			}
		}
		rs = append(rs, transitionRefusals(b, h)...)
		for _, r := range rs {
			name := r.flag
			if name == "" {
				name = FlagRefused
			}
			change := r.field
			if r.from != "" || r.to != "" {
				change += " " + r.from + " → " + r.to
			}
			if name == FlagRefused {
				flag(name, h, "%s: the API server refuses the update (%s); instead: %s", change, r.answer, r.instead)
			} else {
				flag(name, h, "%s: %s; instead: %s", change, r.answer, r.instead)
			}
		}
	}
}

// specOf is a deep copy of a map field of the object, with defaults.
func specOf(o *Object, defaults map[string]any, path ...string) map[string]any {
	m, _ := deepCopy(lookup(o.Doc, path...)).(map[string]any)
	if m == nil {
		m = map[string]any{}
	}
	for k, v := range defaults {
		if _, ok := m[k]; !ok {
			m[k] = v
		}
	}
	return m
}

func deepCopy(v any) any {
	switch x := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(x))
		for k, e := range x {
			m[k] = deepCopy(e)
		}
		return m
	case []any:
		l := make([]any, len(x))
		for i, e := range x {
			l[i] = deepCopy(e)
		}
		return l
	}
	return v
}

// equal compares two decoded values; an empty map or list equals unset,
// as the server stores neither.
func equal(a, b any) bool {
	if empty(a) && empty(b) {
		return true
	}
	return reflect.DeepEqual(a, b)
}

func empty(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case map[string]any:
		return len(x) == 0
	case []any:
		return len(x) == 0
	}
	return false
}

// changedFields lists the top-level keys whose values differ.
func changedFields(a, b map[string]any) []string {
	keys := map[string]bool{}
	for k := range a {
		keys[k] = true
	}
	for k := range b {
		keys[k] = true
	}
	var out []string
	for _, k := range slices.Sorted(maps.Keys(keys)) {
		if !equal(a[k], b[k]) {
			out = append(out, k)
		}
	}
	return out
}

// ValidateStorageClassUpdate: parameters, provisioner, reclaimPolicy
// (default Delete) and volumeBindingMode (default Immediate).
func storageClassUpdate(_ *change, b, h *Object) []refusal {
	defaults := map[string]any{"reclaimPolicy": "Delete", "volumeBindingMode": "Immediate"}
	bs, hs := specOf(b, defaults), specOf(h, defaults)
	instead := "create a StorageClass under a new name for new volumes, or delete this class and let Argo CD create it again (existing volumes keep what they were provisioned with)"
	var out []refusal
	for _, f := range []struct{ field, answer string }{
		{"parameters", "parameters: Forbidden: updates to parameters are forbidden."},
		{"provisioner", "provisioner: Forbidden: updates to provisioner are forbidden."},
		{"reclaimPolicy", "reclaimPolicy: Forbidden: updates to reclaimPolicy are forbidden."},
		{"volumeBindingMode", "volumeBindingMode: Invalid value: field is immutable"},
	} {
		if !equal(bs[f.field], hs[f.field]) {
			out = append(out, refusal{field: f.field, from: display(bs[f.field]), to: display(hs[f.field]), answer: f.answer, instead: instead})
		}
	}
	return out
}

const recreateClaim = "create a new claim under another name, copy the images to it, and point spec.storage.pvc.claim at it"

// ValidatePersistentVolumeClaimUpdate on a bound claim: the spec is
// immutable except resources.requests.storage, which may grow (not
// shrink); volumeName may be set once and storageClassName set where it
// was unset. A claim grows only if its StorageClass allows volume
// expansion (the PersistentVolumeClaimResize admission plugin).
func claimUpdate(c *change, b, h *Object) []refusal {
	defaults := map[string]any{"volumeMode": "Filesystem"}
	bs, hs := specOf(b, defaults, "spec"), specOf(h, defaults, "spec")
	from, to := str(b.Doc, "spec", "resources", "requests", "storage"), str(h.Doc, "spec", "resources", "requests", "storage")
	for _, s := range []map[string]any{bs, hs} {
		if req, ok := lookup(s, "resources", "requests").(map[string]any); ok {
			delete(req, "storage")
		}
	}
	if _, ok := bs["volumeName"]; !ok {
		delete(hs, "volumeName")
	}
	if _, ok := bs["storageClassName"]; !ok {
		delete(hs, "storageClassName")
	}
	var out []refusal
	for _, f := range changedFields(bs, hs) {
		out = append(out, refusal{field: "spec." + f, from: display(bs[f]), to: display(hs[f]),
			answer:  "spec: Forbidden: spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims",
			instead: recreateClaim})
	}
	qf, err1 := resource.ParseQuantity(from)
	qt, err2 := resource.ParseQuantity(to)
	if err1 != nil || err2 != nil {
		return out
	}
	size := refusal{field: "spec.resources.requests.storage", from: from, to: to}
	switch cmp := qt.Cmp(qf); {
	case cmp < 0:
		size.answer = "spec.resources.requests.storage: Forbidden: field can not be less than previous value"
		size.instead = "keep the size; to use less space, " + recreateClaim
		out = append(out, size)
	case cmp > 0:
		class := str(h.Doc, "spec", "storageClassName")
		resize := "Forbidden: only dynamically provisioned pvc can be resized and the storageclass that provisions the pvc must support resize"
		sc := c.live(keyOf("storage.k8s.io", "StorageClass", "", class))
		switch {
		case class == "":
			size.answer, size.instead = resize+" (the claim names no StorageClass)", recreateClaim
			out = append(out, size)
		case sc == nil:
			size.flag = FlagExpansion
			size.answer = fmt.Sprintf("the API server accepts it only if StorageClass %s, which this overlay does not render, has allowVolumeExpansion: true (otherwise: %s)", class, resize)
			size.instead = "check the class (oc get storageclass " + class + " -o jsonpath='{.allowVolumeExpansion}'); if it does not allow expansion, " + recreateClaim
			out = append(out, size)
		case lookup(sc.Doc, "allowVolumeExpansion") != true:
			size.answer = resize + fmt.Sprintf(" (StorageClass %s does not set allowVolumeExpansion: true)", class)
			size.instead = "set allowVolumeExpansion: true on the class first (it may change), or " + recreateClaim
			out = append(out, size)
		}
	}
	return out
}

// pvMutable are the PersistentVolume spec fields outside its volume
// source; every other field is part of the source.
var pvMutable = []string{"accessModes", "capacity", "claimRef", "mountOptions", "nodeAffinity",
	"persistentVolumeReclaimPolicy", "storageClassName", "volumeAttributesClassName", "volumeMode"}

// ValidatePersistentVolumeUpdate: the volume source is immutable, so is
// volumeMode (default Filesystem), and nodeAffinity once set.
func volumeUpdate(_ *change, b, h *Object) []refusal {
	defaults := map[string]any{"volumeMode": "Filesystem"}
	bs, hs := specOf(b, defaults, "spec"), specOf(h, defaults, "spec")
	instead := "create a new PersistentVolume (and claim) under another name, copy the images to it, and point the registry at the new claim"
	var out []refusal
	for _, f := range changedFields(bs, hs) {
		switch {
		case !slices.Contains(pvMutable, f):
			out = append(out, refusal{field: "spec." + f, from: display(bs[f]), to: display(hs[f]),
				answer: "spec.persistentvolumesource: Forbidden: spec.persistentvolumesource is immutable after creation", instead: instead})
		case f == "volumeMode":
			out = append(out, refusal{field: "spec.volumeMode", from: display(bs[f]), to: display(hs[f]),
				answer: "volumeMode: Invalid value: field is immutable", instead: instead})
		case f == "nodeAffinity" && bs[f] != nil:
			out = append(out, refusal{field: "spec.nodeAffinity", from: display(bs[f]), to: display(hs[f]),
				answer: "nodeAffinity: Invalid value: field is immutable", instead: instead})
		}
	}
	return out
}

// ValidateRoleBindingUpdate, ValidateClusterRoleBindingUpdate: roleRef is
// immutable.
func roleRefUpdate(_ *change, b, h *Object) []refusal {
	from, to := lookup(b.Doc, "roleRef"), lookup(h.Doc, "roleRef")
	if equal(from, to) {
		return nil
	}
	return []refusal{{field: "roleRef", from: display(from), to: display(to),
		answer:  "roleRef: Invalid value: cannot change roleRef",
		instead: "bind the new role under a new binding name and remove this one (or let Argo CD replace it: Replace=true)"}}
}

// ValidateConfigMapUpdate, ValidateSecretUpdate: an object marked
// immutable cannot change its data nor become mutable.
func immutableDataUpdate(_ *change, b, h *Object) []refusal {
	if lookup(b.Doc, "immutable") != true {
		return nil
	}
	instead := "publish the new data under a new name and point its users at it"
	var out []refusal
	if lookup(h.Doc, "immutable") != true {
		out = append(out, refusal{field: "immutable", from: "true", to: display(lookup(h.Doc, "immutable")),
			answer: "immutable: Forbidden: field is immutable when `immutable` is set", instead: instead})
	}
	for _, f := range []string{"data", "binaryData", "stringData"} {
		if !equal(lookup(b.Doc, f), lookup(h.Doc, f)) {
			out = append(out, refusal{field: f, answer: f + ": Forbidden: field is immutable when `immutable` is set", instead: instead})
		}
	}
	return out
}

// The ObjectBucketClaim CRD has no update validation: the API server
// accepts any change of the spec. The bucket provisioner
// (kube-object-storage/lib-bucket-provisioner, as ODF and NooBaa run it)
// provisions a claim once (shouldProvision: not again once bound) and acts
// on one later change only: spec.additionalConfig (updateSupported in
// pkg/provisioner/controller.go, which logs any other spec change as
// "invalid changes to OBC" and drops it). So the bucket and its class stay
// as first provisioned.
func bucketClaimUpdate(_ *change, b, h *Object) []refusal {
	bs, hs := specOf(b, nil, "spec"), specOf(h, nil, "spec")
	var out []refusal
	for _, f := range changedFields(bs, hs) {
		if f == "additionalConfig" {
			continue
		}
		out = append(out, refusal{flag: FlagNotApplied, field: "spec." + f, from: display(bs[f]), to: display(hs[f]),
			answer:  "the API server accepts it, but the bucket provisioner does not act on a changed claim: the bucket stays as it was provisioned",
			instead: "create a new ObjectBucketClaim under another name, copy the images to its bucket, then point the registry at it"})
	}
	return out
}

// TransitionRule is an x-kubernetes-validations rule that reads oldSelf
// in one of the CRDs regprofile renders objects of. The list is checked
// against the pinned CRDs (e2e/schema TestTransitionRules): a new rule
// upstream fails that test until it is listed here.
type TransitionRule struct {
	Group, Kind string
	// Path is the field the rule sits on, dot-separated.
	Path    string
	Rule    string
	Message string
}

// TransitionRules are the pinned CRDs' transition rules.
var TransitionRules = []TransitionRule{
	{Group: "imageregistry.operator.openshift.io", Kind: "Config", Path: "status.latestAvailableRevision", Rule: "self >= oldSelf", Message: "must only increase"},
}

// transitionRefusals evaluates the transition rules of the object's kind
// on the field's old and new values, as the API server does when both are
// set.
func transitionRefusals(b, h *Object) []refusal {
	var out []refusal
	for _, r := range TransitionRules {
		if r.Group != h.group() || r.Kind != h.Kind {
			continue
		}
		path := strings.Split(r.Path, ".")
		old, cur := lookup(b.Doc, path...), lookup(h.Doc, path...)
		if old == nil || cur == nil {
			continue
		}
		ok, err := evalTransition(r.Rule, celValue(cur), celValue(old))
		if err == nil && ok {
			continue
		}
		answer := fmt.Sprintf("%s: Invalid value: %s", r.Path, r.Message)
		if err != nil {
			answer += " (" + err.Error() + ")"
		}
		out = append(out, refusal{field: r.Path, from: display(old), to: display(cur), answer: answer,
			instead: fmt.Sprintf("change %s only as the rule %q allows", r.Path, r.Rule)})
	}
	return out
}

// celValue makes decoded JSON numbers integers where they are whole, as
// the CRDs' integer fields are typed.
func celValue(v any) any {
	switch x := v.(type) {
	case float64:
		if x == float64(int64(x)) {
			return int64(x)
		}
	case map[string]any:
		m := make(map[string]any, len(x))
		for k, e := range x {
			m[k] = celValue(e)
		}
		return m
	case []any:
		l := make([]any, len(x))
		for i, e := range x {
			l[i] = celValue(e)
		}
		return l
	}
	return v
}

func evalTransition(rule string, self, oldSelf any) (bool, error) {
	env, err := cel.NewEnv(cel.Variable("self", cel.DynType), cel.Variable("oldSelf", cel.DynType))
	if err != nil {
		return false, err
	}
	ast, iss := env.Compile(rule)
	if iss.Err() != nil {
		return false, iss.Err()
	}
	prg, err := env.Program(ast)
	if err != nil {
		return false, err
	}
	out, _, err := prg.Eval(map[string]any{"self": self, "oldSelf": oldSelf})
	if err != nil {
		return false, err
	}
	ok, isBool := out.Value().(bool)
	if !isBool {
		return false, fmt.Errorf("rule %q is not a boolean", rule)
	}
	return ok, nil
}

// sortedKeys lists a map's keys in order.
func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
