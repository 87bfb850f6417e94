package sage500

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/govalues/decimal"

	"github.com/pipewright/pipewright/connectors/sage500/internal/catalog"
	"github.com/pipewright/pipewright/engine/component"
)

// cursor is where a query source is: the last watermark published and the
// IDs of the messages published at exactly that watermark (the query reads
// rows >= the watermark, so those rows come again and are skipped).
type cursor struct {
	Watermark any
	Seen      map[string]bool
}

const cursorKey = "cursor"

// parseWatermark reads a start watermark: an integer, a date or RFC 3339
// time (read in loc when it has no zone), else a string.
func parseWatermark(s string, loc *time.Location) (any, error) {
	if s == "" {
		return nil, errors.New("want a start watermark")
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return n, nil
	}
	for _, l := range catalog.TimeLayouts {
		if t, err := time.ParseInLocation(l, s, loc); err == nil {
			return t, nil
		}
	}
	return s, nil
}

// compareWatermarks orders two watermarks of the same kind.
func compareWatermarks(a, b any) (int, error) {
	switch x := a.(type) {
	case time.Time:
		if y, ok := b.(time.Time); ok {
			return x.Compare(y), nil
		}
	case int64:
		if y, ok := b.(int64); ok {
			return cmp.Compare(x, y), nil
		}
		if y, ok := b.(decimal.Decimal); ok {
			return decimal.MustNew(x, 0).Cmp(y), nil
		}
	case decimal.Decimal:
		if y, ok := b.(decimal.Decimal); ok {
			return x.Cmp(y), nil
		}
		if y, ok := b.(int64); ok {
			return x.Cmp(decimal.MustNew(y, 0)), nil
		}
	case string:
		if y, ok := b.(string); ok {
			return cmp.Compare(x, y), nil
		}
	}
	return 0, fmt.Errorf("cannot compare watermark %v (%s) with %v (%s): set start to a value of the column's kind", a, component.TypeName(a), b, component.TypeName(b))
}

// encode writes the cursor as JSON; times keep their instant, decimals
// their digits.
func (c cursor) encode() ([]byte, error) {
	kind, value := "", ""
	switch w := c.Watermark.(type) {
	case time.Time:
		kind, value = "time", w.Format(time.RFC3339Nano)
	case int64:
		kind, value = "int", strconv.FormatInt(w, 10)
	case decimal.Decimal:
		kind, value = "decimal", w.String()
	case string:
		kind, value = "string", w
	default:
		return nil, fmt.Errorf("unsupported watermark %T", c.Watermark)
	}
	seen := make([]any, 0, len(c.Seen))
	for _, id := range sortedKeys(c.Seen) {
		seen = append(seen, id)
	}
	return component.EncodeJSON(map[string]any{"kind": kind, "watermark": value, "seen": seen})
}

func decodeCursor(b []byte, loc *time.Location) (cursor, error) {
	v, err := component.DecodeJSON(b)
	m, ok := v.(map[string]any)
	if err != nil || !ok {
		return cursor{}, fmt.Errorf("the stored cursor is not a JSON object")
	}
	value, _ := m["watermark"].(string)
	c := cursor{Seen: map[string]bool{}}
	switch m["kind"] {
	case "time":
		t, err := time.Parse(time.RFC3339Nano, value)
		c.Watermark = t.In(loc)
		if err != nil {
			return c, fmt.Errorf("stored watermark: %w", err)
		}
	case "int":
		c.Watermark, err = strconv.ParseInt(value, 10, 64)
	case "decimal":
		c.Watermark, err = decimal.Parse(value)
	default:
		c.Watermark = value
	}
	seen, _ := m["seen"].([]any)
	for _, id := range seen {
		if s, ok := id.(string); ok {
			c.Seen[s] = true
		}
	}
	return c, err
}

// loadCursor reads the source's cursor, or starts at start.
func loadCursor(ctx context.Context, st component.State, start any, loc *time.Location) (cursor, error) {
	b, err := st.Get(ctx, cursorKey)
	if errors.Is(err, component.ErrNotFound) {
		return cursor{Watermark: start, Seen: map[string]bool{}}, nil
	}
	if err != nil {
		return cursor{}, fmt.Errorf("reading the cursor: %w", err)
	}
	return decodeCursor(b, loc)
}
