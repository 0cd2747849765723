package emit

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"golang.org/x/sys/unix"
)

// exchangeDirs puts the tree at from in place of the one at to with one
// atomic renameat2(RENAME_EXCHANGE): at every instant, to is one of the
// two. The old tree ends up at from. File systems without it fall back to
// two renames.
func exchangeDirs(from, to string) error {
	err := unix.Renameat2(unix.AT_FDCWD, from, unix.AT_FDCWD, to, unix.RENAME_EXCHANGE)
	if errors.Is(err, unix.EINVAL) || errors.Is(err, unix.ENOSYS) {
		return swapByRenames(from, to)
	}
	if err != nil {
		return &os.LinkError{Op: "exchange", Old: from, New: to, Err: err}
	}
	return nil
}

// lock takes an exclusive lock on the target dir, whether or not it exists
// yet: it binds an abstract Unix socket whose name is derived from the
// parent directory's device and inode and dir's base name. A second emit
// into dir fails at once instead of mixing two trees, while emits into
// other directories (siblings included) go on in parallel. An abstract
// socket is no file: nothing is left beside dir, and the kernel releases
// it when the process dies. Its scope is the network namespace: emits into
// one directory from two containers with separate network namespaces do
// not see each other's lock.
func lock(dir string) (func(), error) {
	var st unix.Stat_t
	if err := unix.Stat(filepath.Dir(dir), &st); err != nil {
		return nil, &os.PathError{Op: "stat", Path: filepath.Dir(dir), Err: err}
	}
	// The base name can be up to 255 bytes; a socket name at most 107.
	sum := sha256.Sum256([]byte(filepath.Base(dir)))
	name := fmt.Sprintf("@regprofile-emit/%x/%x/%x", st.Dev, st.Ino, sum[:16])
	fd, err := unix.Socket(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return nil, os.NewSyscallError("socket", err)
	}
	if err := unix.Bind(fd, &unix.SockaddrUnix{Name: name}); err != nil {
		unix.Close(fd)
		if errors.Is(err, unix.EADDRINUSE) {
			return nil, errBusy(dir)
		}
		return nil, os.NewSyscallError("bind", err)
	}
	return func() { unix.Close(fd) }, nil
}
