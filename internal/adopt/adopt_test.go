package adopt_test

import (
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"sigs.k8s.io/kustomize/kyaml/kio"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"regprofile.dev/regprofile/internal/adopt"
	"regprofile.dev/regprofile/internal/diag"
	"regprofile.dev/regprofile/internal/profile"
	"regprofile.dev/regprofile/internal/render"
	"regprofile.dev/regprofile/internal/testkit"
)

func input(t *testing.T, path string) adopt.Input {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return adopt.Input{Name: filepath.Base(path), Data: data}
}

// renderProfile renders an imported profile for a platform, as objects
// keyed by kind/namespace/name.
func renderProfile(t *testing.T, prof []byte, platform string) map[string]map[string]any {
	t.Helper()
	p, fs := profile.DecodeBytes(prof)
	if fs.HasErrors() {
		t.Fatalf("the imported profile does not decode: %v\n%s", fs, prof)
	}
	objs, fs := render.Render(p, render.Options{Platform: platform})
	if fs.HasErrors() {
		t.Fatalf("the imported profile does not render for %s: %v\n%s", platform, fs, prof)
	}
	out := map[string]map[string]any{}
	for _, o := range objs {
		rn, err := o.RNode()
		if err != nil {
			t.Fatal(err)
		}
		out[o.ID()] = toMap(t, rn)
	}
	return out
}

func toMap(t *testing.T, rn *yaml.RNode) map[string]any {
	t.Helper()
	var m map[string]any
	if err := rn.YNode().Decode(&m); err != nil {
		t.Fatal(err)
	}
	return m
}

func objects(t *testing.T, data []byte) map[string]map[string]any {
	t.Helper()
	nodes, err := (&kio.ByteReader{Reader: strings.NewReader(string(data)), OmitReaderAnnotations: true}).Read()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]map[string]any{}
	for _, n := range nodes {
		id := n.GetKind() + "/" + n.GetName()
		if ns := n.GetNamespace(); ns != "" {
			id = n.GetKind() + "/" + ns + "/" + n.GetName()
		}
		out[id] = toMap(t, n)
	}
	return out
}

func mustImport(t *testing.T, clusters []adopt.Cluster, opts adopt.Options) ([]byte, adopt.Findings) {
	t.Helper()
	prof, fs := adopt.Import(clusters, opts)
	if fs.HasErrors() {
		t.Fatalf("import failed:\n%s", lines(fs))
	}
	return prof, fs
}

func lines(fs adopt.Findings) string {
	var b strings.Builder
	for _, f := range fs.Sorted() {
		b.WriteString("  " + string(f.Severity) + ": " + f.File + ": " + f.Text() + "\n")
	}
	return b.String()
}

// Every golden render, imported and rendered again, gives back the same
// objects: every spec field, every annotation.
func TestImportRoundTripsEveryGolden(t *testing.T) {
	goldens, _ := filepath.Glob(filepath.Join(testkit.GoldenRenderDir(t), "*.yaml"))
	if len(goldens) < 7 {
		t.Fatalf("found %d goldens", len(goldens))
	}
	for _, g := range goldens {
		platform := strings.TrimSuffix(filepath.Base(g), ".yaml")
		t.Run(platform, func(t *testing.T) {
			in := input(t, g)
			prof, _ := mustImport(t, []adopt.Cluster{{Platform: platform, Inputs: []adopt.Input{in}}}, adopt.Options{OpenShiftVersion: "4.22"})
			got, want := renderProfile(t, prof, platform), objects(t, in.Data)
			for id, w := range want {
				if !reflect.DeepEqual(got[id], w) {
					t.Errorf("%s differs after the round trip:\ngot  %v\nwant %v\nprofile:\n%s", id, got[id], w, prof)
				}
			}
			for id := range got {
				if _, ok := want[id]; !ok {
					t.Errorf("%s rendered, not in the golden", id)
				}
			}
		})
	}
}

// Without --platform, the platform is told from the storage where it can be.
func TestImportTellsThePlatform(t *testing.T) {
	for _, p := range []string{"aws-upi", "gcp-upi", "azure-gov", "baremetal-odf-rgw", "vsphere-block", "nutanix", "rhosp-cinder"} {
		prof, _ := mustImport(t, []adopt.Cluster{{Inputs: []adopt.Input{input(t, filepath.Join(testkit.GoldenRenderDir(t), p+".yaml"))}}}, adopt.Options{})
		if !strings.Contains(string(prof), "  platform: "+p+"\n") {
			t.Errorf("%s: platform not told:\n%s", p, prof)
		}
	}
}

