package adopt

import (
	"fmt"
	"reflect"
	"sort"
	"strings"

	"regprofile.dev/regprofile/fn/api/v1alpha1"
	"regprofile.dev/regprofile/internal/diag"
	"regprofile.dev/regprofile/internal/profile"
	"regprofile.dev/regprofile/internal/render"
	"regprofile.dev/regprofile/internal/rules"
)

// specTypes are the profile types that mirror each singleton's spec.
var specTypes = map[string]reflect.Type{
	"Config":      reflect.TypeOf(v1alpha1.RegistrySpec{}),
	"ImagePruner": reflect.TypeOf(v1alpha1.PrunerSpec{}),
}

// operatorManagers are the field managers of the registry operator: fields
// only they own are the operator's, not leftovers.
func operatorManager(m string) bool { return strings.HasPrefix(m, "cluster-image-registry-operator") }

// The singletons regprofile applies server-side, and how oc names them.
var singletons = map[string]string{
	"imageregistry.operator.openshift.io/Config":      "configs.imageregistry.operator.openshift.io/cluster",
	"imageregistry.operator.openshift.io/ImagePruner": "imagepruners.imageregistry.operator.openshift.io/cluster",
	"config.openshift.io/Image":                       "images.config.openshift.io/cluster",
}

// Leftovers compares the live singletons (Config, ImagePruner, Image) with
// what the profile renders for platform. Server-side apply owns only the
// fields it sends: every other field stays as it is, kept by whichever
// manager wrote it. Each such field is a warning naming its owners (from
// managedFields, when the dump has them: oc get --show-managed-fields); a
// second storage backend beside the rendered one, which the operator
// rejects (MultiStoragesError), is an error with the command that removes
// it.
func Leftovers(prof Input, platform string, live []Input) Findings {
	var fs Findings
	p, dfs := profile.DecodeBytes(prof.Data)
	for _, f := range dfs {
		fs.add(prof.Name, f)
	}
	if dfs.HasErrors() {
		return fs
	}
	objs, rfs := render.Render(p, render.Options{Platform: platform})
	for _, f := range rfs {
		if f.Severity == diag.Error {
			fs.add(prof.Name, f)
		}
	}
	if rfs.HasErrors() {
		return fs
	}
	removed := map[string]bool{} // registry.removeFields, which a hook removes
	if plat, version, sfs := rules.CheckSelection(p, platform); !sfs.HasErrors() {
		for _, f := range profile.Resolve(p, plat.Name(), version).Registry.RemoveFields {
			removed[f] = true
		}
	}
	rendered := map[string]map[string]any{}
	for _, o := range objs {
		if o.Namespace != "" {
			continue
		}
		rn, err := o.RNode()
		if err != nil {
			fs.add(prof.Name, diag.Errorf("", "", "%v", err))
			return fs
		}
		var m map[string]any
		if err := rn.YNode().Decode(&m); err != nil {
			fs.add(prof.Name, diag.Errorf("", "", "%v", err))
			return fs
		}
		rendered[groupOf(o.APIVersion)+"/"+o.Kind] = m
	}
	for _, in := range live {
		for _, o := range readObjects(in, &fs) {
			key := o.group() + "/" + o.kind
			ocName, ok := singletons[key]
			if !ok || o.name != singleton {
				continue
			}
			want := rendered[key]
			liveSpec := asMap(cleanT(mapAt(o.m, "spec"), specTypes[o.kind], false))
			if o.kind == "Config" {
				for _, k := range operatorOwned {
					delete(liveSpec, k)
				}
			}
			wantSpec := mapAt(want, "spec")
			owners := fieldOwners(o.m)
			var paths []string
			leafPaths(liveSpec, "", &paths)
			for _, path := range paths {
				if has(wantSpec, path) {
					continue
				}
				who := ownersOf(owners, path)
				if len(who) > 0 && allOperator(who) {
					continue // the operator's own field
				}
				id := o.kind + "/cluster spec." + path
				if backend, rejected := secondBackend(o.kind, path, wantSpec); rejected {
					if removed["storage."+backend] {
						fs.add(o.file, diag.Finding{Severity: diag.Info, Path: id,
							Message: "a second storage backend, which the hook of registry.removeFields removes in the wave before the Config" + ownedBy(who)})
						continue
					}
					fs.add(o.file, diag.Errorf(id,
						fmt.Sprintf(`add it to spec.registry.removeFields (removeFields: [storage.%s]), or remove it before the first sync: oc patch %s --type=json -p '[{"op":"remove","path":"/spec/storage/%s"}]'`, backend, ocName, backend),
						"a second storage backend beside the rendered one: server-side apply keeps it, and the operator rejects two (MultiStoragesError)%s", ownedBy(who)))
					continue
				}
				if o.kind == "Config" && strings.HasPrefix(path, "storage.") && wantSpec != nil && wantSpec["storage"] == nil {
					continue // installer-provisioned: the operator's storage
				}
				fs.add(o.file, diag.Warnf(id, "set it in the profile to manage it, or remove it from the cluster if it should go",
					"not set by the profile: server-side apply leaves it as it is%s", ownedBy(who)))
			}
		}
	}
	return fs
}

