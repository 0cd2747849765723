// Command regprofile-build is "regprofile build DIR": kustomize build
// --enable-alpha-plugins --enable-exec DIR, byte for byte, with the
// regprofile function run in this process when that gives the same
// result (fn/build). It is a binary of its own because it links
// kustomize's API, which the function's own binary must not load on
// every start.
package main

import (
	"os"

	"regprofile.dev/regprofile/fn/build"
)

func main() {
	os.Exit(build.Run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