// Live dumps, with status, managedFields, uids and operator-owned fields:
// the profile is reviewed as a golden file, and renders back every spec
// field the cluster has, less what the operator owns.
func TestImportLiveDumps(t *testing.T) {
	for _, tc := range []struct {
		name, platform string
		files          []string
		keepStorage    bool
	}{
		{"aws-ipi", "", []string{"live-aws-ipi.yaml", "live-aws-ipi-ca.yaml"}, false},
		{"vsphere", "vsphere-block", []string{"live-vsphere.yaml"}, true},
		{"odf", "", []string{"live-odf.yaml"}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var ins []adopt.Input
			var live []byte
			for _, f := range tc.files {
				in := input(t, filepath.Join("testdata", f))
				ins = append(ins, in)
				live = append(live, in.Data...)
				live = append(live, "\n---\n"...)
			}
			prof, fs := mustImport(t, []adopt.Cluster{{Platform: tc.platform, Inputs: ins}}, adopt.Options{})
			testkit.Golden(t, filepath.Join("testdata", tc.name+".profile.yaml"), string(prof)+"# findings:\n"+comment(fs))
			for _, secret := range []string{"httpSecret", "QUtJQU", "d0phbHJ", "5f1e0b9c"} {
				if strings.Contains(string(prof), secret) || strings.Contains(lines(fs), secret) {
					t.Errorf("%s copied into the profile or findings", secret)
				}
			}
			platform := platformOf(t, prof)
			got := renderProfile(t, prof, platform)
			liveObjs := flatten(t, live)
			config := liveObjs["Config/cluster"]
			spec := config["spec"].(map[string]any)
			for _, k := range []string{"httpSecret", "observedConfig", "unsupportedConfigOverrides"} {
				delete(spec, k)
			}
			if !tc.keepStorage {
				delete(spec, "storage")
			}
			assertSubset(t, "Config/cluster spec", got["Config/cluster"]["spec"], spec)
			if pr, ok := liveObjs["ImagePruner/cluster"]; ok {
				assertSubset(t, "ImagePruner/cluster spec", got["ImagePruner/cluster"]["spec"], pr["spec"])
			}
			if img, ok := liveObjs["Image/cluster"]; ok {
				want := img["spec"].(map[string]any)
				delete(want, "registrySources") // another owner's field: never sent
				assertSubset(t, "Image/cluster spec", got["Image/cluster"]["spec"], want)
				if _, sent := got["Image/cluster"]["spec"].(map[string]any)["registrySources"]; sent {
					t.Error("registrySources, another owner's field, is sent")
				}
			}
		})
	}
}

// flatten reads several documents and Lists into objects by ID.
func flatten(t *testing.T, data []byte) map[string]map[string]any {
	t.Helper()
	out := map[string]map[string]any{}
	for id, o := range objects(t, data) {
		if items, ok := o["items"].([]any); ok {
			for _, it := range items {
				m := it.(map[string]any)
				out[m["kind"].(string)+"/"+m["metadata"].(map[string]any)["name"].(string)] = m
			}
			continue
		}
		out[id] = o
	}
	return out
}

// assertSubset checks that every field of want, less empty values and the
// operator's 0s write-backs, has the same value in got.
func assertSubset(t *testing.T, what string, got, want any) {
	t.Helper()
	var walk func(path string, g, w any)
	walk = func(path string, g, w any) {
		switch w := w.(type) {
		case map[string]any:
			gm, _ := g.(map[string]any)
			for k, v := range w {
				if v == nil || v == "" || v == "0s" || (isMap(v) && len(v.(map[string]any)) == 0) {
					continue
				}
				walk(path+"."+k, gm[k], v)
			}
		default:
			gs, _ := g.(string)
			ws, _ := w.(string)
			gd, gerr := time.ParseDuration(gs)
			wd, werr := time.ParseDuration(ws)
			if gerr == nil && werr == nil && gd == wd {
				return // the same duration, written differently
			}
			if !reflect.DeepEqual(g, w) {
				t.Errorf("%s%s: rendered %v, live %v", what, path, g, w)
			}
		}
	}
	walk("", got, want)
}

