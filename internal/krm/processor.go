// Package krm runs regprofile as a KRM function (kustomize, kpt): it finds
// the RegistryProfile, renders it, and returns the rendered objects with
// every other input item passed through untouched.
package krm

import (
	"fmt"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/kio/kioutil"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"regprofile.dev/regprofile/fn/api/v1alpha1"
	"regprofile.dev/regprofile/internal/diag"
	"regprofile.dev/regprofile/internal/layout"
	"regprofile.dev/regprofile/internal/manifest"
	"regprofile.dev/regprofile/internal/profile"
	"regprofile.dev/regprofile/internal/render"
)

// LocalConfigAnnotation keeps an object out of kustomize's and kpt's output
// and off the cluster.
const LocalConfigAnnotation = "config.kubernetes.io/local-config"

// Processor is the function. As a generator its functionConfig is the
// RegistryProfile; as a transformer its functionConfig is a
// RegistryProfileTransformer (or absent) and the profile is an input item.
type Processor struct {
	// Options are passed to every render.
	Options render.Options
}

// Process runs the function on rl: its items become the rendered
// objects and every other input item, and its results say what is wrong.
// A bug must not crash the function with a stack trace in the user's
// build: it becomes an error result like any other.
func (p Processor) Process(rl *ResourceList) {
	defer func() {
		if r := recover(); r != nil {
			rl.Results = append(rl.Results, internalError(r))
		}
	}()
	if err := p.process(rl); err != nil {
		rl.Results = append(rl.Results, internalError(err))
	}
}

func internalError(cause any) *Result {
	return &Result{Severity: Error, Message: fmt.Sprintf("internal error: %v; please report it with the input that caused it", cause)}
}

// process returns an error only for what cannot happen (a bug); what is
// wrong with the input is a result.
func (p Processor) process(rl *ResourceList) error {
	node, err := findProfile(rl)
	if err != nil {
		rl.Results = append(rl.Results, &Result{Severity: Error, Message: err.Error()})
		return nil
	}
	apiVersion, kind, name := profile.Identity(node)
	ref := &yaml.ResourceIdentifier{
		TypeMeta: yaml.TypeMeta{APIVersion: apiVersion, Kind: kind},
		NameMeta: yaml.NameMeta{Name: name},
	}
	file := sourceFile(node)

	var rendered []*yaml.RNode
	fs := clearSecrets(rl.Items)
	if fs.HasErrors() {
		rl.Results = append(rl.Results, results(fs, ref, file)...)
		return nil
	}
	prof, fs := profile.Decode(node)
	if !fs.HasErrors() {
		objs, more := render.Render(prof, p.Options)
		fs = append(fs, more...)
		paths, err := filePaths(prof, p.Options, objs, file)
		if err != nil {
			return err
		}
		for i, o := range objs {
			rn, err := o.RNode()
			if err != nil {
				return err
			}
			if paths != nil {
				if err := rn.PipeE(yaml.SetAnnotation(kioutil.PathAnnotation, paths[i])); err != nil {
					return err
				}
			}
			rendered = append(rendered, rn)
		}
	}
	rl.Results = append(rl.Results, results(fs, ref, file)...)
	if fs.HasErrors() {
		return nil
	}
	items, err := merge(rl.Items, rendered, name)
	if err != nil {
		rl.Results = append(rl.Results, &Result{Severity: Error, Message: err.Error(), ResourceRef: ref})
		return nil
	}
	if err := keepLocal(node); err != nil {
		return err
	}
	if err := dropIDs(items); err != nil {
		return err
	}
	rl.Items = items
	return nil
}

// dropIDs removes the id annotations the orchestrator put on the input
// items (kyaml's runtimeutil.FunctionFilter, used by kustomize and kpt).
// Given back, they make it walk every returned item against its schema to
// copy comments and field order back from the input (which, in kustomize,
// parses kyaml's whole built-in OpenAPI schema) and then clear them. The
// items already carry their comments and field order, since the function
// passes their nodes through untouched, so clearing the ids here, the same
// way kyaml does, gives the same items without the walk.
func dropIDs(items []*yaml.RNode) error {
	for _, it := range items {
		for _, key := range []string{kioutil.IdAnnotation, kioutil.LegacyIdAnnotation} {
			if _, ok := it.GetAnnotations()[key]; !ok {
				continue
			}
			if err := it.PipeE(yaml.ClearAnnotation(key)); err != nil {
				return err
			}
		}
	}
	return nil
}

// filePaths says where kpt writes each rendered object: the file that
// "regprofile emit" writes it to (bases/... when every platform the profile
// names renders it the same, else overlays/<platform>/...). Only when the
// orchestrator says which file the profile came from (kpt does, kustomize
// does not): finding what is shared renders every other platform, work
// that kustomize, and so Argo CD, would throw away.
func filePaths(prof *v1alpha1.RegistryProfile, opts render.Options, objs []*manifest.Object, file string) ([]string, error) {
	if len(objs) == 0 || file == "" {
		return nil, nil
	}
	platform := opts.Platform
	if platform == "" {
		platform = prof.Spec.Platform
	}
	return layout.PathsFor(prof, platform, objs)
}

