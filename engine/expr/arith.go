package expr

import (
	"github.com/google/cel-go/common/ast"
	"github.com/google/cel-go/common/operators"
	"github.com/google/cel-go/common/types"
	"github.com/govalues/decimal"
)

// Money arithmetic over fields is the other common kind of mapping:
//
//	(subTotal - discountTotal + shippingTotal + taxTotal).round(2)
//	(money(i.ItemPrice) / i.QuantityOrdered).round(2)
//
// An expression made only of + - * / between fields (or variables) and int
// literals, money() of a field, and .round(n) with a literal n, is
// evaluated on the Go values: decimal.Decimal operations, each giving
// exactly what the decimal type's CEL operator gives (an int operand is
// promoted when the other one is a decimal, as mixed.go and decimalVal do).
// Whenever a value is not a decimal or an int, both operands of an
// operator are ints (CEL's int arithmetic), an operation fails, or the
// result is not a decimal, the expression runs in CEL, which gives the
// result or reports the error.

// arithOp is what an arithExpr node does.
type arithOp int

const (
	arithRead  arithOp = iota // a field path of a variable (path may be empty)
	arithMoney                // money() of a field path
	arithInt                  // an int literal
	arithAdd
	arithSub
	arithMul
	arithQuo
	arithRound // round(places), half away from zero
	arithSum   // the sum macro over a field path (arith_sum.go)
)

// arithExpr is a node of a native arithmetic expression.
type arithExpr struct {
	op     arithOp
	root   string
	path   []string
	n      int64 // the int literal, or the places of a round
	lhs    *arithExpr
	rhs    *arithExpr
	hasOps bool // more than a read or a literal
}

// arithOf recognises a native arithmetic expression, or returns nil. When
// elem is set, the expression may only read fields of that variable (a
// fold body's element); otherwise it reads variables of the activation
// that hold message values.
func arithOf(checked *ast.AST, e ast.Expr, elem string) *arithExpr {
	a := arithNode(checked, e, elem)
	if a == nil || !a.hasOps || !a.reads() {
		return nil
	}
	return a
}

// reads reports whether the expression reads a field or a variable.
func (a *arithExpr) reads() bool {
	return a != nil && (a.op == arithRead || a.op == arithMoney || a.op == arithSum || a.lhs.reads() || a.rhs.reads())
}

func arithNode(checked *ast.AST, e ast.Expr, elem string) *arithExpr {
	switch e.Kind() {
	case ast.LiteralKind:
		if n, ok := e.AsLiteral().(types.Int); ok {
			return &arithExpr{op: arithInt, n: int64(n)}
		}
		return nil
	case ast.IdentKind, ast.SelectKind:
		root, path := selectPath(e)
		if path == nil && e.Kind() == ast.IdentKind {
			root, path = e.AsIdent(), []string{}
		}
		if !arithRoot(root, path, elem) {
			return nil
		}
		return &arithExpr{op: arithRead, root: root, path: path}
	case ast.CallKind:
		return arithCall(checked, e, elem)
	case ast.ComprehensionKind:
		return arithSumOf(checked, e, elem)
	}
	return nil
}

// arithRoot reports whether a native expression may read root.
func arithRoot(root string, path []string, elem string) bool {
	switch {
	case path == nil:
		return false
	case elem != "":
		return root == elem
	}
	return directRoot(root)
}

func arithCall(checked *ast.AST, e ast.Expr, elem string) *arithExpr {
	call := e.AsCall()
	args := call.Args()
	if call.IsMemberFunction() {
		n, ok := intLiteral(args)
		if call.FunctionName() != "round" || !ok || n < 0 || n > decimal.MaxScale {
			return nil
		}
		x := arithNode(checked, call.Target(), elem)
		if x == nil {
			return nil
		}
		return &arithExpr{op: arithRound, n: n, lhs: x, hasOps: true}
	}
	if call.FunctionName() == "money" {
		ref, ok := checked.ReferenceMap()[e.ID()]
		if !ok || len(ref.OverloadIDs) != 1 || ref.OverloadIDs[0] != "money_dyn" || len(args) != 1 {
			return nil
		}
		x := arithNode(checked, args[0], elem)
		if x == nil || x.op != arithRead || len(x.path) == 0 {
			return nil
		}
		return &arithExpr{op: arithMoney, root: x.root, path: x.path, hasOps: true}
	}
	op, ok := arithOps[call.FunctionName()]
	if !ok || len(args) != 2 {
		return nil
	}
	l, r := arithNode(checked, args[0], elem), arithNode(checked, args[1], elem)
	if l == nil || r == nil {
		return nil
	}
	return &arithExpr{op: op, lhs: l, rhs: r, hasOps: true}
}

var arithOps = map[string]arithOp{
	operators.Add: arithAdd, operators.Subtract: arithSub,
	operators.Multiply: arithMul, operators.Divide: arithQuo,
}

// intLiteral returns the only argument when it is an int literal.
func intLiteral(args []ast.Expr) (int64, bool) {
	if len(args) != 1 || args[0].Kind() != ast.LiteralKind {
		return 0, false
	}
	n, ok := args[0].AsLiteral().(types.Int)
	return int64(n), ok
}

// arithVal is a value of a native expression: a decimal, or an int.
type arithVal struct {
	d     decimal.Decimal
	i     int64
	isInt bool
}

func (v arithVal) decimal() decimal.Decimal {
	if v.isInt {
		return decimal.MustNew(v.i, 0)
	}
	return v.d
}

// arithScope is where a native expression reads: the activation, or a
// fold's element.
type arithScope struct {
	act  *Activation
	elem any
}

func (s arithScope) read(a *arithExpr) (any, bool) {
	v := s.elem
	if s.act != nil {
		var ok bool
		if v, ok = s.act.ResolveName(a.root); !ok {
			return nil, false
		}
	}
	return walk(v, a.path)
}

// value evaluates the expression to a decimal; false means "let CEL do
// it".
func (a *arithExpr) value(s arithScope) (decimal.Decimal, bool) {
	v, ok := a.eval(s)
	return v.d, ok && !v.isInt
}

func (a *arithExpr) eval(s arithScope) (arithVal, bool) {
	switch a.op {
	case arithInt:
		return arithVal{i: a.n, isInt: true}, true
	case arithRead:
		v, ok := s.read(a)
		switch x := v.(type) {
		case decimal.Decimal:
			return arithVal{d: x}, ok
		case int64:
			return arithVal{i: x, isInt: true}, ok
		}
		return arithVal{}, false
	case arithMoney:
		v, ok := s.read(a)
		if !ok {
			return arithVal{}, false
		}
		d, ok := moneyOf(v)
		return arithVal{d: d}, ok
	case arithRound:
		x, ok := a.lhs.eval(s)
		if !ok || x.isInt {
			return arithVal{}, false
		}
		d, err := roundHalfAway(x.d, int(a.n))
		return arithVal{d: d}, err == nil
	case arithSum:
		return a.sum(s)
	}
	l, ok := a.lhs.eval(s)
	if !ok {
		return arithVal{}, false
	}
	r, ok := a.rhs.eval(s)
	if !ok || (l.isInt && r.isInt) {
		return arithVal{}, false
	}
	var d decimal.Decimal
	var err error
	switch x, y := l.decimal(), r.decimal(); a.op {
	case arithAdd:
		d, err = x.Add(y)
	case arithSub:
		d, err = x.Sub(y)
	case arithMul:
		d, err = x.Mul(y)
	default:
		d, err = x.Quo(y)
	}
	return arithVal{d: d}, err == nil
}