func isMap(v any) bool { _, ok := v.(map[string]any); return ok }

func platformOf(t *testing.T, prof []byte) string {
	t.Helper()
	p, fs := profile.DecodeBytes(prof)
	if fs.HasErrors() {
		t.Fatal(fs)
	}
	return p.Spec.Platform
}

func comment(fs adopt.Findings) string {
	var b strings.Builder
	for _, f := range fs.Sorted() {
		b.WriteString("# " + string(f.Severity) + ": " + f.File + ": " + f.Text() + "\n")
	}
	return b.String()
}

// Several clusters: what they share goes to spec.registry, the rest to
// spec.platforms, and each platform renders exactly its golden.
func TestImportSeveralClusters(t *testing.T) {
	plats := []string{"aws-upi", "vsphere-block", "baremetal-odf-rgw"}
	var cs []adopt.Cluster
	for _, p := range plats {
		cs = append(cs, adopt.Cluster{Platform: p, Inputs: []adopt.Input{input(t, filepath.Join(testkit.GoldenRenderDir(t), p+".yaml"))}})
	}
	prof, _ := mustImport(t, cs, adopt.Options{OpenShiftVersion: "4.22"})
	p, _ := profile.DecodeBytes(prof)
	if p.Spec.Registry == nil || p.Spec.Registry.DefaultRoute == nil || len(p.Spec.Registry.Tolerations) != 1 {
		t.Errorf("the shared settings are not in spec.registry:\n%s", prof)
	}
	if p.Spec.Platform != "" {
		t.Errorf("spec.platform set for several clusters")
	}
	for _, pl := range plats {
		got, want := renderProfile(t, prof, pl), objects(t, input(t, filepath.Join(testkit.GoldenRenderDir(t), pl+".yaml")).Data)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s renders differently from its cluster's objects; profile:\n%s", pl, prof)
		}
	}
}

func TestImportRefuses(t *testing.T) {
	aws := input(t, filepath.Join(testkit.GoldenRenderDir(t), "aws-upi.yaml"))
	noConfig := adopt.Input{Name: "pruner.yaml", Data: []byte("apiVersion: imageregistry.operator.openshift.io/v1\nkind: ImagePruner\nmetadata: {name: cluster}\nspec: {}\n")}
	emptyDir := adopt.Input{Name: "emptydir.yaml", Data: []byte("apiVersion: imageregistry.operator.openshift.io/v1\nkind: Config\nmetadata: {name: cluster}\nspec:\n  storage: {emptyDir: {}}\n")}
	for _, tc := range []struct {
		name     string
		clusters []adopt.Cluster
		want     string
	}{
		{"no Config", []adopt.Cluster{{Inputs: []adopt.Input{noConfig}}},
			"error: pruner.yaml: no registry Config (configs.imageregistry.operator.openshift.io/cluster) among the objects; fix: add it: oc get configs.imageregistry.operator.openshift.io/cluster -o yaml"},
		{"platform unknown", []adopt.Cluster{{Inputs: []adopt.Input{emptyDir}}},
			"error: emptydir.yaml: Config/cluster spec.storage: cannot tell the cluster's platform from its storage; fix: pass --platform"},
		{"OpenShift Dedicated", []adopt.Cluster{{Platform: "openshift-dedicated", Inputs: []adopt.Input{aws}}},
			"error: aws-upi.yaml: --platform: on OpenShift Dedicated Red Hat SRE manages the image registry"},
		{"two clusters on one platform", []adopt.Cluster{{Platform: "aws-upi", Inputs: []adopt.Input{aws}}, {Platform: "aws-upi", Inputs: []adopt.Input{{Name: "other.yaml", Data: aws.Data}}}},
			"error: other.yaml: other.yaml is a second aws-upi cluster (besides aws-upi.yaml): a profile holds one set of settings per platform; fix: import these clusters into separate profiles"},
		{"the same object twice", []adopt.Cluster{{Inputs: []adopt.Input{aws, {Name: "again.yaml", Data: aws.Data}}}},
			"error: again.yaml: Config/cluster: Config/cluster is also in aws-upi.yaml; fix: give each object once"},
		{"a YAML alias bomb", []adopt.Cluster{{Inputs: []adopt.Input{{Name: "bomb.yaml", Data: []byte(bomb)}}}},
			"error: bomb.yaml: f[0][3][3][7][1][5]: the input file has more than 100000 values (aliases counted each time they are used); an input file is at most 100000; fix: write the values out instead of through anchors and aliases, and give only the registry's objects, split over several files\n"},
		{"an alias bomb of long strings", []adopt.Cluster{{Inputs: []adopt.Input{{Name: "wide.yaml", Data: []byte(wideBomb)}}}},
			"error: wide.yaml: c[3][0]: the input file's values, with aliases expanded, exceed 4 MiB; fix: write the values out instead of through anchors and aliases (&name, *name), and give only the registry's objects, split over several files\n"},
		{"too deep", []adopt.Cluster{{Inputs: []adopt.Input{{Name: "deep.yaml", Data: []byte("a: " + strings.Repeat("[", 70) + strings.Repeat("]", 70) + "\n")}}}},
			"nested more than 64 levels deep; fix: give the objects as `oc get -o yaml` prints them; none of the registry's nests this deeply\n"},
		{"too large", []adopt.Cluster{{Inputs: []adopt.Input{{Name: "big.yaml", Data: []byte("a: '" + strings.Repeat("x", profile.MaxProfileBytes) + "'")}}}},
			"error: big.yaml: the file is over 4 MiB; an input file is at most 4 MiB; fix: give only the registry's objects, split over several files\n"},
		{"not objects", []adopt.Cluster{{Inputs: []adopt.Input{{Name: "list.yaml", Data: []byte("- a\n- b\n")}}}},
			"error: list.yaml: expected a Kubernetes object, got a list"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			prof, fs := adopt.Import(tc.clusters, adopt.Options{})
			if prof != nil || !fs.HasErrors() {
				t.Fatalf("imported:\n%s", prof)
			}
			if got := lines(fs); !strings.Contains(got, tc.want) {
				t.Errorf("findings:\n%s\nwant a line containing:\n%s", got, tc.want)
			}
		})
	}
}