// findProfile picks the profile: the functionConfig when it is one
// (generator), else the one RegistryProfile among the items (transformer).
func findProfile(rl *ResourceList) (*yaml.RNode, error) {
	fc := rl.FunctionConfig
	// kyaml's accessors assume an object: on a list or a scalar they index
	// past the node's content. kyaml's reader already refuses items that are
	// not objects, but not a functionConfig.
	if fc != nil && fc.YNode().Kind != yaml.MappingNode {
		return nil, fmt.Errorf("functionConfig is not an object (a YAML mapping); fix: make it a %s or a %s, or leave it out", v1alpha1.Kind, v1alpha1.TransformerKind)
	}
	if fc != nil && fc.GetKind() == v1alpha1.Kind {
		// The same profile may be among the items too (kpt passes a
		// function config that lives in the package); another is an error,
		// never passed through as if it were a cluster resource.
		for _, it := range rl.Items {
			if isProfileKind(it) && (it.GetName() != fc.GetName() || it.GetApiVersion() != fc.GetApiVersion()) {
				return nil, fmt.Errorf("a second %s, %s, among the input items of a generator whose functionConfig is %s; one render takes exactly one: remove one of them", v1alpha1.Kind, it.GetName(), fc.GetName())
			}
		}
		return fc, nil
	}
	if fc != nil && !transformerConfig(fc) {
		return nil, fmt.Errorf("functionConfig is a %s; regprofile takes a %s (generator) or a %s (transformer)", fc.GetKind(), v1alpha1.Kind, v1alpha1.TransformerKind)
	}
	var found []*yaml.RNode
	for _, it := range rl.Items {
		if isProfileKind(it) {
			found = append(found, it)
		}
	}
	switch len(found) {
	case 0:
		return nil, fmt.Errorf("no %s among the %d input items; add one (apiVersion %s) to the kustomization's resources", v1alpha1.Kind, len(rl.Items), v1alpha1.APIVersion)
	case 1:
		return found[0], nil
	}
	names := ""
	for i, f := range found {
		if i > 0 {
			names += ", "
		}
		names += f.GetName()
	}
	return nil, fmt.Errorf("%d %ss among the input items (%s); one render takes exactly one", len(found), v1alpha1.Kind, names)
}

// clearSecrets finds input Secrets that carry the registry's storage
// credentials in clear. They would be applied from Git, which is exactly
// what spec.credentials exists to avoid. Values are never repeated.
func clearSecrets(items []*yaml.RNode) diag.Findings {
	var fs diag.Findings
	for _, it := range items {
		if it.GetKind() != "Secret" {
			continue
		}
		var keys []string
		for _, field := range []string{"data", "stringData"} {
			m, _ := it.Pipe(yaml.Lookup(field))
			if m == nil {
				continue
			}
			fieldKeys, _ := m.Fields()
			for _, k := range fieldKeys {
				if profile.IsCredentialKey(k) || it.GetName() == render.CredentialsSecret {
					keys = append(keys, field+"."+k)
				}
			}
		}
		if len(keys) > 0 {
			fs = append(fs, diag.Errorf("", "remove the Secret from the kustomization, rotate the credentials, and use spec.credentials (an ExternalSecret, or existingSecret: true)",
				"input Secret %s/%s carries registry credentials in clear (%s)", it.GetNamespace(), it.GetName(), strings.Join(keys, ", ")))
		}
	}
	return fs
}

// transformerConfig reports whether a functionConfig asks for transformer
// mode: a RegistryProfileTransformer, or none at all (kustomize sends
// nothing, kpt's "fn eval" without --fn-config an empty ConfigMap).
func transformerConfig(fc *yaml.RNode) bool {
	switch fc.GetKind() {
	case "", v1alpha1.TransformerKind:
		return true
	case "ConfigMap":
		data, _ := fc.Pipe(yaml.Lookup("data"))
		return data.IsNilOrEmpty()
	}
	return false
}

