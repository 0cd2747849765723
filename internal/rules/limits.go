package rules

import (
	"fmt"
	"net"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/validation"

	"regprofile.dev/regprofile/internal/diag"
	"regprofile.dev/regprofile/internal/operator"
	"regprofile.dev/regprofile/internal/profile"
)

// The length limits of the names the rules check, each written once: the
// checks, their regular expressions, their messages and the reference's
// "Limits:" are built from these. limits_test.go checks each against its
// source where one can run (apimachinery's validation) and each pattern at
// its bounds.
const (
	// Kubernetes (k8s.io/apimachinery/pkg/util/validation, which the
	// checks call): an object name is a DNS-1123 subdomain, a namespace a
	// DNS-1123 label, a label value and the name part of a label or taint
	// key at most 63 characters (qualifiedNameMaxLength, unexported).
	dnsSubdomainMax  = validation.DNS1123SubdomainMaxLength // 253
	dnsLabelMax      = validation.DNS1123LabelMaxLength     // 63
	labelValueMax    = validation.LabelValueMaxLength       // 63
	qualifiedNameMax = 63

	// Amazon S3 general purpose buckets
	// (docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html):
	// 3 to 63 characters.
	s3BucketMin, s3BucketMax = 3, 63

	// Google Cloud Storage (cloud.google.com/storage/docs/buckets#naming,
	// "Bucket name requirements"): 3 to 63 characters; a name with dots up
	// to 222, each dot-separated part at most 63.
	gcsBucketMin, gcsBucketMax, gcsDottedBucketMax, gcsBucketPartMax = 3, 63, 222, 63

	// Azure (learn.microsoft.com/rest/api/storageservices/naming-and-referencing-containers--blobs--and-metadata,
	// "Container names": 3 to 63 characters; and the storage account
	// overview, "Storage account name": 3 to 24 lower-case letters and
	// digits). openshift/api's CRD has the container's pattern too.
	azureContainerMin, azureContainerMax = 3, 63
	azureAccountMin, azureAccountMax     = 3, 24

	// regionMax bounds a cloud region's name. No provider states one;
	// the longest names today (northamerica-northeast1, us-gov-west-1)
	// are well below it.
	regionMax = 32

	// A port, as host:port takes it.
	portMin, portMax = 1, 65535
)

// between says "3 to 63" for a limit's messages.
func between(min, max int) string { return fmt.Sprintf("%d to %d", min, max) }

// A nameRule is one kind of name the rules check: what it may be, stated
// once for the reference's "Limits:" and the findings' fixes, and its check.
type nameRule struct {
	doc string
	// check returns "" for a valid name; else the fix, and a message of its
	// own where the field's "invalid ..." would say less.
	check func(value string) (fix, why string)
}

// patternRule is a rule whose fix is always the same.
func patternRule(doc, fix string, ok func(string) bool) nameRule {
	return nameRule{doc: doc, check: func(s string) (string, string) {
		if ok(s) {
			return "", ""
		}
		return fix, ""
	}}
}

var (
	dnsSubdomainDoc = fmt.Sprintf("at most %d lower-case letters, digits, '-' and '.', starting and ending with a letter or digit", dnsSubdomainMax)
	dnsLabelDoc     = fmt.Sprintf("at most %d lower-case letters, digits and '-', starting and ending with a letter or digit", dnsLabelMax)
	qualifiedDoc    = fmt.Sprintf("an optional DNS prefix and '/', then at most %d letters, digits, '-', '_' and '.'", qualifiedNameMax)
	labelValueDoc   = fmt.Sprintf("at most %d letters, digits, '-', '_' and '.', starting and ending with a letter or digit", labelValueMax)
	s3BucketDoc     = between(s3BucketMin, s3BucketMax) + " lower-case letters, digits, '-' and '.', starting and ending with a letter or digit"
	hostDoc         = "a host name (" + dnsSubdomainDoc + ") or IPv4 address, with an optional :port from " + between(portMin, portMax)
)

