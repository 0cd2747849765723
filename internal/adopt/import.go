package adopt

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"

	"regprofile.dev/regprofile/fn/api/v1alpha1"
	"regprofile.dev/regprofile/internal/diag"
	"regprofile.dev/regprofile/internal/manifest"
	"regprofile.dev/regprofile/internal/profile"
	"regprofile.dev/regprofile/internal/render"
)

// Options change what import writes.
type Options struct {
	// Name is the profile's metadata.name. Default: the name recorded on
	// the objects by an earlier render, else "registry".
	Name string
	// OpenShiftVersion is written to spec.openshiftVersion when set.
	OpenShiftVersion string
	// Credentials says what a credentials Secret becomes.
	Credentials Credentials
}

// Import reads each cluster's objects and returns a RegistryProfile that
// renders, for each cluster's platform, the spec fields the cluster has.
// Nothing is returned with an error.
func Import(clusters []Cluster, opts Options) ([]byte, Findings) {
	var fs Findings
	var all []*clusterSettings
	seen := map[string]string{}
	for _, c := range clusters {
		s := readCluster(c, opts.Credentials, &fs)
		if s == nil {
			continue
		}
		if prev, dup := seen[s.platform]; dup {
			fs.add(s.files, diag.Errorf("", "import these clusters into separate profiles",
				"%s is a second %s cluster (besides %s): a profile holds one set of settings per platform", s.files, s.platform, prev))
			continue
		}
		seen[s.platform] = s.files
		all = append(all, s)
	}
	if fs.HasErrors() || len(all) == 0 {
		return nil, fs
	}
	name := opts.Name
	if name == "" {
		name = all[0].name
	}
	if name == "" {
		name = "registry"
	}
	spec, sfs := merge(all)
	fs = append(fs, sfs...)
	if fs.HasErrors() {
		return nil, fs
	}
	if len(all) == 1 {
		spec["platform"] = all[0].platform
	}
	if opts.OpenShiftVersion != "" {
		spec["openshiftVersion"] = opts.OpenShiftVersion
	}
	var plats []string
	for _, s := range all {
		plats = append(plats, s.platform)
	}
	files := func(p string) string { return seen[p] }

	// What each cluster renders with its own settings alone is what the
	// profile must keep rendering.
	want := map[string]string{}
	for _, s := range all {
		out, rfs := renderSpec(name, alone(s, spec), s.platform)
		if rfs.HasErrors() {
			for _, f := range rfs {
				if f.Severity == diag.Error {
					f.Message = "the imported settings break a rule: " + f.Message
					fs.add(s.files, f)
				}
			}
			continue
		}
		want[s.platform] = out
	}
	if fs.HasErrors() {
		return nil, fs
	}
	same := func(spec map[string]any) bool {
		for _, p := range plats {
			out, rfs := renderSpec(name, spec, p)
			if rfs.HasErrors() || out != want[p] {
				return false
			}
		}
		return true
	}
	if !same(spec) && len(all) > 1 {
		// Sharing changed a render (a merge rule this code does not
		// model): keep every cluster's settings under its platform.
		spec = separate(all, spec)
		if !same(spec) {
			fs.add(files(plats[0]), diag.Errorf("", "report this as a bug", "the imported profile does not render what the clusters have"))
			return nil, fs
		}
	}
	minimize(spec, []string{"platform", "openshiftVersion"}, same)

	doc, err := manifest.New(v1alpha1.APIVersion, v1alpha1.Kind, "", name, map[string]any{"spec": spec}).RNode()
	if err != nil {
		fs.add(files(plats[0]), diag.Errorf("", "", "%v", err))
		return nil, fs
	}
	out := []byte(doc.MustString())
	// The profile must pass the project's own rules, as a user would run it.
	prof, dfs := profile.DecodeBytes(out)
	for _, f := range dfs {
		fs.add("<imported profile>", f)
	}
	if prof != nil {
		for _, p := range plats {
			_, rfs := render.Render(prof, render.Options{Platform: p})
			for _, f := range rfs {
				if f.Severity != diag.Info {
					fs.add(files(p), f)
				}
			}
		}
	}
	if fs.HasErrors() {
		return nil, fs
	}
	return out, dedupe(fs)
}

