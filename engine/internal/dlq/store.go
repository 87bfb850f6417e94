package dlq

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// Errors callers branch on.
var (
	// ErrNotFound is returned for an id that holds no record (never stored,
	// dropped, or removed after its retention).
	ErrNotFound = errors.New("no such dead letter (never stored, dropped, or removed after its retention)")
	// ErrConflict is returned when a record kept changing under an update.
	ErrConflict = errors.New("the dead letter kept changing; try again")
)

// statusHeader carries a record's status, so that counting open records
// reads headers only.
const statusHeader = "Pw-Status"

// Store reads and writes the dead-letter stream. It is safe for concurrent
// use, also by several engines sharing one NATS cluster: updates are
// compare-and-set on the record's subject.
type Store struct {
	js     jetstream.JetStream
	stream jetstream.Stream
	root   string
}

// NewStore returns a store over the dead-letter stream whose subjects are
// under root (root.>; see the package comment).
func NewStore(js jetstream.JetStream, stream jetstream.Stream, root string) *Store {
	return &Store{js: js, stream: stream, root: root}
}

// KeyToken is the subject token of a business key ("_" for none).
func KeyToken(key string) string {
	if key == "" {
		return "_"
	}
	sum := sha256.Sum256([]byte(key))
	return hex.EncodeToString(sum[:8])
}

func (s *Store) subject(r *Record) string {
	return fmt.Sprintf("%s.rec.%s.%s.%d", s.root, r.Pipeline, KeyToken(r.Key), r.Seq)
}

// markerSubject is where the marker of a message's failure at a step
// lives: an empty message whose sequence is the id of the record of that
// failure. It makes Add idempotent across restarts.
func (s *Store) markerSubject(r *Record) string {
	sum := sha256.Sum256([]byte(r.ID + "@" + r.Step))
	return s.root + ".id." + hex.EncodeToString(sum[:12])
}

// Add stores a new open record and returns its id. A message that fails at
// the same step again while its record is open (a redelivery after a crash
// between dead-lettering and acknowledging) gets that record's id, and
// nothing is stored twice.
func (s *Store) Add(ctx context.Context, r *Record) (uint64, error) {
	r.Status = StatusOpen
	if r.Reason == "" {
		r.Reason = Reason(r.Error)
	}
	r.Group = GroupID(r.Pipeline, r.Reason)
	marker := s.markerSubject(r)
	for range 20 {
		var last uint64
		m, err := s.stream.GetLastMsgForSubject(ctx, marker)
		switch {
		case err == nil:
			prev, err := s.Get(ctx, m.Sequence)
			if errors.Is(err, ErrNotFound) {
				// The marker was stored and the record not: store it now.
				r.Seq = m.Sequence
				return r.Seq, s.putNew(ctx, r)
			}
			if err != nil {
				return 0, err
			}
			if prev.Open() {
				return prev.Seq, nil
			}
			last = m.Sequence // resolved: this failure is a new one
		case !errors.Is(err, jetstream.ErrMsgNotFound):
			return 0, fmt.Errorf("storing dead letter: %w", err)
		}
		ack, err := s.js.PublishMsg(ctx, nats.NewMsg(marker), jetstream.WithExpectLastSequencePerSubject(last))
		if isWrongLast(err) {
			continue
		}
		if err != nil {
			return 0, fmt.Errorf("storing dead letter: %w", err)
		}
		r.Seq = ack.Sequence
		return r.Seq, s.putNew(ctx, r)
	}
	return 0, fmt.Errorf("storing dead letter: %w", ErrConflict)
}

// putNew stores a record that has no version yet (another writer having
// stored it first is fine).
func (s *Store) putNew(ctx context.Context, r *Record) error {
	if err := s.put(ctx, r, 0); err != nil && !errors.Is(err, ErrConflict) {
		return err
	}
	return nil
}

func isWrongLast(err error) bool {
	var apiErr *jetstream.APIError
	return errors.As(err, &apiErr) && (apiErr.ErrorCode == jetstream.JSErrCodeStreamWrongLastSequence ||
		apiErr.ErrorCode == jetstream.JSErrCodeStreamWrongLastSequenceConstant)
}

// put publishes r on its subject, expecting the subject's last sequence to
// be last (0: a new record). A mismatch is ErrConflict.
func (s *Store) put(ctx context.Context, r *Record, last uint64) error {
	data, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("encoding dead letter %d: %w", r.Seq, err)
	}
	msg := nats.NewMsg(s.subject(r))
	msg.Data = data
	msg.Header.Set(statusHeader, r.Status)
	ack, err := s.js.PublishMsg(ctx, msg, jetstream.WithExpectLastSequencePerSubject(last))
	if isWrongLast(err) {
		return ErrConflict
	}
	if err != nil {
		return fmt.Errorf("storing dead letter %d: %w", r.Seq, err)
	}
	r.rev = ack.Sequence
	return nil
}

// Get returns the record with id seq.
func (s *Store) Get(ctx context.Context, seq uint64) (*Record, error) {
	raw, err := s.stream.GetLastMsgForSubject(ctx, fmt.Sprintf("%s.rec.*.*.%d", s.root, seq))
	if errors.Is(err, jetstream.ErrMsgNotFound) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("reading dead letter %d: %w", seq, err)
	}
	return decode(raw.Sequence, raw.Data)
}

func decode(rev uint64, data []byte) (*Record, error) {
	var r Record
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, fmt.Errorf("dead letter at %d: %w", rev, err)
	}
	r.rev = rev
	return &r, nil
}

// Update applies change to the latest version of record seq and stores
// it; a concurrent update makes it start over with the newer version. An
// error from change is returned as it is, and nothing is stored.
func (s *Store) Update(ctx context.Context, seq uint64, change func(*Record) error) (*Record, error) {
	for range 20 {
		r, err := s.Get(ctx, seq)
		if err != nil {
			return nil, err
		}
		if err := change(r); err != nil {
			return nil, err
		}
		err = s.put(ctx, r, r.rev)
		if errors.Is(err, ErrConflict) {
			continue
		}
		return r, err
	}
	return nil, fmt.Errorf("dead letter %d: %w", seq, ErrConflict)
}

// Delete removes record seq, and its marker unless a newer failure of the
// same message took it over.
func (s *Store) Delete(ctx context.Context, seq uint64) error {
	r, err := s.Get(ctx, seq)
	if err != nil {
		return err
	}
	if err := s.stream.Purge(ctx, jetstream.WithPurgeSubject(s.subject(r))); err != nil {
		return fmt.Errorf("removing dead letter %d: %w", seq, err)
	}
	marker := s.markerSubject(r)
	if m, err := s.stream.GetLastMsgForSubject(ctx, marker); err == nil && m.Sequence == seq {
		if err := s.stream.Purge(ctx, jetstream.WithPurgeSubject(marker)); err != nil {
			return fmt.Errorf("removing dead letter %d: %w", seq, err)
		}
	}
	return nil
}

// pipelineOf returns the pipeline token of a record subject.
func (s *Store) pipelineOf(subject string) string {
	rest := strings.TrimPrefix(subject, s.root+".rec.")
	pipeline, _, _ := strings.Cut(rest, ".")
	return pipeline
}

// seqOf returns the id token of a record subject.
func seqOf(subject string) uint64 {
	seq, _ := strconv.ParseUint(subject[strings.LastIndexByte(subject, '.')+1:], 10, 64)
	return seq
}
