package service

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// DataDirHealth is the state of the data directory: JetStream's storage
// and the engine's state live there, so a full or unwritable directory
// stops everything.
type DataDirHealth struct {
	Path  string `json:"path"`
	Ready bool   `json:"ready"`
	// FreeBytes is the free space (absent when unknown on this system).
	FreeBytes    *uint64 `json:"free_bytes,omitempty"`
	MinFreeBytes uint64  `json:"min_free_bytes"`
	Writable     bool    `json:"writable"`
	// Error says why it is not ready.
	Error     string    `json:"error,omitempty"`
	CheckedAt time.Time `json:"checked_at"`
}

// errFreeSpaceUnknown is returned by freeSpace where the system cannot
// tell; the free-space check is then skipped.
var errFreeSpaceUnknown = errors.New("free space unknown on this system")

// dataDirCheck checks the data directory's free space and writes a probe
// file, at most once a second (readiness may be polled often).
type dataDirCheck struct {
	dir  string
	free func(string) (uint64, error)

	mu   sync.Mutex
	last DataDirHealth
}

func newDataDirCheck(dir string, free func(string) (uint64, error)) *dataDirCheck {
	if free == nil {
		free = freeSpace
	}
	return &dataDirCheck{dir: dir, free: free}
}

const probeFile = ".pipewright-write-probe"

func (c *dataDirCheck) check(minFree uint64) DataDirHealth {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := time.Now()
	if now.Sub(c.last.CheckedAt) < time.Second && c.last.MinFreeBytes == minFree {
		return c.last
	}
	h := DataDirHealth{Path: c.dir, Ready: true, MinFreeBytes: minFree, CheckedAt: now}
	var problems []error
	if free, err := c.free(c.dir); err == nil {
		h.FreeBytes = &free
		if minFree > 0 && free < minFree {
			problems = append(problems, fmt.Errorf("%s free, below the %s required (server.health.min_free_mib)", mib(free), mib(minFree)))
		}
	} else if !errors.Is(err, errFreeSpaceUnknown) {
		problems = append(problems, fmt.Errorf("free space: %w", err))
	}
	if err := writeProbe(filepath.Join(c.dir, probeFile)); err != nil {
		problems = append(problems, fmt.Errorf("not writable: %w", err))
	} else {
		h.Writable = true
	}
	if err := errors.Join(problems...); err != nil {
		h.Ready, h.Error = false, fmt.Sprintf("data directory %s: %v", c.dir, err)
	}
	c.last = h
	return h
}

// writeProbe writes, syncs and removes a small file.
func writeProbe(path string) error {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	_, werr := f.Write([]byte("pipewright readiness probe\n"))
	serr := f.Sync()
	cerr := f.Close()
	rerr := os.Remove(path)
	return errors.Join(werr, serr, cerr, rerr)
}

func mib(b uint64) string { return fmt.Sprintf("%d MiB", b>>20) }

// dataDirHealth checks the data directory against server.health.min_free_mib.
func (e *Engine) dataDirHealth() DataDirHealth {
	minMiB := int64(DefaultMinFreeMiB)
	if m := e.project().Server.Health.MinFreeMiB; m != nil {
		minMiB = *m
	}
	return e.dataCk.check(uint64(minMiB) << 20)
}