// dedupe drops findings repeated for several platforms.
func dedupe(fs Findings) Findings {
	seen := map[string]bool{}
	var out Findings
	for _, f := range fs {
		k := fmt.Sprint(f)
		if !seen[k] {
			seen[k] = true
			out = append(out, f)
		}
	}
	return out
}

// renderSpec renders a profile spec for one platform to text.
func renderSpec(name string, spec map[string]any, platform string) (string, diag.Findings) {
	data, err := json.Marshal(map[string]any{"apiVersion": v1alpha1.APIVersion, "kind": v1alpha1.Kind,
		"metadata": map[string]any{"name": name}, "spec": spec})
	if err != nil {
		return "", diag.Findings{diag.Errorf("", "", "%v", err)}
	}
	prof, fs := profile.DecodeBytes(data)
	if fs.HasErrors() {
		return "", fs
	}
	objs, fs := render.Render(prof, render.Options{Platform: platform})
	if fs.HasErrors() {
		return "", fs
	}
	var b bytes.Buffer
	for _, o := range objs {
		rn, err := o.RNode()
		if err != nil {
			return "", diag.Findings{diag.Errorf("", "", "%v", err)}
		}
		b.WriteString(rn.MustString() + "---\n")
	}
	return b.String(), fs
}

// alone is the profile spec of one cluster by itself: its settings shared,
// and the profile-wide ones from spec.
func alone(s *clusterSettings, spec map[string]any) map[string]any {
	out := map[string]any{}
	for _, k := range []string{"trustedCAs", "trustedCAConfigMap", "access", "pruner", "openshiftVersion"} {
		if v, ok := spec[k]; ok {
			out[k] = v
		}
	}
	for k, v := range s.platformSection(true) {
		out[k] = v
	}
	return deepCopy(out)
}

// platformSection returns the cluster's per-platform settings; top says
// whether they are written at the top of spec (registry, credentials,
// externalRegistryHostnames) or under spec.platforms.<p> (everything).
func (s *clusterSettings) platformSection(top bool) map[string]any {
	m := map[string]any{}
	put := func(k string, v any) {
		if v = nonEmpty(v); v != nil {
			m[k] = v
		}
	}
	put("registry", s.registry)
	put("credentials", s.credentials)
	put("externalRegistryHostnames", s.hostnames)
	if top {
		out := map[string]any{}
		p := map[string]any{}
		for k, v := range map[string]any{"pvc": s.pvc, "cinder": s.cinder, "objectBucket": s.bucket} {
			if v = nonEmpty(v); v != nil {
				p[k] = v
			}
		}
		if len(p) > 0 {
			out["platforms"] = map[string]any{s.platform: p}
		}
		for k, v := range m {
			out[k] = v
		}
		return deepCopy(out)
	}
	put("pvc", s.pvc)
	put("cinder", s.cinder)
	put("objectBucket", s.bucket)
	return deepCopy(m) // merging takes fields out of it
}

