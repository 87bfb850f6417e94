package simulator

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"time"
)

// loadWorld loads cfg.StateFile when it exists and reports whether it did.
func (s *Server) loadWorld() (bool, error) {
	raw, err := os.ReadFile(s.cfg.StateFile)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	zr, err := gzip.NewReader(bytes.NewReader(raw))
	if err != nil {
		return false, err
	}
	data, err := io.ReadAll(zr)
	if err != nil {
		return false, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return true, s.decodeWorld(data)
}

// SaveWorld writes the world to Config.StateFile (nothing without one): a
// temporary file, synced, then renamed over the previous one, so a crash
// leaves the last complete world.
func (s *Server) SaveWorld() error {
	if s.cfg.StateFile == "" {
		return nil
	}
	s.mu.Lock()
	data, err := s.encodeWorld()
	s.mu.Unlock()
	if err != nil {
		return fmt.Errorf("saving the simulated world: %w", err)
	}
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	_, _ = zw.Write(data) // to memory: cannot fail
	_ = zw.Close()
	if err := writeFileAtomic(s.cfg.StateFile, buf.Bytes()); err != nil {
		return fmt.Errorf("saving the simulated world: %w", err)
	}
	return nil
}

func writeFileAtomic(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	_, werr := tmp.Write(data)
	serr := tmp.Sync()
	cerr := tmp.Close()
	if err := errors.Join(werr, serr, cerr); err != nil {
		_ = os.Remove(tmp.Name())
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// saveEvery saves the world every cfg.SaveEvery until done is closed.
func (s *Server) saveEvery(done <-chan struct{}) {
	t := time.NewTicker(s.cfg.SaveEvery)
	defer t.Stop()
	for {
		select {
		case <-done:
			return
		case <-t.C:
			if err := s.SaveWorld(); err != nil {
				s.cfg.Logger.Warn("cannot save the simulated world; will try again", "file", s.cfg.StateFile, "error", err)
			}
		}
	}
}

func sortedKeys[T any](m map[string]T) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
