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
  rolloutStrategy: @ROLLOUT
  routes:
  - name: public
    hostname: @HOST
  - name: internal
  storage:
    managementState: @SMGMT
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

const storageClass = `apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: @CLASS
  annotations: {argocd.argoproj.io/sync-options: "Prune=false,Delete=false"}
provisioner: @PROVISIONER
parameters: {availability: @ZONE}
allowVolumeExpansion: @EXPAND
volumeBindingMode: WaitForFirstConsumer
`

// overlay fills the templates; vars are NAME=value pairs for @NAME.
func overlay(docs []string, vars ...string) string {
	s := strings.Join(docs, "---\n")
	defaults := []string{"REPLICAS=1", "ROLLOUT=Recreate", "HOST=registry.example.com", "SMGMT=Unmanaged", "STORAGE=pvc: {claim: image-registry-pvc}", "MODE=ReadWriteOnce",
		"SIZE=100Gi", "CLASS=thin-csi", "STORE=vault", "KEY=registry", "PROVISIONER=cinder.csi.openstack.org", "ZONE=nova", "EXPAND=true"}
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

type riskCase struct {
	name       string
	base, head string
	want       []string // flag: resource: reason prefix
	// gone: the overlay exists at the base only.
	gone bool
}

func runRiskCases(t *testing.T, cases []riskCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			base := Rendering{}
			if c.base != "" {
				base["p"] = objects(t, c.base)
			}
			head := Rendering{}
			if !c.gone {
				head["p"] = objects(t, c.head)
			}
			rep, err := Compare(base, head, "base", "head")
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, r := range rep.Risks {
				got = append(got, r.Flag+": "+r.Resource+": "+r.Reason)
			}
			if len(got) != len(c.want) {
				t.Fatalf("risks:\n%s\nwant %d:\n%s", strings.Join(got, "\n"), len(c.want), strings.Join(c.want, "\n"))
			}
			for i, g := range got {
				if !strings.HasPrefix(g, c.want[i]) {
					t.Errorf("risk %d:\n%s\nwant prefix\n%s", i, g, c.want[i])
				}
			}
		})
	}
}

const pvcID = "PersistentVolumeClaim/openshift-image-registry/image-registry-pvc"

