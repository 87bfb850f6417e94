package expr

import (
	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/common/ast"
	"github.com/google/cel-go/common/functions"
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
// A map whose body only selects fields of the element (`i.ASIN`) over a
// message's own list reads the fields in place, with no CEL values at all.
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
	// path holds the fields the body selects from the element when that is
	// all it does, or the fields it passes to unary, a function with a dyn
	// parameter such as money.
	path  []string
	unary functions.UnaryOp
	// root marks the comprehension that is the whole expression.
	root bool
}

// foldShapes finds the comprehensions of a checked AST that fastFold runs.
func foldShapes(checked *ast.AST) map[int64]foldShape {
	shapes := map[int64]foldShape{}
	ast.PostOrderVisit(checked.Expr(), ast.NewExprVisitor(func(e ast.Expr) {
		if e.Kind() != ast.ComprehensionKind {
			return
		}
		c := e.AsComprehension()
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
			shape.path, shape.unary = bodyPath(checked, body, shape.iter1)
		}
		shapes[e.ID()] = shape
	}))
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

// bodyPath recognises a body that selects fields from the element (`i.a.b`)
// or passes them to a function with a dyn parameter (`money(i.a)`).
func bodyPath(checked *ast.AST, e ast.Expr, v string) ([]string, functions.UnaryOp) {
	if path := fieldPath(e, v); path != nil {
		return path, nil
	}
	if e.Kind() != ast.CallKind || e.AsCall().IsMemberFunction() || len(e.AsCall().Args()) != 1 {
		return nil, nil
	}
	ref, ok := checked.ReferenceMap()[e.ID()]
	if !ok || len(ref.OverloadIDs) != 1 || dynUnary[ref.OverloadIDs[0]] == nil {
		return nil, nil
	}
	if path := fieldPath(e.AsCall().Args()[0], v); path != nil {
		return path, dynUnary[ref.OverloadIDs[0]]
	}
	return nil, nil
}

// dynUnary holds this package's functions of one dyn parameter by overload
// id: they need no run-time type check.
var dynUnary = func() map[string]functions.UnaryOp {
	m := map[string]functions.UnaryOp{}
	for _, l := range libraries() {
		for _, f := range l.fns {
			for _, o := range f.overloads {
				if o.unary != nil && !o.member && len(o.args) == 1 && o.args[0] == cel.DynType {
					m[o.id] = o.unary
				}
			}
		}
	}
	return m
}()

// fieldPath returns the fields e selects from the variable v (`v.a.b`), or
// nil when e is anything else.
func fieldPath(e ast.Expr, v string) []string {
	if root, path := selectPath(e); root == v {
		return path
	}
	return nil
}

// selectPath splits a chain of field selections on a variable (`v.a.b`)
// into the variable and the fields; for anything else the path is nil.
func selectPath(e ast.Expr) (string, []string) {
	var path []string
	for e.Kind() == ast.SelectKind && !e.AsSelect().IsTestOnly() {
		path = append([]string{e.AsSelect().FieldName()}, path...)
		e = e.AsSelect().Operand()
	}
	if len(path) == 0 || e.Kind() != ast.IdentKind {
		return "", nil
	}
	return e.AsIdent(), path
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
	f := &fastFold{InterpretableV2: fold, shape: shape, rng: planned[shape.rangeID], body: planned[shape.body]}
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
}

// Exec implements interpreter.InterpretableV2.
func (f *fastFold) Exec(frame *interpreter.ExecutionFrame) ref.Val {
	r := f.rng.Exec(frame)
	if types.IsUnknownOrError(r) {
		return r
	}
	if lv, ok := r.(listVal); ok && f.shape.path != nil {
		if v, ok := f.inPlace(lv.l); ok {
			return v
		}
	}
	list, ok := r.(traits.Lister)
	if !ok {
		return f.InterpretableV2.Exec(frame)
	}
	vars := &iterVars{iter1: f.shape.iter1, iter2: f.shape.iter2}
	child := frame.Push(vars)
	defer child.Pop()
	n := int(list.Size().(types.Int))
	acc := f.accumulator(n)
	for i := range n {
		vars.set(i, list)
		if f.filter != nil {
			keep := f.filter.Exec(child)
			if keep != types.True {
				if keep == types.False {
					continue
				}
				return types.MaybeNoSuchOverloadErr(keep)
			}
		}
		if errVal := acc.add(f.body.Exec(child)); errVal != nil {
			return types.LabelErrNode(f.ID(), errVal)
		}
	}
	return acc.result()
}

// inPlace runs a body that selects a path from the element (or calls a
// function on it) over a message's own list, reading the fields in place. It
// reports false when an element lacks the path: CEL's fold then reports it.
func (f *fastFold) inPlace(elems []any) (ref.Val, bool) {
	if f.shape.kind == mapFold && f.shape.unary == nil {
		out := make([]any, len(elems))
		for i, e := range elems {
			v, ok := walk(e, f.shape.path)
			if !ok {
				return nil, false
			}
			out[i] = v
		}
		return listVal{out}, true
	}
	acc := f.accumulator(len(elems))
	for _, e := range elems {
		v, ok := walk(e, f.shape.path)
		if !ok {
			return nil, false
		}
		val := valueAdapter.NativeToValue(v)
		if f.shape.unary != nil {
			val = f.shape.unary(val)
		}
		if errVal := acc.add(val); errVal != nil {
			return types.LabelErrNode(f.ID(), errVal), true
		}
	}
	return acc.result(), true
}

// walk reads the fields of path from nested maps.
func walk(v any, path []string) (any, bool) {
	for _, field := range path {
		m, ok := v.(map[string]any)
		if !ok {
			return nil, false
		}
		if v, ok = m[field]; !ok {
			return nil, false
		}
	}
	return v, true
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

func (a *foldAcc) result() ref.Val {
	switch {
	case a.kind == sumFold:
		return decimalVal{a.total}
	case a.native:
		return listVal{a.values}
	}
	return refList{a.out}
}

// iterVars binds a comprehension's iteration variables: the element, or the
// index and the element. An element of a message's own list stays a Go
// value, so that selecting its fields takes CEL's fast path for Go maps.
type iterVars struct {
	iter1, iter2 string
	val1, val2   any
}

func (v *iterVars) set(i int, list traits.Lister) {
	var elem any
	if lv, ok := list.(listVal); ok {
		elem = lv.l[i]
	} else {
		elem = list.Get(types.Int(i))
	}
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
		return v.val2, v.iter2 != ""
	}
	return nil, false
}

// Parent implements interpreter.Activation.
func (v *iterVars) Parent() interpreter.Activation { return nil }
