package profile

import (
	"regexp"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"regprofile.dev/regprofile/fn/diag"
)

// credentialKey matches the names credentials travel under: the registry
// secret's keys and the AWS keys an ODF bucket claim's secret holds.
var credentialKey = regexp.MustCompile(`^(REGISTRY_STORAGE_[A-Z0-9_]+|AWS_ACCESS_KEY_ID|AWS_SECRET_ACCESS_KEY)$`)

// IsCredentialKey reports whether a key names a storage credential.
func IsCredentialKey(key string) bool { return credentialKey.MatchString(key) }

// clearCredentials finds credential keys given a value anywhere in a
// profile. A profile lives in Git; a key must come from a secret store. The
// finding never repeats the value.
func clearCredentials(n *yaml.Node, path diag.Path, fs *diag.Findings) {
	switch n.Kind {
	case yaml.DocumentNode, yaml.SequenceNode:
		for i, c := range n.Content {
			p := path
			if n.Kind == yaml.SequenceNode {
				p = path.Index(i)
			}
			clearCredentials(c, p, fs)
		}
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			key, val := n.Content[i].Value, n.Content[i+1]
			if IsCredentialKey(key) && val.Kind == yaml.ScalarNode && val.Tag != "!!null" {
				*fs = append(*fs, diag.Errorf(path.Child(key).String(),
					"remove the value and rotate the credential; map the key to a secret store entry under spec.credentials.externalSecret.data, or manage the secret out of band with spec.credentials.existingSecret: true",
					"a credential in clear: %s holds a value, and credentials never go in a profile", key))
				continue
			}
			clearCredentials(val, path.Child(key), fs)
		}
	}
	// Aliases point at nodes already visited.
}
