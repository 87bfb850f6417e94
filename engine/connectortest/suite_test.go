package connectortest_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/pipewright/pipewright/engine/component"
	"github.com/pipewright/pipewright/engine/componenttest"
	"github.com/pipewright/pipewright/engine/connectortest"
)

// feed is input that a poller reads by position: its cursor is how many
// items it has read.
type feed struct {
	mu    sync.Mutex
	items []string
}

func (f *feed) add(n int) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	for range n {
		f.items = append(f.items, fmt.Sprint("item-", len(f.items)))
	}
	return n
}

// poller reads up to two items of the feed per poll.
type poller struct {
	component.Lifecycle
	feed *feed
}

func (p *poller) Polls() []component.Poll {
	return []component.Poll{{Every: time.Minute, Read: func(_ context.Context, cursor []byte) (component.Batch, error) {
		from, _ := strconv.Atoi(string(cursor))
		p.feed.mu.Lock()
		defer p.feed.mu.Unlock()
		to := min(from+2, len(p.feed.items))
		var b component.Batch
		for _, id := range p.feed.items[from:to] {
			b.Messages = append(b.Messages, component.NewMessage(id, id))
		}
		b.Cursor, b.More = []byte(strconv.Itoa(to)), to < len(p.feed.items)
		return b, nil
	}}}
}

func TestSource_suite_passes_a_poller_on_the_engine_lifecycle(t *testing.T) {
	connectortest.TestSource(t, func(t *testing.T) connectortest.SourceSpec {
		f := &feed{}
		clock := componenttest.NewManualClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
		return connectortest.SourceSpec{
			New: func(_ testing.TB, set *component.SourceSettings) component.Source {
				set.Clock = clock
				return &poller{feed: f}
			},
			Input:    func(_ testing.TB, n int) int { return f.add(n) },
			Step:     func() { clock.Advance(time.Minute) },
			Features: connectortest.SourceFeatures{Backlog: true},
		}
	})
}

// pusher publishes each request's id header.
type pusher struct {
	component.Lifecycle
	pub component.Publisher
}

func (p *pusher) Routes() map[string]http.Handler {
	return map[string]http.Handler{"/in": http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		err := p.pub.Publish(r.Context(), component.NewMessage(r.Header.Get("Id"), nil))
		switch {
		case err == nil:
			w.WriteHeader(http.StatusAccepted)
		case component.IsPermanent(err):
			w.WriteHeader(http.StatusBadRequest)
		default:
			w.WriteHeader(http.StatusServiceUnavailable)
		}
	})}
}

func TestSource_suite_passes_a_pusher_on_the_engine_lifecycle(t *testing.T) {
	connectortest.TestSource(t, func(t *testing.T) connectortest.SourceSpec {
		return connectortest.SourceSpec{
			New: func(_ testing.TB, set *component.SourceSettings) component.Source { return &pusher{pub: set.Publisher} },
			Request: func(_ testing.TB, i int) *http.Request {
				req := httptest.NewRequest(http.MethodPost, "/in", nil)
				req.Header.Set("Id", fmt.Sprint("req-", i))
				return req
			},
		}
	})
}

// store is a target a sink writes keys to; it refuses writes while down.
type store struct {
	mu   sync.Mutex
	keys []string
	down bool
}

type sink struct {
	component.Lifecycle
	s *store
}

func (k *sink) Write(ctx context.Context, batch []*component.Message) error {
	k.s.mu.Lock()
	defer k.s.mu.Unlock()
	errs := map[int]error{}
	for i, m := range batch {
		switch {
		case ctx.Err() != nil:
			errs[i] = component.Retryable(ctx.Err())
		case k.s.down:
			errs[i] = component.Retryable(errors.New("the store is down"))
		case m.ID == "bad":
			errs[i] = component.Permanentf("bad data")
		case !slices.Contains(k.s.keys, m.ID):
			k.s.keys = append(k.s.keys, m.ID)
		}
	}
	if len(errs) > 0 {
		return &component.BatchError{Errors: errs}
	}
	return nil
}

func TestSink_suite_passes_an_idempotent_sink(t *testing.T) {
	connectortest.TestSink(t, func(t *testing.T) connectortest.SinkSpec {
		s := &store{}
		return connectortest.SinkSpec{
			New:     func(testing.TB, component.SinkSettings) component.Sink { return &sink{s: s} },
			Message: func(i int) *component.Message { return component.NewMessage(fmt.Sprint("m", i), nil) },
			Want:    func(i int) string { return fmt.Sprint("m", i) },
			Written: func(testing.TB) []string {
				s.mu.Lock()
				defer s.mu.Unlock()
				return slices.Clone(s.keys)
			},
			Bad: func() *component.Message { return component.NewMessage("bad", nil) },
			Break: func(t testing.TB) func() {
				s.mu.Lock()
				defer s.mu.Unlock()
				s.down = true
				return func() {
					s.mu.Lock()
					defer s.mu.Unlock()
					s.down = false
				}
			},
			Features: connectortest.SinkFeatures{Idempotent: true, IdempotentAcrossRestarts: true},
		}
	})
}

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }
