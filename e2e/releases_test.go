package e2e

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	k8sschema "k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"regprofile.dev/regprofile/e2e/schema"
	"regprofile.dev/regprofile/fn/api/v1alpha1"
	"regprofile.dev/regprofile/internal/diag"
	"regprofile.dev/regprofile/internal/operator"
	"regprofile.dev/regprofile/internal/profile"
	"regprofile.dev/regprofile/internal/render"
	"regprofile.dev/regprofile/internal/testkit"
)

// These tests hold internal/operator/releases.go, the table of which OpenShift
// release first has which registry field, against each release's own CRDs
// (schema.ForRelease), and check that what regprofile renders for a release
// is accepted by that release's CRDs.

const registryGroup = "imageregistry.operator.openshift.io"

// releaseValidator returns the pinned release's validator and its version.
func releaseValidator(t *testing.T, release string) (*schema.Validator, operator.Version) {
	t.Helper()
	v, err := schema.ForRelease(release)
	if err != nil {
		t.Fatalf("loading OpenShift %s's CRDs: %v", release, err)
	}
	ver, err := operator.ParseVersion(release)
	if err != nil {
		t.Fatalf("pinned release %q: %v", release, err)
	}
	return v, ver
}

func hasKind(v *schema.Validator, kind string) bool {
	return slices.ContainsFunc(v.Kinds(), func(gvk k8sschema.GroupVersionKind) bool { return gvk.Group == registryGroup && gvk.Kind == kind })
}

// apiPaths lists the dotted json paths of every field of t, a struct of the
// regprofile API, descending into the API's own structs (through pointers
// and slices) but not into anything else: a Kubernetes type such as
// corev1.Affinity is one field.
func apiPaths(t reflect.Type, prefix string) []string {
	own := reflect.TypeOf(v1alpha1.RegistrySpec{}).PkgPath()
	var out []string
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "" || name == "-" || f.Tag.Get(v1alpha1.LocalTag) == v1alpha1.LocalValue {
			continue // not emitted, or read by regprofile only
		}
		path := prefix + name
		out = append(out, path)
		ft := f.Type
		for ft.Kind() == reflect.Pointer || ft.Kind() == reflect.Slice || ft.Kind() == reflect.Array {
			ft = ft.Elem()
		}
		if ft.Kind() == reflect.Struct && ft.PkgPath() == own {
			out = append(out, apiPaths(ft, path+".")...)
		}
	}
	return out
}

// tableKind is one kind's gating table and the API type emitted as its spec.
type tableKind struct {
	kind  string
	table map[string]operator.Version
	api   reflect.Type
}

var tableKinds = []tableKind{
	{"Config", operator.ConfigFieldSince, reflect.TypeOf(v1alpha1.RegistrySpec{})},
	{"ImagePruner", operator.PrunerFieldSince, reflect.TypeOf(v1alpha1.PrunerSpec{})},
}

