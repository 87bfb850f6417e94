package expr

import (
	"fmt"

	"github.com/google/cel-go/cel"
	"github.com/pipewright/pipewright/engine/component"
)

// Program is a compiled expression. It is stateless and safe for concurrent
// use.
type Program struct {
	prg     cel.Program
	tracked bool
	direct  *directPath
	arith   *arithExpr
	// What compiling learnt: the value's shape and the env values read.
	shape   *Shape
	envUses []EnvUse
	// For explaining evaluation errors (explain.go).
	env     *Env
	checked *cel.Ast
	origin  Origin
	explainer
}

// Shape returns the shape of the expression's value when it is known: a
// table row, a lookup result, or rows of either. Nil otherwise.
func (p *Program) Shape() *Shape {
	if p == nil {
		return nil
	}
	return p.shape
}

// EnvUses lists the env values the expression reads, in source order.
func (p *Program) EnvUses() []EnvUse { return p.envUses }

func (e *Env) program(checked *cel.Ast) (*Program, error) {
	return e.newProgram(checked, e.needsCostTracking(checked))
}

// newProgram plans checked with runtime cost tracking, or without it and,
// unless the environment is plain, with the fast paths (fastpaths.go).
func (e *Env) newProgram(checked *cel.Ast, tracked bool) (*Program, error) {
	fast := !tracked && !e.plain
	opts := []cel.ProgramOption{
		cel.CustomDecoratorV2(planDecorator(checked.NativeRep(), fast)),
		cel.EvalOptions(cel.OptOptimize),
	}
	if tracked {
		opts = append(opts, cel.CostLimit(e.costLimit))
	}
	prg, err := e.cel.Program(checked, opts...)
	if err != nil {
		return nil, fmt.Errorf("planning the expression: %w", err)
	}
	p := &Program{prg: prg, tracked: tracked}
	if fast {
		p.direct = directPathOf(checked.NativeRep())
		p.arith = arithOf(checked.NativeRep(), checked.NativeRep().Expr(), "")
	}
	return p, nil
}

// CostTracked reports whether the program counts its cost at run time and
// stops at the limit, because its static worst case may exceed the limit
// (see DefaultCostLimit).
func (p *Program) CostTracked() bool { return p.tracked }

// Eval evaluates the program against a message's activation and returns the
// result in the message value model (see package component): nil, bool,
// string, int64, float64, decimal.Decimal, time.Time, []any and
// map[string]any. Evaluation errors (a missing key, a failed conversion,
// division by zero, the cost limit) are bad data for this message and are
// marked permanent.
func (p *Program) Eval(a *Activation) (any, error) { return p.eval(a, true) }

// EvalLet evaluates the program for a value that only later expressions
// read (a map step's let value), as Eval does, except that a value read
// from the message as it is (`msg.OrderItems`) is not checked to hold only
// message values: the expressions reading it convert what they read, and
// what they give is checked. It saves walking every element of such a
// list or object for each message.
func (p *Program) EvalLet(a *Activation) (any, error) { return p.eval(a, false) }

func (p *Program) eval(a *Activation, checked bool) (any, error) {
	if p.direct != nil {
		if v, ok := p.direct.eval(a, checked); ok {
			return v, nil
		}
	}
	if p.arith != nil {
		if d, ok := p.arith.value(arithScope{act: a}); ok {
			return d, nil
		}
	}
	out, _, err := p.prg.Eval(a)
	if err != nil {
		return nil, component.Permanent(p.explain(a, err))
	}
	v, err := toValue(out)
	if err != nil {
		return nil, component.Permanent(err)
	}
	return v, nil
}
