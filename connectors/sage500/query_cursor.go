package sage500

import (
	"cmp"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/govalues/decimal"

	"github.com/pipewright/pipewright/connectors/sage500/internal/catalog"
	"github.com/pipewright/pipewright/engine/component"
)

// cursor is where a query source is: the highest watermark it has read.
// Each poll reads the rows whose watermark is at or after the cursor less
// the lookback; the window (query_window.go) says which of them were
// published already.
type cursor struct {
	Watermark any
}

// cursorKey is the State key of the cursor.
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

// laterWatermark returns the later of two watermarks (a when they cannot
// be compared).
func laterWatermark(a, b any) any {
	if c, err := compareWatermarks(b, a); err == nil && c > 0 {
		return b
	}
	return a
}

// encodeWatermark writes a watermark as its kind and text; times keep
// their instant, decimals their digits.
func encodeWatermark(w any) (kind, value string, err error) {
	switch x := w.(type) {
	case time.Time:
		return "time", x.Format(time.RFC3339Nano), nil
	case int64:
		return "int", strconv.FormatInt(x, 10), nil
	case decimal.Decimal:
		return "decimal", x.String(), nil
	case string:
		return "string", x, nil
	}
	return "", "", fmt.Errorf("unsupported watermark %T", w)
}

// decodeWatermark reads what encodeWatermark wrote; times come back in loc.
func decodeWatermark(kind, value string, loc *time.Location) (any, error) {
	switch kind {
	case "time":
		t, err := time.Parse(time.RFC3339Nano, value)
		if err != nil {
			return nil, fmt.Errorf("stored watermark: %w", err)
		}
		return t.In(loc), nil
	case "int":
		return strconv.ParseInt(value, 10, 64)
	case "decimal":
		return decimal.Parse(value)
	}
	return value, nil
}

// encode writes the cursor as JSON.
func (c cursor) encode() ([]byte, error) {
	kind, value, err := encodeWatermark(c.Watermark)
	if err != nil {
		return nil, err
	}
	return component.EncodeJSON(map[string]any{"kind": kind, "watermark": value})
}

// decodeCursor reads a stored cursor. A cursor stored by an earlier version
// also lists the IDs published at its watermark ("seen"): they are
// returned for the window.
func decodeCursor(b []byte, loc *time.Location) (cursor, []string, error) {
	v, err := component.DecodeJSON(b)
	m, ok := v.(map[string]any)
	if err != nil || !ok {
		return cursor{}, nil, fmt.Errorf("the stored cursor is not a JSON object")
	}
	kind, _ := m["kind"].(string)
	value, _ := m["watermark"].(string)
	w, err := decodeWatermark(kind, value, loc)
	if err != nil {
		return cursor{}, nil, err
	}
	var seen []string
	list, _ := m["seen"].([]any)
	for _, id := range list {
		if s, ok := id.(string); ok {
			seen = append(seen, s)
		}
	}
	return cursor{Watermark: w}, seen, nil
}