func TestReleaseTableMatchesCRDs(t *testing.T) {
	// The table's keys must be fields the API can emit: a misspelt key
	// would gate nothing.
	for _, tk := range tableKinds {
		paths := apiPaths(tk.api, "")
		for _, f := range operator.GatedFields(tk.table) {
			if !slices.Contains(paths, f) {
				t.Errorf("the %s table gates %q, which %s does not have", tk.kind, f, tk.api)
			}
		}
	}

	for _, release := range schema.Releases() {
		v, r := releaseValidator(t, release)

		hasPruner := hasKind(v, "ImagePruner")
		if want := !r.Less(operator.PrunerSince); hasPruner != want {
			if hasPruner {
				t.Errorf("%s has an ImagePruner CRD but the table says %s (operator.PrunerSince)", release, operator.PrunerSince)
			} else {
				t.Errorf("%s has no ImagePruner CRD but the table says %s (operator.PrunerSince)", release, operator.PrunerSince)
			}
		}
		if !hasKind(v, "Config") {
			t.Errorf("%s has no Config CRD", release)
			continue
		}

		for _, tk := range tableKinds {
			if tk.kind == "ImagePruner" && !hasPruner {
				continue
			}
			// Every gated field: present exactly from its release on.
			for _, f := range operator.GatedFields(tk.table) {
				since := tk.table[f]
				has := v.HasField(tk.kind, f)
				switch want := r.Has(tk.table, f); {
				case has && !want:
					t.Errorf("%s %s CRD has spec.%s but the table says %s", release, tk.kind, f, since)
				case !has && want:
					t.Errorf("%s %s CRD lacks spec.%s but the table says %s", release, tk.kind, f, since)
				}
			}
			// Every field the API can emit into the spec: present unless
			// the table gates it (or a field it is under).
			for _, p := range apiPaths(tk.api, "") {
				if gated, since := operator.Since(tk.table, p); gated != "" && r.Less(since) {
					continue // checked above, as the gated field
				}
				if !v.HasField(tk.kind, p) {
					t.Errorf("%s %s CRD lacks spec.%s, which %s can emit and the table does not gate", release, tk.kind, p, tk.api)
				}
			}
		}

		// Fields the old CRDs require, which rendering must always set.
		for _, req := range []struct {
			field string
			until operator.Version
			name  string
		}{
			{"logging", operator.LoggingRequiredUntil, "LoggingRequiredUntil"},
			{"managementState", operator.ManagementStateRequiredUntil, "ManagementStateRequiredUntil"},
		} {
			got, want := v.RequiresField("Config", req.field), !req.until.Less(r)
			switch {
			case got && !want:
				t.Errorf("%s Config CRD requires spec.%s but the table says until %s (profile.%s)", release, req.field, req.until, req.name)
			case !got && want:
				t.Errorf("%s Config CRD does not require spec.%s but the table says until %s (profile.%s)", release, req.field, req.until, req.name)
			}
		}
		// replicas is required by every release: rendering always sets it.
		if !v.RequiresField("Config", "replicas") {
			t.Errorf("%s Config CRD does not require spec.replicas", release)
		}
	}
}

// notInProfile are the spec fields of the newest Config and ImagePruner that
// a profile deliberately cannot express, each with the reason.
var notInProfile = map[string]map[string]string{
	"Config": {
		// Owned by the operator: it generates the secret, its config
		// observer writes observedConfig, and overrides are unsupported by
		// definition.
		"httpSecret":                 "generated by the operator; a value in Git would be a secret in Git",
		"observedConfig":             "written by the operator's config observer",
		"unsupportedConfigOverrides": "unsupported by the operator, and no GitOps tool should hold it",
		// Backends of platforms regprofile does not render: IBM Cloud and
		// Alibaba Cloud clusters are installer-provisioned, and the operator
		// configures and owns their storage.
		"storage.ibmcos": "IBM Cloud Object Storage: no IBM Cloud platform",
		"storage.oss":    "Alibaba Cloud OSS: no Alibaba Cloud platform",
	},
	"ImagePruner": {
		"keepYoungerThan": "deprecated integer nanoseconds; keepYoungerThanDuration replaces it",
	},
}

