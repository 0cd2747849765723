package build

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"sigs.k8s.io/kustomize/api/provider"
	"sigs.k8s.io/kustomize/api/resmap"
	"sigs.k8s.io/kustomize/kyaml/fn/runtime/runtimeutil"
	"sigs.k8s.io/kustomize/kyaml/kio"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"regprofile.dev/regprofile/internal/krm"
	"regprofile.dev/regprofile/internal/testkit"
)

// passThrough are objects beside the profile that the function returns
// untouched: comments, a block scalar, strings that look like other
// types, a local-config object and a kind ending in "List".
const passThrough = `# a head comment
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings # a line comment
  namespace: team-a
data:
  script: |
    #!/bin/sh
    echo "a  b"   
  yes: "yes"
  number: "010"
  empty: ""
---
apiVersion: example.com/v1
kind: Notes
metadata:
  name: notes
  annotations:
    config.kubernetes.io/local-config: "true"
spec: {text: "line one\nline two", count: 3, ratio: 1.5, flag: true, none: null}
---
apiVersion: example.com/v1
kind: AccessList
metadata: {name: acl}
spec: {entries: [a, b]}
`

// Applying the function to the parsed nodes (nodeFilter, krm.RunNodes)
// gives what applying it through the ResourceList's text does
// (FunctionFilter, krm.Run), which is how kustomize's exec path runs it:
// the same resources, the same messages and the same exit status. The
// inputs are every profile of the bad-input catalog and every example
// overlay, alone and beside other objects, as kustomize hands them to a
// function (its resource factory, then its text).
func TestHandingOverNodesIsTheTextPath(t *testing.T) {
	root := testkit.Root(t)
	fnConfig, err := loadAsKustomize([]string{filepath.Join(root, "transformers", "regprofile.yaml")})
	if err != nil {
		t.Fatal(err)
	}
	p := &plan{fnConfig: fnConfig, spec: &runtimeutil.FunctionSpec{}}

	inputs := map[string][]byte{}
	for _, o := range testkit.ExampleOverlays(t) {
		inputs["example "+o] = testkit.ExampleProfile(t, o)
		inputs["example "+o+" with other objects"] = append(append(testkit.ExampleProfile(t, o), "---\n"...), passThrough...)
	}
	catalog, err := filepath.Glob(filepath.Join(root, "fn", "testdata", "invalid", "*.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range catalog {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		inputs[filepath.Base(f)] = data
	}
	names := make([]string, 0, len(inputs))
	for name := range inputs {
		names = append(names, name)
	}
	sort.Strings(names)

	rf := provider.NewDepProvider().GetResourceFactory()
	ran, failed, textRuns, nodeRuns := 0, 0, 0, 0
	for _, name := range names {
		if hasAlias(t, inputs[name]) {
			continue // kustomize expands aliases before any function runs: a billion laughs stops it there
		}
		resources, err := rf.SliceFromBytes(inputs[name])
		if err != nil || len(resources) == 0 {
			continue // kustomize refuses it before any function runs
		}
		apply := func(byNodes bool) (yml, msgs string, status int) {
			m := resmap.New()
			for _, r := range resources {
				if err := m.Append(r.DeepCopy()); err != nil {
					return "", "", -1
				}
			}
			var stderr bytes.Buffer
			fn := function{text: func(stdin io.Reader, stdout io.Writer) int {
				textRuns++
				return krm.Run(stdin, stdout, &stderr, nil)
			}}
			if byNodes {
				fn.nodes = func(items []*yaml.RNode, cfg *yaml.RNode) ([]*yaml.RNode, int) {
					nodeRuns++
					return krm.RunNodes(items, cfg, &stderr, nil)
				}
			}
			status, err := applyFunction(m, p, fn)
			if err != nil {
				return "error: " + err.Error(), stderr.String(), status
			}
			out, err := m.AsYaml()
			if err != nil {
				return "error: " + err.Error(), stderr.String(), status
			}
			return string(out), stderr.String(), status
		}
		before := textRuns
		wantYAML, wantMsgs, wantStatus := apply(false)
		if wantStatus == -1 || textRuns == before {
			continue // duplicate objects, or a value kustomize cannot write: it stops before the function
		}
		gotYAML, gotMsgs, gotStatus := apply(true)
		ran++
		if wantStatus != 0 {
			failed++
		}
		if gotStatus != wantStatus {
			t.Errorf("%s: exit status %d by nodes, %d through text", name, gotStatus, wantStatus)
		}
		if gotMsgs != wantMsgs {
			t.Errorf("%s: messages differ by nodes:\n%s", name, testkit.LineDiff(wantMsgs, gotMsgs))
		}
		if wantStatus == 0 && gotYAML != wantYAML {
			t.Errorf("%s: resources differ by nodes:\n%s", name, testkit.LineDiff(wantYAML, gotYAML))
		}
	}
	t.Logf("compared %d inputs, %d of them failing", ran, failed)
	if nodeRuns != ran {
		t.Errorf("the nodes path ran on %d of %d inputs: the comparison was partly text against text", nodeRuns, ran)
	}
	// The catalog is mostly profiles the function refuses; the examples
	// succeed. Both kinds must have run for the comparison to mean much.
	if ran < 100 || failed < 50 || ran-failed < 20 {
		t.Fatalf("compared %d inputs (%d failing), want at least 100 (50 failing, 20 not)", ran, failed)
	}
}

// hasAlias reports whether a YAML stream uses an alias (or does not
// parse).
func hasAlias(t *testing.T, data []byte) bool {
	t.Helper()
	nodes, err := (&kio.ByteReader{Reader: bytes.NewReader(data), OmitReaderAnnotations: true}).Read()
	if err != nil {
		return true
	}
	var walk func(n *yaml.Node) bool
	walk = func(n *yaml.Node) bool {
		if n.Kind == yaml.AliasNode {
			return true
		}
		for _, c := range n.Content {
			if walk(c) {
				return true
			}
		}
		return false
	}
	for _, n := range nodes {
		if walk(n.YNode()) {
			return true
		}
	}
	return false
}

// The nodes path is refused where FunctionFilter does something it does
// not: a function config with a path annotation scopes the function, and
// input near the function's bound is refused as text.
func TestHandOverIsRefusedWhereTextDiffers(t *testing.T) {
	const config = "apiVersion: regprofile.dev/v1alpha1\nkind: RegistryProfileTransformer\nmetadata:\n  name: regprofile\n"
	small := []byte("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n")
	cases := []struct {
		name        string
		annotations string
		input       []byte
		want        bool
	}{
		{"plain", "", small, true},
		{"path annotation", "    internal.config.kubernetes.io/path: fn/regprofile.yaml\n", small, false},
		{"legacy path annotation", "    config.kubernetes.io/path: fn/regprofile.yaml\n", small, false},
		{"input at a quarter of the bound", "", make([]byte, krm.MaxResourceListBytes/4), true},
		{"input above a quarter of the bound", "", make([]byte, krm.MaxResourceListBytes/4+1), false},
	}
	for _, c := range cases {
		text := config
		if c.annotations != "" {
			text += "  annotations:\n" + c.annotations
		}
		cfg, err := yaml.Parse(text)
		if err != nil {
			t.Fatal(err)
		}
		if got := handOver(cfg, c.input); got != c.want {
			t.Errorf("%s: handOver %v, want %v", c.name, got, c.want)
		}
	}
}
