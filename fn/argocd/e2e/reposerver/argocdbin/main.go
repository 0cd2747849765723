//go:build argocdprocesses

// Command argocdbin is Argo CD's repo-server and CMP server as one
// multi-call binary, built from the Argo CD module version this module's
// go.mod pins (github.com/argoproj/argo-cd/v2). Like Argo CD's own
// cmd/main.go it dispatches on the name it is run by: argocd-repo-server
// or argocd-cmp-server (a symlink or argv[0]). It links only those two
// commands, not the whole argocd binary.
//
// The build tag keeps it out of go build ./..., go vet ./... and make
// test: the repo-server tests (fn/argocd/e2e/reposerver, make e2e-repo-server) build
// it with -tags argocdprocesses into .cache/.
package main

import (
	"fmt"
	"os"
	"path/filepath"

	cmpserver "github.com/argoproj/argo-cd/v2/cmd/argocd-cmp-server/commands"
	reposerver "github.com/argoproj/argo-cd/v2/cmd/argocd-repo-server/commands"
)

func main() {
	// Both are *cobra.Command; the interface keeps cobra out of go.mod.
	var command interface{ Execute() error }
	switch name := filepath.Base(os.Args[0]); name {
	case "argocd-repo-server":
		command = reposerver.NewCommand()
	case "argocd-cmp-server":
		command = cmpserver.NewCommand()
	default:
		fmt.Fprintf(os.Stderr, "%s: run me as argocd-repo-server or argocd-cmp-server (a symlink of that name)\n", name)
		os.Exit(2)
	}
	if err := command.Execute(); err != nil {
		os.Exit(1)
	}
}