func TestRiskFlags(t *testing.T) {
	all := []string{config, pvc, externalSecret, pruner}
	runRiskCases(t, []riskCase{
		{name: "no change", base: overlay(all), head: overlay(all)},
		{name: "storage switch", base: overlay(all), head: overlay(all, "STORAGE=s3: {bucket: b, region: r}"),
			want: []string{"storage-location: Config/cluster: storage backend pvc → s3: the registry starts on empty storage"}},
		{name: "claim class and shrink", base: overlay(all), head: overlay(all, "CLASS=fast", "SIZE=50Gi", "MODE=ReadWriteMany"), want: []string{
			"refused: " + pvcID + ": spec.accessModes [ReadWriteOnce] → [ReadWriteMany]: the API server refuses the update (spec: Forbidden: spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims); instead: create a new claim",
			"refused: " + pvcID + ": spec.resources.requests.storage 100Gi → 50Gi: the API server refuses the update (spec.resources.requests.storage: Forbidden: field can not be less than previous value)",
			"refused: " + pvcID + ": spec.storageClassName thin-csi → fast: the API server refuses the update (spec: Forbidden: spec is immutable",
		}},
		{name: "a claim grows, its class not rendered", base: overlay(all), head: overlay(all, "SIZE=200Gi"), want: []string{
			"expansion: " + pvcID + ": spec.resources.requests.storage 100Gi → 200Gi: the API server accepts it only if StorageClass thin-csi, which this overlay does not render, has allowVolumeExpansion: true",
		}},
		{name: "removed state", base: overlay(all), head: overlay(all, "Managed=Removed"),
			want: []string{"storage-deletion: Config/cluster: managementState Managed → Removed: the operator removes the registry and pulls and pushes stop; the storage stays"}},
		{name: "removed state, managed storage", base: overlay(all, "SMGMT=Managed"), head: overlay(all, "Managed=Removed", "SMGMT=Managed"),
			want: []string{"storage-deletion: Config/cluster: managementState Managed → Removed: the operator removes the registry and deletes the storage it manages"}},
		{name: "already removed", base: overlay(all, "Managed=Removed"), head: overlay(all, "Managed=Removed", "HOST=registry.example.org"),
			want: []string{"route-hostname: Config/cluster: route public hostname"}},
		{name: "back from removed", base: overlay(all, "Managed=Removed"), head: overlay(all),
			want: []string{"management-state: Config/cluster: managementState Removed → Managed: the operator deploys the registry again"}},
		{name: "unmanaged", base: overlay(all), head: overlay(all, "Managed=Unmanaged"),
			want: []string{"management-state: Config/cluster: managementState Managed → Unmanaged: the operator stops reconciling"}},
		{name: "storage taken over", base: overlay(all), head: overlay(all, "SMGMT=Managed"),
			want: []string{"storage-managed: Config/cluster: spec.storage.managementState Unmanaged → Managed: the operator takes the storage over"}},
		{name: "config and pruner deleted", base: overlay(all), head: overlay([]string{pvc, externalSecret}), want: []string{
			"storage-deletion: Config/cluster: the Config is deleted",
			"storage-deletion: ImagePruner/cluster: the ImagePruner is deleted",
		}},
		{name: "config and pruner kept", base: keep(overlay(all), "Config", "ImagePruner"), head: overlay([]string{pvc, externalSecret}), want: []string{
			"orphaned: Config/cluster: leaves the render but stays on the cluster (Prune=false)",
			"orphaned: ImagePruner/cluster: leaves the render but stays on the cluster (Prune=false)",
		}},
		{name: "overlay removed, Delete=false", base: keep(overlay(all), "Config"), gone: true, want: []string{
			"storage-deletion: ImagePruner/cluster: the ImagePruner is deleted",
			"storage-deletion: " + pvcID + ": the claim is deleted",
			"dangling-reference: Config/cluster: names PersistentVolumeClaim/openshift-image-registry/image-registry-pvc at spec.storage.pvc.claim and stays on the cluster (kept by Delete=false, no longer rendered), but its overlay is removed and it lacks Delete=false, so Argo CD deletes it: the registry's volume goes",
			"orphaned: Config/cluster: leaves the render but stays on the cluster (Delete=false)",
		}},
		{name: "replicas on RWO", base: overlay(all), head: overlay(all, "REPLICAS=3"),
			want: []string{"rwo-rollout: Config/cluster: 3 replicas on ReadWriteOnce claim image-registry-pvc: "}},
		{name: "rolling update on RWO", base: overlay(all), head: overlay(all, "ROLLOUT=RollingUpdate"),
			want: []string{"rwo-rollout: Config/cluster: rolloutStrategy RollingUpdate on ReadWriteOnce claim image-registry-pvc: "}},
		{name: "replicas on RWO before and after", base: overlay(all, "REPLICAS=2"), head: overlay(all, "REPLICAS=3")},
		{name: "replicas on RWX", base: overlay(all, "MODE=ReadWriteMany"), head: overlay(all, "MODE=ReadWriteMany", "REPLICAS=2")},
		{name: "credentials store", base: overlay(all), head: overlay(all, "STORE=aws"),
			want: []string{"credentials-source: ExternalSecret/openshift-image-registry/image-registry-private-configuration-user: credentials store ClusterSecretStore/vault → ClusterSecretStore/aws: "}},
		{name: "credentials entry", base: overlay(all), head: overlay(all, "KEY=other"),
			want: []string{"credentials-source: ExternalSecret/openshift-image-registry/image-registry-private-configuration-user: credentials entries [REGISTRY_STORAGE_S3_ACCESSKEY=registry] → [REGISTRY_STORAGE_S3_ACCESSKEY=other]: "}},
		{name: "credentials out of band", base: overlay(all), head: overlay([]string{config, pvc, pruner}),
			want: []string{"credentials-source: ExternalSecret/openshift-image-registry/image-registry-private-configuration-user: the ExternalSecret reading ClusterSecretStore/vault is gone"}},
		{name: "route hostname", base: overlay(all), head: overlay(all, "HOST=registry.example.org"),
			want: []string{"route-hostname: Config/cluster: route public hostname registry.example.com → registry.example.org: "}},
		{name: "route removed", base: overlay(all), head: strings.Replace(overlay(all), "  - name: internal\n", "", 1),
			want: []string{"route-hostname: Config/cluster: route internal ((generated)) is removed: "}},
		{name: "emptyDir", base: overlay(all), head: overlay(all, "STORAGE=emptyDir: {}"), want: []string{
			"storage-location: Config/cluster: storage backend pvc → emptyDir: ",
			"emptydir: Config/cluster: emptyDir storage: every image is lost when the registry pod restarts; not for production",
		}},
		{name: "a new overlay", head: overlay(all)},
	})
}

// keep marks the named kinds Prune=false,Delete=false.
func keep(stream string, kinds ...string) string {
	for _, k := range kinds {
		stream = strings.Replace(stream, "kind: "+k+"\nmetadata:\n", "kind: "+k+"\nmetadata:\n  annotations: {argocd.argoproj.io/sync-options: \"Prune=false,Delete=false\"}\n", 1)
	}
	return stream
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
	if err := WriteMarkdown(&capped, rep, 1100); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{CommentMarker + "\n", "### ⚠️ Risks\n\n- **refused** `a`", "| `a` | changed | 0 | 0 | 1 | 1 |\n| `b` | changed | 0 | 0 | 1 | 0 |\n| `c` | unchanged | 0 | 0 | 0 | 0 |\n"} {
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
	if capped.Len() > 1100 || !strings.HasSuffix(capped.String(), "_Left out to keep this comment under 1100 bytes: the details of `a`. Run `regprofile diff` locally to see everything._\n") {
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

// The risks that do not fit the cap are counted, not written past it; the
// most severe come first.
func TestMarkdownCapCutsRisksLast(t *testing.T) {
	all := []string{config, pvc, externalSecret, pruner}
	base, head := Rendering{}, Rendering{}
	for _, n := range []string{"a", "b", "c", "d", "e", "f"} {
		base[n] = objects(t, overlay(all))
		head[n] = objects(t, overlay(all, "SIZE=50Gi", "HOST=registry.example.org"))
	}
	rep, err := Compare(base, head, "base", "head")
	if err != nil {
		t.Fatal(err)
	}
	var md strings.Builder
	if err := WriteMarkdown(&md, rep, 2000); err != nil {
		t.Fatal(err)
	}
	got := md.String()
	if len(got) > 2000 || !strings.Contains(got, "- **refused** `a`") || strings.Contains(got, "**route-hostname**") ||
		!strings.Contains(got, "more left out to keep this comment under 2000 bytes") || !strings.Contains(got, "| `f` | changed |") {
		t.Errorf("%d bytes:\n%s", len(got), got)
	}
}
