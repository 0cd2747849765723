package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/kio"
	sigsyaml "sigs.k8s.io/yaml"

	"regprofile.dev/regprofile/e2e/schema"
	"regprofile.dev/regprofile/internal/operator"
)

// TestDocumentProcedures renders, for every procedure of the registry
// documents (shared/seeds) that configures storage, an example profile,
// testdata/procedures/<document>-<section>-<what>.yaml, and checks that the
// output holds the document's YAML in meaning: every object of
// <name>.expected.yaml is rendered, with at least the fields it gives (a
// list must match item for item, in any order). Each profile's comment names
// the document and section and says where the document is wrong and the
// operator's source right. The output is validated against the target
// release's own CRDs (the nearest pinned release at or below it).
func TestDocumentProcedures(t *testing.T) {
	inputs, err := filepath.Glob(filepath.Join(repoRoot, "e2e", "testdata", "procedures", "*.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var cases int
	for _, input := range inputs {
		if strings.HasSuffix(input, ".expected.yaml") {
			continue
		}
		cases++
		name := strings.TrimSuffix(filepath.Base(input), ".yaml")
		doc, section, _ := strings.Cut(name, "-")
		section, _, _ = strings.Cut(section, "-")
		t.Run(fmt.Sprintf("document %s section %s (%s)", doc, section, name), func(t *testing.T) {
			t.Parallel()
			out, stderr, err := run(t, repoRoot, filepath.Join(binDir, "regprofile"), "render", input)
			if err != nil {
				t.Fatalf("render: %v\n%s", err, stderr)
			}
			got := objectsByID(t, out)
			want := objectsByID(t, string(mustReadFile(t, strings.TrimSuffix(input, ".yaml")+".expected.yaml")))
			for _, id := range sortedIDs(want) {
				g, ok := got[id]
				if !ok {
					t.Errorf("document %s §%s: %s is not rendered; rendered: %v", doc, section, id, sortedIDs(got))
					continue
				}
				if path, ok := subset(want[id], g, id); !ok {
					t.Errorf("document %s §%s: %s differs at %s\nrendered:\n%s", doc, section, id, path, toYAML(t, g))
				}
			}
			validateForRelease(t, input, out)
		})
	}
	if cases < 14 {
		t.Errorf("%d procedures; every storage procedure of the five documents should have one", cases)
	}
}

// validateForRelease validates the registry's kinds against the CRDs of the
// newest pinned release not newer than the profile's target, and
// everything against the default schemas.
func validateForRelease(t *testing.T, input, out string) {
	t.Helper()
	var p struct {
		Spec struct {
			OpenShiftVersion string `json:"openshiftVersion"`
		} `json:"spec"`
	}
	if err := sigsyaml.Unmarshal(mustReadFile(t, input), &p); err != nil {
		t.Fatal(err)
	}
	target, err := operator.ParseVersion(p.Spec.OpenShiftVersion)
	if err != nil {
		t.Fatal(err)
	}
	pins := schema.Releases()
	pin := pins[0] // 4.2 is not pinned: 4.3's CRD has the same fields
	for _, rel := range pins {
		if v, _ := operator.ParseVersion(rel); !target.Less(v) {
			pin = rel
		}
	}
	v, err := schema.ForRelease(pin)
	if err != nil {
		t.Fatal(err)
	}
	def, err := schema.Default()
	if err != nil {
		t.Fatal(err)
	}
	nodes, err := (&kio.ByteReader{Reader: strings.NewReader(out), OmitReaderAnnotations: true}).Read()
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range nodes {
		val := def
		if strings.HasPrefix(n.GetApiVersion(), registryGroup+"/") {
			val = v
		}
		for _, err := range val.ValidateYAML([]byte(n.MustString())) {
			t.Errorf("OpenShift %s schema: %v", pin, err)
		}
	}
}

func objectsByID(t *testing.T, stream string) map[string]map[string]any {
	t.Helper()
	out := map[string]map[string]any{}
	for _, doc := range strings.Split(stream, "\n---\n") {
		var m map[string]any
		if err := sigsyaml.Unmarshal([]byte(doc), &m); err != nil {
			t.Fatalf("%v in\n%s", err, doc)
		}
		if m == nil {
			continue
		}
		meta, _ := m["metadata"].(map[string]any)
		out[fmt.Sprintf("%s %v/%v", m["kind"], meta["namespace"], meta["name"])] = m
	}
	return out
}

func sortedIDs(m map[string]map[string]any) []string {
	ids := make([]string, 0, len(m))
	for id := range m {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

// subset reports whether got holds every field of want, and where not.
func subset(want, got any, path string) (string, bool) {
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			return path, false
		}
		for k, v := range w {
			if p, ok := subset(v, g[k], path+"."+k); !ok {
				return p, false
			}
		}
		return "", true
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			return path, false
		}
		used := make([]bool, len(g))
	items:
		for i, item := range w {
			for j := range g {
				if _, ok := subset(item, g[j], ""); ok && !used[j] {
					used[j] = true
					continue items
				}
			}
			return fmt.Sprintf("%s[%d]", path, i), false
		}
		return "", true
	}
	return path, reflect.DeepEqual(want, got)
}

func toYAML(t *testing.T, v any) string {
	data, err := sigsyaml.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func mustReadFile(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}
