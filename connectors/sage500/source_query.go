package sage500

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"strings"
	"sync"
	"time"

	"github.com/govalues/decimal"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/pipewright/pipewright/connectors/sage500/internal/dialect"
	"github.com/pipewright/pipewright/engine/component"
)

// querySource polls a named query and publishes its rows (or documents of
// grouped rows) as messages, moving a durable cursor only after Publish
// returned.
type querySource struct {
	cfg    *QuerySourceConfig
	conn   *Connection
	q      *namedSQL
	set    component.SourceSettings
	log    *slog.Logger
	start  any
	mu     sync.Mutex // one poll at a time
	cur    cursor
	loaded bool
	stop   context.CancelFunc
	done   chan struct{}
	rows   prometheus.Counter
	msgs   prometheus.Counter
	errors prometheus.Counter
}

// NewQueryFactory returns the factory of sage500.query sources.
func NewQueryFactory() component.SourceFactory {
	return sourceFactory{factory{TypeQuery, component.KindSource, "query", func() any { return NewQuerySourceConfig() }}}
}

func newQuerySource(set component.SourceSettings, conn *Connection, cfg *QuerySourceConfig) (*querySource, error) {
	start, err := parseWatermark(cfg.Start, conn.loc)
	if err != nil {
		return nil, err
	}
	vec, err := counterVec(set.Metrics, "query_total", "Query source activity by query and what was counted: rows read, messages published, failed polls.", "query", "count")
	if err != nil {
		return nil, err
	}
	return &querySource{cfg: cfg, conn: conn, q: conn.queries[cfg.Query], set: set, log: set.Logger, start: start,
		rows: vec.WithLabelValues(cfg.Query, "rows"), msgs: vec.WithLabelValues(cfg.Query, "messages"), errors: vec.WithLabelValues(cfg.Query, "errors")}, nil
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

// doc is one message being built: a row, or the rows of one key.
type doc struct {
	key       string
	watermark any
	rows      []map[string]any
}

// poll reads what is new since the cursor, publishes it and moves the
// cursor. It reports whether it stopped at max_rows with rows left.
func (s *querySource) poll(ctx context.Context) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.loaded {
		c, err := loadCursor(ctx, s.set.State, s.start, s.conn.loc)
		if err != nil {
			return false, err
		}
		s.cur, s.loaded = c, true
	}
	docs, last, truncated, err := s.read(ctx)
	if err != nil || last == nil {
		return false, err
	}
	var msgs []*component.Message
	next := cursor{Watermark: last, Seen: map[string]bool{}}
	if same, _ := compareWatermarks(last, s.cur.Watermark); same == 0 {
		next.Seen = maps.Clone(s.cur.Seen)
	}
	for _, d := range docs {
		m := s.message(d)
		if c, _ := compareWatermarks(d.watermark, last); c == 0 {
			next.Seen[m.ID] = true
		}
		if c, _ := compareWatermarks(d.watermark, s.cur.Watermark); c == 0 && s.cur.Seen[m.ID] {
			continue
		}
		msgs = append(msgs, m)
	}
	if len(msgs) > 0 {
		if err := s.set.Publisher.Publish(ctx, msgs...); err != nil {
			return false, fmt.Errorf("publishing: %w", err)
		}
		s.msgs.Add(float64(len(msgs)))
	}
	b, err := next.encode()
	if err == nil {
		err = s.set.State.Put(ctx, cursorKey, b)
	}
	if err != nil {
		return false, fmt.Errorf("saving the cursor: %w", err)
	}
	s.cur = next
	return truncated, nil
}

var errEnough = errors.New("max_rows reached")

