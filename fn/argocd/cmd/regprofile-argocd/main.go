// Command regprofile-argocd is "regprofile argocd": what Argo CD or OpenShift GitOps needs to sync the registry (fn/argocd).
package main

import (
	"os"

	"regprofile.dev/regprofile/fn/argocd"
)

func main() {
	os.Exit(argocd.Main(os.Args[1:], os.Stdout, os.Stderr))
}
