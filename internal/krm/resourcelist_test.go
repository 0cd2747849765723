package krm

import (
	"bytes"
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/fn/framework"
	"sigs.k8s.io/kustomize/kyaml/kio"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"regprofile.dev/regprofile/internal/rules"
)

// The function writes results itself instead of through kyaml's
// fn/framework (resourcelist.go says why). These tests hold it to
// framework's output: the same ResourceList, byte for byte.

func TestResultsAreWrittenAsKyamlFrameworkWritesThem(t *testing.T) {
	ref := &yaml.ResourceIdentifier{TypeMeta: yaml.TypeMeta{APIVersion: "regprofile.dev/v1alpha1", Kind: "RegistryProfile"}, NameMeta: yaml.NameMeta{Name: "r"}}
	ours := []*Result{
		{Severity: Error, Message: "m1; fix: f", ResourceRef: ref, Field: &Field{Path: "spec.a.b"}, File: &File{Path: "p.yaml", Index: 2}, Tags: map[string]string{RuleTag: "s3"}},
		{Severity: Warning, Message: "m2"},
		{Severity: Info, Message: "m3", File: &File{Path: "q.yaml"}},
	}
	var theirs framework.Results
	for _, r := range ours {
		fr := &framework.Result{Severity: framework.Severity(r.Severity), Message: r.Message, ResourceRef: r.ResourceRef, Tags: r.Tags}
		if r.Field != nil {
			fr.Field = &framework.Field{Path: r.Field.Path}
		}
		if r.File != nil {
			fr.File = &framework.File{Path: r.File.Path, Index: r.File.Index}
		}
		theirs = append(theirs, fr)
	}
	input := "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: c # kept\n    annotations:\n      config.kubernetes.io/path: a.yaml\nfunctionConfig:\n  apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: fc}\n"
	var got, want bytes.Buffer
	if _, err := execute(&kio.ByteReadWriter{Reader: strings.NewReader(input), Writer: &got, KeepReaderAnnotations: true},
		func(rl *ResourceList) { rl.Results = ours }); err != nil {
		t.Fatal(err)
	}
	proc := framework.ResourceListProcessorFunc(func(rl *framework.ResourceList) error { rl.Results = theirs; return nil })
	if err := framework.Execute(proc, &kio.ByteReadWriter{Reader: strings.NewReader(input), Writer: &want, KeepReaderAnnotations: true}); err != nil {
		t.Fatal(err)
	}
	if got.String() != want.String() {
		t.Errorf("regprofile writes\n%s\nkyaml's fn/framework writes\n%s", got.String(), want.String())
	}
	if !strings.Contains(got.String(), "regprofile.dev/rule: s3") {
		t.Errorf("the rule tag is missing:\n%s", got.String())
	}
}

// Every result a rule produces names the rule in its tags, and the name is
// a rule of rules.All.
func TestResultsCarryTheRuleID(t *testing.T) {
	known := map[string]bool{}
	for _, r := range rules.All {
		known[r.ID] = true
	}
	input := "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems: []\nfunctionConfig:\n  apiVersion: regprofile.dev/v1alpha1\n  kind: RegistryProfile\n  metadata: {name: r}\n  spec:\n    platform: aws-upi\n    registry:\n      storage:\n        s3: {bucket: b}\n"
	var out bytes.Buffer
	rl, err := execute(&kio.ByteReadWriter{Reader: strings.NewReader(input), Writer: &out, KeepReaderAnnotations: true}, Processor{}.Process)
	if err != nil {
		t.Fatal(err)
	}
	tagged := 0
	for _, r := range rl.Results {
		if id, ok := r.Tags[RuleTag]; ok {
			tagged++
			if !known[id] {
				t.Errorf("result %q names rule %q, which is not in rules.All", r.Message, id)
			}
		}
	}
	if tagged == 0 {
		t.Fatalf("no result names its rule:\n%s", out.String())
	}
}