// The rules for names.
var (
	// dnsSubdomain is a Kubernetes object's name, and a host name.
	dnsSubdomain = patternRule(dnsSubdomainDoc, "use "+dnsSubdomainDoc, func(s string) bool { return len(validation.IsDNS1123Subdomain(s)) == 0 })
	// dnsLabel is a namespace's name.
	dnsLabel   = patternRule(dnsLabelDoc, "use "+dnsLabelDoc, func(s string) bool { return len(validation.IsDNS1123Label(s)) == 0 })
	labelKey   = patternRule(qualifiedDoc, "write a label key: "+qualifiedDoc, qualifiedName)
	labelValue = patternRule(labelValueDoc, "write a label value: "+labelValueDoc, validLabelValue)
	taintKey   = patternRule(qualifiedDoc, "write a taint key: "+qualifiedDoc, qualifiedName)
	taintValue = patternRule(labelValueDoc, "write a taint value: "+labelValueDoc, validLabelValue)
	// resourceName is a container resource's name: a standard one or a
	// qualified extended resource.
	resourceName = patternRule(fmt.Sprintf("cpu, memory, ephemeral-storage, hugepages-<size>, or an extended resource: a DNS prefix and '/', then at most %d letters, digits, '-', '_' and '.'", qualifiedNameMax),
		"use cpu, memory, ephemeral-storage, hugepages-<size> or a qualified extended resource (example.com/device)",
		func(s string) bool {
			return standardResources[corev1.ResourceName(s)] || strings.HasPrefix(s, corev1.ResourceHugePagesPrefix) || (strings.Contains(s, "/") && qualifiedName(s))
		})
	// dnsWildcard is a certificate's DNS name.
	dnsWildcard = nameRule{doc: dnsSubdomainDoc + ", optionally led by '*.'", check: func(s string) (string, string) {
		if len(validation.IsDNS1123Subdomain(s)) > 0 && len(validation.IsWildcardDNS1123Subdomain(s)) > 0 {
			return "write a host name such as registry.apps.example.com, or *.apps.example.com",
				"not a DNS name (lower-case letters, digits, '-' and '.', optionally led by *.)"
		}
		return "", ""
	}}
	s3Bucket = nameRule{doc: s3BucketDoc + fmt.Sprintf("; no '..', not like an IP address, none of the prefixes %s and suffixes %s that S3 reserves",
		strings.Join(s3ReservedPrefixes, ", "), strings.Join(s3ReservedSuffixes, ", ")),
		check: func(s string) (string, string) { return s3BucketProblem(s), "" }}
	// s3BucketShape is S3's pattern alone, for buckets of stores that do
	// not reserve S3's names (Ceph RGW, NooBaa).
	s3BucketShape = patternRule(s3BucketDoc, "use "+s3BucketDoc, func(s string) bool { return s3BucketName().MatchString(s) })
	gcsBucket     = nameRule{doc: gcsBucketDoc + "; not starting with goog nor containing google, not like an IP address",
		check: func(s string) (string, string) { return gcsBucketProblem(s), "" }}
	s3Region = patternRule(fmt.Sprintf("at most %d lower-case letters, digits and '-'", regionMax), "write a region such as us-east-1",
		func(s string) bool { return len(s) <= regionMax && regionName().MatchString(s) })
	gcsRegion = patternRule(fmt.Sprintf("at most %d letters, digits and '-'", regionMax), "write a location such as us-central1 or US",
		func(s string) bool { return len(s) <= regionMax && regionName().MatchString(strings.ToLower(s)) })
	azureAccount = patternRule(between(azureAccountMin, azureAccountMax)+" lower-case letters and digits",
		"use "+between(azureAccountMin, azureAccountMax)+" lower-case letters and digits", func(s string) bool { return azureAccountName().MatchString(s) })
	azureContainer = patternRule(between(azureContainerMin, azureContainerMax)+" lower-case letters and digits, with single hyphens between them",
		"use "+between(azureContainerMin, azureContainerMax)+" lower-case letters and digits, with single hyphens between them", validAzureContainer)
	// hostRule is a host name or IPv4 address with an optional port, as
	// externalRegistryHostnames takes it.
	hostRule = nameRule{doc: hostDoc, check: hostProblem}
	// trustedCAHost is a host as trustedCAs take it: also a valid key of
	// the trusted-CA ConfigMap (host..port).
	trustedCAHost = nameRule{doc: hostDoc, check: func(s string) (string, string) {
		if fix, why := hostProblem(s); fix != "" {
			return fix, why
		}
		if len(validation.IsConfigMapKey(profile.TrustedCAKey(s))) > 0 {
			return hostPortFix, "not a valid key for the trusted-CA ConfigMap"
		}
		return "", ""
	}}
)

// A fieldName says which rule a field's name follows: the field (part
// names which part of it, for a map or a list of Kubernetes objects) and
// the finding's message for a name that breaks it.
type fieldName struct {
	part    string
	rule    nameRule
	invalid string
}

