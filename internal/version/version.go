// Package version says which regprofile this is and which kustomize it is
// built and tested with. The kustomize pin lives in the file KUSTOMIZE
// beside this one, the single source of truth: the Makefile installs that
// version (make tools) and regprofile --version names it.
package version

import (
	_ "embed"
	"runtime/debug"
	"strings"
)

//go:embed KUSTOMIZE
var kustomize string

// Kustomize is the kustomize release regprofile is tested with, such as
// "v5.8.1".
func Kustomize() string { return strings.TrimSpace(kustomize) }

// Regprofile is this binary's version: the module version go install
// records, else the commit go build stamps from git (with "-dirty" when
// the work tree had changes), else "(devel)".
func Regprofile() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "(devel)"
	}
	if v := info.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	var rev, dirty string
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				dirty = "-dirty"
			}
		}
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	if rev == "" {
		return "(devel)"
	}
	return "(devel) " + rev + dirty
}
