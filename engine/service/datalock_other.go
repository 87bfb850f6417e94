//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package service

import "os"

// tryLock does not lock on this system: the data directory is not
// protected against a second process.
func tryLock(*os.File) bool { return true }

func unlock(*os.File) {}
