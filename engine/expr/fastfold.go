package expr

import (
	"github.com/google/cel-go/common/ast"
	"github.com/google/cel-go/common/operators"
	"github.com/google/cel-go/common/types"
	"github.com/google/cel-go/common/types/ref"
	"github.com/google/cel-go/common/types/traits"
	"github.com/google/cel-go/interpreter"
	"github.com/govalues/decimal"
)

// CEL runs a comprehension as a general fold: per element it evaluates a
// loop condition, looks the accumulator up, and for map and filter builds a
// one-element list that it concatenates to the result. Mappings iterate over
// order lines all the time, so programs without runtime cost tracking plan
// the two common shapes directly:
//
//   - map, filter and transformList over a list: evaluate the (filter and)
//     body per element and append to a slice;
//   - the sum macro: add the body's decimals natively.
//
// Over a message's own list, bodies that only read fields of the element,
// possibly through money(), are evaluated from the Go values (inplace.go).
//
// The body, filter and range are the interpretables CEL planned for them;
// only the loop is replaced. Anything else, such as a map as the range, runs
// CEL's own fold.

type foldKind int

const (
	mapFold foldKind = iota + 1
	sumFold
)

// foldShape is a comprehension planned as a fastFold.
type foldShape struct {
	kind                    foldKind
	iter1, iter2            string
	rangeID, filterID, body int64
	// native is the body when it can be evaluated from the element's Go
	// value (inplace.go), else nil.
	native *nativeBody
	// object is the body when it is an object literal whose elements are
	// built as Go maps (fastfold_object.go), else nil.
	object *objectBody
	// root marks the comprehension that is the whole expression.
	root bool
}

// foldShapes finds the comprehensions of a checked AST that fastFold runs.
func foldShapes(checked *ast.AST) map[int64]foldShape {
	shapes := map[int64]foldShape{}
	forComprehensions(checked, func(e ast.Expr, c ast.ComprehensionExpr) {
		accu := c.AccuVar()
		if !isIdent(c.Result(), accu) || !isTrue(c.LoopCondition()) {
			return
		}
		shape := foldShape{iter1: c.IterVar(), iter2: c.IterVar2(), rangeID: c.IterRange().ID()}
		step := c.LoopStep()
		var body ast.Expr
		switch {
		case accu == sumAccu && c.IterVar2() == "" && isCall(step, operators.Add) && isIdent(step.AsCall().Args()[0], accu):
			shape.kind, body = sumFold, step.AsCall().Args()[1]
		case c.AccuInit().Kind() == ast.ListKind && c.AccuInit().AsList().Size() == 0:
			if isCall(step, operators.Conditional) && isIdent(step.AsCall().Args()[2], accu) {
				shape.filterID, step = step.AsCall().Args()[0].ID(), step.AsCall().Args()[1]
			}
			elem, ok := appendedElem(step, accu)
			if !ok {
				return
			}
			shape.kind, body = mapFold, elem
		default:
			return
		}
		shape.body, shape.root = body.ID(), e.ID() == checked.Expr().ID()
		if shape.filterID == 0 && shape.iter2 == "" {
			shape.native = nativeBodyOf(checked, body, shape.iter1, shape.kind)
		}
		if shape.kind == mapFold && shape.root {
			elem := shape.iter1
			if shape.iter2 != "" {
				elem = shape.iter2
			}
			shape.object = objectBodyOf(checked, body, elem)
		}
		shapes[e.ID()] = shape
	})
	return shapes
}

// appendedElem recognises `accu + [x]` and returns x.
func appendedElem(step ast.Expr, accu string) (ast.Expr, bool) {
	if !isCall(step, operators.Add) || !isIdent(step.AsCall().Args()[0], accu) {
		return nil, false
	}
	l := step.AsCall().Args()[1]
	if l.Kind() != ast.ListKind || l.AsList().Size() != 1 || len(l.AsList().OptionalIndices()) != 0 {
		return nil, false
	}
	return l.AsList().Elements()[0], true
}

func isCall(e ast.Expr, fn string) bool {
	return e.Kind() == ast.CallKind && e.AsCall().FunctionName() == fn && !e.AsCall().IsMemberFunction()
}

func isIdent(e ast.Expr, name string) bool { return e.Kind() == ast.IdentKind && e.AsIdent() == name }

func isTrue(e ast.Expr) bool { return e.Kind() == ast.LiteralKind && e.AsLiteral() == types.True }

func isFalse(e ast.Expr) bool { return e.Kind() == ast.LiteralKind && e.AsLiteral() == types.False }

// newFastFold plans a fold of the given shape from its planned parts, or
// returns nil when a part is missing.
func newFastFold(fold interpreter.InterpretableV2, shape foldShape, planned map[int64]interpreter.InterpretableV2) interpreter.InterpretableV2 {
	f := &fastFold{InterpretableV2: fold, shape: shape, rng: planned[shape.rangeID], body: planned[shape.body],
		objectVals: objectVals(shape.object, planned)}
	if shape.filterID != 0 {
		if f.filter = planned[shape.filterID]; f.filter == nil {
			return nil
		}
	}
	if f.rng == nil || f.body == nil {
		return nil
	}
	return f
}

// fastFold runs a comprehension of a known shape over a list.
type fastFold struct {
	interpreter.InterpretableV2 // CEL's fold, for other ranges
	shape                       foldShape
	rng, filter, body           interpreter.InterpretableV2
	// objectVals are the planned values of an object body, when the fold
	// builds its elements as Go maps.
	objectVals []interpreter.InterpretableV2
}

