package sage500

import (
	"context"
	"fmt"
	"log/slog"
	"sync"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/pipewright/pipewright/engine/component"
)

// querySource polls a named query and publishes its rows (or documents of
// grouped rows) as messages. Each poll reads again what is within the
// lookback behind the cursor and publishes only the keys and versions its
// window has not seen; the window and then the cursor move only after
// Publish returned.
type querySource struct {
	cfg      *QuerySourceConfig
	conn     *Connection
	q        *namedSQL
	set      component.SourceSettings
	log      *slog.Logger
	start    any // nil: the current change version
	lookback lookback
	mu       sync.Mutex // one poll at a time
	cur      cursor
	win      *window
	stop     context.CancelFunc
	done     chan struct{}
	polls    prometheus.Counter
	rows     prometheus.Counter
	msgs     prometheus.Counter
	errors   prometheus.Counter
}

// NewQueryFactory returns the factory of sage500.query sources.
func NewQueryFactory() component.SourceFactory {
	return sourceFactory{factory{TypeQuery, component.KindSource, "query", func() any { return NewQuerySourceConfig() }}}
}

func newQuerySource(set component.SourceSettings, conn *Connection, cfg *QuerySourceConfig) (*querySource, error) {
	start, err := cfg.startWatermark(conn.loc)
	if err != nil {
		return nil, err
	}
	lb, err := cfg.lookbackFor(start)
	if err != nil {
		return nil, err
	}
	vec, err := counterVec(set.Metrics, "query_total", "Query source activity by query and what was counted: polls, rows read, messages published, failed polls.", "query", "count")
	if err != nil {
		return nil, err
	}
	return &querySource{cfg: cfg, conn: conn, q: conn.queries[cfg.Query], set: set, log: set.Logger, start: start, lookback: lb,
		polls: vec.WithLabelValues(cfg.Query, "polls"), rows: vec.WithLabelValues(cfg.Query, "rows"),
		msgs: vec.WithLabelValues(cfg.Query, "messages"), errors: vec.WithLabelValues(cfg.Query, "errors")}, nil
}

// Start polls at once and then every interval of the engine's clock until
// Shutdown. A failed poll is logged and retried at the next interval.
func (s *querySource) Start(context.Context) error {
	ctx, cancel := context.WithCancel(context.Background())
	s.stop, s.done = cancel, make(chan struct{})
	go s.run(ctx)
	return nil
}

func (s *querySource) run(ctx context.Context) {
	defer close(s.done)
	for {
		more, err := s.poll(ctx)
		if err != nil && ctx.Err() == nil {
			s.errors.Inc()
			s.log.Warn("sage500 query poll failed", "query", s.cfg.Query, "error", err)
		}
		if more && err == nil {
			continue
		}
		select {
		case <-ctx.Done():
			return
		case <-s.set.Clock.After(s.cfg.Every.D()):
		}
	}
}

// Shutdown stops polling and waits for a poll under way.
func (s *querySource) Shutdown(context.Context) error {
	if s.stop != nil {
		s.stop()
		<-s.done
	}
	return nil
}

// poll reads what is new since the cursor (and what the lookback reads
// again), publishes what was not published and moves the cursor. It
// reports whether it stopped at max_rows with rows left.
func (s *querySource) poll(ctx context.Context) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.polls.Inc()
	if s.win == nil {
		w, err := loadWindow(ctx, s.set.State, s.conn.loc)
		if err != nil {
			return false, err
		}
		s.win = w
	}
	if s.cfg.ChangeTracking != "" {
		return s.pollChanges(ctx)
	}
	if s.cur.Watermark == nil {
		if err := s.restoreCursor(ctx, s.start); err != nil {
			return false, err
		}
	}
	r, err := s.read(ctx, s.conn.db, s.from())
	if err != nil || r.last == nil {
		return false, err
	}
	return r.truncated, s.commit(ctx, r.docs, laterWatermark(s.cur.Watermark, r.last))
}

// restoreCursor reads the stored cursor, or starts at initial. The configured
// start is a floor: a stored cursor behind it (start was raised) moves up
// to it. The IDs a cursor of an earlier version lists as seen join the
// window.
func (s *querySource) restoreCursor(ctx context.Context, initial any) error {
	c, seen, found, err := loadCursor(ctx, s.set.State, s.conn.loc)
	if err != nil {
		return err
	}
	if !found {
		s.cur = cursor{Watermark: initial}
		return nil
	}
	for _, id := range seen {
		if !s.win.has(id) {
			if err := s.win.add(ctx, id, c.Watermark); err != nil {
				return err
			}
		}
	}
	if s.start != nil {
		behind, err := compareWatermarks(c.Watermark, s.start)
		if err != nil {
			return fmt.Errorf("the stored cursor does not fit this source: %w", err)
		}
		if behind < 0 {
			c.Watermark = s.start
		}
	}
	s.cur = c
	return nil
}

// from is where a poll reads from: the lookback behind the cursor, but
// never before start.
func (s *querySource) from() any {
	from := s.lookback.behind(s.cur.Watermark)
	if c, err := compareWatermarks(from, s.start); err == nil && c < 0 {
		return s.start
	}
	return from
}

// commit publishes the documents the window has not seen, remembers those
// the next poll reads again, stores the cursor next and forgets what falls
// out of the window.
func (s *querySource) commit(ctx context.Context, docs []*doc, next any) error {
	floor := s.lookback.behind(next)
	var msgs []*component.Message
	var keep []*doc
	ids := map[string]bool{}
	for _, d := range docs {
		m := s.message(d)
		if s.win.has(m.ID) || ids[m.ID] {
			continue
		}
		ids[m.ID] = true
		msgs = append(msgs, m)
		if c, err := compareWatermarks(d.watermark, floor); err == nil && c >= 0 {
			d.id = m.ID
			keep = append(keep, d)
		}
	}
	if len(msgs) > 0 {
		if err := s.set.Publisher.Publish(ctx, msgs...); err != nil {
			return fmt.Errorf("publishing: %w", err)
		}
		s.msgs.Add(float64(len(msgs)))
	}
	for _, d := range keep {
		if err := s.win.add(ctx, d.id, d.watermark); err != nil {
			return err
		}
	}
	if err := saveCursor(ctx, s.set.State, cursor{Watermark: next}); err != nil {
		return err
	}
	s.cur = cursor{Watermark: next}
	return s.win.prune(ctx, floor)
}