// Every spec field of the newest pinned release's Config and ImagePruner is
// one a profile can set (or is listed, with its reason, in notInProfile): a
// field openshift/api adds shows up here the day the pin moves.
func TestProfileExpressesNewestCRD(t *testing.T) {
	newest := schema.Releases()[len(schema.Releases())-1]
	v, _ := releaseValidator(t, newest)
	for _, tk := range tableKinds {
		paths := apiPaths(tk.api, "")
		// A field of a Kubernetes type (affinity, tolerations, a secret
		// key selector) is set whole: everything under it is expressible.
		whole := func(p string) bool {
			return !slices.ContainsFunc(paths, func(q string) bool { return strings.HasPrefix(q, p+".") })
		}
		fields := v.SpecFields(tk.kind)
		if len(fields) == 0 {
			t.Fatalf("OpenShift %s has no %s spec fields", newest, tk.kind)
		}
		for _, f := range fields {
			covered := slices.Contains(paths, f)
			for p := f; !covered && p != ""; p = p[:max(strings.LastIndex(p, "."), 0)] {
				_, excluded := notInProfile[tk.kind][p]
				covered = excluded || (p != f && slices.Contains(paths, p) && whole(p))
			}
			if !covered {
				t.Errorf("OpenShift %s %s has spec.%s, which %s cannot express: add it (with a doc comment and a release gate in internal/operator/releases.go) or list it in notInProfile with the reason", newest, tk.kind, f, tk.api)
			}
		}
		for f := range notInProfile[tk.kind] {
			if !v.HasField(tk.kind, f) {
				t.Errorf("notInProfile lists %s spec.%s, which OpenShift %s does not have", tk.kind, f, newest)
			}
		}
	}
}

// fullAWS sets every Config field the API has that aws-upi can use, and
// every pruner field.
const fullAWS = `apiVersion: regprofile.dev/v1alpha1
kind: RegistryProfile
metadata:
  name: full-aws
spec:
  platform: aws-upi
  registry:
    managementState: Managed
    replicas: 3
    rolloutStrategy: RollingUpdate
    logLevel: Debug
    operatorLogLevel: Trace
    readOnly: false
    disableRedirect: true
    defaultRoute: true
    routes:
    - name: public
      hostname: registry.apps.example.com
      secretName: public-tls
    proxy:
      http: http://proxy.example.com:3128
      https: http://proxy.example.com:3128
      noProxy: .cluster.local,.svc
    requests:
      read: {maxRunning: 100, maxInQueue: 50, maxWaitInQueue: 1m}
      write: {maxRunning: 10, maxInQueue: 5, maxWaitInQueue: 2m}
    nodeSelector:
      node-role.kubernetes.io/infra: ""
    tolerations:
    - {key: node-role.kubernetes.io/infra, operator: Exists, effect: NoSchedule}
    affinity:
      podAntiAffinity:
        preferredDuringSchedulingIgnoredDuringExecution:
        - weight: 100
          podAffinityTerm:
            topologyKey: kubernetes.io/hostname
            labelSelector:
              matchLabels: {docker-registry: default}
    topologySpreadConstraints:
    - maxSkew: 1
      topologyKey: topology.kubernetes.io/zone
      whenUnsatisfiable: ScheduleAnyway
      labelSelector:
        matchLabels: {docker-registry: default}
    resources:
      requests: {cpu: 200m, memory: 512Mi}
      limits: {memory: 2Gi}
    storage:
      managementState: Unmanaged
      s3:
        bucket: example-registry
        region: us-east-1
        regionEndpoint: https://s3.us-east-1.amazonaws.com
        virtualHostedStyle: true
        chunkSizeMiB: 16
        encrypt: true
        keyID: arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab
        cloudFront:
          baseURL: https://d111111abcdef8.cloudfront.net
          privateKey: {name: cloudfront-key, key: private.pem}
          keypairID: K2JCJMDEHXQW5F
          duration: 20m
        trustedCA:
          name: s3-ca
  credentials:
    existingSecret: true
  pruner:
    schedule: "0 3 * * *"
    suspend: false
    keepTagRevisions: 5
    keepYoungerThanDuration: 24h
    ignoreInvalidImageReferences: true
    resources:
      requests: {cpu: 100m, memory: 256Mi}
    affinity:
      nodeAffinity:
        requiredDuringSchedulingIgnoredDuringExecution:
          nodeSelectorTerms:
          - matchExpressions:
            - {key: node-role.kubernetes.io/infra, operator: Exists}
    nodeSelector:
      node-role.kubernetes.io/infra: ""
    tolerations:
    - {key: node-role.kubernetes.io/infra, operator: Exists, effect: NoSchedule}
    successfulJobsHistoryLimit: 2
    failedJobsHistoryLimit: 4
    logLevel: Debug
`

