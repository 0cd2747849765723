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
	// Other tools' pins (benchstat's) may stand in the Makefile; kustomize's
	// may not, in any spelling go install or a variable would take.
	if m := regexp.MustCompile(`(?m)kustomize/v5@v\d|^KUSTOMIZE_VERSION\s*[:?+!]?=\s*v\d`).Find(mk); m != nil {
		t.Errorf("the Makefile names a kustomize version of its own (%s); keep it in internal/version/KUSTOMIZE", m)
	}
}
