package profile

import (
	"strings"
	"testing"

	"regprofile.dev/regprofile/internal/testkit"
)

// FuzzDecode feeds arbitrary bytes to the decoder. It must never panic or
// hang; it either returns a profile and no error, or no profile and at
// least one error, each with a message that never repeats a credential.
func FuzzDecode(f *testing.F) {
	testkit.AddSeeds(f, append([]string{"../../fn/testdata/invalid/*.yaml"}, testkit.ExampleFiles(f)...)...)
	f.Fuzz(func(t *testing.T, data []byte) {
		p, fs := DecodeBytes(data)
		if (p == nil) != fs.HasErrors() {
			t.Fatalf("profile %v with findings %v", p != nil, fs)
		}
		for _, finding := range fs {
			if finding.Message == "" {
				t.Fatalf("a finding without a message: %+v", finding)
			}
			if strings.Contains(finding.Path, "credentials") && strings.Contains(finding.Message, "the string") {
				t.Fatalf("a credentials finding repeats a value: %s", finding.Text())
			}
		}
	})
}
