package profile

import (
	"os"
	"runtime"
	"strings"
	"testing"
)

const hostileHead = "apiVersion: regprofile.dev/v1alpha1\nkind: RegistryProfile\nmetadata: {name: p}\n"

// The credential guard sees the tree a YAML reader sees: aliases, merge
// keys and aliased keys cannot hide a credential, and a URL's userinfo or
// a private key block anywhere is a credential in clear. No message
// repeats the secret.
func TestCredentialsBehindYAMLFeatures(t *testing.T) {
	const secret = "wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY"
	for _, tc := range []struct{ name, doc, want string }{
		{"value through an alias", "x: &s " + secret + "\n" + hostileHead + "spec:\n  platforms:\n    aws-upi:\n      credentials:\n        externalSecret:\n          data:\n            REGISTRY_STORAGE_S3_SECRETACCESSKEY: *s\n",
			"spec.platforms.aws-upi.credentials.externalSecret.data.REGISTRY_STORAGE_S3_SECRETACCESSKEY: a credential in clear"},
		{"key and value through a merge key", hostileHead + "spec:\n  registry: &r {}\n  argocd:\n    <<: {REGISTRY_STORAGE_S3_ACCESSKEY: " + secret + "}\n",
			"spec.argocd.REGISTRY_STORAGE_S3_ACCESSKEY: a credential in clear"},
		{"an aliased key", hostileHead + "spec:\n  platform: &k AWS_SECRET_ACCESS_KEY\n  x:\n    *k : " + secret + "\n",
			"spec.x.AWS_SECRET_ACCESS_KEY: a credential in clear"},
		{"a list of values", hostileHead + "spec:\n  x:\n    AWS_ACCESS_KEY_ID: [" + secret + "]\n",
			"spec.x.AWS_ACCESS_KEY_ID: a credential in clear"},
		{"URL userinfo", hostileHead + "spec:\n  registry:\n    storage:\n      s3: {bucket: b, region: r, regionEndpoint: 'https://AKIA:" + secret + "@s3.example.com'}\n",
			"spec.registry.storage.s3.regionEndpoint: a credential in clear: the URL carries a user name or password"},
		{"URL userinfo in an annotation", hostileHead[:len(hostileHead)-len("metadata: {name: p}\n")] + "metadata:\n  name: p\n  annotations: {a: 'see http://u:" + secret + "@h/x'}\n",
			"metadata.annotations.a: a credential in clear: the URL carries a user name or password"},
		{"a private key anywhere", hostileHead + "spec:\n  argocd: {x: \"-----BEGIN EC PRIVATE KEY-----\\n" + secret + "\\n-----END EC PRIVATE KEY-----\"}\n",
			"spec.argocd.x: a credential in clear: a private key block"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, fs := DecodeBytes([]byte(tc.doc))
			if p != nil || !fs.HasErrors() {
				t.Fatalf("accepted")
			}
			got := fs.Error()
			if !strings.HasPrefix(got, tc.want) {
				t.Errorf("got %s\nwant %s", got, tc.want)
			}
			if strings.Contains(got, secret) {
				t.Errorf("the message repeats the secret: %s", got)
			}
		})
	}
}

// What a value cannot be is reported without the value: any field may hold
// what someone pasted by mistake.
func TestMessagesNeverRepeatValues(t *testing.T) {
	const secret = "hunter2-TOPSECRET-value"
	for _, doc := range []string{
		"spec:\n  registry:\n    replicas: " + secret + "\n",
		"spec:\n  registry: " + secret + "\n",
		"spec:\n  pruner: {keepYoungerThanDuration: " + secret + "}\n",
		"spec:\n  registry: {resources: {requests: {memory: " + secret + "}}}\n",
		"spec:\n  " + secret + ": 1\n",
		"spec:\n  registry: {replicas: 99999999999999999999" + "}\n",
	} {
		_, fs := DecodeBytes([]byte(hostileHead + doc))
		if !fs.HasErrors() || strings.Contains(fs.Error(), secret[8:]) && !strings.HasPrefix(fs.Error(), "spec."+secret) {
			t.Errorf("%q: %v", doc, fs)
		}
	}
}

