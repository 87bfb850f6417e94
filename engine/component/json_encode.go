package component

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/govalues/decimal"
)

// EncodeJSON encodes a message value as JSON. Object keys are sorted, so equal
// values encode to equal bytes. A json.RawMessage is copied as it is (it must
// hold valid JSON). Decimals are written as JSON numbers with
// their scale ("12.30"), times as RFC 3339 strings with nanoseconds, and HTML
// characters are not escaped. NaN and infinite doubles are an error.
func EncodeJSON(v any) ([]byte, error) {
	return AppendJSON(make([]byte, 0, 512), v)
}

// AppendJSON appends the JSON encoding of v to buf (see EncodeJSON).
func AppendJSON(buf []byte, v any) ([]byte, error) {
	switch x := v.(type) {
	case nil:
		return append(buf, "null"...), nil
	case bool:
		return strconv.AppendBool(buf, x), nil
	case string:
		return appendString(buf, x), nil
	case int64:
		return strconv.AppendInt(buf, x, 10), nil
	case int:
		return strconv.AppendInt(buf, int64(x), 10), nil
	case int32:
		return strconv.AppendInt(buf, int64(x), 10), nil
	case uint64:
		return strconv.AppendUint(buf, x, 10), nil
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return nil, fmt.Errorf("cannot encode %v as JSON", x)
		}
		if x == 0 {
			return append(buf, '0'), nil // also for -0, which JSON readers take as 0
		}
		// Like encoding/json: plain notation unless very large or small.
		format := byte('f')
		if abs := math.Abs(x); abs < 1e-6 || abs >= 1e21 {
			format = 'e'
		}
		return strconv.AppendFloat(buf, x, format, -1, 64), nil
	case decimal.Decimal:
		return x.AppendText(buf)
	case time.Time:
		buf = append(buf, '"')
		buf = x.AppendFormat(buf, time.RFC3339Nano)
		return append(buf, '"'), nil
	case json.RawMessage:
		return append(buf, x...), nil
	case []byte:
		return appendString(buf, string(x)), nil
	case []any:
		buf = append(buf, '[')
		for i, e := range x {
			if i > 0 {
				buf = append(buf, ',')
			}
			var err error
			if buf, err = AppendJSON(buf, e); err != nil {
				return nil, err
			}
		}
		return append(buf, ']'), nil
	case []string:
		buf = append(buf, '[')
		for i, e := range x {
			if i > 0 {
				buf = append(buf, ',')
			}
			buf = appendString(buf, e)
		}
		return append(buf, ']'), nil
	case map[string]any:
		return appendObject(buf, x)
	case map[string]string:
		m := make(map[string]any, len(x))
		for k, e := range x {
			m[k] = e
		}
		return appendObject(buf, m)
	}
	return nil, fmt.Errorf("cannot encode a %T as JSON", v)
}

// member is an object member being encoded.
type member struct {
	key string
	val any
}

// stackMembers is how many members an object may have to be sorted on the
// stack (larger ones are sorted in a slice).
const stackMembers = 24

// appendObject writes m with its keys in order. The members are taken in
// one pass over the map and sorted by insertion in an array on the stack:
// no allocation, no second lookup of each value, and no write barriers
// while the collector runs.
func appendObject(buf []byte, m map[string]any) ([]byte, error) {
	if len(m) > stackMembers {
		return appendLargeObject(buf, m)
	}
	var ms [stackMembers]member
	n := 0
	for k, v := range m {
		ms[n] = member{k, v}
		n++
	}
	for i := 1; i < n; i++ {
		for j := i; j > 0 && ms[j].key < ms[j-1].key; j-- {
			ms[j], ms[j-1] = ms[j-1], ms[j]
		}
	}
	buf = append(buf, '{')
	for i := range n {
		var err error
		if buf, err = appendMember(buf, i, ms[i]); err != nil {
			return nil, err
		}
	}
	return append(buf, '}'), nil
}

// appendLargeObject is appendObject for objects of more than stackMembers
// members.
func appendLargeObject(buf []byte, m map[string]any) ([]byte, error) {
	ms := make([]member, 0, len(m))
	for k, v := range m {
		ms = append(ms, member{k, v})
	}
	slices.SortFunc(ms, func(a, b member) int { return strings.Compare(a.key, b.key) })
	buf = append(buf, '{')
	for i, mb := range ms {
		var err error
		if buf, err = appendMember(buf, i, mb); err != nil {
			return nil, err
		}
	}
	return append(buf, '}'), nil
}

// appendMember writes the i-th member of an object.
func appendMember(buf []byte, i int, mb member) ([]byte, error) {
	if i > 0 {
		buf = append(buf, ',')
	}
	buf = appendString(buf, mb.key)
	buf = append(buf, ':')
	buf, err := AppendJSON(buf, mb.val)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", mb.key, err)
	}
	return buf, nil
}

const hexDigits = "0123456789abcdef"

// AppendJSONString appends s as a JSON string, as AppendJSON does, without
// boxing it in an interface.
func AppendJSONString(buf []byte, s string) []byte { return appendString(buf, s) }

// appendString writes s as a JSON string the way encoding/json does with
// HTML escaping off: invalid UTF-8 becomes U+FFFD, U+2028 and U+2029 are
// escaped for JavaScript.
func appendString(buf []byte, s string) []byte {
	buf = append(buf, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			buf = append(buf, s[start:i]...)
			switch c {
			case '"', '\\':
				buf = append(buf, '\\', c)
			case '\n':
				buf = append(buf, '\\', 'n')
			case '\r':
				buf = append(buf, '\\', 'r')
			case '\t':
				buf = append(buf, '\\', 't')
			default:
				buf = append(buf, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			buf = append(buf, s[start:i]...)
			buf = append(buf, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			buf = append(buf, s[start:i]...)
			buf = append(buf, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	buf = append(buf, s[start:]...)
	return append(buf, '"')
}
