package catalog

import (
	"fmt"
	"math"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/govalues/decimal"
)

// Coerce checks a message value (see component.Message) against column c
// and returns it as the Go type the dialects bind for c's type: string,
// int64, float64, decimal.Decimal padded to the column's scale, or
// time.Time (a date or time string without a zone is read in loc). nil stays
// nil. A value that does not fit is an error naming the column; nothing is
// truncated or rounded.
func Coerce(c Column, v any, loc *time.Location) (any, error) {
	if v == nil {
		return nil, nil
	}
	var out any
	var err error
	switch c.Type.Kind {
	case KindVarChar:
		out, err = coerceString(c, v)
	case KindInt, KindSmallInt:
		out, err = coerceInt(c, v)
	case KindDecimal:
		out, err = coerceDecimal(c, v)
	case KindFloat:
		out, err = coerceFloat(v)
	case KindDateTime:
		out, err = coerceTime(v, loc)
	default:
		err = fmt.Errorf("unsupported column type %s", c.Type)
	}
	if err != nil {
		return nil, fmt.Errorf("%s.%s: %w", c.Table, c.Name, err)
	}
	return out, nil
}

func coerceString(c Column, v any) (any, error) {
	var s string
	switch x := v.(type) {
	case string:
		s = x
	case int64:
		s = strconv.FormatInt(x, 10)
	case decimal.Decimal:
		s = x.String()
	default:
		return nil, fmt.Errorf("want a string, got %T", v)
	}
	if n := utf8.RuneCountInString(s); n > c.Type.Length {
		return nil, fmt.Errorf("value is %d characters long, the column holds %d", n, c.Type.Length)
	}
	return s, nil
}

func coerceInt(c Column, v any) (any, error) {
	var n int64
	switch x := v.(type) {
	case int64:
		n = x
	case int:
		n = int64(x)
	case decimal.Decimal:
		whole, frac, ok := x.Int64(0)
		if !ok || frac != 0 || !x.IsInt() {
			return nil, fmt.Errorf("want an integer, got %s", x)
		}
		n = whole
	default:
		return nil, fmt.Errorf("want an integer, got %T", v)
	}
	limit := int64(math.MaxInt32)
	if c.Type.Kind == KindSmallInt {
		limit = math.MaxInt16
	}
	if n > limit || n < -limit-1 {
		return nil, fmt.Errorf("%d is out of range for %s", n, c.Type)
	}
	return n, nil
}

// ToDecimal converts a message value to a decimal without rounding.
func ToDecimal(v any) (decimal.Decimal, error) {
	switch x := v.(type) {
	case decimal.Decimal:
		return x, nil
	case int64:
		return decimal.New(x, 0)
	case int:
		return decimal.New(int64(x), 0)
	case string:
		d, err := decimal.Parse(x)
		if err != nil {
			return decimal.Decimal{}, fmt.Errorf("%q is not a decimal number", x)
		}
		return d, nil
	}
	return decimal.Decimal{}, fmt.Errorf("want a decimal number, got %T", v)
}

func coerceDecimal(c Column, v any) (any, error) {
	d, err := ToDecimal(v)
	if err != nil {
		return nil, err
	}
	d = d.Trim(c.Type.Scale)
	if d.Scale() > c.Type.Scale {
		return nil, fmt.Errorf("%s has %d decimal places, the column holds %d", d, d.Scale(), c.Type.Scale)
	}
	if d.Prec()-d.Scale() > c.Type.Precision-c.Type.Scale {
		return nil, fmt.Errorf("%s is too large for %s", d, c.Type)
	}
	return d.Pad(c.Type.Scale), nil
}

func coerceFloat(v any) (any, error) {
	switch x := v.(type) {
	case float64:
		return x, nil
	case int64:
		return float64(x), nil
	case decimal.Decimal:
		f, _ := x.Float64()
		return f, nil
	}
	return nil, fmt.Errorf("want a number, got %T", v)
}

// TimeLayouts are the string forms accepted for datetime columns.
var TimeLayouts = []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02 15:04:05.999", "2006-01-02"}

func coerceTime(v any, loc *time.Location) (any, error) {
	switch x := v.(type) {
	case time.Time:
		return x, nil
	case string:
		for _, l := range TimeLayouts {
			if t, err := time.ParseInLocation(l, x, loc); err == nil {
				return t, nil
			}
		}
		return nil, fmt.Errorf("%q is not a date or an RFC 3339 time", x)
	}
	return nil, fmt.Errorf("want a time, got %T", v)
}