// Every shape that could make decoding cost more than linear in the input
// is refused fast or decoded within generous memory bounds.
func TestHostileShapesAreBounded(t *testing.T) {
	wide := func(n int, entry string) string {
		var b strings.Builder
		b.WriteString(hostileHead + "spec:\n  registry:\n    nodeSelector:\n")
		for i := 0; i < n; i++ {
			b.WriteString("      k" + itoa(i) + entry + "\n")
		}
		return b.String()
	}
	longKey := strings.Repeat("k", 60_000)
	deep := hostileHead + "spec:\n  argocd:\n" + strings.Repeat("   "+longKey+":\n", 1)
	for _, tc := range []struct {
		name, doc, want string
		maxBytes        uint64
	}{
		// 50,000 keys in one object: go-yaml's own decoder checks them
		// for duplicates pairwise (minutes); ours is one pass.
		{"wide object", wide(45_000, ": v"), "", 400 << 20},
		{"wide object of unknown fields", hostileHead + "spec:\n" + strings.Repeat("  x: 1\n", 1) + func() string {
			var b strings.Builder
			for i := 0; i < 40_000; i++ {
				b.WriteString("  " + longKey[:60] + itoa(i) + ": 1\n")
			}
			return b.String()
		}(), "unknown field", 400 << 20},
		{"deep nesting", hostileHead + "spec:\n  argocd: " + strings.Repeat("[", 5000) + strings.Repeat("]", 5000) + "\n",
			"nested more than 64 levels deep", 100 << 20},
		{"long keys, nested", deep + func() string {
			var b strings.Builder
			for i := 2; i < 60; i++ {
				b.WriteString(strings.Repeat("  ", i+1) + longKey + ":\n")
			}
			return b.String() + strings.Repeat("  ", 62) + "a: b\n"
		}(), "", 400 << 20},
		{"alias amplification", hostileHead + "spec:\n  argocd:\n    a: &a [" + strings.Repeat("x,", 200) + "x]\n    b: &b [" + strings.Repeat("*a,", 200) + "*a]\n    c: &c [" + strings.Repeat("*b,", 200) + "*b]\n",
			"the profile has more than 100000 values", 100 << 20},
		{"alias bytes", hostileHead + "spec:\n  argocd:\n    a: &a '" + strings.Repeat("x", 100_000) + "'\n    b: [" + strings.Repeat("*a,", 100) + "*a]\n",
			"the profile's values, with aliases expanded, exceed 4 MiB", 100 << 20},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			_, fs := DecodeBytes([]byte(tc.doc))
			runtime.ReadMemStats(&after)
			if tc.want != "" && !strings.Contains(fs.Error(), tc.want) {
				t.Errorf("findings: %.300s", fs.Error())
			}
			if len(fs) > MaxFindings {
				t.Errorf("%d findings, at most %d", len(fs), MaxFindings)
			}
			if used := after.TotalAlloc - before.TotalAlloc; used > tc.maxBytes {
				t.Errorf("allocated %d MiB for %d KiB of input; bound %d MiB", used>>20, len(tc.doc)>>10, tc.maxBytes>>20)
			}
		})
	}
}

func itoa(i int) string {
	const digits = "0123456789"
	if i < 10 {
		return digits[i : i+1]
	}
	return itoa(i/10) + digits[i%10:i%10+1]
}

// Input is bounded before it is read: an endless stream fails after the
// limit, not after memory runs out.
func TestReadIsBoundedBeforeReading(t *testing.T) {
	f, err := os.Open("/dev/zero")
	if err != nil {
		t.Skip(err)
	}
	defer f.Close()
	_, fs := ReadLimited(f)
	if want := "the file is over 4 MiB; a profile is at most 4 MiB; fix: keep large data (such as CA bundles) out of the profile, or split them"; fs.Error() != want {
		t.Errorf("got %s", fs.Error())
	}
	_, fs = ReadFile("/dev/zero", nil)
	if !fs.HasErrors() {
		t.Errorf("read /dev/zero")
	}
}