// wideBomb expands to 10 × 10 × 100,000 bytes through few values.
var wideBomb = "a: &a '" + strings.Repeat("x", 100_000) + "'\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"

const bomb = `a: &a ["x","x","x","x","x","x","x","x","x"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
`

// A credentials Secret becomes an ExternalSecret skeleton on request, with
// the key names and placeholders, never the values.
func TestImportCredentialsSkeleton(t *testing.T) {
	prof, fs := mustImport(t, []adopt.Cluster{{Inputs: []adopt.Input{input(t, filepath.Join("testdata", "live-odf.yaml"))}}},
		adopt.Options{Credentials: adopt.CredentialsExternalSecret})
	for _, want := range []string{"REGISTRY_STORAGE_S3_ACCESSKEY:", "key: REPLACE-with-the-store-entry-for-REGISTRY_STORAGE_S3_SECRETKEY", "name: replace-with-your-secret-store"} {
		if !strings.Contains(string(prof), want) {
			t.Errorf("no %q in:\n%s", want, prof)
		}
	}
	found := false
	for _, f := range fs {
		found = found || (f.Severity == diag.Warning && strings.Contains(f.Message, "skeleton"))
	}
	if !found {
		t.Errorf("no warning about the skeleton:\n%s", lines(fs))
	}
}

