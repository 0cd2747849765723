package main

import (
	"os/exec"
	"strings"
	"testing"
)

// regprofile starts on every Argo CD refresh and every kustomize or kpt
// call, and Go runs the init of every package it links. These packages'
// inits cost milliseconds and regprofile needs nothing from them: kyaml's
// fn/framework (internal/krm writes the ResourceList itself) links kube-openapi's
// format validators, which compile their regexps at start-up
// (docs/benchmarks.md, section 2). The Argo CD types and the YAML differ
// belong to regprofile-argocd and regprofile-diff.
func TestStartupLinksNoHeavyPackages(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", ".").Output()
	if err != nil {
		t.Skipf("go list: %v", err)
	}
	deps := strings.Fields(string(out))
	for _, banned := range []string{
		"sigs.k8s.io/kustomize/kyaml/fn/framework",
		"k8s.io/kube-openapi/pkg/validation/strfmt",
		"k8s.io/kube-openapi/pkg/validation/validate",
		"github.com/argoproj/argo-cd/v2/pkg/apis/application/v1alpha1",
		"github.com/homeport/dyff",
		"github.com/google/cel-go/cel",
	} {
		for _, d := range deps {
			if d == banned {
				t.Errorf("regprofile links %s", banned)
			}
		}
	}
}
