//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package service

import (
	"os"
	"syscall"
)

// tryLock takes an exclusive advisory lock on f without waiting; the
// kernel releases it when the process ends, however it ends.
func tryLock(f *os.File) bool {
	return syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB) == nil
}

func unlock(f *os.File) { _ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN) }
