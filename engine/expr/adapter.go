package expr

import (
	"time"

	"github.com/google/cel-go/common/types"
	"github.com/google/cel-go/common/types/ref"
	"github.com/govalues/decimal"
)

// adapter turns message values into CEL values. Maps and lists are wrapped,
// not copied: their elements are converted when an expression reads them,
// through this adapter, so a decimal.Decimal anywhere in a message becomes a
// CEL decimal.
type adapter struct{}

// valueAdapter is the adapter of every environment.
var valueAdapter = &adapter{}

// NativeToValue implements types.Adapter.
func (a *adapter) NativeToValue(v any) ref.Val {
	switch x := v.(type) {
	case ref.Val:
		return x
	case string:
		return types.String(x)
	case int64:
		return types.Int(x)
	case map[string]any:
		return mapVal{x}
	case []any:
		return listVal{l: x}
	case decimal.Decimal:
		return decimalVal{x}
	case bool:
		return types.Bool(x)
	case float64:
		return types.Double(x)
	case nil:
		return types.NullValue
	case time.Time:
		return types.Timestamp{Time: x}
	}
	return types.DefaultTypeAdapter.NativeToValue(v)
}
