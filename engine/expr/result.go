package expr

import (
	"fmt"
	"math"
	"time"

	"github.com/google/cel-go/common/types"
	"github.com/google/cel-go/common/types/ref"
	"github.com/google/cel-go/common/types/traits"
	"github.com/govalues/decimal"
)

// toValue converts a CEL result to the message value model. Lists and maps
// that are a message's own data, untouched, are returned as they are.
func toValue(v ref.Val) (any, error) {
	switch x := v.(type) {
	case types.String:
		return string(x), nil
	case types.Int:
		return int64(x), nil
	case decimalVal:
		return x.d, nil
	case types.Bool:
		return bool(x), nil
	case types.Double:
		return float64(x), nil
	case types.Null:
		return nil, nil
	case types.Timestamp:
		return x.Time, nil
	case types.Uint:
		if uint64(x) > math.MaxInt64 {
			return nil, fmt.Errorf("result %du does not fit an int", uint64(x))
		}
		return int64(x), nil
	case *types.Optional:
		if !x.HasValue() {
			return nil, nil
		}
		return toValue(x.GetValue())
	case traits.Lister:
		return listValue(x)
	case traits.Mapper:
		return mapValue(x)
	}
	return nil, fmt.Errorf("result of type %s is not a message value: convert it, e.g. with string()", v.Type().TypeName())
}

func listValue(l traits.Lister) (any, error) {
	if x, ok := l.(listVal); ok && (x.pure || isValue(x.l)) {
		return x.l, nil
	}
	n := int(l.Size().(types.Int))
	out := make([]any, n)
	for i := range out {
		v, err := toValue(l.Get(types.Int(i)))
		if err != nil {
			return nil, fmt.Errorf("[%d]: %w", i, err)
		}
		out[i] = v
	}
	return out, nil
}

func mapValue(m traits.Mapper) (any, error) {
	if x, ok := m.(mapVal); ok && isValue(x.m) {
		return x.m, nil
	}
	out := make(map[string]any, int(m.Size().(types.Int)))
	for it := m.Iterator(); it.HasNext() == types.True; {
		k := it.Next()
		ks, ok := k.(types.String)
		if !ok {
			return nil, fmt.Errorf("map key %v is a %s, want a string", k.Value(), k.Type().TypeName())
		}
		v, err := toValue(m.Get(k))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", string(ks), err)
		}
		out[string(ks)] = v
	}
	return out, nil
}

// isValue reports whether v holds only message value model types.
func isValue(v any) bool {
	switch x := v.(type) {
	case nil, bool, string, int64, float64, decimal.Decimal, time.Time:
		return true
	case []any:
		for _, e := range x {
			if !isValue(e) {
				return false
			}
		}
		return true
	case map[string]any:
		for _, e := range x {
			if !isValue(e) {
				return false
			}
		}
		return true
	}
	return false
}
