package rules

import (
	"fmt"
	"net"
	"regexp"
	"strings"
	"sync"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/validation"

	"regprofile.dev/regprofile/fn/api/v1alpha1"
	"regprofile.dev/regprofile/internal/diag"
)

// The checks in this file refuse what the API server or the operator
// would refuse later, at apply time or in the operator's status, with the
// profile's field path instead. They use apimachinery's own validation.

// names checks every name that becomes a Kubernetes object's name or
// namespace: the profile's own (it names what it renders), routes and
// their secrets, storage classes, claims, secret and ConfigMap
// references, and service-account subjects.
func names(c *Context) []diag.Finding {
	var fs []diag.Finding
	sub := func(path, what, value string) {
		if value != "" {
			fs = append(fs, dnsName(path, what, value)...)
		}
	}
	sub("metadata.name", "profile", c.R.Name)
	for i, rt := range c.R.Registry.Routes {
		sub(c.path(fmt.Sprintf("registry.routes[%d].name", i)), "route", rt.Name)
		sub(c.path(fmt.Sprintf("registry.routes[%d].secretName", i)), "secret", rt.SecretName)
		if src := rt.SecretSource; src != nil && src.ExternalSecret != nil {
			sub(c.path(fmt.Sprintf("registry.routes[%d].secretSource.externalSecret.storeRef.name", i)), "secret store", src.ExternalSecret.StoreRef.Name)
		}
	}
	if s := c.R.Registry.Storage; s != nil {
		if s.PVC != nil {
			sub(c.path("registry.storage.pvc.claim"), "claim", s.PVC.Claim)
		}
		if s.S3 != nil && s.S3.CloudFront != nil {
			sub(c.path("registry.storage.s3.cloudFront.privateKey.name"), "secret", s.S3.CloudFront.PrivateKey.Name)
		}
	}
	if v := c.R.PVC; v != nil && !c.R.Defaulted.PVCStorageClassName {
		sub(c.path("pvc.storageClassName"), "storage class", v.StorageClassName)
	}
	if cr := c.R.Credentials; cr != nil && cr.ExternalSecret != nil {
		sub(c.path("credentials.externalSecret.storeRef.name"), "secret store", cr.ExternalSecret.StoreRef.Name)
	}
	if a := c.R.Access; a != nil {
		for _, group := range []struct {
			name     string
			subjects []v1alpha1.Subject
		}{{"viewers", a.Viewers}, {"editors", a.Editors}, {"metricsScrapers", a.MetricsScrapers}} {
			for i, s := range group.subjects {
				base := diag.Path("spec.access").Child(group.name).Index(i)
				if s.Kind == "ServiceAccount" {
					sub(base.Child("name").String(), "service account", s.Name)
				}
				if s.Namespace != "" && len(validation.IsDNS1123Label(s.Namespace)) > 0 {
					fs = append(fs, diag.Errorf(base.Child("namespace").String(), fmt.Sprintf("use at most %d lower-case letters, digits and '-', starting and ending with a letter or digit", dnsLabelMax),
						"invalid namespace name"))
				}
			}
		}
	}
	return fs
}

// scheduling checks where the registry's and the pruner's pods may run:
// node selector labels and tolerations, as the API server validates them.
func scheduling(c *Context) []diag.Finding {
	var fs []diag.Finding
	check := func(prefix string, selector map[string]string, tolerations []corev1.Toleration) {
		for _, k := range sortedKeys(selector) {
			p := diag.Path(prefix).Child("nodeSelector").Child(k).String()
			if len(validation.IsQualifiedName(k)) > 0 {
				fs = append(fs, diag.Errorf(p, fmt.Sprintf("write a label key: an optional DNS prefix and '/', then at most %d letters, digits, '-', '_' and '.'", qualifiedNameMax), "invalid label key"))
			}
			if len(validation.IsValidLabelValue(selector[k])) > 0 {
				fs = append(fs, diag.Errorf(p, fmt.Sprintf("write a label value: at most %d letters, digits, '-', '_' and '.', starting and ending with a letter or digit", labelValueMax), "invalid label value"))
			}
		}
		for i, t := range tolerations {
			base := diag.Path(prefix).Child("tolerations").Index(i)
			if t.Key != "" && len(validation.IsQualifiedName(t.Key)) > 0 {
				fs = append(fs, diag.Errorf(base.Child("key").String(), "write a taint key: an optional DNS prefix and '/', then a name", "invalid taint key"))
			}
			switch t.Operator {
			case "", corev1.TolerationOpEqual:
				if len(validation.IsValidLabelValue(t.Value)) > 0 {
					fs = append(fs, diag.Errorf(base.Child("value").String(), fmt.Sprintf("write a taint value: at most %d letters, digits, '-', '_' and '.'", labelValueMax), "invalid taint value"))
				}
			case corev1.TolerationOpExists:
				if t.Value != "" {
					fs = append(fs, diag.Errorf(base.Child("value").String(), "remove value, or use operator: Equal", "a toleration with operator Exists takes no value"))
				}
			default:
				fs = append(fs, oneOf(base.Child("operator").String(), string(t.Operator), tolerationOperators...)...)
			}
			if t.Key == "" && t.Operator != corev1.TolerationOpExists {
				fs = append(fs, diag.Errorf(base.Child("operator").String(), "set operator: Exists, or a key", "a toleration without a key must use operator Exists"))
			}
			if t.Effect != "" {
				fs = append(fs, oneOf(base.Child("effect").String(), string(t.Effect), taintEffects...)...)
			}
			if t.TolerationSeconds != nil && t.Effect != corev1.TaintEffectNoExecute {
				fs = append(fs, diag.Errorf(base.Child("tolerationSeconds").String(), "set effect: NoExecute, or remove tolerationSeconds", "tolerationSeconds applies to the NoExecute effect only"))
			}
		}
	}
	check(c.path("registry"), c.R.Registry.NodeSelector, c.R.Registry.Tolerations)
	if pr := c.R.Pruner; pr != nil {
		check("spec.pruner", pr.NodeSelector, pr.Tolerations)
	}
	return fs
}

