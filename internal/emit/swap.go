package emit

import (
	"fmt"
	"os"
	"path/filepath"
)

// lockFile is the lock file beside dir that two emits into dir contend
// for where flock(2) on a directory is not available.
func lockFile(dir string) string {
	return filepath.Join(filepath.Dir(dir), "."+filepath.Base(dir)+".regprofile-emit.lock")
}

func errBusy(dir string) error {
	return fmt.Errorf("%s: another regprofile emit is writing there; fix: wait for it to finish and run again", dir)
}

// swapByRenames moves to aside and from into its place: the old tree ends
// up at from.
func swapByRenames(from, to string) error {
	aside := from + ".old"
	if err := rename(to, aside); err != nil {
		return err
	}
	if err := rename(from, to); err != nil {
		if rerr := rename(aside, to); rerr != nil {
			return fmt.Errorf("%w; putting %s back also failed: %v (it is at %s)", err, to, rerr, aside)
		}
		return err
	}
	return rename(aside, from)
}

var _ = os.Rename