// A field the profile does not set stays under server-side apply; a second
// storage backend is an error with the command that removes it; the
// operator's own fields and what the profile sets are not listed.
func TestLeftovers(t *testing.T) {
	fs := adopt.Leftovers(input(t, filepath.Join("testdata", "aws-upi.profile.yaml")), "",
		[]adopt.Input{input(t, filepath.Join("testdata", "live-stale-emptydir.yaml"))})
	want := `  error: live-stale-emptydir.yaml: Config/cluster spec.storage.emptyDir: a second storage backend beside the rendered one: server-side apply keeps it, and the operator rejects two (MultiStoragesError) (owned by kubectl-patch); fix: add it to spec.registry.removeFields (removeFields: [storage.emptyDir]), or remove it before the first sync: oc patch configs.imageregistry.operator.openshift.io/cluster --type=json -p '[{"op":"remove","path":"/spec/storage/emptyDir"}]'
  warning: live-stale-emptydir.yaml: Config/cluster spec.managementState: not set by the profile: server-side apply leaves it as it is (owned by kubectl-patch); fix: set it in the profile to manage it, or remove it from the cluster if it should go
  warning: live-stale-emptydir.yaml: Config/cluster spec.nodeSelector.node-role.kubernetes.io/infra: not set by the profile: server-side apply leaves it as it is (owned by kubectl-edit); fix: set it in the profile to manage it, or remove it from the cluster if it should go
`
	if got := lines(fs); got != want {
		t.Errorf("leftovers:\n%s\nwant:\n%s", got, want)
	}

	// Listed in removeFields, the stale backend is the hook's to remove.
	prof := input(t, filepath.Join("testdata", "aws-upi.profile.yaml"))
	prof.Data = []byte(strings.Replace(string(prof.Data), "  registry:\n", "  registry:\n    removeFields: [storage.emptyDir]\n", 1))
	fs = adopt.Leftovers(prof, "", []adopt.Input{input(t, filepath.Join("testdata", "live-stale-emptydir.yaml"))})
	if fs.HasErrors() || !strings.Contains(lines(fs), "  info: live-stale-emptydir.yaml: Config/cluster spec.storage.emptyDir: a second storage backend, which the hook of registry.removeFields removes in the wave before the Config (owned by kubectl-patch)\n") {
		t.Errorf("leftovers with removeFields:\n%s", lines(fs))
	}
}

// emptyDir: {} is a backend, not an empty value: import keeps it.
func TestImportKeepsEmptyDir(t *testing.T) {
	in := adopt.Input{Name: "live.yaml", Data: []byte("apiVersion: imageregistry.operator.openshift.io/v1\nkind: Config\nmetadata: {name: cluster}\nspec:\n  managementState: Managed\n  replicas: 1\n  storage: {emptyDir: {}}\n  proxy: {}\n")}
	prof, _ := mustImport(t, []adopt.Cluster{{Platform: "vsphere-block", Inputs: []adopt.Input{in}}}, adopt.Options{})
	if !strings.Contains(string(prof), "emptyDir: {}") || strings.Contains(string(prof), "proxy") {
		t.Errorf("profile:\n%s", prof)
	}
}

// A route's TLS secret written by an ExternalSecret or a cert-manager
// Certificate becomes the route's secretSource; what the profile cannot
// carry (a Certificate's other fields, its own name) is reported.
func TestImportRouteSecretSources(t *testing.T) {
	live := `apiVersion: imageregistry.operator.openshift.io/v1
kind: Config
metadata: {name: cluster, uid: 1c0c6a55-0a5e-4c1e-9e55-3f9a1c2b7d10}
spec:
  managementState: Managed
  replicas: 2
  httpSecret: 5f1e0b9c
  routes:
  - {name: acme, hostname: acme.apps.example.com, secretName: acme-tls}
  - {name: vault, hostname: vault.apps.example.com, secretName: vault-tls}
  storage:
    managementState: Managed
    s3: {bucket: cluster-image-registry-us-east-1-abc, region: us-east-1}
status: {readyReplicas: 2}
---
apiVersion: cert-manager.io/v1
kind: Certificate
metadata: {name: registry-acme, namespace: openshift-image-registry}
spec:
  secretName: acme-tls
  dnsNames: [acme.apps.example.com]
  duration: 2160h0m0s
  issuerRef: {name: letsencrypt, kind: ClusterIssuer, group: cert-manager.io}
status: {conditions: [{type: Ready, status: "True"}]}
---
apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata: {name: vault-tls, namespace: openshift-image-registry}
spec:
  refreshInterval: 1h
  secretStoreRef: {kind: ClusterSecretStore, name: vault}
  target: {name: vault-tls, template: {type: kubernetes.io/tls}}
  data:
  - {secretKey: tls.crt, remoteRef: {key: registry/tls, property: crt}}
  - {secretKey: tls.key, remoteRef: {key: registry/tls, property: key}}
status: {refreshTime: "2026-11-30T10:00:00Z"}
`
	prof, fs := mustImport(t, []adopt.Cluster{{Platform: "aws-ipi", Inputs: []adopt.Input{{Name: "live.yaml", Data: []byte(live)}}}}, adopt.Options{})
	for _, want := range []string{`
    - hostname: acme.apps.example.com
      name: acme
      secretName: acme-tls
      secretSource:
        certificate:
          issuerRef:
            group: cert-manager.io
            kind: ClusterIssuer
            name: letsencrypt
`, `
      secretSource:
        externalSecret:
          data:
            tls.crt:
              key: registry/tls
              property: crt
            tls.key:
              key: registry/tls
              property: key
          storeRef:
            kind: ClusterSecretStore
            name: vault
`} {
		if !strings.Contains(string(prof), want) {
			t.Errorf("no\n%s\nin:\n%s", want, prof)
		}
	}
	want := `  warning: live.yaml: Certificate/openshift-image-registry/registry-acme: the profile renders the route's Certificate under the secret's name, acme-tls, beside this one; fix: delete Certificate registry-acme once the rendered one is Ready
  warning: live.yaml: Certificate/openshift-image-registry/registry-acme spec.duration: a route's certificate in a RegistryProfile has issuerRef and dnsNames only: the rendered Certificate would drop it; fix: manage the Certificate outside the profile to keep it, and remove the route's secretSource
`
	if got := lines(fs); !strings.Contains(got, want) {
		t.Errorf("findings:\n%s\nwant among them:\n%s", got, want)
	}
	got := renderProfile(t, prof, "aws-ipi")
	if _, ok := got["Certificate/openshift-image-registry/acme-tls"]; !ok {
		t.Errorf("no Certificate rendered: %v", reflect.ValueOf(got).MapKeys())
	}
	if _, ok := got["ExternalSecret/openshift-image-registry/vault-tls"]; !ok {
		t.Errorf("no ExternalSecret rendered: %v", reflect.ValueOf(got).MapKeys())
	}
}

