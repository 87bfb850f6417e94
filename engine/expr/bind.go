package expr

import (
	"github.com/google/cel-go/common/ast"
	"github.com/google/cel-go/common/types/ref"
	"github.com/google/cel-go/interpreter"
)

// cel.bind(x, init, body) is a comprehension over an empty list whose
// accumulator is x; CEL runs it through its general fold machinery.
// fastBind binds x and evaluates body directly, evaluating init when body
// first reads x, as CEL does.

// bindShape is a cel.bind planned as a fastBind.
type bindShape struct {
	name         string
	init, result int64
}

// bindShapes finds the cel.bind comprehensions of a checked AST.
func bindShapes(checked *ast.AST) map[int64]bindShape {
	shapes := map[int64]bindShape{}
	forComprehensions(checked, func(e ast.Expr, c ast.ComprehensionExpr) {
		r := c.IterRange()
		if c.IterVar2() != "" || r.Kind() != ast.ListKind || r.AsList().Size() != 0 || !isFalse(c.LoopCondition()) {
			return
		}
		shapes[e.ID()] = bindShape{name: c.AccuVar(), init: c.AccuInit().ID(), result: c.Result().ID()}
	})
	return shapes
}

// forComprehensions calls visit for every comprehension of checked.
func forComprehensions(checked *ast.AST, visit func(e ast.Expr, c ast.ComprehensionExpr)) {
	ast.PostOrderVisit(checked.Expr(), ast.NewExprVisitor(func(e ast.Expr) {
		if e.Kind() == ast.ComprehensionKind {
			visit(e, e.AsComprehension())
		}
	}))
}

// newFastBind plans a bind from its planned parts, or returns nil when a
// part is missing.
func newFastBind(id int64, shape bindShape, planned map[int64]interpreter.InterpretableV2) interpreter.InterpretableV2 {
	b := &fastBind{id: id, shape: shape, init: planned[shape.init], result: planned[shape.result]}
	if b.init == nil || b.result == nil {
		return nil
	}
	return b
}

// fastBind evaluates cel.bind.
type fastBind struct {
	id           int64
	shape        bindShape
	init, result interpreter.InterpretableV2
}

// ID implements interpreter.Interpretable.
func (b *fastBind) ID() int64 { return b.id }

// Exec implements interpreter.InterpretableV2.
func (b *fastBind) Exec(frame *interpreter.ExecutionFrame) ref.Val {
	v := &boundVar{name: b.shape.name, init: b.init, frame: frame}
	return b.result.Exec(interpreter.AsFrame(v))
}

// Eval implements interpreter.Interpretable.
func (b *fastBind) Eval(a interpreter.Activation) ref.Val {
	return b.Exec(interpreter.AsFrame(a))
}

// boundVar is a cel.bind variable, evaluated when first read; other names
// resolve in frame, the frame of the fastBind.Exec that made it, which
// interpreter.AsFrame finds here to share its context. It lives as long as
// that Exec (as cel-go's own fold keeps its frame for a lazy accumulator).
type boundVar struct {
	name  string
	init  interpreter.InterpretableV2
	frame *interpreter.ExecutionFrame
	val   ref.Val
}

// ResolveName implements interpreter.Activation.
func (v *boundVar) ResolveName(name string) (any, bool) {
	if name != v.name {
		return v.frame.ResolveName(name)
	}
	if v.val == nil {
		v.val = v.init.Exec(v.frame)
	}
	return v.val, true
}

// Parent implements interpreter.Activation.
func (v *boundVar) Parent() interpreter.Activation { return v.frame }