// merge returns the input items with this profile's earlier output replaced
// by the new one. An input item is dropped only when it is provably that
// earlier output: it carries this profile's owner annotation AND it is an
// object the new render produces (same group, kind, name and, for a
// namespaced kind, namespace). Anything else the render would overwrite is
// a conflict, and an item claiming to be this profile's output that the
// render does not produce is an error rather than silently dropped: the
// annotation alone proves nothing.
func merge(items, rendered []*yaml.RNode, owner string) ([]*yaml.RNode, error) {
	ids := map[string]bool{}
	clusterScoped := map[string]bool{}
	namespaced := map[string]bool{}
	for _, rn := range rendered {
		gk := groupKind(rn)
		if rn.GetNamespace() == "" {
			clusterScoped[gk] = true
		} else {
			namespaced[gk] = true
		}
		ids[gk+" "+rn.GetNamespace()+"/"+rn.GetName()] = true
	}
	matches := func(it *yaml.RNode) bool {
		gk := groupKind(it)
		switch {
		case clusterScoped[gk]:
			// A namespace on a cluster-scoped kind is ignored by the API
			// server: it is the same object.
			return ids[gk+" /"+it.GetName()]
		case namespaced[gk] && it.GetNamespace() == "":
			// The namespace may be set later (kustomize's namespace:).
			for id := range ids {
				if strings.HasPrefix(id, gk+" ") && strings.HasSuffix(id, "/"+it.GetName()) {
					return true
				}
			}
			return false
		}
		return ids[gk+" "+it.GetNamespace()+"/"+it.GetName()]
	}
	out := make([]*yaml.RNode, 0, len(items)+len(rendered))
	for _, it := range items {
		ours := annotation(it, render.OwnerAnnotation) == owner && !isProfileKind(it)
		match := matches(it)
		switch {
		case ours && match:
			continue // our own earlier output, replaced below
		case match:
			return nil, fmt.Errorf("the rendered %s would replace an input resource of the same group, kind and name; remove it from the kustomization, or let the profile own it", describe(it))
		case ours:
			return nil, fmt.Errorf("input %s carries %s: %s but this render does not produce it; fix: delete it if it is output of an earlier render of this profile, or remove the annotation", describe(it), render.OwnerAnnotation, owner)
		}
		out = append(out, it)
	}
	return append(out, rendered...), nil
}

// groupKind is an object's API group and kind: the version does not
// change which object it is.
func groupKind(rn *yaml.RNode) string {
	group, _, found := strings.Cut(rn.GetApiVersion(), "/")
	if !found {
		group = "" // the core group: "v1"
	}
	return group + " " + rn.GetKind()
}

func describe(rn *yaml.RNode) string {
	id := rn.GetKind() + " " + rn.GetName()
	if ns := rn.GetNamespace(); ns != "" {
		id += " (namespace " + ns + ")"
	}
	return id
}

// annotation reads one annotation without trusting the item's shape.
func annotation(rn *yaml.RNode, key string) string {
	annotations, err := rn.Pipe(yaml.Lookup("metadata", "annotations"))
	if err != nil || annotations == nil || annotations.YNode().Kind != yaml.MappingNode {
		return ""
	}
	if v := annotations.Field(key); v != nil && v.Value.YNode().Kind == yaml.ScalarNode {
		return v.Value.YNode().Value
	}
	return ""
}

// isProfileKind reports whether an item is a RegistryProfile, of any
// version of regprofile's API group.
func isProfileKind(rn *yaml.RNode) bool {
	group, _, _ := strings.Cut(rn.GetApiVersion(), "/")
	return rn.GetKind() == v1alpha1.Kind && (group == "regprofile.dev" || rn.GetApiVersion() == "")
}

// keepLocal marks the profile local-config, so that kustomize drops it from
// its output while kpt keeps it in the package.
func keepLocal(node *yaml.RNode) error {
	if node.GetAnnotations()[LocalConfigAnnotation] == "true" {
		return nil
	}
	return node.PipeE(yaml.SetAnnotation(LocalConfigAnnotation, "true"))
}

// sourceFile is the file the profile came from, when the orchestrator said.
// It runs before the profile is known to be well formed, so it reads the
// annotations only if metadata.annotations is really a map.
func sourceFile(node *yaml.RNode) string {
	annotations, err := node.Pipe(yaml.Lookup("metadata", "annotations"))
	if err != nil || annotations == nil || annotations.YNode().Kind != yaml.MappingNode {
		return ""
	}
	for _, key := range []string{kioutil.PathAnnotation, kioutil.LegacyPathAnnotation} {
		if v := annotations.Field(key); v != nil && v.Value.YNode().Kind == yaml.ScalarNode && v.Value.YNode().Value != "" {
			return v.Value.YNode().Value
		}
	}
	// kustomize says where a resource came from only when the
	// kustomization asks for it (buildMetadata: [originAnnotations]).
	if v := annotations.Field(originAnnotation); v != nil && v.Value.YNode().Kind == yaml.ScalarNode {
		if origin, err := yaml.Parse(v.Value.YNode().Value); err == nil {
			if p, err := origin.Pipe(yaml.Lookup("path")); err == nil && p != nil && p.YNode().Kind == yaml.ScalarNode {
				return p.YNode().Value
			}
		}
	}
	return ""
}

// originAnnotation is kustomize's record of the file a resource came from.
const originAnnotation = "config.kubernetes.io/origin"

func results(fs diag.Findings, ref *yaml.ResourceIdentifier, file string) []*Result {
	var out []*Result
	for _, f := range fs.Sorted() {
		res := &Result{Severity: Severity(f.Severity), Message: f.Message, ResourceRef: ref}
		if f.Fix != "" {
			res.Message += "; fix: " + f.Fix
		}
		if f.Path != "" {
			res.Field = &Field{Path: f.Path}
		}
		if file != "" {
			res.File = &File{Path: file}
		}
		if f.Rule != "" {
			res.Tags = map[string]string{RuleTag: f.Rule}
		}
		out = append(out, res)
	}
	return out
}