// The values the API server accepts in a toleration (k8s.io/api core/v1).
var (
	tolerationOperators = []string{string(corev1.TolerationOpExists), string(corev1.TolerationOpEqual)}
	taintEffects        = []string{string(corev1.TaintEffectNoSchedule), string(corev1.TaintEffectPreferNoSchedule), string(corev1.TaintEffectNoExecute)}
)

// standardResources are the resource names a container may request
// without a prefix; any other name must be a qualified extended resource.
var standardResources = map[corev1.ResourceName]bool{corev1.ResourceCPU: true, corev1.ResourceMemory: true, corev1.ResourceEphemeralStorage: true}

// containerResources checks requests and limits: known resource names,
// no negative quantity, no request above its limit.
func containerResources(c *Context) []diag.Finding {
	var fs []diag.Finding
	check := func(prefix string, rr *corev1.ResourceRequirements) {
		if rr == nil {
			return
		}
		for _, part := range []struct {
			name string
			list corev1.ResourceList
		}{{"requests", rr.Requests}, {"limits", rr.Limits}} {
			for _, name := range sortedKeys(part.list) {
				p := diag.Path(prefix).Child("resources").Child(part.name).Child(name).String()
				rn := corev1.ResourceName(name)
				if !standardResources[rn] && !strings.HasPrefix(name, corev1.ResourceHugePagesPrefix) && (!strings.Contains(name, "/") || len(validation.IsQualifiedName(name)) > 0) {
					fs = append(fs, diag.Errorf(p, "use cpu, memory, ephemeral-storage, hugepages-<size> or a qualified extended resource (example.com/device)", "unknown resource name"))
				}
				q := part.list[rn]
				if q.Sign() < 0 {
					fs = append(fs, diag.Errorf(p, "write 0 or more", "must not be negative"))
				}
			}
		}
		for _, name := range sortedKeys(rr.Requests) {
			req, lim := rr.Requests[corev1.ResourceName(name)], rr.Limits[corev1.ResourceName(name)]
			if _, limited := rr.Limits[corev1.ResourceName(name)]; limited && req.Cmp(lim) > 0 {
				fs = append(fs, diag.Errorf(diag.Path(prefix).Child("resources").Child("requests").Child(name).String(),
					"lower the request to the limit or less, or raise the limit", "the request is above its limit: the API server refuses the pod"))
			}
		}
	}
	check(c.path("registry"), c.R.Registry.Resources)
	if pr := c.R.Pruner; pr != nil {
		check("spec.pruner", pr.Resources)
	}
	return fs
}

// s3BucketName is Amazon S3's rule for general purpose bucket names
// (limits.go): lower-case letters, digits, '.' and '-', starting and ending
// with a letter or digit.
var s3BucketName = lazyRegexp(fmt.Sprintf(`^[a-z0-9][a-z0-9.-]{%d,%d}[a-z0-9]$`, s3BucketMin-2, s3BucketMax-2))

// s3BucketFix says S3's rule for a finding's fix.
var s3BucketFix = "use " + between(s3BucketMin, s3BucketMax) + " lower-case letters, digits, '-' and '.'"

// lazyRegexp compiles a pattern on first use. The function starts on
// every kustomize, kpt and Argo CD call, and most calls check no bucket:
// a counted repetition such as {1,61} compiles to a program 61 copies
// long, about a millisecond of start-up for these few patterns.
func lazyRegexp(pattern string) func() *regexp.Regexp {
	return sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(pattern) })
}