// fullAzure sets every Azure storage field, on azure-gov.
const fullAzure = `apiVersion: regprofile.dev/v1alpha1
kind: RegistryProfile
metadata:
  name: full-azure
spec:
  platform: azure-gov
  registry:
    storage:
      azure:
        accountName: exampleregistry
        container: openshift-registry
        cloudName: AzureUSGovernmentCloud
        networkAccess:
          type: Internal
          internal:
            networkResourceGroupName: network-rg
            vnetName: registry-vnet
            subnetName: registry-subnet
            privateEndpointName: registry-endpoint
  credentials:
    existingSecret: true
`

// forRelease returns doc with spec.openshiftVersion set to release and,
// unless keepGated, without the fields release lacks (in spec.registry,
// every spec.platforms.<p>.registry and spec.pruner) and with each volume
// class it lacks replaced by the one it has. It also returns the
// profile paths it removed, or would have removed.
func forRelease(t *testing.T, doc, release string, r operator.Version, keepGated bool) (string, []string) {
	t.Helper()
	node, err := yaml.Parse(doc)
	if err != nil {
		t.Fatal(err)
	}
	if err := node.PipeE(yaml.LookupCreate(yaml.MappingNode, "spec"), yaml.SetField("openshiftVersion", yaml.NewStringRNode(release))); err != nil {
		t.Fatal(err)
	}
	var removed []string
	drop := func(path ...string) {
		t.Helper()
		parent, err := node.Pipe(yaml.Lookup(path[:len(path)-1]...))
		if err != nil {
			t.Fatal(err)
		}
		if parent == nil || parent.Field(path[len(path)-1]) == nil {
			return
		}
		removed = append(removed, strings.Join(path, "."))
		if keepGated {
			return
		}
		if _, err := parent.Pipe(yaml.Clear(path[len(path)-1])); err != nil {
			t.Fatal(err)
		}
	}
	registries := [][]string{{"spec", "registry"}}
	if platforms, err := node.Pipe(yaml.Lookup("spec", "platforms")); err != nil {
		t.Fatal(err)
	} else if platforms != nil {
		fields, err := platforms.Fields()
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range fields {
			registries = append(registries, []string{"spec", "platforms", p, "registry"})
		}
	}
	for _, f := range operator.GatedFields(operator.ConfigFieldSince) {
		if r.Has(operator.ConfigFieldSince, f) {
			continue
		}
		for _, reg := range registries {
			drop(append(slices.Clone(reg), strings.Split(f, ".")...)...)
		}
	}
	if r.Less(operator.PrunerSince) {
		drop("spec", "pruner")
	} else {
		for _, f := range operator.GatedFields(operator.PrunerFieldSince) {
			if !r.Has(operator.PrunerFieldSince, f) {
				drop(append([]string{"spec", "pruner"}, strings.Split(f, ".")...)...)
			}
		}
	}
	// A volume class that ships only with later releases becomes the class
	// the release has (operator.Facts), as a profile for that release says.
	for _, reg := range registries[1:] {
		path := append(slices.Clone(reg[:3]), "pvc", "storageClassName")
		class, err := node.Pipe(yaml.Lookup(path...))
		if err != nil {
			t.Fatal(err)
		}
		if class == nil {
			continue
		}
		key := "class." + yaml.GetValue(class)
		if f, ok := operator.Facts[key]; ok && f.Instead != "" && !r.Accepts(key) {
			removed = append(removed, strings.Join(path, "."))
			if !keepGated {
				class.YNode().Value = f.Instead
			}
		}
	}
	return node.MustString(), removed
}

// renderCase is one profile rendered for every pinned release.
type renderCase struct {
	name, platform, doc string
	// needs is the release before which the case cannot render because
	// its platform needs a field that release lacks, and the field.
	needs      operator.Version
	needsField string
}

