package componenttest

import (
	"context"
	"sync"

	"github.com/pipewright/pipewright/engine/component"
)

// MemShared is an in-memory component.SharedState: hand the same one to
// several components to stand for engines sharing a project's NATS.
type MemShared struct {
	mu   sync.Mutex
	data map[string]memEntry
	rev  uint64
}

type memEntry struct {
	value []byte
	rev   uint64
}

var _ component.SharedState = (*MemShared)(nil)

// NewMemShared returns an empty MemShared.
func NewMemShared() *MemShared { return &MemShared{data: map[string]memEntry{}} }

// Get returns the value of key and its revision, or component.ErrNotFound.
func (s *MemShared) Get(_ context.Context, key string) ([]byte, uint64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.data[key]
	if !ok {
		return nil, 0, component.ErrNotFound
	}
	return append([]byte(nil), e.value...), e.rev, nil
}

// Set stores value if key's revision is still revision (0: absent), else
// returns component.ErrConflict.
func (s *MemShared) Set(_ context.Context, key string, value []byte, revision uint64) (uint64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.data[key].rev != revision {
		return 0, component.ErrConflict
	}
	s.rev++
	s.data[key] = memEntry{value: append([]byte(nil), value...), rev: s.rev}
	return s.rev, nil
}
