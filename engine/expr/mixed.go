package expr

import (
	"fmt"

	"github.com/google/cel-go/common/ast"
	"github.com/google/cel-go/common/functions"
	"github.com/google/cel-go/common/operators"
	"github.com/google/cel-go/common/stdlib"
	"github.com/google/cel-go/common/types"
	"github.com/google/cel-go/common/types/ref"
	"github.com/google/cel-go/interpreter"
	"github.com/govalues/decimal"
)

// CEL's standard operators dispatch on the left operand, so `2 * price`
// would ask the int 2 to multiply itself by a decimal, which it cannot. The
// program therefore replaces each operator call whose left operand may be an
// int and whose right operand may be a decimal (by the checked types, dyn
// included) with a mixedCall, which promotes an int to a decimal when the
// other operand is a decimal and otherwise does exactly what the standard
// operator does. Calls that cannot mix keep CEL's own implementation.

// binaryImpl is an operator implementation and the trait its left operand
// must have (0: none).
type binaryImpl struct {
	impl  functions.BinaryOp
	trait int
}

// mixedOps holds the operators to wrap: CEL's standard implementations of
// arithmetic and ordering, and equality as CEL's evaluator computes it.
var mixedOps = func() map[string]binaryImpl {
	ops := map[string]binaryImpl{
		operators.Equals:    {impl: types.Equal},
		operators.NotEquals: {impl: func(l, r ref.Val) ref.Val { return types.Bool(types.Equal(l, r) != types.True) }},
	}
	want := []string{operators.Add, operators.Subtract, operators.Multiply, operators.Divide,
		operators.Less, operators.LessEquals, operators.Greater, operators.GreaterEquals}
	for _, f := range stdlib.Functions() {
		bindings, err := f.Bindings()
		if err != nil {
			panic(fmt.Sprintf("cel stdlib %s: %v", f.Name(), err))
		}
		for _, b := range bindings {
			for _, name := range want {
				if b.Operator == name && b.Binary != nil {
					ops[name] = binaryImpl{impl: b.Binary, trait: b.OperandTrait}
				}
			}
		}
	}
	if len(ops) != len(want)+2 {
		panic("cel stdlib: an arithmetic or ordering operator has no singleton binding")
	}
	return ops
}()

// mixedDecorator wraps the operator calls of a checked AST that may see an
// int on the left and a decimal on the right.
func mixedDecorator(checked *ast.AST) interpreter.InterpretableDecoratorV2 {
	return func(i interpreter.InterpretableV2) (interpreter.InterpretableV2, error) {
		call, ok := i.(interpreter.InterpretableCall)
		if !ok {
			return i, nil
		}
		op, ok := mixedOps[call.Function()]
		if !ok || len(call.Args()) != 2 {
			return i, nil
		}
		l, r := call.Args()[0], call.Args()[1]
		if !mayBe(checked.GetType(l.ID()), types.IntType) || !mayBe(checked.GetType(r.ID()), DecimalType) {
			return i, nil
		}
		return &mixedCall{InterpretableCall: call, lhs: l, rhs: r, op: op}, nil
	}
}

// mayBe reports whether a value of checked type t may be a want at run time.
func mayBe(t, want *types.Type) bool {
	return t.Kind() == types.DynKind || t.TypeName() == want.TypeName()
}

// mixedCall is an operator call that promotes an int operand to a decimal
// when the other operand is a decimal.
type mixedCall struct {
	interpreter.InterpretableCall
	lhs, rhs interpreter.InterpretableV2
	op       binaryImpl
}

// Exec implements interpreter.InterpretableV2.
func (m *mixedCall) Exec(frame *interpreter.ExecutionFrame) ref.Val {
	l := m.lhs.Exec(frame)
	if types.IsError(l) {
		return l
	}
	r := m.rhs.Exec(frame)
	if types.IsError(r) {
		return r
	}
	if types.IsUnknown(l) || types.IsUnknown(r) {
		unk, _ := types.MaybeMergeUnknowns(r, nil)
		unk, _ = types.MaybeMergeUnknowns(l, unk)
		return unk
	}
	if i, ok := l.(types.Int); ok {
		if _, ok := r.(decimalVal); ok {
			l = decimalVal{decimal.MustNew(int64(i), 0)}
		}
	}
	if m.op.trait != 0 && !l.Type().HasTrait(m.op.trait) {
		return types.NewErrWithNodeID(m.ID(), "no such overload: %s", m.Function())
	}
	return types.LabelErrNode(m.ID(), m.op.impl(l, r))
}

// Eval implements interpreter.Interpretable.
func (m *mixedCall) Eval(a interpreter.Activation) ref.Val {
	return m.Exec(interpreter.AsFrame(a))
}