// read runs the query from the cursor and groups the rows into documents,
// in watermark order. It stops after max_rows once the watermark changes.
func (s *querySource) read(ctx context.Context) ([]*doc, any, bool, error) {
	ctx, cancel := context.WithTimeout(ctx, s.conn.cfg.Timeout.D())
	defer cancel()
	values := s.conn.withBuiltins(s.cfg.Params)
	values[paramWatermark] = s.cur.Watermark
	args, err := s.q.args(s.conn.dialect, values)
	if err != nil {
		return nil, nil, false, err
	}
	rows, err := s.conn.db.QueryContext(ctx, s.q.sql, args...)
	if err != nil {
		return nil, nil, false, s.conn.dialect.Classify(err)
	}
	var docs []*doc
	byKey := map[string]*doc{}
	var last any
	n, read, truncated := 0, 0, false
	err = dialect.EachRow(s.conn.dialect, rows, s.q.types, func(row map[string]any) error {
		w, ok := row[s.cfg.Watermark]
		if !ok {
			return fmt.Errorf("the result of query %s has no watermark column %s", s.cfg.Query, s.cfg.Watermark)
		}
		if w == nil {
			return s.deadLetter(ctx, row, errors.New("the row's watermark is null; it can never be followed"))
		}
		if last != nil {
			c, err := compareWatermarks(w, last)
			switch {
			case err != nil:
				return err
			case c < 0:
				return fmt.Errorf("query %s must ORDER BY %s: %v came after %v", s.cfg.Query, s.cfg.Watermark, w, last)
			case c > 0 && n >= s.cfg.MaxRows:
				truncated = true
				return errEnough
			}
		}
		atCursor, err := compareWatermarks(w, s.cur.Watermark)
		if err != nil {
			return err
		}
		if atCursor != 0 {
			n++ // rows at the cursor were mostly published already: they do not count
		}
		last = w
		read++
		key, err := s.keyOf(row)
		if err != nil {
			return err
		}
		d := byKey[key]
		if d == nil || s.cfg.Group == nil {
			d = &doc{key: key}
			byKey[key] = d
			docs = append(docs, d)
		}
		d.rows, d.watermark = append(d.rows, row), w
		return nil
	})
	s.rows.Add(float64(read))
	if err != nil && !errors.Is(err, errEnough) {
		return nil, nil, false, err
	}
	return docs, last, truncated, nil
}

func (s *querySource) keyOf(row map[string]any) (string, error) {
	parts := make([]string, len(s.cfg.Key))
	for i, k := range s.cfg.Key {
		v, ok := row[k]
		if !ok {
			return "", fmt.Errorf("the result of query %s has no key column %s", s.cfg.Query, k)
		}
		parts[i] = formatValue(v)
	}
	return strings.Join(parts, "|"), nil
}

// message builds a document's message; its ID is the query, key and
// watermark, so a row read twice is published once.
func (s *querySource) message(d *doc) *component.Message {
	body := d.rows[0]
	if g := s.cfg.Group; g != nil {
		body = map[string]any{}
		top := map[string]bool{}
		for _, c := range append(append([]string(nil), s.cfg.Key...), g.Header...) {
			body[c], top[c] = d.rows[0][c], true
		}
		lines := make([]any, len(d.rows))
		for i, r := range d.rows {
			line := map[string]any{}
			for c, v := range r {
				if !top[c] {
					line[c] = v
				}
			}
			lines[i] = line
		}
		body[g.Lines] = lines
	}
	m := component.NewMessage(fmt.Sprintf("sage500.query:%s:%s@%s", s.cfg.Query, d.key, formatValue(d.watermark)), body)
	m.SetMeta(component.MetaKey, d.key)
	return m
}

func (s *querySource) deadLetter(ctx context.Context, row map[string]any, reason error) error {
	if s.set.DeadLetter == nil {
		return reason
	}
	return s.set.DeadLetter.DeadLetter(ctx, component.NewMessage("", row), reason)
}

// formatValue writes a key or watermark value for a message ID.
func formatValue(v any) string {
	switch x := v.(type) {
	case time.Time:
		return x.UTC().Format(time.RFC3339Nano)
	case decimal.Decimal:
		return x.String()
	}
	return fmt.Sprint(v)
}
