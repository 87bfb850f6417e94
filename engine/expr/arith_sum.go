package expr

import (
	"github.com/google/cel-go/common/ast"
	"github.com/google/cel-go/common/operators"
	"github.com/govalues/decimal"
)

// A sum over a message's own list is native arithmetic too, so that
//
//	items.sum(i, money(i.ItemPrice)).round(2)
//
// runs on the Go values from end to end: the sum macro's comprehension
// (decimal 0, then + the body for each element), with a body that is native
// arithmetic over the element, over a list read from a variable or a field.
// The total is exactly what the comprehension gives: each body's decimal,
// or int promoted to a decimal, added in order to decimal(0). Anything else
// (a range that is not a message's list, a body that is not native for an
// element, an overflow) runs in CEL, which gives the result or the error.

// arithSumOf recognises a sum macro whose range a native expression may
// read and whose body is native over the iteration variable, or returns
// nil.
func arithSumOf(checked *ast.AST, e ast.Expr, elem string) *arithExpr {
	c := e.AsComprehension()
	step := c.LoopStep()
	if c.AccuVar() != sumAccu || c.IterVar2() != "" || !isIdent(c.Result(), sumAccu) || !isTrue(c.LoopCondition()) ||
		!isCall(step, operators.Add) || !isIdent(step.AsCall().Args()[0], sumAccu) || !isZeroDecimal(c.AccuInit()) {
		return nil
	}
	rng := arithNode(checked, c.IterRange(), elem)
	if rng == nil || rng.op != arithRead {
		return nil
	}
	body := arithNode(checked, step.AsCall().Args()[1], c.IterVar())
	if body == nil {
		return nil
	}
	return &arithExpr{op: arithSum, root: rng.root, path: rng.path, lhs: body, hasOps: true}
}

// isZeroDecimal recognises the sum macro's initial value, decimal(0).
func isZeroDecimal(e ast.Expr) bool {
	if !isCall(e, "decimal") || len(e.AsCall().Args()) != 1 {
		return false
	}
	n, ok := intLiteral(e.AsCall().Args())
	return ok && n == 0
}

// sum adds the body (lhs) over the elements of the list a reads.
func (a *arithExpr) sum(s arithScope) (arithVal, bool) {
	v, ok := s.read(a)
	elems, isList := v.([]any)
	if !ok || !isList {
		return arithVal{}, false
	}
	var total decimal.Decimal // decimal(0)
	for _, e := range elems {
		x, ok := a.lhs.eval(arithScope{elem: e})
		if !ok {
			return arithVal{}, false
		}
		var err error
		if total, err = total.Add(x.decimal()); err != nil {
			return arithVal{}, false
		}
	}
	return arithVal{d: total}, true
}
