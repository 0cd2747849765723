// Command nopkyaml is a do-nothing KRM exec function written with kyaml's
// fn/framework, as most Go functions are: it parses the ResourceList,
// changes nothing and writes it back. Set beside nopfn (standard library
// only) and regprofile, it separates what kyaml costs at start-up and per
// call from what regprofile adds.
package main

import (
	"os"

	"sigs.k8s.io/kustomize/kyaml/fn/framework"
	"sigs.k8s.io/kustomize/kyaml/kio"
)

func main() {
	nop := framework.ResourceListProcessorFunc(func(*framework.ResourceList) error { return nil })
	if err := framework.Execute(nop, &kio.ByteReadWriter{Reader: os.Stdin, Writer: os.Stdout, KeepReaderAnnotations: true}); err != nil {
		os.Stderr.WriteString("nopkyaml: " + err.Error() + "\n")
		os.Exit(1)
	}
}