// fieldNames maps a field of the API, as "Type.Field" of
// fn/api/v1alpha1 (the key of its doc comment), to the rules its names
// follow. The rules check a name only through it (checkName), and the
// reference states a field's limits from it (Limits), so neither can miss
// what the other has; limits_test.go holds both ways.
var fieldNames = map[string][]fieldName{
	"RegistryProfile.Metadata":                      {{"name", dnsSubdomain, "invalid profile name"}},
	"RegistryProfileSpec.TrustedCAConfigMap":        {{"", dnsSubdomain, "invalid ConfigMap name"}},
	"RegistryProfileSpec.ExternalRegistryHostnames": {{"", hostRule, "not a host name"}},
	"PersistentVolume.Name":                         {{"", dnsSubdomain, "invalid persistent volume name"}},
	"LocalVolume.NodeName":                          {{"", dnsSubdomain, "invalid node name"}},
	"RegistrySpec.NodeSelector":                     nodeSelectorNames,
	"RegistrySpec.Tolerations":                      tolerationNames,
	"RegistrySpec.Resources":                        resourceNames,
	"Route.Name":                                    {{"", dnsSubdomain, "invalid route name"}},
	"Route.Hostname":                                {{"", dnsSubdomain, "invalid host name"}},
	"Route.SecretName":                              {{"", dnsSubdomain, "invalid secret name"}},
	"CertificateSource.DNSNames":                    {{"", dnsWildcard, "not a DNS name"}},
	"IssuerRef.Name":                                {{"", dnsSubdomain, "invalid issuer name"}},
	"IssuerRef.Group":                               {{"", dnsSubdomain, "invalid API group name"}},
	"S3.Bucket":                                     {{"", s3Bucket, "invalid S3 bucket name"}},
	"S3.Region":                                     {{"", s3Region, "invalid region: " + s3Region.doc}},
	"CloudFront.PrivateKey":                         {{"name", dnsSubdomain, "invalid secret name"}},
	"ConfigMapRef.Name":                             {{"", dnsSubdomain, "invalid ConfigMap name"}},
	"GCS.Bucket":                                    {{"", gcsBucket, "invalid GCS bucket name"}},
	"GCS.Region":                                    {{"", gcsRegion, "invalid region: " + gcsRegion.doc}},
	"Azure.AccountName":                             {{"", azureAccount, "invalid storage account name"}},
	"Azure.Container":                               {{"", azureContainer, "invalid container name"}},
	"PVCStorage.Claim":                              {{"", dnsSubdomain, "invalid claim name"}},
	"StoreRef.Name":                                 {{"", dnsSubdomain, "invalid secret store name"}},
	"TrustedCA.Registry":                            {{"", trustedCAHost, "not a host name"}},
	"Subject.Name":                                  {{"for a ServiceAccount", dnsSubdomain, "invalid service account name"}},
	"Subject.Namespace":                             {{"", dnsLabel, "invalid namespace name"}},
	"Subject.Project":                               {{"", dnsLabel, "invalid project name"}},
	"PrunerSpec.Resources":                          resourceNames,
	"PrunerSpec.NodeSelector":                       nodeSelectorNames,
	"PrunerSpec.Tolerations":                        tolerationNames,
	"PVCVolume.Name":                                {{"", dnsSubdomain, "invalid claim name"}},
	"PVCVolume.StorageClassName":                    {{"", dnsSubdomain, "invalid storage class name"}},
	"CinderClass.StorageClassName":                  {{"", dnsSubdomain, "invalid storage class name"}},
	"ObjectBucket.BucketName":                       {{"", s3BucketShape, "invalid bucket name"}},
}

// The names of where the registry's and the pruner's pods run, as the API
// server checks them.
var (
	nodeSelectorNames = []fieldName{{"keys", labelKey, "invalid label key"}, {"values", labelValue, "invalid label value"}}
	tolerationNames   = []fieldName{{"key", taintKey, "invalid taint key"}, {"value", taintValue, "invalid taint value"}}
	resourceNames     = []fieldName{{"resource names", resourceName, "unknown resource name"}}
)

// A bound is the range a number or a duration of the profile takes, stated
// once for the reference's "Limits:" and the findings.
type bound struct {
	min, max int64
	// capped says max applies; duration that the values are durations,
	// in nanoseconds.
	capped, duration bool
	// fix and why are the finding's; why may hold one %d for the value.
	fix, why string
}

