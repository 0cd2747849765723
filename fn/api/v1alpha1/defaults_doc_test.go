package v1alpha1_test

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	sigsyaml "sigs.k8s.io/yaml"

	"regprofile.dev/regprofile/internal/platforms"
	"regprofile.dev/regprofile/internal/profile"
	"regprofile.dev/regprofile/internal/render"
)

// Profiles that leave everything they can to the defaults, on every
// platform and in each variant whose defaults differ.
var minimalProfiles = []string{
	`platform: aws-upi
  registry: {storage: {s3: {bucket: bkt, region: r}}}
  access: {viewers: [{kind: Group, name: g}]}`,
	`platform: gcp-upi
  registry: {storage: {gcs: {bucket: bkt}}}`,
	`platform: azure-gov
  registry: {storage: {azure: {accountName: acct, container: registry}}}`,
	`platform: rhosp-cinder
  platforms: {rhosp-cinder: {cinder: {availabilityZone: nova}}}`,
	`platform: vsphere-block`,
	`platform: vsphere-block
  registry: {removeFields: [storage.emptyDir]}`,
	`platform: nutanix`,
	`platform: nutanix
  platforms: {nutanix: {pvc: {accessMode: ReadWriteMany}}}`,
	`platform: baremetal-odf-rgw`,
	`platform: baremetal-odf-rgw
  platforms: {baremetal-odf-rgw: {objectBucket: {storageClassName: openshift-storage.noobaa.io}}}`,
	`platform: baremetal-odf-rgw
  platforms: {baremetal-odf-rgw: {pvc: {}}}`,
	`platform: vsphere-block
  platforms: {vsphere-block: {persistentVolume: {local: {path: /mnt/registry, nodeName: node-1}}}}`,
	`platform: gcp-ipi
  trustedCAs:
  - registry: registry.example.com
    pem: |
` + testPEM,
	`platform: aws-upi
  registry: {storage: {s3: {bucket: bkt, region: r, regionEndpoint: "https://s3.example.com"}}}
  storageCA:
    pem: |
` + testPEM,
}

// testPEM is a CA certificate, indented for a block scalar at depth 3.
const testPEM = `      -----BEGIN CERTIFICATE-----
      MIIBkTCCATegAwIBAgIUXlE2TcrSMwdQr8RwuOKsN7NddQowCgYIKoZIzj0EAwIw
      HjEcMBoGA1UEAwwTRXhhbXBsZSBSZWdpc3RyeSBDQTAeFw0yNjExMjEwNTA5NDRa
      Fw0zNjExMTgwNTA5NDRaMB4xHDAaBgNVBAMME0V4YW1wbGUgUmVnaXN0cnkgQ0Ew
      WTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAATgi7VkHAU17PQTgnjnqAQBHAMHoEmz
      7n1JIqCIHCFzCsbAVOdnf8xkdCG1CvzXb/fAL2ESnsctH/zpqI0qA9yuo1MwUTAd
      BgNVHQ4EFgQU1KDsSZtGzNk7NuWNMXxmqATsVwwwHwYDVR0jBBgwFoAU1KDsSZtG
      zNk7NuWNMXxmqATsVwwwDwYDVR0TAQH/BAUwAwEB/zAKBggqhkjOPQQDAgNIADBF
      AiEAkKGB720wGzpoBwEh/vBKxsuMqxQraGjmcJbXP/2eXfwCIAI0ko0Pzgra7K0g
      eqZTGP0Tby3eVHwkBVGaDNSZiLvO
      -----END CERTIFICATE-----`

// notValues are words a "Default:" sentence uses that are prose, not a
// value the code renders.
var notValues = []string{
	"in-cluster", "one-replica", "cluster-wide", "OpenShift", "CephFS",
	"default-route", // the operator's route, named to say it is not rendered
	"NooBaa", "installer-provisioned",
	"HighlyAvailable", "SingleReplica", // topologies, not rendered values
}

var (
	// After "Default:" up to the end of the comment, minus what the
	// operator (not regprofile) does: "unset (the operator's ...)".
	defaultPart = regexp.MustCompile(`Default[^:]*:(.*)`)
	unsetPart   = regexp.MustCompile(`unset \([^)]*\)`)
	// Concrete values: URLs, image references, sizes, durations, dashed
	// names and CamelCase enum values.
	valueToken = regexp.MustCompile(`https?://[^\s),]+|\b[a-z0-9.-]+(?:/[a-z0-9._-]+)+:[a-z0-9._-]*[a-z0-9]|\b\d+(?:Gi|Mi)\b|\b\d+h\d+m\d+s\b|\b[a-z0-9]+(?:[-.][a-z0-9]+)*-[a-z0-9]+(?:[-.][a-z0-9]+)*\b|\b[A-Z][a-z]+(?:[A-Z][a-z]*)+\b`)
)

// Every concrete value a default described in prose names (the reference's
// "Default:" sentences, from platforms.Defaults) is one the code renders for
// some minimal profile: prose cannot drift from the code (the NooBaa
// endpoint once read https while the code rendered http). Defaults of one
// value are checked field by field in internal/platforms.
func TestDocumentedDefaultsAreRendered(t *testing.T) {
	rendered := map[string]bool{}
	for _, name := range platforms.Names() {
		rendered[name] = true
	}
	for _, spec := range minimalProfiles {
		doc := "apiVersion: regprofile.dev/v1alpha1\nkind: RegistryProfile\nmetadata: {name: p}\nspec:\n  " + spec + "\n"
		p, fs := profile.DecodeBytes([]byte(doc))
		if fs.HasErrors() {
			t.Fatalf("%s: %v", spec, fs)
		}
		objs, fs := render.Render(p, render.Options{})
		if fs.HasErrors() {
			t.Fatalf("%s: %v", spec, fs)
		}
		for _, o := range objs {
			data, err := sigsyaml.Marshal(o.Map())
			if err != nil {
				t.Fatal(err)
			}
			var v any
			if err := sigsyaml.Unmarshal(data, &v); err != nil {
				t.Fatal(err)
			}
			collectStrings(v, rendered)
		}
	}
	checked := 0
	for field := range platforms.Defaults {
		m := defaultPart.FindStringSubmatch(platforms.DefaultDoc(field))
		if m == nil {
			continue
		}
		for _, tok := range valueToken.FindAllString(unsetPart.ReplaceAllString(m[1], "unset"), -1) {
			tok = strings.TrimRight(tok, ".")
			if slices.Contains(notValues, tok) {
				continue
			}
			checked++
			if !rendered[tok] {
				t.Errorf("platforms.Defaults[%q] names the default %q, which no minimal profile renders: fix the table or the code", field, tok)
			}
		}
	}
	if checked < 10 {
		t.Errorf("only %d documented default values found: is the extraction broken?", checked)
	}
}

// collectStrings adds every scalar in v (keys and values), as text.
func collectStrings(v any, into map[string]bool) {
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			into[k] = true
			collectStrings(x, into)
		}
	case []any:
		for _, x := range v {
			collectStrings(x, into)
		}
	case string:
		into[v] = true
	}
}
