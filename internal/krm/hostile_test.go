package krm

import (
	"bytes"
	"fmt"
	"io"
	"runtime"
	"strings"
	"testing"
)

// endless is stdin that never ends: a ResourceList whose one item's value
// goes on forever, as /dev/zero or a runaway generator would give. It
// counts what was read.
type endless struct {
	head []byte
	read int64
}

func (e *endless) Read(p []byte) (int, error) {
	n := copy(p, e.head)
	e.head = e.head[n:]
	for i := n; i < len(p); i++ {
		p[i] = 'a'
	}
	e.read += int64(len(p))
	return len(p), nil
}

// TestRunStopsReadingAtTheCap: input over MaxResourceListBytes is refused
// after reading at most the cap (and what one read asks for beyond it),
// whatever its shape, with nothing on stdout.
func TestRunStopsReadingAtTheCap(t *testing.T) {
	const over = "regprofile: error: reading the ResourceList: the input is over 64 MiB, the most regprofile reads; fix: render the registry's profile in a kustomization of its own\n"
	head := "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: big, namespace: a}\n  data:\n    key: "
	for _, tc := range []struct {
		name  string
		stdin func() (io.Reader, func() int64)
	}{
		{"endless scalar", func() (io.Reader, func() int64) {
			e := &endless{head: []byte(head)}
			return e, func() int64 { return e.read }
		}},
		{"many small items", func() (io.Reader, func() int64) {
			var b bytes.Buffer
			b.WriteString("apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n")
			for i := 0; b.Len() <= MaxResourceListBytes+1; i++ {
				fmt.Fprintf(&b, "- {apiVersion: v1, kind: ConfigMap, metadata: {name: c%d, namespace: a}, data: {k: v}}\n", i)
			}
			r := bytes.NewReader(b.Bytes())
			return r, func() int64 { return r.Size() - int64(r.Len()) }
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			stdin, consumed := tc.stdin()
			var stdout, stderr bytes.Buffer
			code := Run(stdin, &stdout, &stderr, nil)
			if code != 1 || stdout.Len() != 0 || stderr.String() != over {
				t.Errorf("exit %d, %d bytes on stdout, stderr:\n%s\nwant:\n%s", code, stdout.Len(), stderr.String(), over)
			}
			if n := consumed(); n > MaxResourceListBytes+1<<20 {
				t.Errorf("read %d bytes; the cap is %d", n, MaxResourceListBytes)
			}
		})
	}
}

// wideList is a ResourceList with the profile and one foreign ConfigMap of
// n keys, or (inProfile) n keys inside the profile's spec.
func wideList(n int, inProfile bool) string {
	var keys strings.Builder
	for i := range n {
		fmt.Fprintf(&keys, "    k%d: v%d\n", i, i)
	}
	var b strings.Builder
	b.WriteString("apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n")
	b.WriteString("- apiVersion: regprofile.dev/v1alpha1\n  kind: RegistryProfile\n  metadata: {name: registry}\n  spec:\n    platform: vsphere-block\n")
	if inProfile {
		b.WriteString("    argocd:\n" + strings.ReplaceAll(keys.String(), "    k", "      k"))
	} else {
		b.WriteString("- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: wide, namespace: a}\n  data:\n" + keys.String())
	}
	return b.String()
}

// allocated is what one Run allocates, in bytes (deterministic enough to
// compare shapes; no clock involved).
func allocated(t *testing.T, stdin string) (uint64, int, string, string) {
	t.Helper()
	var before, after runtime.MemStats
	var stdout, stderr bytes.Buffer
	runtime.GC()
	runtime.ReadMemStats(&before)
	code := Run(strings.NewReader(stdin), &stdout, &stderr, nil)
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc, code, stdout.String(), stderr.String()
}

// TestWideItemsCostLinearly: 50,000 keys in one item, a foreign one or the
// profile itself, cost in proportion to their size: ten times the keys
// allocate at most 25 times as much (quadratic would be 100), and the
// largest stays under 1 GiB.
func TestWideItemsCostLinearly(t *testing.T) {
	for _, inProfile := range []bool{false, true} {
		name := map[bool]string{false: "foreign item", true: "profile"}[inProfile]
		t.Run(name, func(t *testing.T) {
			small, _, _, _ := allocated(t, wideList(5_000, inProfile))
			large, code, stdout, stderr := allocated(t, wideList(50_000, inProfile))
			t.Logf("5,000 keys: %d MiB allocated; 50,000 keys: %d MiB; exit %d; stderr: %.300s", small>>20, large>>20, code, stderr)
			if ratio := float64(large) / float64(small); ratio > 25 {
				t.Errorf("10x the keys allocate %.1fx as much", ratio)
			}
			if large > 1<<30 {
				t.Errorf("50,000 keys allocate %d MiB", large>>20)
			}
			if inProfile {
				if code != 1 || !strings.Contains(stderr, "spec.argocd") {
					t.Errorf("unknown keys in the profile: exit %d, stderr:\n%.500s", code, stderr)
				}
			} else if code != 0 || !strings.Contains(stdout, "k49999: v49999") {
				t.Errorf("the foreign item did not pass through: exit %d, stderr:\n%.500s", code, stderr)
			}
		})
	}
}
