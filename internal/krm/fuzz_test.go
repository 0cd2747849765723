package krm

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/kio"
)

// FuzzProcess feeds arbitrary ResourceLists to the KRM entry point, as
// kustomize and kpt would. It must never panic (the processor turns a panic
// into an "internal error" result, which fails the fuzz too), and an error
// never repeats a credential that the input carried.
func FuzzProcess(f *testing.F) {
	files, _ := filepath.Glob("../../fn/testdata/invalid/*.rl.yaml")
	for _, file := range files {
		if data, err := os.ReadFile(file); err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte("apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n- apiVersion: regprofile.dev/v1alpha1\n  kind: RegistryProfile\n  metadata: {name: r}\n  spec: {platform: vsphere-block}\n"))
	const secret = "wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY"
	f.Fuzz(func(t *testing.T, data []byte) {
		var out bytes.Buffer
		rl, _ := execute(&kio.ByteReadWriter{Reader: bytes.NewReader(data), Writer: &out, KeepReaderAnnotations: true}, Processor{}.Process)
		if rl == nil {
			return // kyaml refused the input
		}
		for _, r := range rl.Results {
			if strings.HasPrefix(r.Message, "internal error") {
				t.Fatalf("%s", r.Message)
			}
			if bytes.Contains(data, []byte(secret)) && strings.Contains(r.Message, secret) {
				t.Fatalf("a result repeats the credential: %s", r.Message)
			}
		}
	})
}
