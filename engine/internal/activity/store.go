package activity

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/pipewright/pipewright/engine/internal/transport"
)

// maxPerKey bounds the events kept per pipeline and key: a SKU that a flow
// touches every few minutes keeps its latest ones.
const maxPerKey = 500

// Store writes and reads the activity stream.
type Store struct {
	js     jetstream.JetStream
	stream jetstream.Stream
	root   string
	log    *slog.Logger
}

// Config names the stream and says how long events are kept.
type Config struct {
	Stream    string
	Root      string // subjects are Root.<pipeline>.<key token>
	Retention time.Duration
	Replicas  int
}

// Open creates or updates the activity stream. Its JetStream context
// publishes asynchronously; failed writes are logged and forgotten.
func Open(ctx context.Context, nc *nats.Conn, cfg Config, log *slog.Logger) (*Store, error) {
	// A lost acknowledgement (a node failing over) times out instead of
	// holding one of the 4096 places for good.
	js, err := jetstream.New(nc, jetstream.WithPublishAsyncMaxPending(4096), jetstream.WithPublishAsyncTimeout(transport.PublishAckWait),
		jetstream.WithPublishAsyncErrHandler(func(_ jetstream.JetStream, m *nats.Msg, err error) {
			log.Warn("an activity event was not recorded", "subject", m.Subject, "error", err)
		}))
	if err != nil {
		return nil, fmt.Errorf("activity: %w", err)
	}
	st, err := transport.EnsureStream(ctx, js, jetstream.StreamConfig{
		Name:              cfg.Stream,
		Description:       "pipewright activity per business key",
		Subjects:          []string{cfg.Root + ".>"},
		Retention:         jetstream.LimitsPolicy,
		Storage:           jetstream.FileStorage,
		MaxAge:            cfg.Retention,
		MaxMsgsPerSubject: maxPerKey,
		Discard:           jetstream.DiscardOld,
		Duplicates:        2 * time.Minute,
		Replicas:          max(cfg.Replicas, 1),
	})
	if err != nil {
		return nil, err
	}
	return &Store{js: js, stream: st, root: cfg.Root, log: log}, nil
}

// Token is the subject token of a key: a hash, so that keys of any
// characters fit a subject and no key appears in one.
func Token(key string) string {
	if key == "" {
		return "_"
	}
	sum := sha256.Sum256([]byte(key))
	return hex.EncodeToString(sum[:8])
}

// Record files ev under each key (once, without a key, when there are
// none). It does not wait for the server.
func (s *Store) Record(ev Event, keys []Key) {
	if s == nil {
		return
	}
	if len(keys) == 0 {
		keys = []Key{{}}
	}
	for _, k := range keys {
		ev.KeyName, ev.Key = k.Name, k.Value
		data, err := json.Marshal(ev)
		if err != nil {
			s.log.Warn("an activity event cannot be encoded", "error", err)
			return
		}
		m := nats.NewMsg(fmt.Sprintf("%s.%s.%s", s.root, ev.Pipeline, Token(k.Value)))
		m.Data = data
		m.Header.Set(jetstream.MsgIDHeader, ev.ID+"/"+Token(k.Value))
		if _, err := s.js.PublishMsgAsync(m); err != nil {
			s.log.Warn("an activity event was not recorded", "pipeline", ev.Pipeline, "error", err)
		}
	}
}

// Flush waits until the events recorded so far are stored (tests, shutdown).
func (s *Store) Flush(ctx context.Context) error {
	if s == nil {
		return nil
	}
	select {
	case <-s.js.PublishAsyncComplete():
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// ForKey returns the events of every pipeline filed under key, oldest first.
func (s *Store) ForKey(ctx context.Context, key string) ([]Event, error) {
	var out []Event
	err := s.read(ctx, s.root+".*."+Token(key), 0, func(ev Event) {
		if ev.Key == key {
			out = append(out, ev)
		}
	})
	return out, err
}

// Recent returns a pipeline's latest n events, newest first, each once
// (not once per key).
func (s *Store) Recent(ctx context.Context, pipeline string, n int) ([]Event, error) {
	info, err := s.stream.Info(ctx)
	if err != nil {
		return nil, fmt.Errorf("activity: %w", err)
	}
	last := info.State.LastSeq
	var out []Event
	// Look back in growing windows until n events are found or the stream
	// starts: the pipeline's events are interleaved with the others'.
	for window := uint64(n * 8); ; window *= 8 {
		start := uint64(1)
		if last > window {
			start = last - window + 1
		}
		seen := map[string]bool{}
		out = out[:0]
		err := s.read(ctx, s.root+"."+pipeline+".*", start, func(ev Event) {
			if !seen[ev.ID] {
				seen[ev.ID] = true
				out = append(out, ev)
			}
		})
		if err != nil {
			return nil, err
		}
		if len(out) >= n || start <= info.State.FirstSeq || window > 1<<20 {
			break
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].At.After(out[j].At) })
	return out[:min(n, len(out))], nil
}

// read calls fn with each event on subject from stream sequence start (0:
// the first), in stream order.
func (s *Store) read(ctx context.Context, subject string, start uint64, fn func(Event)) error {
	cfg := jetstream.ConsumerConfig{FilterSubjects: []string{subject}}
	if start > 1 {
		cfg.DeliverPolicy, cfg.OptStartSeq = jetstream.DeliverByStartSequencePolicy, start
	}
	info, err := s.stream.Info(ctx, jetstream.WithSubjectFilter(subject))
	if err != nil {
		return fmt.Errorf("activity: %w", err)
	}
	if len(info.State.Subjects) == 0 || info.State.LastSeq < start {
		return nil
	}
	cons, done, err := transport.Reader(ctx, s.stream, cfg)
	if err != nil {
		return fmt.Errorf("activity: %w", err)
	}
	defer done()
	for {
		batch, err := cons.Fetch(500, jetstream.FetchMaxWait(2*time.Second))
		if err != nil {
			return fmt.Errorf("activity: %w", err)
		}
		n := 0
		for m := range batch.Messages() {
			n++
			var ev Event
			if json.Unmarshal(m.Data(), &ev) == nil {
				fn(ev)
			}
			if meta, err := m.Metadata(); err == nil && meta.NumPending == 0 {
				return nil
			}
		}
		if err := batch.Error(); err != nil && !errors.Is(err, nats.ErrTimeout) {
			return fmt.Errorf("activity: %w", err)
		}
		if n == 0 {
			return nil
		}
	}
}
