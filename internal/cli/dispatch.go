package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
)

// Subcommands that need heavy libraries (the Argo CD API types, a YAML
// differ) live in their own binaries, regprofile-<name>, built from
// fn/cmd/regprofile-<name>. Go runs every linked package's init at start-up,
// and this binary starts on every Argo CD refresh of every cluster, so it
// links only what rendering needs and hands the rest over, as git and
// kubectl do with their plugins.
//
// "build" is the exception: it runs in this process. Its kustomize API
// packages add about 0.3 ms of inits (GODEBUG=inittrace=1), within the
// noise of a KRM call, while handing it to a binary of its own cost a
// whole second process start on every Argo CD refresh (docs/benchmarks.md).

// helperBinary finds regprofile-<name> beside this executable, then on PATH.
func helperBinary(name string) (string, error) {
	bin := "regprofile-" + name
	if self, err := os.Executable(); err == nil {
		candidate := filepath.Join(filepath.Dir(self), bin)
		if _, err := os.Stat(candidate); err == nil {
			return candidate, nil
		}
	}
	return exec.LookPath(bin)
}

// dispatch runs regprofile-<name> with the remaining arguments and returns
// its exit status; found is false when no such binary exists.
func dispatch(name string, args []string, stdin io.Reader, stdout, stderr io.Writer) (code int, found bool) {
	path, err := helperBinary(name)
	if err != nil {
		return 0, false
	}
	cmd := exec.Command(path, args...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = stdin, stdout, stderr
	if err := cmd.Run(); err != nil {
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			return exit.ExitCode(), true
		}
		fmt.Fprintf(stderr, "regprofile: running %s: %v\n", path, err)
		return 1, true
	}
	return 0, true
}