func (b bound) doc() string {
	switch {
	case b.capped:
		return between(int(b.min), int(b.max))
	case b.duration:
		return fmt.Sprintf("%ds or more", b.min)
	}
	return fmt.Sprintf("%d or more", b.min)
}

// fieldBounds maps a field of the API, as fieldNames does, to its range:
// the rules check a number or a duration only through it (checkBound), and
// the reference states it from it (Limits).
var fieldBounds = map[string]bound{
	"RegistrySpec.Replicas":                 {fix: "set 0 or more", why: "replicas must not be negative, got %d"},
	"RequestLimits.MaxRunning":              {fix: "set 0 (unlimited) or more", why: notNegative},
	"RequestLimits.MaxInQueue":              {fix: "set 0 (unlimited) or more", why: notNegative},
	"RequestLimits.MaxWaitInQueue":          {duration: true, fix: "set 0s (unlimited) or more", why: "must not be negative"},
	"S3.ChunkSizeMiB":                       chunkSize,
	"ExternalSecretSource.RefreshInterval":  {duration: true, fix: "set 0s (never) or more", why: "must not be negative"},
	"PrunerSpec.KeepTagRevisions":           {fix: "set 0 or more", why: notNegative},
	"PrunerSpec.KeepYoungerThanDuration":    {duration: true, fix: "set a positive duration such as 60m", why: "must not be negative"},
	"PrunerSpec.SuccessfulJobsHistoryLimit": {fix: "set 0 or more", why: notNegative},
	"PrunerSpec.FailedJobsHistoryLimit":     {fix: "set 0 or more", why: notNegative},
}

const notNegative = "must not be negative, got %d"

// chunkSize is the CRD's range for storage.s3.chunkSizeMiB (internal/operator).
var chunkSize = bound{min: operator.ChunkSizeMiBMin, max: operator.ChunkSizeMiBMax, capped: true,
	fix: "set " + between(operator.ChunkSizeMiBMin, operator.ChunkSizeMiBMax) + ", or remove it for the operator's default",
	why: fmt.Sprintf("chunkSizeMiB is out of range: S3 multipart chunks are %d MiB to %d GiB", operator.ChunkSizeMiBMin, operator.ChunkSizeMiBMax>>10)}

// rangeOf states field's range in fieldBounds, for the rules' descriptions.
func rangeOf(field string) string { return fieldBounds[field].doc() }

// checkBound checks v, at path, against field's range in fieldBounds.
func checkBound(field, path string, v int64) []diag.Finding {
	b, ok := fieldBounds[field]
	if !ok {
		panic("rules: fieldBounds has no " + field)
	}
	if v >= b.min && (!b.capped || v <= b.max) {
		return nil
	}
	if strings.Contains(b.why, "%d") {
		return []diag.Finding{diag.Errorf(path, b.fix, b.why, v)}
	}
	return []diag.Finding{diag.Errorf(path, b.fix, "%s", b.why)}
}

// checkName checks value, at path, against the rule fieldNames holds for
// field's part. A field or part missing there is a programming error that
// limits_test.go finds in the source.
func checkName(field, part, path, value string) []diag.Finding {
	i := slices.IndexFunc(fieldNames[field], func(f fieldName) bool { return f.part == part })
	if i < 0 {
		panic("rules: fieldNames has no " + field + " " + part)
	}
	f := fieldNames[field][i]
	fix, why := f.rule.check(value)
	if fix == "" {
		return nil
	}
	if why == "" {
		why = f.invalid
	}
	return []diag.Finding{diag.Errorf(path, fix, "%s", why)}
}

// Limits is the reference's sentence on the range or the names the field
// of the API named "Type.Field" takes, from the rules that check them;
// empty when the rules check none.
func Limits(field string) string {
	var parts []string
	if b, ok := fieldBounds[field]; ok {
		parts = append(parts, b.doc())
	}
	for _, f := range fieldNames[field] {
		if f.part == "" {
			parts = append(parts, f.rule.doc)
		} else {
			parts = append(parts, f.part+": "+f.rule.doc)
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return "Limits: " + strings.Join(parts, "; ") + "."
}

// LimitFields lists the fields Limits knows, sorted.
func LimitFields() []string {
	out := make([]string, 0, len(fieldNames)+len(fieldBounds))
	for f := range fieldNames {
		out = append(out, f)
	}
	for f := range fieldBounds {
		out = append(out, f)
	}
	slices.Sort(out)
	return out
}

func qualifiedName(s string) bool   { return len(validation.IsQualifiedName(s)) == 0 }
func validLabelValue(s string) bool { return len(validation.IsValidLabelValue(s)) == 0 }

// standardResources are the resource names a container may request
// without a prefix; any other name must be a qualified extended resource.
var standardResources = map[corev1.ResourceName]bool{corev1.ResourceCPU: true, corev1.ResourceMemory: true, corev1.ResourceEphemeralStorage: true}

// lazyRegexp compiles a pattern on first use. The function starts on
// every kustomize, kpt and Argo CD call, and most calls check no bucket:
// a counted repetition such as {1,61} compiles to a program 61 copies
// long, about a millisecond of start-up for these few patterns.
func lazyRegexp(pattern string) func() *regexp.Regexp {
	return sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(pattern) })
}

