package transport

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/pipewright/pipewright/engine/component"
)

// State is a component's view of the state bucket: its keys live under a
// prefix derived from its ID, so components cannot collide.
type State struct {
	kv     jetstream.KeyValue
	prefix string
}

var _ component.State = (*State)(nil)

var validKey = regexp.MustCompile(`^[-/_=.a-zA-Z0-9]+$`)

// NewState scopes the bucket to the component with the given ID (for
// example "orders/source" or "connection/amazon").
func NewState(kv jetstream.KeyValue, id string) *State {
	return &State{kv: kv, prefix: strings.ReplaceAll(id, "/", ".") + "."}
}

func (s *State) key(k string) (string, error) {
	if err := checkKey(k); err != nil {
		return "", err
	}
	return s.prefix + k, nil
}

// checkKey returns an error for a key that is not a valid KV key.
func checkKey(k string) error {
	if !validKey.MatchString(k) || strings.HasPrefix(k, ".") || strings.HasSuffix(k, ".") || strings.Contains(k, "..") {
		return fmt.Errorf("state key %q: use letters, digits and -_=./ (no leading, trailing or double dots)", k)
	}
	return nil
}

// Get returns the value of key or component.ErrNotFound.
func (s *State) Get(ctx context.Context, k string) ([]byte, error) {
	key, err := s.key(k)
	if err != nil {
		return nil, err
	}
	var e jetstream.KeyValueEntry
	err = kvRetry(ctx, func(ctx context.Context) (err error) {
		e, err = s.kv.Get(ctx, key)
		return err
	})
	if errors.Is(err, jetstream.ErrKeyNotFound) {
		return nil, component.ErrNotFound
	}
	if err != nil {
		return nil, component.Retryable(fmt.Errorf("state get %s: %w", k, err))
	}
	return e.Value(), nil
}

// Put stores value under key durably.
func (s *State) Put(ctx context.Context, k string, value []byte) error {
	key, err := s.key(k)
	if err != nil {
		return err
	}
	err = kvRetry(ctx, func(ctx context.Context) error {
		_, err := s.kv.Put(ctx, key, value)
		return err
	})
	if err != nil {
		return component.Retryable(fmt.Errorf("state put %s: %w", k, err))
	}
	return nil
}

// Delete removes key.
func (s *State) Delete(ctx context.Context, k string) error {
	key, err := s.key(k)
	if err != nil {
		return err
	}
	err = kvRetry(ctx, func(ctx context.Context) error { return s.kv.Purge(ctx, key) })
	if err != nil && !errors.Is(err, jetstream.ErrKeyNotFound) {
		return component.Retryable(fmt.Errorf("state delete %s: %w", k, err))
	}
	return nil
}

// Keys lists the component's keys that start with prefix. A listing that
// does not finish within an attempt (a watcher stalled by a leader change)
// is abandoned and made again; only a complete listing is returned.
func (s *State) Keys(ctx context.Context, prefix string) ([]string, error) {
	var keys []string
	err := kvRetry(ctx, func(ctx context.Context) error {
		keys = nil
		lister, err := s.kv.ListKeysFiltered(ctx, s.prefix+">")
		if err != nil {
			return err
		}
		for k := range lister.Keys() {
			k = strings.TrimPrefix(k, s.prefix)
			if strings.HasPrefix(k, prefix) {
				keys = append(keys, k)
			}
		}
		// The lister ends its channel early when ctx ends: that list is
		// not the whole one.
		return ctx.Err()
	})
	if err != nil {
		return nil, component.Retryable(fmt.Errorf("state keys: %w", err))
	}
	return keys, nil
}

// Update stores what change makes of key's value (nil when there is none),
// atomically: a concurrent write makes it read again and start over.
func (s *State) Update(ctx context.Context, k string, change func(prev []byte) ([]byte, error)) error {
	key, err := s.key(k)
	if err != nil {
		return err
	}
	for range 20 {
		var prev []byte
		var rev uint64
		e, err := s.kv.Get(ctx, key)
		switch {
		case err == nil:
			prev, rev = e.Value(), e.Revision()
		case !errors.Is(err, jetstream.ErrKeyNotFound):
			return component.Retryable(fmt.Errorf("state get %s: %w", k, err))
		}
		next, err := change(prev)
		if err != nil {
			return err
		}
		if rev == 0 {
			_, err = s.kv.Create(ctx, key, next)
		} else {
			_, err = s.kv.Update(ctx, key, next, rev)
		}
		if err == nil {
			return nil
		}
		if !errors.Is(err, jetstream.ErrKeyExists) && !errors.Is(err, jetstream.ErrKeyRevisionMismatch) {
			return component.Retryable(fmt.Errorf("state update %s: %w", k, err))
		}
	}
	return component.Retryable(fmt.Errorf("state update %s: kept changing under the update", k))
}
