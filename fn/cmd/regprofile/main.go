// Command regprofile renders OpenShift image registry configuration from a
// RegistryProfile: the KRM function (kustomize, kpt) with no arguments, and
// the commands "regprofile help" lists (internal/cli).
package main

import (
	"os"

	"regprofile.dev/regprofile/internal/cli"
)

func main() {
	os.Exit(cli.Main(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