// A YAML error in a live dump names the file and the line, never the
// parser's message: it quotes what it could not read, and a dump holds
// secrets (a Secret's data, a pasted token).
func TestImportYAMLErrorsNeverEchoTheInput(t *testing.T) {
	const secret = "Hunter2SecretValue"
	head := "apiVersion: v1\nkind: Secret\nmetadata: {name: s, namespace: openshift-image-registry}\nstringData:\n"
	for _, tc := range []struct{ name, doc, want string }{
		{"an unterminated quote", head + "  password: '" + secret + "\n",
			"error: live.yaml:5: not valid YAML (the parser's message is not shown: it may quote the input); fix: fix the YAML syntax\n"},
		{"an unknown anchor", head + "  password: *" + secret + "\n",
			"error: live.yaml: not valid YAML (the parser's message is not shown: it may quote the input); fix: fix the YAML syntax\n"},
		{"a value of the wrong tag", head + "  password: !!int " + secret + "\n",
			"error: live.yaml:5: document 1: not valid YAML (the parser's message is not shown: it may quote the input); fix: fix the YAML at that line\n"},
		{"a mapping value on a value's line", head + "  password: a: " + secret + "\n",
			"error: live.yaml:5: not valid YAML (the parser's message is not shown: it may quote the input); fix: fix the YAML syntax\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := adopt.Input{Name: "live.yaml", Data: []byte(tc.doc + "---\n" + tc.doc)}
			_, fs := adopt.Import([]adopt.Cluster{{Platform: "aws-upi", Inputs: []adopt.Input{in}}}, adopt.Options{})
			got := linesWithLine(fs)
			if strings.Contains(got, secret) || strings.Contains(got, "Hunter2") {
				t.Errorf("the input's text is in the findings:\n%s", got)
			}
			if !strings.Contains(got, tc.want) {
				t.Errorf("findings:\n%s\nwant a line:\n%s", got, tc.want)
			}
			lfs := adopt.Leftovers(input(t, filepath.Join("testdata", "aws-upi.profile.yaml")), "", []adopt.Input{in})
			if got := linesWithLine(lfs); strings.Contains(got, "Hunter2") {
				t.Errorf("leftovers echoes the input:\n%s", got)
			}
		})
	}
}

// linesWithLine prints findings with their line, as the commands do.
func linesWithLine(fs adopt.Findings) string {
	var b strings.Builder
	for _, f := range fs.Sorted() {
		file := f.File
		if f.Line > 0 {
			file += ":" + strconv.Itoa(f.Line)
		}
		b.WriteString("  " + string(f.Severity) + ": " + file + ": " + f.Text() + "\n")
	}
	return b.String()
}
