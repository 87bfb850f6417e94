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

// Add stores a new open record and returns its id. The failed message's id
// and step make it idempotent inside the stream's duplicate window: a crash
// between dead-lettering and acknowledging does not store it twice.
func (s *Store) Add(ctx context.Context, r *Record) (uint64, error) {
	r.Status = StatusOpen
	if r.Reason == "" {
		r.Reason = Reason(r.Error)
	}
	r.Group = GroupID(r.Pipeline, r.Reason)
	data, err := json.Marshal(r)
	if err != nil {
		return 0, fmt.Errorf("encoding dead letter: %w", err)
	}
	// The first publication allocates the id (its sequence) and
	// de-duplicates; the record then moves to a subject of its own.
	first := nats.NewMsg(s.root + ".new")
	first.Data = data
	first.Header.Set(jetstream.MsgIDHeader, r.ID+"@"+r.Step)
	ack, err := s.js.PublishMsg(ctx, first)
	if err != nil {
		return 0, fmt.Errorf("storing dead letter: %w", err)
	}
	r.Seq = ack.Sequence
	if err := s.put(ctx, r, 0); err != nil && !errors.Is(err, ErrConflict) {
		return 0, err
	}
	if !ack.Duplicate {
		// Best effort: the next record replaces it anyway (one per subject).
		_ = s.stream.DeleteMsg(ctx, ack.Sequence)
	}
	return r.Seq, nil
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
	var apiErr *jetstream.APIError
	if errors.As(err, &apiErr) && (apiErr.ErrorCode == jetstream.JSErrCodeStreamWrongLastSequence ||
		apiErr.ErrorCode == jetstream.JSErrCodeStreamWrongLastSequenceConstant) {
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

// Delete removes record seq.
func (s *Store) Delete(ctx context.Context, seq uint64) error {
	r, err := s.Get(ctx, seq)
	if err != nil {
		return err
	}
	if err := s.stream.Purge(ctx, jetstream.WithPurgeSubject(s.subject(r))); err != nil {
		return fmt.Errorf("removing dead letter %d: %w", seq, err)
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
