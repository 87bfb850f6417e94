package expr

import (
	"github.com/google/cel-go/common/ast"
	"github.com/google/cel-go/common/operators"
	"github.com/google/cel-go/common/types"
)

// visitComprehension binds the iteration variable to a row when the range
// is a list of rows, and the accumulator to what cel.bind binds.
func (c *shapeChecker) visitComprehension(x ast.Expr, scope map[string]*Shape) sval {
	comp := x.AsComprehension()
	rng := c.visit(comp.IterRange(), scope)
	accu := c.visit(comp.AccuInit(), scope)
	inner := make(map[string]*Shape, len(scope)+2)
	for k, v := range scope {
		inner[k] = v
	}
	for _, v := range []string{comp.IterVar(), comp.IterVar2(), comp.AccuVar()} {
		delete(inner, v)
	}
	if el := rng.shape.Element(); el != nil && !rng.opt {
		if comp.HasIterVar2() {
			inner[comp.IterVar2()] = el
		} else {
			inner[comp.IterVar()] = el
		}
	}
	if accu.shape != nil && !accu.opt {
		inner[comp.AccuVar()] = accu.shape // cel.bind
	}
	c.visit(comp.LoopCondition(), inner)
	if elem := mappedElement(comp); elem != nil {
		// list.map(x, {...}): a list of what the body makes.
		e := c.visit(elem, inner)
		c.visit(comp.Result(), inner)
		if e.shape != nil && !e.shape.List && !e.opt {
			return sval{shape: listOf(e.shape)}
		}
		return sval{}
	}
	c.visit(comp.LoopStep(), inner)
	return c.visit(comp.Result(), inner)
}

// mappedElement returns the body of a map macro (its step is
// accu + [body]), or nil.
func mappedElement(comp ast.ComprehensionExpr) ast.Expr {
	step := comp.LoopStep()
	if step.Kind() != ast.CallKind || step.AsCall().FunctionName() != operators.Add || len(step.AsCall().Args()) != 2 {
		return nil
	}
	acc, list := step.AsCall().Args()[0], step.AsCall().Args()[1]
	if acc.Kind() != ast.IdentKind || acc.AsIdent() != comp.AccuVar() || list.Kind() != ast.ListKind || len(list.AsList().Elements()) != 1 {
		return nil
	}
	return list.AsList().Elements()[0]
}

// visitMap gives a map literal whose keys are all strings the shape of a
// row with those columns.
func (c *shapeChecker) visitMap(x ast.Expr, scope map[string]*Shape) sval {
	s := &Shape{Source: "the map", Columns: map[string]ValueType{}, Fields: map[string]*Shape{}}
	for _, e := range x.AsMap().Entries() {
		entry := e.AsMapEntry()
		c.visit(entry.Key(), scope)
		v := c.visit(entry.Value(), scope)
		key, ok := entry.Key().AsLiteral().(types.String)
		if entry.Key().Kind() != ast.LiteralKind || !ok || s == nil {
			s = nil
			continue
		}
		s.Columns[string(key)] = TypeDyn
		if lt := literalType(v.lit); v.lit != nil && lt != "" {
			s.Columns[string(key)] = lt
		}
		if v.shape != nil && !v.opt {
			s.Fields[string(key)] = v.shape
		}
	}
	if s == nil {
		return sval{}
	}
	return sval{shape: s}
}
