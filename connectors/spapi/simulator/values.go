package simulator

import (
	"github.com/govalues/decimal"
)

// Helpers for attribute data in the engine's JSON value model
// (component.DecodeJSON): objects are map[string]any, arrays []any,
// integers int64, other numbers decimal.Decimal.

// entries returns the objects of an array value, skipping anything else.
func entries(v any) []map[string]any {
	list, _ := v.([]any)
	out := make([]map[string]any, 0, len(list))
	for _, e := range list {
		if m, ok := e.(map[string]any); ok {
			out = append(out, m)
		}
	}
	return out
}

// toDecimal reads a number.
func toDecimal(v any) (decimal.Decimal, bool) {
	switch n := v.(type) {
	case decimal.Decimal:
		return n, true
	case int64:
		d, err := decimal.New(n, 0)
		return d, err == nil
	}
	return decimal.Decimal{}, false
}

// cloneValue deep-copies a value-model value.
func cloneValue(v any) any {
	switch x := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(x))
		for k, e := range x {
			m[k] = cloneValue(e)
		}
		return m
	case []any:
		l := make([]any, len(x))
		for i, e := range x {
			l[i] = cloneValue(e)
		}
		return l
	}
	return v
}

// cloneAttributes deep-copies a listing's attributes.
func cloneAttributes(a map[string]any) map[string]any {
	return cloneValue(a).(map[string]any)
}
