package expr

import (
	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/common/ast"
	"github.com/google/cel-go/common/functions"
	"github.com/google/cel-go/common/operators"
	"github.com/google/cel-go/common/types"
	"github.com/google/cel-go/common/types/ref"
	"github.com/govalues/decimal"
)

// A fold body that only reads fields of the element is evaluated from the
// element's Go value, without CEL's attribute and call machinery:
//
//   - `i.a.b`: the field itself (map folds collect these without any
//     conversion);
//   - `money(i.a)`: a field passed to a function of one dyn parameter;
//   - `money(i.a) - money(i.b) + ...` in a sum: such calls joined by + and -,
//     computed left to right exactly as CEL would.
//
// When an element lacks a field or a value is not what the body expects,
// the fold runs in CEL instead, which reports the error.

// term reads a field path of the element, through unary when it is set.
// dec, when set, is unary computed natively for a decimal result.
type term struct {
	path  []string
	unary functions.UnaryOp
	dec   func(any) (decimal.Decimal, bool)
}

// nativeBody is a body of terms joined left to right by + (false) and -
// (true) in minus. Bodies of more than one term are decimal: every term has
// dec.
type nativeBody struct {
	terms []term
	minus []bool
}

// nativeBodyOf recognises a body the fold can evaluate natively, or returns
// nil.
func nativeBodyOf(checked *ast.AST, e ast.Expr, v string, kind foldKind) *nativeBody {
	b := &nativeBody{}
	for isCall(e, operators.Add) || isCall(e, operators.Subtract) {
		t, ok := callTerm(checked, e.AsCall().Args()[1], v)
		if kind != sumFold || !ok || t.dec == nil {
			return nil
		}
		b.terms = append([]term{t}, b.terms...)
		b.minus = append([]bool{e.AsCall().FunctionName() == operators.Subtract}, b.minus...)
		e = e.AsCall().Args()[0]
	}
	first, ok := callTerm(checked, e, v)
	if !ok && len(b.terms) == 0 {
		first, ok = term{path: fieldPath(e, v)}, fieldPath(e, v) != nil
	}
	if !ok || (len(b.terms) > 0 && first.dec == nil) {
		return nil
	}
	b.terms = append([]term{first}, b.terms...)
	return b
}

// callTerm recognises `f(i.a.b)` for a function f of one dyn parameter.
func callTerm(checked *ast.AST, e ast.Expr, v string) (term, bool) {
	if e.Kind() != ast.CallKind || e.AsCall().IsMemberFunction() || len(e.AsCall().Args()) != 1 {
		return term{}, false
	}
	ref, ok := checked.ReferenceMap()[e.ID()]
	if !ok || len(ref.OverloadIDs) != 1 || dynUnary[ref.OverloadIDs[0]] == nil {
		return term{}, false
	}
	id := ref.OverloadIDs[0]
	path := fieldPath(e.AsCall().Args()[0], v)
	return term{path: path, unary: dynUnary[id], dec: nativeDecimal[id]}, path != nil
}

// nativeDecimal holds the Go form of the dynUnary functions that give a
// decimal.
var nativeDecimal = map[string]func(any) (decimal.Decimal, bool){"money_dyn": moneyOf}

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

// decimal evaluates a decimal body for one element; false means "let CEL
// do it".
func (b *nativeBody) decimal(elem any) (decimal.Decimal, bool) {
	var d decimal.Decimal
	for k, t := range b.terms {
		v, ok := walk(elem, t.path)
		if !ok {
			return d, false
		}
		e, ok := t.dec(v)
		if !ok {
			return d, false
		}
		var err error
		switch {
		case k == 0:
			d = e
		case b.minus[k-1]:
			d, err = d.Sub(e)
		default:
			d, err = d.Add(e)
		}
		if err != nil {
			return d, false
		}
	}
	return d, true
}

// value evaluates a one-term body for one element.
func (t term) value(elem any) (ref.Val, bool) {
	v, ok := walk(elem, t.path)
	if !ok {
		return nil, false
	}
	val := valueAdapter.NativeToValue(v)
	if t.unary != nil {
		val = t.unary(val)
	}
	return val, !types.IsUnknownOrError(val)
}

// inPlace runs the fold over a message's own list, or reports false to let
// CEL's plan run it.
func (f *fastFold) inPlace(elems []any) (ref.Val, bool) {
	b, first := f.shape.native, f.shape.native.terms[0]
	if f.shape.kind == mapFold && first.unary == nil {
		out := make([]any, len(elems))
		for i, e := range elems {
			v, ok := walk(e, first.path)
			if !ok {
				return nil, false
			}
			out[i] = v
		}
		return listVal{l: out}, true
	}
	acc := f.accumulator(len(elems))
	for _, e := range elems {
		if first.dec != nil {
			d, ok := b.decimal(e)
			if !ok || acc.addDecimal(d) != nil {
				return nil, false
			}
			continue
		}
		v, ok := first.value(e)
		if !ok || acc.add(v) != nil {
			return nil, false
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
