package expr

import (
	"fmt"
	"reflect"

	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/common/types"
	"github.com/google/cel-go/common/types/ref"
	"github.com/google/cel-go/common/types/traits"
	"github.com/govalues/decimal"
)

// DecimalType is the CEL type of exact decimal numbers (money).
var DecimalType = cel.OpaqueType("decimal")

// decimalRuntimeType is the type decimal values report at run time. It
// carries the traits that let CEL's standard operators (+ - * / unary minus
// and comparisons) dispatch to the value's methods.
var decimalRuntimeType = types.NewObjectType("decimal",
	traits.AdderType, traits.SubtractorType, traits.MultiplierType,
	traits.DividerType, traits.NegatorType, traits.ComparerType)

// decimalVal is a CEL decimal value.
type decimalVal struct{ d decimal.Decimal }

var decimalGoType = reflect.TypeOf(decimal.Decimal{})

// ConvertToNative implements ref.Val.
func (v decimalVal) ConvertToNative(t reflect.Type) (any, error) {
	switch {
	case t == decimalGoType:
		return v.d, nil
	case t.Kind() == reflect.String:
		return v.d.String(), nil
	case t.Kind() == reflect.Interface && decimalGoType.Implements(t):
		return v.d, nil
	}
	return nil, fmt.Errorf("cannot convert a decimal to %v", t)
}

// ConvertToType implements ref.Val.
func (v decimalVal) ConvertToType(t ref.Type) ref.Val {
	switch t.TypeName() {
	case "decimal":
		return v
	case types.StringType.TypeName():
		return types.String(v.d.String())
	case types.TypeType.TypeName():
		return decimalRuntimeType
	}
	return types.NewErr("type conversion error from decimal to %s", t.TypeName())
}

// Equal implements ref.Val: decimals equal decimals and ints of the same
// value, whatever their scale (1.0 == 1.00 == 1).
func (v decimalVal) Equal(other ref.Val) ref.Val {
	e, ok := asDecimal(other)
	return types.Bool(ok && v.d.Cmp(e) == 0)
}

// Type implements ref.Val.
func (v decimalVal) Type() ref.Type { return decimalRuntimeType }

// Value implements ref.Val.
func (v decimalVal) Value() any { return v.d }

// Add implements traits.Adder.
func (v decimalVal) Add(other ref.Val) ref.Val { return v.arith(other, "+", decimal.Decimal.Add) }

// Subtract implements traits.Subtractor.
func (v decimalVal) Subtract(other ref.Val) ref.Val {
	return v.arith(other, "-", decimal.Decimal.Sub)
}

// Multiply implements traits.Multiplier.
func (v decimalVal) Multiply(other ref.Val) ref.Val {
	return v.arith(other, "*", decimal.Decimal.Mul)
}

// Divide implements traits.Divider. Division by zero is an error.
func (v decimalVal) Divide(other ref.Val) ref.Val {
	return v.arith(other, "/", decimal.Decimal.Quo)
}

// Negate implements traits.Negater.
func (v decimalVal) Negate() ref.Val { return decimalVal{v.d.Neg()} }

// Compare implements traits.Comparer.
func (v decimalVal) Compare(other ref.Val) ref.Val {
	e, ok := asDecimal(other)
	if !ok {
		return mixError("compare", other)
	}
	return types.Int(v.d.Cmp(e))
}

func (v decimalVal) arith(other ref.Val, op string, f func(decimal.Decimal, decimal.Decimal) (decimal.Decimal, error)) ref.Val {
	r, errVal := arith(v.d, other, op, f)
	if errVal != nil {
		return errVal
	}
	return decimalVal{r}
}

// arith applies a decimal operation to d and a decimal or int operand.
func arith(d decimal.Decimal, other ref.Val, op string, f func(decimal.Decimal, decimal.Decimal) (decimal.Decimal, error)) (decimal.Decimal, ref.Val) {
	e, ok := asDecimal(other)
	if !ok {
		return d, mixError(op, other)
	}
	r, err := f(d, e)
	if err != nil {
		return d, types.NewErr("decimal %s %s %s: %v", d, op, e, err)
	}
	return r, nil
}

// asDecimal returns the exact decimal value of a decimal or an int.
func asDecimal(v ref.Val) (decimal.Decimal, bool) {
	switch x := v.(type) {
	case decimalVal:
		return x.d, true
	case types.Int:
		return decimal.MustNew(int64(x), 0), true
	}
	return decimal.Decimal{}, false
}

func mixError(op string, other ref.Val) ref.Val {
	if types.IsError(other) {
		return other
	}
	if other.Type() == types.DoubleType {
		return types.NewErr("no such overload: decimal %s double (convert exact amounts with decimal(\"1.5\"), never from a double)", op)
	}
	return types.NewErr("no such overload: decimal %s %s", op, other.Type().TypeName())
}