// s3BucketName is Amazon S3's rule for general purpose bucket names:
// lower-case letters, digits, '.' and '-', starting and ending with a
// letter or digit.
var s3BucketName = lazyRegexp(fmt.Sprintf(`^[a-z0-9][a-z0-9.-]{%d,%d}[a-z0-9]$`, s3BucketMin-2, s3BucketMax-2))

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
		return "use " + s3BucketDoc
	case strings.Contains(name, ".."):
		return "do not put two '.' next to each other"
	case net.ParseIP(name) != nil:
		return "do not name a bucket like an IP address"
	}
	reserved := ", which S3 reserves (so are the prefixes " + strings.Join(s3ReservedPrefixes, ", ") + " and the suffixes " + strings.Join(s3ReservedSuffixes, ", ") + ")"
	for _, p := range s3ReservedPrefixes {
		if strings.HasPrefix(name, p) {
			return "do not start with " + p + reserved
		}
	}
	for _, sfx := range s3ReservedSuffixes {
		if strings.HasSuffix(name, sfx) {
			return "do not end with " + sfx + reserved
		}
	}
	return ""
}

// gcsBucketName is Google Cloud Storage's rule: lower-case letters,
// digits, '-', '_' and '.', starting and ending with a letter or digit.
var gcsBucketName = lazyRegexp(`^[a-z0-9][a-z0-9._-]*[a-z0-9]$`)

var gcsBucketDoc = fmt.Sprintf("%s lower-case letters, digits, '-', '_' and '.' (up to %d with dots, each dot-separated part at most %d), starting and ending with a letter or digit",
	between(gcsBucketMin, gcsBucketMax), gcsDottedBucketMax, gcsBucketPartMax)

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

// azureAccountName is Azure's rule for storage account names.
var azureAccountName = lazyRegexp(fmt.Sprintf(`^[a-z0-9]{%d,%d}$`, azureAccountMin, azureAccountMax))

// azureContainerName is the CRD's pattern for container names.
var azureContainerName = lazyRegexp(`^[0-9a-z]+(-[0-9a-z]+)*$`)

// validAzureContainer reports whether name is a container name Azure
// accepts.
func validAzureContainer(name string) bool {
	return len(name) >= azureContainerMin && len(name) <= azureContainerMax && azureContainerName().MatchString(name)
}

const hostPortFix = "write host or host:port, e.g. registry.example.com:5000"

// hostProblem checks a host name or IPv4 address with an optional port, as
// trusted CAs and externalRegistryHostnames take them. IPv6 is refused: the
// trusted-CA ConfigMap's keys are host..port and cannot hold ':'.
func hostProblem(s string) (fix, why string) {
	if strings.Contains(s, "://") || strings.Contains(s, "/") {
		return hostPortFix, "not a host: write the registry's host (and port) without a scheme or path"
	}
	host, port := s, ""
	if h, p, err := net.SplitHostPort(s); err == nil {
		host, port = h, p
	}
	if port != "" {
		if n, err := strconv.Atoi(port); err != nil || n < portMin || n > portMax || strconv.Itoa(n) != port {
			return hostPortFix, "the port is not a number from " + between(portMin, portMax)
		}
	}
	if ip := net.ParseIP(strings.Trim(host, "[]")); ip != nil && strings.Contains(host, ":") {
		return "name the registry by a host name (a DNS name that resolves to the address)",
			"an IPv6 address cannot be expressed: the trusted-CA ConfigMap's keys are host..port and cannot hold ':'"
	}
	if net.ParseIP(host) == nil && len(validation.IsDNS1123Subdomain(host)) > 0 {
		return hostPortFix, "not a host name (lower-case letters, digits, '-' and '.') or IPv4 address with an optional port"
	}
	return "", ""
}
