package transport

import (
	"context"
	"errors"
	"fmt"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/pipewright/pipewright/engine/component"
)

// GetRevision returns the value of key and its revision, or
// component.ErrNotFound (revision 0).
func (s *State) GetRevision(ctx context.Context, k string) ([]byte, uint64, error) {
	key, err := s.key(k)
	if err != nil {
		return nil, 0, err
	}
	e, err := s.kv.Get(ctx, key)
	if errors.Is(err, jetstream.ErrKeyNotFound) {
		return nil, 0, component.ErrNotFound
	}
	if err != nil {
		return nil, 0, component.Retryable(fmt.Errorf("state get %s: %w", k, err))
	}
	return e.Value(), e.Revision(), nil
}

// PutRevision stores value under key if its revision is still revision (0:
// the key holds no value) and returns the new revision; otherwise it
// returns component.ErrConflict and stores nothing.
func (s *State) PutRevision(ctx context.Context, k string, value []byte, revision uint64) (uint64, error) {
	key, err := s.key(k)
	if err != nil {
		return 0, err
	}
	var rev uint64
	if revision == 0 {
		rev, err = s.kv.Create(ctx, key, value)
	} else {
		rev, err = s.kv.Update(ctx, key, value, revision)
	}
	if isConflict(err) {
		return 0, component.ErrConflict
	}
	if err != nil {
		return 0, component.Retryable(fmt.Errorf("state put %s: %w", k, err))
	}
	return rev, nil
}
