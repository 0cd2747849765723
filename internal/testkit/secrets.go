package testkit

// The secret scan finds secret material in rendered output, for tests that
// assert regprofile never emits a credential: it renders references to
// secret stores, never values.

import (
	"fmt"
	"regexp"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/kio"
)

var patterns = []struct {
	what string
	re   *regexp.Regexp
}{
	{"a private key", regexp.MustCompile(`-----BEGIN [A-Z ]*PRIVATE KEY-----`)},
	{"an AWS access key ID", regexp.MustCompile(`\b(AKIA|ASIA)[0-9A-Z]{16}\b`)},
	{"a GCP service account key", regexp.MustCompile(`"private_key"\s*:`)},
	{"an Azure storage connection string", regexp.MustCompile(`AccountKey=`)},
	// A credential key followed by a value on the same line, as in a
	// Secret's data or an env entry; ExternalSecrets only name the keys
	// (secretKey: REGISTRY_STORAGE_...), which this does not match.
	{"a credential key with a value", regexp.MustCompile(`(?m)^\s*"?(REGISTRY_STORAGE_[A-Z0-9_]+|AWS_SECRET_ACCESS_KEY|AWS_ACCESS_KEY_ID)"?\s*:\s*\S`)},
}

// ScanSecrets returns one problem per secret-looking thing in a YAML stream,
// including any Secret object that carries data.
func ScanSecrets(stream string) []string {
	var problems []string
	for _, p := range patterns {
		if loc := p.re.FindStringIndex(stream); loc != nil {
			problems = append(problems, fmt.Sprintf("%s at byte %d", p.what, loc[0]))
		}
	}
	nodes, err := (&kio.ByteReader{Reader: strings.NewReader(stream), OmitReaderAnnotations: true}).Read()
	if err != nil {
		return append(problems, "unparseable output: "+err.Error())
	}
	for _, n := range nodes {
		if n.GetKind() != "Secret" {
			continue
		}
		for _, field := range []string{"data", "stringData"} {
			if v := n.Field(field); v != nil && !v.Value.IsNilOrEmpty() {
				problems = append(problems, fmt.Sprintf("Secret %s/%s carries %s", n.GetNamespace(), n.GetName(), field))
			}
		}
	}
	return problems
}
