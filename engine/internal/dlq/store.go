package dlq

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// ErrNotFound is returned for a sequence that holds no record.
var ErrNotFound = errors.New("no such dead letter")

// Subjects names the dead-letter subjects.
type Subjects interface {
	DLQSubject(pipeline string) string
	DLQSubjects() string
}

// Store reads and writes the dead-letter stream.
type Store struct {
	js       jetstream.JetStream
	stream   jetstream.Stream
	subjects Subjects
}

// NewStore returns a store over the dead-letter stream.
func NewStore(js jetstream.JetStream, stream jetstream.Stream, subjects Subjects) *Store {
	return &Store{js: js, stream: stream, subjects: subjects}
}

// Add stores a record durably. The record's message id and step make the
// publish idempotent inside the stream's duplicate window, so a crash
// between dead-lettering and acknowledging does not store it twice.
func (s *Store) Add(ctx context.Context, r *Record) (uint64, error) {
	data, err := json.Marshal(r)
	if err != nil {
		return 0, fmt.Errorf("encoding dead letter: %w", err)
	}
	msg := nats.NewMsg(s.subjects.DLQSubject(r.Pipeline))
	msg.Data = data
	msg.Header.Set(jetstream.MsgIDHeader, r.ID+"@"+r.Step+"#"+strconv.FormatInt(int64(r.Attempts), 10))
	ack, err := s.js.PublishMsg(ctx, msg)
	if err != nil {
		return 0, fmt.Errorf("storing dead letter: %w", err)
	}
	return ack.Sequence, nil
}

// Get returns the record at seq.
func (s *Store) Get(ctx context.Context, seq uint64) (*Record, error) {
	raw, err := s.stream.GetMsg(ctx, seq)
	if errors.Is(err, jetstream.ErrMsgNotFound) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	return decode(raw.Sequence, raw.Data)
}

func decode(seq uint64, data []byte) (*Record, error) {
	var r Record
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, fmt.Errorf("dead letter %d: %w", seq, err)
	}
	r.Seq = seq
	return &r, nil
}

// Delete removes the record at seq.
func (s *Store) Delete(ctx context.Context, seq uint64) error {
	err := s.stream.DeleteMsg(ctx, seq)
	if errors.Is(err, jetstream.ErrMsgNotFound) {
		return ErrNotFound
	}
	return err
}

// List returns the records that match f, oldest first.
func (s *Store) List(ctx context.Context, f Filter) ([]*Record, error) {
	subject := s.subjects.DLQSubjects()
	if f.Pipeline != "" {
		subject = s.subjects.DLQSubject(f.Pipeline)
	}
	info, err := s.stream.Info(ctx, jetstream.WithSubjectFilter(subject))
	if err != nil {
		return nil, err
	}
	// State.Msgs counts the whole stream; the filter only fills Subjects.
	var remaining uint64
	for _, n := range info.State.Subjects {
		remaining += n
	}
	if remaining == 0 {
		return nil, nil
	}
	cons, err := s.stream.OrderedConsumer(ctx, jetstream.OrderedConsumerConfig{FilterSubjects: []string{subject}})
	if err != nil {
		return nil, err
	}
	var out []*Record
	for remaining > 0 {
		batch, err := cons.Fetch(int(min(remaining, 500)), jetstream.FetchMaxWait(2*time.Second))
		if err != nil {
			return nil, err
		}
		n := 0
		for m := range batch.Messages() {
			n++
			meta, err := m.Metadata()
			if err != nil {
				return nil, err
			}
			r, err := decode(meta.Sequence.Stream, m.Data())
			if err != nil {
				return nil, err
			}
			if f.Match(r) {
				out = append(out, r)
				if f.Limit > 0 && len(out) >= f.Limit {
					return out, nil
				}
			}
			if meta.NumPending == 0 {
				return out, nil
			}
		}
		if err := batch.Error(); err != nil && !errors.Is(err, nats.ErrTimeout) {
			return nil, err
		}
		if n == 0 {
			break
		}
		remaining -= uint64(n)
	}
	return out, nil
}

// Depth returns the number of records per pipeline.
func (s *Store) Depth(ctx context.Context) (map[string]uint64, error) {
	info, err := s.stream.Info(ctx, jetstream.WithSubjectFilter(s.subjects.DLQSubjects()))
	if err != nil {
		return nil, err
	}
	depth := map[string]uint64{}
	prefix := s.subjects.DLQSubject("")
	for subj, n := range info.State.Subjects {
		depth[subj[len(prefix):]] = n
	}
	return depth, nil
}
