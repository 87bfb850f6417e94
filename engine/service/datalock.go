package service

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// DataLockFile is the lock file in a data directory. An engine running on
// embedded NATS holds it, and so does the CLI while it reads a stopped
// engine's data, so that two processes never open one NATS store.
const DataLockFile = "pipewright.lock"

// LockHolder is what the lock file says about the process holding it.
type LockHolder struct {
	PID int `json:"pid"`
	// Role is "engine" (pipewright run) or "dlq" (the CLI on a stopped
	// engine's data).
	Role string `json:"role"`
	// HTTP is the engine's HTTP address (its dead-letter API).
	HTTP  string    `json:"http,omitempty"`
	Since time.Time `json:"since"`
}

// DataDirBusyError is returned for a data directory another process holds.
type DataDirBusyError struct {
	Dir    string
	Holder LockHolder
}

func (e *DataDirBusyError) Error() string {
	h := e.Holder
	switch h.Role {
	case "engine":
		return fmt.Sprintf("an engine (pid %d, HTTP %s) is running on data directory %s", h.PID, h.HTTP, e.Dir)
	case "dlq":
		return fmt.Sprintf("pipewright dlq (pid %d) is using data directory %s", h.PID, e.Dir)
	}
	return fmt.Sprintf("another process holds data directory %s (%s)", e.Dir, DataLockFile)
}

// dataLock is a held lock file.
type dataLock struct {
	f      *os.File
	holder LockHolder
}

// lockDataDir takes the data directory's lock for holder, or returns a
// *DataDirBusyError naming who has it.
func lockDataDir(dir string, holder LockHolder) (*dataLock, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("data directory: %w", err)
	}
	f, err := os.OpenFile(filepath.Join(dir, DataLockFile), os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("data directory lock: %w", err)
	}
	if !tryLock(f) {
		busy := &DataDirBusyError{Dir: dir}
		_ = json.NewDecoder(f).Decode(&busy.Holder)
		f.Close()
		return nil, busy
	}
	l := &dataLock{f: f, holder: holder}
	l.write()
	return l, nil
}

// write records the holder in the file (best effort: the lock is what
// protects the directory; the text only helps to name the holder).
func (l *dataLock) write() {
	data, _ := json.Marshal(l.holder)
	if err := l.f.Truncate(0); err == nil {
		_, _ = l.f.WriteAt(append(data, '\n'), 0)
	}
}

// noteHTTP records the engine's HTTP address once it listens (nil-safe).
func (l *dataLock) noteHTTP(addr string) {
	if l == nil {
		return
	}
	l.holder.HTTP = addr
	l.write()
}

// DataDirHolder returns who holds a data directory, or nil when nobody
// does.
func DataDirHolder(dir string) *LockHolder {
	l, err := lockDataDir(dir, LockHolder{PID: os.Getpid(), Role: "probe", Since: time.Now().UTC()})
	if err == nil {
		l.release()
		return nil
	}
	if busy, ok := err.(*DataDirBusyError); ok {
		return &busy.Holder
	}
	return nil
}

func (l *dataLock) release() {
	if l == nil {
		return
	}
	unlock(l.f)
	l.f.Close()
}
