package sage500

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/govalues/decimal"

	"github.com/pipewright/pipewright/connectors/sage500/internal/dialect"
	"github.com/pipewright/pipewright/engine/component"
)

// doc is one message being built: a row, or the rows of one key.
type doc struct {
	key       string
	watermark any
	rows      []map[string]any
	id        string // the message ID, once built
}

// readResult is what one poll read: documents in watermark order, the
// last watermark read (nil when no row) and whether max_rows cut it short.
type readResult struct {
	docs      []*doc
	last      any
	truncated bool
}

var errEnough = errors.New("max_rows reached")

// read runs the query from the watermark from and groups the rows into
// documents. Rows after the cursor count towards max_rows (those at or
// before it were mostly published already); it stops after max_rows once
// the watermark changes.
func (s *querySource) read(ctx context.Context, q dialect.Querier, from any) (readResult, error) {
	ctx, cancel := context.WithTimeout(ctx, s.conn.cfg.Timeout.D())
	defer cancel()
	values := s.conn.withBuiltins(s.cfg.Params)
	values[paramWatermark] = from
	args, err := s.q.args(s.conn.dialect, values)
	if err != nil {
		return readResult{}, err
	}
	rows, err := q.QueryContext(ctx, s.q.sql, args...)
	if err != nil {
		return readResult{}, s.conn.dialect.Classify(err)
	}
	var r readResult
	byKey := map[string]*doc{}
	n, read := 0, 0
	err = dialect.EachRow(s.conn.dialect, rows, s.q.types, func(row map[string]any) error {
		w, ok := row[s.cfg.Watermark]
		if !ok {
			return fmt.Errorf("the result of query %s has no watermark column %s", s.cfg.Query, s.cfg.Watermark)
		}
		if w == nil {
			return s.deadLetter(ctx, row, errors.New("the row's watermark is null; it can never be followed"))
		}
		if r.last != nil {
			c, err := compareWatermarks(w, r.last)
			switch {
			case err != nil:
				return err
			case c < 0:
				return fmt.Errorf("query %s must ORDER BY %s: %v came after %v", s.cfg.Query, s.cfg.Watermark, w, r.last)
			case c > 0 && n >= s.cfg.MaxRows:
				r.truncated = true
				return errEnough
			}
		}
		after, err := compareWatermarks(w, s.cur.Watermark)
		if err != nil {
			return err
		}
		if after > 0 {
			n++
		}
		r.last = w
		read++
		key, err := s.keyOf(row)
		if err != nil {
			return err
		}
		d := byKey[key]
		if d == nil || s.cfg.Group == nil {
			d = &doc{key: key}
			byKey[key] = d
			r.docs = append(r.docs, d)
		}
		d.rows, d.watermark = append(d.rows, row), w
		return nil
	})
	s.rows.Add(float64(read))
	if err != nil && !errors.Is(err, errEnough) {
		return readResult{}, err
	}
	return r, nil
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
// watermark (the row's version), so a row read again is published once.
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
