package schema

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"sort"
	"strings"
	"testing"

	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/yaml"

	"regprofile.dev/regprofile/internal/review"
)

// TestTransitionRules: regprofile diff's list of CEL transition rules
// (rules that read oldSelf, which the API server checks on update) is
// exactly what the pinned CRDs hold, so a rule added upstream is flagged
// as soon as a pin moves.
func TestTransitionRules(t *testing.T) {
	files, err := CRDFiles()
	if err != nil {
		t.Fatal(err)
	}
	var found []string
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		reader := utilyaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(data)))
		for {
			doc, err := reader.Read()
			if errors.Is(err, io.EOF) {
				break
			} else if err != nil {
				t.Fatal(err)
			}
			var crd struct {
				Kind string
				Spec struct {
					Group    string
					Names    struct{ Kind string }
					Versions []struct {
						Schema struct {
							OpenAPIV3Schema map[string]any `json:"openAPIV3Schema"`
						}
					}
				}
			}
			if err := yaml.Unmarshal(doc, &crd); err != nil {
				t.Fatal(err)
			}
			if crd.Kind != "CustomResourceDefinition" {
				continue
			}
			for _, v := range crd.Spec.Versions {
				walkRules(v.Schema.OpenAPIV3Schema, "", func(path, rule, message string) {
					if strings.Contains(rule, "oldSelf") {
						found = append(found, fmt.Sprintf("%s %s %s %q %q", crd.Spec.Group, crd.Spec.Names.Kind, path, rule, message))
					}
				})
			}
		}
	}
	sort.Strings(found)
	found = slices.Compact(found)
	var listed []string
	for _, r := range review.TransitionRules {
		listed = append(listed, fmt.Sprintf("%s %s %s %q %q", r.Group, r.Kind, r.Path, r.Rule, r.Message))
	}
	sort.Strings(listed)
	if !slices.Equal(found, listed) {
		t.Errorf("the pinned CRDs' transition rules:\n  %s\nfn/review TransitionRules:\n  %s", strings.Join(found, "\n  "), strings.Join(listed, "\n  "))
	}
}

// walkRules calls fn for each x-kubernetes-validations rule of a schema,
// with the dot-separated path of the field it sits on ("[]" for a list's
// items, "*" for a map's values).
func walkRules(s map[string]any, path string, fn func(path, rule, message string)) {
	if s == nil {
		return
	}
	rules, _ := s["x-kubernetes-validations"].([]any)
	for _, r := range rules {
		m, _ := r.(map[string]any)
		rule, _ := m["rule"].(string)
		message, _ := m["message"].(string)
		fn(path, rule, message)
	}
	join := func(p string) string {
		if path == "" {
			return p
		}
		return path + "." + p
	}
	props, _ := s["properties"].(map[string]any)
	for k, v := range props {
		child, _ := v.(map[string]any)
		walkRules(child, join(k), fn)
	}
	if items, ok := s["items"].(map[string]any); ok {
		walkRules(items, join("[]"), fn)
	}
	if ap, ok := s["additionalProperties"].(map[string]any); ok {
		walkRules(ap, join("*"), fn)
	}
}
