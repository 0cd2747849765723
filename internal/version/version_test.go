package version

import (
	"os"
	"regexp"
	"testing"
)

// TestKustomizePinIsTheMakefiles checks that the Makefile takes kustomize's
// version from KUSTOMIZE instead of writing one of its own.
func TestKustomizePinIsTheMakefiles(t *testing.T) {
	if !regexp.MustCompile(`^v\d+\.\d+\.\d+$`).MatchString(Kustomize()) {
		t.Fatalf("KUSTOMIZE holds %q; want a release such as v5.8.1", Kustomize())
	}
	mk, err := os.ReadFile("../../Makefile")
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`(?m)^KUSTOMIZE_VERSION \?= \$\(shell cat internal/version/KUSTOMIZE\)$`).Match(mk) {
		t.Error("the Makefile must read KUSTOMIZE_VERSION from internal/version/KUSTOMIZE")
	}
	if regexp.MustCompile(`v\d+\.\d+\.\d+`).Match(mk) {
		t.Error("the Makefile names a version of its own; keep kustomize's in internal/version/KUSTOMIZE")
	}
}
