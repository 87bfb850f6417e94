package spapi

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/pipewright/pipewright/engine/component"
)

// secretRecord is what the engines of a project share about an
// application's client secret, in SharedState (JetStream KV in the
// engine): the secret in use once rotated, its history and the engine
// rotating it now. It holds the secret so that engines on other machines
// pick it up; the KV bucket lives in the engines' data directories, like
// the messages themselves.
type secretRecord struct {
	// Generation counts the secrets adopted; 0 is the configured one.
	Generation int `json:"generation"`
	// Secret is the current secret (empty at generation 0: the configured
	// one).
	Secret string `json:"secret,omitempty"`
	// FirstSeen is when an engine first ran with the configured secret:
	// its age counts from there, as its issue date is not known.
	FirstSeen time.Time `json:"first_seen"`
	// RotatedAt is when Secret was issued (Amazon's eventTime).
	RotatedAt time.Time `json:"rotated_at,omitzero"`
	// Expires is the current secret's expiry when Amazon announced it.
	Expires time.Time `json:"expires,omitzero"`
	// OldExpires is when the secret before Secret stops working.
	OldExpires time.Time `json:"old_expires,omitzero"`
	// AnnouncedAt is when Amazon last announced the secret's expiry.
	AnnouncedAt time.Time `json:"announced_at,omitzero"`
	// Claim is the engine rotating now, if any.
	Claim *rotationClaim `json:"claim,omitempty"`
	// LastError describes the last failed rotation (never a secret).
	LastError string `json:"last_error,omitempty"`
}

// rotationClaim marks the engine that rotates now. A claim older than the
// rotation's wait is stale (its engine stopped) and may be taken over.
type rotationClaim struct {
	Owner string    `json:"owner"`
	At    time.Time `json:"at"`
}

// issued is when the current secret started: RotatedAt, else FirstSeen.
func (r *secretRecord) issued() time.Time {
	if !r.RotatedAt.IsZero() {
		return r.RotatedAt
	}
	return r.FirstSeen
}

// announcedForCurrent reports whether Amazon announced the expiry of the
// secret in use: an announcement before the last rotation was answered by
// it (one for the configured secret always counts: its issue is unknown).
func (r *secretRecord) announcedForCurrent() bool {
	if r.AnnouncedAt.IsZero() {
		return false
	}
	return r.Generation == 0 || r.AnnouncedAt.After(r.RotatedAt)
}

// secretKey is the SharedState key of clientID's record: a hash, so the
// client id stays out of key listings.
func secretKey(clientID string) string {
	sum := sha256.Sum256([]byte(clientID))
	return "spapi.lwa-secret." + hex.EncodeToString(sum[:8])
}

// recordStore reads and updates a secret record with compare-and-set.
type recordStore struct {
	shared component.SharedState
	key    string
}

// load returns the record and its revision; a missing record is created
// with FirstSeen now.
func (s recordStore) load(ctx context.Context, now time.Time) (secretRecord, uint64, error) {
	for {
		data, rev, err := s.shared.Get(ctx, s.key)
		if errors.Is(err, component.ErrNotFound) {
			rec := secretRecord{FirstSeen: now}
			rev, err = s.put(ctx, rec, 0)
			if errors.Is(err, component.ErrConflict) {
				continue
			}
			return rec, rev, err
		}
		if err != nil {
			return secretRecord{}, 0, fmt.Errorf("reading the shared client-secret record: %w", err)
		}
		var rec secretRecord
		if err := json.Unmarshal(data, &rec); err != nil {
			return secretRecord{}, 0, fmt.Errorf("shared client-secret record %s: %w", s.key, err)
		}
		return rec, rev, nil
	}
}

// put stores rec if the revision is still rev (ErrConflict otherwise).
func (s recordStore) put(ctx context.Context, rec secretRecord, rev uint64) (uint64, error) {
	data, err := json.Marshal(rec)
	if err != nil {
		return 0, err
	}
	return s.shared.Set(ctx, s.key, data, rev)
}

// update applies change to the current record until it is stored without
// conflict. change returns false to store nothing.
func (s recordStore) update(ctx context.Context, now time.Time, change func(*secretRecord) bool) (secretRecord, error) {
	for {
		rec, rev, err := s.load(ctx, now)
		if err != nil {
			return rec, err
		}
		if !change(&rec) {
			return rec, nil
		}
		if _, err := s.put(ctx, rec, rev); errors.Is(err, component.ErrConflict) {
			continue
		} else if err != nil {
			return rec, fmt.Errorf("storing the shared client-secret record: %w", err)
		}
		return rec, nil
	}
}

// localShared is a process's own SharedState, for a connection without
// one (the rotate-secret command, a component test).
type localShared struct {
	mu   sync.Mutex
	data map[string][]byte
	rev  map[string]uint64
}

func newLocalShared() *localShared {
	return &localShared{data: map[string][]byte{}, rev: map[string]uint64{}}
}

func (l *localShared) Get(_ context.Context, key string) ([]byte, uint64, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	v, ok := l.data[key]
	if !ok {
		return nil, 0, component.ErrNotFound
	}
	return v, l.rev[key], nil
}

func (l *localShared) Set(_ context.Context, key string, value []byte, revision uint64) (uint64, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.rev[key] != revision {
		return 0, component.ErrConflict
	}
	l.rev[key]++
	l.data[key] = value
	return l.rev[key], nil
}
