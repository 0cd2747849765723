package profile

import (
	"strings"
	"testing"
)

// hostileShapes are inputs of about 1 MiB shaped for the worst cost each
// limit allows: decoding costs time and memory linear in the input, so
// ns/op divided by MiB/op stays of one order for every shape.
func hostileShapes() map[string]string {
	head := hostileHead + "spec:\n  platform: aws-upi\n  registry:\n    storage:\n      s3: {bucket: bkt, region: us-east-1}\n"
	shapes := map[string]string{}
	var b strings.Builder
	// Typical large input: a CA bundle's worth of text in one field.
	b.WriteString(head + "  argocd: {}\n  trustedCAs:\n  - registry: r.example.com\n    pem: |\n")
	for b.Len() < 1<<20 {
		b.WriteString("      MIIBkTCCATegAwIBAgIUXlE2TcrSMwdQr8RwuOKsN7NddQowCgYIKoZIzj0EAwIw\n")
	}
	shapes["text"] = b.String()
	b.Reset()
	// One object as wide as the node limit allows.
	b.WriteString(head[:len(head)-len("    storage:\n      s3: {bucket: bkt, region: us-east-1}\n")] + "    nodeSelector:\n")
	for i := 0; b.Len() < 1<<20 && i < MaxNodes/2-50; i++ {
		b.WriteString("      example.com/label-" + itoa(i) + ": value\n")
	}
	b.WriteString("    storage:\n      s3: {bucket: bkt, region: us-east-1}\n")
	shapes["wide-map"] = b.String()
	b.Reset()
	// Lists nested to the depth limit, side by side.
	b.WriteString(head + "  registry2: [")
	for b.Len() < 1<<20 {
		b.WriteString(strings.Repeat("[", MaxDepth-4) + strings.Repeat("]", MaxDepth-4) + ",")
	}
	b.WriteString("x]\n")
	shapes["deep"] = b.String()
	b.Reset()
	// Long keys nested deep: every path is depth times key length long.
	key := strings.Repeat("k", 1000)
	b.WriteString(head + "  argocd:\n")
	for i := 0; i < MaxDepth-4; i++ {
		b.WriteString(strings.Repeat("  ", i+2) + key + itoa(i) + ":\n")
	}
	b.WriteString(strings.Repeat("  ", MaxDepth-2) + "a: b\n")
	shapes["long-keys"] = b.String()
	b.Reset()
	// Aliases expanding to the node limit.
	b.WriteString(head + "  argocd:\n    a: &a [" + strings.Repeat("x,", 299) + "x]\n    b: [" + strings.Repeat("*a,", 320) + "*a]\n")
	shapes["aliases"] = b.String()
	return shapes
}

// BenchmarkDecodeHostile decodes each worst-case shape; bytes/s is per byte
// of input (aliases expand it within MaxNodes and MaxExpandedBytes).
func BenchmarkDecodeHostile(b *testing.B) {
	for _, name := range []string{"text", "wide-map", "deep", "long-keys", "aliases"} {
		doc := []byte(hostileShapes()[name])
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(doc)))
			b.ReportAllocs()
			for b.Loop() {
				DecodeBytes(doc)
			}
		})
	}
}