func renderCases(t *testing.T) []renderCase {
	var cases []renderCase
	for _, p := range platforms {
		c := renderCase{name: "overlay-" + p, platform: p, doc: string(testkit.ExampleProfile(t, p))}
		switch p {
		case "azure-gov":
			// The registry would talk to the public cloud's endpoints
			// without cloudName.
			c.needs, c.needsField = operator.ConfigFieldSince["storage.azure.cloudName"], "storage.azure.cloudName"
		case "vsphere-block", "rhosp-cinder":
			// A ReadWriteOnce volume: 4.2 and 4.3's operator refuses it.
			c.needs, c.needsField = operator.Facts["accessMode.ReadWriteOnce"].Since, "pvc.accessMode"
		case "nutanix":
			c.needs, c.needsField = operator.Facts["platform.nutanix"].Since, "platform"
		}
		cases = append(cases, c)
	}
	return append(cases,
		renderCase{name: "full-aws", platform: "aws-upi", doc: fullAWS},
		renderCase{name: "full-azure", platform: "azure-gov", doc: fullAzure,
			needs: operator.ConfigFieldSince["storage.azure.cloudName"], needsField: "storage.azure.cloudName"},
	)
}

func TestRenderedOutputValidatesPerRelease(t *testing.T) {
	def, err := schema.Default()
	if err != nil {
		t.Fatalf("loading schemas: %v", err)
	}
	cases := renderCases(t)
	for _, release := range schema.Releases() {
		v, r := releaseValidator(t, release)
		t.Run(release, func(t *testing.T) {
			for _, c := range cases {
				t.Run(c.name, func(t *testing.T) {
					doc, removed := forRelease(t, c.doc, release, r, false)
					p, fs := profile.DecodeBytes([]byte(doc))
					if fs.HasErrors() {
						t.Fatalf("decoding:\n%s\n%s", findingsText(fs), doc)
					}
					objs, fs := render.Render(p, render.Options{Platform: c.platform})
					if r.Less(c.needs) {
						// The platform cannot do without a field this
						// release lacks: the render must fail, saying so.
						if !fs.HasErrors() {
							t.Fatalf("rendered for %s, which lacks %s that %s needs; want an error naming %s", release, c.needsField, c.platform, c.needs)
						}
						if !slices.ContainsFunc(fs, func(f diag.Finding) bool {
							return f.Severity == diag.Error && strings.HasSuffix(f.Path, "."+c.needsField) && strings.Contains(f.Message, c.needs.String())
						}) {
							t.Errorf("want an error at %s naming %s, got:\n%s", c.needsField, c.needs, findingsText(fs))
						}
						return
					}
					if fs.HasErrors() {
						t.Fatalf("render failed (removed for %s: %v):\n%s", release, removed, findingsText(fs))
					}

					var sawConfig, sawPruner bool
					for _, o := range objs {
						node, err := o.RNode()
						if err != nil {
							t.Fatal(err)
						}
						val := def
						if strings.HasPrefix(o.APIVersion, registryGroup+"/") && (o.Kind == "Config" || o.Kind == "ImagePruner") {
							val = v // the release's own CRD
							sawConfig = sawConfig || o.Kind == "Config"
							sawPruner = sawPruner || o.Kind == "ImagePruner"
						}
						errs := val.ValidateYAML([]byte(node.MustString()))
						for _, err := range errs {
							t.Errorf("%s schema: %v", release, err)
						}
						if len(errs) > 0 {
							t.Logf("rendered %s:\n%s", o.ID(), node.MustString())
						}
					}
					if !sawConfig {
						t.Errorf("no Config rendered")
					}
					if wantPruner := p.Spec.Pruner != nil; sawPruner != wantPruner {
						t.Errorf("ImagePruner rendered: %v, want %v", sawPruner, wantPruner)
					}
				})
			}
		})
	}
}