// s3ReservedPrefixes and s3ReservedSuffixes are the names S3 keeps for
// itself (the same page): sthree-configurator starts with sthree-; the
// suffixes are access point, Object Lambda, Multi-Region Access Point,
// directory bucket and table bucket names.
var (
	s3ReservedPrefixes = []string{"xn--", "sthree-", "amzn-s3-demo-"}
	s3ReservedSuffixes = []string{"-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"}
)

func s3BucketProblem(name string) string {
	switch {
	case !s3BucketName().MatchString(name):
		return s3BucketFix + ", starting and ending with a letter or digit"
	case strings.Contains(name, ".."):
		return "do not put two '.' next to each other"
	case net.ParseIP(name) != nil:
		return "do not name a bucket like an IP address"
	}
	for _, p := range s3ReservedPrefixes {
		if strings.HasPrefix(name, p) {
			return "do not start with " + p + ", which S3 reserves (so are the prefixes " + strings.Join(s3ReservedPrefixes, ", ") + " and the suffixes " + strings.Join(s3ReservedSuffixes, ", ") + ")"
		}
	}
	for _, sfx := range s3ReservedSuffixes {
		if strings.HasSuffix(name, sfx) {
			return "do not end with " + sfx + ", which S3 reserves (so are the prefixes " + strings.Join(s3ReservedPrefixes, ", ") + " and the suffixes " + strings.Join(s3ReservedSuffixes, ", ") + ")"
		}
	}
	return ""
}

// gcsBucketName is Google Cloud Storage's rule: lower-case letters,
// digits, '-', '_' and '.', starting and ending with a letter or digit.
var gcsBucketName = lazyRegexp(`^[a-z0-9][a-z0-9._-]*[a-z0-9]$`)

func gcsBucketProblem(name string) string {
	max := gcsBucketMax
	if strings.Contains(name, ".") {
		max = gcsDottedBucketMax
	}
	switch {
	case len(name) < gcsBucketMin || len(name) > max || !gcsBucketName().MatchString(name):
		return fmt.Sprintf("use %s lower-case letters, digits, '-', '_' and '.' (up to %d with dots), starting and ending with a letter or digit",
			between(gcsBucketMin, gcsBucketMax), gcsDottedBucketMax)
	case strings.HasPrefix(name, "goog") || strings.Contains(name, "google") || strings.Contains(name, "g00gle"):
		return "do not start with goog or contain google, which GCS reserves"
	case net.ParseIP(name) != nil:
		return "do not name a bucket like an IP address"
	}
	for _, part := range strings.Split(name, ".") {
		if len(part) > gcsBucketPartMax || part == "" {
			return fmt.Sprintf("keep each dot-separated part between 1 and %d characters", gcsBucketPartMax)
		}
	}
	return ""
}

// regionName is the shape of a cloud region: lower-case letters, digits
// and '-' (us-east-1, us-gov-west-1, europe-west4).
var regionName = lazyRegexp(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// azureAccountName is Azure's rule for storage account names (limits.go).
var azureAccountName = lazyRegexp(fmt.Sprintf(`^[a-z0-9]{%d,%d}$`, azureAccountMin, azureAccountMax))

// buckets checks bucket, container, account and region names per
// provider, where the operator would otherwise fail to reach storage.
func buckets(c *Context) []diag.Finding {
	s := c.R.Registry.Storage
	if s == nil {
		return nil
	}
	var fs []diag.Finding
	if s.S3 != nil && !c.R.Defaulted.S3Bucket {
		if s.S3.Bucket != "" {
			if why := s3BucketProblem(s.S3.Bucket); why != "" {
				fs = append(fs, diag.Errorf(c.path("registry.storage.s3.bucket"), why, "invalid S3 bucket name"))
			}
		}
	}
	if s.S3 != nil && s.S3.Region != "" && (len(s.S3.Region) > regionMax || !regionName().MatchString(s.S3.Region)) {
		fs = append(fs, diag.Errorf(c.path("registry.storage.s3.region"), "write a region such as us-east-1", "invalid region: at most %d lower-case letters, digits and '-'", regionMax))
	}
	if s.GCS != nil {
		if s.GCS.Bucket != "" {
			if why := gcsBucketProblem(s.GCS.Bucket); why != "" {
				fs = append(fs, diag.Errorf(c.path("registry.storage.gcs.bucket"), why, "invalid GCS bucket name"))
			}
		}
		if s.GCS.Region != "" && (len(s.GCS.Region) > regionMax || !regionName().MatchString(strings.ToLower(s.GCS.Region))) {
			fs = append(fs, diag.Errorf(c.path("registry.storage.gcs.region"), "write a location such as us-central1 or US", "invalid region: at most %d letters, digits and '-'", regionMax))
		}
	}
	if s.Azure != nil && s.Azure.AccountName != "" && !azureAccountName().MatchString(s.Azure.AccountName) {
		fs = append(fs, diag.Errorf(c.path("registry.storage.azure.accountName"), "use "+between(azureAccountMin, azureAccountMax)+" lower-case letters and digits", "invalid storage account name"))
	}
	return fs
}