// Exec implements interpreter.InterpretableV2.
func (f *fastFold) Exec(frame *interpreter.ExecutionFrame) ref.Val {
	rng, done := f.rangeOf(frame)
	if done != nil {
		return done
	}
	if rng.list == nil && f.shape.native != nil {
		if v, ok := f.inPlace(rng.elems); ok {
			return v
		}
	}
	vars := &iterVars{iter1: f.shape.iter1, iter2: f.shape.iter2, parent: frame}
	child := interpreter.AsFrame(vars)
	n := rng.len()
	acc := f.accumulator(n)
	// As in CEL's fold, every element is visited and the accumulator may
	// become an error: a failed filter replaces it (the step is
	// `filter ? accu + [body] : accu`), while a body's error stays once
	// there (`accu + [body]` gives the accumulator's error).
	var failed ref.Val
	for i := range n {
		elem := rng.at(i)
		vars.set(i, elem)
		if f.filter != nil {
			keep := f.filter.Exec(child)
			if keep != types.True {
				if keep != types.False {
					failed = types.MaybeNoSuchOverloadErr(keep)
				}
				continue
			}
		}
		switch {
		case failed != nil:
		case f.objectVals != nil:
			failed = acc.addObject(f.shape.object, f.objectVals, elem, child)
		default:
			failed = acc.add(f.body.Exec(child))
		}
	}
	if failed != nil {
		return failed
	}
	return acc.result()
}

// foldRange is the list a fold iterates: a message's own list, as Go
// values, or any CEL list.
type foldRange struct {
	elems []any
	list  traits.Lister
}

func (r foldRange) len() int {
	if r.list == nil {
		return len(r.elems)
	}
	return int(r.list.Size().(types.Int))
}

func (r foldRange) at(i int) any {
	if r.list == nil {
		return r.elems[i]
	}
	return r.list.Get(types.Int(i))
}

// rangeOf evaluates the range. A range read from the message, such as
// msg.OrderItems, is resolved to its Go value without converting it. When
// the range is not a list, or is an error, done is the fold's result.
func (f *fastFold) rangeOf(frame *interpreter.ExecutionFrame) (rng foldRange, done ref.Val) {
	if attr, ok := f.rng.(interpreter.InterpretableAttribute); ok {
		if v, err := attr.Resolve(frame); err == nil {
			if l, ok := v.([]any); ok {
				return foldRange{elems: l}, nil
			}
		}
	}
	switch r := f.rng.Exec(frame).(type) {
	case listVal:
		return foldRange{elems: r.l}, nil
	case traits.Lister:
		return foldRange{list: r}, nil
	default:
		if types.IsUnknownOrError(r) {
			return rng, r
		}
		return rng, f.InterpretableV2.Exec(frame)
	}
}

// Eval implements interpreter.Interpretable.
func (f *fastFold) Eval(a interpreter.Activation) ref.Val {
	return f.Exec(interpreter.AsFrame(a))
}

func (f *fastFold) accumulator(n int) *foldAcc {
	acc := &foldAcc{kind: f.shape.kind, native: f.shape.root}
	switch {
	case acc.kind == sumFold:
	case acc.native:
		acc.values = make([]any, 0, n)
	default:
		acc.out = make([]ref.Val, 0, n)
	}
	return acc
}

// foldAcc accumulates a fold's result: a list or a decimal sum. A list that
// is the program's result is collected as message values (native), the form
// Eval returns, instead of CEL values converted afterwards.
type foldAcc struct {
	kind   foldKind
	native bool
	out    []ref.Val
	values []any
	// impure is set once values holds something other than message
	// values (a field of the element taken as it is).
	impure bool
	total  decimal.Decimal
}

// add adds the body's value for one element, or returns the error to stop
// with.
func (a *foldAcc) add(v ref.Val) ref.Val {
	if types.IsUnknownOrError(v) {
		return v
	}
	switch {
	case a.kind == sumFold:
		var errVal ref.Val
		a.total, errVal = arith(a.total, v, "+", decimal.Decimal.Add)
		return errVal
	case a.native:
		nv, err := toValue(v)
		if err != nil {
			return types.NewErr("[%d]: %v", len(a.values), err)
		}
		a.values = append(a.values, nv)
	default:
		a.out = append(a.out, v)
	}
	return nil
}

// addDecimal adds a decimal the body computed natively.
func (a *foldAcc) addDecimal(d decimal.Decimal) ref.Val {
	switch {
	case a.kind == sumFold:
		var err error
		if a.total, err = a.total.Add(d); err != nil {
			return types.WrapErr(err)
		}
	case a.native:
		a.values = append(a.values, d)
	default:
		a.out = append(a.out, decimalVal{d})
	}
	return nil
}

func (a *foldAcc) result() ref.Val {
	switch {
	case a.kind == sumFold:
		return decimalVal{a.total}
	case a.native:
		return listVal{l: a.values, pure: !a.impure}
	}
	return refList{l: a.out}
}

// iterVars binds a comprehension's iteration variables: the element, or the
// index and the element. An element of a message's own list stays a Go
// value, so that selecting its fields takes CEL's fast path for Go maps.
type iterVars struct {
	iter1, iter2 string
	val1, val2   any
	// parent resolves the other names: the frame of the fold's Exec,
	// which interpreter.AsFrame finds here to share its context.
	parent *interpreter.ExecutionFrame
}

func (v *iterVars) set(i int, elem any) {
	if v.iter2 == "" {
		v.val1 = elem
		return
	}
	v.val1, v.val2 = types.Int(i), elem
}

// ResolveName implements interpreter.Activation.
func (v *iterVars) ResolveName(name string) (any, bool) {
	switch name {
	case v.iter1:
		return v.val1, true
	case v.iter2:
		if v.iter2 != "" {
			return v.val2, true
		}
	}
	return v.parent.ResolveName(name)
}

// Parent implements interpreter.Activation.
func (v *iterVars) Parent() interpreter.Activation { return v.parent }
