package dlq

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/pipewright/pipewright/engine/internal/transport"
)

// List returns the records that match f, oldest first.
func (s *Store) List(ctx context.Context, f Filter) ([]*Record, error) {
	subject := s.root + ".rec.>"
	if f.Pipeline != "" {
		subject = s.root + ".rec." + f.Pipeline + ".>"
		if f.Key != "" {
			subject = fmt.Sprintf("%s.rec.%s.%s.*", s.root, f.Pipeline, KeyToken(f.Key))
		}
	}
	var out []*Record
	err := s.scan(ctx, subject, false, func(m jetstream.Msg, seq uint64) error {
		r, err := decode(seq, m.Data())
		if err != nil {
			return err
		}
		if f.Match(r) {
			out = append(out, r)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Seq < out[j].Seq })
	if f.Limit > 0 && len(out) > f.Limit {
		out = out[:f.Limit]
	}
	return out, nil
}

// Depth returns the number of open records per pipeline.
func (s *Store) Depth(ctx context.Context) (map[string]uint64, error) {
	depth := map[string]uint64{}
	err := s.scan(ctx, s.root+".rec.>", true, func(m jetstream.Msg, _ uint64) error {
		if m.Headers().Get(statusHeader) == StatusOpen {
			depth[s.pipelineOf(m.Subject())]++
		}
		return nil
	})
	return depth, err
}

// OpenForKey returns the open records of a pipeline with a business key.
// It costs one request when there are none.
func (s *Store) OpenForKey(ctx context.Context, pipeline, key string) ([]*Record, error) {
	info, err := s.stream.Info(ctx, jetstream.WithSubjectFilter(fmt.Sprintf("%s.rec.%s.%s.*", s.root, pipeline, KeyToken(key))))
	if err != nil {
		return nil, fmt.Errorf("dead letters of key %s: %w", key, err)
	}
	var out []*Record
	for subject := range info.State.Subjects {
		r, err := s.Get(ctx, seqOf(subject))
		if errors.Is(err, ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if r.Open() && r.Key == key {
			out = append(out, r)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Seq < out[j].Seq })
	return out, nil
}

// scan reads every message on subject (one per record: its latest
// version) and calls fn with it and its stream sequence.
func (s *Store) scan(ctx context.Context, subject string, headersOnly bool, fn func(jetstream.Msg, uint64) error) error {
	return scanStream(ctx, s.stream, subject, headersOnly, fn)
}

func scanStream(ctx context.Context, stream jetstream.Stream, subject string, headersOnly bool, fn func(jetstream.Msg, uint64) error) error {
	info, err := stream.Info(ctx, jetstream.WithSubjectFilter(subject))
	if err != nil {
		return fmt.Errorf("reading dead letters: %w", err)
	}
	// State.Msgs counts the whole stream; the filter only fills Subjects.
	var remaining uint64
	for _, n := range info.State.Subjects {
		remaining += n
	}
	if remaining == 0 {
		return nil
	}
	cons, done, err := transport.Reader(ctx, stream, jetstream.ConsumerConfig{FilterSubjects: []string{subject}, HeadersOnly: headersOnly})
	if err != nil {
		return fmt.Errorf("reading dead letters: %w", err)
	}
	defer done()
	for remaining > 0 {
		batch, err := cons.Fetch(int(min(remaining, 500)), jetstream.FetchMaxWait(2*time.Second))
		if err != nil {
			return fmt.Errorf("reading dead letters: %w", err)
		}
		n := 0
		for m := range batch.Messages() {
			n++
			meta, err := m.Metadata()
			if err != nil {
				return err
			}
			if err := fn(m, meta.Sequence.Stream); err != nil {
				return err
			}
			if meta.NumPending == 0 {
				return nil
			}
		}
		if err := batch.Error(); err != nil && !errors.Is(err, nats.ErrTimeout) {
			return fmt.Errorf("reading dead letters: %w", err)
		}
		if n == 0 {
			return nil
		}
		remaining -= uint64(n)
	}
	return nil
}

// KeyTokens returns, per pipeline, the key tokens that have records (open
// or resolved): a delivery whose key is not among them has nothing to
// resolve.
func (s *Store) KeyTokens(ctx context.Context) (map[string]map[string]bool, error) {
	info, err := s.stream.Info(ctx, jetstream.WithSubjectFilter(s.root+".rec.>"))
	if err != nil {
		return nil, fmt.Errorf("reading dead-letter keys: %w", err)
	}
	out := map[string]map[string]bool{}
	for subject := range info.State.Subjects {
		parts := strings.Split(strings.TrimPrefix(subject, s.root+".rec."), ".")
		if len(parts) != 3 {
			continue
		}
		if out[parts[0]] == nil {
			out[parts[0]] = map[string]bool{}
		}
		out[parts[0]][parts[1]] = true
	}
	return out, nil
}
