package sage500

import (
	"context"
	"fmt"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/pipewright/pipewright/engine/component"
)

// querySource polls a named query and publishes its rows (or documents of
// grouped rows) as messages. Each poll reads again what is within the
// lookback behind the cursor and publishes only the keys and versions its
// window has not seen; the engine moves the cursor, and the batch's Ack
// the window, only after the messages were published.
type querySource struct {
	component.Lifecycle
	cfg      *QuerySourceConfig
	conn     *Connection
	q        *namedSQL
	set      component.SourceSettings
	start    any // nil: the current change version
	lookback lookback
	cur      cursor // the cursor of the poll under way
	win      *window
	polls    prometheus.Counter
	rows     prometheus.Counter
	msgs     prometheus.Counter
	errors   prometheus.Counter
}

var _ component.Poller = (*querySource)(nil)

// NewQueryFactory returns the factory of sage500.query sources.
func NewQueryFactory() component.SourceFactory {
	return sourceFactory{factory{TypeQuery, component.KindSource, func() any { return NewQuerySourceConfig() }}}
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
	return &querySource{cfg: cfg, conn: conn, q: conn.queries[cfg.Query], set: set, start: start, lookback: lb,
		polls: vec.WithLabelValues(cfg.Query, "polls"), rows: vec.WithLabelValues(cfg.Query, "rows"),
		msgs: vec.WithLabelValues(cfg.Query, "messages"), errors: vec.WithLabelValues(cfg.Query, "errors")}, nil
}

// Polls is one loop every interval; a poll that stopped at max_rows with
// rows left asks for the next at once.
func (s *querySource) Polls() []component.Poll {
	return []component.Poll{{CursorKey: cursorKey, Every: s.cfg.Every.D(), Read: s.poll}}
}

// poll reads what is new since the cursor (and what the lookback reads
// again) and returns what was not published, with the next cursor.
func (s *querySource) poll(ctx context.Context, stored []byte) (b component.Batch, err error) {
	s.polls.Inc()
	defer func() {
		if err != nil && ctx.Err() == nil {
			s.errors.Inc()
		}
	}()
	if s.win == nil {
		w, err := loadWindow(ctx, s.set.State, s.conn.loc)
		if err != nil {
			return component.Batch{}, err
		}
		s.win = w
	}
	if s.cfg.ChangeTracking != "" {
		return s.pollChanges(ctx, stored)
	}
	if err := s.restoreCursor(ctx, stored, s.start); err != nil {
		return component.Batch{}, err
	}
	r, err := s.read(ctx, s.conn.db, s.from())
	if err != nil || r.last == nil {
		return component.Batch{}, err
	}
	return s.batch(r.docs, laterWatermark(s.cur.Watermark, r.last), r.truncated)
}

// restoreCursor reads the stored cursor, or starts at initial. The configured start is a
// floor: a stored cursor behind it (start was raised) moves up to it. The
// IDs a cursor of an earlier version lists as seen join the window.
func (s *querySource) restoreCursor(ctx context.Context, stored []byte, initial any) error {
	if stored == nil {
		s.cur = cursor{Watermark: initial}
		return nil
	}
	c, seen, err := decodeCursor(stored, s.conn.loc)
	if err != nil {
		return component.Permanentf("reading the cursor: %w", err)
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

// batch holds the documents the window has not seen, with next as cursor;
// its Ack remembers those the next poll reads again and forgets what falls
// out of the window. (Should storing the cursor fail after that, the next
// poll reads from the old cursor and may publish a forgotten row again,
// under the same message ID.)
func (s *querySource) batch(docs []*doc, next any, more bool) (component.Batch, error) {
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
	cur, err := cursor{Watermark: next}.encode()
	if err != nil {
		return component.Batch{}, err
	}
	return component.Batch{Messages: msgs, Cursor: cur, More: more, Ack: func(ctx context.Context) error {
		s.msgs.Add(float64(len(msgs)))
		for _, d := range keep {
			if err := s.win.add(ctx, d.id, d.watermark); err != nil {
				return err
			}
		}
		return s.win.prune(ctx, floor)
	}}, nil
}
