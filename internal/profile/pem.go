package profile

import (
	"bytes"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"strings"
)

const (
	beginCertificate = "-----BEGIN CERTIFICATE-----"
	endCertificate   = "-----END CERTIFICATE-----"
)

// ParseCertificates parses a PEM bundle strictly: CERTIFICATE blocks only,
// separated by nothing but white space. encoding/pem alone skips anything
// before a block, and a block whose END line is malformed runs on into
// the next: text that looks like a bundle could carry a private key or
// anything else past a check that only looks at the blocks it finds. The
// error never quotes the input.
func ParseCertificates(text string) ([]*x509.Certificate, error) {
	rest := []byte(text)
	var certs []*x509.Certificate
	for n := 1; ; n++ {
		rest = bytes.TrimLeft(rest, " \t\r\n")
		if len(rest) == 0 {
			break
		}
		if !bytes.HasPrefix(rest, []byte(beginCertificate)) {
			if n == 1 {
				return nil, fmt.Errorf("the text does not start with %s: a bundle holds CERTIFICATE blocks and nothing else", beginCertificate)
			}
			return nil, fmt.Errorf("text after certificate %d that is not a CERTIFICATE block: a bundle holds CERTIFICATE blocks and nothing else", n-1)
		}
		end := bytes.Index(rest, []byte(endCertificate))
		if end < 0 {
			return nil, fmt.Errorf("certificate %d has no %s line", n, endCertificate)
		}
		segment := rest[:end+len(endCertificate)]
		block, tail := pem.Decode(append(append([]byte(nil), segment...), '\n'))
		if block == nil || len(bytes.TrimSpace(tail)) != 0 || block.Type != "CERTIFICATE" || len(block.Headers) != 0 {
			return nil, fmt.Errorf("certificate %d is not a well-formed PEM block (its BEGIN and END lines, and only base64 between them)", n)
		}
		cert, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("certificate %d is not a valid X.509 certificate", n)
		}
		certs = append(certs, cert)
		rest = rest[end+len(endCertificate):]
	}
	if len(certs) == 0 {
		return nil, fmt.Errorf("no certificate: write at least one block from %s to %s", beginCertificate, endCertificate)
	}
	return certs, nil
}

// EncodeCertificates writes certificates as PEM, re-encoded from their
// parsed DER: what is rendered is what was checked, never the input text.
func EncodeCertificates(certs []*x509.Certificate) string {
	var b strings.Builder
	for _, c := range certs {
		b.Write(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw}))
	}
	return b.String()
}

// TrustedCAKey is a registry's key in the trusted-CA ConfigMap that
// image.config.openshift.io/cluster's additionalTrustedCA names:
// "host..port" for host:port, since ':' cannot be in a ConfigMap key.
func TrustedCAKey(registry string) string { return strings.Replace(registry, ":", "..", 1) }
