package expr

import (
	"fmt"

	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/common/ast"
	"github.com/google/cel-go/interpreter"
	"github.com/pipewright/pipewright/engine/component"
)

// Program is a compiled expression. It is stateless and safe for concurrent
// use.
type Program struct {
	prg     cel.Program
	tracked bool
	direct  *directPath
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

// newProgram plans checked with runtime cost tracking, or without it and
// with the specialised plans.
func (e *Env) newProgram(checked *cel.Ast, tracked bool) (*Program, error) {
	opts := []cel.ProgramOption{
		cel.CustomDecoratorV2(planDecorator(checked.NativeRep(), !tracked)),
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
	if !tracked {
		p.direct = directPathOf(checked.NativeRep())
	}
	return p, nil
}

// planDecorator specialises the plan of a checked expression: operators that
// may mix ints and decimals (mixed.go) and, when cost is not tracked at run
// time, common comprehensions (fastfold.go, bind.go). It sees every node
// after its parts, and remembers them for the comprehensions.
func planDecorator(checked *ast.AST, fast bool) interpreter.InterpretableDecoratorV2 {
	mixed := mixedDecorator(checked)
	if !fast {
		return mixed
	}
	folds, binds := foldShapes(checked), bindShapes(checked)
	planned := map[int64]interpreter.InterpretableV2{}
	return func(i interpreter.InterpretableV2) (interpreter.InterpretableV2, error) {
		i, err := mixed(i)
		if err != nil {
			return nil, err
		}
		planned[i.ID()] = i
		if _, ok := i.(interpreter.InterpretableAttribute); ok {
			return i, nil // an attribute over a comprehension shares its id
		}
		var fast interpreter.InterpretableV2
		if shape, ok := folds[i.ID()]; ok {
			fast = newFastFold(i, shape, planned)
		} else if shape, ok := binds[i.ID()]; ok {
			fast = newFastBind(i.ID(), shape, planned)
		}
		if fast == nil {
			return i, nil
		}
		return fast, nil
	}
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
func (p *Program) Eval(a *Activation) (any, error) {
	if p.direct != nil {
		if v, ok := p.direct.eval(a); ok {
			return v, nil
		}
	}
	var in any = a.frame
	if p.tracked {
		in = a // a fresh frame: cost tracking keeps its state in the frame
	}
	out, _, err := p.prg.Eval(in)
	if err != nil {
		return nil, component.Permanent(p.explain(a, err))
	}
	v, err := toValue(out)
	if err != nil {
		return nil, component.Permanent(err)
	}
	return v, nil
}