// TestGatedFieldsFailToRenderPerRelease renders the same profiles with the
// fields each release lacks left in: every one must be an error naming the
// release that first has it, and nothing else may fail.
func TestGatedFieldsFailToRenderPerRelease(t *testing.T) {
	cases := renderCases(t)
	for _, release := range schema.Releases() {
		_, r := releaseValidator(t, release)
		for _, c := range cases {
			doc, removed := forRelease(t, c.doc, release, r, true)
			if len(removed) == 0 {
				continue
			}
			p, fs := profile.DecodeBytes([]byte(doc))
			if fs.HasErrors() {
				t.Fatalf("%s %s: decoding:\n%s", release, c.name, findingsText(fs))
			}
			_, fs = render.Render(p, render.Options{Platform: c.platform})
			var errs []diag.Finding
			for _, f := range fs {
				if f.Severity == diag.Error {
					errs = append(errs, f)
				}
			}
			for _, path := range removed {
				field, since := gatedProfileField(path)
				if strings.HasSuffix(path, ".pvc.storageClassName") {
					class, err := yaml.Parse(doc)
					if err != nil {
						t.Fatal(err)
					}
					v, _ := class.Pipe(yaml.Lookup(strings.Split(path, ".")...))
					field, since = "storage class "+yaml.GetValue(v), operator.Facts["class."+yaml.GetValue(v)].Since
				}
				if !slices.ContainsFunc(errs, func(f diag.Finding) bool {
					return f.Path == path && strings.Contains(f.Message, since.String())
				}) {
					t.Errorf("%s %s: %s (OpenShift %s and later) rendered without an error at %s naming %s", release, c.name, field, since, path, since)
				}
			}
			for _, f := range errs {
				if slices.Contains(removed, f.Path) {
					continue
				}
				if c.needsField != "" && r.Less(c.needs) && strings.HasSuffix(f.Path, "."+c.needsField) {
					continue
				}
				t.Errorf("%s %s: unexpected error: %s", release, c.name, f.Text())
			}
		}
	}
}

// gatedProfileField maps a profile path that forRelease removed to the
// gated field and its release.
func gatedProfileField(path string) (string, operator.Version) {
	if rest, ok := strings.CutPrefix(path, "spec.pruner"); ok {
		if rest == "" {
			return "the ImagePruner", operator.PrunerSince
		}
		f := strings.TrimPrefix(rest, ".")
		return f, operator.PrunerFieldSince[f]
	}
	_, f, _ := strings.Cut(path, ".registry.")
	return f, operator.ConfigFieldSince[f]
}

func findingsText(fs diag.Findings) string {
	var b strings.Builder
	for _, f := range fs {
		fmt.Fprintf(&b, "  %s: %s\n", f.Severity, f.Text())
	}
	return b.String()
}

// operator.ChunkSizeMiBMin and Max, which the s3 rule enforces, are the
// newest CRD's bounds: the ends pass its validation, one beyond each fails.
func TestChunkSizeRangeMatchesCRD(t *testing.T) {
	v, _ := releaseValidator(t, schema.Releases()[len(schema.Releases())-1])
	config := func(n int) map[string]any {
		return map[string]any{
			"apiVersion": registryGroup + "/v1", "kind": "Config", "metadata": map[string]any{"name": "cluster"},
			"spec": map[string]any{"managementState": operator.Managed, "replicas": int64(1),
				"storage": map[string]any{"s3": map[string]any{"bucket": "b", "region": "r", "chunkSizeMiB": int64(n)}}},
		}
	}
	for n, ok := range map[int]bool{
		operator.ChunkSizeMiBMin: true, operator.ChunkSizeMiBMax: true,
		operator.ChunkSizeMiBMin - 1: false, operator.ChunkSizeMiBMax + 1: false,
	} {
		if errs := v.ValidateObject(config(n)); (len(errs) == 0) != ok {
			t.Errorf("chunkSizeMiB %d: the CRD says %v, operator.ChunkSizeMiBMin/Max say valid=%v", n, errs, ok)
		}
	}
}
