package emit

import (
	"errors"
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

// lock takes an exclusive, non-blocking flock(2) on the directory that
// holds dir: a second emit into dir (or, rarely, into a sibling of it)
// fails at once instead of mixing two trees, and nothing is left beside
// dir. The kernel drops the lock when the process dies.
func lock(dir string) (func(), error) {
	f, err := os.OpenFile(filepath.Dir(dir), os.O_RDONLY|unix.O_DIRECTORY|unix.O_NOFOLLOW, 0)
	if err != nil {
		return nil, err
	}
	if err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, unix.EWOULDBLOCK) {
			return nil, errBusy(dir)
		}
		return nil, err
	}
	return func() { f.Close() }, nil
}
