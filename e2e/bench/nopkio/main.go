// Command nopkio is the least a KRM exec function written with kyaml
// links: kyaml's kio reads the ResourceList and writes it back unchanged,
// without fn/framework. regprofile's function is built the same way
// (internal/krm), so the start-up benchmark compares it with this one; nopfn
// (standard library only) and nopkyaml (fn/framework) stand beside it.
package main

import (
	"os"

	"sigs.k8s.io/kustomize/kyaml/kio"
)

func main() {
	rw := &kio.ByteReadWriter{Reader: os.Stdin, Writer: os.Stdout, KeepReaderAnnotations: true}
	items, err := rw.Read()
	if err == nil {
		err = rw.Write(items)
	}
	if err != nil {
		os.Stderr.WriteString("nopkio: " + err.Error() + "\n")
		os.Exit(1)
	}
}
