package componenttest

import (
	"context"
	"strings"
	"sync"

	"github.com/pipewright/pipewright/engine/component"
)

// MemState is an in-memory component.State.
type MemState struct {
	mu   sync.Mutex
	data map[string][]byte
}

var _ component.State = (*MemState)(nil)

// NewMemState returns an empty MemState.
func NewMemState() *MemState { return &MemState{data: map[string][]byte{}} }

// Get returns the value of key or component.ErrNotFound.
func (s *MemState) Get(_ context.Context, key string) ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v, ok := s.data[key]
	if !ok {
		return nil, component.ErrNotFound
	}
	return append([]byte(nil), v...), nil
}

// Put stores value under key.
func (s *MemState) Put(_ context.Context, key string, value []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.data[key] = append([]byte(nil), value...)
	return nil
}

// Delete removes key.
func (s *MemState) Delete(_ context.Context, key string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.data, key)
	return nil
}

// Keys lists the keys with the prefix.
func (s *MemState) Keys(_ context.Context, prefix string) ([]string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var keys []string
	for k := range s.data {
		if strings.HasPrefix(k, prefix) {
			keys = append(keys, k)
		}
	}
	return keys, nil
}