// merge builds the profile spec: the profile-wide settings, which every
// cluster must agree on; what every cluster has in common in spec.registry,
// spec.credentials and spec.externalRegistryHostnames; and the rest under
// spec.platforms.
func merge(all []*clusterSettings) (map[string]any, Findings) {
	var fs Findings
	spec := map[string]any{}
	for _, f := range []struct {
		key string
		get func(*clusterSettings) any
	}{
		{"trustedCAs", func(s *clusterSettings) any { return s.trustedCAs }},
		{"trustedCAConfigMap", func(s *clusterSettings) any { return s.caName }},
		{"access", func(s *clusterSettings) any { return s.access }},
		{"pruner", func(s *clusterSettings) any { return s.pruner }},
	} {
		first := nonEmpty(f.get(all[0]))
		for _, s := range all[1:] {
			if v := nonEmpty(f.get(s)); !reflect.DeepEqual(v, first) {
				fs.add(s.files, diag.Errorf("", "make them equal on the clusters first, or import the clusters into separate profiles",
					"%s differs from %s's: a profile's %s is shared by every platform", f.key, all[0].files, f.key))
			}
		}
		if first != nil {
			spec[f.key] = first
		}
	}
	if fs.HasErrors() {
		return nil, fs
	}
	if len(all) == 1 {
		for k, v := range all[0].platformSection(true) {
			spec[k] = v
		}
		return spec, nil
	}
	sections := make([]map[string]any, len(all))
	for i, s := range all {
		sections[i] = s.platformSection(false)
	}
	shared := map[string]any{}
	for _, k := range []string{"credentials", "externalRegistryHostnames"} {
		if v, ok := common(sections, k); ok {
			shared[k] = v
		}
	}
	regs := make([]map[string]any, len(sections))
	for i, sec := range sections {
		regs[i] = asMap(sec["registry"])
	}
	if reg := splitRegistry(regs, sections); len(reg) > 0 {
		shared["registry"] = reg
	}
	for i, sec := range sections {
		if regs[i] != nil && len(regs[i]) > 0 {
			sec["registry"] = regs[i]
		} else {
			delete(sec, "registry")
		}
	}
	for k, v := range shared {
		spec[k] = v
	}
	ps := map[string]any{}
	for i, s := range all {
		ps[s.platform] = sections[i] // an empty section keeps the platform listed
	}
	spec["platforms"] = ps
	return spec, nil
}

// common removes key from every section and returns its value when every
// section has the same one; otherwise the sections keep theirs.
func common(sections []map[string]any, key string) (any, bool) {
	first, ok := sections[0][key]
	if !ok {
		return nil, false
	}
	for _, sec := range sections[1:] {
		if !reflect.DeepEqual(sec[key], first) {
			return nil, false
		}
	}
	for _, sec := range sections {
		delete(sec, key)
	}
	return first, true
}

// splitRegistry moves into the returned map the registry fields every
// cluster has with the same value. Nested objects of the profile's own
// types are merged field by field when rendering, so they are split field
// by field too; storage is one backend, shared only when every cluster
// has the same and none creates its own volume or bucket.
func splitRegistry(regs []map[string]any, sections []map[string]any) map[string]any {
	for _, r := range regs {
		if r == nil {
			return nil
		}
	}
	helpers := false
	for _, sec := range sections {
		helpers = helpers || sec["pvc"] != nil || sec["cinder"] != nil || sec["objectBucket"] != nil
	}
	return splitFields(regs, reflect.TypeOf(v1alpha1.RegistrySpec{}), helpers)
}

func splitFields(ms []map[string]any, t reflect.Type, helpers bool) map[string]any {
	shared := map[string]any{}
	for _, k := range sortedKeys(ms[0]) {
		vals := make([]any, len(ms))
		for i, m := range ms {
			v, ok := m[k]
			if !ok {
				vals = nil
				break
			}
			vals[i] = v
		}
		if vals == nil {
			continue
		}
		ft := fieldType(t, k)
		if k == "storage" && t == reflect.TypeOf(v1alpha1.RegistrySpec{}) {
			if st := splitStorage(vals, helpers); st != nil {
				shared[k] = st
			}
			cleanEmpty(ms, k)
			continue
		}
		equal := true
		for _, v := range vals[1:] {
			equal = equal && reflect.DeepEqual(v, vals[0])
		}
		if equal {
			shared[k] = vals[0]
			for _, m := range ms {
				delete(m, k)
			}
			continue
		}
		if ownStruct(ft) {
			subs := make([]map[string]any, len(vals))
			for i, v := range vals {
				if subs[i] = asMap(v); subs[i] == nil {
					subs = nil
					break
				}
			}
			if subs != nil {
				if sub := splitFields(subs, ft, helpers); len(sub) > 0 {
					shared[k] = sub
				}
				cleanEmpty(ms, k)
			}
		}
	}
	return shared
}

