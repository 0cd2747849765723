package profile

import (
	"regexp"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"regprofile.dev/regprofile/internal/diag"
)

// credentialKey matches the names credentials travel under: the registry
// secret's keys and the AWS keys an ODF bucket claim's secret holds.
var credentialKey = regexp.MustCompile(`^(REGISTRY_STORAGE_[A-Z0-9_]+|AWS_ACCESS_KEY_ID|AWS_SECRET_ACCESS_KEY)$`)

// IsCredentialKey reports whether a key names a storage credential.
func IsCredentialKey(key string) bool { return credentialKey.MatchString(key) }

// credentialsFix is what to do about a credential found in a profile.
const credentialsFix = "remove the value and rotate the credential; map the key to a secret store entry under spec.credentials.externalSecret.data, or manage the secret out of band with spec.credentials.existingSecret: true"

// ClearCredentials finds credentials written in clear anywhere in an
// expanded tree (see Expand: aliases and merge keys already resolved, so
// that nothing hides behind them): a credential key given a value, a URL
// carrying a user name or password, a private key block. A profile lives in
// Git; a credential must come from a secret store. Findings name the path
// and never repeat the value.
func ClearCredentials(n *yaml.Node, path diag.Path) diag.Findings {
	var fs diag.Findings
	clearCredentials(n, (*pathNode)(nil).prefixed(path), &fs)
	return fs
}

// prefixed starts a lazy path at an existing dotted path.
func (p *pathNode) prefixed(path diag.Path) *pathNode {
	if path == "" {
		return p
	}
	return &pathNode{key: string(path)}
}

func clearCredentials(n *yaml.Node, path *pathNode, fs *diag.Findings) {
	if len(*fs) >= MaxFindings {
		return
	}
	switch n.Kind {
	case yaml.DocumentNode, yaml.SequenceNode:
		for i, c := range n.Content {
			p := path
			if n.Kind == yaml.SequenceNode {
				p = path.at(i)
			}
			clearCredentials(c, p, fs)
		}
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			key, val := n.Content[i], n.Content[i+1]
			child := path.child(key.Value)
			clearCredentials(key, path, fs)
			if IsCredentialKey(key.Value) && holdsValue(val) {
				*fs = append(*fs, diag.Errorf(child.String(), credentialsFix,
					"a credential in clear: %s holds a value, and credentials never go in a profile", key.Value))
				continue
			}
			clearCredentials(val, child, fs)
		}
	case yaml.ScalarNode:
		if why := clearSecret(n.Value); why != "" {
			*fs = append(*fs, diag.Errorf(path.String(), "remove it and rotate the credential; "+why.fix(), "a credential in clear: %s", why))
		}
	case yaml.AliasNode:
		if n.Alias != nil {
			clearCredentials(n.Alias, path, fs)
		}
	}
}

// holdsValue reports whether a credential key's value is the credential
// itself: a scalar or a list of them. An object is a reference to a
// secret store entry ({key: ...}).
func holdsValue(n *yaml.Node) bool {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	switch n.Kind {
	case yaml.ScalarNode:
		return n.ShortTag() != "!!null"
	case yaml.SequenceNode:
		return len(n.Content) > 0
	}
	return false
}

type secretKind string

const (
	userinfo   secretKind = "the URL carries a user name or password"
	privateKey secretKind = "a private key block"
)

func (k secretKind) fix() string {
	if k == userinfo {
		return "write the URL without user@ or user:password@; credentials come from spec.credentials"
	}
	return "a profile holds certificates only; keep private keys in a secret store"
}

// clearSecret says why a scalar is a credential in clear, or "".
func clearSecret(s string) secretKind {
	if strings.Contains(s, "PRIVATE KEY") && strings.Contains(s, "-----BEGIN") {
		return privateKey
	}
	if hasUserinfo(s) {
		return userinfo
	}
	return ""
}

// hasUserinfo reports whether s holds a URL with a user name or password,
// anywhere in it: scheme://user:password@host.
func hasUserinfo(s string) bool {
	for rest := s; ; {
		i := strings.Index(rest, "://")
		if i < 0 {
			return false
		}
		authority := rest[i+3:]
		if end := strings.IndexAny(authority, "/?# \t\n\r\"'"); end >= 0 {
			authority = authority[:end]
		}
		if strings.Contains(authority, "@") {
			return true
		}
		rest = rest[i+3:]
	}
}
