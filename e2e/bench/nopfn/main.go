// Command nopfn is the minimal Go KRM exec function that the start-up and
// kustomize benchmarks compare regprofile with: it copies the ResourceList
// on stdin to stdout unchanged (a valid function that changes nothing) and
// links only the standard library.
package main

import (
	"io"
	"os"
)

func main() {
	if _, err := io.Copy(os.Stdout, os.Stdin); err != nil {
		os.Stderr.WriteString("nopfn: " + err.Error() + "\n")
		os.Exit(1)
	}
}
