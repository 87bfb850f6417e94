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
	return getRevision(ctx, s.kv, key, "state get "+k)
}

// PutRevision stores value under key if its revision is still revision (0:
// the key holds no value) and returns the new revision; otherwise it
// returns component.ErrConflict and stores nothing.
func (s *State) PutRevision(ctx context.Context, k string, value []byte, revision uint64) (uint64, error) {
	key, err := s.key(k)
	if err != nil {
		return 0, err
	}
	return putRevision(ctx, s.kv, key, value, revision, "state put "+k)
}

// getRevision reads key of kv with its revision; what names the read in
// errors.
func getRevision(ctx context.Context, kv jetstream.KeyValue, key, what string) ([]byte, uint64, error) {
	var e jetstream.KeyValueEntry
	err := kvRetry(ctx, func(ctx context.Context) (err error) {
		e, err = kv.Get(ctx, key)
		return err
	})
	if errors.Is(err, jetstream.ErrKeyNotFound) {
		return nil, 0, component.ErrNotFound
	}
	if err != nil {
		return nil, 0, component.Retryable(fmt.Errorf("%s: %w", what, err))
	}
	return e.Value(), e.Revision(), nil
}

// putRevision writes key of kv with compare-and-set on revision (0: a
// create); what names the write in errors.
func putRevision(ctx context.Context, kv jetstream.KeyValue, key string, value []byte, revision uint64, what string) (uint64, error) {
	var rev uint64
	err := kvRetry(ctx, func(ctx context.Context) (err error) {
		if revision == 0 {
			rev, err = kv.Create(ctx, key, value)
		} else {
			rev, err = kv.Update(ctx, key, value, revision)
		}
		return err
	})
	if isConflict(err) {
		return 0, component.ErrConflict
	}
	if err != nil {
		return 0, component.Retryable(fmt.Errorf("%s: %w", what, err))
	}
	return rev, nil
}