func groupOf(apiVersion string) string {
	g, _, found := strings.Cut(apiVersion, "/")
	if !found {
		return ""
	}
	return g
}

// secondBackend reports a live storage backend that is not the rendered
// one, when the profile renders a backend.
func secondBackend(kind, path string, want map[string]any) (string, bool) {
	if kind != "Config" {
		return "", false
	}
	rest, ok := strings.CutPrefix(path, "storage.")
	if !ok {
		return "", false
	}
	backend, _, _ := strings.Cut(rest, ".")
	if backend == "managementState" {
		return "", false
	}
	storage := mapAt(want, "storage")
	if storage == nil {
		return "", false
	}
	_, same := storage[backend]
	return backend, !same
}

// ownersOf returns the managers of a path, or of its nearest ancestor
// that managedFields lists.
func ownersOf(owners map[string][]string, path string) []string {
	for p := path; p != ""; {
		if who, ok := owners[p]; ok {
			return who
		}
		i := strings.LastIndex(p, ".")
		if i < 0 {
			break
		}
		p = p[:i]
	}
	return nil
}

func ownedBy(who []string) string {
	if len(who) == 0 {
		return " (owner unknown: dump with oc get --show-managed-fields)"
	}
	return " (owned by " + strings.Join(who, ", ") + ")"
}

func allOperator(who []string) bool {
	for _, w := range who {
		if !operatorManager(w) {
			return false
		}
	}
	return true
}

// leafPaths lists the dotted paths of a value's leaves; a list is a leaf,
// and so is an empty object.
func leafPaths(m map[string]any, prefix string, out *[]string) {
	for _, k := range sortedKeys(m) {
		if sub, ok := m[k].(map[string]any); ok && len(sub) > 0 {
			leafPaths(sub, prefix+k+".", out)
			continue
		}
		*out = append(*out, prefix+k)
	}
}

func has(m map[string]any, path string) bool {
	var v any = m
	for _, k := range strings.Split(path, ".") {
		mm, ok := v.(map[string]any)
		if !ok {
			return false
		}
		if v, ok = mm[k]; !ok {
			return false
		}
	}
	return true
}

// fieldOwners maps each spec field path to the managers that own it, read
// from metadata.managedFields (fieldsV1: {"f:spec": {"f:storage": ...}}).
func fieldOwners(m map[string]any) map[string][]string {
	out := map[string][]string{}
	entries, _ := get(m, "metadata", "managedFields").([]any)
	for _, e := range entries {
		em, _ := e.(map[string]any)
		manager, _ := em["manager"].(string)
		spec := mapAt(em, "fieldsV1", "f:spec")
		var walk func(n map[string]any, prefix string)
		walk = func(n map[string]any, prefix string) {
			for k, v := range n {
				name, ok := strings.CutPrefix(k, "f:")
				if !ok {
					continue
				}
				path := prefix + name
				out[path] = append(out[path], manager)
				if sub, ok := v.(map[string]any); ok {
					walk(sub, path+".")
				}
			}
		}
		walk(spec, "")
	}
	for k, v := range out {
		sort.Strings(v)
		out[k] = v
	}
	return out
}
