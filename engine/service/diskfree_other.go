//go:build !(linux || darwin || freebsd || windows)

package service

// freeSpace is not known on this system: only the write probe checks the
// data directory.
func freeSpace(string) (uint64, error) { return 0, errFreeSpaceUnknown }