// splitStorage shares the storage's managementState when every cluster
// has the same, and the backend when, besides, every cluster has the same
// backend and none creates its own storage.
func splitStorage(vals []any, helpers bool) map[string]any {
	subs := make([]map[string]any, len(vals))
	for i, v := range vals {
		if subs[i] = asMap(v); subs[i] == nil {
			return nil
		}
	}
	equal := true
	for _, s := range subs[1:] {
		equal = equal && reflect.DeepEqual(s, subs[0])
	}
	if equal && !helpers {
		out := deepCopy(subs[0])
		for _, s := range subs {
			for k := range s {
				delete(s, k)
			}
		}
		return out
	}
	if st, ok := common(subs, "managementState"); ok {
		return map[string]any{"managementState": st}
	}
	return nil
}

func cleanEmpty(ms []map[string]any, k string) {
	for _, m := range ms {
		if sub, ok := m[k].(map[string]any); ok && len(sub) == 0 {
			delete(m, k)
		}
	}
}

func fieldType(t reflect.Type, key string) reflect.Type {
	for i := 0; i < t.NumField(); i++ {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		if name == key {
			ft := t.Field(i).Type
			for ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			return ft
		}
	}
	return nil
}

func ownStruct(t reflect.Type) bool {
	return t != nil && t.Kind() == reflect.Struct && t.PkgPath() == reflect.TypeOf(v1alpha1.RegistrySpec{}).PkgPath()
}

// separate keeps the profile-wide settings of spec and puts every
// cluster's own under its platform.
func separate(all []*clusterSettings, spec map[string]any) map[string]any {
	out := map[string]any{}
	for _, k := range []string{"trustedCAs", "trustedCAConfigMap", "access", "pruner", "openshiftVersion"} {
		if v, ok := spec[k]; ok {
			out[k] = v
		}
	}
	ps := map[string]any{}
	for _, s := range all {
		ps[s.platform] = s.platformSection(false)
	}
	out["platforms"] = ps
	return deepCopy(out)
}

// minimize removes every field whose removal leaves every render the
// same: what the platforms' defaults give is not written out, so the
// profile reads as a person would write it. Whole objects go first, then
// their fields. keep lists top-level keys never removed.
func minimize(spec map[string]any, keep []string, same func(map[string]any) bool) {
	var walk func(m map[string]any, top bool)
	walk = func(m map[string]any, top bool) {
		for _, k := range sortedKeys(m) {
			if (top && contains(keep, k)) || k == "credentials" {
				// Credentials stay even where they render nothing
				// (existingSecret: true): the rules check them.
				continue
			}
			v := m[k]
			delete(m, k)
			if same(spec) {
				continue
			}
			m[k] = v
			if sub, ok := v.(map[string]any); ok {
				walk(sub, false)
				if len(sub) == 0 && !isPlatformsEntry(m, spec) {
					delete(m, k)
					if !same(spec) {
						m[k] = sub
					}
				}
			}
		}
	}
	walk(spec, true)
}

// isPlatformsEntry reports whether m is spec.platforms, whose empty entries
// still list a platform.
func isPlatformsEntry(m, spec map[string]any) bool {
	ps, ok := spec["platforms"].(map[string]any)
	return ok && reflect.ValueOf(ps).Pointer() == reflect.ValueOf(m).Pointer()
}

func contains(l []string, s string) bool {
	for _, x := range l {
		if x == s {
			return true
		}
	}
	return false
}

func deepCopy(m map[string]any) map[string]any {
	data, err := json.Marshal(m)
	if err != nil {
		panic(err) // decoded YAML always marshals
	}
	var out map[string]any
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(&out); err != nil {
		panic(err)
	}
	return out
}
