//go:build !linux

package emit

import "os"

// exchangeDirs swaps the trees with two renames where renameat2 is not
// available: a kill between them leaves to missing and the old tree at
// from's staging directory.
func exchangeDirs(from, to string) error { return swapByRenames(from, to) }

// lock takes an exclusive lock by creating the lock file; a lock left by a
// killed emit must be removed by hand (the error says so).
func lock(dir string) (func(), error) {
	name := lockFile(dir)
	f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o644)
	if os.IsExist(err) {
		return nil, errBusy(dir)
	}
	if err != nil {
		return nil, err
	}
	f.Close()
	return func() { os.Remove(name) }, nil
}
