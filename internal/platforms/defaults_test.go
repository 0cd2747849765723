package platforms_test

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"regprofile.dev/regprofile/internal/operator"
	"regprofile.dev/regprofile/internal/platforms"
	"regprofile.dev/regprofile/internal/profile"
)

// Each default of one value is a profile that leaves the field unset: its
// spec (under the profile's spec:) in flow style.
var defaultCases = map[string]string{
	"registry.routes[].secretSource.externalSecret.storeRef.kind": `platform: vsphere-block
  registry: {routes: [{name: r, secretName: tls, secretSource: {externalSecret: {storeRef: {name: s}, data: {tls.crt: {key: k}}}}}]}`,
	"registry.routes[].secretSource.externalSecret.refreshInterval": `platform: vsphere-block
  registry: {routes: [{name: r, secretName: tls, secretSource: {externalSecret: {storeRef: {name: s}, data: {tls.crt: {key: k}}}}}]}`,
	"registry.routes[].secretSource.certificate.issuerRef.kind": `platform: vsphere-block
  registry: {routes: [{name: r, hostname: h.example.com, secretName: tls, secretSource: {certificate: {issuerRef: {name: i}}}}]}`,
	"pvc.name":       `platform: vsphere-block`,
	"pvc.size":       `platform: vsphere-block`,
	"pvc.volumeMode": `platform: vsphere-block`,
	"persistentVolume.name": `platform: vsphere-block
  platforms: {vsphere-block: {persistentVolume: {nfs: {server: nfs.example.com, path: /registry}}}}`,
	"cinder.storageClassName":       `platform: rhosp-cinder`,
	"objectBucket.storageClassName": `platform: baremetal-odf-rgw`,
	"objectBucket.bucketName":       `platform: baremetal-odf-rgw`,
	"trustedCAConfigMap": `platform: gcp-ipi
  trustedCAs: [{registry: registry.example.com, pem: x}]`,
	"argocd.syncSafety": `platform: gcp-ipi`,
	"argocd.cliImage":   `platform: vsphere-block`,
}

// Every default of one value is what the defaulting code fills in: the
// code reads it from platforms.Defaults, and this proves it reads the
// entry the reference states for that field. A profile that leaves the
// field unset is decoded, resolved and defaulted, and the field read back.
func TestDefaultsAreApplied(t *testing.T) {
	for rel, d := range platforms.Defaults {
		if d.Value == nil {
			continue
		}
		spec, ok := defaultCases[rel]
		if !ok {
			t.Errorf("platforms.Defaults[%q] has a value and no case in defaultCases: add a profile that leaves it unset", rel)
			continue
		}
		r := resolve(t, spec)
		got, ok := lookup(t, r, rel)
		if !ok {
			t.Errorf("%s: the defaulted profile has no such field", rel)
			continue
		}
		want := jsonValue(t, d.Value)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: the defaulting code fills %v, platforms.Defaults (and so the reference) says %v", rel, got, want)
		}
	}
	for rel := range defaultCases {
		if d, ok := platforms.Defaults[rel]; !ok || d.Value == nil {
			t.Errorf("defaultCases has %q, which platforms.Defaults gives no value", rel)
		}
	}
}

// Each of regprofile's defaults is a value or a description, never both,
// and each default, regprofile's or the operator's, makes a sentence.
func TestDefaultDocs(t *testing.T) {
	for rel, d := range platforms.Defaults {
		if (d.Value == nil) == (d.Doc == "") {
			t.Errorf("platforms.Defaults[%q]: give exactly one of Value and Doc", rel)
		}
		if s := platforms.DefaultDoc(rel); !strings.HasPrefix(s, "Default: ") || !strings.HasSuffix(s, ".") {
			t.Errorf("DefaultDoc(%q) = %q", rel, s)
		}
	}
	for rel := range operator.Defaults {
		if platforms.DefaultDoc(rel) == "" {
			t.Errorf("DefaultDoc(%q) drops operator.Defaults' entry", rel)
		}
	}
}

func resolve(t *testing.T, spec string) *profile.Resolved {
	t.Helper()
	doc := "apiVersion: regprofile.dev/v1alpha1\nkind: RegistryProfile\nmetadata: {name: p}\nspec:\n  " + spec + "\n"
	p, fs := profile.DecodeBytes([]byte(doc))
	if fs.HasErrors() {
		t.Fatalf("%s: %v", spec, fs)
	}
	plat, ok := platforms.Lookup(p.Spec.Platform)
	if !ok {
		t.Fatalf("%s: no platform %q", spec, p.Spec.Platform)
	}
	r := profile.Resolve(p, plat.Name(), operator.Newest)
	platforms.ApplyDefaults(plat, r)
	return r
}

// lookup reads the field at rel (a path as the tables write it; "[]" is
// a list's first item) from a resolved profile.
func lookup(t *testing.T, r *profile.Resolved, rel string) (any, bool) {
	t.Helper()
	var v any = jsonValue(t, map[string]any{
		"registry": r.Registry, "credentials": r.Credentials, "storageCA": r.StorageCA,
		"pvc": r.PVC, "persistentVolume": r.PV, "cinder": r.Cinder, "objectBucket": r.ObjectBucket,
		"trustedCAs": r.TrustedCAs, "trustedCAConfigMap": r.TrustedCAConfigMap,
		"externalRegistryHostnames": r.ExternalRegistryHostnames, "access": r.Access,
		"pruner": r.Pruner, "argocd": r.ArgoCD, "topology": r.Topology,
	})
	for _, key := range strings.Split(rel, ".") {
		key, item := strings.CutSuffix(key, "[]")
		m, ok := v.(map[string]any)
		if !ok {
			return nil, false
		}
		if v, ok = m[key]; !ok {
			return nil, false
		}
		if item {
			l, ok := v.([]any)
			if !ok || len(l) == 0 {
				return nil, false
			}
			v = l[0]
		}
	}
	return v, true
}

// jsonValue is v as encoding/json reads it back: the form the API's types
// write a value in.
func jsonValue(t *testing.T, v any) any {
	t.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var out any
	if err := json.Unmarshal(data, &out); err != nil {
		t.Fatal(err)
	}
	return out
}
