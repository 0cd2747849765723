package rules

import (
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/util/validation"
)

// Each limit is the one its check enforces: a name of exactly the limit
// passes and one character more (or fewer, for a minimum) fails. Where
// apimachinery enforces the limit, it is asked too, so that the constant
// cannot drift from the API server's rule.
func TestLimits(t *testing.T) {
	long := func(n int) string { return strings.Repeat("a", n) }
	dotted := func(n int) string { // n characters: parts of 62, then the rest
		s := long(n)
		for i := gcsBucketPartMax - 1; i < n-1; i += gcsBucketPartMax - 1 {
			s = s[:i] + "." + s[i+1:]
		}
		return s
	}
	for _, c := range []struct {
		name     string
		min, max int
		ok       func(string) bool
		make     func(int) string
	}{
		{"DNS-1123 subdomain (apimachinery)", 1, dnsSubdomainMax, func(s string) bool { return len(validation.IsDNS1123Subdomain(s)) == 0 }, long},
		{"DNS-1123 subdomain (dnsName)", 1, dnsSubdomainMax, func(s string) bool { return len(dnsName("p", "x", s)) == 0 }, long},
		{"DNS-1123 label", 1, dnsLabelMax, func(s string) bool { return len(validation.IsDNS1123Label(s)) == 0 }, long},
		{"label value", 0, labelValueMax, func(s string) bool { return len(validation.IsValidLabelValue(s)) == 0 }, long},
		{"qualified name", 1, qualifiedNameMax, func(s string) bool { return len(validation.IsQualifiedName(s)) == 0 }, long},
		{"S3 bucket", s3BucketMin, s3BucketMax, func(s string) bool { return s3BucketProblem(s) == "" }, long},
		{"S3 bucket pattern", s3BucketMin, s3BucketMax, func(s string) bool { return s3BucketName().MatchString(s) }, long},
		{"GCS bucket", gcsBucketMin, gcsBucketMax, func(s string) bool { return gcsBucketProblem(s) == "" }, long},
		{"GCS bucket with dots", gcsBucketMin, gcsDottedBucketMax, func(s string) bool { return gcsBucketProblem(s) == "" }, dotted},
		{"Azure container", azureContainerMin, azureContainerMax, validAzureContainer, long},
		{"Azure storage account", azureAccountMin, azureAccountMax, func(s string) bool { return azureAccountName().MatchString(s) }, long},
	} {
		if !c.ok(c.make(c.max)) {
			t.Errorf("%s: %d characters, the limit, are refused", c.name, c.max)
		}
		if c.ok(c.make(c.max + 1)) {
			t.Errorf("%s: %d characters, above the limit, are accepted", c.name, c.max+1)
		}
		if c.min > 1 && c.ok(c.make(c.min-1)) {
			t.Errorf("%s: %d characters, below the minimum, are accepted", c.name, c.min-1)
		}
		if c.min > 0 && !c.ok(c.make(c.min)) {
			t.Errorf("%s: %d characters, the minimum, are refused", c.name, c.min)
		}
	}
	if gcsBucketProblem(long(gcsBucketPartMax+1)+".a") == "" {
		t.Errorf("GCS: a dotted name with a part of %d characters is accepted", gcsBucketPartMax+1)
	}
}
