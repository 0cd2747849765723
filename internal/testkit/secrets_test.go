package testkit

import "testing"

func TestScanSecrets(t *testing.T) {
	clean := `apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata: {name: x, namespace: y}
spec:
  data:
  - secretKey: REGISTRY_STORAGE_S3_ACCESSKEY
    remoteRef: {key: k, property: AWS_ACCESS_KEY_ID}
`
	if got := ScanSecrets(clean); len(got) != 0 {
		t.Errorf("a reference was taken for a secret: %v", got)
	}
	for name, dirty := range map[string]string{
		"secret with data":   "apiVersion: v1\nkind: Secret\nmetadata: {name: s, namespace: n}\ndata: {a: Yg==}\n",
		"credential value":   "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata:\n  REGISTRY_STORAGE_S3_SECRETKEY: x\n",
		"aws key id":         "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {a: AKIAABCDEFGHIJKLMNOP}\n",
		"private key":        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {a: '-----BEGIN EC PRIVATE KEY-----'}\n",
		"azure conn. string": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {a: 'DefaultEndpointsProtocol=https;AccountKey=abc'}\n",
	} {
		if got := ScanSecrets(dirty); len(got) == 0 {
			t.Errorf("%s: not found", name)
		}
	}
}
