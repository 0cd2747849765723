package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/kio"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

const profileDoc = `apiVersion: regprofile.dev/v1alpha1
kind: RegistryProfile
metadata:
  name: registry
  annotations:
    config.kubernetes.io/path: profiles/registry.yaml
spec:
  platform: vsphere-block
`

const unrelatedDoc = `apiVersion: v1
kind: ConfigMap
metadata:
  name: unrelated
  namespace: team-a
data:
  key: value
`

func resourceList(fc string, items ...string) string {
	var b strings.Builder
	b.WriteString("apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n")
	for _, it := range items {
		b.WriteString("- " + strings.ReplaceAll(strings.TrimSpace(it), "\n", "\n  ") + "\n")
	}
	if fc != "" {
		b.WriteString("functionConfig:\n  " + strings.ReplaceAll(strings.TrimSpace(fc), "\n", "\n  ") + "\n")
	}
	return b.String()
}

func runFn(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := Main(args, strings.NewReader(stdin), &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

func items(t *testing.T, out string) []*yaml.RNode {
	t.Helper()
	rw := &kio.ByteReadWriter{Reader: strings.NewReader(out), OmitReaderAnnotations: true}
	nodes, err := rw.Read()
	if err != nil {
		t.Fatalf("reading output ResourceList: %v\n%s", err, out)
	}
	return nodes
}

func ids(nodes []*yaml.RNode) string {
	var out []string
	for _, n := range nodes {
		out = append(out, n.GetKind()+"/"+n.GetName())
	}
	return strings.Join(out, " ")
}

func TestTransformerReplacesProfileAndPassesItemsThrough(t *testing.T) {
	code, out, stderr := runFn(t, resourceList("", unrelatedDoc, profileDoc))
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	got := items(t, out)
	if want := "ConfigMap/unrelated RegistryProfile/registry PersistentVolumeClaim/image-registry-pvc Config/cluster"; ids(got) != want {
		t.Errorf("items %q, want %q", ids(got), want)
	}
	if got[0].MustString() != strings.TrimLeft(unrelatedDoc, "\n") {
		t.Errorf("unrelated item changed:\n%s", got[0].MustString())
	}
	if got[1].GetAnnotations()["config.kubernetes.io/local-config"] != "true" {
		t.Error("the profile is not marked local-config, so kustomize would emit it")
	}
}

func TestRunningTwiceChangesNothing(t *testing.T) {
	_, first, _ := runFn(t, resourceList("", unrelatedDoc, profileDoc))
	code, second, stderr := runFn(t, first)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if first != second {
		t.Errorf("second run changed the output:\n%s\nfirst:\n%s", second, first)
	}
}

func TestGeneratorTakesTheProfileAsFunctionConfig(t *testing.T) {
	code, out, stderr := runFn(t, resourceList(profileDoc, unrelatedDoc))
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if got, want := ids(items(t, out)), "ConfigMap/unrelated PersistentVolumeClaim/image-registry-pvc Config/cluster"; got != want {
		t.Errorf("items %q, want %q", got, want)
	}
}

func TestErrorsGoToResultsAndStderr(t *testing.T) {
	broken := strings.Replace(profileDoc, "platform: vsphere-block", "platform: vsphere-block\n  registry:\n    replicas: 3", 1)
	code, out, stderr := runFn(t, resourceList("", unrelatedDoc, broken))
	if code != 1 {
		t.Fatalf("exit %d, want 1", code)
	}
	wantLine := "regprofile: error: profiles/registry.yaml: spec.registry.replicas: 3 replicas on a ReadWriteOnce volume: 2 or more replicas need accessMode ReadWriteMany; fix: set replicas: 1, or pvc.accessMode: ReadWriteMany on storage that supports it\n"
	if stderr != wantLine {
		t.Errorf("stderr:\n%s\nwant:\n%s", stderr, wantLine)
	}
	rl, err := yaml.Parse(out)
	if err != nil {
		t.Fatal(err)
	}
	res, err := rl.Pipe(yaml.Lookup("results", "0"))
	if err != nil || res == nil {
		t.Fatalf("no results in the output ResourceList:\n%s", out)
	}
	for field, want := range map[string]string{"severity": "error", "field.path": "spec.registry.replicas", "file.path": "profiles/registry.yaml", "resourceRef.kind": "RegistryProfile", "resourceRef.name": "registry"} {
		n, _ := res.Pipe(yaml.Lookup(strings.Split(field, ".")...))
		if got := strings.TrimSpace(n.MustString()); got != want {
			t.Errorf("result %s = %q, want %q", field, got, want)
		}
	}
	// Nothing rendered: the items are the input's.
	items, _ := rl.Pipe(yaml.Lookup("items"))
	if n := len(items.Content()); n != 2 {
		t.Errorf("%d items after an error, want the 2 input items", n)
	}
}

func TestTransformerInputProblems(t *testing.T) {
	other := strings.Replace(profileDoc, "name: registry", "name: other", 1)
	owned := `apiVersion: imageregistry.operator.openshift.io/v1
kind: Config
metadata:
  name: cluster
spec:
  replicas: 5
`
	for _, tc := range []struct{ name, input, want string }{
		{"no profile", resourceList("", unrelatedDoc),
			"regprofile: error: no RegistryProfile among the 1 input items; add one (apiVersion regprofile.dev/v1alpha1) to the kustomization's resources\n"},
		{"two profiles", resourceList("", profileDoc, other),
			"regprofile: error: 2 RegistryProfiles among the input items (registry, other); one render takes exactly one\n"},
		{"wrong functionConfig", resourceList(unrelatedDoc, profileDoc),
			"regprofile: error: functionConfig is a ConfigMap; regprofile takes a RegistryProfile (generator) or a RegistryProfileTransformer (transformer)\n"},
		{"conflict with an input object", resourceList("", owned, profileDoc),
			"regprofile: error: RegistryProfile/registry: the rendered Config cluster would replace an input resource of the same group, kind and name; remove it from the kustomization, or let the profile own it\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := runFn(t, tc.input)
			if code != 1 || stderr != tc.want {
				t.Errorf("exit %d, stderr:\n%s\nwant exit 1 and:\n%s", code, stderr, tc.want)
			}
		})
	}
}

func TestRenderCommand(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.yaml")
	bad := filepath.Join(dir, "bad.yaml")
	os.WriteFile(good, []byte(profileDoc), 0o644)
	os.WriteFile(bad, []byte(strings.Replace(profileDoc, "spec:", "spec:\n  registry:\n    replcas: 1", 1)), 0o644)

	code, out, stderr := runFn(t, "", "render", good)
	if code != 0 || stderr != "" || !strings.Contains(out, "kind: Config\n") || !strings.Contains(out, "\n---\n") {
		t.Errorf("render good: exit %d, stderr %q, out:\n%s", code, stderr, out)
	}
	code, out2, _ := runFn(t, "", "render", "--platform", "nutanix", good)
	if code != 0 || out2 == out || !strings.Contains(out2, "rolloutStrategy: Recreate") {
		t.Errorf("--platform did not override spec.platform: exit %d\n%s", code, out2)
	}
	code, out, stderr = runFn(t, "", "render", bad)
	want := "regprofile: error: " + bad + `:9: spec.registry.replcas: unknown field; did you mean "replicas"?` + "\n"
	if code != 1 || out != "" || stderr != want {
		t.Errorf("render bad: exit %d, out %q, stderr:\n%s\nwant:\n%s", code, out, stderr, want)
	}
	code, out, stderr = runFn(t, profileDoc, "render", "-")
	if code != 0 || !strings.Contains(out, "kind: PersistentVolumeClaim") {
		t.Errorf("render from stdin: exit %d, stderr %q", code, stderr)
	}
	if code, _, stderr = runFn(t, "", "render", filepath.Join(dir, "missing.yaml")); code != 1 || !strings.Contains(stderr, "no such file") {
		t.Errorf("missing file: exit %d, stderr %q", code, stderr)
	}
}

func TestUsage(t *testing.T) {
	code, out, _ := runFn(t, "", "--help")
	if code != 0 || !strings.Contains(out, "regprofile render [--platform P] FILE") || !strings.Contains(out, "aws-ipi, aws-upi, azure-gov, azure-ipi, azure-upi, baremetal-odf-rgw") {
		t.Errorf("--help: exit %d\n%s", code, out)
	}
	for _, args := range [][]string{{"frobnicate"}, {"--bogus"}, {"render"}, {"render", "--platform"}, {"help", "nosuch"}, {"completion", "tcsh"}} {
		if code, _, stderr := runFn(t, "", args...); code != 2 || stderr == "" {
			t.Errorf("%v: exit %d, stderr %q; want exit 2 with usage", args, code, stderr)
		}
	}
}

func TestSubcommandDispatch(t *testing.T) {
	dir := t.TempDir()
	script := filepath.Join(dir, "regprofile-hello")
	os.WriteFile(script, []byte("#!/bin/sh\necho \"hello $*\"\nexit 3\n"), 0o755)
	t.Setenv("PATH", dir+string(os.PathListSeparator)+os.Getenv("PATH"))
	code, out, _ := runFn(t, "", "hello", "a", "b")
	if code != 3 || out != "hello a b\n" {
		t.Errorf("dispatch: exit %d, out %q; want 3 and \"hello a b\"", code, out)
	}
	code, _, stderr := runFn(t, "", "nosuch")
	if code != 2 || !strings.Contains(stderr, `unknown command "nosuch"`) {
		t.Errorf("unknown command: exit %d, stderr %q", code, stderr)
	}
}

func TestCredentialsInClearAreRefused(t *testing.T) {
	secret := `apiVersion: v1
kind: Secret
metadata:
  name: image-registry-private-configuration-user
  namespace: openshift-image-registry
stringData:
  REGISTRY_STORAGE_S3_ACCESSKEY: AKIAEXAMPLEEXAMPLE12
`
	code, _, stderr := runFn(t, resourceList("", secret, profileDoc))
	want := "regprofile: error: profiles/registry.yaml: input Secret openshift-image-registry/image-registry-private-configuration-user carries registry credentials in clear (stringData.REGISTRY_STORAGE_S3_ACCESSKEY); fix: remove the Secret from the kustomization, rotate the credentials, and use spec.credentials (an ExternalSecret, or existingSecret: true)\n"
	if code != 1 || stderr != want {
		t.Errorf("exit %d, stderr:\n%s\nwant:\n%s", code, stderr, want)
	}
	inProfile := strings.Replace(profileDoc, "spec:", "spec:\n  credentials:\n    externalSecret:\n      data:\n        REGISTRY_STORAGE_S3_SECRETKEY: wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY", 1)
	code, _, stderr = runFn(t, resourceList("", inProfile))
	want = "regprofile: error: profiles/registry.yaml: spec.credentials.externalSecret.data.REGISTRY_STORAGE_S3_SECRETKEY: a credential in clear: REGISTRY_STORAGE_S3_SECRETKEY holds a value, and credentials never go in a profile; fix: remove the value and rotate the credential; map the key to a secret store entry under spec.credentials.externalSecret.data, or manage the secret out of band with spec.credentials.existingSecret: true\n"
	if code != 1 || stderr != want {
		t.Errorf("exit %d, stderr:\n%s\nwant:\n%s", code, stderr, want)
	}
	if strings.Contains(stderr, "wJalr") || strings.Contains(stderr, "AKIA") {
		t.Error("an error message repeats the secret")
	}
}

// The function gives items back without the ids kyaml's FunctionFilter put
// on them (kustomize, kpt): given back, they make kyaml walk each item
// against its OpenAPI schema to copy comments and field order back, which
// in kustomize parses the whole built-in schema. Everything else about the
// item stays as it came, comments included.
func TestPassedItemsComeBackWithoutIDs(t *testing.T) {
	withIDs := func(doc, id string) string {
		return strings.Replace(doc, "metadata:\n", "metadata:\n  annotations:\n    internal.config.kubernetes.io/id: '"+id+"'\n    config.k8s.io/id: '"+id+"'\n", 1)
	}
	commented := "# head comment\n" + strings.Replace(unrelatedDoc, "  key: value\n", "  key: value # line comment\n", 1)
	profile := strings.Replace(profileDoc, "  annotations:\n", "  annotations:\n    internal.config.kubernetes.io/id: '2'\n    config.k8s.io/id: '2'\n", 1)
	code, out, stderr := runFn(t, resourceList("", withIDs(commented, "1"), profile))
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if strings.Contains(out, "config.kubernetes.io/id") || strings.Contains(out, "config.k8s.io/id") {
		t.Errorf("ids came back:\n%s", out)
	}
	got := items(t, out)
	if s := got[0].MustString(); s != commented {
		t.Errorf("the passed item changed beyond its ids:\n%s\nwant:\n%s", s, commented)
	}
}
