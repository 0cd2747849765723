package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/spf13/pflag"
)

func installFlags() (*pflag.FlagSet, *string) {
	flags := newFlags("install")
	kustomize := flags.String("kustomize", "", "the kustomize binary to install (default: kustomize beside regprofile, then on PATH)")
	return flags, kustomize
}

// installCmd puts this binary and a kustomize binary into DIR, for an Argo
// CD Config Management Plugin sidecar: an initContainer from the regprofile
// image runs it into an emptyDir that the sidecar puts first on its PATH.
// Both binaries are copied from the image (nothing is downloaded), so the
// sidecar runs exactly the kustomize this release was tested with.
func installCmd(args []string, stdout, stderr io.Writer) int {
	flags, kustomize := installFlags()
	err := flags.Parse(args)
	c, _ := findCommand("install")
	if help, _ := flags.GetBool("help"); help && err == nil {
		fmt.Fprint(stdout, commandUsage(c))
		return 0
	}
	if err == nil && flags.NArg() != 1 {
		err = errors.New("install takes exactly one directory")
	}
	if err != nil {
		fmt.Fprintf(stderr, "regprofile install: %v\n\n%s", err, commandUsage(c))
		return 2
	}
	dir := flags.Arg(0)
	version, err := install(dir, *kustomize)
	if err != nil {
		fmt.Fprintf(stderr, "regprofile install: error: %v\n", err)
		return 1
	}
	fmt.Fprintf(stdout, "installed regprofile and kustomize %s into %s\n", version, dir)
	return 0
}

// install copies this executable and kustomize into dir and returns the
// installed kustomize's version.
func install(dir, kustomize string) (string, error) {
	self, err := os.Executable()
	if err == nil {
		self, err = filepath.EvalSymlinks(self)
	}
	if err != nil {
		return "", fmt.Errorf("finding this executable: %v", err)
	}
	kust, err := findKustomize(kustomize, self)
	if err != nil {
		return "", err
	}
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		// The initContainer's volume is not mounted where it says.
		return "", fmt.Errorf("%s is not a directory; fix: mount the volume the sidecar reads its tools from there", dir)
	}
	// All or nothing: both binaries are copied to a temporary file in dir
	// and the kustomize copy is run before either is renamed into place,
	// so that a failure leaves dir as it was. (A kill between the renames
	// would leave a new binary beside an old one; each is whole, never
	// half-written.)
	regTmp, err := stageBinary(self, dir, "regprofile")
	if err != nil {
		return "", err
	}
	defer os.Remove(regTmp) // after a successful rename there is nothing left to remove
	kustTmp, err := stageBinary(kust, dir, "kustomize")
	if err != nil {
		return "", err
	}
	defer os.Remove(kustTmp)
	// Run the copy: a binary for another architecture or a broken copy
	// fails here, in the initContainer's log, instead of as an opaque exec
	// error on every Argo CD refresh.
	version, err := exec.Command(kustTmp, "version").Output()
	if err != nil {
		return "", fmt.Errorf("the kustomize to install (%s) does not run: %v; fix: install a kustomize built for this platform", kust, err)
	}
	if err := os.Rename(kustTmp, filepath.Join(dir, "kustomize")); err != nil {
		return "", err
	}
	if err := os.Rename(regTmp, filepath.Join(dir, "regprofile")); err != nil {
		return "", err
	}
	return strings.TrimSpace(string(version)), nil
}

// findKustomize returns the kustomize to install: the one given, else the
// one shipped beside regprofile in the image, else the first on PATH.
func findKustomize(given, self string) (string, error) {
	if given != "" {
		if _, err := os.Stat(given); err != nil {
			return "", fmt.Errorf("--kustomize: %v", err)
		}
		return given, nil
	}
	beside := filepath.Join(filepath.Dir(self), "kustomize")
	if _, err := os.Stat(beside); err == nil {
		return beside, nil
	}
	path, err := exec.LookPath("kustomize")
	if err != nil {
		return "", fmt.Errorf("no kustomize beside %s or on PATH; fix: pass --kustomize PATH", self)
	}
	return path, nil
}

// stageBinary copies an executable to a temporary file in dir, beside
// the name it will be renamed to, and returns the temporary file's path.
func stageBinary(from, dir, name string) (string, error) {
	src, err := os.Open(from)
	if err != nil {
		return "", err
	}
	defer src.Close()
	tmp, err := os.CreateTemp(dir, "."+name+".*")
	if err != nil {
		return "", err
	}
	if _, err := io.Copy(tmp, src); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return "", fmt.Errorf("copying %s: %v", from, err)
	}
	if err := tmp.Chmod(0o755); err == nil {
		err = tmp.Close()
	} else {
		tmp.Close()
	}
	if err != nil {
		os.Remove(tmp.Name())
		return "", err
	}
	return tmp.Name(), nil
}
