package review

import (
	"strings"
	"testing"
)

func objects(t *testing.T, stream string) []*Object {
	t.Helper()
	objs, err := ParseObjects(stream)
	if err != nil {
		t.Fatal(err)
	}
	return objs
}

const config = `apiVersion: imageregistry.operator.openshift.io/v1
kind: Config
metadata:
  name: cluster
spec:
  managementState: Managed
  replicas: @REPLICAS
  routes:
  - name: public
    hostname: @HOST
  - name: internal
  storage:
    managementState: Unmanaged
    @STORAGE
`

const pvc = `apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: image-registry-pvc
  namespace: openshift-image-registry
spec:
  accessModes: [@MODE]
  resources: {requests: {storage: @SIZE}}
  storageClassName: @CLASS
  volumeMode: Filesystem
`

const externalSecret = `apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata:
  name: image-registry-private-configuration-user
  namespace: openshift-image-registry
spec:
  secretStoreRef: {kind: ClusterSecretStore, name: @STORE}
  target: {name: image-registry-private-configuration-user}
  data:
  - secretKey: REGISTRY_STORAGE_S3_ACCESSKEY
    remoteRef: {key: @KEY}
`

const pruner = `apiVersion: imageregistry.operator.openshift.io/v1
kind: ImagePruner
metadata:
  name: cluster
spec:
  schedule: "0 0 * * *"
`

// overlay fills the templates; vars are NAME=value pairs for @NAME.
func overlay(docs []string, vars ...string) string {
	s := strings.Join(docs, "---\n")
	defaults := []string{"REPLICAS=1", "HOST=registry.example.com", "STORAGE=pvc: {claim: image-registry-pvc}", "MODE=ReadWriteOnce",
		"SIZE=100Gi", "CLASS=thin-csi", "STORE=vault", "KEY=registry"}
	for _, kv := range append(vars, defaults...) {
		k, v, _ := strings.Cut(kv, "=")
		if k == "Managed" {
			s = strings.Replace(s, "managementState: Managed", "managementState: "+v, 1)
			continue
		}
		s = strings.ReplaceAll(s, "@"+k, v)
	}
	return s
}

func TestRiskFlags(t *testing.T) {
	all := []string{config, pvc, externalSecret, pruner}
	for _, c := range []struct {
		name       string
		base, head string
		want       []string // flag: resource: reason prefix
	}{
		{"no change", overlay(all), overlay(all), nil},
		{"storage switch", overlay(all), overlay(all, "STORAGE=s3: {bucket: b, region: r}"),
			[]string{"storage-switch: Config/cluster: storage backend pvc → s3: "}},
		{"claim class and shrink", overlay(all), overlay(all, "CLASS=fast", "SIZE=50Gi", "MODE=ReadWriteMany"), []string{
			"pvc-immutable: PersistentVolumeClaim/openshift-image-registry/image-registry-pvc: spec.accessModes [ReadWriteOnce] → [ReadWriteMany]: immutable",
			"pvc-immutable: PersistentVolumeClaim/openshift-image-registry/image-registry-pvc: spec.resources.requests.storage 100Gi → 50Gi: a claim cannot shrink",
			"pvc-immutable: PersistentVolumeClaim/openshift-image-registry/image-registry-pvc: spec.storageClassName thin-csi → fast: immutable",
		}},
		{"a claim grows", overlay(all), overlay(all, "SIZE=200Gi"), nil},
		{"removed state", overlay(all), overlay(all, "Managed=Removed"),
			[]string{"storage-deletion: Config/cluster: managementState Removed: the operator removes the registry and pulls and pushes stop; the storage stays"}},
		{"already removed", overlay(all, "Managed=Removed"), overlay(all, "Managed=Removed", "SIZE=200Gi"), nil},
		{"config and pruner deleted", overlay(all), overlay([]string{pvc, externalSecret}), []string{
			"storage-deletion: Config/cluster: the Config is deleted",
			"storage-deletion: ImagePruner/cluster: the ImagePruner is deleted",
		}},
		{"replicas on RWO", overlay(all), overlay(all, "REPLICAS=3"),
			[]string{"rwo-replicas: Config/cluster: 3 replicas on ReadWriteOnce claim image-registry-pvc: "}},
		{"replicas on RWO before and after", overlay(all, "REPLICAS=2"), overlay(all, "REPLICAS=3"), nil},
		{"replicas on RWX", overlay(all, "MODE=ReadWriteMany"), overlay(all, "MODE=ReadWriteMany", "REPLICAS=2"), nil},
		{"credentials store", overlay(all), overlay(all, "STORE=aws"),
			[]string{"credentials-source: ExternalSecret/openshift-image-registry/image-registry-private-configuration-user: credentials store ClusterSecretStore/vault → ClusterSecretStore/aws: "}},
		{"credentials entry", overlay(all), overlay(all, "KEY=other"),
			[]string{"credentials-source: ExternalSecret/openshift-image-registry/image-registry-private-configuration-user: credentials entries [REGISTRY_STORAGE_S3_ACCESSKEY=registry] → [REGISTRY_STORAGE_S3_ACCESSKEY=other]: "}},
		{"credentials out of band", overlay(all), overlay([]string{config, pvc, pruner}),
			[]string{"credentials-source: ExternalSecret/openshift-image-registry/image-registry-private-configuration-user: the ExternalSecret reading ClusterSecretStore/vault is gone"}},
		{"route hostname", overlay(all), overlay(all, "HOST=registry.example.org"),
			[]string{"route-hostname: Config/cluster: route public hostname registry.example.com → registry.example.org: "}},
		{"route removed", overlay(all), strings.Replace(overlay(all), "  - name: internal\n", "", 1),
			[]string{"route-hostname: Config/cluster: route internal ((generated)) is removed: "}},
		{"emptyDir", overlay(all), overlay(all, "STORAGE=emptyDir: {}"), []string{
			"storage-switch: Config/cluster: storage backend pvc → emptyDir: ",
			"emptydir: Config/cluster: emptyDir storage: every image is lost when the registry pod restarts; not for production",
		}},
		{"a new overlay", "", overlay(all), nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			var base Rendering = Rendering{}
			if c.base != "" {
				base["p"] = objects(t, c.base)
			}
			rep, err := Compare(base, Rendering{"p": objects(t, c.head)}, "base", "head")
			if err != nil {
				t.Fatal(err)
			}
			if len(rep.Risks) != len(c.want) {
				t.Fatalf("risks %v, want %d", rep.Risks, len(c.want))
			}
			for i, r := range rep.Risks {
				if got := r.Flag + ": " + r.Resource + ": " + r.Reason; !strings.HasPrefix(got, c.want[i]) {
					t.Errorf("risk %d:\n%s\nwant prefix\n%s", i, got, c.want[i])
				}
			}
		})
	}
}

