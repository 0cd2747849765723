package profile

import (
	"reflect"
	"sort"
	"strings"
	"sync"

	"regprofile.dev/regprofile/fn/api/v1alpha1"
	"regprofile.dev/regprofile/internal/diag"
)

// fieldIndex maps every field name of the typed API to the paths where it
// stands, such as "replicas" to spec.registry.replicas and
// spec.platforms.<platform>.registry.replicas.
var fieldIndex = sync.OnceValue(func() map[string][]string {
	idx := map[string][]string{}
	for p := range fieldTypes() {
		name := p[strings.LastIndex(p, ".")+1:]
		idx[name] = append(idx[name], p)
	}
	return idx
})

// FieldPlaces returns where a field named key belongs when it stands, unknown,
// under parent: every path of the typed API that ends in key, those sharing
// most of parent first (spec.platforms.aws-upi.s3 is sent to
// spec.platforms.aws-upi.registry.storage.s3 before spec.registry.storage.s3),
// then the shortest. A <platform> placeholder takes the platform parent
// names, if any.
func FieldPlaces(key string, parent diag.Path) []string {
	parentParts := splitPath(string(parent))
	platform := ""
	if len(parentParts) >= 3 && parentParts[0] == "spec" && parentParts[1] == "platforms" {
		platform = parentParts[2]
	}
	type place struct {
		path   string
		shared int
	}
	var places []place
	for _, p := range fieldIndex()[key] {
		if platform != "" {
			p = strings.Replace(p, "<platform>", platform, 1)
		}
		parts := splitPath(p)
		shared := 0
		for shared < len(parts)-1 && shared < len(parentParts) && parts[shared] == parentParts[shared] {
			shared++
		}
		places = append(places, place{p, shared})
	}
	sort.Slice(places, func(i, j int) bool {
		a, b := places[i], places[j]
		if a.shared != b.shared {
			return a.shared > b.shared
		}
		if len(a.path) != len(b.path) {
			return len(a.path) < len(b.path)
		}
		return a.path < b.path
	})
	out := make([]string, 0, 3)
	for _, p := range places {
		if len(out) == 3 {
			break
		}
		out = append(out, p.path)
	}
	return out
}

func splitPath(p string) []string {
	if p == "" {
		return nil
	}
	return strings.Split(p, ".")
}

// fieldTypes maps every path of the typed API to its Go type. A map key
// is written <key> (spec.platforms is keyed by platform: <platform>) and a
// list item [].
var fieldTypes = sync.OnceValue(func() map[string]reflect.Type {
	types := map[string]reflect.Type{}
	var walk func(t reflect.Type, path string, depth int)
	walk = func(t reflect.Type, path string, depth int) {
		for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Map {
			switch t.Kind() {
			case reflect.Slice:
				path += "[]"
			case reflect.Map:
				path += ".<key>"
				if strings.HasSuffix(path, "spec.platforms.<key>") {
					path = strings.TrimSuffix(path, "<key>") + "<platform>"
				}
			}
			t = t.Elem()
		}
		// Only the API's own types: the Kubernetes types it embeds (a
		// toleration, an affinity) are written as Kubernetes documents them.
		if t.Kind() != reflect.Struct || t.PkgPath() != apiPkgPath || depth > 10 {
			return
		}
		for name, f := range jsonFields(t) {
			p := name
			if path != "" {
				p = path + "." + name
			}
			types[p] = f.Type
			walk(f.Type, p, depth+1)
		}
	}
	walk(reflect.TypeOf(v1alpha1.RegistryProfile{}), "", 0)
	return types
})

// IsField reports whether path ("spec.platforms.aws-upi.registry.routes[0].hostname")
// names a field of the typed API: every step is a field, a list index on a
// list or a key of a map. Below a Kubernetes type the API embeds (a
// toleration, an affinity) the path is taken as Kubernetes documents it,
// and a key of a map of plain values is taken whole (it may hold dots, as
// node-role.kubernetes.io/infra does).
func IsField(path string) bool {
	return isField(fieldTypes(), reflect.TypeOf(v1alpha1.RegistryProfile{}), "", splitPath(path))
}

// isField walks segs from cur, a path of type t. A map's key may hold dots
// (ca.crt): every split of the segments into key and rest is tried.
func isField(types map[string]reflect.Type, t reflect.Type, cur string, segs []string) bool {
	if len(segs) == 0 {
		return true
	}
	seg := segs[0]
	name, indexes, _ := strings.Cut(seg, "[")
	next := name
	if cur != "" {
		next = cur + "." + name
	}
	nt, ok := types[next]
	if !ok {
		d := deref(t)
		if d == nil || d.Kind() != reflect.Map {
			return beyondAPI(t)
		}
		if deref(d.Elem()).Kind() != reflect.Struct || beyondAPI(d.Elem()) {
			return true // a map of plain values or Kubernetes types: the rest is the key
		}
		key, most := cur+".<key>", len(segs)
		if cur == "spec.platforms" {
			key, most = cur+".<platform>", 1 // platform names have no dots
		}
		for n := 1; n <= most; n++ {
			if isField(types, d.Elem(), key, segs[n:]) {
				return true
			}
		}
		return false
	}
	for ; indexes != ""; _, indexes, _ = strings.Cut(indexes, "[") {
		d := deref(nt)
		if d == nil || d.Kind() != reflect.Slice {
			return false
		}
		next, nt = next+"[]", d.Elem()
	}
	return isField(types, nt, next, segs[1:])
}

func deref(t reflect.Type) reflect.Type {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t
}

// beyondAPI reports whether a field of type t holds a Kubernetes type the
// API embeds, whose own fields regprofile does not list.
func beyondAPI(t reflect.Type) bool {
	for t != nil && (t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Map) {
		t = t.Elem()
	}
	return t != nil && t.Kind() == reflect.Struct && t.PkgPath() != apiPkgPath
}
