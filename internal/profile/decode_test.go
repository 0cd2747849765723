package profile

import (
	"fmt"
	"strings"
	"testing"

	"regprofile.dev/regprofile/internal/diag"
)

func TestDecodeErrors(t *testing.T) {
	const head = "apiVersion: regprofile.dev/v1alpha1\nkind: RegistryProfile\nmetadata: {name: p}\n"
	cases := []struct {
		name, doc string
		want      []string // "LINE: " and Finding.Text() of each error, in sorted order
	}{
		{"unknown field with a suggestion", head + "spec:\n  registry:\n    replcas: 2\n",
			[]string{`6: spec.registry.replcas: unknown field; did you mean "replicas"?`}},
		{"unknown field deep under a platform", head + "spec:\n  platforms:\n    aws-upi:\n      registry:\n        storage:\n          s3: {bucket: b, regoin: r}\n",
			[]string{`9: spec.platforms.aws-upi.registry.storage.s3.regoin: unknown field; did you mean "region"?`}},
		{"unknown field without a close match", head + "spec:\n  pruner:\n    frequency: daily\n",
			[]string{`6: spec.pruner.frequency: unknown field; fix: remove it; known fields here: affinity, failedJobsHistoryLimit, ignoreInvalidImageReferences, keepTagRevisions, keepYoungerThanDuration, logLevel, nodeSelector, resources, schedule, successfulJobsHistoryLimit, suspend, tolerations`}},
		{"unknown field in a Kubernetes type", head + "spec:\n  registry:\n    tolerations:\n    - {key: a, effects: NoSchedule}\n",
			[]string{`7: spec.registry.tolerations[0].effects: unknown field; did you mean "effect"?`}},
		{"string for a number", head + "spec:\n  registry:\n    replicas: two\n",
			[]string{`6: spec.registry.replicas: expected a whole number, got a string`}},
		{"number for a string", head + "spec:\n  openshiftVersion: 4.14\n",
			[]string{`5: spec.openshiftVersion: expected a string, got a number; fix: quote the value`}},
		{"list for an object", head + "spec:\n  registry: [a]\n",
			[]string{`5: spec.registry: expected an object, got a list`}},
		{"bad duration", head + "spec:\n  pruner:\n    keepYoungerThanDuration: 60 minutes\n",
			[]string{`6: spec.pruner.keepYoungerThanDuration: not a valid duration; fix: write a duration such as 60m, 1h30m or 24h`}},
		{"bad quantity", head + "spec:\n  registry:\n    resources: {requests: {memory: lots}}\n",
			[]string{`6: spec.registry.resources.requests.memory: not a valid quantity; fix: write a quantity such as 100Gi, 500Mi, 500m or 2`}},
		{"out of range", head + "spec:\n  registry:\n    replicas: 99999999999\n",
			[]string{`6: spec.registry.replicas: out of range for a 32-bit number`}},
		{"wrong apiVersion and kind", "apiVersion: regprofile.dev/v1\nkind: RegistryProfiel\nmetadata: {name: p}\n",
			[]string{`1: apiVersion: expected "regprofile.dev/v1alpha1"; fix: set apiVersion: regprofile.dev/v1alpha1`,
				`2: kind: expected "RegistryProfile"; fix: set kind: RegistryProfile`}},
		{"no name", "apiVersion: regprofile.dev/v1alpha1\nkind: RegistryProfile\nspec: {}\n",
			[]string{`0: metadata.name: a profile needs a name; fix: name the profile, e.g. metadata.name: registry`}},
		{"empty file", "\n# nothing\n",
			[]string{`0: the file is empty; fix: write a RegistryProfile (apiVersion regprofile.dev/v1alpha1, kind RegistryProfile)`}},
		{"two documents", head + "---\n" + head,
			[]string{`0: the file holds more than one YAML document; a profile file holds exactly one; fix: keep one RegistryProfile per file`}},
		{"syntax error", head + "spec:\n  registry: {replicas: 1\n",
			// go-yaml's own report, its line as the finding's: for an
			// error inside a flow mapping go-yaml names the line before the
			// mapping's "{" (a known off-by-one in its parser errors).
			[]string{`4: not valid YAML: did not find expected ',' or '}'; fix: fix the YAML syntax`}},
		{"duplicate key", head + "spec:\n  platform: aws-upi\n  platform: gcp-upi\n",
			[]string{`5: spec.platform: written twice, at lines 5 and 6; fix: keep one of the two`}},
		{"a field of the registry at spec", head + "spec:\n  platform: nutanix\n  replicas: 2\n",
			[]string{`6: spec.replicas: unknown field here; fix: move it to spec.registry.replicas (or spec.platforms.nutanix.registry.replicas)`}},
		{"a storage backend beside storage", head + "spec:\n  registry:\n    gcs: {bucket: b}\n",
			[]string{`6: spec.registry.gcs: unknown field here; fix: move it to spec.registry.storage.gcs (or spec.platforms.<platform>.registry.storage.gcs)`}},
		{"a platform's field at spec", head + "spec:\n  platform: baremetal-odf-rgw\n  objectBucket: {bucketName: b}\n",
			[]string{`6: spec.objectBucket: unknown field here; fix: move it to spec.platforms.baremetal-odf-rgw.objectBucket`}},
		{"a registry field directly under a platform", head + "spec:\n  platforms:\n    gcp-upi:\n      replicas: 2\n",
			[]string{`7: spec.platforms.gcp-upi.replicas: unknown field here; fix: move it to spec.platforms.gcp-upi.registry.replicas (or spec.registry.replicas)`}},
		{"a field of a list item outside its list", head + "spec:\n  pem: abc\n",
			[]string{`5: spec.pem: unknown field here; fix: move it to spec.storageCA.pem (or spec.trustedCAs[].pem, or spec.platforms.<platform>.storageCA.pem)`}},
		{"not an object", "- a\n- b\n",
			[]string{`0: expected a YAML object, got a list; fix: write a RegistryProfile object`}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p, fs := DecodeBytes([]byte(tc.doc))
			if p != nil {
				t.Errorf("decoded a profile from bad input")
			}
			var got []string
			for _, f := range fs {
				if f.Severity != diag.Error {
					t.Errorf("non-error finding %s", f.Text())
				}
				got = append(got, fmt.Sprintf("%d: %s", f.Line, f.Text()))
			}
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("got:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
		})
	}
}

func TestDecodeAcceptsNullAndAnchors(t *testing.T) {
	doc := `apiVersion: regprofile.dev/v1alpha1
kind: RegistryProfile
metadata: {name: p}
spec:
  registry:
    nodeSelector: &infra {node-role.kubernetes.io/infra: ""}
    proxy: null
  pruner:
    nodeSelector: *infra
`
	p, fs := DecodeBytes([]byte(doc))
	if fs.HasErrors() {
		t.Fatal(fs)
	}
	if got := p.Spec.Pruner.NodeSelector["node-role.kubernetes.io/infra"]; got != "" || len(p.Spec.Pruner.NodeSelector) != 1 {
		t.Errorf("alias not resolved: %v", p.Spec.Pruner.NodeSelector)
	}
	if p.Spec.Registry.Proxy != nil {
		t.Errorf("null proxy decoded as %v", p.Spec.Registry.Proxy)
	}
}

func TestClosest(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"replcas", "replicas"}, {"Replicas", "replicas"}, {"x", ""}, {"storag", "storage"}, {"frequency", ""},
	} {
		if got := Closest(tc.in, []string{"replicas", "storage", "routes"}); got != tc.want {
			t.Errorf("Closest(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