func TestFieldChangesMatchNamedEntriesAndSplitKeys(t *testing.T) {
	from := overlay([]string{config})
	to := strings.Replace(overlay([]string{config}, "HOST=registry.example.org"), "  managementState: Managed\n", "  managementState: Managed\n  logLevel: Debug\n", 1)
	to = strings.Replace(to, "  - name: public\n    hostname: registry.example.org\n  - name: internal\n", "  - name: internal\n  - name: public\n    hostname: registry.example.org\n", 1)
	got, err := FieldChanges(from, to)
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, f := range got {
		lines = append(lines, f.Change+" "+f.Path+" "+f.From+" -> "+f.To)
	}
	want := "added spec.logLevel  -> Debug\n" +
		"reordered spec.routes - public\n- internal -> - internal\n- public\n" +
		"changed spec.routes[name=public].hostname registry.example.com -> registry.example.org"
	if strings.Join(lines, "\n") != want {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(lines, "\n"), want)
	}
}

func report(t *testing.T) *Report {
	t.Helper()
	all := []string{config, pvc, externalSecret, pruner}
	rep, err := Compare(
		Rendering{"a": objects(t, overlay(all)), "b": objects(t, overlay(all)), "c": objects(t, overlay(all))},
		Rendering{"a": objects(t, overlay(all, "SIZE=50Gi")), "b": objects(t, overlay(all, "REPLICAS=1\n  logLevel: Debug")), "c": objects(t, overlay(all))},
		"base", "head")
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func TestMarkdownCapKeepsRisksAndSummary(t *testing.T) {
	rep := report(t)
	var full, capped strings.Builder
	if err := WriteMarkdown(&full, rep, DefaultMaxMarkdown); err != nil {
		t.Fatal(err)
	}
	if err := WriteMarkdown(&capped, rep, 900); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{CommentMarker + "\n", "### ⚠️ Risks\n\n- **pvc-immutable** `a`", "| `a` | changed | 0 | 0 | 1 | 1 |\n| `b` | changed | 0 | 0 | 1 | 0 |\n| `c` | unchanged | 0 | 0 | 0 | 0 |\n"} {
		if !strings.Contains(capped.String(), want) || !strings.Contains(full.String(), want) {
			t.Errorf("a report lacks %q:\n%s", want, capped.String())
		}
	}
	if !strings.Contains(full.String(), "<summary><code>a</code>") || !strings.Contains(full.String(), "<summary><code>b</code>") {
		t.Errorf("the full report lacks details:\n%s", full.String())
	}
	// What fits stays: b's details are small, a's are not.
	if strings.Contains(capped.String(), "<summary><code>a</code>") || !strings.Contains(capped.String(), "<summary><code>b</code>") {
		t.Errorf("the capped report keeps the wrong details:\n%s", capped.String())
	}
	if capped.Len() > 900 || !strings.HasSuffix(capped.String(), "_Left out to keep this comment under 900 bytes: the details of `a`. Run `regprofile diff` locally to see everything._\n") {
		t.Errorf("capped report (%d bytes):\n%s", capped.Len(), capped.String())
	}
}

func TestTextColoursOnlyWhenAsked(t *testing.T) {
	rep := report(t)
	var plain, coloured strings.Builder
	if err := WriteText(&plain, rep, false); err != nil {
		t.Fatal(err)
	}
	if err := WriteText(&coloured, rep, true); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(plain.String(), "\x1b[") {
		t.Errorf("colour without asking:\n%q", plain.String())
	}
	for _, want := range []string{"\x1b[31m-     100Gi\x1b[0m\n", "\x1b[32m+     50Gi\x1b[0m\n", "\x1b[33m~ PersistentVolumeClaim/openshift-image-registry/image-registry-pvc\x1b[0m\n"} {
		if !strings.Contains(coloured.String(), want) {
			t.Errorf("coloured text lacks %q:\n%q", want, coloured.String())
		}
	}
}

func TestCodeFenceOutgrowsBackticks(t *testing.T) {
	if got := codeFence("a ```` b"); got != "`````" {
		t.Errorf("got %q", got)
	}
	if got := codeFence("plain"); got != "```" {
		t.Errorf("got %q", got)
	}
}
